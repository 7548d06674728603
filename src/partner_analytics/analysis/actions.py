"""Actions: from alert to action, followed up from one report to the next (methods.md 10).

As of a day D (a date, or a period label standing for its last day):

- an action raised after D is not known on D; a completion or a drop dated after D had
  not happened yet: the action was open on D (its status then reads ``open``);
- *open* = not done and not dropped (status open or in progress); *overdue* = open and
  due_date < D; *done on time* = completed_date <= due_date; *done late* otherwise;
- *age*: days from raised to D, or to the day the action was done or dropped;
- *follow-through* per owner = done on time / (done + overdue), like commitments
  (undefined when nothing is done or overdue);
- an alert is *addressed* when an open or done action names its source
  (``source_kind``, ``source_id``); an alert without one reads "no action yet"; an action
  whose source no longer raises its alert is "source resolved".

Alerts and their sources are :func:`~partner_analytics.analysis.alerts.alert_sources`; the
two frames that link them to actions, :func:`alert_actions` (per alert source) and
:func:`action_alerts` (per action), join on ``source_kind`` and ``source_id``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from partner_analytics import frameworks
from partner_analytics.analysis.alerts import alert_sources
from partner_analytics.data.periods import next_period_end, parse_as_of, previous_day
from partner_analytics.errors import AnalysisInputError

__all__ = [
    "ACTION_STATES",
    "ALERT_KINDS",
    "OVERALL_ID",
    "SOURCE_STATES",
    "action_alerts",
    "action_counts",
    "action_follow_through",
    "action_review",
    "action_status",
    "alert_actions",
    "finding_actions",
]

#: The state of an action as of a day (one each): open (and not overdue), overdue, done on
#: time, done late, dropped.
ACTION_STATES = ("open", "overdue", "done_on_time", "done_late", "dropped")
#: The kinds of source alerts are raised for (alerts.alert_sources).
ALERT_KINDS = ("indicator", "commitment", "stakeholder", "factor")
#: Whether an action's source raises an alert as of the day: ``alert`` (it does),
#: ``resolved`` (a kind alerts are raised for, and this source raises none now) or
#: ``none`` (no source, or a kind no alert is raised for: contribution, readiness, other).
SOURCE_STATES = ("alert", "resolved", "none")
#: The owner of the row of all owners in :func:`action_follow_through`.
OVERALL_ID = "(all)"
OVERALL_NAME = "All owners"

_ADDRESSING = ("open", "overdue", "done_on_time", "done_late")  # open or done
_STATUS_COLUMNS = [
    "action_id", "title", "owner_partner_id", "owner", "raised", "due_date", "status",
    "completed_date", "source_kind", "source_id", "source", "note", "open", "state",
    "age_days", "days_overdue", "delay_days", "days_until_due",
]  # fmt: skip
_INT = ("age_days", "days_overdue", "delay_days", "days_until_due")
_COUNTS = ["n_actions", "open", "overdue", "done_on_time", "done_late", "done", "dropped",
           "follow_through", "oldest_overdue_days"]  # fmt: skip


def _day(as_of) -> pd.Timestamp:
    if as_of is None:
        raise AnalysisInputError("as_of is required: the day at which actions are judged")
    return parse_as_of(as_of)


def _lookup(frame: pd.DataFrame, key: str, name: str) -> dict:
    if not len(frame):
        return {}
    return dict(zip(frame[key], frame[name].where(frame[name].notna(), frame[key]), strict=True))


def _source_names(p, kinds: pd.Series, ids: pd.Series) -> list:
    """What each source is called: the indicator's or stakeholder's name, the commitment's
    or contribution's description, the factor's or readiness element's name; the id itself
    where the table has no name for it (and for kind ``other``)."""
    names = {
        "indicator": _lookup(p.indicators, "indicator_id", "name"),
        "commitment": _lookup(p.commitments, "commitment_id", "description"),
        "factor": _lookup(p.factors, "factor_code", "factor"),
        "stakeholder": _lookup(p.stakeholders, "stakeholder_id", "name"),
        "contribution": _lookup(p.contributions, "contribution_id", "description"),
        "readiness": _lookup(frameworks.readiness_checklist(), "element_id", "element"),
    }
    return [
        names.get(k, {}).get(i, i) if isinstance(i, str) else pd.NA
        for k, i in zip(kinds, ids, strict=True)
    ]


def action_status(p, *, as_of) -> pd.DataFrame:
    """The state of every action known as of a day.

    Parameters
    ----------
    p : Partnership
        A loaded package with an ``actions`` table.
    as_of : date or period label
        The day the actions are judged on ("2026-Q3" stands for 30 Sep 2026).

    Returns
    -------
    pandas.DataFrame
        One row per action raised on or before as_of, by due date (then action_id):

        - ``action_id``, ``title``, ``owner_partner_id``, ``owner`` (the partner's name),
          ``raised``, ``due_date``, ``note``
        - ``status``: as it was on as_of (``open`` for an action done or dropped later)
        - ``completed_date``: the day it was done or dropped, if on or before as_of
          (a date on an open action is not used: it counts as not done)
        - ``source_kind``, ``source_id``, ``source`` (what the source is called)
        - ``open``: not done and not dropped (overdue ones included)
        - ``state``: one of :data:`ACTION_STATES` (``open`` = open and not overdue)
        - ``age_days``: days from raised to as_of, or to the day it was done or dropped
          (NA for an action dropped on a day not given)
        - ``days_overdue`` (overdue: as_of - due_date), ``delay_days`` (done late:
          completed_date - due_date), ``days_until_due`` (open and not overdue:
          due_date - as_of)

    Examples
    --------
    >>> import pandas as pd
    >>> from partner_analytics import Partnership
    >>> p = Partnership.from_frames(
    ...     partners=pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]}),
    ...     actions=pd.DataFrame({"action_id": ["x1", "x2"], "title": "Do it", "owner_partner_id": "a",
    ...                           "raised": "2026-01-10", "due_date": ["2026-02-28", "2026-03-31"],
    ...                           "status": ["open", "done"], "completed_date": [None, "2026-03-20"]}))
    >>> action_status(p, as_of="2026-03-31")[["action_id", "state", "age_days"]].values.tolist()
    [['x1', 'overdue', 80], ['x2', 'done_on_time', 69]]
    """
    p.require("actions", by="action_status")
    return _status(p, _day(as_of))


def _status(p, d: pd.Timestamp) -> pd.DataFrame:
    """action_status of ``p`` on day ``d`` (no rows when the package has no actions)."""
    a = p.actions
    a = a[a["raised"] <= d].reset_index(drop=True)
    status, closed_on = a["status"].copy(), a["completed_date"]
    closing = status.isin(["done", "dropped"]).astype(bool)
    later = closing & closed_on.notna() & (closed_on > d)
    status = status.mask(later, "open")
    done = (status == "done").astype(bool) & closed_on.notna()
    dropped = (status == "dropped").astype(bool)
    is_open = ~done & ~dropped
    closed_on = closed_on.where(done | dropped)
    overdue = is_open & (a["due_date"] < d)
    on_time = done & (closed_on <= a["due_date"])
    late = done & (closed_on > a["due_date"])
    state = np.select(
        [overdue, is_open, on_time, late, dropped],
        ["overdue", "open", "done_on_time", "done_late", "dropped"],
        default="",
    )
    owners = dict(zip(p.partners["partner_id"], p.partners["name"], strict=True))
    end = closed_on.where(done | dropped, d).where(~(dropped & closed_on.isna()))
    out = pd.DataFrame(
        {
            "action_id": a["action_id"],
            "title": a["title"],
            "owner_partner_id": a["owner_partner_id"],
            "owner": pd.array([owners.get(i, i) for i in a["owner_partner_id"]], dtype="str"),
            "raised": a["raised"],
            "due_date": a["due_date"],
            "status": status.astype("str"),
            "completed_date": closed_on.astype("datetime64[ns]"),
            "source_kind": a["source_kind"],
            "source_id": a["source_id"],
            "source": pd.array(_source_names(p, a["source_kind"], a["source_id"]), dtype="str"),
            "note": a["note"],
            "open": is_open.astype(bool),
            "state": pd.array(state, dtype="str"),
            "age_days": (end - a["raised"]).dt.days,
            "days_overdue": (d - a["due_date"]).dt.days.where(overdue),
            "delay_days": (closed_on - a["due_date"]).dt.days.where(late),
            "days_until_due": (a["due_date"] - d).dt.days.where(is_open & ~overdue),
        }
    )
    for c in _INT:
        out[c] = out[c].astype("Int64")
    out = out.sort_values(["due_date", "action_id"], kind="stable").reset_index(drop=True)
    out.attrs["as_of"] = d
    return out[_STATUS_COLUMNS]


def action_counts(status: pd.DataFrame) -> pd.Series:
    """How many actions of :func:`action_status` (any selection of its rows) are in each
    state, and their follow-through.

    Returns
    -------
    pandas.Series
        ``n_actions``; ``open`` (overdue ones included), ``overdue``, ``done_on_time``,
        ``done_late``, ``done`` (both), ``dropped`` (open + done + dropped = n_actions);
        ``follow_through`` = done_on_time / (done + overdue), NaN when both are 0;
        ``oldest_overdue_days`` (NA when none is overdue).
    """
    state = status["state"]
    n = {s: int((state == s).sum()) for s in ACTION_STATES}
    done = n["done_on_time"] + n["done_late"]
    judged = done + n["overdue"]
    oldest = status.loc[state == "overdue", "days_overdue"].max()
    return pd.Series(
        {
            "n_actions": len(status),
            "open": n["open"] + n["overdue"],
            "overdue": n["overdue"],
            "done_on_time": n["done_on_time"],
            "done_late": n["done_late"],
            "done": done,
            "dropped": n["dropped"],
            "follow_through": n["done_on_time"] / judged if judged else np.nan,
            "oldest_overdue_days": oldest if not pd.isna(oldest) else pd.NA,
        },
        dtype="object",
    )[_COUNTS]


def action_follow_through(p, *, as_of, overall: bool = True) -> pd.DataFrame:
    """Actions per owner as of a day: how many are open, overdue, done, dropped, and the
    follow-through.

    Parameters
    ----------
    p : Partnership
        A loaded package with an ``actions`` table.
    as_of : date or period label
        The day the actions are judged on.
    overall : bool, default True
        Add a last row, ``owner_partner_id = "(all)"``, for all owners together.

    Returns
    -------
    pandas.DataFrame
        One row per owner with actions raised by as_of (in the order of the partners
        table), then the row of all owners: ``owner_partner_id``, ``owner`` and the counts
        of :func:`action_counts` (``follow_through`` = done on time / (done + overdue)).
        The overall follow-through is computed over all actions, not as a mean of owners.
    """
    s = action_status(p, as_of=as_of)
    order = {pid: i for i, pid in enumerate(p.partners["partner_id"])}
    rows = [
        {"owner_partner_id": pid, "owner": g["owner"].iloc[0], **action_counts(g)}
        for pid, g in s.groupby("owner_partner_id", sort=False)
    ]
    rows.sort(key=lambda r: order.get(r["owner_partner_id"], len(order)))
    if overall:
        rows.append({"owner_partner_id": OVERALL_ID, "owner": OVERALL_NAME, **action_counts(s)})
    out = pd.DataFrame(rows, columns=["owner_partner_id", "owner", *_COUNTS])
    for c in ("owner_partner_id", "owner"):
        out[c] = out[c].astype("str")
    for c in _COUNTS:
        out[c] = out[c].astype("float64" if c == "follow_through" else "Int64")
    out.attrs["as_of"] = s.attrs["as_of"]
    return out


def action_review(p, *, as_of, previous=None) -> pd.DataFrame:
    """The actions a periodic report reviews: decided since the previous report, due in the
    next period, overdue, closed since.

    Parameters
    ----------
    p : Partnership
        A loaded package with an ``actions`` table.
    as_of, previous : date or period label
        The report's day and the previous report's (default: the end of the period before,
        :func:`~partner_analytics.data.periods.previous_day`).

    Returns
    -------
    pandas.DataFrame
        :func:`action_status` as of as_of, and the flags:

        - ``decided_since``: raised after the previous day
        - ``due_next``: open and due from as_of to the end of the next period
          (:func:`~partner_analytics.data.periods.next_period_end`), overdue ones excluded
        - ``closed_since``: done or dropped after the previous day (a drop without a day
          counts when the action was raised after it)

        ``attrs`` holds ``as_of``, ``previous`` and ``next_end``.
    """
    s = action_status(p, as_of=as_of)
    d, before, nxt = s.attrs["as_of"], previous_day(as_of, previous), next_period_end(as_of)
    closed = s["state"].isin(["done_on_time", "done_late", "dropped"])
    undated = closed & s["completed_date"].isna()
    s["decided_since"] = (s["raised"] > before).astype(bool)
    s["due_next"] = (
        (s["state"] == "open").astype(bool) & (s["due_date"] >= d) & (s["due_date"] <= nxt)
    )
    s["closed_since"] = (
        (closed & (s["completed_date"] > before)) | (undated & s["decided_since"])
    ).astype(bool)
    s.attrs.update(as_of=d, previous=before, next_end=nxt)
    return s


def alert_actions(p, *, as_of, previous=None, min_n: int | None = None) -> pd.DataFrame:
    """Each current alert's sources with the actions that name them.

    Parameters
    ----------
    p : Partnership
        A loaded package (without an ``actions`` table every alert has no action yet).
    as_of, previous, min_n
        As for :func:`~partner_analytics.analysis.alerts.alert_sources`.

    Returns
    -------
    pandas.DataFrame
        One row per alert source (:func:`~partner_analytics.analysis.alerts.alert_sources`,
        severity ``alert``, in its order) and action naming it (raised by as_of, by
        raising day); a source no action names has one row with the action columns NA:

        - ``alert``, ``rule``, ``source_kind``, ``source_id``, ``source``, ``partner_id``,
          ``partner``: the alert source
        - ``action_id``, ``title``, ``owner_partner_id``, ``owner``, ``due_date``,
          ``completed_date``, ``status``, ``state``: the action (:func:`action_status`)
        - ``addressed``: an open or done action names the source (False reads
          "no action yet"; a dropped action does not address it)

    Notes
    -----
    Join on ``source_kind`` and ``source_id`` to link anything that names its source
    (a finding, a highlight's sources) to its actions.
    """
    src = alert_sources(p, as_of=as_of, previous=previous, min_n=min_n)
    src = src[src["severity"] == "alert"].reset_index(drop=True)
    keep = ["alert", "rule", "source_kind", "source_id", "source", "partner_id", "partner"]
    acts = _status(p, _day(as_of)).sort_values(["raised", "action_id"], kind="stable")
    cols = ["action_id", "title", "owner_partner_id", "owner", "due_date", "completed_date",
            "status", "state"]  # fmt: skip
    out = src[keep].merge(
        acts[["source_kind", "source_id", *cols]], on=["source_kind", "source_id"], how="left",
        sort=False,
    )  # fmt: skip
    answers = out["state"].isin(_ADDRESSING).astype(bool)
    out["addressed"] = answers.groupby([out["source_kind"], out["source_id"]]).transform("any")
    out["addressed"] = out["addressed"].astype(bool)
    for c in ("due_date", "completed_date"):
        out[c] = out[c].astype("datetime64[ns]")
    return out.reset_index(drop=True)


def action_alerts(p, *, as_of, previous=None, min_n: int | None = None) -> pd.DataFrame:
    """Each action with whether its source still raises an alert.

    Parameters
    ----------
    p : Partnership
        A loaded package with an ``actions`` table.
    as_of, previous, min_n
        As for :func:`~partner_analytics.analysis.alerts.alert_sources`.

    Returns
    -------
    pandas.DataFrame
        :func:`action_status`, and:

        - ``source_state``: one of :data:`SOURCE_STATES`: ``alert`` when the source raises
          an alert as of the day (or is an indicator still deteriorating since its alert),
          ``resolved`` ("source resolved": an indicator, commitment, stakeholder or factor
          that raises none now), ``none`` (no source, or a contribution, readiness element
          or other source, for which no alert is raised)
        - ``alert``: the key of the alert its source belongs to (NA unless ``alert``)
    """
    s = action_status(p, as_of=as_of)
    src = alert_sources(p, as_of=as_of, previous=previous, min_n=min_n)
    first = src.drop_duplicates(["source_kind", "source_id"])
    key = dict(zip(zip(first["source_kind"], first["source_id"], strict=True), first["alert"],
                   strict=True))  # fmt: skip
    alert = [key.get((k, i), pd.NA) for k, i in zip(s["source_kind"], s["source_id"], strict=True)]
    s["alert"] = pd.array(alert, dtype="str")
    raised = s["alert"].notna()
    tracked = s["source_kind"].isin(ALERT_KINDS).astype(bool) & s["source_id"].notna()
    s["source_state"] = pd.array(
        np.select([raised, tracked], ["alert", "resolved"], default="none"), dtype="str"
    )
    return s


#: The kinds of finding an action can answer: those an action names as its source, and a
#: partner (through the partner's commitments).
ANSWERABLE_KINDS = ("indicator", "commitment", "stakeholder", "factor", "contribution", "readiness", "partner")


def finding_actions(p, found: pd.DataFrame, *, as_of) -> pd.DataFrame:
    """The actions that answer each finding's item.

    Parameters
    ----------
    p : Partnership
        A loaded package (without an ``actions`` table no finding has an action).
    found : pandas.DataFrame
        Findings (:func:`~partner_analytics.analysis.findings.findings`): ``rule``,
        ``source_kind``, ``source_id``, ``name``.
    as_of
        The day the actions' states are judged on (a date or a period label).

    Returns
    -------
    pandas.DataFrame
        One row per finding item that an action could answer (its ``source_kind`` in
        :data:`ANSWERABLE_KINDS`) and action answering it (an item no action names has one
        row with the action columns NA): ``rule``, ``source_kind``, ``source_id``,
        ``source`` (the item's name), then the columns of :func:`action_status`
        (``action_id``, ``title``, ``owner``, ``due_date``, ``status``, ``state`` ...), and
        ``addressed`` (an open or done action answers the item; False reads "no action yet").

    Notes
    -----
    An action answers an item when it names it (same ``source_kind`` and ``source_id``); a
    finding about a partner (its overdue commitments, its fulfilment) is answered by the
    actions naming one of that partner's commitments.
    """
    items = found.loc[found["source_kind"].isin(ANSWERABLE_KINDS), ["rule", "source_kind", "source_id", "name"]]
    items = items.drop_duplicates(["rule", "source_kind", "source_id"]).rename(columns={"name": "source"})
    cols = [c for c in _STATUS_COLUMNS if c not in ("source_kind", "source_id", "source")]
    acts = _status(p, _day(as_of)) if p.has("actions") else pd.DataFrame(columns=_STATUS_COLUMNS)
    acts = acts.sort_values(["raised", "action_id"], kind="stable") if len(acts) else acts
    named = acts[["source_kind", "source_id", *cols]]
    if p.has("commitments") and len(acts):
        owners = p.commitments[["commitment_id", "partner_id"]].rename(
            columns={"commitment_id": "source_id", "partner_id": "partner"}
        )
        on_commitments = acts[acts["source_kind"] == "commitment"].merge(owners, on="source_id")
        by_partner = on_commitments.drop(columns=["source_id"]).rename(columns={"partner": "source_id"})
        by_partner = by_partner.assign(source_kind="partner")[["source_kind", "source_id", *cols]]
        named = pd.concat([named, by_partner], ignore_index=True)
    out = items.merge(named, on=["source_kind", "source_id"], how="left", sort=False)
    answers = out["state"].isin(_ADDRESSING).astype(bool)
    out["addressed"] = answers.groupby([out["rule"], out["source_kind"], out["source_id"]]).transform("any")
    out["addressed"] = out["addressed"].astype(bool)
    return out.reset_index(drop=True)
