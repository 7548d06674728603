"""Each diagnostic of an import, on a small export made here."""

from __future__ import annotations

import openpyxl
import pytest

from partner_analytics import load_partnership
from partner_analytics.importers.survey import Instrument, build_tables, parse_mapping, read_export

HEAD = "Response ID,Date,Email,Organisation,Joint objectives,Q602,Power [Council cabinet],Interest [Council cabinet],Notes"
MAPPING = """
version: 1
source: test
export: {id_column: Response ID, date_column: Date}
respondent: {from: column, column: Email}
organisation: {column: Organisation}
assessments:
  questions:
    Joint objectives: {factor_code: "601"}
    Q602: {factor_code: "602"}
stakeholder_ratings:
  grid:
    S01: {power: "Power [Council cabinet]", interest: "Interest [Council cabinet]"}
"""
SALT = b"0" * 32


def _run(tmp_path, package, rows, mapping=MAPPING, name="export.csv", head=HEAD):
    path = tmp_path / name
    path.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    m = parse_mapping(mapping)
    e = read_export(path, options=m.export)
    return build_tables(e, m, Instrument.from_partnership(load_partnership(package)), SALT)


def _kinds(result, kind):
    return [d for d in result.diagnostics if d.kind == kind]


def test_unmapped_columns_are_listed_with_three_sample_values(tmp_path, package):
    r = _run(tmp_path, package, [f"{i},2026-01-0{i},a{i}@x.org,P01,Agree,4,High,Low,note {i % 4}" for i in range(1, 6)])
    (d,) = [d for d in _kinds(r, "unmapped_column") if d.column == "Notes"]
    assert "'note 1', 'note 2', 'note 3'" in d.message


def test_a_mapped_column_absent_from_the_export_is_reported_with_the_nearest_header(tmp_path, package):
    mapping = MAPPING.replace("Q602:", "Q60 2:")
    r = _run(tmp_path, package, ["1,2026-01-05,a@x.org,P01,Agree,4,High,Low,"], mapping)
    (d,) = _kinds(r, "absent_column")
    assert d.column == "Q60 2" and "Q602" in d.suggestion


def test_a_label_not_on_the_scale_is_left_out_with_the_nearest_label_and_its_rows(tmp_path, package):
    r = _run(tmp_path, package, ["1,2026-01-05,a@x.org,P01,Agreee,4,High,Low,", "2,2026-01-06,b@x.org,P02,Agree,0,High,Low,"])
    found = {d.value: d for d in _kinds(r, "label_not_on_scale")}
    assert found["Agreee"].rows == (2,) and "'agree' = 4" in found["Agreee"].suggestion
    assert found["0"].rows == (3,) and found["0"].suggestion.startswith("1 (Strongly disagree)")
    assert sorted(r.tables["assessments"]["score"].tolist()) == [4.0, 4.0]  # 0 never becomes a score


def test_missing_answers_are_counted_per_question_and_never_become_zero(tmp_path, package):
    r = _run(tmp_path, package, ["1,2026-01-05,a@x.org,P01,Don't know,99,High,Low,",
                                 "2,2026-01-06,b@x.org,P02,N/A,,High,Low,", "3,2026-01-07,c@x.org,P03,Agree,5,High,Low,"])
    by_col = {d.column: d.message for d in _kinds(r, "missing_answers")}
    assert by_col["Joint objectives"].startswith("0 blank and 2")
    assert by_col["Q602"].startswith("1 blank and 1")
    assert r.tables["assessments"]["score"].tolist() == [4.0, 5.0]


def test_an_unknown_partner_rejects_the_submission_with_suggestions(tmp_path, package):
    r = _run(tmp_path, package, ["1,2026-01-05,a@x.org,Region of Northmark Counci,Agree,4,High,Low,",
                                 "2,2026-01-06,b@x.org,City of Northhaven,Agree,4,High,Low,"])
    (d,) = _kinds(r, "unknown_partner")
    assert d.rows == (2,) and "Region of Northmark Council (P01)" in d.suggestion
    subs = r.submissions.set_index("row")
    assert subs.loc[2, "outcome"] == "rejected" and "nearest" in subs.loc[2, "reason"]
    assert subs.loc[3, "outcome"] == "accepted"  # a partner's name matches without a mapping line


def test_an_unknown_stakeholder_in_a_repeat_is_left_out_with_suggestions(tmp_path, package):
    child = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for row in (["org", "_id", "_uuid", "_submission_time", "_index"], ["P01", 1, "a", "2026-01-05T10:00:00", 1]):
        ws.append(row)
    rep = wb.create_sheet("st")
    for row in (["st/who", "st/power", "st/interest", *child], ["Mayor of Northhavn", 4, 4, 1, "S", 1, 1, "a"],
                ["S01", 3, 3, 2, "S", 1, 1, "a"]):
        rep.append(row)
    path = tmp_path / "k.xlsx"
    wb.save(path)
    m = parse_mapping("version: 1\nstakeholder_ratings:\n  repeat: st\n  stakeholder: {column: st/who}\n"
                      "  fields: {power: st/power, interest: st/interest}\n")
    r = build_tables(read_export(path), m, Instrument.from_partnership(load_partnership(package)), SALT)
    (d,) = _kinds(r, "unknown_stakeholder")
    assert d.rows == (2,) and "Mayor of Northhaven (S03)" in d.suggestion
    assert r.tables["stakeholder_ratings"]["stakeholder_id"].tolist() == ["S01"]
    assert r.repeat_rows["st"]["unknown_target"] == 1


