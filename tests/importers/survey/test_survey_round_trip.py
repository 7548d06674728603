"""The round trip: the sample's form -> an export in Kobo's XLSX shape -> import -> the answers."""

from __future__ import annotations

import shutil
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from kobo_shape import form_paths, kobo_xlsx

from partner_analytics import load_partnership
from partner_analytics.importers.survey import import_survey

STAKEHOLDER_FIELDS = ("power", "interest", "legitimacy", "urgency", "support")
PARTNER_FIELDS = ("level", "trust_openness", "trust_reliability", "trust_mission",
                  "value_power", "value_resources", "value_involvement")


def _answers(form, seed=7):
    """Submissions answering the form, and the long tables they must give."""
    rng = np.random.default_rng(seed)
    main_cols, _ = form_paths(form)
    factor_cols = [c for c in main_cols if c.startswith("factors/")]
    partners = [f"P{i:02d}" for i in range(1, 21)]  # the sample's active partners
    stakeholders = [f"S{i:02d}" for i in range(1, 34)]
    subs, exp_a, exp_s, exp_r = [], [], [], []
    k = 0
    for wave, month in (("2026-Q1", 2), ("2026-Q2", 5)):
        orgs = rng.choice(partners, size=6, replace=False)
        for j, org in enumerate(orgs):
            k += 1
            uid = f"00000000-0000-0000-0000-{k:012d}"
            answers = {"about/organisation": str(org)}
            for col in factor_cols:
                v = rng.choice(["1", "2", "3", "4", "5", "dk", None])
                answers[col] = v
                if v not in ("dk", None):
                    exp_a.append((wave, uid, str(org), col.split("_", 1)[1], float(v)))
            srows = []
            for sid in rng.choice(stakeholders, size=3, replace=False):
                row = {"stakeholders/stakeholder": str(sid)}
                for f in STAKEHOLDER_FIELDS:
                    row[f"stakeholders/{f}"] = str(rng.integers(1, 6))
                srows.append(row)
                exp_s.append((wave, uid, str(sid), *[
                    float(row[f"stakeholders/{f}"]) - (3 if f == "support" else 0) for f in STAKEHOLDER_FIELDS]))
            prows = []
            for pid in rng.choice([x for x in partners if x != org], size=2, replace=False):
                row = {"partners/partner": str(pid), "partners/level": str(rng.integers(0, 6))}
                for f in PARTNER_FIELDS[1:]:
                    row[f"partners/{f}"] = rng.choice(["1", "2", "3", "4", "dk"])
                prows.append(row)
                exp_r.append((wave, str(org), str(pid), *[
                    np.nan if row[f"partners/{f}"] == "dk" else float(row[f"partners/{f}"]) for f in PARTNER_FIELDS]))
            subs.append({"time": datetime(2026, month, 1 + j, 9, 30), "uuid": uid, "answers": answers,
                         "repeats": {"stakeholders": srows, "partners": prows}})
    a = pd.DataFrame(exp_a, columns=["wave", "respondent_id", "partner_id", "factor_code", "score"])
    s = pd.DataFrame(exp_s, columns=["wave", "rater_id", "stakeholder_id", *STAKEHOLDER_FIELDS])
    r = pd.DataFrame(exp_r, columns=["wave", "respondent_partner_id", "partner_id", *PARTNER_FIELDS])
    return subs, {"assessments": a, "stakeholder_ratings": s, "relationships": r}


def _same(got: pd.DataFrame, want: pd.DataFrame, key: list[str]) -> None:
    got = got[list(want.columns)].sort_values(key).reset_index(drop=True)
    want = want.sort_values(key).reset_index(drop=True)
    for c in want.columns:
        if want[c].dtype.kind == "f":
            np.testing.assert_array_equal(got[c].to_numpy(dtype=float), want[c].to_numpy(dtype=float), err_msg=c)
        else:
            assert got[c].astype(str).tolist() == want[c].astype(str).tolist(), c


