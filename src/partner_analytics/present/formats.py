"""How numbers, days and codes are written on every page (report, dashboards, notebooks).

An aggregate over fewer than ``min_n`` raters or respondents is kept in analysis frames
with ``suppressed = True``; on a page it reads "n < {min_n}" (:func:`suppressed_text`, with
the threshold the frame was computed with), never a number. Every page formats through
these functions so the rule holds everywhere: a suppressed value cannot be formatted without
its threshold.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from partner_analytics.figures.theme import (
    QUADRANT_LABELS,
    SECTOR_LABELS,
    STATUS_LABELS,
    date_text,
    suppressed_text,
)

__all__ = [
    "INSTRUMENT_LABELS",
    "LABELS",
    "TABLE_WORDS",
    "date_text",
    "display_frame",
    "fmt_amount",
    "fmt_change",
    "fmt_delta",
    "fmt_money",
    "fmt_number",
    "fmt_percent",
    "fmt_value",
    "instrument_text",
    "iso_date",
    "label",
    "plain_reason",
    "shown_number",
    "suppressed_text",
]

#: Plain words for every code a page shows: the one mapping of the report, the dashboards
#: and the notebooks (sector, indicator status, quadrant, band, stance, readiness status,
#: highlight severity). Codes not listed read with their underscores as spaces.
LABELS: dict[str, str] = {
    **SECTOR_LABELS,
    **STATUS_LABELS,
    **QUADRANT_LABELS,
    # collaboration-health bands (factor means and the index)
    "strength": "Strength",
    "borderline": "Borderline",
    "concern": "Concern",
    # stakeholder stance
    "supportive": "Supportive",
    "neutral": "Neutral",
    "resistant": "Resistant",
    # readiness elements
    "in_place": "In place",
    "partial": "Partly in place",
    "missing": "Missing",
    "not_reviewed": "Not reviewed",
    # highlight severities
    "alert": "Alert",
    "watch": "Watch",
    "good": "Good news",
    "info": "For information",
}

#: The collaboration survey's instrument (``Partnership.instrument``) in words.
INSTRUMENT_LABELS: dict[str, str] = {
    "package": "the package's own factors",
    "mutuality (packaged default)": "Mutuality factors (Proving Services for the Future Highways "
    "Research Club, 2018), the packaged default",
}

#: What each table of a package holds, in words a reader of the report knows.
TABLE_WORDS: dict[str, str] = {
    "partners": "partners",
    "stakeholders": "stakeholders",
    "stakeholder_ratings": "stakeholder ratings",
    "objectives": "objectives",
    "competencies": "partner competencies",
    "factors": "collaboration survey factors",
    "items": "collaboration survey questions",
    "assessments": "collaboration survey answers",
    "relationships": "relationship survey answers",
    "indicators": "indicators",
    "observations": "indicator values",
    "contributions": "contributions",
    "exchange_rates": "exchange rates",
    "commitments": "commitments",
    "readiness": "readiness reviews",
    "drivers": "strategic drivers",
    "driver_alignment": "ratings of the delivery options against the drivers",
}


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


def fmt_amount(v, currency: str | None = "") -> str:
    """An amount in full, for a table ("EUR 1,234,567"); "–" when missing."""
    if _missing(v):
        return "–"
    cur = f"{currency} " if isinstance(currency, str) and currency and currency != "nan" else ""
    return f"{cur}{float(v):,.0f}"


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
    """Plain words for a code (:data:`LABELS`), else the code with its underscores as spaces
    and a capital first letter ("contracted_delivery" reads "Contracted delivery")."""
    if _missing(value):
        return "–"
    value = str(value)
    if value in LABELS:
        return LABELS[value]
    text = value.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def instrument_text(instrument: str | None) -> str:
    """The collaboration survey's instrument in words (``Partnership.instrument``)."""
    if _missing(instrument):
        return "–"
    return INSTRUMENT_LABELS.get(str(instrument), str(instrument))


_NEEDS = re.compile(
    r"^(?P<by>[\w ]+?) needs table '(?P<table>\w+)', which the package (?P<how>has without rows|does not have)"
    r"(?:; the package has: .*)?$",
    re.DOTALL,
)
_NO_ROWS = re.compile(
    r"^no rows of '(?P<table>\w+)' dated on or before (?P<day>\d{4}-\d{2}-\d{2})$"
)


