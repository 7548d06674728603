"""The indicators page: the status table and the pillar summary by pillar, one indicator's
trend towards its target.

Cards read :func:`~partner_analytics.analysis.headlines.indicator_status_counts`: on track
(target achieved or substantial progress, with how many achieved their target), moderate or
limited progress, deteriorating, not enough data; they add up to the indicators shown.
"""

from __future__ import annotations

import functools

import pandas as pd

from partner_analytics.dashboards import layout as L
from partner_analytics.dashboards import widgets as W
from partner_analytics.dashboards.page import (
    FIGURE_HEIGHT,
    Dashboard,
    Page,
    build_page,
    empty_or,
    safe_frame,
    warm,
)
from partner_analytics.errors import MissingTableError
from partner_analytics.present.formats import fmt_number, label
from partner_analytics.present.tables import html_table

__all__ = ["PILLARS", "TEXT", "indicator_cards", "indicator_status_table", "indicators_page"]

#: New words of the indicators page (one place, for translation).
TEXT = {
    "caption": "Where each indicator stands: {where}",
    "caption_all": "all pillars",
    "caption_pillar": "{pillar} pillar",
    "indicator": "Indicator",
    "pillar": "Pillar",
    "status": "Status",
    "score": "Score",
    "latest": "Latest value",
    "baseline": "Baseline",
    "target": "Target",
    "trend": "Trend",
    "when": "in {date}",
    "why": "Why: {reason}",
    "empty": "No indicator in this pillar.",
    "summary_scope": "every pillar side by side, whatever pillar is chosen above",
    "sheet_cards": "Cards",
    "sheet_status": "Indicator status",
    "sheet_trend": "Trend of the indicator",
}

#: The pillars in the order of the pages.
PILLARS = ("social", "environmental", "economic", "governance")


def indicator_cards(counts: pd.Series, where: str) -> list[str]:
    """The cards of one pillar (or all): a row of ``indicator_status_counts``."""
    from partner_analytics.figures.theme import STATUS_COLORS

    n = int(counts["n"])
    achieved = int(counts["target_achieved"])
    return [
        L.card("On track", str(int(counts["on_track"])), unit=f"of {n}",
               detail=f"{where}: target achieved or substantial progress ({achieved} achieved)",
               accent=STATUS_COLORS["substantial_progress"], key="on_track"),
        L.card("Moderate or limited progress", str(int(counts["moderate_or_limited"])), unit=f"of {n}",
               detail=where, accent=STATUS_COLORS["moderate_progress"], key="progress"),
        L.card("Deteriorating", str(int(counts["deterioration"])), unit=f"of {n}", detail=where,
               accent=STATUS_COLORS["deterioration"], key="deteriorating"),
        L.card("Not enough data", str(int(counts["not_available"])), unit=f"of {n}", detail=where,
               accent=STATUS_COLORS["not_available"], key="not_available"),
    ]  # fmt: skip


def _value(v, unit) -> str:
    """An indicator value with its unit ("49.2 %", "368 kg per resident per year")."""
    if v is None or pd.isna(v):
        return "–"
    v = float(v)
    digits = 0 if abs(v) >= 100 or v == int(v) else (2 if abs(v) < 1 else 1)
    text = fmt_number(v, digits)
    unit = "" if unit is None or (not isinstance(unit, str)) else unit.strip()
    if not unit:
        return text
    return f"{text} %" if unit == "%" else f"{text} {unit}"


def _when(v, unit, date) -> str:
    """A value and, under it, its date (HTML)."""
    value = _value(v, unit)
    if value == "–" or date is None or (not isinstance(date, str) and pd.isna(date)):
        return L.esc(value)
    return f'{L.esc(value)}<small class="pa-when">{L.esc(TEXT["when"].format(date=date))}</small>'



