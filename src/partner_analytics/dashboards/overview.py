"""The overview page: headline cards and alerts as of a quarter end (default: the latest).

Cards read :func:`~partner_analytics.analysis.headlines.headline_figures` (the report's
headline table) and, for their details, the analysis frames of the snapshot of the day; the
actions card reads :func:`~partner_analytics.analysis.actions.action_follow_through`.
Alerts are :func:`~partner_analytics.present.highlights.alerts`, the report's alerts, each
with the actions answering it (:func:`~partner_analytics.present.actions.alert_responses`).
"""

from __future__ import annotations

import functools

import pandas as pd

from partner_analytics.dashboards import layout as L
from partner_analytics.dashboards import widgets as W
from partner_analytics.dashboards.page import Dashboard, Page, build_page, change_tone, warm
from partner_analytics.present.formats import (
    date_text,
    fmt_change,
    fmt_money,
    fmt_number,
    fmt_percent,
    label,
    suppressed_text,
)

__all__ = ["TEXT", "actions_card", "overview_page", "sector_mix"]

#: New words of the overview (one place, for translation).
TEXT = {
    "sheet_headlines": "Headline figures",
    "sheet_alerts": "Alerts",
    "sheet_pillars": "Indicators by pillar",
    "sheet_sectors": "Partners by sector",
}


def _build(page: Page) -> None:
    from partner_analytics.analysis.headlines import headline_figures
    from partner_analytics.analysis.snapshot import quarter_ends, snapshot

    p = page.p
    days = quarter_ends(p)
    if not days:
        page.html("cards", L.missing_message("any period", "The package has no dated rows yet."))
        page.set_as_of(None)
        return
    as_of = W.as_of_selector(days)
    page.add_controls(as_of=as_of)
    cards_w = page.html("cards")
    page.section("Alerts: what needs the steering group's attention")
    alerts_w = page.html("alerts")
    page.html(
        "note",
        '<div class="pa-note">Alerts: indicators that turned to deterioration, overdue '
        "commitments, contested stakeholders and factors that sectors rate very differently; "
        "under each, the actions the steering group decided on it, or “no action yet”. "
        f"Numbers resting on fewer than {page.min_n} people read "
        f"“{L.esc(suppressed_text(page.min_n))}”.</div>",
    )

    def draw() -> None:
        day = pd.Timestamp(as_of.value)
        head = headline_figures(p, as_of=day).set_index("figure")
        cards_w.value = L.cards(overview_cards(head, snapshot(p, day)), columns=3)
        alerts_w.value = _alerts_html(p, day)
        page.set_as_of(day, "headline figures and alerts")

    draw()
    page.on_change([as_of], draw)
    _exports(page, as_of)
    if len(days) > 1:  # the quarter before, in a preheated kernel
        warm(
            functools.partial(headline_figures, p, as_of=days[-2]),
            functools.partial(_alerts_html, p, days[-2]),
        )


def _exports(page: Page, as_of) -> None:
    """The sheets of the overview's workbook: the headline figures (as on the cards),
    the alerts, the indicators per pillar and the partners per sector, as of the day."""
    from partner_analytics.analysis.headlines import headline_figures
    from partner_analytics.analysis.snapshot import snapshot
    from partner_analytics.present.tables import headline_table

    p = page.p

    def day():
        return pd.Timestamp(as_of.value)

    page.export(TEXT["sheet_headlines"], lambda: headline_table(headline_figures(p, as_of=day())))
    page.export(TEXT["sheet_alerts"], lambda: _alerts_with_actions(p, day()))
    def pillars():
        from partner_analytics.analysis.indicators import pillar_summary

        snap = snapshot(p, day())
        return pillar_summary(snap.view, as_of=snap.as_of)

    page.export(TEXT["sheet_pillars"], pillars)
    page.export(TEXT["sheet_sectors"], lambda: snapshot(p, day()).get("sector_diversity"))