def _table_words(table: str) -> str:
    return TABLE_WORDS.get(table, table.replace("_", " "))


def plain_reason(message: str | None) -> str:
    """Why something is missing, in words for a reader of the report.

    The analyses say which table they need ("readiness needs table 'readiness', which the
    package does not have; the package has: ...", "no rows of 'assessments' dated on or
    before 2023-12-31"); a page says "the package has no readiness reviews" or "no
    collaboration survey answers dated on or before 31 Dec 2023". Other messages (a value
    the analysis cannot use) are kept as they are; None reads "no data".
    """
    if message is None or _missing(message) or not str(message).strip():
        return "no data"
    text = str(message).strip()
    prefix = ""
    if text.startswith("previous period: "):
        prefix, text = "previous period: ", text[len("previous period: ") :]
    m = _NEEDS.match(text)
    if m:
        words = _table_words(m.group("table"))
        if m.group("how") == "does not have":
            return f"{prefix}the package has no {words} (no {m.group('table')} table)"
        return f"{prefix}the package's {m.group('table')} table is empty (no {words})"
    m = _NO_ROWS.match(text)
    if m:
        return f"{prefix}no {_table_words(m.group('table'))} dated on or before {date_text(m.group('day'))}"
    return prefix + text


def display_frame(
    frame: pd.DataFrame,
    numbers: dict[str, int],
    *,
    suppressed_col: str = "suppressed",
    min_n: int | None = None,
    rename: dict[str, str] | None = None,
    codes=(),
) -> pd.DataFrame:
    """A frame of text for a page: numeric columns formatted, suppressed rows "n < {min_n}".

    ``numbers`` maps column -> digits. ``codes``: columns of codes (quadrant, stance,
    sector, status, band...) written in words (:func:`label`). A suppressed row shows "–" in
    its code and yes/no columns too (they are worked out from the hidden numbers); so pass
    as ``codes`` only classes of the row's own numbers, not what identifies the row. Other
    columns are shown as they are. ``min_n`` defaults to the threshold the analysis frame was computed with
    (``frame.attrs["min_n"]``).
    """
    out = frame.copy()
    for col in codes:
        if col in out:
            out[col] = [label(v) for v in out[col]]
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
    if supp.any():
        # a class or a yes/no worked out from a hidden number (a band, a quadrant, a stance,
        # contested, the test used) would tell it: a hidden row shows none
        derived = [c for c in out.columns if c in codes or pd.api.types.is_bool_dtype(frame[c])]
        for col in derived:
            if col != suppressed_col and col not in numbers:
                out[col] = out[col].astype("object").mask(supp.to_numpy(), "–")
    if suppressed_col in out:
        out = out.drop(columns=[suppressed_col])
    if rename:
        out = out.rename(columns=rename)
    return out


_SHOWN = re.compile(
    r"^(?P<cur>[A-Z]{3} )?(?P<sign>[+−±-])?(?P<num>\d[\d,]*(?:\.(?P<dec>\d+))?)(?P<unit> %| pts)?$"
)


def shown_number(text) -> tuple[float, str] | None:
    """A cell as a page shows it, read back as a number with a spreadsheet number format:
    "1,234" -> (1234.0, "#,##0"), "12 %" -> (0.12, "0%"), "−1.5" -> (-1.5, "0.0"),
    "EUR 1,234" -> (1234.0, '"EUR "#,##0'), "+2.0 pts" -> (2.0, "0.0"). None for anything
    else (text, a small cell "n < {min_n}", "–", a shortened amount such as "EUR 1.2 m"), which stays text.
    The number is exactly the one shown (same rounding)."""
    if not isinstance(text, str):
        return None
    m = _SHOWN.match(text.strip())
    if not m:
        return None
    value = float(m.group("num").replace(",", ""))
    if m.group("sign") == "−" or m.group("sign") == "-":
        value = -value
    dec = len(m.group("dec") or "")
    digits = "0" + ("." + "0" * dec if dec else "")
    fmt = ("#,##" if "," in m.group("num") or value >= 1000 else "") + digits
    if m.group("unit") == " %":
        return value / 100.0, digits + "%"
    if m.group("cur"):
        return value, f'"{m.group("cur")}"{fmt}'
    return value, fmt
