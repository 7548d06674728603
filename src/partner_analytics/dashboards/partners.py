"""The partners page: competency alignment, candidates, sector mix and the relationship
network.

Cards read :func:`~partner_analytics.analysis.headlines.composition_counts`, the alignment
index, the single points of failure, the best-ranked candidate and the network summary of
the wave chosen.
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
from partner_analytics.present.formats import fmt_change, fmt_number, fmt_percent, label

__all__ = ["partner_cards", "partners_page"]


def partner_cards(div, index, spof, fit, network_row, wave) -> list[str]:
    """The cards of the page: ``sector_diversity``, ``alignment_index``,
    ``single_points_of_failure``, ``candidate_fit`` (each None when the package lacks its
    tables) and the wave's row of ``network_summary`` (None without one)."""
    from partner_analytics.analysis.headlines import composition_counts
    from partner_analytics.dashboards.overview import sector_mix
    from partner_analytics.figures.theme import SECTOR_COLORS

    cards = []
    if div is not None:
        c = composition_counts(div)
        cards.append(L.card("Active partners", str(c["active_partners"]), unit=f"{c['sectors']} sectors",
                            extra=sector_mix(div), key="partners"))  # fmt: skip
    if index is not None and not pd.isna(index):
        cards.append(L.card("Competency alignment index", fmt_number(index, 0), unit="/ 100",
                            detail="how well partners cover the objectives, by priority",
                            accent="#1f5fa8", key="alignment"))  # fmt: skip
    if spof is not None:
        areas = ", ".join(sorted({label(a) for a in spof["area"]})) if len(spof) else "none"
        cards.append(L.card("Single points of failure", str(len(spof)),
                            detail=f"areas covered by one sector only: {areas}", accent="#e08214",
                            key="spof"))  # fmt: skip
    if fit is not None and len(fit):
        best = fit.iloc[0]  # ranked: the best first
        cards.append(L.card("Best candidate", fmt_change(best["gain"], 1), unit="index points",
                            detail=f"{best['name']} ({label(best['sector'])})",
                            accent=SECTOR_COLORS.get(best["sector"]), key="candidate"))  # fmt: skip
    if network_row is not None:
        r = network_row
        cards.append(L.card("Network density", fmt_percent(r["density"], ratio=True),
                            detail=f"wave {wave}: {int(r['edges'])} working ties among {int(r['nodes'])} partners",
                            accent="#2e9e5b", key="density"))  # fmt: skip
    return cards


def _candidates_fig(fit):
    from partner_analytics.figures import competencies as FC

    if not len(fit):
        return W.empty_figure("The package lists no candidate partner.")
    return FC.plot_candidate_fit(fit)


def _build(page: Page) -> None:
    from partner_analytics.analysis import competencies as C
    from partner_analytics.analysis import network as N
    from partner_analytics.analysis.headlines import waves_in_order
    from partner_analytics.analysis.snapshot import latest_day
    from partner_analytics.figures import competencies as FC
    from partner_analytics.figures import network as FN
    from partner_analytics.figures.theme import SECTOR_COLORS

    p = page.p
    levels, levels_why = safe_frame(lambda: C.competency_levels(p, include_candidates=True))
    align, align_why = safe_frame(lambda: C.competency_alignment(p))
    index, _ = safe_frame(lambda: C.alignment_index(p))
    fit, fit_why = safe_frame(lambda: C.candidate_fit(p))
    div, div_why = safe_frame(lambda: C.sector_diversity(p))
    spof, _ = safe_frame(lambda: C.single_points_of_failure(p))
    metrics, net_why = safe_frame(lambda: N.network_metrics(p))
    edges, _ = safe_frame(lambda: N.network_edges(p))
    summary, _ = safe_frame(lambda: N.network_summary(p))
    sectors = [s for s in SECTOR_COLORS if (p.partners["sector"] == s).any()]
    sector = W.sector_filter(sectors)
    waves = waves_in_order(metrics)
    controls = {"sector": sector}
    wave = None
    if waves:
        wave = W.wave_selector(waves, description="Network wave")
        controls["wave"] = wave
    page.add_controls(**controls)
    cards_w = page.html("cards")

    @functools.lru_cache(maxsize=16)
    def heatmap_fig(sec):
        if levels is None:
            raise MissingTableError(levels_why)
        rows = levels if sec == W.ALL else levels[levels["sector"] == sec]
        return empty_or(rows, "No partner of this sector lists competencies.", FC.plot_competency_heatmap)

    @functools.lru_cache(maxsize=16)
    def network_fig(w):
        if metrics is None or edges is None:
            raise MissingTableError(net_why)
        return FN.plot_network(metrics, edges, wave=w)

    def need(frame, why, build):
        if frame is None:
            raise MissingTableError(why)
        return build(frame)

    n_partners = len(levels["partner_id"].unique()) if levels is not None else 10
    n_objectives = len(align) if align is not None else 6
    page.section("Competencies: who brings what to the objectives")
    page.figure("heatmap", lambda: heatmap_fig(sector.value), what="competencies",
                height=max(FIGURE_HEIGHT, 200 + 30 * n_partners))  # fmt: skip
    page.figure("coverage", lambda: need(align, align_why, FC.plot_priority_coverage), what="objectives",
                height=max(420, 160 + 60 * n_objectives))  # fmt: skip
    page.section("Candidates and sector mix")
    page.row(
        lambda: page.figure("candidates", lambda: need(fit, fit_why, _candidates_fig), what="candidate partners"),
        lambda: page.figure("diversity", lambda: need(div, div_why, FC.plot_sector_diversity), what="partners"),
    )  # fmt: skip
    page.section("The relationship network")
    page.figure("network", lambda: network_fig(wave.value if wave is not None else None),
                what="relationships", height=760)  # fmt: skip
    page.figure("network_trend", lambda: need(summary, net_why, FN.plot_network_trend),
                what="relationships", height=440)  # fmt: skip

    def draw_cards():
        row = None
        if summary is not None and wave is not None:
            rows = summary[summary["wave"] == wave.value]
            row = rows.iloc[0] if len(rows) else None
        cards = partner_cards(div, index, spof, fit, row, wave.value if wave is not None else None)
        cards_w.value = L.cards(cards) if cards else L.missing_message("partners", "")

    def draw_wave():
        page.update("network", lambda: network_fig(wave.value))
        draw_cards()

    draw_cards()
    page.set_as_of(latest_day(p), "partners, competencies and the network")
    page.on_change([sector], lambda: page.update("heatmap", lambda: heatmap_fig(sector.value)))
    if wave is not None:
        page.on_change([wave], draw_wave)
    warm(
        *[functools.partial(heatmap_fig, sec) for sec in sectors],
        *[functools.partial(network_fig, w) for w in reversed(waves[:-1])],
    )


def partners_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """Partners: competency alignment, candidates, sector mix and the relationship network.

    ``min_n``: the small-cell threshold (default: the package's setting).
    """
    return build_page("partners", _build, path, min_n=min_n)
