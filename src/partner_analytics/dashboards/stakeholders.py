"""The stakeholders page: the power-interest grid, salience and movement, by wave and group.

Cards read :func:`~partner_analytics.analysis.headlines.stakeholder_counts` (the counts the
report's headline figures use); the table lists the contested, resistant and moved
stakeholders of the wave.
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
    empty_or,
    is_true,
    safe_frame,
    warm,
)
from partner_analytics.errors import MissingTableError
from partner_analytics.present.formats import fmt_number, label, suppressed_text
from partner_analytics.present.tables import html_table

__all__ = ["TEXT", "stakeholder_cards", "stakeholders_page", "stakeholders_to_discuss"]

#: New words of the stakeholders page (one place, for translation).
TEXT = {
    "all_waves": "movement between every pair of waves",
    "group_of": "{what}, {group}",
    "moved_title": "How stakeholders moved between quadrants from wave to wave",
    "moved_title_group": "How {group} moved between quadrants from wave to wave",
    "no_moves_group": "No stakeholder of this group was rated in two waves.",
    "salience_caption": "Who holds power, legitimacy and urgency, {wave}",
    "salience_caption_group": "Who holds power, legitimacy and urgency, {wave}: {group}",
    "sheet_cards": "Cards",
    "sheet_grid": "Power and interest",
    "sheet_salience": "Salience",
    "sheet_moves": "Movement between quadrants",
    "sheet_discuss": "Stakeholders to discuss",
    "card": "Card",
    "count": "Count",
}


def _rows(frame: pd.DataFrame, wave: str, group: str, col: str = "wave") -> pd.DataFrame:
    out = frame[frame[col] == wave]
    if group != W.ALL and "group" in out:
        out = out[out["group"] == group]
    return out


def stakeholder_cards(counts: pd.Series, wave: str, min_n: int) -> str:
    """The cards of one wave and group: a row of
    :func:`~partner_analytics.analysis.headlines.stakeholder_counts`."""
    from partner_analytics.figures.theme import tone_color

    hidden = int(counts["not_shown"])
    rated_detail = (
        f"{hidden} with fewer than {min_n} raters ({suppressed_text(min_n)})"
        if hidden
        else f"each by {min_n} raters or more"
    )
    return L.cards(
        [
            L.card("Stakeholders rated", str(int(counts["rated"])), unit=f"in {wave}",
                   detail=rated_detail, accent=tone_color("neutral"), key="rated"),
            L.card("Manage closely", str(int(counts["manage_closely"])),
                   detail="high power and high interest", accent=tone_color("neutral"),
                   key="manage_closely"),
            L.card("Contested", str(int(counts["contested"])),
                   detail="raters disagree on where they stand",
                   accent=tone_color("watch" if int(counts["contested"]) else "good"), key="contested"),
            L.card("Moved quadrant", str(int(counts["moved"])), detail="since the wave before",
                   accent=tone_color("neutral"), key="moved"),
            L.card("Resistant", str(int(counts["resistant"])), detail="mean support below zero",
                   accent=tone_color("bad" if int(counts["resistant"]) else "good"), key="resistant"),
        ],
        columns=5,
    )  # fmt: skip


def stakeholders_to_discuss(
    rows: pd.DataFrame, moved: pd.DataFrame, min_n: int, *, colors: dict | None = None
) -> pd.DataFrame:
    """The table of the contested, resistant or moved stakeholders among ``rows`` (rows of
    ``power_interest``; ``moved``: their moves into the wave), as text; with ``colors``
    (group -> colour, :func:`~partner_analytics.figures.theme.group_colors` of every group
    of the package) the group is written after its chip (HTML)."""
    from partner_analytics.figures.theme import QUADRANT_LABELS

    moved_ids = set(moved["stakeholder_id"]) if len(moved) else set()
    watch = rows[
        rows["contested"].astype(bool)
        | (rows["stance"] == "resistant")
        | rows["stakeholder_id"].isin(moved_ids)
    ]
    before = dict(zip(moved["stakeholder_id"], moved["quadrant_before"], strict=True)) if len(moved) else {}
    sup = [is_true(x) for x in watch["suppressed"]]
    hide = suppressed_text(min_n)
    return pd.DataFrame(
        {
            "Stakeholder": watch["name"].tolist(),
            "Group": [
                L.chip(colors[g], g) if colors and g in colors else L.esc(g)
                for g in watch["group"].fillna("–").astype(str)
            ] if colors is not None else watch["group"].fillna("–").tolist(),
            "Quadrant": [hide if s else QUADRANT_LABELS.get(q, label(q)) for q, s in zip(watch["quadrant"], sup, strict=True)],
            "Moved from": [QUADRANT_LABELS.get(before.get(i), "") for i in watch["stakeholder_id"]],
            "Power": [fmt_number(v, 1, suppressed=s, min_n=min_n) for v, s in zip(watch["power"], sup, strict=True)],
            "Interest": [fmt_number(v, 1, suppressed=s, min_n=min_n) for v, s in zip(watch["interest"], sup, strict=True)],
            "Stance": [label(v) for v in watch["stance"]],
            "Contested": ["yes" if is_true(c) else "" for c in watch["contested"]],
            "Raters": [str(int(n)) for n in watch["n_raters"]],
        }
    )  # fmt: skip


def _build(page: Page) -> None:
    from partner_analytics.analysis import headlines as H
    from partner_analytics.analysis import stakeholders as S
    from partner_analytics.analysis.snapshot import stakeholder_group_view
    from partner_analytics.figures import stakeholders as FS
    from partner_analytics.figures.theme import group_colors

    p = page.p
    p.require("stakeholder_ratings", by="the stakeholders dashboard")
    pi = S.power_interest(p)
    mv, _ = safe_frame(lambda: S.stakeholder_movement(p))
    sal, sal_why = safe_frame(lambda: S.salience(p))
    tr, tr_why = safe_frame(lambda: S.quadrant_transitions(p))
    counts = H.stakeholder_counts(pi, mv)
    waves = H.waves_in_order(pi)
    groups = sorted({str(g) for g in pi["group"].dropna()})
    # every group of the package, whatever a filter leaves: a group keeps its colour
    colors = group_colors(p.stakeholders.get("group", groups))
    wave = W.wave_selector(waves)
    group = W.group_filter(groups)
    page.add_controls(wave=wave, group=group)
    cards_w = page.html("cards")

    @functools.lru_cache(maxsize=64)
    def grid_fig(w, g):
        m = _rows(mv, w, g, "to_wave") if mv is not None else None
        return empty_or(_rows(pi, w, g), f"No stakeholder of this group was rated in {w}.",
                        lambda x: FS.plot_power_interest(x, movement=m, wave=w))  # fmt: skip

    @functools.lru_cache(maxsize=64)
    def salience_fig(w, g):
        if sal is None:
            raise MissingTableError(sal_why)
        return empty_or(_rows(sal, w, g), f"No stakeholder of this group was rated in {w}.",
                        lambda x: FS.plot_salience(x, wave=w, table=False))  # fmt: skip

    @functools.lru_cache(maxsize=16)
    def transitions_of(g):
        """quadrant_transitions of the whole package, or of one group's stakeholders."""
        if tr is None or not len(tr):
            raise MissingTableError(tr_why or "movement between quadrants needs two waves of ratings")
        return tr if g == W.ALL else S.quadrant_transitions(stakeholder_group_view(p, g))

    @functools.lru_cache(maxsize=16)
    def transitions_fig(g):
        frame = transitions_of(g)
        if not len(frame):
            return W.empty_figure(TEXT["no_moves_group"])
        title = TEXT["moved_title"] if g == W.ALL else TEXT["moved_title_group"].format(group=g)
        return FS.plot_quadrant_transitions(frame, title=title)

    @functools.lru_cache(maxsize=64)
    def salience_table(w, g):
        if sal is None:
            return ""
        rows = _rows(sal, w, g)
        if not len(rows):
            return ""
        caption = (TEXT["salience_caption"].format(wave=w) if g == W.ALL
                   else TEXT["salience_caption_group"].format(wave=w, group=g))  # fmt: skip
        return html_table(FS.salience_members(rows, wave=w), caption=caption)

    page.section("Where stakeholders stand")
    page.figure("power_interest", lambda: grid_fig(wave.value, group.value),
                what="stakeholder ratings", height=680)  # fmt: skip
    page.row(
        lambda: (page.figure("salience", lambda: salience_fig(wave.value, group.value),
                             what="salience (legitimacy and urgency)", height=540),
                 page.html("salience_table", salience_table(wave.value, group.value))),
        lambda: (page.figure("transitions", lambda: transitions_fig(group.value),
                             what="movement between waves", height=540),
                 page.html("transitions_scope", L.scope_note(TEXT["all_waves"]))),
    )  # fmt: skip
    page.section("Stakeholders to discuss")
    table_w = page.html("table")

    @functools.lru_cache(maxsize=64)
    def text_of(w, g):
        """(cards, table) HTML of a wave and group."""
        row = counts[(counts["wave"] == w) & (counts["group"] == (H.ALL if g == W.ALL else g))]
        moved = H.stakeholders_moved(_rows(mv, w, g, "to_wave") if mv is not None else None, w)
        table = stakeholders_to_discuss(
            _rows(pi, w, g), moved if moved is not None else pi.iloc[0:0], page.min_n,
            colors=colors,
        )
        return stakeholder_cards(row.iloc[0], w, page.min_n), html_table(
            table, caption=f"Contested, resistant or moved stakeholders, {w}",
            numeric=("Power", "Interest", "Raters"), raw=("Group",),
            empty="No stakeholder is contested, resistant or moved in this wave.",
        )  # fmt: skip

    def draw_text():
        w, g = wave.value, group.value
        cards_w.value, table_w.value = text_of(w, g)
        if "salience_table" in page.parts:
            page.parts["salience_table"].value = salience_table(w, g)
        page.set_as_of(H.wave_end(pi, w), f"stakeholder ratings, wave {w}")

    def draw():
        page.update("power_interest", lambda: grid_fig(wave.value, group.value))
        page.update("salience", lambda: salience_fig(wave.value, group.value))
        page.update("transitions", lambda: transitions_fig(group.value))
        draw_text()

    draw_text()
    page.on_change([wave, group], draw)
    _exports(page, pi, sal, mv, counts, wave, group, transitions_of, colors)
    # in a preheated kernel the other waves are drawn now, so that a change is instant
    warm(*[functools.partial(b, w, W.ALL) for w in waves for b in (grid_fig, salience_fig, text_of)],
         *[functools.partial(transitions_fig, g) for g in groups])  # fmt: skip


