"""Google Forms: the responses sheet (CSV or XLSX) and the Forms page's "Download responses".

One header row of full question titles; ``Timestamp`` first (typed in XLSX, in the sheet's
locale in CSV), ``Email Address`` when e-mails are collected, ``Score`` in quizzes. A grid
question has one column per row, ``Title [Row]``. Checkbox answers are joined by ", " in the
sheet and by ";" in the Forms page CSV, whose times read ``2023/11/13 4:20:37 pm CET``.
There is no submission id: a response is known by its row.
"""

from __future__ import annotations

import re

import pandas as pd

from partner_analytics.importers.survey.model import SurveyExport
from partner_analytics.importers.survey.readers.common import (
    body_table,
    find_column,
    finish,
    parse_datetimes,
    unique_headers,
)

__all__ = ["EMAIL_HEADERS", "TIMESTAMP_HEADERS", "read_google_forms"]

# the first header of a responses sheet in the form's languages
TIMESTAMP_HEADERS = (
    "Timestamp", "Marca temporal", "Horodateur", "Zeitstempel", "Carimbo de data/hora",
    "Tidsmerke", "Marca de tiempo", "Informazioni cronologiche", "Tijdstempel",
)
EMAIL_HEADERS = (
    "Email Address", "Email address", "Adresse e-mail", "E-Mail-Adresse", "Dirección de correo electrónico",
    "Endereço de e-mail", "E-postadresse",
)
META = {"score", "total score", "puntuación", "note", "punktzahl", "pontuação", "poengsum"}
_PAGE_TIME = re.compile(r"^\d{4}/\d{2}/\d{2} \d{1,2}:\d{2}:\d{2} [ap]m\b", re.IGNORECASE)


def read_google_forms(grid: pd.DataFrame, display: str, options: dict) -> SurveyExport:
    names, written = unique_headers(grid.iloc[0].tolist())
    main = body_table("main", display, grid, 1, names, written)
    ts = find_column(main, *TIMESTAMP_HEADERS) or names[0]
    email = find_column(main, *EMAIL_HEADERS)
    for n, c in main.columns.items():
        if n in (ts, email) or n.strip().lower() in META:
            c.kind, c.role = "meta", ("submitted_at" if n == ts else "email" if n == email else n)
    export = SurveyExport(path=None, tool="google_forms", main=main, email_column=email)  # type: ignore[arg-type]
    export.submitted_at, note = parse_datetimes(main.frame[ts], dayfirst=options.get("dayfirst"))
    if note:
        export.notes.append(note)
    first = next((v for v in main.frame[ts] if isinstance(v, str) and v.strip()), "")
    if _PAGE_TIME.match(first):
        export.notes.append("the Forms page's CSV download: checkbox answers are joined by ';'")
    export.notes.append("Google Forms has no submission id: each response is known by its row")
    return finish(export)