def _alerts_with_actions(p, day) -> pd.DataFrame:
    """The alerts of the day, each with the actions decided on it in words."""
    from partner_analytics.present.actions import alert_responses
    from partner_analytics.present.highlights import alerts

    a = alerts(p, as_of=day)
    responses = alert_responses(p, as_of=day)
    return a.assign(action=[responses.get(k, "") for k in a["alert"]])


def _alerts_html(p, day) -> str:
    return L.alerts_list(_alerts_with_actions(p, day), empty="Nothing calls for attention as of this day.")


def _headline_value(row, min_n: int, digits: int = 1, unit: str = "") -> str:
    if row is None or pd.isna(row["now"]):
        return "–"
    if bool(row["suppressed_now"]):
        return suppressed_text(min_n)
    return fmt_number(row["now"], digits) + unit


def _change_line(row, min_n: int, *, digits=1, unit="", what="") -> tuple[str, str]:
    """("+5.8 since 2026-Q2", tone) from a headline row."""
    if row is None or pd.isna(row["change"]):
        if row is not None and (bool(row["suppressed_now"]) or bool(row["suppressed_previous"])):
            return f"change: {suppressed_text(min_n)}", "same"
        return "", "same"
    prev = _period_text(row["period_previous"])
    if row["period_now"] == row["period_previous"] and row["change"] == 0 and what == "wave":
        return f"no new survey since {prev}", "same"
    text = f"{fmt_change(row['change'], digits, unit=unit)} since {prev}"
    return text, change_tone(row["change"], row["better"])


def _period_text(period) -> str:
    """A period label as it is ("2026-Q2"), a day as "31 Mar 2026"."""
    text = str(period)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return date_text(text)
    return text


def _note(row, default: str) -> str:
    if row is not None and isinstance(row["note"], str) and row["note"] not in ("", "nan", "None"):
        return row["note"]
    return default


#: The accent of a card that counts without judging (the neutral tone).
_NEUTRAL = "#17324d"


def overview_cards(head: pd.DataFrame, snap) -> list[str]:
    """The overview's cards (HTML) from the headline figures of a day (indexed by figure)
    and the snapshot of that day (for the details: sparkline, pillars, sector mix)."""
    m = int(head.attrs.get("min_n", snap.min_n))

    def row(key):
        return head.loc[key] if key in head.index else None

    return [
        _health_card(row("health_index"), snap, m),
        _indicators_card(row("on_track"), row("deteriorating"), snap, m),
        _commitments_card(row("follow_through"), row("overdue"), m),
        actions_card(snap),
        _contributions_card(row("delivered"), row("fulfilment"), m),
        _readiness_card(row("readiness"), snap, m),
        _partners_card(row("active_partners"), row("sectors"), snap),
    ]


def _health_card(r, snap, m: int) -> str:
    from partner_analytics.figures.theme import BAND_COLORS

    if r is None or pd.isna(r["now"]) and not bool(r["suppressed_now"]):
        return L.card("Collaboration health index", "–", detail=_note(r, "no assessments"),
                      key="health_index")  # fmt: skip
    change, tone = _change_line(r, m, what="wave")
    hi = snap.get("health_index")
    band, spark = None, ""
    if hi is not None and len(hi):
        hi = hi.sort_values("wave_end")
        band = hi["band"].iloc[-1]
        vals = [None if s else v for v, s in zip(hi["index"], hi["suppressed"].astype(bool), strict=True)]
        shown = [v for v in vals if v is not None and not pd.isna(v)]
        lo = max(0.0, min(shown) - 5) if shown else 0.0
        top = min(100.0, max(shown) + 5) if shown else 100.0
        spark = L.sparkline(
            vals, hi["wave"].tolist(), lo=lo, hi=top, color=BAND_COLORS.get(band, "#17324d")
        )
        detail = f"Survey {r['period_now']}: {int(hi['n_respondents'].iloc[-1])} respondents · {label(band)}"
    else:
        detail = f"Survey {r['period_now']}"
    return L.card(
        "Collaboration health index", _headline_value(r, m), unit="/ 100", change=change,
        change_tone=tone, detail=detail, accent=BAND_COLORS.get(band), extra=spark,
        key="health_index",
    )  # fmt: skip