def indicator_status_table(progress: pd.DataFrame, trend: pd.DataFrame, *, where: str,
                           with_pillar: bool = True) -> str:
    """The status table as HTML: per indicator its name, pillar, status (chip and label;
    with the reason when there is not enough data), score, latest value, baseline and
    target with their units and dates, and a sparkline of its observations (the status's
    colour). Rows in the order of ``progress``
    (:func:`~partner_analytics.analysis.indicators.indicator_progress`); names wrap, so
    nothing runs under the status."""
    from partner_analytics.figures.theme import STATUS_COLORS

    obs = trend[trend["kind"] == "observation"] if len(trend) else trend
    rows = []
    for rec in progress.to_dict("records"):
        status = rec["status"] if rec["status"] in STATUS_COLORS else "not_available"
        name = L.esc(rec["name"])
        group = rec.get("group")
        if isinstance(group, str) and group:
            name += f" <small>({L.esc(group)})</small>"
        cell = L.status_chip(status)
        reason = rec.get("reason")
        if status == "not_available" and isinstance(reason, str) and reason:
            cell += f'<span class="pa-reason">{L.esc(TEXT["why"].format(reason=reason))}</span>'
        sel = obs[obs["indicator_id"] == rec["indicator_id"]] if len(obs) else obs
        spark = ""
        if len(sel) > 1:
            spark = L.sparkline(sel["value"].astype(float).tolist(), sel["date"].astype(str).tolist(),
                                width=130, height=30, color=STATUS_COLORS[status])  # fmt: skip
        score = rec.get("score")
        row = {TEXT["indicator"]: name}
        if with_pillar:
            row[TEXT["pillar"]] = L.esc(label(rec.get("pillar")) if isinstance(rec.get("pillar"), str) else "–")
        row.update({
            TEXT["status"]: cell,
            TEXT["score"]: "–" if score is None or pd.isna(score) else f"{float(score):+.1f}",
            TEXT["latest"]: _when(rec.get("latest_value"), rec.get("unit"), rec.get("latest_date")),
            TEXT["baseline"]: _when(rec.get("base_value"), rec.get("unit"), rec.get("base_date")),
            TEXT["target"]: _when(rec.get("target_value"), rec.get("unit"), rec.get("target_date")),
            TEXT["trend"]: spark,
        })  # fmt: skip
        rows.append(row)
    frame = pd.DataFrame(rows)
    raw = [c for c in frame.columns if c != TEXT["score"]]
    return html_table(frame, caption=TEXT["caption"].format(where=where), raw=raw,
                      numeric=(TEXT["score"],), empty=TEXT["empty"])  # fmt: skip


