"""The actions table: its columns, the rules between its fields and its source references.

Every bad row is reported with its file, row (as a spreadsheet shows it), column, the value
as written and what was expected; the expected rows are written out here by hand.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from partner_analytics import ValidationError, load_partnership
from partner_analytics.data.store import import_package

TODAY = date(2030, 1, 1)

PARTNERS = "partner_id,name,sector\nA,Alpha Council,public\nB,Beta Ltd,private\n"
COMMITMENTS = (
    "commitment_id,partner_id,description,due_date,completed_date,status\n"
    "k1,A,Open the depot,2022-10-01,,open\n"
)
HEADER = "action_id,title,owner_partner_id,raised,due_date,status,completed_date,source_kind,source_id,note\n"


def _package(root: Path, actions: str, **more: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "partners.csv").write_text(PARTNERS, encoding="utf-8")
    (root / "commitments.csv").write_text(COMMITMENTS, encoding="utf-8")
    (root / "actions.csv").write_text(HEADER + actions, encoding="utf-8")
    for name, text in more.items():
        (root / f"{name}.csv").write_text(text, encoding="utf-8")
    return root


def _rows(problems: pd.DataFrame) -> list[tuple]:
    """(severity, rule, table, file name, row, column, value or None, message) per problem."""

    def text(v):
        return None if v is None or pd.isna(v) or v in ("nan", "None") else str(v)

    return [
        (
            r.severity,
            r.rule,
            r.table,
            Path(r.file).name,
            int(r.row),
            text(r.column),
            text(r.value),
            r.message,
        )
        for r in problems.itertuples(index=False)
    ]


def test_a_valid_actions_table_loads_with_its_dates_and_plain_statuses(tmp_path):
    root = _package(
        tmp_path / "ok",
        "a1,Agree a recovery plan,A,2022-10-05,2022-11-30,In progress,,commitment,k1,\n"
        "a2,Meet the operator,B,2022-10-05,2022-10-31,done,2022-10-20,,,\n"
        "a3,Hold a workshop,A,2022-10-05,2022-12-15,dropped,2022-11-02,factor,601,packaged factor\n"
        "a4,Review the checklist,A,2022-10-05,2022-12-15,,,readiness,shared_vision,\n",
    )
    p = load_partnership(root, today=TODAY)
    assert p.problems.empty, p.problems.to_string()
    a = p.actions.set_index("action_id")
    assert list(a["status"]) == ["in_progress", "done", "dropped", "open"]  # the default: open
    assert a.loc["a2", "completed_date"] == pd.Timestamp("2022-10-20")
    assert a["raised"].dtype == "datetime64[ns]"


def test_bad_action_rows_name_file_row_column_value_and_what_was_expected(tmp_path):
    root = _package(
        tmp_path / "bad",
        # row 2: an owner that is not a partner
        "a1,Agree a plan,Z,2022-10-05,2022-11-30,open,,,,\n"
        # row 3: due before raised
        "a2,Hold a workshop,A,2022-10-05,2022-10-01,open,,,,\n"
        # row 4: done without a completion date
        "a3,Meet the operator,A,2022-10-05,2022-10-31,done,,,,\n"
        # row 5: completed before raised
        "a4,Write the brief,A,2022-10-05,2022-10-31,done,2022-09-30,,,\n"
        # row 6: a status and a source kind that are not allowed
        "a5,Call the fund,B,2022-10-05,2022-10-31,finished,,partner,B,\n"
        # row 7: a source_id without its kind
        "a6,Check the data,B,2022-10-05,2022-10-31,open,,,k1,\n"
        # row 8: a commitment that does not exist; row 9: an indicator table the package lacks
        "a7,Chase the pilot,A,2022-10-05,2022-10-31,open,,commitment,k9,\n"
        "a8,Review the trend,A,2022-10-05,2022-10-31,open,,indicator,I1,\n"
        # row 10: a readiness element not on the packaged checklist
        "a9,Set up a board,A,2022-10-05,2022-10-31,open,,readiness,board,\n"
        # row 11: the same action_id again
        "a9,Set up a board,A,2022-10-05,2022-10-31,open,,,,\n",
    )
    with pytest.raises(ValidationError) as caught:
        load_partnership(root, today=TODAY)
    got = [r for r in _rows(caught.value.problems) if r[0] == "error"]
    kinds = "indicator, commitment, factor, stakeholder, contribution, readiness, other"
    assert sorted(got, key=lambda r: (r[4], r[5])) == sorted(
        [
            ("error", "unknown_key", "actions", "actions.csv", 2, "owner_partner_id", "Z",
             "unknown owner_partner_id 'Z': not found in table partners"),
            ("error", "inconsistent", "actions", "actions.csv", 3, "due_date", "2022-10-01",
             "'2022-10-01' is before the raised date: expected due_date >= raised"),
            ("error", "required", "actions", "actions.csv", 4, "completed_date", None,
             "status is done: a completed_date is required (the day the action was done)"),
            ("error", "inconsistent", "actions", "actions.csv", 5, "completed_date", "2022-09-30",
             "'2022-09-30' is before the raised date: expected completed_date >= raised"),
            ("error", "not_allowed", "actions", "actions.csv", 6, "status", "finished",
             "'finished' is not allowed: expected one of open, in_progress, done, dropped"),
            ("error", "not_allowed", "actions", "actions.csv", 6, "source_kind", "partner",
             f"'partner' is not allowed: expected one of {kinds}"),
            ("error", "required", "actions", "actions.csv", 7, "source_kind", None,
             f"a source_kind is required when a source_id is given: one of {kinds}"),
            ("error", "unknown_key", "actions", "actions.csv", 8, "source_id", "k9",
             "unknown source_id 'k9': not found in table commitments (source_kind commitment)"),
            ("error", "unknown_key", "actions", "actions.csv", 9, "source_id", "I1",
             ("unknown source_id 'I1': not found in the package, which has no indicators table "
              "(source_kind indicator)")),
            ("error", "unknown_key", "actions", "actions.csv", 10, "source_id", "board",
             "unknown source_id 'board': not found in the readiness checklist (source_kind readiness)"),
            ("error", "duplicate_key", "actions", "actions.csv", 11, "action_id", "a9",
             "duplicate key action_id 'a9': already on row 10; expected one row per action_id"),
        ],
        key=lambda r: (r[4], r[5]),
    )  # fmt: skip


def test_a_completion_date_on_an_open_action_and_a_kind_without_an_id_are_warnings(tmp_path):
    root = _package(
        tmp_path / "warn",
        "a1,Agree a plan,A,2022-10-05,2022-11-30,open,2022-11-02,,,\n"
        "a2,Review the indicators,A,2022-10-05,2022-11-30,in_progress,,indicator,,\n"
        "a3,Anything else,A,2022-10-05,2022-11-30,open,,other,,\n",
    )
    p = load_partnership(root, today=TODAY)  # warnings never block loading
    assert _rows(p.problems) == [
        ("warning", "inconsistent", "actions", "actions.csv", 2, "completed_date", "2022-11-02",
         ("'2022-11-02' is given but the status is not done: the action counts as not done "
          "(set status done, or leave completed_date empty)")),
        ("warning", "required", "actions", "actions.csv", 3, "source_id", None,
         ("source_kind is given but source_id is empty: the action cannot be linked to what it "
          "responds to")),
    ]  # fmt: skip


def test_a_raised_date_after_the_validation_day_is_a_future_date_warning(tmp_path):
    root = _package(tmp_path / "future", "a1,Agree a plan,A,2031-01-05,2031-02-28,open,,,,\n")
    p = load_partnership(root, today=TODAY)
    assert _rows(p.problems) == [
        ("warning", "future_date", "actions", "actions.csv", 2, "raised", "2031-01-05",
         "'2031-01-05' lies in the future (after 2030-01-01)"),
    ]  # fmt: skip


def test_sources_are_looked_up_in_the_packaged_factor_set_and_in_the_packages_own_table(tmp_path):
    actions = "a1,Hold a workshop,A,2022-10-05,2022-12-15,open,,factor,601,\n"
    p = load_partnership(_package(tmp_path / "packaged", actions), today=TODAY)
    assert p.problems.empty  # 601 is a factor of the packaged mutuality set
    own = "factor_code,factor,weight\nF1,Trust,100\n"
    with pytest.raises(ValidationError) as caught:
        load_partnership(_package(tmp_path / "own", actions, factors=own), today=TODAY)
    (row,) = _rows(caught.value.problems)
    assert row[1:] == ("unknown_key", "actions", "actions.csv", 2, "source_id", "601",
                       "unknown source_id '601': not found in table factors (source_kind factor)")  # fmt: skip


def test_an_action_naming_a_rejected_commitment_is_rejected_with_it(tmp_path):
    root = _package(
        tmp_path / "parent",
        "a1,Chase the depot,A,2022-10-05,2022-11-30,open,,commitment,k2,\n"
        "a2,Another one,A,2022-10-05,2022-11-30,open,,commitment,k1,\n",
    )
    # k2 names a partner that does not exist: its row is rejected, and so is a1
    (root / "commitments.csv").write_text(
        COMMITMENTS + "k2,Q,Hire a manager,2022-11-01,,open\n", encoding="utf-8"
    )
    p = load_partnership(root, drop_invalid=True, today=TODAY)
    assert list(p.actions["action_id"]) == ["a2"]
    rejected = p.rejected[p.rejected["table"] == "actions"]
    assert list(rejected["row"]) == [2]
    assert "whose row in commitments was rejected" in rejected["reason"].iloc[0]
    rules = set(p.problems.loc[p.problems["table"] == "actions", "rule"])
    assert rules == {"rejected_parent"}


def test_a_store_checks_new_actions_against_the_commitments_it_already_holds(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    (first / "partners.csv").write_text(PARTNERS, encoding="utf-8")
    (first / "commitments.csv").write_text(COMMITMENTS, encoding="utf-8")
    db = tmp_path / "p.duckdb"
    import_package(first, db, today=TODAY)
    later = tmp_path / "later"
    later.mkdir()
    (later / "actions.csv").write_text(
        HEADER + "a1,Agree a plan,A,2022-10-05,2022-11-30,open,,commitment,k1,\n", encoding="utf-8"
    )
    import_package(later, db, today=TODAY)  # k1 is in the store: no unknown key
    p = load_partnership(db, today=TODAY)
    assert list(p.actions["source_id"]) == ["k1"]
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / "actions.csv").write_text(
        HEADER + "a2,Chase it,A,2022-10-05,2022-11-30,open,,commitment,k7,\n", encoding="utf-8"
    )
    result = import_package(wrong, db, today=TODAY)  # a store keeps a bad row as rejected
    (row,) = _rows(result.problems)
    assert row[1:7] == ("unknown_key", "actions", "actions.csv", 2, "source_id", "k7")
    assert list(load_partnership(db, today=TODAY).actions["action_id"]) == ["a1"]
