"""Reading only what the user named, safely; the XLSForm and its mapping; the commands."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from partner_analytics.cli import app
from partner_analytics.errors import InputFileError
from partner_analytics.importers.survey import detect_export, read_export, write_form


def test_a_symbolic_link_is_refused_not_followed(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("a,b\n1,2\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    os.symlink(target, link)
    with pytest.raises(InputFileError, match="symbolic link"):
        read_export(link)


def test_a_workbook_that_would_unpack_to_an_absurd_size_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024**2))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputFileError, match="zip bomb"):
        read_export(path)


def test_an_odk_zip_is_read_in_memory_and_a_linked_member_is_refused(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("survey.csv", "SubmissionDate,org,KEY\n2026-01-05T10:00:00Z,P01,uuid:a\n")
        info = zipfile.ZipInfo("../../etc/passwd.csv")
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "x")
    path = tmp_path / "s.zip"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputFileError, match="symbolic link"):
        read_export(path)
    assert not (tmp_path.parent / "etc").exists()


def test_a_damaged_workbook_gets_a_clear_message(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputFileError, match="bad.xlsx"):
        read_export(path)


def test_the_form_offers_active_partners_and_converts_with_pyxform(sample_form):
    form, mapping = sample_form
    wb = openpyxl.load_workbook(form, read_only=True)
    choices = list(wb["choices"].iter_rows(values_only=True))
    assert choices[0] == ("list_name", "name", "label::English (en)", "label::Français (fr)")
    partners = {r[1] for r in choices if r[0] == "partners"}
    assert "P01" in partners and "P21" not in partners  # P21 is a candidate
    assert ("agree5", "5", "Strongly agree", "Tout à fait d'accord") in choices
    assert mapping.read_text(encoding="utf-8").count("factor_code") == 16
    pyxform = pytest.importorskip("pyxform.xls2xform", reason="pyxform (the survey extra) is not installed")
    result = pyxform.convert(xlsform=str(form))
    assert "<h:html" in result.xform
    assert not result.warnings


def test_the_form_takes_six_languages_and_a_fixed_wave(tmp_path, sample):
    from partner_analytics.importers.survey.mapping import load_mapping

    form, mapping = write_form(sample, tmp_path / "f.xlsx", languages=["en", "fr", "es", "pt", "de", "nb"],
                               respondent="email", wave="2026-q3")
    head = next(openpyxl.load_workbook(form, read_only=True)["survey"].iter_rows(values_only=True))
    assert [h for h in head if str(h).startswith("label::")] == [
        "label::English (en)", "label::Français (fr)", "label::Español (es)", "label::Português (pt)",
        "label::Deutsch (de)", "label::Norsk bokmål (nb)"]
    m = load_mapping(mapping)
    assert m.wave_value == "2026-Q3" and m.respondent_column == "about/email"


def test_detect_drafts_a_mapping_that_the_import_refuses_until_reviewed(sample_form, package, tmp_path):
    from datetime import datetime

    from kobo_shape import kobo_xlsx

    from partner_analytics.importers.survey import import_survey

    form, _ = sample_form
    subs = [{"time": datetime(2026, 2, k, 9), "answers": {"about/organisation": f"P0{k}", "factors/f_601": "4"},
             "repeats": {}} for k in range(1, 4)]
    export = kobo_xlsx(form, subs, tmp_path / "e.xlsx")
    result = detect_export(export, package=package, form=form, out=tmp_path / "m.yml")
    assert result.lines[0] == "tool: kobo"
    text = (tmp_path / "m.yml").read_text(encoding="utf-8")
    assert "draft: true" in text and "# review" in text and '"factors/f_601"' in text
    with pytest.raises(InputFileError, match="draft"):
        import_survey(export, tmp_path / "m.yml", package)
    (tmp_path / "m.yml").write_text(text.replace("draft: true", ""), encoding="utf-8")
    outcome = import_survey(export, tmp_path / "m.yml", package)
    assert outcome.result.counts()["accepted"] == 3


def test_the_survey_commands(sample_form, package, tmp_path):
    from datetime import datetime

    from kobo_shape import kobo_xlsx

    form, mapping = sample_form
    subs = [{"time": datetime(2026, 2, k, 9), "answers": {"about/organisation": f"P0{k}", "factors/f_601": "4"},
             "repeats": {}} for k in range(1, 4)]
    export = kobo_xlsx(form, subs, tmp_path / "e.xlsx")
    runner = CliRunner()
    res = runner.invoke(app, ["survey", "detect", str(export), "--package", str(package)])
    assert res.exit_code == 0 and res.stdout.splitlines()[0] == "tool: kobo"
    res = runner.invoke(app, ["survey", "import", str(export), "--mapping", str(mapping), "--into", str(package)])
    assert res.exit_code == 0, res.stdout
    assert "3 submission(s) in = 3 accepted + 0 excluded + 0 rejected" in res.stdout
    res = runner.invoke(app, ["survey", "import", str(export), "--mapping", str(tmp_path / "none.yml"), "--into", str(package)])
    assert res.exit_code != 0
    res = runner.invoke(app, ["survey", "form", str(package), "--out", str(tmp_path / "f.xlsx"), "--lang", "en,xx"])
    assert res.exit_code == 2 and "xx" in res.stderr
    res = runner.invoke(app, ["survey", "form", str(package), "--out", str(tmp_path / "f.xlsx"), "--lang", "en,nb"])
    assert res.exit_code == 0 and (tmp_path / "f.mapping.yml").is_file()


def test_a_draft_made_with_the_form_reads_support_choices_through_their_labels(sample_form, package, tmp_path):
    from datetime import datetime

    from kobo_shape import kobo_xlsx

    from partner_analytics.importers.survey import import_survey

    form, _ = sample_form
    subs = [{"time": datetime(2026, 2, k, 9), "answers": {"about/organisation": f"P0{k}", "factors/f_601": "4"},
             "repeats": {"stakeholders": [{"stakeholders/stakeholder": "S01", "stakeholders/power": "4",
                                           "stakeholders/interest": "2", "stakeholders/support": "1"}]}}
            for k in range(1, 4)]
    export = kobo_xlsx(form, subs, tmp_path / "e.xlsx")
    detect_export(export, package=package, form=form, out=tmp_path / "m.yml")
    text = (tmp_path / "m.yml").read_text(encoding="utf-8").replace("draft: true", "")
    (tmp_path / "m.yml").write_text(text, encoding="utf-8")
    ratings = import_survey(export, tmp_path / "m.yml", package).result.tables["stakeholder_ratings"]
    assert ratings["support"].tolist() == [-2.0, -2.0, -2.0]
