"""How numbers, days and codes are written on every page (report, dashboards, notebooks).

An aggregate over fewer than ``min_n`` raters or respondents is kept in analysis frames
with ``suppressed = True``; on a page it reads "n < {min_n}" (:func:`suppressed_text`, with
the threshold the frame was computed with), never a number. Every page formats through
these functions so the rule holds everywhere: a suppressed value cannot be formatted without
its threshold.
"""

from __future__ import annotations

import math

import pandas as pd

from partner_analytics.figures.theme import SECTOR_LABELS, STATUS_LABELS, date_text, suppressed_text

__all__ = [
    "date_text",
    "display_frame",
    "fmt_change",
    "fmt_delta",
    "fmt_money",
    "fmt_number",
    "fmt_percent",
    "fmt_value",
    "iso_date",
    "label",
    "suppressed_text",
]


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def _hidden(min_n) -> str:
    if min_n is None:
        raise ValueError("a suppressed value is written as 'n < min_n': give min_n")
    return suppressed_text(min_n)


def fmt_number(v, digits: int = 1, *, suppressed: bool = False, min_n: int | None = None) -> str:
    """A number for a page: "n < {min_n}" when suppressed, "–" when missing."""
    if suppressed:
        return _hidden(min_n)
    if _missing(v):
        return "–"
    return f"{float(v):,.{digits}f}"


def fmt_percent(
    v, digits: int = 0, *, suppressed: bool = False, min_n: int | None = None, ratio: bool = False
) -> str:
    """A percentage; ``ratio=True`` when ``v`` is a share 0..1."""
    if suppressed:
        return _hidden(min_n)
    if _missing(v):
        return "–"
    return f"{float(v) * (100 if ratio else 1):,.{digits}f} %"


def fmt_money(v, currency: str | None = "") -> str:
    """An amount, shortened ("EUR 1.2 m"); "–" when missing."""
    if _missing(v):
        return "–"
    v = float(v)
    cur = f"{currency} " if isinstance(currency, str) and currency and currency != "nan" else ""
    for limit, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(v) >= limit:
            return f"{cur}{v / limit:,.1f}{suffix}"
    return f"{cur}{v:,.0f}"


def fmt_change(
    v, digits: int = 1, *, suppressed: bool = False, min_n: int | None = None, unit: str = ""
) -> str:
    """A signed change ("+2.5", "−1.0"), or "n < {min_n}" / "–"."""
    if suppressed:
        return _hidden(min_n)
    if _missing(v):
        return "–"
    v = float(v)
    sign = "+" if v > 0 else ("−" if v < 0 else "±")
    return f"{sign}{abs(v):,.{digits}f}{unit}"


def fmt_value(v, unit: str, *, currency=None, suppressed: bool = False, min_n=None) -> str:
    """A headline value by its unit (count, percent, money, points)."""
    if suppressed:
        return _hidden(min_n)
    if _missing(v):
        return "–"
    if unit == "count":
        return fmt_number(v, 0)
    if unit == "percent":
        return fmt_percent(v, 0)
    if unit == "money":
        return fmt_money(v, currency)
    return fmt_number(v, 1)


def fmt_delta(v, unit: str, *, currency=None, suppressed: bool = False, min_n=None) -> str:
    """A headline change by its unit: counts whole, percents in points, money signed."""
    if suppressed:
        return _hidden(min_n)
    if _missing(v):
        return "–"
    if unit == "count":
        return fmt_change(v, 0)
    if unit == "percent":
        return fmt_change(v, 1, unit=" pts")
    if unit == "money":
        sign = "+" if v > 0 else ("−" if v < 0 else "±")
        return sign + fmt_money(abs(v), currency)
    return fmt_change(v, 1)


def iso_date(v) -> str:
    """A day as YYYY-MM-DD ("–" when missing)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "–"
    return pd.Timestamp(v).date().isoformat()


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
    min_n: int | None = None,
    rename: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A frame of text for a page: numeric columns formatted, suppressed rows "n < {min_n}".

    ``numbers`` maps column -> digits. Columns not listed are shown as they are. ``min_n``
    defaults to the threshold the analysis frame was computed with
    (``frame.attrs["min_n"]``).
    """
    out = frame.copy()
    if min_n is None:
        min_n = frame.attrs.get("min_n")
    supp = (
        out[suppressed_col].fillna(False).astype(bool)
        if suppressed_col in out
        else pd.Series(False, index=out.index)
    )
    for col, digits in numbers.items():
        if col in out:
            out[col] = [
                fmt_number(v, digits, suppressed=s, min_n=min_n)
                for v, s in zip(out[col], supp, strict=True)
            ]
    if suppressed_col in out:
        out = out.drop(columns=[suppressed_col])
    if rename:
        out = out.rename(columns=rename)
    return out
