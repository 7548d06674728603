"""The content of the periodic evaluation report, one function per section.

The report template (``templates/report.ipynb``) holds the markdown heading of each
section and one call per section: ``show(ctx, "health")``. A section is a list of blocks
(markdown text, HTML tables, plotly figures) built here from the analyses of the
partnership as of the report day (the context's snapshots) and the headline figures and
comparisons of :mod:`partner_analytics.analysis.headlines`, so that every block can be
tested without a kernel. Sections choose rows and words; they compute nothing (no number
here is not an analysis value). A section whose tables are missing says which table is
missing instead of failing.

Display rules (methods.md): an aggregate over fewer than ``min_n`` raters or respondents
reads "n < {min_n}", never a number; respondent and rater ids, comments and extra columns of
survey tables never appear: the data-quality appendix shows problems and rejected rows
through :mod:`partner_analytics.present.redaction`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from partner_analytics.analysis import headlines as H
from partner_analytics.analysis.delivery import UPCOMING_DAYS
from partner_analytics.analysis.snapshot import EXPECTED_ERRORS
from partner_analytics.data.periods import period_label
from partner_analytics.errors import AnalysisInputError
from partner_analytics.present.formats import (
    fmt_change,
    fmt_money,
    fmt_number,
    fmt_percent,
    iso_date,
    label,
    suppressed_text,
)
from partner_analytics.present.redaction import redacted_problems, redacted_rejected
from partner_analytics.present.tables import headline_table, html_table
from partner_analytics.report.blocks import Block, display_blocks
from partner_analytics.report.context import SECTIONS, ReportContext

__all__ = ["SECTIONS", "section", "show", "title_block"]


# --------------------------------------------------------------------------- blocks


def _md(text: str) -> Block:
    return Block("markdown", text)


def _html(text: str) -> Block:
    return Block("html", text)


def _table(frame: pd.DataFrame, *, caption: str | None = None, raw=()) -> Block:
    """A frame of text as an HTML table block (the one table renderer)."""
    return _html(html_table(frame, caption=caption, raw=raw))


def _missing(what: str, message: str | None) -> Block:
    msg = message or "no data"
    return _md(f"> **{what} is not available.** {msg}.")


def _try_figure(blocks: list[Block], build) -> None:
    """Add a figure; a figure that cannot be drawn from these data is left out.

    The report draws figures that show more than the tables next to them (the grid with
    its arrows, trends, the radar against the previous wave, the gap heat table, flows,
    the checklist); a bar chart repeating a table is left out: each figure costs about
    0.1 s of the report's time (docs/reports.md, Speed).
    """
    try:
        blocks.append(Block("figure", build()))
    except (ValueError, KeyError, *EXPECTED_ERRORS):
        pass


def _changes(ctx: ReportContext, section_key: str) -> list[Block]:
    h = ctx.headlines()
    h = h[h["section"] == section_key]
    if not len(h):
        return []
    return [
        _md(f"**What changed since {ctx.prev.label}**"),
        _table(headline_table(h, min_n=ctx.min_n)),
    ]


# --------------------------------------------------------------------------- sections


def _summary(ctx: ReportContext) -> list[Block]:
    p = ctx.p
    out = [
        _md(
            f"Partnership **{p.name}**, as of **{ctx.as_of.date().isoformat()}** "
            f"({ctx.now.label}), compared with **{ctx.prev.as_of.date().isoformat()}** "
            f"({ctx.prev.label}). Figures over fewer than {ctx.min_n} raters or respondents "
            f'read "{suppressed_text(ctx.min_n)}".'
        )
    ]
    h = ctx.highlights()
    if len(h):
        items = []
        for r in h.itertuples(index=False):
            items.append(
                f'<li class="pa-hl pa-{r.severity}"><span class="pa-badge pa-{r.severity}">'
                f"{html.escape(r.severity)}</span> {html.escape(r.sentence)}</li>"
            )
        out.append(_html('<ul class="pa-highlights">' + "".join(items) + "</ul>"))
    else:
        out.append(_md("No highlight: the package holds too little to compare."))
    out.append(_md(f"**Headline figures: what changed since {ctx.prev.label}**"))
    out.append(_table(headline_table(ctx.headlines(), min_n=ctx.min_n)))
    return out


def _composition(ctx: ReportContext) -> list[Block]:
    s = ctx.now
    out = _changes(ctx, "composition")
    div = s.get("sector_diversity")
    if div is None:
        return out + [_missing("Sector diversity", s.problem("sector_diversity"))]
    t = pd.DataFrame(
        {
            "Sector": [label(x) for x in div["sector"]],
            "Active partners": [fmt_number(v, 0) for v in div["n_partners"]],
            "Share": [fmt_percent(v, 0, ratio=True) for v in div["share"]],
            "Candidates": [fmt_number(v, 0) for v in div["n_candidates"]],
        }
    )
    out.append(_table(t, caption=f"Partners per sector as of {s.as_of.date().isoformat()}"))
    if H.composition_counts(div)["public_private_only"]:
        out.append(
            _md("The partnership has **no active civil-society partner** (public-private only).")
        )
    ns = s.get("network_summary")
    if ns is not None and len(ns):
        t = pd.DataFrame(
            {
                "Wave": ns["wave"],
                "Partners in the network": [fmt_number(v, 0) for v in ns["nodes"]],
                "Working relationships (cooperation or more)": [
                    fmt_number(v, 0) for v in ns["edges"]
                ],
                "Density": [fmt_percent(v, 0, ratio=True) for v in ns["density"]],
                "Mean trust (1-4)": [fmt_number(v, 2) for v in ns["mean_trust"]],
                "Mean value (1-4)": [fmt_number(v, 2) for v in ns["mean_value"]],
            }
        )
        out.append(_table(t, caption="Who works with whom (relationship survey)"))
    return out


def _cells(values, suppressed, text, min_n: int) -> list[str]:
    """A column of a table: ``text(value)``, or "n < {min_n}" where the row is suppressed."""
    hide = suppressed_text(min_n)
    return [hide if x else text(v) for v, x in zip(values, suppressed, strict=True)]


def _name(v) -> str:
    return label(v) if isinstance(v, str) else "–"


_QUADRANT_ORDER = {
    q: i for i, q in enumerate(("manage_closely", "keep_satisfied", "keep_informed", "monitor"))
}


def _grid_table(cur: pd.DataFrame, m: int) -> pd.DataFrame:
    """The power-interest grid of a wave as text, by quadrant then name; suppressed last."""
    supp = cur["suppressed"].astype(bool)
    t = pd.DataFrame(
        {
            "Stakeholder": cur["name"],
            "Group": cur["group"].fillna("–"),
            "Quadrant": _cells(cur["quadrant"], supp, label, m),
            "Power": _cells(cur["power"], supp, lambda v: fmt_number(v, 1), m),
            "Interest": _cells(cur["interest"], supp, lambda v: fmt_number(v, 1), m),
            "Raters": [fmt_number(v, 0) for v in cur["n_raters"]],
            "Contested": _cells(cur["contested"], supp, lambda c: "yes" if c else "", m),
            "Stance": _cells(cur["stance"], supp, _name, m),
        }
    )
    order = [
        99 if x else _QUADRANT_ORDER.get(q, 50) for q, x in zip(cur["quadrant"], supp, strict=True)
    ]
    return t.assign(_o=order).sort_values(["_o", "Stakeholder"], kind="stable").drop(columns="_o")


def _moved_blocks(ctx: ReportContext, mv: pd.DataFrame) -> list[Block]:
    """The stakeholders who changed quadrant in the waves since the previous period's."""
    ppi = ctx.prev.get("power_interest")
    since = H.latest_wave(ppi) or ctx.prev.label
    moved = H.stakeholders_moved_since(mv, ppi)
    if not len(moved):
        return [_md(f"No stakeholder changed quadrant since {since}.")]
    t = pd.DataFrame(
        {
            "Stakeholder": moved["name"],
            "From": [f"{label(q)} ({w})" for q, w in zip(moved["quadrant_before"], moved["from_wave"], strict=True)],
            "To": [f"{label(q)} ({w})" for q, w in zip(moved["quadrant_after"], moved["to_wave"], strict=True)],
            "Power change": [fmt_change(v, 1) for v in moved["power_change"]],
            "Interest change": [fmt_change(v, 1) for v in moved["interest_change"]],
        }
    )  # fmt: skip
    return [_table(t, caption=f"Stakeholders who changed quadrant since {since}")]