def _exports(page, pi, sal, mv, counts, wave, group, transitions_of, colors) -> None:
    """The sheets of the stakeholders' workbook for the wave and group chosen."""
    from partner_analytics.analysis import headlines as H
    from partner_analytics.dashboards.export import suppress
    from partner_analytics.figures.stakeholders import salience_members

    m = page.min_n
    values = ["power", "power_sd", "interest", "interest_sd", "support", "stance", "quadrant",
              "contested", "n_raters"]  # fmt: skip

    def cards():
        g = group.value
        row = counts[(counts["wave"] == wave.value) & (counts["group"] == (H.ALL if g == W.ALL else g))]
        return row if len(row) else None

    def grid():
        rows = _rows(pi, wave.value, group.value)
        keep = [c for c in ("wave", "name", "group", *values, "suppressed") if c in rows]
        return suppress(rows[keep], values, m)

    page.export(TEXT["sheet_cards"], cards)
    page.export(TEXT["sheet_grid"], grid)
    def salience_rows():
        rows = _rows(sal, wave.value, group.value)
        return salience_members(rows, wave=wave.value) if len(rows) else None

    if sal is not None:
        page.export(TEXT["sheet_salience"], salience_rows)
    page.export(TEXT["sheet_moves"], lambda: transitions_of(group.value))

    def discuss():
        w, g = wave.value, group.value
        moved = H.stakeholders_moved(_rows(mv, w, g, "to_wave") if mv is not None else None, w)
        return stakeholders_to_discuss(_rows(pi, w, g), moved if moved is not None else pi.iloc[0:0], m)

    page.export(TEXT["sheet_discuss"], discuss)


def stakeholders_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """Stakeholders: power-interest grid, salience and movement, by wave and group.

    ``min_n``: the small-cell threshold (default: the package's setting).
    """
    return build_page("stakeholders", _build, path, min_n=min_n)
