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
from partner_analytics.present.formats import (
    fmt_change,
    fmt_number,
    fmt_percent,
    label,
    suppressed_text,
)
from partner_analytics.present.tables import html_table

__all__ = ["SORT_KEYS", "TEXT", "network_table", "partner_cards", "partners_page"]

#: New words of the partners page (one place, for translation).
TEXT = {
    "all_partners": "all partners",
    "sector_partners": "{sector} partners",
    "of_active": "of {n} active partners",
    "best_of_sector": "Best {sector} candidate",
    "no_candidate": "no {sector} candidate",
    "no_candidate_figure": "The package lists no {sector} candidate partner.",
    "scope_all": "{what} (all partners, whatever sector is chosen above)",
    "coverage_scope": "the objectives against what all partners bring",
    "diversity_scope": "every sector side by side",
    "trend_scope": "the whole network, wave by wave",
    "focus": "Partner in focus",
    "no_focus": "No partner in focus",
    "sort": "Sort partners by",
    "sort_trust": "Trust received",
    "sort_value": "Value received",
    "sort_degree": "Ties (named by and naming)",
    "sort_name": "Name",
    "network_title": "Who works with whom, {wave}",
    "network_title_focus": "Who works with whom, {wave}: around {who}",
    "table_caption": "Partners in the network, {wave}: {who}, by {key}",
    "col_partner": "Partner",
    "col_sector": "Sector",
    "col_trust": "Trust received",
    "col_value": "Value received",
    "col_in": "Named by",
    "col_out": "Names",
    "col_degree": "Degree centrality",
    "in_focus": "in focus",
    "table_note": (
        "Named by: partners naming it as a working partner. Names: partners it names. Trust "
        "and value received: the mean of its raters' answers as a share of the top of the "
        "scale. Degree centrality: its ties in and out over the partners it could have (0 to 2)."
    ),
    "table_empty": "No partner of this sector is in the network of this wave.",
    "sheet_competencies": "Competencies",
    "sheet_objectives": "Objectives",
    "sheet_candidates": "Candidates",
    "sheet_sectors": "Partners by sector",
    "sheet_network": "Network per partner",
    "sheet_network_trend": "Network by wave",
}

#: The orders of the network table: key -> (column of network_metrics, descending).
SORT_KEYS = {
    "trust": ("trust_received_pct", True),
    "value": ("value_received_pct", True),
    "degree": ("degree_centrality", True),
    "name": ("name", False),
}


def partner_cards(div, index, spof, fit, network_row, wave, *, sector: str = "") -> list[str]:
    """The cards of the page: ``sector_diversity``, ``alignment_index``,
    ``single_points_of_failure``, ``candidate_fit`` (each None when the package lacks its
    tables) and the wave's row of ``network_summary`` (None without one). With a
    ``sector``, the partners card counts that sector's partners and the candidate card
    shows its best candidate; the other cards say they are of all partners."""
    from partner_analytics.analysis.headlines import composition_counts
    from partner_analytics.dashboards.overview import sector_mix
    from partner_analytics.figures.theme import tone_color

    neutral = tone_color("neutral")
    scope = f" ({TEXT['all_partners']})" if sector else ""
    cards = []
    if div is not None:
        c = composition_counts(div)
        if sector:
            row = div[div["sector"] == sector]
            n = int(row["n_partners"].iloc[0]) if len(row) else 0
            cards.append(L.card("Active partners", str(n),
                                unit=TEXT["sector_partners"].format(sector=label(sector).lower()),
                                detail=TEXT["of_active"].format(n=c["active_partners"]),
                                extra=sector_mix(div), accent=neutral, key="partners"))  # fmt: skip
        else:
            cards.append(L.card("Active partners", str(c["active_partners"]), unit=f"{c['sectors']} sectors",
                                extra=sector_mix(div), accent=neutral, key="partners"))  # fmt: skip
    if index is not None and not pd.isna(index):
        cards.append(L.card("Competency alignment index", fmt_number(index, 0), unit="/ 100",
                            detail="how well partners cover the objectives, by priority" + scope,
                            accent=neutral, key="alignment"))  # fmt: skip
    if spof is not None:
        areas = ", ".join(sorted({label(a) for a in spof["area"]})) if len(spof) else "none"
        cards.append(L.card("Single points of failure", str(len(spof)),
                            detail=f"areas covered by one sector only: {areas}" + scope,
                            accent=tone_color("watch" if len(spof) else "good"), key="spof"))  # fmt: skip
    if fit is not None:
        rows = fit[fit["sector"] == sector] if sector else fit
        title = TEXT["best_of_sector"].format(sector=label(sector).lower()) if sector else "Best candidate"
        if len(rows):
            best = rows.iloc[0]  # ranked: the best first
            cards.append(L.card(title, fmt_change(best["gain"], 1), unit="index points",
                                detail=f"{best['name']} ({label(best['sector'])})",
                                accent=neutral, key="candidate"))  # fmt: skip
        elif sector and len(fit):
            cards.append(L.card(title, "–", detail=TEXT["no_candidate"].format(sector=label(sector).lower()),
                                accent=tone_color("none"), key="candidate"))  # fmt: skip
    if network_row is not None:
        r = network_row
        cards.append(L.card("Network density", fmt_percent(r["density"], ratio=True),
                            detail=f"wave {wave}: {int(r['edges'])} working ties among {int(r['nodes'])} partners" + scope,
                            accent=neutral, key="density"))  # fmt: skip
    return cards


