"""The delivery page: follow-through on commitments, overdue commitments and contributions,
as of a quarter end, by sector and partner.

For all partners every frame is the snapshot's (the report's); for a sector or a partner the
same analyses run on :func:`~partner_analytics.analysis.snapshot.partners_view` of the
snapshot's view. Cards read the row of all partners of ``follow_through``
(:func:`~partner_analytics.analysis.headlines.follow_through_total`), the upcoming
commitments and the contribution total.
"""

from __future__ import annotations

import functools

import pandas as pd

from partner_analytics.analysis.delivery import UPCOMING_DAYS
from partner_analytics.dashboards import layout as L
from partner_analytics.dashboards import widgets as W
from partner_analytics.dashboards.page import (
    Dashboard,
    Page,
    build_page,
    empty_or,
    safe_frame,
    warm,
)
from partner_analytics.errors import MissingTableError
from partner_analytics.present.formats import date_text, fmt_money, fmt_percent, label
from partner_analytics.present.tables import html_table

__all__ = ["TEXT", "WARM_QUARTERS", "delivery_cards", "delivery_page"]

#: New words of the delivery page (one place, for translation).
TEXT = {
    "sheet_follow": "Follow-through",
    "sheet_overdue": "Overdue commitments",
    "sheet_upcoming": "Due in the next days",
    "sheet_over_time": "Contributions over time",
    "sheet_flows": "Contribution flows",
    "sheet_total": "Contributions delivered",
}

#: Quarter ends before the latest that the delivery page computes in a preheated kernel.
WARM_QUARTERS = 4
#: The frames of the delivery page (the snapshot's names).
FRAMES = (
    "follow_through", "overdue_commitments", "upcoming_commitments", "contribution_flows",
    "contributions_over_time", "contribution_total",
)  # fmt: skip
#: The frames the cards and the listing read.
TEXT_FRAMES = ("follow_through", "upcoming_commitments", "contribution_total")


def _compute(name: str, view, day: pd.Timestamp):
    from partner_analytics.analysis import delivery as D

    if name in ("follow_through", "overdue_commitments", "upcoming_commitments"):
        return getattr(D, name)(view, as_of=day)
    if name == "contribution_total":
        return D.contribution_summary(view, by=())
    return getattr(D, name)(view)


def delivery_cards(who: str, total, why: str | None, upcoming, contributions) -> list[str]:
    """The cards of a selection: ``total`` is the row of all partners of ``follow_through``
    (None with ``why`` when there is none), ``upcoming`` the upcoming commitments (None when
    the package has no commitments), ``contributions`` the contribution total."""
    from partner_analytics.figures.theme import follow_through_tone, tone_color

    cards = []
    if total is not None and int(total["due"]):
        n_over, oldest = int(total["overdue"]), total["max_days_overdue"]
        # the one rule of every page: bad when any is overdue, good only when all on time
        tone = follow_through_tone(total["rate"], n_over)
        cards.append(L.card("Commitments kept on time", fmt_percent(total["rate"], ratio=True),
                            detail=f"{who}: {int(total['on_time'])} on time of {int(total['due'])} due",
                            accent=tone_color(tone), key="follow_through"))  # fmt: skip
        cards.append(L.card("Overdue", str(n_over), unit=f"of {int(total['due'])} due",
                            detail=f"the oldest {int(oldest)} days overdue" if n_over and not pd.isna(oldest) else who,
                            accent=tone_color("bad" if n_over else "good"), key="overdue"))  # fmt: skip
    else:
        cards.append(L.card("Commitments kept on time", "–",
                            detail=f"{who}: {why or 'no commitment due yet'}", key="follow_through"))  # fmt: skip
    if upcoming is not None:
        cards.append(L.card(f"Due in the next {UPCOMING_DAYS} days", str(len(upcoming)), detail=who,
                            accent=tone_color("neutral"), key="upcoming"))  # fmt: skip
    if contributions is not None and len(contributions) and float(contributions["pledged"].iloc[0]) > 0:
        from partner_analytics.dashboards.overview import delivered_bar

        t = contributions.iloc[0]
        cur = t["currency"] if isinstance(t["currency"], str) else ""
        share = None if pd.isna(t["fulfilment"]) else float(t["fulfilment"])
        pledged = fmt_money(t["pledged"], cur)
        cards.append(L.card(
            "Contributions delivered", fmt_money(t["delivered"], cur),
            detail=(f"{who}: {fmt_percent(share, ratio=True)} of {pledged} pledged"
                    if share is not None else f"{who}: of {pledged} pledged"),
            accent=tone_color("neutral"), extra=delivered_bar(share), key="delivered",
        ))  # fmt: skip
    else:
        cards.append(L.card("Contributions delivered", "–",
                            detail=f"{who}: no contribution dated by this day", key="delivered"))  # fmt: skip
    return cards


