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

__all__ = ["HEADLINE_TABLE_COLUMNS", "cell_text", "headline_table", "html_table"]

# what a cell of a right-aligned (numeric) column looks like once formatted
_NUMERIC = re.compile(r"^(?:[+−±-]?(?:[A-Z]{3} )?[\d,.]+(?: ?[%km]| bn| m| k| pts)?|–|n < \d+)$")


def cell_text(v) -> str:
    """A cell as text: "–" when missing."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "–"
    return str(v)


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
    """
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    cols = list(frame.columns)
    if not len(frame) and empty is not None:
        body = f"<tbody><tr><td>{html.escape(empty)}</td></tr></tbody>"
        return f'<div class="pa-table-wrap"><table class="pa-table">{cap}{body}</table></div>'
    shown = frame if max_rows is None else frame.head(max_rows)
    cells = [[cell_text(v) for v in shown[c]] for c in cols]
    if numeric is None:
        right = [_is_numeric(col) for col in cells]
    else:
        right = [c in set(numeric) for c in cols]
    cls = ["pa-num" if r else "pa-txt" for r in right]
    escape = [c not in set(raw) for c in cols]
    head = "".join(
        f'<th class="{k}">{html.escape(str(c))}</th>' for c, k in zip(cols, cls, strict=True)
    )
    rows = []
    for i in range(len(shown)):
        tds = "".join(
            f'<td class="{k}">{html.escape(col[i]) if e else col[i]}</td>'
            for col, k, e in zip(cells, cls, escape, strict=True)
        )
        rows.append(f"<tr>{tds}</tr>")
    if max_rows is not None and len(frame) > max_rows:
        rows.append(f'<tr><td colspan="{len(cols)}">… and {len(frame) - max_rows} more</td></tr>')
    return (
        f'<div class="pa-table-wrap"><table class="pa-table">{cap}<thead><tr>{head}</tr></thead>'
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
                    r.previous, r.unit, currency=cur, suppressed=bool(r.suppressed_previous),
                    min_n=min_n,
                ),
                "Change": fmt_delta(r.change, r.unit, currency=cur, suppressed=supp, min_n=min_n),
                "Periods": periods,
                "Note": r.note if isinstance(r.note, str) else "",
            }
        )
    return pd.DataFrame(rows, columns=HEADLINE_TABLE_COLUMNS)
