"""The actions page: what the steering group decided, who does it, by when, and whether it
happened, as of a quarter end; filtered by owner, status and source.

The table is :func:`~partner_analytics.analysis.actions.action_alerts` of the day (each
action's state, age and whether its source still raises an alert); the cards count the
actions of the chosen owner and source (:func:`~partner_analytics.analysis.actions.action_counts`);
the alerts without an action are :func:`~partner_analytics.analysis.actions.alert_actions`.
Words come from :mod:`partner_analytics.present.actions`.
"""

from __future__ import annotations

import functools

import pandas as pd

from partner_analytics.dashboards import layout as L
from partner_analytics.dashboards import widgets as W
from partner_analytics.dashboards.page import Dashboard, Page, build_page, warm
from partner_analytics.present.formats import date_text, fmt_percent

__all__ = ["STATUS_CHOICES", "TEXT", "actions_cards", "actions_page"]

#: Words of the page (one place, for translation).
TEXT = {
    "sheet_actions": "Actions",
    "sheet_unanswered": "Alerts without an action",
}

#: The status filter: (words, state of analysis.actions.ACTION_STATES).
STATUS_CHOICES = (
    ("Open, not overdue", "open"),
    ("Overdue", "overdue"),
    ("Done on time", "done_on_time"),
    ("Done late", "done_late"),
    ("Dropped", "dropped"),
)
#: The columns of the table (present.actions.action_table).
TABLE_COLUMNS = ("title", "owner", "source", "raised", "due", "state", "closed", "age", "alert")


def actions_cards(counts: pd.Series, who: str) -> list[str]:
    """The cards of a selection from :func:`~partner_analytics.analysis.actions.action_counts`."""
    n_over = int(counts["overdue"])
    ft = counts["follow_through"]
    return [
        L.card("Open actions", str(int(counts["open"])), unit=f"of {int(counts['n_actions'])}",
               detail=who, accent="#1f5fa8", key="open"),
        L.card("Overdue", str(n_over), detail=(f"the oldest {int(counts['oldest_overdue_days'])} days overdue"
                                              if n_over else who),
               accent="#c0392b" if n_over else "#1b7837", key="overdue"),
        L.card("Done on time", str(int(counts["done_on_time"])), unit=f"of {int(counts['done'])} done",
               detail=f"{int(counts['dropped'])} dropped", accent="#1b7837", key="done_on_time"),
        L.card("Follow-through", fmt_percent(ft, ratio=True) if not pd.isna(ft) else "–",
               detail="done on time / (done + overdue)", accent="#17324d", key="follow_through"),
    ]  # fmt: skip


class _Actions:
    """The page: its controls, the frames of each day (kept per page), the parts."""

    def __init__(self, page: Page):
        from partner_analytics.analysis.snapshot import quarter_ends
        from partner_analytics.data.schemas import SOURCE_KINDS
        from partner_analytics.present.actions import KIND_WORDS

        self.page = page
        self.p = p = page.p
        p.require("actions", by="the actions dashboard")
        self.days = quarter_ends(p)
        owners = p.partners[p.partners["partner_id"].isin(set(p.actions["owner_partner_id"]))]
        kinds = [k for k in SOURCE_KINDS if (p.actions["source_kind"] == k).any()]
        self.as_of = W.as_of_selector(self.days)
        ordered = owners.sort_values("name", key=lambda x: x.str.casefold())
        self.owner = W.dropdown(
            "Owner",
            [("All owners", W.ALL),
             *zip(ordered["name"].astype(str), ordered["partner_id"].astype(str), strict=True)],
        )  # fmt: skip
        self.status = W.dropdown("Status", [("All statuses", W.ALL), *STATUS_CHOICES])
        self.kind = W.dropdown(
            "Source",
            [("All sources", W.ALL), *[(KIND_WORDS[k], k) for k in kinds], ("No source", _NONE)],
        )
        self.names = dict(zip(owners["partner_id"], owners["name"], strict=True))
        page.add_controls(as_of=self.as_of, owner=self.owner, status=self.status, kind=self.kind)
        self.cards_w = page.html("cards")
        page.section("Actions")
        self.table_w = page.html("table")
        self.table_w.add_class("pa-actions-table")
        page.section("Current alerts with no action yet")
        self.unanswered_w = page.html("unanswered")
        # kept per page (not per process): the frames of a day
        self.frames = functools.lru_cache(maxsize=32)(self._frames)

    def _frames(self, day: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        from partner_analytics.analysis.actions import action_alerts, alert_actions

        d = pd.Timestamp(day)
        return action_alerts(self.p, as_of=d), alert_actions(self.p, as_of=d)

    def selected(self, frame: pd.DataFrame, *, status: bool) -> pd.DataFrame:
        """The rows of the chosen owner and source (and status, when ``status``)."""
        keep = pd.Series(True, index=frame.index)
        if self.owner.value != W.ALL:
            keep &= frame["owner_partner_id"] == self.owner.value
        if self.kind.value == _NONE:
            keep &= frame["source_kind"].isna()
        elif self.kind.value != W.ALL:
            keep &= frame["source_kind"] == self.kind.value
        if status and self.status.value != W.ALL:
            keep &= frame["state"] == self.status.value
        return frame[keep.fillna(False).astype(bool)]

    def who(self) -> str:
        return self.names.get(self.owner.value, "All owners")

    def draw(self) -> None:
        from partner_analytics.analysis.actions import action_counts
        from partner_analytics.present import actions as A
        from partner_analytics.present.tables import html_table

        day = self.as_of.value
        status, links = self.frames(day)
        self.cards_w.value = L.cards(
            actions_cards(action_counts(self.selected(status, status=False)), self.who())
        )
        rows = self.selected(status, status=True)
        chosen = [c.label for c in (self.owner, self.status, self.kind) if c.value != W.ALL]
        self.table_w.value = html_table(
            A.action_table(rows, TABLE_COLUMNS),
            caption=f"Actions raised by {date_text(day)}, by due date"
            + (f": {' · '.join(chosen)}" if chosen else ""),
            empty="No action for this choice.",
        )
        self.unanswered_w.value = html_table(
            A.unanswered_table(links), empty="Every current alert has an open or done action."
        )
        self.page.set_as_of(pd.Timestamp(day), "actions and alerts")


    def exports(self) -> None:
        """The sheets of the page's workbook: the actions of the current choice, as the table
        shows them, and the current alerts with no action yet."""
        from partner_analytics.present import actions as A

        def actions():
            status, _ = self.frames(self.as_of.value)
            return A.action_table(self.selected(status, status=True), TABLE_COLUMNS)

        def unanswered():
            return A.unanswered_table(self.frames(self.as_of.value)[1])

        self.page.export(TEXT["sheet_actions"], actions)
        self.page.export(TEXT["sheet_unanswered"], unanswered)


#: The value of the source filter's "no source" choice.
_NONE = "(none)"


def _build(page: Page) -> None:
    a = _Actions(page)
    if not a.days:
        page.html("message", L.missing_message("any period", "The package has no dated rows yet."))
        page.set_as_of(None)
        return
    a.draw()
    page.on_change([a.as_of, a.owner, a.status, a.kind], a.draw)
    a.exports()
    if len(a.days) > 1:  # the quarter before, in a preheated kernel
        warm(functools.partial(a.frames, a.days[-2].date().isoformat()))


def actions_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """Actions: what was decided, by whom, by when and whether it happened, as of a quarter
    end, by owner, status and source.

    ``min_n``: the small-cell threshold of the alerts (default: the package's setting).
    """
    return build_page("actions", _build, path, min_n=min_n)
