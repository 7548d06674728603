"""Writing an import into a package folder: new files in the table folders, idempotently.

Each long table is split by wave and written as ``<table>/<wave>-<source>.csv`` (e.g.
``assessments/2026-Q1-kobo-partnership.csv``). A file whose content would not change is left
alone, so importing the same export twice changes nothing. A file that would change is
replaced only when it is the one an earlier survey import wrote (its sha256 is the last one
in ``_survey/imports.csv``); a file edited by hand since, or not written by a survey import, is
replaced only with ``replace=True``. After writing, the package is loaded and validated as
usual; if it has errors the files are put back as they were and the errors are raised.
The report goes to ``_survey/reports/`` (the loader reads no folder whose name starts with
``_``).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from partner_analytics.data.writers import csv_bytes, csv_parts, table_csv_bytes
from partner_analytics.errors import InputFileError, ValidationError
from partner_analytics.importers.survey.model import SurveyExport
from partner_analytics.importers.survey.report import report_frames, report_markdown
from partner_analytics.importers.survey.transform import SurveyImport

__all__ = ["LEDGER", "REPORTS", "Written", "default_source", "write_import"]

LEDGER = Path("_survey") / "imports.csv"
REPORTS = Path("_survey") / "reports"
LEDGER_COLUMNS = ["file", "sha256", "source", "export", "export_sha256", "rows"]


@dataclass
class Written:
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (file, what, rows)
    report: Path | None = None
    report_csv: tuple[Path, Path] | None = None
    changed: bool = False
    partnership: object = None
    store: object = None


def default_source(e: SurveyExport) -> str:
    """A stable name for the export's form: tool and form title / id, without dates."""
    if e.tool == "kobo" and e.main.name != "main":
        base = e.main.name
    else:
        base = Path(str(e.path)).stem
        base = re.sub(r"[-_ ]*\(?\d{4}[-_]\d{2}[-_]\d{2}.*$", "", base)  # export time stamps
    slug = re.sub(r"[^A-Za-z0-9]+", "-", base).strip("-").lower()[:40] or "survey"
    return f"{e.tool.replace('_', '-')}-{slug}" if not slug.startswith(e.tool) else slug


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ledger(package: Path) -> pd.DataFrame:
    path = package / LEDGER
    if path.is_file() and not path.is_symlink():
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(columns=LEDGER_COLUMNS)


def _write_bytes(path: Path, data: bytes) -> None:
    if path.is_symlink():
        raise InputFileError(f"{path}: is a symbolic link; refusing to write through it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _plan(package: Path, result: SurveyImport, source: str) -> list[tuple[Path, bytes, int, object]]:
    """(path, bytes, rows, the Arrow table the bytes were written from) of each file."""
    files = []
    for table, frame in result.tables.items():
        if not len(frame):
            continue
        for wave, arrow in csv_parts(frame, "wave"):
            path = package / table / f"{wave}-{source}.csv"
            files.append((path, table_csv_bytes(arrow), arrow.num_rows, arrow))
    return files


def _validate(package: Path, plan: list[tuple[Path, bytes, int, object]]):
    """The package loaded and validated as ``load_partnership`` does it; the files of the plan,
    just written (or found unchanged), are read from their Arrow tables instead of parsed."""
    from partner_analytics.data.files import Limits
    from partner_analytics.data.partnership import TABLE_NAMES, build_partnership
    from partner_analytics.data.readers import KnownCSV, read_files

    written = {path: KnownCSV(arrow, len(data)) for path, data, _, arrow in plan}
    raw = read_files(package, set(TABLE_NAMES), Limits.from_env(), written)
    return build_partnership(raw, drop_invalid=False)


def write_import(
    result: SurveyImport,
    package: Path,
    *,
    source: str | None = None,
    replace: bool = False,
    store: Path | None = None,
) -> Written:
    """Write ``result`` into the package folder, validate, report; optionally append to a store."""
    package = Path(package)
    source = source or result.mapping.source or default_source(result.export)
    ledger = _ledger(package)
    last_sha = dict(zip(ledger["file"], ledger["sha256"], strict=True)) if len(ledger) else {}
    plan = _plan(package, result, source)
    out = Written()
    backups: dict[Path, bytes | None] = {}
    refused = []
    for path, data, n, _ in plan:
        rel = path.relative_to(package).as_posix()
        if path.is_symlink():
            raise InputFileError(f"{path}: is a symbolic link; refusing to write through it")
        if path.is_file():
            old = path.read_bytes()
            if old == data:
                out.files.append((rel, "unchanged", n))
                continue
            if not replace and last_sha.get(rel) != _sha(old):
                refused.append(rel)
                continue
            backups[path] = old
            out.files.append((rel, "replaced", n))
        else:
            backups[path] = None
            out.files.append((rel, "new", n))
    if refused:
        raise InputFileError(
            "these files exist and were not written by an earlier survey import (or were edited "
            "since): " + ", ".join(refused) + "; nothing was written. Give another `source:` in the "
            "mapping, or replace them with --replace"
        )
    for path, data, _, _ in plan:
        if path in backups:
            _write_bytes(path, data)
    out.changed = bool(backups)
    try:
        out.partnership = _validate(package, plan)
    except ValidationError:
        for path, old in backups.items():
            if old is None:
                path.unlink(missing_ok=True)
            else:
                _write_bytes(path, old)
        raise
    if out.changed:
        rows = [
            {
                "file": path.relative_to(package).as_posix(), "sha256": _sha(data), "source": source,
                "export": Path(str(result.export.path)).name, "export_sha256": result.export.sha256, "rows": str(n),
            }
            for path, data, n, _ in plan
            if path in backups
        ]
        new = pd.concat([ledger, pd.DataFrame(rows, columns=LEDGER_COLUMNS)], ignore_index=True)
        _write_bytes(package / LEDGER, csv_bytes(new))
    name = f"{source}-{result.export.sha256[:8]}"
    md = report_markdown(result, out.files, package=package.name)
    subs, diags = report_frames(result)
    report = package / REPORTS / f"{name}.md"
    csv_s = package / REPORTS / f"{name}.submissions.csv"
    csv_d = package / REPORTS / f"{name}.diagnostics.csv"
    if out.changed or not report.is_file():
        _write_bytes(report, md.encode("utf-8"))
        _write_bytes(csv_s, csv_bytes(subs))
        _write_bytes(csv_d, csv_bytes(diags))
    out.report, out.report_csv = report, (csv_s, csv_d)
    if store is not None:
        from partner_analytics.data.store import import_package

        out.store = import_package(package, store)
    return out