def network_table(metrics: pd.DataFrame, *, wave: str, min_n: int, sector: str = "",
                  focus: str = "", sort: str = "trust") -> str:
    """Per partner of the wave's network (of one sector, or all): trust and value received
    ("n < {min_n}" when rated by fewer organisations), how many name it and it names, its
    degree centrality; sorted by ``sort`` (a key of :data:`SORT_KEYS`, largest first;
    suppressed values last), the partner in ``focus`` marked. The rows of
    :func:`~partner_analytics.analysis.network.network_metrics`, nothing computed."""
    from partner_analytics.figures.theme import SECTOR_COLORS

    rows = metrics[metrics["wave"] == wave]
    if sector:
        rows = rows[rows["sector"] == sector]
    column, descending = SORT_KEYS.get(sort, SORT_KEYS["trust"])
    hidden = rows["suppressed"].astype(bool)
    if column in ("trust_received_pct", "value_received_pct"):
        rows = rows.assign(_hidden=hidden).sort_values(
            ["_hidden", column, "name"], ascending=[True, not descending, True], na_position="last"
        )
    else:
        rows = rows.sort_values([column, "name"], ascending=[not descending, True])
    hide = suppressed_text(min_n)

    def pct(v, h):
        return hide if h else ("–" if pd.isna(v) else f"{v:.0f} %")

    names = []
    for pid, name in zip(rows["partner_id"], rows["name"], strict=True):
        text = L.esc(name)
        names.append(f"<strong>{text} ◀ {L.esc(TEXT['in_focus'])}</strong>" if pid == focus else text)
    frame = pd.DataFrame({
        TEXT["col_partner"]: names,
        TEXT["col_sector"]: [L.chip(SECTOR_COLORS.get(s, SECTOR_COLORS["other"]), label(s)) for s in rows["sector"]],
        TEXT["col_trust"]: [pct(v, h) for v, h in zip(rows["trust_received_pct"], rows["suppressed"].astype(bool), strict=True)],
        TEXT["col_value"]: [pct(v, h) for v, h in zip(rows["value_received_pct"], rows["suppressed"].astype(bool), strict=True)],
        TEXT["col_in"]: [str(int(v)) for v in rows["in_degree"]],
        TEXT["col_out"]: [str(int(v)) for v in rows["out_degree"]],
        TEXT["col_degree"]: ["–" if pd.isna(v) else f"{v:.2f}" for v in rows["degree_centrality"]],
    })  # fmt: skip
    who = TEXT["sector_partners"].format(sector=label(sector).lower()) if sector else TEXT["all_partners"]
    key = {"trust": TEXT["sort_trust"], "value": TEXT["sort_value"], "degree": TEXT["sort_degree"],
           "name": TEXT["sort_name"]}.get(sort, TEXT["sort_trust"]).lower()  # fmt: skip
    return html_table(
        frame, caption=TEXT["table_caption"].format(wave=wave, who=who, key=key),
        raw=(TEXT["col_partner"], TEXT["col_sector"]),
        numeric=(TEXT["col_trust"], TEXT["col_value"], TEXT["col_in"], TEXT["col_out"], TEXT["col_degree"]),
        empty=TEXT["table_empty"],
    ) + f'<div class="pa-note">{L.esc(TEXT["table_note"])}</div>'  # fmt: skip


