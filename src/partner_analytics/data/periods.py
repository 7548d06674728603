"""Periods (waves): a date, ``YYYY``, ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY-Hn``.

A period stands for its last day when ordered or compared with dates.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["normalize_period", "period_end", "periods_end"]

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})[- ]?[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})[- ]?[Hh]([12])$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")


def normalize_period(text: object) -> str | None:
    """The canonical label of a period, or None when ``text`` is not one.

    >>> normalize_period(" 2026-q1 "), normalize_period("2026-3"), normalize_period("2026")
    ('2026-Q1', '2026-03', '2026')
    """
    if text is None:
        return None
    s = str(text).strip()
    if s.endswith(".0") and _YEAR.match(s[:-2]):  # a year read from Excel as a float
        s = s[:-2]
    if m := _YEAR.match(s):
        return m.group(1)
    if m := _QUARTER.match(s):
        return f"{m.group(1)}-Q{m.group(2)}"
    if m := _HALF.match(s):
        return f"{m.group(1)}-H{m.group(2)}"
    if m := _MONTH.match(s):
        month = int(m.group(2))
        return f"{m.group(1)}-{month:02d}" if 1 <= month <= 12 else None
    if m := _DATE.match(s):
        try:
            pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return None


def period_end(label: str) -> pd.Timestamp:
    """The last day of a canonical period label.

    >>> str(period_end("2026-Q1").date()), str(period_end("2025-H2").date())
    ('2026-03-31', '2025-12-31')
    """
    if m := _YEAR.match(label):
        return pd.Timestamp(int(m.group(1)), 12, 31)
    if m := _QUARTER.match(label):
        q = int(m.group(2))
        return pd.Timestamp(int(m.group(1)), 3 * q, 1) + pd.offsets.MonthEnd(0)
    if m := _HALF.match(label):
        h = int(m.group(2))
        return pd.Timestamp(int(m.group(1)), 6 * h, 1) + pd.offsets.MonthEnd(0)
    if m := _MONTH.match(label):
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1) + pd.offsets.MonthEnd(0)
    if m := _DATE.match(label):
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError(f"not a period: {label!r} (expected YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn or a date)")


def periods_end(labels: pd.Series) -> pd.Series:
    """Vectorised :func:`period_end` for a Series of canonical labels."""
    # through the distinct labels: 10^7 observations have a few dozen periods
    codes, uniques = pd.factorize(labels)
    ends = pd.DatetimeIndex([period_end(lab) for lab in uniques], dtype="datetime64[ns]")
    values = ends.take(codes, allow_fill=True, fill_value=pd.NaT) if len(codes) else ends[:0]
    return pd.Series(values, index=labels.index, name=labels.name)