@pytest.mark.parametrize("sep", ["/", "."])
def test_an_export_of_the_sample_form_imports_as_the_answers_put_in(sample_form, package, tmp_path, sep):
    form, mapping = sample_form
    subs, want = _answers(form)
    export = kobo_xlsx(form, subs, tmp_path / "export.xlsx", sep=sep)
    outcome = import_survey(export, mapping, package)
    assert outcome.result.counts() == {"accepted": 12, "excluded": 0, "rejected": 0}
    p = load_partnership(package)
    _same(p.table("assessments"), want["assessments"], ["wave", "respondent_id", "factor_code"])
    _same(p.table("stakeholder_ratings"), want["stakeholder_ratings"], ["wave", "rater_id", "stakeholder_id"])
    _same(p.table("relationships"), want["relationships"], ["wave", "respondent_partner_id", "partner_id"])
    files = sorted(f.relative_to(package).as_posix() for f in package.rglob("*.csv") if "_survey" not in f.parts)
    assert "assessments/2026-Q1-circular-region-partnership-survey.csv" in files


def test_importing_the_same_export_twice_changes_nothing(sample_form, package, tmp_path):
    form, mapping = sample_form
    subs, _ = _answers(form)
    export = kobo_xlsx(form, subs, tmp_path / "export.xlsx")
    import_survey(export, mapping, package)
    before = {f: f.read_bytes() for f in package.rglob("*") if f.is_file()}
    again = import_survey(export, mapping, package)
    after = {f: f.read_bytes() for f in package.rglob("*") if f.is_file()}
    assert not again.written.changed
    assert before == after
    assert {what for _, what, _ in again.written.files} == {"unchanged"}


def test_the_store_option_appends_the_imported_tables_to_a_store(sample_form, package, tmp_path):
    form, mapping = sample_form
    subs, want = _answers(form)
    export = kobo_xlsx(form, subs, tmp_path / "export.xlsx")
    outcome = import_survey(export, mapping, package, store=tmp_path / "s.duckdb")
    assert outcome.written.store.rows_rejected == 0
    stored = load_partnership(tmp_path / "s.duckdb")
    assert len(stored.assessments) == len(want["assessments"])
    assert len(stored.relationships) == len(want["relationships"])


def _same_partnership(got, want) -> None:
    assert got.tables.keys() == want.tables.keys()
    for name in want.tables:
        pd.testing.assert_frame_equal(got.tables[name], want.tables[name], check_exact=True, obj=name)
    pd.testing.assert_frame_equal(got.problems, want.problems, check_exact=True)
    pd.testing.assert_frame_equal(got.rejected, want.rejected, check_exact=True)


def test_an_import_is_validated_as_loading_the_package_validates_it(sample_form, package, tmp_path):
    form, mapping = sample_form
    subs, _ = _answers(form)
    export = kobo_xlsx(form, subs, tmp_path / "export.xlsx")
    outcome = import_survey(export, mapping, package)
    _same_partnership(outcome.written.partnership, load_partnership(package))
    again = import_survey(export, mapping, package)  # the files are there, unchanged
    _same_partnership(again.written.partnership, load_partnership(package))


def test_an_import_clashing_with_the_package_is_put_back_with_the_errors_loading_gives(
    sample_form, package, tmp_path, monkeypatch
):
    from partner_analytics import ValidationError
    from partner_analytics.importers.survey import package as writing

    form, mapping = sample_form
    subs, _ = _answers(form)
    export = kobo_xlsx(form, subs, tmp_path / "export.xlsx")
    import_survey(export, mapping, package)
    other = tmp_path / "other.mapping.yml"  # the same answers under another name: duplicate keys
    other.write_text(mapping.read_text(encoding="utf-8").replace("source: \"", "source: \"again-"), encoding="utf-8")
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    before = {f: f.read_bytes() for f in package.rglob("*") if f.is_file()}
    with pytest.raises(ValidationError) as got:
        import_survey(export, other, package)
    assert {f: f.read_bytes() for f in package.rglob("*") if f.is_file()} == before
    monkeypatch.setattr(writing, "_validate", lambda folder, plan: load_partnership(folder))
    with pytest.raises(ValidationError) as loaded:
        import_survey(export, other, copy)
    assert (got.value.problems["rule"] == "duplicate_key").any()
    pd.testing.assert_frame_equal(got.value.problems, loaded.value.problems, check_exact=True)
