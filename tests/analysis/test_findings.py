"""Findings and what a package's errors cost, on the tiny partnership (worked out by hand in
tests/tiny_partnership.py): report day 2022-12-31, compared with 2022-09-30."""

from __future__ import annotations

import pandas as pd
import pytest
from tiny_partnership import TODAY, tiny_tables

from partner_analytics import Partnership
from partner_analytics.analysis.findings import FINDING_COLUMNS, findings, top_findings
from partner_analytics.analysis.quality import DROPPED_COLUMNS, dropped_rows

AS_OF = "2022-12-31"


@pytest.fixture(scope="module")
def found(tiny):
    return findings(tiny, as_of=AS_OF).set_index("rule")


def test_findings_have_the_promised_columns_and_name_the_item_each_is_about(tiny, found):
    assert [*findings(tiny, as_of=AS_OF).columns] == FINDING_COLUMNS
    assert found.loc["indicators_deteriorated", ["source_kind", "source_id", "name"]].tolist() == [
        "indicator", "I1", "Recycling",
    ]  # fmt: skip
    assert found.loc["overdue_by_partner", ["source_kind", "source_id"]].tolist() == [
        "partner",
        "A",
    ]
    assert found.loc["contested_stakeholders", ["source_kind", "name"]].tolist() == [
        "stakeholder", "Residents",
    ]  # fmt: skip
    assert found.loc["perception_gaps", ["source_kind", "source_id"]].tolist() == ["factor", "601"]
    assert found.loc["follow_through", ["source_kind", "source_id"]].tolist() == [
        "headline", "follow_through",
    ]  # fmt: skip


def test_each_value_and_its_change_are_the_hand_computed_ones(found):
    # Recycling: on track before (score 5), deteriorating now (score -5): a change of 10 on
    # the 10-point scale
    r = found.loc["indicators_deteriorated"]
    assert (r["value"], r["previous_value"], r["size"]) == (-5.0, 5.0, 1.0)
    # Alpha: 2 overdue of the 3 commitments due, none overdue on 2022-09-30
    r = found.loc["overdue_by_partner"]
    assert (r["value"], r["previous_value"]) == (2.0, 0.0)
    assert r["size"] == pytest.approx(2 / 3)
    # Residents: power 1, 5, 3 -> means (3, 4), manage closely; the rater at power 1 puts
    # them elsewhere: 1 of 3 apart; in 2022-Q3 all three agreed
    r = found.loc["contested_stakeholders"]
    assert r["value"] == pytest.approx(1 / 3) and r["previous_value"] == 0.0
    # the gap 14/3 - 10/3 on the 1..5 scale; no earlier wave to compare with: size 0
    r = found.loc["perception_gaps"]
    assert r["value"] == pytest.approx(4 / 3) and pd.isna(r["previous_value"]) and r["size"] == 0
    assert r["level"] == pytest.approx((4 / 3) / 4)
    # follow-through 1 of 3 on time against 1 of 1: down 66.7 points, watched
    r = found.loc["follow_through"]
    assert r["severity"] == "watch"
    assert r["change"] == pytest.approx(100 / 3 - 100) and r["size"] == pytest.approx(2 / 3)


def test_findings_are_ranked_by_severity_then_size_of_change(found):
    ranked = found.reset_index().sort_values("rank")
    order = {"alert": 0, "watch": 1, "good": 2, "info": 3}
    sev = ranked["severity"].map(order).tolist()
    assert sev == sorted(sev)
    alerts = ranked[ranked["severity"] == "alert"]
    assert alerts["size"].tolist() == sorted(alerts["size"], reverse=True)
    assert alerts["rule"].tolist()[:3] == [
        "indicators_deteriorated", "overdue_by_partner", "contested_stakeholders",
    ]  # fmt: skip


def test_the_executive_summary_takes_the_first_of_each_rule_three_to_five(tiny):
    f = findings(tiny, as_of=AS_OF)
    top = top_findings(f)
    assert 3 <= len(top) <= 5
    assert top["rule"].is_unique
    assert top["rank"].tolist() == sorted(top["rank"])
    assert set(top["severity"]) <= {"alert", "watch"}


def test_with_little_to_say_good_news_and_information_fill_up_to_three(partners_only):
    top = top_findings(findings(partners_only, as_of=AS_OF))
    # a partners-only package: the partner count, and no civil-society partner (watch)
    assert top["rule"].tolist() == ["public_private_only", "partners"]


def test_a_suppressed_cell_is_never_a_finding(tiny):
    # with min_n = 4 no stakeholder and no factor has enough raters or respondents
    f = findings(tiny, as_of=AS_OF, min_n=4)
    assert not f["rule"].isin(["contested_stakeholders", "perception_gaps"]).any()


def test_rows_dropped_for_errors_are_counted_per_table_with_what_they_feed():
    tables = tiny_tables()
    c = tables["commitments"].copy()
    c.loc[0, "partner_id"] = "Z"  # an unknown partner: the row is rejected
    tables["commitments"] = c
    p = Partnership.from_frames(today=TODAY, drop_invalid=True, **tables)
    d = dropped_rows(p)
    assert [*d.columns] == DROPPED_COLUMNS
    row = d.set_index("table").loc["commitments"]
    assert (row["kept"], row["dropped"], row["errors"]) == (len(c) - 1, 1, 1)
    assert row["sections"] == "commitments"
    assert row["figures"] == "Commitments kept on time (% of those due); Overdue commitments"


def test_nothing_dropped_gives_no_rows(tiny):
    assert dropped_rows(tiny).empty
