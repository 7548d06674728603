"""The workbook beside the report: every table it shows, one sheet each, the same numbers.

:func:`write_workbook` writes the tables a report showed (kept by its context,
:meth:`~partner_analytics.report.context.ReportContext.keep_table`) into an ``.xlsx`` file:
a README sheet first (the partnership, the report day and the day compared with, the
package the numbers come from, the small-cell rule), then one sheet per table in the order
of the report. A cell that shows a number ("1,234", "12 %", "EUR 1,234", "−0.5") is written
as that number, with the same rounding and a matching number format; every other cell as
the text the report shows, so a small cell reads "n < {min_n}" here too. Text is made
formula-safe by :func:`partner_analytics.data.writers.spreadsheet_frame` (a cell starting
with ``=``, ``+``, ``-`` or ``@`` is never a formula).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from partner_analytics.data.writers import spreadsheet_frame
from partner_analytics.present.formats import date_text, shown_number, suppressed_text

__all__ = ["sheet_names", "write_workbook"]

_TAG = re.compile(r"<[^>]+>")
_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_names(titles) -> list[str]:
    """Spreadsheet sheet names for ``titles``: at most 31 characters, none of ``[]:*?/\\``,
    unique (a repeated name gets " (2)"), never "README"."""
    out, seen = [], {"readme"}
    for title in titles:
        base = _BAD.sub(" ", str(title)).strip()[:31] or "Table"
        name, k = base, 2
        while name.lower() in seen:
            tail = f" ({k})"
            name, k = base[: 31 - len(tail)] + tail, k + 1
        seen.add(name.lower())
        out.append(name)
    return out


def _plain(frame: pd.DataFrame, raw) -> pd.DataFrame:
    """The cells as text, the columns holding HTML (status chips, links) as their words."""
    out = frame.astype("object").where(frame.notna(), "–")
    for c in raw:
        if c in out:
            out[c] = [html.unescape(_TAG.sub("", str(v))).strip() for v in out[c]]
    out.columns = [html.unescape(_TAG.sub("", str(c))) for c in out.columns]
    return out.astype("str")


def _readme(ctx) -> pd.DataFrame:
    p = ctx.p
    rows = [
        ("Partnership", p.name),
        ("Report", ctx.title),
        ("Report day", f"{date_text(ctx.as_of)} ({ctx.now.label})"),
        ("Compared with", f"{date_text(ctx.prev.as_of)} ({ctx.prev.label})"),
        ("Source", str(ctx.data_path)),
        (
            "Small cells",
            (
                f"figures over fewer than {ctx.min_n} raters or respondents read "
                f'"{suppressed_text(ctx.min_n)}", as in the report'
            ),
        ),
        (
            "Rows with errors",
            "left out (--drop-invalid): see the sheet Rows left out"
            if ctx.parameters.get("drop_invalid") and len(p.rejected)
            else "none",
        ),
        ("Made", f"by partner_analytics at {ctx.run_time} (UTC)"),
        ("Sheets", "one per table of the report, in its order; numbers as the report shows them"),
    ]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def _cell(ws, value, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell


def write_workbook(ctx, path: str | Path) -> Path:
    """Write the tables the report ``ctx`` has shown to an ``.xlsx`` file (see the module).

    Returns the path written.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    import partner_analytics

    path = Path(path)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    readme = _readme(ctx)
    readme.loc[len(readme)] = ("partner_analytics version", partner_analytics.__version__)
    tables = [("README", readme, ())] + [
        (name, frame, raw)
        for name, (_, (frame, raw)) in zip(sheet_names(ctx.tables), ctx.tables.items(), strict=True)
    ]
    for name, frame, raw in tables:
        ws = wb.create_sheet(title=name)
        text = _plain(frame, raw)
        safe = spreadsheet_frame(text)
        # column widths go out before the rows in a write-only sheet
        for i, c in enumerate(text.columns):
            longest = max([len(str(c)), *(min(len(v), 60) for v in text[c])])
            ws.column_dimensions[get_column_letter(i + 1)].width = longest + 2
        header = spreadsheet_frame(
            pd.DataFrame([list(text.columns)], columns=range(len(text.columns)))
        )
        ws.append([_cell(ws, h, bold) for h in header.iloc[0]])
        for shown, written in zip(
            text.itertuples(index=False), safe.itertuples(index=False), strict=True
        ):
            row = []
            for v, w in zip(shown, written, strict=True):
                number = shown_number(v)
                if number is not None:
                    cell = WriteOnlyCell(ws, value=number[0])
                    cell.number_format = number[1]
                else:
                    cell = WriteOnlyCell(ws, value=w)
                row.append(cell)
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