def _indicators_card(r, det, snap, m: int) -> str:
    from partner_analytics.figures.theme import STATUS_COLORS

    if r is None or pd.isna(r["now"]):
        return L.card("Indicators on track", "–", detail=_note(r, "no indicators"), key="on_track")
    change, tone = _change_line(r, m, digits=0)
    n_det = 0 if det is None or pd.isna(det["now"]) else int(det["now"])
    return L.card(
        "Indicators on track", f"{int(r['now'])}", unit=f"of {int(r['now_total'])}",
        change=change, change_tone=tone,
        detail=f"{n_det} deteriorating" if n_det else "none deteriorating",
        accent=STATUS_COLORS["substantial_progress"], extra=_pillar_bars(snap), key="on_track",
    )  # fmt: skip


def _commitments_card(r, od, m: int) -> str:
    from partner_analytics.figures.theme import follow_through_tone, tone_color

    if r is None or pd.isna(r["now"]):
        return L.card("Commitments kept on time", "–", detail=_note(r, "no commitments due"),
                      key="follow_through")  # fmt: skip
    change, tone = _change_line(r, m, unit=" pts")
    n_over = 0 if od is None or pd.isna(od["now"]) else int(od["now"])
    # the one rule of every page: bad when any is overdue, good only when all kept on time
    accent = tone_color(follow_through_tone(float(r["now"]) / 100.0, n_over))
    return L.card(
        "Commitments kept on time", fmt_percent(r["now"]), change=change, change_tone=tone,
        detail=f"{n_over} overdue of {int(r['now_total'])} due", accent=accent,
        key="follow_through",
    )  # fmt: skip


def actions_card(snap) -> str:
    """Open and overdue actions as of the snapshot's day, and their follow-through (the row
    of all owners of ``action_follow_through``)."""
    from partner_analytics.analysis.actions import action_follow_through
    from partner_analytics.dashboards.page import safe_frame
    from partner_analytics.figures.theme import STATUS_COLORS

    f, _ = safe_frame(lambda: action_follow_through(snap.view, as_of=snap.as_of))
    if f is None or not int(f["n_actions"].iloc[-1]):
        return L.card("Actions", "–", detail="no action recorded by this day", key="actions")
    t = f.iloc[-1]
    n_over = int(t["overdue"])
    detail = f"{n_over} overdue" + (
        f" · follow-through {fmt_percent(t['follow_through'], ratio=True)}"
        if not pd.isna(t["follow_through"]) else ""
    )  # fmt: skip
    accent = STATUS_COLORS["deterioration"] if n_over else STATUS_COLORS["target_achieved"]
    return L.card("Actions", f"{int(t['open'])}", unit="open", detail=detail, accent=accent,
                  key="actions")  # fmt: skip


def delivered_bar(share) -> str:
    """A bar of the share of the pledged value delivered (0..1); "" when unknown."""
    if share is None or pd.isna(share):
        return ""
    from partner_analytics.figures.theme import DELIVERED_COLOR

    return L.bar([(share, DELIVERED_COLOR, "delivered"), (1 - share, "#d9dee4", "not yet delivered")])


def _contributions_card(r, f, m: int) -> str:
    if r is None or pd.isna(r["now"]) or pd.isna(r["now_total"]):
        return L.card("Contributions delivered", "–", detail=_note(r, "no contributions"),
                      key="delivered")  # fmt: skip
    cur = r["currency"] if isinstance(r["currency"], str) and r["currency"] != "nan" else ""
    known = f is not None and not pd.isna(f["now"])
    change, tone = _change_line(f, m, unit=" pts") if f is not None else ("", "same")
    pledged = fmt_money(r["now_total"], cur)
    return L.card(
        "Contributions delivered", fmt_money(r["now"], cur),
        change=(f"share delivered {change}" if change else ""), change_tone=tone,
        detail=(f"{fmt_percent(f['now'])} of {pledged} pledged" if known else f"of {pledged} pledged"),
        accent=_NEUTRAL, extra=delivered_bar(f["now"] / 100.0 if known else None), key="delivered",
    )  # fmt: skip


