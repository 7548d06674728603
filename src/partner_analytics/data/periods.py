"""Periods and days: the one place that says which day a date or a period label means.

A period (a wave, an observation period, a report's ``as_of``) is a date, ``YYYY``,
``YYYY-MM``, ``YYYY-Qn`` or ``YYYY-Hn``; it stands for its last day when ordered or compared
with dates ("2026-Q3" is 30 September 2026, never 1 July).

- :func:`normalize_period`, :func:`period_end`, :func:`periods_end`: labels and their last day;
- :func:`parse_as_of`: the day an ``as_of`` stands for; every analysis, report and dashboard
  that takes ``as_of`` reads it through this function;
- :func:`period_label`, :func:`period_name`: how a day or a report period is named;
- :func:`previous_period_end`, :func:`previous_day`: the period before (the default of every
  comparison with "the previous period"); :func:`next_period_end`: the period after;
- :func:`period_range`: the periods of a range such as "2025-Q1:2026-Q3".
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

from partner_analytics.errors import AnalysisInputError

__all__ = [
    "next_period_end",
    "normalize_period",
    "parse_as_of",
    "period_end",
    "period_label",
    "period_name",
    "period_range",
    "periods_end",
    "previous_day",
    "previous_period_end",
]

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


# --------------------------------------------------------------------------- days (as_of)


def parse_as_of(value) -> pd.Timestamp:
    """The day a date or a period label stands for (a period stands for its last day).

    Accepts a date, a datetime (its day), a ``pandas.Timestamp``, a ``numpy.datetime64`` or
    a text: ``YYYY-MM-DD`` or a period label (``YYYY``, ``YYYY-MM``, ``YYYY-Qn``,
    ``YYYY-Hn``). Anything else raises :class:`~partner_analytics.errors.AnalysisInputError`
    naming the accepted forms.

    >>> str(parse_as_of("2026-Q3").date()), str(parse_as_of("2026-08-15").date())
    ('2026-09-30', '2026-08-15')
    """
    day = None
    if isinstance(value, (pd.Timestamp, _dt.date, np.datetime64)):  # datetimes are dates
        day = pd.Timestamp(value)
    elif isinstance(value, str):
        label = normalize_period(value)
        if label is not None:
            day = period_end(label)
    if day is None or pd.isna(day):
        raise AnalysisInputError(
            f"as_of must be a date (YYYY-MM-DD) or a period (YYYY-Qn, YYYY-MM, YYYY); got {value!r}"
        )
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def _kind(label: str) -> str:
    """"Q", "M", "Y", "H" or "date": the kind of a canonical label."""
    if "-Q" in label:
        return "Q"
    if "-H" in label:
        return "H"
    if len(label) == 4:
        return "Y"
    if len(label) == 7:
        return "M"
    return "date"


def _written_kind(as_of) -> str | None:
    """The kind of period ``as_of`` is written as (a text label), else None."""
    if isinstance(as_of, str):
        label = normalize_period(as_of)
        if label is not None:
            return _kind(label)
    return None


def period_label(as_of) -> str:
    """ "2026-Q3" when the day ends a quarter, else the date ("2026-08-15").

    >>> period_label("2026-09-30"), period_label("2026-08-15")
    ('2026-Q3', '2026-08-15')
    """
    d = parse_as_of(as_of)
    q = pd.Period(d, freq="Q")
    if q.end_time.normalize() == d:
        return f"{q.year}-Q{q.quarter}"
    return d.date().isoformat()


def period_name(as_of) -> str:
    """The name of a report period: the label as written when ``as_of`` is a quarter, a
    month or a year ("2026-09", "2026"), else :func:`period_label` of the day.

    >>> period_name("2026"), period_name("2026-09-30"), period_name("2026-q3")
    ('2026', '2026-Q3', '2026-Q3')
    """
    if _written_kind(as_of) in ("Q", "M", "Y"):
        return normalize_period(as_of)
    return period_label(as_of)


def previous_period_end(as_of) -> pd.Timestamp:
    """The end of the period before: the quarter before, or the month / year before when
    ``as_of`` is written as a month ("2026-09") or a year ("2026").

    >>> str(previous_period_end("2026-09-30").date()), str(previous_period_end("2026-08-15").date())
    ('2026-06-30', '2026-06-30')
    >>> str(previous_period_end("2026-09").date()), str(previous_period_end("2026").date())
    ('2026-08-31', '2025-12-31')
    """
    return _period_end_from(as_of, -1)


def next_period_end(as_of) -> pd.Timestamp:
    """The end of the period after: the quarter after the one holding ``as_of``, or the
    month / year after when ``as_of`` is written as a month or a year (the mirror of
    :func:`previous_period_end`).

    >>> str(next_period_end("2026-09-30").date()), str(next_period_end("2026-08-15").date())
    ('2026-12-31', '2026-12-31')
    >>> str(next_period_end("2026-09").date()), str(next_period_end("2026").date())
    ('2026-10-31', '2027-12-31')
    """
    return _period_end_from(as_of, 1)


def _period_end_from(as_of, step: int) -> pd.Timestamp:
    """The last day of the period ``step`` periods from the one holding ``as_of`` (quarters,
    or months / years when ``as_of`` is written as one)."""
    kind = _written_kind(as_of)
    freq = kind if kind in ("M", "Y") else "Q"
    return (pd.Period(parse_as_of(as_of), freq=freq) + step).end_time.normalize()


def previous_day(as_of, previous=None) -> pd.Timestamp:
    """The day a comparison with "the previous period" uses: ``previous`` when given (a
    date or a period label), else :func:`previous_period_end` of ``as_of``.

    >>> str(previous_day("2026-Q3").date()), str(previous_day("2026-Q3", "2026-03-31").date())
    ('2026-06-30', '2026-03-31')
    """
    if previous is None or (isinstance(previous, str) and not previous.strip()):
        return previous_period_end(as_of)
    return parse_as_of(previous)


def period_range(spec: str) -> list[str]:
    """The periods of ``"A:B"`` (both ends included): quarters, months or years.

    >>> period_range("2025-Q4:2026-Q2")
    ['2025-Q4', '2026-Q1', '2026-Q2']
    """
    parts = [s.strip() for s in str(spec).split(":")]
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        raise AnalysisInputError(
            f"periods must read FIRST:LAST, such as 2025-Q1:2026-Q3; got {spec!r}"
        )
    labels = [normalize_period(x) for x in parts]
    if any(lab is None for lab in labels):
        raise AnalysisInputError(
            f"periods must read FIRST:LAST with quarters (2025-Q1), months (2025-01) or years; got {spec!r}"
        )
    kinds = {_kind(lab) for lab in labels}
    if len(kinds) != 1 or not kinds <= {"Q", "M", "Y"}:
        raise AnalysisInputError(
            f"both ends of {spec!r} must be periods of the same kind (quarters, months or years)"
        )
    freq = kinds.pop()
    first, last = (pd.Period(period_end(lab), freq=freq) for lab in labels)
    if last < first:
        raise AnalysisInputError(f"periods {spec!r}: the first period comes after the last")
    out = []
    for per in pd.period_range(first, last, freq=freq):
        if freq == "Q":
            out.append(f"{per.year}-Q{per.quarter}")
        elif freq == "M":
            out.append(f"{per.year}-{per.month:02d}")
        else:
            out.append(f"{per.year}")
    return out