def _stakeholders(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.stakeholders import plot_power_interest

    s = ctx.now
    out = _changes(ctx, "stakeholders")
    pi = s.get("power_interest")
    if pi is None or not len(pi):
        why = s.problem("power_interest") or f"no ratings on or before {s.label}"
        return out + [_missing("The stakeholder grid", why)]
    wave = H.latest_wave(pi)
    mv = s.get("stakeholder_movement")
    _try_figure(out, lambda: plot_power_interest(pi, movement=mv, wave=wave))
    caption = (
        f"The power-interest grid in {wave} (latest wave on or before {s.as_of.date().isoformat()})"
    )
    out.append(_table(_grid_table(H.wave_rows(pi, wave), ctx.min_n), caption=caption))
    if mv is not None and len(mv):
        out += _moved_blocks(ctx, mv)
    return out


def _index_table(hi: pd.DataFrame, m: int) -> pd.DataFrame:
    supp = hi["suppressed"].astype(bool)
    return pd.DataFrame(
        {
            "Wave": hi["wave"],
            "Index (0-100)": _cells(hi["index"], supp, lambda v: fmt_number(v, 1), m),
            "95 % interval": _cells(
                list(zip(hi["ci_low"], hi["ci_high"], strict=True)), supp,
                lambda ab: f"{fmt_number(ab[0], 1)} – {fmt_number(ab[1], 1)}", m,
            ),
            "Band": _cells(hi["band"], supp, label, m),
            "Factors used": [fmt_number(v, 0) for v in hi["n_factors"]],
            "Respondents": [fmt_number(v, 0) for v in hi["n_respondents"]],
            "Change": _cells(hi["change"], supp, lambda v: fmt_change(v, 1), m),
        }
    )  # fmt: skip


def _factor_table(cur: pd.DataFrame, m: int) -> pd.DataFrame:
    supp = cur["suppressed"].astype(bool)
    return pd.DataFrame(
        {
            "Factor": cur["factor"],
            "Mean (1-5)": _cells(cur["mean"], supp, lambda v: fmt_number(v, 2), m),
            "Band": _cells(cur["band"], supp, _name, m),
            "Respondents": [fmt_number(v, 0) for v in cur["n_respondents"]],
            "Change": _cells(cur["change"], supp, lambda v: fmt_change(v, 2), m),
            "Since": cur["previous_wave"].fillna("–"),
        }
    )


def _gap_blocks(pg: pd.DataFrame, wave: str) -> list[Block]:
    flagged = H.flagged_gaps(pg, wave)
    if not len(flagged):
        return [_md(f"No factor shows a gap of 1.0 or more between sectors in {wave}.")]
    t = pd.DataFrame(
        {
            "Factor": flagged["factor"],
            "Gap": [fmt_number(v, 2) for v in flagged["gap"]],
            "Highest": [label(v) for v in flagged["highest_group"]],
            "Lowest": [label(v) for v in flagged["lowest_group"]],
            "Sectors compared": [fmt_number(v, 0) for v in flagged["n_groups_compared"]],
        }
    )
    caption = f"Factors that sectors see differently in {wave} (gap of 1.0 or more)"
    return [_table(t, caption=caption)]


def _health(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.health import (
        plot_factor_radar,
        plot_health_index,
        plot_perception_gaps,
    )

    s, m = ctx.now, ctx.min_n
    out = _changes(ctx, "health")
    hi = s.get("health_index")
    if hi is None or not len(hi):
        why = s.problem("health_index") or f"no assessments on or before {s.label}"
        return out + [_missing("Collaboration health", why)]
    out.append(_md(f"Instrument: {ctx.p.instrument} factors."))
    _try_figure(out, lambda: plot_health_index(hi))
    out.append(_table(_index_table(hi, m), caption="The collaboration health index per wave"))
    fs = s.get("factor_scores")
    if fs is not None and len(fs):
        wave = H.latest_wave(fs)
        _try_figure(out, lambda: plot_factor_radar(fs, wave=wave))
        out.append(
            _table(_factor_table(H.wave_rows(fs, wave), m), caption=f"Factor means in {wave}")
        )
    pg = s.get("perception_gaps")
    if pg is not None and len(pg):
        wave = H.latest_wave(pg)
        _try_figure(out, lambda: plot_perception_gaps(pg, wave=wave))
        out += _gap_blocks(pg, wave)
    return out


def _commitments(ctx: ReportContext) -> list[Block]:
    s = ctx.now
    out = _changes(ctx, "commitments")
    ft = s.get("follow_through")
    if ft is None:
        return out + [_missing("Commitments follow-through", s.problem("follow_through"))]
    t = pd.DataFrame(
        {
            "Partner": ft["partner"],
            "Due": [fmt_number(v, 0) for v in ft["due"]],
            "On time": [fmt_number(v, 0) for v in ft["on_time"]],
            "Late": [fmt_number(v, 0) for v in ft["late"]],
            "Overdue": [fmt_number(v, 0) for v in ft["overdue"]],
            "Follow-through": [fmt_percent(v, 0, ratio=True) for v in ft["rate"]],
            "Mean delay (days)": [fmt_number(v, 0) for v in ft["mean_delay_days"]],
        }
    )
    out.append(
        _table(t, caption=f"Follow-through as of {s.as_of.date().isoformat()} (on time / due)")
    )
    od = s.get("overdue_commitments")
    if od is not None and len(od):
        out.append(
            _commitment_list(
                od, "days_overdue", "Days overdue", "Overdue commitments, the oldest first"
            )
        )
    else:
        out.append(_md("No commitment is overdue."))
    up = s.get("upcoming_commitments")
    if up is not None and len(up):
        out.append(
            _commitment_list(
                up, "days_until_due", "Days to go", f"Falling due in the next {UPCOMING_DAYS} days"
            )
        )
    return out


def _commitment_list(frame: pd.DataFrame, days: str, days_label: str, caption: str) -> Block:
    """A table of commitments (overdue or falling due): partner, what, due date, days."""
    t = pd.DataFrame(
        {
            "Partner": frame["partner"],
            "Commitment": frame["description"],
            "Due": [iso_date(v) for v in frame["due_date"]],
            days_label: [fmt_number(v, 0) for v in frame[days]],
        }
    )
    return _table(t, caption=caption)


def _contributions(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.delivery import (
        plot_contribution_flows,
        plot_contributions_over_time,
    )

    s = ctx.now
    out = _changes(ctx, "contributions")
    ct = s.get("contribution_total")
    if ct is None:
        return out + [_missing("Contributions", s.problem("contribution_total"))]
    if not len(ct) or float(ct["pledged"].iloc[0]) == 0:
        return out + [_md(f"No contribution is dated on or before {s.as_of.date().isoformat()}.")]
    cur = ct["currency"].iloc[0] if isinstance(ct["currency"].iloc[0], str) else ""
    ot = s.get("contributions_over_time")
    if ot is not None and len(ot):
        _try_figure(out, lambda: plot_contributions_over_time(ot))
    sh = s.get("sector_shares")
    if sh is not None and len(sh):
        t = pd.DataFrame(
            {
                "Sector": [label(v) for v in sh["sector"]],
                "Partners": [fmt_number(v, 0) for v in sh["n_partners"]],
                "Pledged": [fmt_money(v, cur) for v in sh["pledged"]],
                "Delivered": [fmt_money(v, cur) for v in sh["delivered"]],
                "Delivered / pledged": [fmt_percent(v, 0, ratio=True) for v in sh["fulfilment"]],
                "Share of delivered value": [fmt_percent(v, 0, ratio=True) for v in sh["share"]],
            }
        )
        out.append(
            _table(t, caption=f"Contributions per sector up to {s.as_of.date().isoformat()}")
        )
    bp = s.get("contribution_by_partner")
    if bp is not None and len(bp):
        bp = bp.sort_values(["fulfilment", "partner"], kind="stable")
        t = pd.DataFrame(
            {
                "Partner": bp["partner"],
                "Contributions": [fmt_number(v, 0) for v in bp["n_contributions"]],
                "Pledged": [fmt_money(v, cur) for v in bp["pledged"]],
                "Delivered": [fmt_money(v, cur) for v in bp["delivered"]],
                "Delivered / pledged": [fmt_percent(v, 0, ratio=True) for v in bp["fulfilment"]],
            }
        )
        out.append(
            _table(t, caption="Contributions per partner, the smallest share delivered first")
        )
    fl = s.get("contribution_flows")
    if fl is not None and len(fl):
        _try_figure(out, lambda: plot_contribution_flows(fl))
    return out


def _indicators(ctx: ReportContext) -> list[Block]:
    from partner_analytics.analysis.indicators import indicator_trend
    from partner_analytics.figures.indicators import plot_indicator_trend

    s = ctx.now
    out = _changes(ctx, "indicators")
    sc = s.get("indicator_scores")
    if sc is None:
        return out + [_missing("Indicator progress", s.problem("indicator_scores"))]
    ch = H.indicator_status_changes(sc, ctx.prev.get("indicator_scores"))
    frame = ch.assign(_p=ch["pillar"].fillna("~")).sort_values(
        ["_p", "score"], ascending=[True, False], kind="stable"
    )
    was = f"Status in {ctx.prev.label}"
    t = pd.DataFrame(
        {
            "Pillar": [label(v) if isinstance(v, str) else "–" for v in frame["pillar"]],
            "Indicator": frame["name"],
            "Status": [_status_cell(v) for v in frame["status"]],
            was: [_status_cell(v) for v in frame["status_before"]],
            "Score (-5..5)": [fmt_number(v, 2) for v in frame["score"]],
            "Changed": ["yes" if c else "" for c in frame["changed"]],
        }
    )
    out.append(
        _table(
            t,
            caption=f"Indicator status by pillar as of {s.as_of.date().isoformat()} (Open SDG progress measure)",
            raw=("Status", was),
        )
    )
    changed = ch.loc[ch["changed"], "parent_id"].tolist()
    if not changed:
        out.append(_md(f"No indicator changed status since {ctx.prev.label}."))
        return out
    out.append(
        _md(
            f"**Trends of the {len(changed)} indicator(s) whose status changed since {ctx.prev.label}**"
        )
    )
    ids = [i for i in changed if i in set(s.view.indicators["indicator_id"])]
    if ids:
        try:
            tr = indicator_trend(s.view, ids, as_of=s.as_of)
        except EXPECTED_ERRORS:
            tr = None
        for iid in ids:
            if tr is not None and (tr["indicator_id"] == iid).any():
                _try_figure(out, lambda iid=iid: plot_indicator_trend(tr, indicator_id=iid))
    return out


def _status_cell(status) -> str:
    from partner_analytics.figures.theme import STATUS_COLORS

    if not isinstance(status, str):
        return "–"
    colour = STATUS_COLORS.get(status, "#9e9e9e")
    return (
        f'<span class="pa-status" style="border-left: 0.8em solid {colour}; padding-left: 0.4em">'
        f"{html.escape(label(status))}</span>"
    )


def _competencies(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.competencies import plot_priority_coverage

    s = ctx.now
    out = _changes(ctx, "competencies")
    al = s.get("competency_alignment")
    if al is None:
        return out + [_missing("Competency alignment", s.problem("competency_alignment"))]
    _try_figure(out, lambda: plot_priority_coverage(al))
    t = pd.DataFrame(
        {
            "Objective": al["name"],
            "Area": [label(v) for v in al["area"]],
            "Priority (1-5)": [fmt_number(v, 0) for v in al["priority"]],
            "Coverage (0-3)": [fmt_number(v, 0) for v in al["coverage"]],
            "Partners strong here": [fmt_number(v, 0) for v in al["depth"]],
            "Gap": [fmt_number(v, 2) for v in al["gap"]],
        }
    )
    out.append(_table(t, caption="Objectives and how well the active partners cover them"))
    spof = s.get("single_points_of_failure")
    if spof is not None and len(spof):
        t = pd.DataFrame(
            {
                "Area": [label(v) for v in spof["area"]],
                "Only sector": [label(v) for v in spof["sector"]],
                "Partners": spof["partners"],
                "Objectives in the area": [fmt_number(v, 0) for v in spof["n_objectives"]],
            }
        )
        out.append(_table(t, caption="Single points of failure: areas covered by one sector only"))
    fit = s.get("candidate_fit")
    if fit is not None and len(fit):
        t = pd.DataFrame(
            {
                "Rank": [fmt_number(v, 0) for v in fit["rank"]],
                "Candidate": fit["name"],
                "Sector": [label(v) for v in fit["sector"]],
                "Alignment gain (points)": [fmt_number(v, 1) for v in fit["gain"]],
                "Areas improved": fit["areas_improved"].fillna(""),
                "Adds a sector": ["yes" if v else "" for v in fit["adds_sector"]],
            }
        )
        out.append(
            _table(t, caption="Candidate partners ranked by the gain in the alignment index")
        )
    elif fit is not None:
        out.append(_md("The package lists no candidate partner."))
    return out


def _readiness(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.readiness import plot_readiness_checklist

    s = ctx.now
    out = _changes(ctx, "readiness")
    rd = s.get("readiness")
    if rd is None or not len(rd):
        return out + [
            _missing(
                "Readiness",
                s.problem("readiness") or f"no review on or before {s.as_of.date().isoformat()}",
            )
        ]
    el = s.get("readiness_elements")
    if el is not None and len(el):
        _try_figure(out, lambda: plot_readiness_checklist(el))
    t = pd.DataFrame(
        {
            "Review": [iso_date(v) for v in rd["review_date"]],
            "Elements reviewed": [fmt_number(v, 0) for v in rd["elements"]],
            "In place": [fmt_number(v, 0) for v in rd["in_place"]],
            "Partial": [fmt_number(v, 0) for v in rd["partial"]],
            "Missing": [fmt_number(v, 0) for v in rd["missing"]],
            "Score": [fmt_percent(v, 0) for v in rd["score"]],
            "Missing elements": rd["missing_elements"].fillna(""),
        }
    )
    out.append(_table(t, caption="Readiness at each review"))
    da = s.get("driver_alignment")
    if da is not None and len(da):
        cols = {c: c for c in da.columns}
        score_col = "score" if "score" in cols else None
        if score_col:
            name_col = "option_id"
            t = pd.DataFrame(
                {
                    "Option": da[name_col],
                    "Alignment with the drivers (%)": [fmt_number(v, 0) for v in da[score_col]],
                }
            )
            out.append(_table(t, caption="Strategic driver alignment of the delivery options"))
    return out


# --------------------------------------------------------------------------- actions


def _actions(ctx: ReportContext) -> list[Block]:
    """Actions: decided since the previous report, due in the next period, overdue with
    their owners, closed since; the current alerts no action answers yet."""
    from partner_analytics.analysis.actions import (
        action_alerts,
        action_follow_through,
        action_review,
        alert_actions,
    )
    from partner_analytics.present import actions as A

    p, day, prev = ctx.p, ctx.as_of, ctx.prev.as_of
    links = alert_actions(p, as_of=day, previous=prev, min_n=ctx.min_n)
    unanswered = A.unanswered_table(links)
    if not p.has("actions") or not (p.actions["raised"] <= day).any():
        out = [_md(f"No action is recorded in the package on or before {iso_date(day)}: the "
                   "steering group's decisions, who carries them out and by when, go in its "
                   "actions table.")]  # fmt: skip
        if len(unanswered):
            out.append(_table(unanswered, caption="Current alerts, for which no action is recorded"))
        return out
    review = action_review(p, as_of=day, previous=prev)
    next_end = review.attrs["next_end"]
    review = review.merge(
        action_alerts(p, as_of=day, previous=prev, min_n=ctx.min_n)[["action_id", "source_state"]],
        on="action_id", how="left",
    )  # fmt: skip
    total = action_follow_through(p, as_of=day).iloc[-1]
    out = [_md(_actions_lead(total, day))]
    since, nxt = ctx.prev.label, period_label(next_end)
    parts = (
        ("decided_since", ["title", "owner", "source", "due", "state"],
         f"Decided since {since}", f"No action was decided since {since}."),
        ("due_next", ["title", "owner", "due", "state", "source"],
         f"Due by the end of {nxt}", f"No open action falls due by the end of {nxt}."),
        ("overdue", ["title", "owner", "due", "days_overdue", "source", "alert"],
         "Overdue, the oldest first", "No action is overdue."),
        ("closed_since", ["title", "owner", "closed", "state", "source", "alert"],
         f"Closed since {since}", f"No action was done or dropped since {since}."),
    )  # fmt: skip
    for flag, columns, caption, empty in parts:
        if flag == "overdue":
            rows = review[review["state"] == "overdue"].sort_values("days_overdue", ascending=False)
        else:
            rows = review[review[flag]]
        out.append(_table(A.action_table(rows, columns), caption=caption) if len(rows) else _md(empty))
    per_owner = action_follow_through(p, as_of=day)
    out.append(_table(A.follow_through_table(per_owner),
                      caption="Follow-through per owner: done on time / (done + overdue)"))  # fmt: skip
    if len(unanswered):
        out.append(_table(unanswered, caption="Current alerts with no action yet"))
    else:
        out.append(_md("Every current alert has an open or done action."))
    return out


def _actions_lead(total, day) -> str:
    """ "As of 30 Sep 2026: 5 open actions, 1 of them overdue; 71 % followed through ..." """
    n_open, n_over = int(total["open"]), int(total["overdue"])
    text = (
        f"As of {iso_date(day)}: **{n_open} open action{'s' if n_open != 1 else ''}**, "
        f"{n_over} of them overdue"
    )
    judged = int(total["done"]) + n_over
    if judged:
        text += (
            f"; {int(total['done_on_time'])} of the {judged} actions done or overdue were done on "
            f"time (follow-through {fmt_percent(total['follow_through'], 0, ratio=True)})"
        )
    return text + "."


# --------------------------------------------------------------------------- appendix


def _package_blocks(p) -> list[Block]:
    """The tables of the package, and those it does not have."""
    from partner_analytics.data.summary import package_summary

    tables = package_summary(p)["tables"]
    missing = tables.loc[tables["rows"] == 0, "table"].tolist()
    t = pd.DataFrame(
        {
            "Table": tables["table"],
            "Rows": [fmt_number(v, 0) for v in tables["rows"]],
            "Given": ["yes" if g else "no" for g in tables["given"]],
        }
    )
    out = [_md("**Tables of the package**"), _table(t)]
    if missing:
        listed = ", ".join(f"`{m}`" for m in missing)
        out.append(_md(f"Tables the package does not have (or has without rows): {listed}."))
    return out


def _quality_blocks(p) -> list[Block]:
    """Problems and rejected rows (redacted: present.redaction), and a store's ledger."""
    out = [_md("**Problems found when loading the package**")]
    pr = redacted_problems(p)
    cols = ["severity", "table", "file", "row", "column", "value", "message"]
    if len(pr):
        out.append(_table(pr[cols].astype("object").fillna("")))
    else:
        out.append(_md("None: the package loaded without errors or warnings."))
    out.append(_md("**Rejected rows**"))
    rej = redacted_rejected(p)
    if len(rej):
        cols = ["table", "file", "row", "reason", "values"]
        out.append(_table(rej[cols].astype("object").fillna("")))
    else:
        out.append(_md("None."))
    if p.ledger is not None and len(p.ledger):
        out.append(_md("**Import ledger of the store**"))
        out.append(_table(p.ledger.astype("object").fillna("")))
    return out


def _file_name(f: str, root: Path | None) -> str:
    """A file as the reader knows it: relative to the package folder, else its name."""
    try:
        return str(Path(f).relative_to(root)) if root and root.is_dir() else Path(f).name
    except ValueError:
        return Path(f).name


def _provenance_blocks(ctx: ReportContext) -> list[Block]:
    """The input files and their sha256, the version, the parameters and the run time."""
    import partner_analytics

    p = ctx.p
    out = [_md("**Provenance**")]
    hashes = p.file_hashes()
    root = Path(p.source) if p.source else None
    if len(hashes):
        t = pd.DataFrame(
            {
                "File": [_file_name(f, root) for f in hashes["file"]],
                "sha256": hashes["sha256"],
                "Bytes": [fmt_number(v, 0) for v in hashes["bytes"]],
            }
        )
        out.append(_table(t, caption="Input files and their sha256"))
    params = dict(ctx.parameters)
    params["data"] = Path(str(params["data"])).name or str(params["data"])
    rows = [
        ("partner_analytics version", partner_analytics.__version__),
        ("Partnership", p.name),
        ("Instrument", str(p.instrument)),
        *[
            (f"Parameter {k}", json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v)
            for k, v in params.items()
        ],
        ("Run at (UTC)", ctx.run_time),
    ]
    out.append(_table(pd.DataFrame(rows, columns=["Item", "Value"]), caption="This report"))
    return out


def _appendix(ctx: ReportContext) -> list[Block]:
    return [*_package_blocks(ctx.p), *_quality_blocks(ctx.p), *_provenance_blocks(ctx)]


_BUILDERS = {
    "summary": _summary,
    "actions": _actions,
    "composition": _composition,
    "stakeholders": _stakeholders,
    "health": _health,
    "commitments": _commitments,
    "contributions": _contributions,
    "indicators": _indicators,
    "competencies": _competencies,
    "readiness": _readiness,
    "appendix": _appendix,
}


def section(ctx: ReportContext, key: str) -> list[Block]:
    """The blocks of one section (empty when the section was not asked for)."""
    if key not in _BUILDERS:
        raise AnalysisInputError(
            f"unknown section {key!r}; the sections are: {', '.join(SECTIONS)}"
        )
    if not ctx.wants(key):
        return [_md("*This section was left out of the report (parameter `sections`).*")]
    return _BUILDERS[key](ctx)


def title_block(ctx: ReportContext) -> list[Block]:
    """The report's title and subtitle (the notebook's first output)."""
    return [
        _html(
            f'<h1 class="pa-title">{html.escape(ctx.title)}</h1>'
            f'<p class="pa-subtitle">As of {ctx.as_of.date().isoformat()} ({ctx.now.label}); '
            f"compared with {ctx.prev.as_of.date().isoformat()} ({ctx.prev.label}).</p>"
        )
    ]


def show(ctx: ReportContext, key: str = "title") -> None:
    """Show the title (``key="title"``) or one section of the report in the notebook.

    plotly.js goes out with the first section that has a figure; the context remembers it
    (a second report made in the same kernel has a context of its own, and carries it too).
    """
    blocks = title_block(ctx) if key == "title" else section(ctx, key)
    if display_blocks(blocks, plotly_js=not ctx.plotly_js_sent):
        ctx.plotly_js_sent = True