def _build(page: Page) -> None:
    from partner_analytics.analysis import headlines as H
    from partner_analytics.analysis import indicators as I
    from partner_analytics.analysis.snapshot import latest_day
    from partner_analytics.figures import indicators as FI

    p = page.p
    p.require("indicators", by="the indicators dashboard")
    p.require("observations", by="the indicators dashboard")
    progress = I.indicator_progress(p)
    counts = H.indicator_status_counts(I.indicator_scores(p))
    trend = I.indicator_trend(p)
    summary, summary_why = safe_frame(lambda: I.pillar_summary(p))
    inds = p.indicators[["indicator_id", "name", "pillar"]].copy()
    pillars = [x for x in PILLARS if (inds["pillar"] == x).any()]
    pillar = W.pillar_picker(pillars)
    # the indicators with observations, in the order of the package
    with_obs = inds[inds["indicator_id"].isin(set(trend["indicator_id"]))]
    first = with_obs["indicator_id"].iloc[0] if len(with_obs) else None
    indicator = W.indicator_picker(with_obs if len(with_obs) else inds, first)
    page.add_controls(pillar=pillar, indicator=indicator)
    cards_w = page.html("cards")
    state = {"updating": False}

    def ids_of(pil: str) -> set[str]:
        if pil == W.ALL:
            return set(inds["indicator_id"])
        return set(inds.loc[inds["pillar"] == pil, "indicator_id"])

    def where_of(pil) -> str:
        return TEXT["caption_all"] if pil == W.ALL else TEXT["caption_pillar"].format(pillar=label(pil))

    @functools.lru_cache(maxsize=16)
    def status_table(pil):
        ids = ids_of(pil)
        return indicator_status_table(progress[progress["indicator_id"].isin(ids)],
                                      trend[trend["indicator_id"].isin(ids)], where=where_of(pil),
                                      with_pillar=pil == W.ALL)  # fmt: skip

    @functools.lru_cache(maxsize=128)
    def trend_fig(i):
        return empty_or(trend[trend["indicator_id"] == i], "This indicator has no observations yet.",
                        lambda x: FI.plot_indicator_trend(x, indicator_id=i))  # fmt: skip

    def summary_fig():
        if summary is None:
            raise MissingTableError(summary_why)
        return FI.plot_pillar_summary(summary)

    page.row(
        lambda: page.figure("trend", lambda: trend_fig(indicator.value), what="observations"),
        lambda: (page.figure("pillar_summary", summary_fig, what="indicator statuses", height=FIGURE_HEIGHT),
                 page.html("pillar_summary_scope", L.scope_note(TEXT["summary_scope"]))),
    )  # fmt: skip
    table_w = page.html("status_table", status_table(pillar.value))

    def draw_cards():
        pil = pillar.value
        row = counts[counts["pillar"] == (H.ALL if pil == W.ALL else pil)]
        where = f"{label(pil)} pillar" if pil != W.ALL else "all pillars"
        if len(row):
            cards_w.value = L.cards(indicator_cards(row.iloc[0], where), columns=4)
        else:
            cards_w.value = L.missing_message(f"the {where}", "No indicator of this pillar is scored.")

    def pillar_changed():
        table_w.value = status_table(pillar.value)
        # the indicator list follows the pillar
        shown = with_obs[with_obs["indicator_id"].isin(ids_of(pillar.value))]
        if len(shown):
            state["updating"] = True
            try:
                keep = indicator.value
                if keep not in set(shown["indicator_id"]):
                    keep = shown["indicator_id"].iloc[0]
                indicator.options = list(
                    zip(shown["name"].astype(str), shown["indicator_id"].astype(str), strict=True)
                )
                indicator.value = keep
            finally:
                state["updating"] = False
            indicator_changed()
        draw_cards()

    def indicator_changed():
        if state["updating"]:
            return
        page.update("trend", lambda: trend_fig(indicator.value))

    draw_cards()
    page.set_as_of(latest_day(p), "latest observations")
    page.on_change([pillar], pillar_changed)
    page.on_change([indicator], indicator_changed)
    _exports(page, pillar, indicator, counts, progress, trend, ids_of)
    warm(
        *[functools.partial(status_table, pil) for pil in pillars],
        *[functools.partial(trend_fig, i) for i in with_obs["indicator_id"]],
    )


def _exports(page, pillar, indicator, counts, progress, trend, ids_of) -> None:
    """The sheets of the indicators workbook: the cards, the status table of the pillar
    chosen (with units, values, targets and reasons) and the trend of the indicator chosen."""
    from partner_analytics.analysis import headlines as H

    def cards():
        pil = pillar.value
        return counts[counts["pillar"] == (H.ALL if pil == W.ALL else pil)]

    def status():
        cols = ["indicator_id", "name", "pillar", "unit", "direction", "status", "score",
                "base_date", "base_value", "latest_date", "latest_value", "target_date",
                "target_value", "reason"]  # fmt: skip
        rows = progress[progress["indicator_id"].isin(ids_of(pillar.value))]
        return rows[[c for c in cols if c in rows]]

    def trend_rows():
        rows = trend[trend["indicator_id"] == indicator.value]
        cols = ["indicator_id", "name", "unit", "kind", "date", "value", "fitted", "reason"]
        return rows[[c for c in cols if c in rows]]

    page.export(TEXT["sheet_cards"], cards)
    page.export(TEXT["sheet_status"], status)
    page.export(TEXT["sheet_trend"], trend_rows)


def indicators_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """Indicators: status table and pillar summary by pillar, one indicator's trend.

    ``min_n``: the small-cell threshold (default: the package's setting).
    """
    return build_page("indicators", _build, path, min_n=min_n)