def _upcoming_html(upcoming) -> str:
    if upcoming is None:
        return ""
    listing = pd.DataFrame({"Partner": upcoming["partner"].tolist(),
                            "Commitment": upcoming["description"].tolist(),
                            "Due": [date_text(d) for d in upcoming["due_date"]]})  # fmt: skip
    return html_table(listing, caption=f"Commitments falling due in the next {UPCOMING_DAYS} days",
                      empty=f"No commitment falls due in the next {UPCOMING_DAYS} days.")  # fmt: skip


class _Delivery:
    """The delivery page: its controls, the frames of each (day, selection), the figures."""

    def __init__(self, page: Page):
        from partner_analytics.analysis.snapshot import quarter_ends
        from partner_analytics.figures.theme import SECTOR_COLORS

        self.page = p = page
        self.p = p.p
        if not (self.p.has("commitments") or self.p.has("contributions")):
            self.p.require("commitments", by="the delivery dashboard")
        self.days = quarter_ends(self.p)
        partners = self.p.partners
        self.partners = partners[partners["role"].fillna("") != "candidate"]
        self.names = dict(zip(self.partners["partner_id"], self.partners["name"], strict=True))
        self.sectors = [s for s in SECTOR_COLORS if (self.partners["sector"] == s).any()]
        self.as_of = W.as_of_selector(self.days)
        self.sector = W.sector_filter(self.sectors)
        self.partner = W.partner_filter(self.partners)
        page.add_controls(as_of=self.as_of, sector=self.sector, partner=self.partner)
        self.cards_w = page.html("cards")
        self.updating = False
        # one cache per page (not per process): frames and figures of a day and selection
        self.frame = functools.lru_cache(maxsize=256)(self._frame)
        self.builds = {
            "follow_through": functools.lru_cache(maxsize=128)(self._follow_fig),
            "overdue": functools.lru_cache(maxsize=128)(self._overdue_fig),
            "contributions_over_time": functools.lru_cache(maxsize=128)(self._over_time_fig),
            "contribution_flows": functools.lru_cache(maxsize=128)(self._flows_fig),
        }

    # ---------------------------------------------------------------- frames
    def selection(self, sec: str, par: str) -> tuple[str, ...] | None:
        """The chosen partners (None: all of them)."""
        if par != W.ALL:
            return (par,)
        if sec != W.ALL:
            return tuple(sorted(self.partners.loc[self.partners["sector"] == sec, "partner_id"]))
        return None

    def current(self) -> tuple[str, tuple[str, ...] | None]:
        return self.as_of.value, self.selection(self.sector.value, self.partner.value)

    def _frame(self, name: str, day: str, sel: tuple[str, ...] | None):
        """An analysis frame as of ``day`` for the chosen partners: (frame, None) or (None, why)."""
        from partner_analytics.analysis.snapshot import partners_view, snapshot

        snap = snapshot(self.p, pd.Timestamp(day))
        if sel is None:
            return safe_frame(lambda: snap.frame(name))
        view = partners_view(snap.view, sel)
        return safe_frame(lambda: _compute(name, view, snap.as_of))

    def need(self, name: str, day: str, sel):
        f, why = self.frame(name, day, sel)
        if f is None:
            raise MissingTableError(why)
        return f

    # ---------------------------------------------------------------- figures
    def _follow_fig(self, day, sel):
        from partner_analytics.analysis.delivery import OVERALL_ID
        from partner_analytics.figures import delivery as FD

        f = self.need("follow_through", day, sel)
        rows = f[f["partner_id"] != OVERALL_ID] if sel is not None else f
        return empty_or(rows, "No commitment of this selection.", FD.plot_follow_through)

    def _overdue_fig(self, day, sel):
        from partner_analytics.figures import delivery as FD

        return FD.plot_overdue_commitments(self.need("overdue_commitments", day, sel), as_of=pd.Timestamp(day))

    def _over_time_fig(self, day, sel):
        from partner_analytics.figures import delivery as FD

        return empty_or(self.need("contributions_over_time", day, sel),
                        "No contribution of this selection yet.", FD.plot_contributions_over_time)  # fmt: skip

    def _flows_fig(self, day, sel):
        from partner_analytics.figures import delivery as FD

        return empty_or(self.need("contribution_flows", day, sel),
                        "No contribution of this selection yet.", FD.plot_contribution_flows)  # fmt: skip

    # ---------------------------------------------------------------- the page
    def lay_out(self) -> None:
        page, b = self.page, self.builds
        page.section("Commitments")
        page.row(
            lambda: page.figure("follow_through", lambda: b["follow_through"](*self.current()), what="commitments"),
            lambda: page.figure("overdue", lambda: b["overdue"](*self.current()), what="commitments"),
        )  # fmt: skip
        self.upcoming_w = page.html("upcoming")
        page.section("Contributions")
        page.row(
            lambda: page.figure("contributions_over_time",
                                lambda: b["contributions_over_time"](*self.current()), what="contributions"),
            lambda: page.figure("contribution_flows",
                                lambda: b["contribution_flows"](*self.current()), what="contributions"),
        )  # fmt: skip

    def who(self) -> str:
        if self.partner.value != W.ALL:
            return self.names.get(self.partner.value, "")
        if self.sector.value != W.ALL:
            return f"{label(self.sector.value)} partners"
        return "All partners"

    def draw_text(self) -> None:
        from partner_analytics.analysis.headlines import follow_through_total

        day, sel = self.current()
        ft, why = self.frame("follow_through", day, sel)
        up, _ = self.frame("upcoming_commitments", day, sel)
        tot, _ = self.frame("contribution_total", day, sel)
        total = follow_through_total(ft) if ft is not None and len(ft) else None
        self.cards_w.value = L.cards(delivery_cards(self.who(), total, why, up, tot), columns=4)
        self.upcoming_w.value = _upcoming_html(up)
        self.page.set_as_of(day, "commitments and contributions")

    def draw(self) -> None:
        if self.updating:
            return
        day, sel = self.current()
        empty = f"Nothing for this selection as of {date_text(day)}."
        for key, build in self.builds.items():
            self.page.update(key, lambda build=build: build(day, sel), empty=empty)
        self.draw_text()

    def sector_changed(self) -> None:
        # the partner list follows the sector; resetting it must not draw twice
        self.updating = True
        try:
            sec = self.sector.value
            shown = self.partners if sec == W.ALL else self.partners[self.partners["sector"] == sec]
            ordered = shown.sort_values("name", key=lambda x: x.str.casefold())
            self.partner.options = [("All partners", W.ALL)] + list(
                zip(ordered["name"].astype(str), ordered["partner_id"].astype(str), strict=True)
            )
            self.partner.value = W.ALL
        finally:
            self.updating = False
        self.draw()

    def exports(self) -> None:
        """The sheets of the delivery workbook: each frame of the day and selection shown."""

        def frame(name):
            def rows():
                day, sel = self.current()
                f, _ = self.frame(name, day, sel)
                return f

            return rows

        page = self.page
        page.export(TEXT["sheet_follow"], frame("follow_through"))
        page.export(TEXT["sheet_overdue"], frame("overdue_commitments"))
        page.export(TEXT["sheet_upcoming"], frame("upcoming_commitments"))
        page.export(TEXT["sheet_total"], frame("contribution_total"))
        page.export(TEXT["sheet_over_time"], frame("contributions_over_time"))
        page.export(TEXT["sheet_flows"], frame("contribution_flows"))

    def warm_up(self) -> None:
        """In a preheated kernel: each sector as of the latest day and the quarter before,
        and the quarter ends of the year before for all partners (frames, figures, cards);
        another day and selection is computed when first chosen."""
        builds = list(self.builds.values())
        earlier = [d.date().isoformat() for d in reversed(self.days[:-1])][:WARM_QUARTERS]
        sels = [self.selection(sec, W.ALL) for sec in self.sectors]
        warm(
            *[functools.partial(b, self.as_of.value, sel) for sel in sels for b in builds],
            *[functools.partial(b, day, None) for day in earlier for b in builds],
            *[functools.partial(self.frame, name, day, None) for day in earlier for name in TEXT_FRAMES],
            *[functools.partial(b, day, sel) for day in earlier[:1] for sel in sels for b in builds],
            *[functools.partial(self.frame, name, day, sel)
              for day in earlier[:1] for sel in sels for name in TEXT_FRAMES],
        )  # fmt: skip


def _build(page: Page) -> None:
    d = _Delivery(page)
    d.lay_out()
    d.draw_text()
    page.on_change([d.as_of, d.partner], d.draw)
    page.on_change([d.sector], d.sector_changed)
    d.exports()
    d.warm_up()


def delivery_page(path=None, *, min_n: int | None = None) -> Dashboard:
    """Delivery: commitments and contributions as of a quarter end, by sector and partner.

    ``min_n``: the small-cell threshold (default: the package's setting).
    """
    return build_page("delivery", _build, path, min_n=min_n)
