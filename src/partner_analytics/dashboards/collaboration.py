"""The collaboration page: the health index, the factor radar (all partners or one sector)
and how differently the sectors see each factor, by wave.

Cards read the wave's row of ``health_index``, of
:func:`~partner_analytics.analysis.headlines.factor_counts` and of
:func:`~partner_analytics.analysis.headlines.gap_counts`.
"""

from __future__ import annotations

import functools

import pandas as pd

from partner_analytics.dashboards import layout as L
from partner_analytics.dashboards import widgets as W
from partner_analytics.dashboards.page import (
    Dashboard,
    Page,
    build_page,
    change_tone,
    is_true,
    safe_frame,
    warm,
)
from partner_analytics.errors import MissingTableError
from partner_analytics.present.formats import fmt_change, fmt_number, label, suppressed_text

__all__ = ["TEXT", "collaboration_cards", "collaboration_page", "sector_scores"]

#: New words of the collaboration page (one place, for translation).
TEXT = {
    "who_all": "all partners",
    "who_sector": "{sector} partners",
    "index_title_sector": "Collaboration health index of {sector} partners (0 to 100)",
    "all_partners": "All partners",
    "no_answers": "No {sector} partner answered the survey.",
    "gaps_scope": "every sector side by side, whatever sector is chosen above",
    "gaps_detail": "factors with a gap of 1.0 or more between sectors (all sectors)",
    "sheet_cards": "Cards",
    "sheet_index": "Health index",
    "sheet_factors": "Factor scores",
    "sheet_gaps": "Perception gaps",
}


def sector_scores(gaps: pd.DataFrame, sector: str) -> pd.DataFrame:
    """The rows of one sector in ``perception_gaps``, shaped as ``factor_scores`` rows
    (wave, factor, mean, n_respondents, suppressed and the previous wave of that sector),
    so that the radar draws one sector's means. Values are the analysis' own."""
    g = gaps[gaps["group"] == sector].copy()
    waves = g[["wave", "wave_end"]].drop_duplicates().sort_values("wave_end")
    prev = dict(zip(waves["wave"], [None, *waves["wave"].tolist()[:-1]], strict=True))
    g["previous_wave"] = g["wave"].map(prev)
    cols = ["wave", "wave_end", "factor_code", "factor", "mean", "n_respondents", "suppressed",
            "previous_wave"]  # fmt: skip
    return g[cols]


def collaboration_cards(
    index_row, factors_row, gaps_row, min_n: int, *, who: str = ""
) -> list[str]:
    """The cards of one wave: its row of ``health_index``, of ``factor_counts`` and of
    ``gap_counts`` (each None when the wave has none); ``who``: whose answers the index
    and factor cards rest on ("private partners"), said on them."""
    from partner_analytics.figures.theme import BAND_COLORS, tone_color

    who_text = f"{who}: " if who else ""
    cards = []
    if index_row is not None:
        r = index_row
        hidden = is_true(r["suppressed"])
        change = "" if pd.isna(r["change"]) or hidden else f"{fmt_change(r['change'], 1)} since {r['previous_wave']}"
        cards.append(L.card(
            "Collaboration health index",
            fmt_number(r["index"], 1, suppressed=hidden, min_n=min_n),
            unit="/ 100", change=change, change_tone=change_tone(r["change"], "higher"),
            detail=(f"{who_text}{int(r['n_respondents'])} respondents" if hidden
                    else f"{who_text}{label(r['band'])} · {int(r['n_respondents'])} respondents"),
            accent=tone_color("none") if hidden else BAND_COLORS.get(r["band"]), key="health_index",
        ))  # fmt: skip
    if factors_row is not None and int(factors_row["shown"]):
        f = factors_row
        cards += [
            L.card("Factors of concern", str(int(f["concern"])), unit=f"of {int(f['shown'])}",
                   detail=f"{who_text}mean below 3.0",
                   accent=tone_color("bad" if int(f["concern"]) else "good"), key="concern"),
            L.card("Strongest factor", fmt_number(f["strongest_mean"], 2),
                   detail=str(f["strongest_factor"]),
                   accent=BAND_COLORS.get(f["strongest_band"]), key="strongest"),
            L.card("Weakest factor", fmt_number(f["weakest_mean"], 2),
                   detail=str(f["weakest_factor"]), accent=BAND_COLORS.get(f["weakest_band"]),
                   key="weakest"),
        ]  # fmt: skip
    if gaps_row is not None:
        flagged = int(gaps_row["flagged"])
        cards.append(L.card(
            "Seen differently by sectors", str(flagged),
            unit=f"of {int(gaps_row['compared'])}", detail=TEXT["gaps_detail"],
            accent=tone_color("watch" if flagged else "good"), key="gaps",
        ))  # fmt: skip
    return cards