def _readiness_card(r, snap, m: int) -> str:
    if r is None or pd.isna(r["now"]):
        return L.card("Readiness", "–", detail=_note(r, "no readiness review"), key="readiness")
    change, tone = _change_line(r, m, unit=" pts")
    rd = snap.get("readiness")
    detail = f"Review of {date_text(r['period_now'])}"
    if rd is not None and len(rd):
        last = rd.iloc[-1]
        detail += f": {int(last['in_place'])} in place, {int(last['partial'])} partial, {int(last['missing'])} missing"
    return L.card("Readiness", fmt_percent(r["now"]), change=change, change_tone=tone,
                  detail=detail, accent=_NEUTRAL, key="readiness")  # fmt: skip


def _partners_card(r, sectors, snap) -> str:
    if r is None or pd.isna(r["now"]):
        return L.card("Partners", "–", detail=_note(r, "no partners"), key="partners")
    n_sec = "" if sectors is None or pd.isna(sectors["now"]) else f"{int(sectors['now'])} sectors"
    return L.card("Active partners", f"{int(r['now'])}", unit=n_sec, accent=_NEUTRAL,
                  extra=sector_mix(snap.get("sector_diversity")), key="partners")  # fmt: skip


def sector_mix(div: pd.DataFrame | None) -> str:
    """A bar of active partners by sector with its key (the shares of ``sector_diversity``)."""
    from partner_analytics.figures.theme import SECTOR_COLORS

    if div is None or not len(div):
        return ""
    shown = div[div["n_partners"] > 0]
    if not len(shown):
        return ""
    colors = [SECTOR_COLORS.get(s, "#7a7a7a") for s in shown["sector"]]
    texts = [f"{label(s)} {int(n)}" for s, n in zip(shown["sector"], shown["n_partners"], strict=True)]
    bar = L.bar(list(zip(shown["share"], colors, texts, strict=True)))
    return bar + L.legend(zip(colors, texts, strict=True))


def _pillar_bars(snap) -> str:
    """Per pillar: a bar of statuses and "k of n on track" (from ``pillar_summary``)."""
    from partner_analytics.analysis.indicators import pillar_summary
    from partner_analytics.dashboards.page import safe_frame
    from partner_analytics.figures.theme import STATUS_COLORS, STATUS_LABELS, STATUS_PATTERNS

    ps, _ = safe_frame(lambda: pillar_summary(snap.view, as_of=snap.as_of))
    if ps is None or not len(ps):
        return ""
    rows = []
    for pillar in dict.fromkeys(ps["pillar"]):
        g = ps[ps["pillar"] == pillar]
        first = g.iloc[0]
        parts = [
            (share, STATUS_COLORS.get(s, "#9e9e9e"), f"{STATUS_LABELS.get(s, s)}: {int(n)}",
             L.PATTERN_CLASSES.get(STATUS_PATTERNS.get(s, ""), ""))
            for s, n, share in zip(g["status"], g["n"], g["n"] / first["n_indicators"], strict=True)
        ]  # fmt: skip
        rows.append(
            f"<tr><td>{L.esc(label(pillar))}</td><td class='pa-barcell'>{L.bar(parts)}</td>"
            f"<td class='pa-num'>{int(first['n_on_track'])} of {int(first['n_indicators'])}</td></tr>"
        )
    shown = [s for s in STATUS_COLORS if s in set(ps["status"])]
    key = L.legend(
        (STATUS_COLORS[s], STATUS_LABELS[s], L.PATTERN_CLASSES.get(STATUS_PATTERNS[s], ""))
        for s in shown
    )
    return f"<table class='pa-pillars'>{''.join(rows)}</table>{key}"


def overview_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """The overview: headline cards and alerts as of a quarter end (default: the latest).

    ``path``: the package (default: :func:`~partner_analytics.dashboards.page.data_path`);
    ``min_n``: the small-cell threshold (default: the package's setting).
    """
    return build_page("overview", _build, path, min_n=min_n)