def test_duplicate_submissions_keep_the_latest_and_list_the_rest(tmp_path, package):
    r = _run(tmp_path, package, [
        "1,2026-01-05,a@x.org,P01,Agree,4,High,Low,", "1,2026-01-05,a@x.org,P01,Agree,4,High,Low,",  # same id
        "2,2026-01-06,b@x.org,P02,Disagree,2,High,Low,", "3,2026-02-06,B@x.org,P02,Agree,5,High,Low,",  # same person
    ])
    subs = r.submissions.set_index("row")
    assert subs.loc[2, "outcome"] == "excluded" and "row 3" in subs.loc[2, "reason"]
    assert subs.loc[4, "outcome"] == "excluded" and "row 5, the latest" in subs.loc[4, "reason"]
    assert subs.loc[5, "outcome"] == "accepted"
    assert _kinds(r, "duplicate_submission")[0].rows == (2,)
    assert _kinds(r, "duplicate_respondent")[0].rows == (4,)
    assert r.counts() == {"accepted": 2, "excluded": 2, "rejected": 0}


def test_test_preview_and_rejected_submissions_are_excluded_with_their_reason(tmp_path, package):
    from test_survey_readers import QUALTRICS

    m = parse_mapping("version: 1\norganisation: {column: Q1}\nassessments:\n  questions:\n"
                      "    Q5_1: {factor_code: '601'}\n    Q5_2: {factor_code: '602'}\n")
    path = tmp_path / "q.csv"
    path.write_text(QUALTRICS, encoding="utf-8")
    r = build_tables(read_export(path), m, Instrument.from_partnership(load_partnership(package)), SALT)
    reasons = dict(zip(r.submissions["row"], r.submissions["reason"], strict=True))
    assert "preview" in reasons[5] and "test" in reasons[6] and "incomplete" in reasons[7]
    assert r.counts() == {"accepted": 1, "excluded": 3, "rejected": 0}
    assert {d.kind for d in r.diagnostics} >= {"status_preview", "status_test", "status_incomplete"}


def test_partial_responses_are_listed_and_excluded_when_the_mapping_says_so(tmp_path, package):
    rows = ["1,2026-01-05,a@x.org,P01,Agree,,,,", "2,2026-01-06,b@x.org,P02,Agree,4,High,Low,"]
    r = _run(tmp_path, package, rows)
    (d,) = _kinds(r, "partial_response")
    assert d.rows == (2,) and "kept" in d.message
    r = _run(tmp_path, package, rows, MAPPING + "exclude: {status: [partial], partial_below: 0.5}\n")
    assert r.submissions.set_index("row").loc[2, "outcome"] == "excluded"


def test_repeat_rows_without_a_parent_are_reported_and_not_imported(tmp_path):
    child = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["org", "_id", "_uuid", "_submission_time", "_index"])
    ws.append(["P01", 1, "a", "2026-01-05T10:00:00", 1])
    rep = wb.create_sheet("rep")
    rep.append(["rep/x", *child])
    rep.append(["1", 1, "S", 7, 7, "gone"])
    path = tmp_path / "k.xlsx"
    wb.save(path)
    (d,) = [d for d in read_export(path).diagnostics if d.kind == "orphan_repeat_row"]
    assert d.rows == (2,)


def test_several_form_versions_are_reported(tmp_path):
    text = '"org";"_id";"_uuid";"_submission_time";"__version__"\n"P01";"1";"a";"2026-01-05";"v1"\n"P02";"2";"b";"2026-01-06";"v2"\n'
    path = tmp_path / "k.csv"
    path.write_text(text, encoding="utf-8")
    (d,) = [d for d in read_export(path).diagnostics if d.kind == "form_versions"]
    assert "2 form versions" in d.message


def test_an_edited_header_is_matched_and_reported(tmp_path, package):
    head = HEAD.replace("Q602", " q602 ")
    r = _run(tmp_path, package, ["1,2026-01-05,a@x.org,P01,Agree,4,High,Low,"], head=head)
    (d,) = _kinds(r, "edited_header")
    assert d.column == "q602" and len(r.tables["assessments"]) == 2


@pytest.mark.parametrize(("text", "what"), [("\ufeffAgree", "byte-order mark"), ("Donâ€™t know", "mojibake")])
def test_damaged_text_is_reported(tmp_path, package, text, what):
    r = _run(tmp_path, package, [f"1,2026-01-05,a@x.org,P01,{text},4,High,Low,"])
    (d,) = _kinds(r, "damaged_text")
    assert what in d.message and d.rows == (2,)


def test_e_mail_addresses_become_pseudonyms_and_are_never_in_the_tables_or_the_report(tmp_path, package):
    from partner_analytics.importers.survey.report import report_frames, report_markdown

    r = _run(tmp_path, package, ["1,2026-01-05,Ann@X.org,P01,Agree,4,High,Low,secret@x.org"])
    ids = set(r.tables["assessments"]["respondent_id"]) | set(r.tables["stakeholder_ratings"]["rater_id"])
    assert len(ids) == 1 and next(iter(ids)).startswith("R-")
    subs, diags = report_frames(r)
    text = report_markdown(r, [], package="pkg") + subs.to_csv() + diags.to_csv()
    assert "@x.org" not in text.lower()
