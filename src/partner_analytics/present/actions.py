"""How actions are written: states, sources, the action beside an alert, tables, drafts.

The report's Actions section, the overview's alerts and the Actions page write actions
through these functions (plain words, never the codes of the table); every count and state
comes from :mod:`partner_analytics.analysis.actions`. :func:`action_drafts` proposes one
action per current alert that none answers yet, for ``partner-analytics actions draft``.
"""

from __future__ import annotations

import pandas as pd

from partner_analytics.analysis.actions import alert_actions, finding_actions
from partner_analytics.data.periods import parse_as_of, period_label
from partner_analytics.data.schemas import TABLES
from partner_analytics.present.formats import date_text, fmt_number, fmt_percent

__all__ = [
    "KIND_WORDS",
    "NO_ACTION",
    "SOURCE_RESOLVED",
    "STATE_WORDS",
    "action_drafts",
    "action_line",
    "action_table",
    "alert_responses",
    "finding_responses",
    "follow_through_table",
    "response_text",
    "source_text",
    "state_text",
    "unanswered_table",
]

#: What an alert reads when no open or done action names its source.
NO_ACTION = "no action yet"
#: What an action reads when its source no longer raises an alert.
SOURCE_RESOLVED = "source resolved"
#: The state of an action in words (analysis.actions.ACTION_STATES).
STATE_WORDS = {
    "open": "open",
    "overdue": "overdue",
    "done_on_time": "done on time",
    "done_late": "done late",
    "dropped": "dropped",
}
#: What a source is, in words (actions.source_kind).
KIND_WORDS = {
    "indicator": "Indicator",
    "commitment": "Commitment",
    "factor": "Collaboration factor",
    "stakeholder": "Stakeholder",
    "contribution": "Contribution",
    "readiness": "Readiness element",
    "other": "Other",
}
#: Whether an action's source still raises its alert (analysis.actions.SOURCE_STATES).
SOURCE_STATE_WORDS = {"alert": "still raises an alert", "resolved": SOURCE_RESOLVED, "none": "–"}
#: The title a draft action gets from its alert (rule -> words before the source's name).
DRAFT_TITLES = {
    "indicators_deteriorated": "Respond to the deterioration of the indicator",
    "overdue_by_partner": "Complete the overdue commitment",
    "contested_stakeholders": "Agree how to work with the contested stakeholder",
    "perception_gaps": "Close the gap between sectors on the factor",
}
#: Actions named beside one alert before "and k more".
MAX_ACTIONS = 3


def _given(v) -> bool:
    return isinstance(v, str) and v not in ("", "nan", "None")


def _day(v) -> str:
    """ "31 Mar 2026"; "–" without a day."""
    return "–" if v is None or pd.isna(v) else date_text(v)


def source_text(kind, name) -> str:
    """ "Indicator: Construction waste reused"; "–" without a source."""
    if not _given(kind):
        return "–"
    words = KIND_WORDS.get(kind, str(kind).replace("_", " ").capitalize())
    return f"{words}: {name}" if _given(name) else words


def state_text(state, status=None) -> str:
    """The state in words; an open action in progress reads "in progress"."""
    if state == "open" and status == "in_progress":
        return "in progress"
    return STATE_WORDS.get(state, "–") if _given(state) else "–"


def action_line(row) -> str:
    """One action beside an alert: "Agree a plan (BuildLoop Construction, due 31 Mar 2026,
    done on time)"."""
    return (
        f"{row['title']} ({row['owner']}, due {_day(row['due_date'])}, "
        f"{state_text(row['state'], row.get('status'))})"
    )


def response_text(rows: pd.DataFrame) -> str:
    """The actions answering an alert's or a finding's items, in words, or "no action
    yet"; when only some items have an open or done action, those without one are named
    after "no action yet for". ``rows``: rows of
    :func:`~partner_analytics.analysis.actions.alert_actions` or
    :func:`~partner_analytics.analysis.actions.finding_actions`."""
    acts = rows[rows["action_id"].notna()].drop_duplicates("action_id")
    lines = [action_line(r) for _, r in acts.head(MAX_ACTIONS).iterrows()]
    if len(acts) > MAX_ACTIONS:
        lines.append(f"{len(acts) - MAX_ACTIONS} more")
    missing = rows.loc[~rows["addressed"], "source"].drop_duplicates()
    text = ("Action: " if len(acts) == 1 else "Actions: ") + "; ".join(lines)
    if not lines:
        text = NO_ACTION.capitalize()
    elif len(missing) == len(rows.drop_duplicates("source_id")):
        text += f" — {NO_ACTION}"
    elif len(missing):
        text += f" — {NO_ACTION} for: " + ", ".join(str(m) for m in missing)
    return text + "."


def alert_responses(p, *, as_of, previous=None, min_n: int | None = None) -> dict[str, str]:
    """For each alert (its key, :func:`~partner_analytics.analysis.alerts.alert_sources`):
    its actions in words (:func:`response_text`)."""
    links = alert_actions(p, as_of=as_of, previous=previous, min_n=min_n)
    return {key: response_text(links[links["alert"] == key]) for key in dict.fromkeys(links["alert"])}


def finding_responses(p, found: pd.DataFrame, *, as_of) -> dict[str, str]:
    """For each rule of ``found`` whose items an action can answer: its actions in words
    (:func:`response_text`)."""
    links = finding_actions(p, found, as_of=as_of)
    return {rule: response_text(links[links["rule"] == rule]) for rule in dict.fromkeys(links["rule"])}


