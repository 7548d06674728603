"""The three things a user does: detect an export, import it into a package, write a form."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from partner_analytics.errors import InputFileError
from partner_analytics.importers.survey.detect import describe, read_export
from partner_analytics.importers.survey.mapping import Mapping, load_mapping
from partner_analytics.importers.survey.package import Written, write_import
from partner_analytics.importers.survey.pseudonym import package_salt
from partner_analytics.importers.survey.transform import Instrument, SurveyImport, build_tables

__all__ = ["DetectResult", "ImportOutcome", "detect_export", "import_survey", "read_with_mapping"]


@dataclass
class DetectResult:
    lines: list[str]  # the first is "tool: NAME"
    mapping_text: str | None = None
    mapping_path: Path | None = None


@dataclass
class ImportOutcome:
    result: SurveyImport
    written: Written


def _package_folder(package: Path) -> Path:
    package = Path(package)
    if package.is_symlink():
        raise InputFileError(f"{package}: is a symbolic link; name the package folder itself")
    if not package.is_dir():
        raise InputFileError(
            f"{package}: not a package folder; survey import writes new files into a package folder "
            "(a workbook or a store cannot take them: import into a folder, then use --store)"
        )
    return package


def read_with_mapping(export_path: str | Path, mapping: Mapping):
    return read_export(export_path, options=mapping.export)


def import_survey(
    export_path: str | Path,
    mapping_path: str | Path,
    package: str | Path,
    *,
    store: str | Path | None = None,
    replace: bool = False,
) -> ImportOutcome:
    """Import an export into a package folder with a mapping file (see docs/survey-import.md)."""
    from partner_analytics.data.load import load_partnership

    package = _package_folder(Path(package))
    mapping = load_mapping(mapping_path)
    if mapping.draft:
        raise InputFileError(
            f"{mapping_path}: this mapping is a draft (line {mapping.line('draft') or 1}: draft: true). "
            "Check every line marked '# review', then delete the line 'draft: true'"
        )
    p = load_partnership(package)
    export = read_with_mapping(export_path, mapping)
    salt = package_salt(package)
    result = build_tables(export, mapping, Instrument.from_partnership(p), salt)
    written = write_import(result, package, replace=replace, store=Path(store) if store else None)
    return ImportOutcome(result, written)


def detect_export(
    export_path: str | Path,
    *,
    form: str | Path | None = None,
    package: str | Path | None = None,
    out: str | Path | None = None,
) -> DetectResult:
    """What the export is (``tool: NAME`` first), and a draft mapping (written to ``out``)."""
    from partner_analytics.importers.survey.draft import draft_mapping

    export = read_export(export_path)
    lines = describe(export)
    p = None
    if package is not None:
        from partner_analytics.data.load import load_partnership

        p = load_partnership(package)
    text, summary = draft_mapping(export, partnership=p, form=Path(form) if form else None)
    lines += summary
    path = None
    if out is not None:
        path = Path(out)
        if path.is_symlink():
            raise InputFileError(f"{path}: is a symbolic link; refusing to write through it")
        path.write_text(text, encoding="utf-8")
    return DetectResult(lines, text, path)
