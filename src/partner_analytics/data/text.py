"""Cells as text: the one cell-to-text, trimming, header names, excerpts and formula guards.

Every table is read as text (the user's own spelling, so that a problem can quote it) and
typed later by :mod:`partner_analytics.data.coerce`. This module holds the small rules about
text that every other part of the data layer shares:

- :func:`cell_text` / :func:`frame_text`: a typed value (from Excel, Parquet, a DataFrame or
  the store) as the text a CSV file would hold;
- :func:`stripped`: cells trimmed, empty cells missing;
- :func:`normalize_header`: how column names (and table names) are matched;
- :func:`excerpt`: the short, escaped form in which a message quotes a header or a value;
- :func:`protect_formula` / :func:`unprotect_formulas`: text written for spreadsheets cannot
  start a formula, and reads back as the original text.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = [
    "EXCERPT_CHARS",
    "FORMULA_TRIGGERS",
    "cell_text",
    "excerpt",
    "frame_text",
    "has_control_characters",
    "is_ascii",
    "normalize_header",
    "protect_formula",
    "series_text",
    "starts_with",
    "stripped",
    "surely_filled",
    "unprotect_formulas",
]

EXCERPT_CHARS = 40  # the longest quote of a header or value in a message
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# control and invisible formatting characters (NUL, escape, zero-width, bidi overrides)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def cell_text(v: object) -> object:
    """One value as the text a CSV file would hold (missing values stay missing).

    >>> cell_text(4.0), cell_text(pd.Timestamp("2026-03-31")), cell_text(None)
    ('4', '2026-03-31', <NA>)
    """
    if v is None or v is pd.NA or v is pd.NaT:
        return pd.NA
    if isinstance(v, float):
        if np.isnan(v):
            return pd.NA
        return str(int(v)) if v.is_integer() and abs(v) < 2**63 else repr(v)
    if isinstance(v, pd.Timestamp) or hasattr(v, "isoformat"):
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    return str(v)


def frame_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of ``frame`` as text cells (:func:`cell_text`), vectorised by dtype."""
    out = {}
    for c in frame.columns:
        out[c] = series_text(frame[c])
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def series_text(s: pd.Series) -> pd.Series:
    """One column as text cells (:func:`cell_text`), as :func:`frame_text` gives it."""
    missing = s.isna().to_numpy()
    if pd.api.types.is_bool_dtype(s):
        text = s.astype("object").map({True: "true", False: "false"}, na_action="ignore")
        return text.astype("str")
    if pd.api.types.is_integer_dtype(s):
        v = s.to_numpy(dtype="float64", na_value=np.nan) if missing.any() else s.to_numpy()
        out = np.where(missing, "", np.nan_to_num(v).astype("int64").astype("str"))
    elif pd.api.types.is_float_dtype(s):
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(v)
        whole = ~missing & np.isfinite(v) & (np.abs(v) < 2**53) & (np.floor(v) == v)
        out = v.astype("str")  # the shortest text that reads back as the same number
        if whole.any():
            out[whole] = v[whole].astype("int64").astype("str")
    elif pd.api.types.is_datetime64_any_dtype(s):
        v = s.to_numpy(dtype="datetime64[ns]")
        days = v.astype("datetime64[D]")
        out = np.datetime_as_string(days, unit="D")
        exact = missing | (days == v)
        if not exact.all():  # a time of day: ISO with the time
            out = out.astype("object")
            out[~exact] = [pd.Timestamp(x).isoformat() for x in v[~exact]]
    elif pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s):
        return s.astype("str")
    else:
        return s.astype("object").map(cell_text).astype("str")
    text = pd.Series(out, index=s.index, dtype="object")
    return text.mask(missing).astype("str") if missing.any() else text.astype("str")


def stripped(s: pd.Series) -> pd.Series:
    """Cells trimmed of surrounding whitespace; empty cells missing."""
    s = s.astype("str")
    if _plain_edges(s):
        return s  # nothing to trim, no empty cell
    s = s.str.strip()
    empty = s == ""
    return s.mask(empty) if empty.any() else s