def _row_of(frame: pd.DataFrame | None, wave: str):
    if frame is None:
        return None
    rows = frame[frame["wave"] == wave]
    return rows.iloc[0] if len(rows) else None


def _build(page: Page) -> None:
    from partner_analytics.analysis import headlines as H
    from partner_analytics.analysis import health as Hh
    from partner_analytics.analysis.snapshot import respondents_view
    from partner_analytics.figures import health as FH
    from partner_analytics.figures.theme import SECTOR_COLORS

    p = page.p
    p.require("assessments", by="the collaboration dashboard")
    fs = Hh.factor_scores(p)
    hi = Hh.health_index(p)
    gaps, gaps_why = safe_frame(lambda: Hh.perception_gaps(p, by="sector"))
    factor_counts = H.factor_counts(fs)
    gap_counts = H.gap_counts(gaps) if gaps is not None and len(gaps) else None
    waves = H.waves_in_order(fs)
    present = set(gaps["group"].dropna().astype(str)) if gaps is not None and len(gaps) else set()
    sectors = [s for s in SECTOR_COLORS if s in present]
    wave = W.wave_selector(waves)
    sector = W.sector_filter(sectors)
    page.add_controls(wave=wave, sector=sector)
    cards_w = page.html("cards")

    @functools.lru_cache(maxsize=16)
    def of_sector(sec):
        """(health_index, factor_scores, factor_counts) of a sector's respondents (all
        partners for ALL): the same analyses on the view of their answers."""
        if sec == W.ALL:
            return hi, fs, factor_counts
        ids = p.partners.loc[p.partners["sector"] == sec, "partner_id"]
        view = respondents_view(p, ids)
        s_fs, _ = safe_frame(lambda: Hh.factor_scores(view))
        s_hi, _ = safe_frame(lambda: Hh.health_index(view))
        counts = H.factor_counts(s_fs) if s_fs is not None and len(s_fs) else None
        return s_hi, s_fs, counts

    def who(sec) -> str:
        return TEXT["who_all"] if sec == W.ALL else TEXT["who_sector"].format(sector=label(sec))

    @functools.lru_cache(maxsize=64)
    def radar_fig(w, sec):
        if sec == W.ALL:
            return FH.plot_factor_radar(fs, wave=w)
        scores = sector_scores(gaps, sec)
        if not (scores["wave"] == w).any():
            return W.empty_figure(f"No {label(sec).lower()} partner answered in {w}.")
        return FH.plot_factor_radar(
            scores, wave=w, title=f"How {label(sec).lower()} partners rate each factor, {w}"
        )

    @functools.lru_cache(maxsize=64)
    def index_fig(sec, w):
        if sec == W.ALL:
            return FH.plot_health_index(hi, highlight=w)
        s_hi = of_sector(sec)[0]
        if s_hi is None or not len(s_hi):
            return W.empty_figure(TEXT["no_answers"].format(sector=label(sec).lower()))
        return FH.plot_health_index(
            s_hi, reference=hi, reference_name=TEXT["all_partners"], highlight=w,
            title=TEXT["index_title_sector"].format(sector=label(sec).lower()),
        )

    @functools.lru_cache(maxsize=64)
    def gaps_fig(w):
        if gaps is None:
            raise MissingTableError(gaps_why)
        return FH.plot_perception_gaps(gaps, wave=w)

    page.figure("health_index", lambda: index_fig(sector.value, wave.value), what="the health index",
                height=440)  # fmt: skip
    page.figure("radar", lambda: radar_fig(wave.value, sector.value), what="factor scores", height=700)
    page.section("Do the sectors see the collaboration the same way?")
    n_factors = len(fs.drop_duplicates("factor_code"))
    page.figure("perception_gaps", lambda: gaps_fig(wave.value), what="perception gaps",
                height=max(420, 170 + 32 * n_factors))  # fmt: skip
    if "perception_gaps" in page.figures:
        page.html("perception_gaps_scope", L.scope_note(TEXT["gaps_scope"]))
    page.html(
        "note",
        f'<div class="pa-note">Means of fewer than {page.min_n} respondents are not shown '
        f"(“{L.esc(suppressed_text(page.min_n))}”). "
        "Bands: 4.0 and above strength, 3.0 to 4.0 borderline, below 3.0 concern.</div>",
    )

    @functools.lru_cache(maxsize=64)
    def cards_of(w, sec):
        s_hi, _, counts = of_sector(sec)
        rows = (_row_of(s_hi, w), _row_of(counts, w), _row_of(gap_counts, w))
        return L.cards(collaboration_cards(*rows, page.min_n, who=who(sec)), columns=5)

    def draw_cards():
        w = wave.value
        cards_w.value = cards_of(w, sector.value)
        page.set_as_of(H.wave_end(fs, w), f"partner survey, wave {w}")

    def draw_wave():
        page.update("health_index", lambda: index_fig(sector.value, wave.value))
        page.update("radar", lambda: radar_fig(wave.value, sector.value))
        page.update("perception_gaps", lambda: gaps_fig(wave.value))
        draw_cards()

    def draw_sector():
        page.update("health_index", lambda: index_fig(sector.value, wave.value))
        page.update("radar", lambda: radar_fig(wave.value, sector.value))
        draw_cards()

    draw_cards()
    page.on_change([wave], draw_wave)
    page.on_change([sector], draw_sector)
    _exports(page, wave, sector, of_sector, gaps)
    warm(
        *[functools.partial(radar_fig, w, W.ALL) for w in waves],
        *[functools.partial(gaps_fig, w) for w in waves],
        *[functools.partial(radar_fig, wave.value, sec) for sec in sectors],
        *[functools.partial(index_fig, sec, wave.value) for sec in sectors],
        *[functools.partial(index_fig, W.ALL, w) for w in waves],
        *[functools.partial(cards_of, wave.value, sec) for sec in sectors],
    )