def _candidates_fig(fit, sector: str = ""):
    from partner_analytics.figures import competencies as FC

    if not len(fit):
        return W.empty_figure("The package lists no candidate partner.")
    rows = fit[fit["sector"] == sector] if sector else fit
    if not len(rows):
        return W.empty_figure(TEXT["no_candidate_figure"].format(sector=label(sector).lower()))
    return FC.plot_candidate_fit(rows)


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
    active = p.partners[p.partners["role"].fillna("") != "candidate"]
    sector = W.sector_filter(sectors)
    waves = waves_in_order(metrics)
    controls = {"sector": sector}
    wave = focus = sort = None
    if waves:
        wave = W.wave_selector(waves, description="Network wave")
        focus = W.partner_filter(active, description=TEXT["focus"])
        focus.options = [(TEXT["no_focus"], W.ALL), *list(focus.options)[1:]]
        sort = W.dropdown(TEXT["sort"], [(TEXT["sort_trust"], "trust"), (TEXT["sort_value"], "value"),
                                        (TEXT["sort_degree"], "degree"), (TEXT["sort_name"], "name")])  # fmt: skip
        controls.update(wave=wave, focus=focus, sort=sort)
    page.add_controls(**controls)
    cards_w = page.html("cards")
    state = {"updating": False}

    def sec() -> str:
        return "" if sector.value == W.ALL else sector.value

    def focus_ids() -> tuple[str, ...] | None:
        if focus is not None and focus.value != W.ALL:
            return (focus.value,)
        if sector.value != W.ALL:
            return tuple(sorted(active.loc[active["sector"] == sector.value, "partner_id"]))
        return None

    @functools.lru_cache(maxsize=16)
    def heatmap_fig(s_):
        if levels is None:
            raise MissingTableError(levels_why)
        rows = levels if s_ == W.ALL else levels[levels["sector"] == s_]
        return empty_or(rows, "No partner of this sector lists competencies.", FC.plot_competency_heatmap)

    @functools.lru_cache(maxsize=16)
    def candidates_fig(s_):
        if fit is None:
            raise MissingTableError(fit_why)
        return _candidates_fig(fit, "" if s_ == W.ALL else s_)

    @functools.lru_cache(maxsize=64)
    def network_fig(w, ids):
        if metrics is None or edges is None:
            raise MissingTableError(net_why)
        who = None
        if ids:
            names = metrics.loc[(metrics["wave"] == w) & metrics["partner_id"].isin(ids), "name"]
            who = names.iloc[0] if len(ids) == 1 and len(names) else (
                TEXT["sector_partners"].format(sector=label(sector.value).lower()) if sector.value != W.ALL else None)
        title = (TEXT["network_title_focus"].format(wave=w, who=who) if who
                 else TEXT["network_title"].format(wave=w))  # fmt: skip
        return FN.plot_network(metrics, edges, wave=w, focus=list(ids) if ids else None, title=title)

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
    if "coverage" in page.figures:
        page.html("coverage_scope", L.scope_note(TEXT["coverage_scope"]))
    page.section("Candidates and sector mix")
    page.row(
        lambda: page.figure("candidates", lambda: candidates_fig(sector.value), what="candidate partners"),
        lambda: (page.figure("diversity", lambda: need(div, div_why, FC.plot_sector_diversity), what="partners"),
                 page.html("diversity_scope", L.scope_note(TEXT["diversity_scope"])) if div is not None else None),
    )  # fmt: skip
    page.section("The relationship network")
    page.figure("network", lambda: network_fig(wave.value if wave is not None else None, focus_ids()),
                what="relationships", height=760)  # fmt: skip
    table_w = page.html("network_table")
    page.figure("network_trend", lambda: need(summary, net_why, FN.plot_network_trend),
                what="relationships", height=460)  # fmt: skip
    if "network_trend" in page.figures:
        page.html("network_trend_scope", L.scope_note(TEXT["trend_scope"]))

    def draw_table():
        if metrics is None or wave is None:
            return
        table_w.value = network_table(metrics, wave=wave.value, sector=sec(),
                                      focus=focus.value if focus is not None else "",
                                      sort=sort.value if sort is not None else "trust",
                                      min_n=page.min_n)  # fmt: skip

    def draw_cards():
        row = None
        if summary is not None and wave is not None:
            rows = summary[summary["wave"] == wave.value]
            row = rows.iloc[0] if len(rows) else None
        cards = partner_cards(div, index, spof, fit, row, wave.value if wave is not None else None,
                              sector=sec())  # fmt: skip
        cards_w.value = L.cards(cards, columns=5) if cards else L.missing_message("partners", "")

    def draw_network():
        if wave is not None:
            page.update("network", lambda: network_fig(wave.value, focus_ids()))
        draw_table()

    def draw_wave():
        draw_network()
        draw_cards()

    def sector_changed():
        page.update("heatmap", lambda: heatmap_fig(sector.value))
        page.update("candidates", lambda: candidates_fig(sector.value))
        if focus is not None:
            # the partners in focus follow the sector; resetting them must not draw twice
            state["updating"] = True
            try:
                shown = active if sector.value == W.ALL else active[active["sector"] == sector.value]
                ordered = shown.sort_values("name", key=lambda x: x.str.casefold())
                focus.options = [(TEXT["no_focus"], W.ALL)] + list(
                    zip(ordered["name"].astype(str), ordered["partner_id"].astype(str), strict=True)
                )
                focus.value = W.ALL
            finally:
                state["updating"] = False
        draw_network()
        draw_cards()

    def focus_changed():
        if not state["updating"]:
            draw_network()

    draw_cards()
    draw_table()
    page.set_as_of(latest_day(p), "partners, competencies and the network")
    page.on_change([sector], sector_changed)
    if wave is not None:
        page.on_change([wave], draw_wave)
        page.on_change([focus], focus_changed)
        page.on_change([sort], draw_table)
    _exports(page, sector, wave, levels, align, fit, div, metrics, summary)
    sector_ids = [tuple(sorted(active.loc[active["sector"] == s_, "partner_id"])) for s_ in sectors]
    warm(
        *[functools.partial(heatmap_fig, s_) for s_ in sectors],
        *[functools.partial(candidates_fig, s_) for s_ in sectors],
        *[functools.partial(network_fig, w, None) for w in reversed(waves[:-1])],
        *[functools.partial(network_fig, waves[-1], ids) for ids in sector_ids if waves],
    )


