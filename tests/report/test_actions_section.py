"""The report's Actions section on the tiny partnership with its seven actions
(tests/tiny_partnership.py; states worked out in tests/analysis/test_actions.py).

As of 2023-03-31, compared with 2022-12-31: open x2, x3, x6 (overdue by 106, 59 and 31
days) and x7 (due 2023-05-15, in 2023-Q2); done x1 on time and x5 late (2023-01-05, since
the previous report); follow-through 1 / (2 done + 3 overdue) = 20 %. Decided since: x6,
x7. Alerts: Alpha's k1 (x1, done) and k2 (only x4, dropped), Beta's k4 (none), the 601 gap
(x5): k2 and k4 have no action yet. Residents are no longer contested: x2's source is
resolved.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from tiny_partnership import tiny_actions

from partner_analytics.report.context import SECTIONS, report_context
from partner_analytics.report.sections import section

AS_OF = "2023-03-31"


def text_of(blocks) -> str:
    return "\n".join(b.text() for b in blocks)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    """caption -> rows of cells (text only)."""
    out = {}
    for t in re.findall(r"<table.*?</table>", html, re.DOTALL):
        cap = re.search(r"<caption>(.*?)</caption>", t)
        rows = [
            [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.DOTALL)
            ]
            for tr in re.findall(r"<tr>(.*?)</tr>", t, re.DOTALL)
        ]
        out[cap.group(1) if cap else ""] = rows
    return out


@pytest.fixture(scope="module")
def actions_text(make_tiny):
    p = make_tiny(actions=tiny_actions())
    ctx = report_context(p, as_of=AS_OF, run_time="T")
    return text_of(section(ctx, "actions"))


def test_the_actions_section_comes_right_after_the_summary():
    keys = list(SECTIONS)
    assert keys[:2] == ["summary", "actions"] and SECTIONS["actions"] == "Actions"


def test_the_section_opens_with_open_overdue_and_follow_through(actions_text):
    assert (
        "As of 2023-03-31: **4 open actions**, 3 of them overdue; 1 of the 5 actions done or "
        "overdue were done on time (follow-through 20 %)." in actions_text
    )


def test_decided_since_the_previous_report_and_due_in_the_next_period(actions_text):
    t = tables_of(actions_text)
    decided = t["Decided since 2022-Q4"]
    assert decided[0] == ["Action", "Owner", "Responds to", "Due", "Status"]
    assert decided[1:] == [
        ["Write the annual note", "Alpha Council", "–", "28 Feb 2023", "overdue"],
        [
            "Check the shared vision",
            "Beta Ltd",
            "Readiness element: Shared vision",
            "15 May 2023",
            "open",
        ],
    ]
    assert [r[0] for r in t["Due by the end of 2023-Q2"][1:]] == ["Check the shared vision"]


def test_overdue_actions_with_their_owners_the_oldest_first(actions_text):
    rows = tables_of(actions_text)["Overdue, the oldest first"]
    assert rows[0] == ["Action", "Owner", "Due", "Days overdue", "Responds to", "Its alert"]
    assert rows[1:] == [
        ["Meet the residents", "Beta Ltd", "15 Dec 2022", "106", "Stakeholder: Residents", "source resolved"],
        ["Recycling drive", "Alpha Council", "31 Jan 2023", "59", "Indicator: Recycling", "still raises an alert"],
        ["Write the annual note", "Alpha Council", "28 Feb 2023", "31", "–", "–"],
    ]  # fmt: skip


def test_closed_since_and_follow_through_per_owner(actions_text):
    t = tables_of(actions_text)
    assert t["Closed since 2022-Q4"][1:] == [
        ["Governance workshop", "Beta Ltd", "5 Jan 2023", "done late",
         "Collaboration factor: Joint Governance Structure", "still raises an alert"],
    ]  # fmt: skip
    per = t["Follow-through per owner: done on time / (done + overdue)"]
    assert per[1:] == [
        ["Alpha Council", "2", "2", "1", "0", "1", "33 %"],
        ["Beta Ltd", "2", "1", "0", "1", "0", "0 %"],
        ["All owners", "4", "3", "1", "1", "1", "20 %"],
    ]


def test_current_alerts_without_an_action_read_no_action_yet(actions_text):
    rows = tables_of(actions_text)["Current alerts with no action yet"]
    assert rows[1:] == [
        ["Commitment: Hire a manager", "Alpha Council", "no action yet"],
        ["Commitment: Fund the pilot", "Beta Ltd", "no action yet"],
    ]


def test_no_code_of_the_table_is_shown(actions_text):
    words = re.sub(r"<[^>]+>", " ", actions_text)
    for code in (
        "in_progress",
        "done_on_time",
        "done_late",
        "source_kind",
        "shared_vision",
        "stakeholder:",
    ):
        assert code not in words


def test_without_actions_the_section_says_so_in_plain_words(tiny):
    ctx = report_context(tiny, as_of="2022-12-31", run_time="T")
    text = text_of(section(ctx, "actions"))
    assert "No action is recorded in the package on or before 2022-12-31" in text
    rows = tables_of(text)["Current alerts, for which no action is recorded"]
    assert [r[0] for r in rows[1:]] == [
        "Indicator: Recycling", "Commitment: Open the depot", "Commitment: Hire a manager",
        "Stakeholder: Residents", "Collaboration factor: Joint Governance Structure",
    ]  # fmt: skip


def test_problems_of_the_actions_table_are_listed_in_the_appendix(make_tiny):
    actions = tiny_actions()
    actions.loc[1, "completed_date"] = "2022-12-01"  # x2 is open: a warning
    p = make_tiny(actions=actions)
    assert list(p.problems["table"]) == ["actions"]
    ctx = report_context(p, as_of=AS_OF, run_time="T")
    text = text_of(section(ctx, "appendix"))
    assert "is given but the status is not done" in text
    assert "2022-12-01" in text and pd.notna(p.problems["row"].iloc[0])
