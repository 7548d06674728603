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
from partner_analytics.present.formats import label

__all__ = ["PILLARS", "indicator_cards", "indicators_page"]

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

    @functools.lru_cache(maxsize=16)
    def status_fig(pil):
        ids = ids_of(pil)
        what = "Where each indicator stands" + (f": {label(pil).lower()} pillar" if pil != W.ALL else "")
        return empty_or(
            progress[progress["indicator_id"].isin(ids)],
            "No indicator in this pillar.",
            lambda x: FI.plot_indicator_status_table(x, trend[trend["indicator_id"].isin(ids)], title=what),
        )

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
        lambda: page.figure("pillar_summary", summary_fig, what="indicator statuses", height=FIGURE_HEIGHT),
    )  # fmt: skip
    page.section("Where each indicator stands")
    page.figure("status_table", lambda: status_fig(pillar.value), what="indicator statuses",
                height=min(1400, 140 + 34 * max(len(progress), 1)))  # fmt: skip

    def draw_cards():
        pil = pillar.value
        row = counts[counts["pillar"] == (H.ALL if pil == W.ALL else pil)]
        where = f"{label(pil)} pillar" if pil != W.ALL else "all pillars"
        if len(row):
            cards_w.value = L.cards(indicator_cards(row.iloc[0], where))
        else:
            cards_w.value = L.missing_message(f"the {where}", "No indicator of this pillar is scored.")

    def pillar_changed():
        page.update("status_table", lambda: status_fig(pillar.value))
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
    warm(
        *[functools.partial(status_fig, pil) for pil in pillars],
        *[functools.partial(trend_fig, i) for i in with_obs["indicator_id"]],
    )


def indicators_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """Indicators: status table and pillar summary by pillar, one indicator's trend.

    ``min_n``: the small-cell threshold (default: the package's setting).
    """
    return build_page("indicators", _build, path, min_n=min_n)