_COLUMNS = {
    "title": ("Action", lambda r: r["title"]),
    "owner": ("Owner", lambda r: r["owner"]),
    "source": ("Responds to", lambda r: source_text(r["source_kind"], r["source"])),
    "raised": ("Decided", lambda r: _day(r["raised"])),
    "due": ("Due", lambda r: _day(r["due_date"])),
    "state": ("Status", lambda r: state_text(r["state"], r["status"])),
    "closed": ("Closed on", lambda r: _day(r["completed_date"])),
    "days_overdue": ("Days overdue", lambda r: fmt_number(r["days_overdue"], 0)),
    "age": ("Age (days)", lambda r: fmt_number(r["age_days"], 0)),
    "alert": ("Its alert", lambda r: SOURCE_STATE_WORDS.get(r.get("source_state"), "–")),
}


def action_table(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Rows of :func:`~partner_analytics.analysis.actions.action_status` (or its review and
    alert frames) as a frame of text; ``columns`` are keys of ``_COLUMNS`` (title, owner,
    source, raised, due, state, closed, days_overdue, age, alert)."""
    rows = [dict(r) for _, r in frame.iterrows()]
    return pd.DataFrame(
        {_COLUMNS[c][0]: [_COLUMNS[c][1](r) for r in rows] for c in columns},
        columns=[_COLUMNS[c][0] for c in columns],
    )


def follow_through_table(per_owner: pd.DataFrame) -> pd.DataFrame:
    """:func:`~partner_analytics.analysis.actions.action_follow_through` as text."""
    return pd.DataFrame(
        {
            "Owner": per_owner["owner"],
            "Open": [fmt_number(v, 0) for v in per_owner["open"]],
            "Overdue": [fmt_number(v, 0) for v in per_owner["overdue"]],
            "Done on time": [fmt_number(v, 0) for v in per_owner["done_on_time"]],
            "Done late": [fmt_number(v, 0) for v in per_owner["done_late"]],
            "Dropped": [fmt_number(v, 0) for v in per_owner["dropped"]],
            "Follow-through": [fmt_percent(v, 0, ratio=True) for v in per_owner["follow_through"]],
        }
    )


def unanswered_table(links: pd.DataFrame) -> pd.DataFrame:
    """The alert sources of :func:`~partner_analytics.analysis.actions.alert_actions` that
    no open or done action names, as text."""
    rows = links[~links["addressed"]].drop_duplicates(["source_kind", "source_id"])
    return pd.DataFrame(
        {
            "Alert about": [source_text(k, n) for k, n in zip(rows["source_kind"], rows["source"], strict=True)],
            "Partner": [v if _given(v) else "–" for v in rows["partner"]],
            "Action": NO_ACTION,
        }
    )  # fmt: skip


def _proposed_ids(taken: set[str], label: str, n: int) -> list[str]:
    out, i = [], 1
    while len(out) < n:
        candidate = f"A-{label}-{i:02d}"
        if candidate not in taken:
            out.append(candidate)
        i += 1
    return out


def action_drafts(p, *, as_of, previous=None, min_n: int | None = None) -> pd.DataFrame:
    """Draft actions: one per current alert source that no open or done action names.

    Returns
    -------
    pandas.DataFrame
        The columns of the ``actions`` table, one row per source in the order of the
        alerts: ``action_id`` proposed (``A-<period>-<nn>``, none already in the package),
        ``title`` from the alert ("Complete the overdue commitment: <description>"),
        ``owner_partner_id`` proposed where the alert names a partner (the commitment's
        partner, the indicator's owner, the stakeholder's organisation), else empty,
        ``raised`` = as_of, ``due_date`` empty, ``status`` open, ``source_kind`` and
        ``source_id`` filled in, ``note`` saying which alert it comes from. The steering
        group completes the owner, title and due date and adds the rows to the package.
    """
    day = parse_as_of(as_of)
    links = alert_actions(p, as_of=as_of, previous=previous, min_n=min_n)
    todo = links[~links["addressed"]].drop_duplicates(["source_kind", "source_id"])
    columns = TABLES["actions"].names
    taken = set(p.actions["action_id"]) if "actions" in p.tables else set()
    ids = _proposed_ids(taken, period_label(day), len(todo))
    out = pd.DataFrame(
        {
            "action_id": ids,
            "title": [
                f"{DRAFT_TITLES.get(r, 'Respond to the alert')}: {s}"
                for r, s in zip(todo["rule"], todo["source"], strict=True)
            ],
            "owner_partner_id": [v if _given(v) else None for v in todo["partner_id"]],
            "raised": pd.Series([day] * len(todo), dtype="datetime64[ns]"),
            "due_date": pd.Series([pd.NaT] * len(todo), dtype="datetime64[ns]"),
            "status": "open",
            "completed_date": pd.Series([pd.NaT] * len(todo), dtype="datetime64[ns]"),
            "source_kind": list(todo["source_kind"]),
            "source_id": list(todo["source_id"]),
            "note": f"Drafted from the alerts of {day.date().isoformat()}",
        },
        columns=columns,
    )
    for c in (
        "action_id",
        "title",
        "owner_partner_id",
        "status",
        "source_kind",
        "source_id",
        "note",
    ):
        out[c] = out[c].astype("str")
    return out