def _exports(page: Page, wave, sector, of_sector, gaps) -> None:
    """The sheets of the collaboration workbook for the wave and sector chosen."""
    from partner_analytics.dashboards.export import suppress

    m = page.min_n

    def index_rows():
        s_hi = of_sector(sector.value)[0]
        if s_hi is None:
            return None
        cols = [c for c in ("wave", "index", "ci_low", "ci_high", "band", "change", "n_factors",
                            "n_respondents", "suppressed") if c in s_hi]  # fmt: skip
        return suppress(s_hi[cols], ["index", "ci_low", "ci_high", "band", "change"], m)

    def factor_rows():
        s_fs = of_sector(sector.value)[1]
        if s_fs is None:
            return None
        rows = s_fs[s_fs["wave"] == wave.value]
        cols = [c for c in ("wave", "factor_code", "factor", "mean", "band", "n_respondents",
                            "suppressed") if c in rows]  # fmt: skip
        return suppress(rows[cols], ["mean", "band"], m)

    def gap_rows():
        if gaps is None:
            return None
        rows = gaps[gaps["wave"] == wave.value]
        cols = [c for c in ("wave", "factor", "group_name", "mean", "n_respondents", "gap",
                            "flagged", "suppressed") if c in rows]  # fmt: skip
        return suppress(rows[cols], ["mean"], m)

    page.export(TEXT["sheet_index"], index_rows)
    page.export(TEXT["sheet_factors"], factor_rows)
    page.export(TEXT["sheet_gaps"], gap_rows)


def collaboration_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """Collaboration health: index, factor radar (all or one sector), perception gaps.

    ``min_n``: the small-cell threshold (default: the package's setting).
    """
    return build_page("collaboration", _build, path, min_n=min_n)
