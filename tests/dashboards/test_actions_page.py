"""The actions page and the overview's actions, driven without a browser, on the tiny
partnership with its seven actions (tests/tiny_partnership.py; states worked out in
tests/analysis/test_actions.py).

As of 2023-03-31 (the latest quarter end of the tiny package): x2, x3, x6 overdue (106, 59
and 31 days), x7 open; x1 done on time, x5 done late; x4 dropped. Follow-through 1 / (2 + 3)
= 20 %. Alpha (x1, x3, x4, x6): 2 open, both overdue, 1 done on time, 1 dropped: 1 / (1 + 2)
= 33 %. Sources: commitments x1, x4; no source x6. As of 2022-12-31: x1 .. x5 raised; open
x2, x3, x5 (x2, x5 overdue), 1 / (1 + 2) = 33 %.
"""

from __future__ import annotations

import html as _html
import re

import pytest
from tiny_partnership import tiny_actions

import partner_analytics.dashboards as D


def text(html: str) -> str:
    return " ".join(_html.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def card(html: str, key: str) -> str:
    m = re.search(rf'data-card="{key}"[^>]*>(.*?)(?=<div class="pa-card"|$)', html, re.DOTALL)
    assert m, key
    return text(m.group(1))


def table_rows(html: str) -> list[list[str]]:
    return [
        [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.DOTALL)]
        for tr in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
        if "<td" in tr
    ]


@pytest.fixture(scope="module")
def with_actions(make_tiny):
    return make_tiny(actions=tiny_actions())


@pytest.fixture
def page(with_actions):
    return D.actions_page(with_actions)


def test_the_actions_page_is_registered_with_its_notebook():
    assert "actions" in D.PAGES and D.PAGES["actions"][0] == "Actions"
    assert (
        D.notebook_source("actions")
        == "from partner_analytics.dashboards import actions_page\n\nactions_page()"
    )


def test_the_cards_count_open_overdue_done_and_follow_through(page):
    assert page.error is None
    assert page.controls["as_of"].value == "2023-03-31"
    cards = page.parts["cards"].value
    assert card(cards, "open") == "Open actions 4 of 7 All owners"
    assert card(cards, "overdue") == "Overdue 3 the oldest 106 days overdue"
    assert card(cards, "done_on_time") == "Done on time 1 of 2 done 1 dropped"
    assert card(cards, "follow_through").startswith("Follow-through 20 %")


def test_the_owner_filter_keeps_that_owners_actions_and_counts(page):
    page.controls["owner"].value = "A"
    cards = page.parts["cards"].value
    assert card(cards, "open") == "Open actions 2 of 4 Alpha Council"
    assert card(cards, "follow_through").startswith("Follow-through 33 %")
    titles = [r[0] for r in table_rows(page.parts["table"].value)]
    assert titles == [
        "Reopen the depot",
        "Hire a manager",
        "Recycling drive",
        "Write the annual note",
    ]


def test_the_status_filter_narrows_the_table_not_the_cards(page):
    before = page.parts["cards"].value
    page.controls["status"].value = "overdue"
    rows = table_rows(page.parts["table"].value)
    assert [(r[0], r[1], r[5]) for r in rows] == [
        ("Meet the residents", "Beta Ltd", "overdue"),
        ("Recycling drive", "Alpha Council", "overdue"),
        ("Write the annual note", "Alpha Council", "overdue"),
    ]
    assert page.parts["cards"].value == before
    assert rows[0][8] == "source resolved"  # Residents no longer contested
    assert rows[1][8] == "still raises an alert"  # Recycling still deteriorating


def test_the_source_filter_keeps_one_kind_or_the_actions_without_a_source(page):
    page.controls["kind"].value = "commitment"
    rows = table_rows(page.parts["table"].value)
    assert [r[0] for r in rows] == ["Reopen the depot", "Hire a manager"]
    assert [r[2] for r in rows] == ["Commitment: Open the depot", "Commitment: Hire a manager"]
    assert card(page.parts["cards"].value, "follow_through").startswith("Follow-through 100 %")
    page.controls["kind"].value = "(none)"
    assert [r[0] for r in table_rows(page.parts["table"].value)] == ["Write the annual note"]
    page.controls["status"].value = "dropped"
    assert "No action for this choice." in page.parts["table"].value


def test_the_as_of_selector_shows_the_actions_known_that_day(page):
    page.controls["as_of"].value = "2022-12-31"
    cards = page.parts["cards"].value
    assert card(cards, "open") == "Open actions 3 of 5 All owners"
    assert card(cards, "overdue") == "Overdue 2 the oldest 16 days overdue"
    assert card(cards, "follow_through").startswith("Follow-through 33 %")
    assert "As of 31 Dec 2022" in page.parts["title"].value


def test_the_alerts_without_an_action_are_listed(page):
    rows = table_rows(page.parts["unanswered"].value)
    assert rows == [
        ["Commitment: Hire a manager", "Alpha Council", "no action yet"],
        ["Commitment: Fund the pilot", "Beta Ltd", "no action yet"],
    ]


def test_a_package_without_actions_says_so(tiny):
    dash = D.actions_page(tiny)
    assert dash.error == "missing table"
    assert "No data for actions in this package" in text(dash.text())
    assert "needs table 'actions'" in text(dash.text())


# --------------------------------------------------------------------------- the overview


def test_the_overview_shows_open_and_overdue_actions_and_beside_each_alert_its_action(with_actions):
    dash = D.overview_page(with_actions)
    assert (
        card(dash.parts["cards"].value, "actions")
        == "Actions 4 open 3 overdue · follow-through 20 %"
    )
    items = re.findall(r"<li[^>]*>(.*?)</li>", dash.parts["alerts"].value, re.DOTALL)
    lines = [text(re.search(r'class="pa-alert-action">(.*?)</div>', i).group(1)) for i in items]
    assert lines == [
        (
            "Actions: Reopen the depot (Alpha Council, due 30 Nov 2022, done on time); Hire a "
            "manager (Alpha Council, due 1 Dec 2022, dropped) — no action yet for: Hire a manager."
        ),
        "No action yet.",  # Beta's k4
        "Action: Governance workshop (Beta Ltd, due 20 Dec 2022, done late).",
    ]


def test_the_overview_without_actions_says_no_action_yet_beside_each_alert(tiny):
    dash = D.overview_page(tiny)
    assert card(dash.parts["cards"].value, "actions") == "Actions – no action recorded by this day"
    assert text(dash.parts["alerts"].value).count("No action yet.") == 3