def _exports(page, sector, wave, levels, align, fit, div, metrics, summary) -> None:
    """The sheets of the partners workbook for the sector and wave chosen."""
    from partner_analytics.dashboards.export import suppress

    def of_sector(frame):
        if frame is None:
            return None
        return frame if sector.value == W.ALL else frame[frame["sector"] == sector.value]

    def network_rows():
        if metrics is None or wave is None:
            return None
        rows = of_sector(metrics[metrics["wave"] == wave.value])
        cols = ["wave", "partner_id", "name", "sector", "in_degree", "out_degree",
                "degree_centrality", "trust_received_pct", "value_received_pct", "n_raters",
                "suppressed"]  # fmt: skip
        return suppress(rows[cols], ["trust_received_pct", "value_received_pct", "n_raters"], page.min_n)

    page.export(TEXT["sheet_competencies"], lambda: of_sector(levels))
    page.export(TEXT["sheet_objectives"], lambda: align)
    page.export(TEXT["sheet_candidates"], lambda: of_sector(fit))
    page.export(TEXT["sheet_sectors"], lambda: div)
    page.export(TEXT["sheet_network"], network_rows)
    page.export(TEXT["sheet_network_trend"], lambda: summary)


def partners_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """Partners: competency alignment, candidates, sector mix and the relationship network.

    ``min_n``: the small-cell threshold (default: the package's setting).
    """
    return build_page("partners", _build, path, min_n=min_n)