def normalize_header(name: object) -> str:
    """Column (and table) names match case-insensitively after trimming; inner spaces and
    hyphens become ``_``; Unicode is composed (NFC).

    >>> normalize_header("  Partner ID ")
    'partner_id'
    """
    s = unicodedata.normalize("NFC", str(name)).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", s)


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, escaped quote of a header or a value for a message.

    Control and invisible characters are shown as escapes (``\\x00``, ``\\u202e``), and a
    longer text is cut to ``limit`` characters ending in ``…``: a message never echoes a
    file's content beyond that.

    >>> excerpt("P\\x001"), excerpt("x" * 50, limit=10)
    ('P\\\\x001', 'xxxxxxxxx…')
    """
    text = "" if value is None else str(value)
    text = text[: limit * 4]  # no work on a long text beyond what could be shown
    shown = _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return shown


def _escape(m: re.Match) -> str:
    c = m.group(0)
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def _bytes(s: pd.Series):
    """The UTF-8 bytes of an Arrow-backed text column (one array per chunk), else None.

    A quick look at the bytes tells whether a slower, exact check is needed at all; a chunk
    may hold bytes of rows outside the column (after a filter), which can only make the
    exact check run when it was not needed.
    """
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        return None
    chunks = s.array.__arrow_array__()
    out = []
    for ch in getattr(chunks, "chunks", [chunks]):
        buf = ch.buffers()[2] if len(ch.buffers()) > 2 else None
        if buf is not None:
            out.append(np.frombuffer(buf, dtype=np.uint8))
    return out


def _edges(s: pd.Series):
    """(first byte, last byte, filled) of each cell of an Arrow-backed text column, or None
    for other columns; ``filled`` is False for a missing or empty cell (its bytes are 0)."""
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        return None
    chunks = s.array.__arrow_array__()
    firsts, lasts, fills = [], [], []
    for ch in getattr(chunks, "chunks", [chunks]):
        kind = {"string": np.int32, "large_string": np.int64}.get(str(ch.type))
        if kind is None:
            return None
        n = len(ch)
        first, last, filled = np.zeros(n, np.uint8), np.zeros(n, np.uint8), np.zeros(n, bool)
        _, offsets, data = ch.buffers()
        if n and offsets is not None and data is not None and data.size:
            off = np.frombuffer(offsets, dtype=kind, count=ch.offset + n + 1)[ch.offset:]
            raw = np.frombuffer(data, dtype=np.uint8)
            starts, ends = off[:-1], off[1:]
            filled = ends > starts
            if ch.null_count:
                filled &= ch.is_valid().to_numpy(zero_copy_only=False)
            top = raw.size - 1
            first = np.where(filled, raw[np.minimum(starts, top)], 0).astype(np.uint8)
            last = np.where(filled, raw[np.clip(ends - 1, 0, top)], 0).astype(np.uint8)
        firsts.append(first)
        lasts.append(last)
        fills.append(filled)
    if not firsts:
        return np.zeros(0, np.uint8), np.zeros(0, np.uint8), np.zeros(0, bool)
    return np.concatenate(firsts), np.concatenate(lasts), np.concatenate(fills)


def _printable(b: np.ndarray) -> np.ndarray:
    """Bytes that are a visible ASCII character (never whitespace, never part of a longer
    UTF-8 character)."""
    return (b > 0x20) & (b < 0x7F)


def _plain_edges(s: pd.Series) -> bool:
    """Whether every cell is missing or starts and ends with a visible ASCII character (so
    trimming changes nothing and no cell is empty); False when that cannot be told quickly."""
    e = _edges(s)
    if e is None:
        return False
    first, last, filled = e
    given = s.notna().to_numpy()
    return bool((filled == given).all() and (_printable(first) & _printable(last))[filled].all())


def surely_filled(s: pd.Series) -> np.ndarray | None:
    """Cells of a text column that certainly hold more than whitespace (they start with a
    visible ASCII character); None when that cannot be told quickly."""
    e = _edges(s)
    return None if e is None else e[2] & _printable(e[0])


def starts_with(s: pd.Series, chars: str) -> pd.Series:
    """Text cells whose first character is one of ``chars`` (missing cells: False)."""
    e = _edges(s) if all(ord(c) < 0x80 for c in chars) else None
    if e is None:
        pattern = "^[" + "".join(re.escape(c) for c in chars) + "]"
        return s.str.match(pattern).fillna(False).astype(bool)
    first, _, filled = e
    hit = filled & np.isin(first, np.frombuffer(chars.encode("ascii"), dtype=np.uint8))
    return pd.Series(hit, index=s.index)


def has_control_characters(s: pd.Series) -> pd.Series:
    """Cells holding a control or invisible formatting character (never valid in an id)."""
    raw = _bytes(s)
    if raw is not None and all(not b.size or (b.min() >= 0x20 and b.max() < 0x7F) for b in raw):
        return pd.Series(False, index=s.index)  # plain ASCII without controls
    return s.str.contains(_CONTROL.pattern, regex=True).fillna(False).astype(bool)


def is_ascii(s: pd.Series) -> bool:
    """Whether every cell of a text column is ASCII."""
    raw = _bytes(s)
    if raw is not None:
        return all(not b.size or b.max() < 0x80 for b in raw)
    return bool(s.str.isascii().fillna(True).all())


def protect_formula(text: object) -> object:
    """A text cell for a spreadsheet that cannot start a formula.

    A text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    ``'`` (which spreadsheets show as text); so does a text starting with ``'`` followed by
    one of those or another ``'``, so that :func:`unprotect_formulas` gives back exactly the
    original. Numbers (``-5``, ``+1.5``) are left as they are.

    >>> protect_formula("=HYPERLINK(1)"), protect_formula("-5"), protect_formula("'=x")
    ("'=HYPERLINK(1)", '-5', "''=x")
    """
    if not isinstance(text, str) or not text:
        return text
    first = text[0]
    if first in FORMULA_TRIGGERS:
        return text if _PLAIN_NUMBER.fullmatch(text) else "'" + text
    if first == "'" and len(text) > 1 and (text[1] in FORMULA_TRIGGERS or text[1] == "'"):
        return "'" + text
    return text


def unprotect_formulas(s: pd.Series) -> pd.Series:
    """Text cells as written before :func:`protect_formula` (only protected cells change)."""
    raw = _bytes(s)
    if raw is not None and not any((b == 0x27).any() for b in raw):
        return s  # no ' anywhere
    starts = s.str.startswith("'").fillna(False).astype(bool)
    if not starts.any():
        return s
    second = s.str.slice(1, 2)
    protected = starts & second.isin([*FORMULA_TRIGGERS, "'"]).fillna(False).astype(bool)
    if not protected.any():
        return s
    return s.mask(protected, s.str.slice(1))
