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

The report command does not make the kernel write the file: the notebook hands the tables
over as one output (:func:`send_tables`) and the command writes the workbook
(:func:`write_workbook_data`) with openpyxl imported while the kernel was working.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from partner_analytics.data.writers import spreadsheet_frame
from partner_analytics.present.formats import date_text, shown_number, suppressed_text

__all__ = [
    "TABLES_MIME",
    "send_tables",
    "sheet_names",
    "tables_sent",
    "workbook_data",
    "write_workbook",
    "write_workbook_data",
]

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


def workbook_data(ctx) -> dict:
    """The workbook of the report ``ctx`` as plain data: ``{"sheets": [{"name", "columns",
    "rows"}]}``, README first, then the tables shown, every cell the text the report shows
    (HTML in a cell reduced to its words). JSON-safe: the report command receives it from
    the notebook (:func:`send_tables`) and writes the file itself (:func:`write_workbook_data`)
    while nothing else is running."""
    import partner_analytics

    readme = _readme(ctx)
    readme.loc[len(readme)] = ("partner_analytics version", partner_analytics.__version__)
    tables = [("README", readme, ())] + [
        (name, frame, raw)
        for name, (frame, raw) in zip(sheet_names(ctx.tables), ctx.tables.values(), strict=True)
    ]
    sheets = []
    for name, frame, raw in tables:
        text = _plain(frame, raw)
        sheets.append(
            {
                "name": name,
                "columns": [str(c) for c in text.columns],
                "rows": [[str(v) for v in row] for row in text.itertuples(index=False)],
            }
        )
    return {"sheets": sheets}


#: The mimetype of the output that carries the tables of a report to the report command.
TABLES_MIME = "application/vnd.partner-analytics.tables+json"


def send_tables(ctx) -> None:
    """Hand the tables of the report to the command that runs the notebook: one output of
    :data:`TABLES_MIME` holding :func:`workbook_data` (not shown in the HTML)."""
    from IPython.display import display

    display({TABLES_MIME: workbook_data(ctx)}, raw=True)


def tables_sent(nb) -> dict | None:
    """The tables a notebook's run handed over (:func:`send_tables`); None without them."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if TABLES_MIME in data:
                return data[TABLES_MIME]
    return None


def write_workbook(ctx, path: str | Path) -> Path:
    """Write the tables the report ``ctx`` has shown to an ``.xlsx`` file (see the module).

    Returns the path written.
    """
    return write_workbook_data(workbook_data(ctx), path)


def write_workbook_data(data: dict, path: str | Path) -> Path:
    """Write :func:`workbook_data` to an ``.xlsx`` file: a sheet per table, header in bold,
    shown numbers as numbers (:func:`~partner_analytics.present.formats.shown_number`),
    text formula-safe (:func:`~partner_analytics.data.writers.spreadsheet_frame`)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in data["sheets"]:
        ws = wb.create_sheet(title=sheet["name"])
        columns = sheet["columns"]
        text = pd.DataFrame(sheet["rows"], columns=range(len(columns)), dtype="str")
        safe = spreadsheet_frame(text)
        # column widths go out before the rows in a write-only sheet
        for i, c in enumerate(columns):
            longest = max([len(c), *(min(len(v), 60) for v in text[i])])
            ws.column_dimensions[get_column_letter(i + 1)].width = longest + 2
        header = spreadsheet_frame(pd.DataFrame([columns], columns=range(len(columns))))
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
