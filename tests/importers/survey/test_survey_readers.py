"""Each tool's reader on a small export made here, in the tool's own shape."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from partner_analytics.importers.survey import read_export


def _csv(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx(tmp_path, name, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def test_a_kobo_csv_is_read_with_semicolons_and_says_repeats_need_the_xlsx(tmp_path):
    text = ('"start";"end";"grp.org";"grp.f601";"_id";"_uuid";"_submission_time";"_validation_status";"_index"\r\n'
            '"2026-01-05T10:00:00";"2026-01-05T10:05:00";"P01";"4";"11";"u-1";"2026-01-05T10:05:01";"";"1"\r\n'
            '"2026-01-06T10:00:00";"2026-01-06T10:05:00";"P02";"5";"12";"u-2";"2026-01-06T10:05:01";'
            '"validation_status_not_approved";"2"\r\n')
    e = read_export(_csv(tmp_path, "kobo.csv", text))
    assert e.tool == "kobo" and e.separator == "."
    assert e.n_submissions == 2 and list(e.submission_id) == ["u-1", "u-2"]
    assert e.flags["not_approved"].tolist() == [False, True]
    assert not e.repeats
    assert any("repeat groups are not in it" in n for n in e.notes)


def test_a_kobo_xlsx_links_repeat_rows_by_submission_uuid_and_falls_back_to_the_id(tmp_path):
    meta = ["_id", "_uuid", "_submission_time", "_index"]
    child = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"]
    path = _xlsx(tmp_path, "k.xlsx", {
        "Survey": [["org", *meta], ["P01", 1, "a", "2026-01-05T10:00:00", 1], ["P02", 2, None, "2026-01-06T10:00:00", 2]],
        "rep": [["rep/who", "rep/power", *child], ["S01", 4, 1, "Survey", 1, 1, "a"], ["S02", 3, 2, "Survey", 2, 2, "b"],
                ["S03", 2, 3, "Survey", 9, 9, "zz"]],
    })
    e = read_export(path)
    rep = e.repeats["rep"]
    assert rep.submission.tolist() == [0, 1, -1]  # by uuid; by _id where the main uuid is empty; none
    assert rep.has_parent.tolist() == [True, True, False]
    assert any(d.kind == "orphan_repeat_row" and d.rows == (4,) for d in e.diagnostics)


def test_a_kobo_xlsx_links_a_repeated_uuid_to_its_first_submission_and_nested_rows_to_their_parent_row(tmp_path):
    meta = ["_id", "_uuid", "_submission_time", "_index"]
    child = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"]
    path = _xlsx(tmp_path, "k.xlsx", {
        "Survey": [["org", *meta], ["P01", 1, "a", "2026-01-05T10:00:00", 1], ["P02", 2, "a", "2026-01-06T10:00:00", 2],
                   ["P03", 3, None, "2026-01-07T10:00:00", 3]],
        "rep": [["rep/who", *child], ["S01", 1, "Survey", 2, 2, "a"], ["S02", 2, "Survey", 3, 3, None],
                ["S03", 3, "Survey", 3, 3, " "], ["S04", 4, None, 1, 1, "a"]],
        "inner": [["rep/inner/x", *child], ["x", 1, "rep", 1, 1, "a"], ["y", 2, "rep", 9, 3, None],
                  ["z", 3, "elsewhere", 1, 1, "a"], ["w", 4, "rep", None, 1, "a"]],
    })
    e = read_export(path)
    rep, inner = e.repeats["rep"], e.repeats["inner"]
    # "a" is the uuid of rows 2 and 3 of the main sheet: the first holds it; no uuid: by _id
    assert rep.submission.tolist() == [0, 2, 2, 0]
    assert rep.has_parent.tolist() == [True, True, True, False]  # no parent table named
    assert inner.submission.tolist() == [0, 2, 0, 0]
    # the parent row must exist in the parent sheet (rep has _index 1..4, not 9)
    assert inner.has_parent.tolist() == [True, False, False, False]
    assert inner.parent == "rep"


def test_a_kobo_xlsx_with_an_hxl_row_and_select_multiple_columns(tmp_path):
    path = _xlsx(tmp_path, "k.xlsx", {"S": [
        ["g/colours", "g/colours/red", "g/colours/blue", "_id", "_uuid", "_submission_time"],
        ["#indicator", "#indicator+red", "#indicator+blue", "", "", ""],
        ["red blue", 1, 1, 5, "u", "2026-02-01T00:00:00"],
    ]})
    e = read_export(path)
    assert e.n_submissions == 1 and list(e.main.rows) == [3]
    assert e.main.columns["g/colours/red"].kind == "option"
    assert e.main.columns["g/colours"].kind == "question"
    assert any("HXL" in n for n in e.notes)


def test_an_odk_central_zip_links_repeat_files_by_parent_key(tmp_path):
    main = ("SubmissionDate,grp-org,grp-f601,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,"
            "AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion\n"
            "2026-01-05T10:00:00.000Z,P01,4,uuid:a,uuid:a,5,x,0,0,,approved,,0,1\n"
            "2026-01-06T10:00:00.000Z,P02,5,uuid:b,uuid:b,5,x,0,0,,rejected,,0,2\n")
    rep = ("stakeholder,power,PARENT_KEY,KEY\n"
           "S01,4,uuid:a,uuid:a/stakeholders[1]\nS02,3,uuid:b,uuid:b/stakeholders[1]\nS09,1,uuid:zz,uuid:zz/stakeholders[1]\n")
    nested = "note,PARENT_KEY,KEY\nhi,uuid:a/stakeholders[1],uuid:a/stakeholders[1]/notes[1]\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("survey.csv", main)
        z.writestr("survey-stakeholders.csv", rep)
        z.writestr("survey-notes.csv", nested)
    path = tmp_path / "survey.zip"
    path.write_bytes(buf.getvalue())
    e = read_export(path)
    assert e.tool == "odk_central" and e.separator == "-"
    assert e.flags["rejected"].tolist() == [False, True]
    assert e.repeats["stakeholders"].submission.tolist() == [0, 1, -1]
    assert e.repeats["notes"].has_parent.tolist() == [True]
    assert any(d.kind == "form_versions" for d in e.diagnostics)


def test_surveycto_is_told_from_odk_by_its_formdef_version(tmp_path):
    text = ("SubmissionDate,org,f601,instanceID,formdef_version,review_status,KEY\n"
            '"Jan 5, 2026 10:01:02 AM",P01,4,uuid:a,2601,approved,uuid:a\n'
            '"Jan 6, 2026 10:01:02 AM",P02,5,uuid:b,2601,rejected,uuid:b\n')
    e = read_export(_csv(tmp_path, "cto.csv", text))
    assert e.tool == "surveycto"
    assert [str(t.date()) for t in e.submitted_at] == ["2026-01-05", "2026-01-06"]
    assert e.flags["rejected"].tolist() == [False, True]


def test_a_google_forms_sheet_csv_reads_grids_as_title_and_row(tmp_path):
    text = ("Timestamp,Email Address,Your organisation,Power [Council cabinet],Power [Repair cafes],Interest [Council cabinet]\n"
            "1/15/2026 10:00:00,a@example.org,Region of Northmark Council,High,Low,Very high\n")
    e = read_export(_csv(tmp_path, "Partnership survey (Responses) - Form responses 1.csv", text))
    assert e.tool == "google_forms" and e.email_column == "Email Address"
    assert e.main.columns["Power [Council cabinet]"].grid == ("Power", "Council cabinet")
    assert str(e.submitted_at[0]) == "2026-01-15 10:00:00"


def test_the_google_forms_page_download_is_recognised_by_its_times(tmp_path):
    text = "Timestamp,Pick days\n2023/11/13 4:20:37 pm CET,Monday;Tuesday\n"
    e = read_export(_csv(tmp_path, "Kobo Test.csv", text))
    assert e.tool == "google_forms"
    assert str(e.submitted_at[0]) == "2023-11-13 16:20:37"
    assert any("Forms page" in n for n in e.notes)


def test_a_microsoft_forms_workbook_with_anonymous_responses(tmp_path):
    path = _xlsx(tmp_path, "ms.xlsx", {"Sheet1": [
        ["ID", "Start time", "Completion time", "Email", "Name", "Organisation", "Pick"],
        [1, "8/20/25 12:50:00", "8/20/25 12:51:45", "anonymous", "anonymous", "P01", "a;b;"],
    ]})
    e = read_export(path)
    assert e.tool == "ms_forms" and list(e.submission_id) == ["1"]
    assert str(e.submitted_at[0]) == "2025-08-20 12:51:45"
    assert any("anonymous" in n for n in e.notes)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_limesurvey_code_headings_and_an_empty_submitdate_marks_an_incomplete_response(tmp_path, sep):
    rows = [["id", "submitdate", "lastpage", "startlanguage", "seed", "org", "Q1[SQ001]", "Q1[SQ002]", "Q1[SQ003]"],
            ["1", "2026-01-05 10:00:00", "3", "en", "9", "P01", "A4", "A5", "A3"],
            ["2", "", "1", "en", "8", "P02", "A1", "", ""]]
    e = read_export(_csv(tmp_path, "lime.csv", "\n".join(sep.join(r) for r in rows) + "\n"))
    assert e.tool == "limesurvey"
    assert e.flags["incomplete"].tolist() == [False, True]
    assert e.main.columns["Q1[SQ002]"].grid == ("Q1", "SQ002")
    assert e.progress.tolist() == [3.0, 1.0]


def test_limesurvey_text_headings_are_recognised_by_their_meta_texts(tmp_path):
    text = ("Response ID,Date submitted,Last page,Start language,Seed,Trust [Council],Trust [Cafes]\n"
            "1,2026-01-05 10:00:00,2,en,5,A great deal,Not at all\n")
    e = read_export(_csv(tmp_path, "lime.csv", text))
    assert e.tool == "limesurvey"
    assert e.main.columns["Response ID"].role == "submission_id"


QUALTRICS = (
    "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,"
    "DistributionChannel,UserLanguage,Q1,Q5_1,Q5_2\n"
    "Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,Recorded Date,Response ID,"
    "Distribution Channel,User Language,Your organisation,How much do you trust - Council,How much do you trust - Cafes\n"
    + ",".join(f'"{{""ImportId"":""{i}""}}"' for i in ["startDate", "endDate", "status", "ipAddress", "progress",
               "duration", "finished", "recordedDate", "_recordId", "distributionChannel", "userLanguage", "QID1",
               "QID5_1", "QID5_2"]) + "\n"
    "2026-01-05 10:00:00,2026-01-05 10:05:00,IP Address,1.2.3.4,100,300,True,2026-01-05 10:05:00,R_1,anonymous,EN,P01,4,3\n"
    "2026-01-05 11:00:00,2026-01-05 11:05:00,Survey Preview,,100,300,True,2026-01-05 11:05:00,R_2,preview,EN,P01,4,3\n"
    "2026-01-05 12:00:00,2026-01-05 12:05:00,Survey Test,,100,300,True,2026-01-05 12:05:00,R_3,test,EN,P02,1,1\n"
    "2026-01-05 13:00:00,2026-01-05 13:05:00,IP Address,1.2.3.5,40,30,False,2026-01-12 13:05:00,R_4,anonymous,EN,P03,,\n"
)


def test_qualtrics_three_rows_mark_preview_test_and_unfinished_responses(tmp_path):
    e = read_export(_csv(tmp_path, "q.csv", QUALTRICS))
    assert e.tool == "qualtrics"
    assert e.flags["preview"].tolist() == [False, True, False, False]
    assert e.flags["test"].tolist() == [False, False, True, False]
    assert e.flags["incomplete"].tolist() == [False, False, False, True]
    assert e.progress.tolist() == [100, 100, 100, 40]
    assert e.main.columns["Q5_1"].grid == ("How much do you trust", "Council")
    assert list(e.main.rows) == [4, 5, 6, 7]


def test_the_legacy_two_row_qualtrics_export(tmp_path):
    text = ("V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1\n"
            "ResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,IPAddress,Status,StartDate,EndDate,Finished,Org\n"
            "R_1,Default,Anonymous,,,1.2.3.4,0,2016-01-05 10:00:00,2016-01-05 10:05:00,1,P01\n"
            "R_2,Default,Anonymous,,,1.2.3.4,1,2016-01-05 11:00:00,2016-01-05 11:05:00,1,P02\n")
    e = read_export(_csv(tmp_path, "legacy.csv", text))
    assert e.tool == "qualtrics"
    assert list(e.submission_id) == ["R_1", "R_2"]
    assert e.flags["preview"].tolist() == [False, True]
    assert any("legacy" in n for n in e.notes)


SURVEYMONKEY = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
     "Last Name", "Custom Data 1", "Your organisation", "Trust in each partner", None],
    [None, None, None, None, None, None, None, None, None, "Response", "Council", "Repair cafes"],
    [1101, 501, "01/05/2026 10:00:00 AM", "01/05/2026 10:05:00 AM", "1.2.3.4", None, None, None, None, "P01",
     "A great deal", "Not at all"],
    [1102, 999, "01/06/2026 10:00:00 AM", "01/06/2026 10:05:00 AM", "1.2.3.4", None, None, None, None, "P02",
     "A fair amount", "A small amount"],
]


def test_surveymonkey_two_header_rows_name_grid_columns_question_and_row(tmp_path):
    e = read_export(_xlsx(tmp_path, "sm.xlsx", {"Sheet": SURVEYMONKEY}))
    assert e.tool == "surveymonkey"
    assert "Your organisation" in e.main.columns
    assert e.main.columns["Trust in each partner [Repair cafes]"].grid == ("Trust in each partner", "Repair cafes")
    assert e.collector.tolist() == ["501", "999"]
    assert list(e.submission_id) == ["1101", "1102"]
    assert str(e.submitted_at[0]) == "2026-01-05 10:05:00"


def test_surveymonkey_cleaned_in_excel_keeps_one_header_row(tmp_path):
    rows = [r[:] for r in SURVEYMONKEY]
    rows[0][11] = "Column12"
    del rows[1]
    e = read_export(_xlsx(tmp_path, "sm.xlsx", {"Sheet": rows}))
    assert e.tool == "surveymonkey" and e.n_submissions == 2
    assert any(d.kind == "edited_header" and d.column == "Column12" for d in e.diagnostics)
    assert any("cleaning the export in Excel" in n for n in e.notes)


def test_a_generic_wide_table_finds_its_id_and_date_columns(tmp_path):
    text = "Response ID,Date,Organisation,Q601\n7,2026-02-03,P01,4\n8,2026-02-04,P02,5\n"
    e = read_export(_csv(tmp_path, "wide.csv", text))
    assert e.tool == "generic"
    assert list(e.submission_id) == ["7", "8"]
    assert [str(t.date()) for t in e.submitted_at] == ["2026-02-03", "2026-02-04"]


def test_an_spss_file_reads_value_labels_as_answers(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat", reason="pyreadstat (the survey extra) is not installed")
    import pandas as pd

    frame = pd.DataFrame({"ResponseId": ["R_1", "R_2"], "Status": [0.0, 1.0], "Finished": [1.0, 1.0],
                          "RecordedDate": ["2026-01-05 10:00:00", "2026-01-06 10:00:00"], "Q1": [4.0, 5.0]})
    path = tmp_path / "q.sav"
    pyreadstat.write_sav(frame, str(path), column_labels={"Q1": "Joint objectives"},
                         variable_value_labels={"Q1": {4.0: "Agree", 5.0: "Strongly agree"}})
    e = read_export(path)
    assert e.tool == "qualtrics"
    assert e.main.frame["Q1"].tolist() == ["Agree", "Strongly agree"]
    assert e.main.columns["Q1"].text == "Joint objectives"
    assert e.flags["preview"].tolist() == [False, True]


def test_typed_times_dates_serials_and_text_are_read_as_each_alone():
    from datetime import date, datetime, timedelta, timezone

    import pandas as pd

    from partner_analytics.importers.survey.readers.common import parse_datetimes

    cells = [datetime(2026, 1, 5, 10, 0, 0, 123456), datetime(1678, 1, 1), datetime(2261, 12, 31, 23, 59, 59, 999999),
             datetime(2026, 1, 5, 12, 0, tzinfo=timezone(timedelta(hours=2))), pd.Timestamp("2025-03-01 08:00"),
             date(2024, 2, 29), 45000.5, "2026-02-01T09:00:00Z", None, "", datetime(2026, 1, 5, 10, 0, 0, 123456)]
    times, note = parse_datetimes(cells)
    assert note is None
    assert [str(t) for t in times] == [
        "2026-01-05 10:00:00.123456", "1678-01-01 00:00:00", "2261-12-31 23:59:59.999999", "2026-01-05 10:00:00",
        "2025-03-01 08:00:00", "2024-02-29 00:00:00", "2023-03-15 12:00:00", "2026-02-01 09:00:00", "NaT", "NaT",
        "2026-01-05 10:00:00.123456",
    ]
    assert times.dtype == "datetime64[ns]"
