"""Commitments follow-through and contributions (methods.md sections 4 and 5), by hand."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from partner_analytics import AnalysisInputError, MissingTableError, Partnership
from partner_analytics.analysis.delivery import (
    commitment_status,
    contribution_flows,
    contribution_summary,
    contributions_over_time,
    follow_through,
    overdue_commitments,
    sector_shares,
    upcoming_commitments,
)

TODAY = datetime.date(2030, 1, 1)
AS_OF = "2026-03-31"

PARTNERS = pd.DataFrame(
    {
        "partner_id": ["city", "corp", "ngo"],
        "name": ["City Council", "Acme Ltd", "Friends of the Bay"],
        "sector": ["public", "private", "civil_society"],
    }
)

# as of 2026-03-31
COMMITMENTS = pd.DataFrame(
    [
        # city: due today, on time (completed on the due date), dropped, late by 10 days
        ("c1", "city", "Publish the plan", "2026-03-31", None, "open"),
        ("c2", "city", "Share the data", "2026-02-01", "2026-02-01", "done"),
        ("c3", "city", "Open the depot", "2026-01-01", None, "dropped"),
        ("c4", "city", "Hire a manager", "2026-01-10", "2026-01-20", "done"),
        # corp: overdue by 30 days; completed after as_of (so overdue as of as_of);
        # not yet due; completed early though not yet due
        ("c5", "corp", "Fund the pilot", "2026-03-01", None, "open"),
        ("c6", "corp", "Lend two staff", "2026-03-21", "2026-04-10", "done"),
        ("c7", "corp", "Install sensors", "2026-04-30", None, "open"),
        ("c8", "corp", "Sign the MoU", "2026-05-01", "2026-03-01", "done"),
        # ngo: upcoming exactly 30 and 31 days after as_of
        ("c9", "ngo", "Run the survey", "2026-04-30", None, "open"),
        ("c10", "ngo", "Write the report", "2026-05-01", None, "open"),
    ],
    columns=["commitment_id", "partner_id", "description", "due_date", "completed_date", "status"],
)


def package(**tables) -> Partnership:
    return Partnership.from_frames(partners=PARTNERS, today=TODAY, **tables)


def by_id(frame: pd.DataFrame, key: str, value) -> pd.Series:
    sel = frame[frame[key] == value]
    assert len(sel) == 1, f"expected one row with {key} = {value}"
    return sel.iloc[0]


# --------------------------------------------------------------------------- commitments


def test_each_commitment_gets_its_state_as_of_the_date():
    s = commitment_status(package(commitments=COMMITMENTS), as_of=AS_OF)
    states = dict(zip(s["commitment_id"], s["state"], strict=True))
    assert states == {
        "c1": "due_today",  # due on as_of itself, not completed: due, not overdue
        "c2": "on_time",  # completed on the due date
        "c3": "dropped",
        "c4": "late",
        "c5": "overdue",
        "c6": "overdue",  # its completion (10 April) had not happened on 31 March
        "c7": "not_yet_due",
        "c8": "not_yet_due",
        "c9": "not_yet_due",
        "c10": "not_yet_due",
    }
    assert by_id(s, "commitment_id", "c4")["delay_days"] == 10  # 20 Jan - 10 Jan
    assert by_id(s, "commitment_id", "c5")["days_overdue"] == 30  # 31 Mar - 1 Mar
    assert by_id(s, "commitment_id", "c6")["days_overdue"] == 10  # 31 Mar - 21 Mar
    assert not bool(by_id(s, "commitment_id", "c3")["due"])
    assert bool(by_id(s, "commitment_id", "c1")["due"])


def test_follow_through_counts_per_partner_and_overall():
    f = follow_through(package(commitments=COMMITMENTS), as_of=AS_OF)
    assert f["partner_id"].tolist() == ["city", "corp", "ngo", "(all)"]
    city = by_id(f, "partner_id", "city")
    # city: due = c1, c2, c4 (c3 dropped) = 3; on time c2 = 1; late c4; due today c1
    assert (city["due"], city["on_time"], city["late"], city["overdue"], city["due_today"]) == (
        3,
        1,
        1,
        0,
        1,
    )
    assert city["dropped"] == 1 and city["n_commitments"] == 4
    assert city["rate"] == pytest.approx(1 / 3)
    assert city["mean_delay_days"] == 10.0
    corp = by_id(f, "partner_id", "corp")
    # corp: due c5, c6 (both overdue); c7, c8 not yet due
    assert (corp["due"], corp["on_time"], corp["overdue"], corp["not_yet_due"]) == (2, 0, 2, 2)
    assert corp["rate"] == 0.0 and corp["max_days_overdue"] == 30
    assert np.isnan(corp["mean_delay_days"])
    ngo = by_id(f, "partner_id", "ngo")
    assert ngo["due"] == 0 and np.isnan(ngo["rate"])
    total = by_id(f, "partner_id", "(all)")
    # overall: on time 1 / due 5 = 0.2 (not the mean of the partners' rates)
    assert (
        total["due"],
        total["on_time"],
        total["late"],
        total["overdue"],
        total["due_today"],
    ) == (5, 1, 1, 2, 1)
    assert total["rate"] == pytest.approx(0.2)
    assert total["partner"] == "All partners"
    assert (f["as_of"] == pd.Timestamp(AS_OF)).all()


def test_follow_through_can_leave_out_the_overall_row():
    f = follow_through(package(commitments=COMMITMENTS), as_of=AS_OF, overall=False)
    assert "(all)" not in set(f["partner_id"])


def test_on_time_late_overdue_and_due_today_add_up_to_due():
    f = follow_through(package(commitments=COMMITMENTS), as_of=AS_OF)
    assert (f["on_time"] + f["late"] + f["overdue"] + f["due_today"] == f["due"]).all()


def test_a_day_later_the_commitment_due_today_is_overdue():
    f = follow_through(package(commitments=COMMITMENTS), as_of="2026-04-01")
    city = by_id(f, "partner_id", "city")
    assert city["overdue"] == 1 and city["due_today"] == 0


def test_overdue_commitments_are_listed_oldest_first():
    o = overdue_commitments(package(commitments=COMMITMENTS), as_of=AS_OF)
    assert o["commitment_id"].tolist() == ["c5", "c6"]
    assert o["days_overdue"].tolist() == [30, 10]
    assert o["partner"].tolist() == ["Acme Ltd", "Acme Ltd"]


def test_upcoming_commitments_fall_due_within_30_days_after_as_of():
    u = upcoming_commitments(package(commitments=COMMITMENTS), as_of=AS_OF)
    # c7 and c9 are due on 30 April (30 days after); c10 and c8 on 1 May (31 days;
    # c8 is done anyway); c1, due on as_of itself, is already due, not upcoming
    assert u["commitment_id"].tolist() == ["c7", "c9"]
    assert u["days_until_due"].tolist() == [30, 30]
    assert upcoming_commitments(package(commitments=COMMITMENTS), as_of=AS_OF, days=31)[
        "commitment_id"
    ].tolist() == ["c7", "c9", "c10"]


def test_as_of_must_be_a_date():
    p = package(commitments=COMMITMENTS)
    with pytest.raises(AnalysisInputError, match="as_of must be a date"):
        follow_through(p, as_of="next tuesday")


def test_follow_through_without_commitments_names_the_missing_table():
    with pytest.raises(MissingTableError, match="follow_through needs table 'commitments'"):
        follow_through(package(), as_of=AS_OF)


# --------------------------------------------------------------------------- contributions

CONTRIBUTIONS = pd.DataFrame(
    [
        ("k1", "city", "2026-01-15", "funding", 100, 60, "Depot"),
        ("k2", "city", "2026-02-10", "in_kind", 50, 50, None),
        ("k3", "corp", "2026-05-20", "funding", 0, 20, "Depot"),  # pledged 0
        ("k4", "corp", "2026-08-01", "staff_time", 40, None, "Survey"),  # nothing delivered
        ("k5", "ngo", "2026-08-30", "data", 10, 10, "Survey"),
    ],
    columns=["contribution_id", "partner_id", "date", "kind", "pledged", "delivered", "recipient"],
)


def test_fulfilment_is_delivered_over_pledged_and_undefined_when_nothing_was_pledged():
    s = contribution_summary(package(contributions=CONTRIBUTIONS))
    k1 = s[(s["partner_id"] == "city") & (s["kind"] == "funding")].iloc[0]
    assert k1["fulfilment"] == pytest.approx(0.6)  # 60 / 100
    assert k1["partner"] == "City Council"
    k3 = s[(s["partner_id"] == "corp") & (s["kind"] == "funding")].iloc[0]
    assert k3["pledged"] == 0 and k3["delivered"] == 20 and np.isnan(k3["fulfilment"])
    k4 = s[(s["partner_id"] == "corp") & (s["kind"] == "staff_time")].iloc[0]
    assert k4["delivered"] == 0 and k4["fulfilment"] == 0.0  # missing delivered = 0


def test_summary_by_sector_and_in_total():
    p = package(contributions=CONTRIBUTIONS)
    s = contribution_summary(p, by="sector")
    pub = by_id(s, "sector", "public")
    # public: pledged 100 + 50 = 150, delivered 60 + 50 = 110; all delivered = 140
    assert (pub["pledged"], pub["delivered"]) == (150.0, 110.0)
    assert pub["delivered_share"] == pytest.approx(110 / 140)
    total = contribution_summary(p, by=())
    assert total.loc[0, "pledged"] == 200.0 and total.loc[0, "delivered"] == 140.0
    assert total.loc[0, "fulfilment"] == pytest.approx(0.7)
    assert total.loc[0, "n_contributions"] == 5


def test_summary_by_period_uses_canonical_labels():
    s = contribution_summary(package(contributions=CONTRIBUTIONS), by="period", freq="QE")
    assert s["period"].tolist() == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert s["pledged"].tolist() == [150.0, 0.0, 50.0]
    y = contribution_summary(package(contributions=CONTRIBUTIONS), by=("period",), freq="YE")
    assert y["period"].tolist() == ["2026"]


def test_summary_rejects_an_unknown_grouping():
    with pytest.raises(AnalysisInputError, match="by must name columns among"):
        contribution_summary(package(contributions=CONTRIBUTIONS), by="colour")


def test_sector_shares_of_delivered_value():
    sh = sector_shares(package(contributions=CONTRIBUTIONS))
    # delivered: public 110, private 20 + 0 = 20, civil society 10; total 140
    assert sh["sector"].tolist() == ["public", "private", "civil_society"]
    assert sh["share"].tolist() == pytest.approx([110 / 140, 20 / 140, 10 / 140])
    assert sh["share"].sum() == pytest.approx(1.0)
    assert by_id(sh, "sector", "private")["pledged_share"] == pytest.approx(40 / 200)


def test_mixed_currencies_without_exchange_rates_are_an_error_naming_them():
    c = CONTRIBUTIONS.assign(currency=["EUR", "EUR", "USD", "USD", "eur"])
    p = package(contributions=c)
    with pytest.raises(AnalysisInputError, match=r"several currencies \(EUR, USD\)"):
        contribution_summary(p)
    with pytest.raises(AnalysisInputError, match="exchange_rates"):
        contributions_over_time(p)


def test_mixed_currencies_are_converted_with_exchange_rates():
    c = CONTRIBUTIONS.assign(currency=["EUR", "EUR", "USD", "USD", None])
    rates = pd.DataFrame({"currency": ["EUR", "USD"], "rate_to_base": [1.0, 0.5]})
    p = package(contributions=c, exchange_rates=rates)
    s = contribution_summary(p, by="partner_id")
    corp = by_id(s, "partner_id", "corp")
    # corp in USD at 0.5: pledged (0 + 40) * 0.5 = 20, delivered (20 + 0) * 0.5 = 10
    assert (corp["pledged"], corp["delivered"]) == (20.0, 10.0)
    # ngo has no currency: taken as the base (EUR, rate 1)
    assert by_id(s, "partner_id", "ngo")["pledged"] == 10.0
    assert (s["currency"] == "EUR").all()


def test_one_currency_with_some_rows_blank_needs_no_rates():
    c = CONTRIBUTIONS.assign(currency=["NOK", None, "NOK", "NOK", None])
    s = contribution_summary(package(contributions=c), by=())
    assert s.loc[0, "pledged"] == 200.0 and s.loc[0, "currency"] == "NOK"


def test_flows_go_from_partner_to_kind_and_from_kind_to_recipient():
    f = contribution_flows(package(contributions=CONTRIBUTIONS))
    first = f[f["source_layer"] == "partner"]
    second = f[f["source_layer"] == "kind"]
    link = lambda fr, s, t: fr[(fr["source"] == s) & (fr["target"] == t)]["value"].tolist()
    assert link(first, "city", "funding") == [60.0]
    assert link(first, "corp", "funding") == [20.0]
    assert link(first, "corp", "staff_time") == []  # nothing delivered: no link
    # funding to the depot: 60 (city) + 20 (corp) = 80
    assert link(second, "funding", "Depot") == [80.0]
    assert link(second, "in_kind", "(recipient not given)") == [50.0]
    assert by_id(first, "source", "ngo")["source_label"] == "Friends of the Bay"
    assert by_id(first, "source", "ngo")["source_sector"] == "civil_society"
    assert second["source_sector"].isna().all()
    # what leaves the partners arrives at the recipients
    assert first["value"].sum() == pytest.approx(second["value"].sum()) == 140.0
    pledged = contribution_flows(package(contributions=CONTRIBUTIONS), value="pledged")
    assert link(pledged[pledged["source_layer"] == "partner"], "corp", "staff_time") == [40.0]


def test_contributions_over_time_are_cumulated_with_empty_quarters_kept():
    c = CONTRIBUTIONS.copy()
    c.loc[c["contribution_id"] == "k3", "date"] = "2026-11-02"  # Q2 empty, Q4 gets k3
    t = contributions_over_time(package(contributions=c), freq="QE")
    assert t["period"].tolist() == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert t["pledged"].tolist() == [150.0, 0.0, 50.0, 0.0]
    assert t["cumulative_pledged"].tolist() == [150.0, 150.0, 200.0, 200.0]
    assert t["cumulative_delivered"].tolist() == [110.0, 110.0, 120.0, 140.0]
    assert t["period_end"].iloc[0] == pd.Timestamp("2026-03-31")
    assert t["n_contributions"].tolist() == [2, 0, 2, 1]


def test_contributions_over_time_reject_an_unknown_frequency():
    with pytest.raises(AnalysisInputError, match="freq must be one of"):
        contributions_over_time(package(contributions=CONTRIBUTIONS), freq="fortnight")
