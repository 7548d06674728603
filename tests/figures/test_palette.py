"""The palette: one meaning per colour, and contrast that meets WCAG AA (ratios computed
here for the palette's text and background pairs and for every text colour of the
dashboards' style sheet)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from partner_analytics.figures import theme as T

CSS = Path(T.__file__).resolve().parents[1] / "dashboards" / "dashboard.css"
WHITE = "#ffffff"
TEXT_AA, LARGE_AA, GRAPHIC_AA = 4.5, 3.0, 3.0


def test_contrast_ratio_follows_wcag():
    assert T.contrast_ratio("#000000", WHITE) == pytest.approx(21.0)
    assert T.contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    # the WCAG example: #777 on white is 4.48, just below AA
    assert T.contrast_ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)
    assert T.contrast_ratio("rgb(119, 119, 119)", WHITE) == T.contrast_ratio("#777777", WHITE)


@pytest.mark.parametrize(
    "palette", ["STATUS_COLORS", "SECTOR_COLORS", "TONE_COLORS", "BAND_COLORS", "STANCE_COLORS"]
)
def test_text_written_on_a_palette_colour_meets_aa(palette):
    for name, colour in getattr(T, palette).items():
        text = T.text_on(colour)
        assert T.contrast_ratio(text, colour) >= TEXT_AA, (palette, name, colour, text)


def test_the_tones_read_as_text_on_white_and_on_their_own_tints():
    for tone, colour in T.TONE_COLORS.items():
        assert T.contrast_ratio(colour, WHITE) >= TEXT_AA, tone
        assert T.contrast_ratio(colour, T.TONE_TINTS[tone]) >= LARGE_AA, tone
        assert T.contrast_ratio(T.TEXT_COLOR, T.TONE_TINTS[tone]) >= TEXT_AA, tone


def test_the_texts_of_the_figures_meet_aa_on_white():
    from partner_analytics.figures.stakeholders import EMPTY_TEXT

    for colour in (T.TEXT_COLOR, T.MUTED_TEXT, T.NOTE_TEXT, EMPTY_TEXT, T.CONTESTED_COLOR,
                   *T.SALIENCE_COLORS.values()):  # fmt: skip
        assert T.contrast_ratio(colour, WHITE) >= TEXT_AA, colour
    assert T.contrast_ratio(T.TEXT_COLOR, T.HEADER_FILL) >= TEXT_AA


@pytest.mark.parametrize("palette", ["SECTOR_COLORS", "STANCE_COLORS", "MEASURE_COLORS"])
def test_marks_without_a_label_of_their_own_stand_out_from_white(palette):
    # sectors, stances and measures are told by their colour and a symbol or dash: the
    # colour must stand out from the background (3:1 for graphics). Statuses always come
    # with their label and pattern, so their light yellow is not held to it.
    for name, colour in getattr(T, palette).items():
        assert T.contrast_ratio(colour, WHITE) >= GRAPHIC_AA, (palette, name, colour)
    for colour in T.GROUP_PALETTE:
        assert T.contrast_ratio(colour, WHITE) >= GRAPHIC_AA, colour


def test_each_meaning_has_its_own_colour_and_a_second_cue():
    assert len(set(T.GROUP_PALETTE)) == len(T.GROUP_PALETTE)
    assert len(set(T.SECTOR_COLORS.values())) == len(T.SECTOR_COLORS)
    assert len(set(T.SECTOR_SYMBOLS.values())) == len(T.SECTOR_SYMBOLS) == len(T.SECTOR_COLORS)
    assert len(set(T.STANCE_SYMBOLS.values())) == len(T.STANCE_SYMBOLS)
    # the worse the status, the denser its hatching; good and bad tones have their signs
    assert T.STATUS_PATTERNS["deterioration"] and not T.STATUS_PATTERNS["target_achieved"]
    assert T.TONE_SYMBOLS["good"] != T.TONE_SYMBOLS["bad"]


def test_zero_percent_kept_on_time_is_never_good():
    assert T.follow_through_tone(0.0, 0) == "watch"  # nothing overdue, all done late
    assert T.follow_through_tone(0.0, 3) == "bad"
    assert T.follow_through_tone(0.75, 5) == "bad"
    assert T.follow_through_tone(0.9, 0) == "watch"
    assert T.follow_through_tone(1.0, 0) == "good"
    assert T.follow_through_tone(float("nan"), 0) == "none"


# --------------------------------------------------------------------------- the style sheet


def _without_print(css: str) -> str:
    """The sheet without its @media print block (printed on white, checked in the browser)."""
    start = css.find("@media print")
    if start < 0:
        return css
    depth, i = 0, css.index("{", start)
    for j in range(i, len(css)):
        depth += {"{": 1, "}": -1}.get(css[j], 0)
        if depth == 0:
            return css[:start] + css[j + 1 :]
    return css[:start]


def _rules(css: str) -> list[tuple[str, dict[str, str]]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = _without_print(css)
    css = re.sub(r"@page[^{]*\{[^}]*\}", "", css)
    css = re.sub(r"@media[^{]*\{", "", css)
    out = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decl = {}
        for part in body.split(";"):
            if ":" in part:
                k, v = part.split(":", 1)
                decl[k.strip()] = v.strip()
        for sel in selector.split(","):
            out.append((" ".join(sel.split()), decl))
    return out


def _colour(value: str | None) -> str | None:
    if not value:
        return None
    m = re.search(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgb\([^)]*\)", value)
    return m.group(0) if m else ("#ffffff" if "#fff" in value or value == "white" else None)


#: Parts of the page inside another that has the background (the DOM, not the selector,
#: says so): the links to the pages are in the title bar.
INSIDE = {".pa-nav": ".pa-titlebar .pa-nav"}


def _background(selector: str, rules) -> str:
    """The background a rule's text sits on: its own, else that of the nearest enclosing
    part of the page the selector names (title bar, alert, message, table header)."""
    own = {s: _colour(d.get("background-color") or d.get("background")) for s, d in rules}
    for part, path in INSIDE.items():
        if selector.startswith(part):
            selector = path + selector[len(part) :]
    words = selector.split()
    for i in range(len(words), 0, -1):
        prefix = " ".join(words[:i])
        for s, colour in own.items():
            if colour and (s == prefix or (i == len(words) and s == selector)):
                return colour
    return WHITE


def _blend(fg: str, bg: str, opacity: float) -> str:
    f, b = T._rgb(fg), T._rgb(bg)
    mixed = [round(opacity * x + (1 - opacity) * y) for x, y in zip(f, b, strict=True)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def test_every_text_colour_of_the_style_sheet_meets_aa_on_its_background():
    rules = _rules(CSS.read_text(encoding="utf-8"))
    checked = []
    for selector, decl in rules:
        colour = _colour(decl.get("color"))
        if colour is None or "!important" in decl.get("color", "") or ":hover" in selector:
            continue
        bg = _background(selector, rules)
        opacity = float(decl.get("opacity", 1))
        # .pa-titlebar .pa-page etc. are white text made lighter on the navy bar
        for s, d in rules:
            if s != selector and selector.startswith(s + " ") and "opacity" in d:
                opacity *= float(d["opacity"])
        shown = _blend(colour, bg, opacity) if opacity < 1 else colour
        size = decl.get("font-size", "")
        large = size.endswith("px") and (float(size[:-2]) >= 24 or (float(size[:-2]) >= 18.66 and "font-weight" in decl))
        need = LARGE_AA if large else TEXT_AA
        ratio = T.contrast_ratio(shown, bg)
        checked.append(selector)
        assert ratio >= need, f"{selector}: {shown} on {bg} is {ratio:.2f}, AA asks {need}"
    # the sheet's text colours were read: title bar, cards, changes, alerts, messages, tables
    for expected in (".pa-nav a", ".pa-card .pa-change.pa-good", ".pa-card .pa-change.pa-bad",
                     ".pa-table caption", ".pa-message h2", ".pa-note", ".pa-tone.pa-watch"):  # fmt: skip
        assert expected in checked, expected


def test_the_titlebar_and_the_alerts_are_read_on_their_own_backgrounds():
    rules = _rules(CSS.read_text(encoding="utf-8"))
    assert _background(".pa-nav a", rules) == "#17324d"  # the links sit in the title bar
    assert _background(".pa-titlebar .pa-name", rules) == "#17324d"
    assert _background(".pa-alerts li.pa-watch", rules) == "#fdf3e7"
    assert _background(".pa-card .pa-label", rules) == WHITE
