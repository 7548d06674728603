"""What a page shows, as a workbook to download: one sheet per part of the current view.

Each page registers, for each part it shows (cards, a figure, a table), a function giving
the part's rows for the current choices (:meth:`~partner_analytics.dashboards.page.Page.export`).
:func:`workbook_bytes` writes them as an ``.xlsx`` file: a first sheet saying what the
view is (partnership, page, choices, day, the small-cell rule), then a sheet per part.

The rows are the analysis values the page draws (no number is computed here); a value
resting on fewer than ``min_n`` raters or respondents reads "n < {min_n}"
(:func:`suppress`), never the number; every sheet goes through
:func:`partner_analytics.data.writers.spreadsheet_frame`, so no cell can start a formula.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from partner_analytics.present.formats import suppressed_text

__all__ = [
    "TEXT",
    "XLSX_TYPE",
    "about_frame",
    "download_link",
    "file_name",
    "suppress",
    "workbook_bytes",
]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The words of the exports (one place, for translation).
TEXT = {
    "about": "About this view",
    "what": "What",
    "value": "Value",
    "partnership": "Partnership",
    "page": "Dashboard",
    "as_of": "Day shown",
    "small_cells": "Small cells",
    "small_cells_rule": "values resting on fewer than {min_n} people read '{text}'",
    "link": "Download this view (Excel)",
    "preparing": "Preparing the download…",
    "none": "nothing to show",
}

_SHEET_BAD = re.compile(r"[\[\]\*\?/\\:]")


def suppress(
    frame: pd.DataFrame,
    columns: Sequence[str],
    min_n: int,
    *,
    flag: str = "suppressed",
    keep_flag: bool = False,
) -> pd.DataFrame:
    """``frame`` with the ``columns`` of its suppressed rows (``flag`` true) reading
    "n < {min_n}" instead of their values; the flag column left out unless ``keep_flag``."""
    out = frame.copy()
    if flag in out:
        hidden = out[flag].fillna(False).astype(bool)
        text = suppressed_text(min_n)
        for c in columns:
            if c in out:
                col = out[c].astype("object")
                col[hidden.to_numpy()] = text
                out[c] = col
        if not keep_flag:
            out = out.drop(columns=[flag])
    return out


def about_frame(items: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """The first sheet: (what, value) lines saying what the view is."""
    return pd.DataFrame(list(items), columns=[TEXT["what"], TEXT["value"]])


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", str(name)).strip()[:31] or "Sheet"
    name, i = base, 2
    while name.lower() in taken:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    taken.add(name.lower())
    return name


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An ``.xlsx`` file of ``sheets`` (name -> frame), each through
    :func:`~partner_analytics.data.writers.spreadsheet_frame` (numbers stay numbers; no
    text can start a formula); sheet names made valid for Excel (31 characters, no
    ``[]:*?/\\``, unique)."""
    from openpyxl import Workbook

    from partner_analytics.data.writers import spreadsheet_frame

    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for name, frame in sheets.items():
        ws = wb.create_sheet(_sheet_name(name, taken))
        if frame is None or not len(frame.columns):
            ws.append([TEXT["none"]])
            continue
        safe = spreadsheet_frame(frame.reset_index(drop=True))
        ws.append([str(c) for c in safe.columns])
        for row in safe.itertuples(index=False):
            ws.append([None if (v is None or (not isinstance(v, str) and pd.isna(v))) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_name(*parts: str) -> str:
    """A file name from words: letters, digits and hyphens ("circular-region-delivery-2026-q3.xlsx")."""
    words = "-".join(str(p) for p in parts if p)
    slug = re.sub(r"[^0-9A-Za-z]+", "-", words).strip("-").lower()
    return f"{slug or 'dashboard'}.xlsx"


def download_link(data: bytes, name: str) -> str:
    """An HTML link that saves ``data`` as ``name`` (the workbook in the link itself: the
    browser needs nothing more from the server)."""
    import html

    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'<a download="{html.escape(name)}" href="data:{XLSX_TYPE};base64,{b64}">'
        f"{html.escape(TEXT['link'])}</a>"
    )
