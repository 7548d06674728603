"""The one table renderer of the report and the dashboards, and the headline table.

:func:`html_table` writes a frame of text (formatted by :mod:`~partner_analytics.present.formats`)
as HTML: the report's sections, its appendix, the dashboards' tables and error page all go
through it, so a table reads and escapes the same everywhere. :func:`headline_table` turns
:func:`~partner_analytics.analysis.headlines.headline_figures` into the text of the report's
"what changed" tables.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd

from partner_analytics.present.formats import fmt_delta, fmt_value

__all__ = ["HEADLINE_TABLE_COLUMNS", "cell_text", "headline_table", "html_table", "min_width_chars"]

# what a cell of a right-aligned (numeric) column looks like once formatted
_NUMERIC = re.compile(r"^(?:[+−±-]?(?:[A-Z]{3} )?[\d,.]+(?: ?[%km]| bn| m| k| pts)?|–|n < \d+)$")


def cell_text(v) -> str:
    """A cell as text: "–" when missing."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "–"
    return str(v)


_TAG = re.compile(r"<[^>]+>")
#: Cells of a text column whose every cell is at most this long are kept on one line.
SHORT_CELL = 10
#: A table of at most this many rows is printed on one page (not split after its header).
SMALL_TABLE = 12


def min_width_chars(frame: pd.DataFrame, *, raw: Sequence[str] = ()) -> int:
    """How many characters wide a table is at its narrowest: every column as wide as its
    longest word (text wraps between words; numbers do not wrap), plus two for the padding
    of each column. A page of the report can hold about 120 (portrait, A4 or Letter)."""
    total = 0
    for c in frame.columns:
        words = [w for w in str(c).split()]
        cells = [cell_text(v) for v in frame[c]]
        if c in set(raw):
            cells = [html.unescape(_TAG.sub("", v)) for v in cells]
        numeric = _is_numeric(cells)
        for v in cells:
            words.extend([v] if numeric else v.split())
        total += max((len(w) for w in words), default=1) + 2
    return total


def _is_numeric(cells: list[str]) -> bool:
    return bool(cells) and all(_NUMERIC.match(v) for v in cells) and any(v != "–" for v in cells)


def html_table(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    numeric: Sequence[str] | None = None,
    raw: Sequence[str] = (),
    max_rows: int | None = None,
    empty: str | None = None,
    group_by: str | None = None,
    wide: bool = False,
    keep_together: bool | None = None,
) -> str:
    """A frame of text as an HTML table.

    Parameters
    ----------
    frame : DataFrame
        The cells, already formatted; a missing cell reads "–".
    caption : str, optional
        A caption above the table.
    numeric : sequence of str, optional
        Columns aligned right; default: the columns whose every cell reads as a number
        ("1,234", "12 %", "EUR 1.2 m", "+3", "n < 5", "–").
    raw : sequence of str
        Columns holding HTML already (coloured status chips); every other cell is escaped.
    max_rows : int, optional
        Rows shown; the rest is summed up in a last line ("… and 12 more").
    empty : str, optional
        A frame without rows shows this line (default: the header alone).
    group_by : str, optional
        A column whose value heads a group of rows: it is shown once, on a line of its own
        above the group (escaped unless listed in ``raw``), not as a column.
    wide : bool
        The table needs a wide page: printed on a landscape page of its own.
    keep_together : bool, optional
        Print the table on one page, never split (default: when it has
        :data:`SMALL_TABLE` rows or fewer).
    """
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    if keep_together is None:
        keep_together = len(frame) <= SMALL_TABLE
    wrap = "pa-table-wrap" + (" pa-wide" if wide else "") + (" pa-small" if keep_together else "")
    groups = None
    if group_by is not None:
        groups = [cell_text(v) for v in frame[group_by]]
        if group_by not in set(raw):
            groups = [html.escape(g) for g in groups]
        frame = frame.drop(columns=[group_by])
    cols = list(frame.columns)
    if not len(frame) and empty is not None:
        body = f"<tbody><tr><td>{html.escape(empty)}</td></tr></tbody>"
        return f'<div class="{wrap}"><table class="pa-table">{cap}{body}</table></div>'
    shown = frame if max_rows is None else frame.head(max_rows)
    cells = [[cell_text(v) for v in shown[c]] for c in cols]
    if numeric is None:
        right = [_is_numeric(col) for col in cells]
    else:
        right = [c in set(numeric) for c in cols]
    # a column of short texts (waves, dates, yes/no) is never broken inside a cell
    short = [max((len(v) for v in col), default=0) <= SHORT_CELL for col in cells]
    cls = [
        "pa-num" if r else ("pa-txt pa-short" if k else "pa-txt")
        for r, k in zip(right, short, strict=True)
    ]
    escape = [c not in set(raw) for c in cols]
    head = "".join(
        f'<th class="{k}">{html.escape(str(c))}</th>' for c, k in zip(cols, cls, strict=True)
    )
    rows = []
    for i in range(len(shown)):
        if groups is not None and (i == 0 or groups[i] != groups[i - 1]):
            rows.append(f'<tr class="pa-group"><th colspan="{len(cols)}">{groups[i]}</th></tr>')
        tds = "".join(
            f'<td class="{k}">{html.escape(col[i]) if e else col[i]}</td>'
            for col, k, e in zip(cells, cls, escape, strict=True)
        )
        rows.append(f"<tr>{tds}</tr>")
    if max_rows is not None and len(frame) > max_rows:
        rows.append(f'<tr><td colspan="{len(cols)}">… and {len(frame) - max_rows} more</td></tr>')
    return (
        f'<div class="{wrap}"><table class="pa-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


HEADLINE_TABLE_COLUMNS = ["Figure", "Now", "Previous", "Change", "Periods", "Note"]


def headline_table(frame: pd.DataFrame, *, min_n: int | None = None) -> pd.DataFrame:
    """Headline figures as text: figure, now, previous, change, periods, note.

    ``frame`` is :func:`~partner_analytics.analysis.headlines.headline_figures`; suppressed
    values read "n < {min_n}" (default: the threshold the frame was computed with); missing
    values "–" with the reason in ``note``.
    """
    if min_n is None:
        min_n = frame.attrs.get("min_n")
    rows = []
    for r in frame.itertuples(index=False):
        cur = r.currency if isinstance(r.currency, str) else None
        supp = bool(r.suppressed_now) or bool(r.suppressed_previous)
        periods = r.period_now if isinstance(r.period_now, str) else "–"
        if isinstance(r.period_previous, str) and r.period_previous != r.period_now:
            periods = f"{r.period_previous} → {periods}"
        rows.append(
            {
                "Figure": r.label,
                "Now": fmt_value(
                    r.now, r.unit, currency=cur, suppressed=bool(r.suppressed_now), min_n=min_n
                ),
                "Previous": fmt_value(
                    r.previous,
                    r.unit,
                    currency=cur,
                    suppressed=bool(r.suppressed_previous),
                    min_n=min_n,
                ),
                "Change": fmt_delta(r.change, r.unit, currency=cur, suppressed=supp, min_n=min_n),
                "Periods": periods,
                "Note": r.note if isinstance(r.note, str) else "",
            }
        )
    return pd.DataFrame(rows, columns=HEADLINE_TABLE_COLUMNS)
