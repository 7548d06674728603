"""Each real export in shared/realdata/survey-exports: detection, reading, counts."""

from __future__ import annotations

import pytest

from partner_analytics.importers.survey import detect_export, read_export

pytestmark = pytest.mark.realdata


@pytest.fixture
def exports(realdata):
    path = realdata / "survey-exports"
    if not path.is_dir():
        pytest.skip(f"no survey exports at {path} (see shared/realdata/survey-exports/SOURCES.md)")
    return path


def _file(exports, name):
    path = exports / name
    if not path.is_file():
        pytest.skip(f"{name} is not in {exports}")
    return path


def test_the_kobo_export_with_nested_repeats_links_every_repeat_row_to_its_submission(exports):
    e = read_export(_file(exports, "kobo_xlsx_xml_nested_repeats__meeting_form.xlsx"))
    assert e.tool == "kobo" and e.separator == "/"
    assert e.n_submissions == 5
    assert {n: len(t) for n, t in e.repeats.items()} == {"topics_discussed": 8, "participants": 8, "feedback": 12}
    for t in e.repeats.values():
        assert (t.submission >= 0).all() and t.has_parent.all()
    assert e.repeats["feedback"].parent == "participants"
    # the rating inside a group inside a repeat is a question column of its repeat
    assert "topics_discussed/topic_details/Discussion_rating" in e.repeats["topics_discussed"].question_columns()
    assert str(e.submitted_at[0]) == "2024-03-14 09:36:52"


def test_the_google_forms_sheet_is_read_with_its_typed_timestamps(exports):
    e = read_export(_file(exports, "googleforms_sheets_xlsx__form_responses_1.xlsx"))
    assert e.tool == "google_forms"
    assert e.n_submissions == 3
    assert e.main.columns["Timestamp"].kind == "meta"
    assert [str(t.date()) for t in e.submitted_at] == ["2023-11-28"] * 3
    assert list(e.submission_id) == ["row 2", "row 3", "row 4"]


def test_the_qualtrics_export_has_three_header_rows_and_german_question_texts(exports):
    e = read_export(_file(exports, "qualtrics_csv_3header_de__qualtRics_sample.csv"))
    assert e.tool == "qualtrics"
    assert e.n_submissions == 1
    assert list(e.submission_id) == ["R_2YPOQ602ER1jkf1"]
    assert e.main.columns["StartDate"].text == "Anfangsdatum"
    assert e.main.columns["Q2"].code == "QID2_TEXT"
    assert not e.flags["preview"].any() and not e.flags["incomplete"].any()
    assert list(e.main.rows) == [4]


def test_the_limesurvey_export_with_code_and_text_headings_reads_its_arrays_as_grids(exports):
    e = read_export(_file(exports, "limesurvey_csv_code_text_headings__rse_survey_2017_de.csv"))
    assert e.tool == "limesurvey"
    assert e.n_submissions == 325
    assert e.main.frame.shape[1] == 248
    col = next(c for c in e.main.columns.values() if c.code == "likert2[affRec4]")
    assert col.grid == ("likert2", "I am satisfied with the compliments from my supervisor/line manager concerning my work")
    assert sum(1 for c in e.main.columns.values() if c.grid) == 203


def test_the_limesurvey_likert_answers_read_on_the_agreement_scale_with_their_quirks(exports):
    from partner_analytics.importers.survey.scales import builtin_scale

    e = read_export(_file(exports, "limesurvey_csv_code_text_headings__rse_survey_2017_de.csv"))
    scale = builtin_scale("agree5")
    col = next(c.name for c in e.main.columns.values() if c.code == "likert2[affRec4]")
    read = [scale.read(v) for v in e.main.frame[col]]
    assert {s for s, _ in read} <= {"ok", "blank"}
    anchored = next(c.name for c in e.main.columns.values() if c.code == "likert0[time2can]")
    ten = builtin_scale("agree5")
    ten.hi = 10
    values = {v for v in e.main.frame[anchored] if isinstance(v, str) and v.startswith("\ufeff")}
    assert values == {"\ufeff1 (None at all)"}
    assert ten.read("\ufeff1 (None at all)") == ("ok", 1.0)
    assert ten.read("10 (All my time)") == ("ok", 10.0)


@pytest.mark.parametrize(
    ("name", "tool"),
    [
        ("kobo_xlsx_xml_nested_repeats__meeting_form.xlsx", "kobo"),
        ("googleforms_sheets_xlsx__form_responses_1.xlsx", "google_forms"),
        ("qualtrics_csv_3header_de__qualtRics_sample.csv", "qualtrics"),
        ("limesurvey_csv_code_text_headings__rse_survey_2017_de.csv", "limesurvey"),
    ],
)
def test_detect_names_the_tool_on_its_first_line(exports, name, tool):
    result = detect_export(_file(exports, name))
    assert result.lines[0] == f"tool: {tool}"
    assert result.mapping_text.startswith("# Draft mapping")
