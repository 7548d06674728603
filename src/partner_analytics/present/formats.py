"""How numbers are shown on pages (dashboards, reports): the small-cell rule, formats, names.

An aggregate over fewer than ``min_n`` raters or respondents is kept in analysis frames
with ``suppressed = True``; on a page it reads "n < 3" (with the real threshold), never a
number. Every page formats through these functions so the rule holds everywhere.
"""

from __future__ import annotations

import math

import pandas as pd

from partner_analytics.figures.theme import SECTOR_LABELS, STATUS_LABELS

__all__ = [
    "suppressed_text",
    "fmt_number",
    "fmt_percent",
    "fmt_money",
    "fmt_change",
    "display_frame",
    "label",
]


def suppressed_text(min_n: int = 3) -> str:
    return f"n < {min_n}"


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def fmt_number(v, digits: int = 1, *, suppressed: bool = False, min_n: int = 3) -> str:
    """A number for a page: "n < 3" when suppressed, "–" when missing."""
    if suppressed:
        return suppressed_text(min_n)
    if _missing(v):
        return "–"
    return f"{float(v):,.{digits}f}"


def fmt_percent(v, digits: int = 0, *, suppressed: bool = False, min_n: int = 3, ratio: bool = False) -> str:
    """A percentage; ``ratio=True`` when ``v`` is a share 0..1."""
    if suppressed:
        return suppressed_text(min_n)
    if _missing(v):
        return "–"
    return f"{float(v) * (100 if ratio else 1):,.{digits}f} %"


def fmt_money(v, currency: str = "") -> str:
    if _missing(v):
        return "–"
    v = float(v)
    for limit, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(v) >= limit:
            return f"{currency + ' ' if currency else ''}{v / limit:,.1f}{suffix}"
    return f"{currency + ' ' if currency else ''}{v:,.0f}"


def fmt_change(v, digits: int = 1, *, suppressed: bool = False, min_n: int = 3, unit: str = "") -> str:
    """A signed change ("+2.5", "−1.0"), or "n < 3" / "–"."""
    if suppressed:
        return suppressed_text(min_n)
    if _missing(v):
        return "–"
    v = float(v)
    sign = "+" if v > 0 else ("−" if v < 0 else "±")
    return f"{sign}{abs(v):,.{digits}f}{unit}"


def label(value: str | None) -> str:
    """Plain words for a code: sector and status names, else underscores become spaces."""
    if _missing(value):
        return "–"
    value = str(value)
    if value in SECTOR_LABELS:
        return SECTOR_LABELS[value]
    if value in STATUS_LABELS:
        return STATUS_LABELS[value]
    return value.replace("_", " ").capitalize()


def display_frame(
    frame: pd.DataFrame,
    numbers: dict[str, int],
    *,
    suppressed_col: str = "suppressed",
    min_n: int = 3,
    rename: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A frame of text for a page: numeric columns formatted, suppressed rows as "n < 3".

    ``numbers`` maps column -> digits. Columns not listed are shown as they are.
    """
    out = frame.copy()
    supp = out[suppressed_col].fillna(False).astype(bool) if suppressed_col in out else pd.Series(False, index=out.index)
    for col, digits in numbers.items():
        if col in out:
            out[col] = [fmt_number(v, digits, suppressed=s, min_n=min_n) for v, s in zip(out[col], supp, strict=True)]
    if suppressed_col in out:
        out = out.drop(columns=[suppressed_col])
    if rename:
        out = out.rename(columns=rename)
    return out
