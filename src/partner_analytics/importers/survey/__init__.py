"""Survey exports in, survey forms out.

Evaluators collect ratings with KoboToolbox, ODK Central, SurveyCTO, Google Forms, Microsoft
Forms, LimeSurvey, Qualtrics or SurveyMonkey. Their exports are wide; the package's
``assessments``, ``stakeholder_ratings`` and ``relationships`` are long. This package reads
each tool's export (:func:`read_export`), says what it is and drafts a mapping
(:func:`detect_export`), imports it into a package folder with a mapping file
(:func:`import_survey`), and writes the package's instrument as an XLSForm with the mapping
that imports its exports (:func:`write_form`). See docs/survey-import.md.

Modules: ``files`` (safe opening), ``cells`` (workbook and CSV grids), ``readers/`` (one per
tool), ``detect``, ``scales``, ``mapping``, ``columns``, ``transform``, ``pseudonym``,
``report``, ``package`` (writing into the package), ``draft``, ``form``, ``api``.
"""

from __future__ import annotations

from partner_analytics.importers.survey.api import (
    DetectResult,
    ImportOutcome,
    detect_export,
    import_survey,
)
from partner_analytics.importers.survey.detect import detect_tool, read_export
from partner_analytics.importers.survey.form import write_form
from partner_analytics.importers.survey.mapping import (
    Mapping,
    MappingError,
    load_mapping,
    parse_mapping,
)
from partner_analytics.importers.survey.model import TOOLS, SurveyExport
from partner_analytics.importers.survey.transform import Instrument, SurveyImport, build_tables

__all__ = [
    "TOOLS",
    "DetectResult",
    "ImportOutcome",
    "Instrument",
    "Mapping",
    "MappingError",
    "SurveyExport",
    "SurveyImport",
    "build_tables",
    "detect_export",
    "detect_tool",
    "import_survey",
    "load_mapping",
    "parse_mapping",
    "read_export",
    "write_form",
]
