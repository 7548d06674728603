"""The content of the periodic evaluation report, one function per section.

The report template (``templates/report.ipynb``) holds the markdown heading of each
section and one call per section: ``show(ctx, "health")``. A section is a list of blocks
(markdown text, HTML tables, plotly figures) built here from the analyses of the
partnership as of the report day (the context's snapshots), the headline figures and
comparisons of :mod:`partner_analytics.analysis.headlines` and the findings of
:mod:`partner_analytics.analysis.findings`, so that every block can be tested without a
kernel. Sections choose rows and words; they compute nothing (no number here is not an
analysis value). A section whose tables are missing says in plain words what the package
lacks instead of failing.

The summary leads with the findings (the first of each rule, ranked by severity and size
of change, each with its figure and a link to its section), then one table of every
headline figure now, before and the change. Every other section opens with the highlight
sentences of its topic.

Display rules (methods.md): an aggregate over fewer than ``min_n`` raters or respondents
reads "n < {min_n}", never a number; respondent and rater ids, comments and extra columns of
survey tables never appear: the data-quality appendix shows problems and rejected rows
through :mod:`partner_analytics.present.redaction`.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from partner_analytics.analysis import headlines as H
from partner_analytics.analysis.delivery import UPCOMING_DAYS
from partner_analytics.analysis.findings import RULES, top_findings
from partner_analytics.analysis.snapshot import EXPECTED_ERRORS
from partner_analytics.data.periods import period_label
from partner_analytics.errors import AnalysisInputError
from partner_analytics.present.actions import finding_responses
from partner_analytics.present.formats import (
    date_text,
    fmt_amount,
    fmt_change,
    fmt_delta,
    fmt_number,
    fmt_percent,
    fmt_value,
    instrument_text,
    iso_date,
    label,
    plain_reason,
    suppressed_text,
)
from partner_analytics.present.highlights import finding_title
from partner_analytics.present.redaction import redacted_problems, redacted_rejected
from partner_analytics.present.tables import html_table, min_width_chars
from partner_analytics.report.blocks import Block, anchor, display_blocks
from partner_analytics.report.context import SECTIONS, ReportContext

__all__ = ["SECTIONS", "anchor", "section", "show", "title_block"]

#: Width and height (px) figures are drawn at; print scales them to the page (report CSS).
FULL_WIDTH = 900
CARD_SIZE = (560, 135)
#: A table whose narrowest layout needs more characters than this gets a landscape page.
PORTRAIT_CHARS = 120


# --------------------------------------------------------------------------- blocks


def _md(text: str) -> Block:
    return Block("markdown", text)


def _html(text: str) -> Block:
    return Block("html", text)


def _table(
    ctx: ReportContext,
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    raw=(),
    sheet: str | None = None,
    group_by: str | None = None,
    numeric=None,
    max_rows: int | None = None,
    keep_together: bool | None = None,
) -> Block:
    """A frame of text as an HTML table block (the one table renderer), kept whole for the
    workbook beside the report (``sheet``: its name; default: the caption); ``max_rows``:
    the rows shown in the report. A table too wide for a portrait page, even wrapped, is
    printed on a landscape page."""
    wide = min_width_chars(frame, raw=raw) > PORTRAIT_CHARS
    ctx.keep_table(sheet or caption or "Table", frame, raw=raw)
    return _html(
        html_table(
            frame,
            caption=caption,
            raw=raw,
            group_by=group_by,
            wide=wide,
            numeric=numeric,
            max_rows=max_rows,
            keep_together=keep_together,
        )
    )


def _missing(what: str, message: str | None) -> Block:
    why = plain_reason(message)
    return _md(f"> **{what}: not available.** {why[:1].upper() + why[1:]}.")


def _sized(fig, width: int, height: int | None = None, **layout):
    """``fig`` drawn ``width`` px wide (and ``height`` when given): the report draws every
    figure at a fixed size, and print scales it to the page, so nothing is clipped."""
    size = {"width": width, "autosize": False}
    if height is not None:
        size["height"] = height
    elif fig.layout.height is None:
        size["height"] = round(width * 0.5)
    fig.update_layout(**size, **layout)
    return fig


def _figure(blocks: list[Block], build, *, height: int | None = None, **layout) -> bool:
    """Add a figure drawn full width; a figure that cannot be drawn from these data is
    left out (False).

    The report draws figures that show more than the tables next to them (the grid with
    its arrows, trends, the radar against the previous wave, the gap heat table, flows,
    the checklist); a bar chart repeating a table is left out: each figure costs about
    0.1 s of the report's time (docs/reports.md, Speed).
    """
    try:
        fig = build()
    except (ValueError, KeyError, *EXPECTED_ERRORS):
        return False
    blocks.append(Block("figure", _sized(fig, FULL_WIDTH, height, **layout)))
    return True


def _card_figure(build, height: int | None = None):
    """A finding's figure, small: no title (the card has one), no legend, no notes under
    the plot, short axis titles; ``height``: taller than the cards' own, for a table."""
    try:
        fig = build()
    except (ValueError, KeyError, *EXPECTED_ERRORS):
        return None
    width, height = CARD_SIZE[0], max(height or 0, CARD_SIZE[1])
    below = [a for a in fig.layout.annotations if a.yref == "paper" and (a.y or 0) < 0]
    if below:
        fig.layout.annotations = [a for a in fig.layout.annotations if a not in below]
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        text = axis.title.text
        if text:
            short = text.split(" (")[0]
            axis.title = {"text": short if len(short) <= 24 else None, "font": {"size": 11}}
    return _sized(
        fig, width, height, title=None, showlegend=False,
        margin={"l": 45, "r": 10, "t": 10, "b": 35}, font={"size": 12},
    )  # fmt: skip


def _wrap(text: str, width: int = 24) -> str:
    """A long label on lines of about ``width`` characters (plotly breaks lines at <br>)."""
    import textwrap

    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def _radar_for_print(fig):
    """The radar's factor names on short lines, the polar area narrower: long names around
    the circle stay on the page."""
    for trace in fig.data:
        if getattr(trace, "theta", None) is not None:
            trace.theta = [_wrap(t) for t in trace.theta]
    fig.update_layout(
        polar={
            "domain": {"x": [0.2, 0.8], "y": [0.04, 0.96]},
            "angularaxis": {"tickfont": {"size": 13}},
        },
        margin={"l": 20, "r": 20, "t": 90, "b": 80},
    )
    return fig


def _highlight_list(rows: pd.DataFrame) -> Block:
    items = []
    for r in rows.itertuples(index=False):
        items.append(
            f'<li class="pa-hl pa-{r.severity}"><span class="pa-badge pa-{r.severity}">'
            f"{html.escape(label(r.severity))}</span> {html.escape(r.sentence)}</li>"
        )
    return _html('<ul class="pa-highlights">' + "".join(items) + "</ul>")


def _opening(ctx: ReportContext, key: str) -> list[Block]:
    """A section's highlight sentences (what stands out in it), before its tables."""
    h = ctx.highlights()
    mine = h[h["rule"].map(RULES) == key]
    return [_highlight_list(mine)] if len(mine) else []


# --------------------------------------------------------------------------- summary


def _card_builder(ctx: ReportContext, finding):
    """What draws a finding's figure (None: the finding has none), or that and the
    figure's height when the cards' own is too small for it."""
    s, rule, sid = ctx.now, finding.rule, finding.source_id
    if finding.source_kind == "indicator":
        from partner_analytics.analysis.indicators import indicator_trend
        from partner_analytics.figures.indicators import plot_indicator_trend

        if sid not in set(s.view.indicators["indicator_id"]):
            return None
        return lambda: plot_indicator_trend(
            indicator_trend(s.view, [sid], as_of=s.as_of), indicator_id=sid
        )
    if rule in ("contested_stakeholders", "stakeholders_moved"):
        from partner_analytics.figures.stakeholders import plot_power_interest

        pi, mv = s.get("power_interest"), s.get("stakeholder_movement")
        ids = set(ctx.findings().query("rule == @rule")["source_id"])
        if pi is None:
            return None
        keep = pi[pi["stakeholder_id"].isin(ids)]
        moves = mv[mv["stakeholder_id"].isin(ids)] if mv is not None else None
        return lambda: plot_power_interest(keep, movement=moves, wave=finding.period)
    if rule == "perception_gaps":
        from partner_analytics.figures.health import plot_perception_gaps

        pg = s.get("perception_gaps")
        ids = set(ctx.findings().query("rule == @rule")["source_id"])
        codes = pg["factor_code"].astype(str)
        build = lambda: plot_perception_gaps(pg[codes.isin(ids)], wave=finding.period)
        return build, 100 + 45 * len(ids)  # a row per factor under the sectors' header
    simple = {
        "concern_factors": ("health", "plot_factor_radar", "factor_scores"),
        "health_index": ("health", "plot_health_index", "health_index"),
        "overdue_by_partner": ("delivery", "plot_follow_through", "follow_through"),
        "follow_through": ("delivery", "plot_follow_through", "follow_through"),
        "fulfilment": ("delivery", "plot_contributions_over_time", "contributions_over_time"),
        "lowest_fulfilment": ("delivery", "plot_contributions_over_time", "contributions_over_time"),
        "public_private_only": ("competencies", "plot_sector_diversity", "sector_diversity"),
        "partners": ("competencies", "plot_sector_diversity", "sector_diversity"),
        "single_points_of_failure": ("competencies", "plot_priority_coverage", "competency_alignment"),
        "best_candidate": ("competencies", "plot_candidate_fit", "candidate_fit"),
        "readiness": ("readiness", "plot_readiness_checklist", "readiness_elements"),
    }  # fmt: skip
    if rule not in simple:
        return None
    module, name, frame = simple[rule]
    data = s.get(frame)
    if data is None or not len(data):
        return None
    if rule == "overdue_by_partner":  # the partners with overdue commitments
        data = data[data["overdue"] > 0]
    import importlib

    plot = getattr(importlib.import_module(f"partner_analytics.figures.{module}"), name)
    return lambda: plot(data)


def _finding_cards(ctx: ReportContext) -> list[Block]:
    """The executive summary: the findings the report leads with, each a card."""
    found = ctx.findings()
    top = top_findings(found)
    h = ctx.highlights()
    # what the steering group decided on each pressing finding, or "no action yet"
    pressing = top.loc[top["severity"].isin(["alert", "watch"]), "rule"]
    answers = finding_responses(ctx.p, found[found["rule"].isin(pressing)], as_of=ctx.as_of)
    out = [_html('<div class="pa-findings">')]
    for f in top.itertuples(index=False):
        same = found[found["rule"] == f.rule]
        sentences = " ".join(h.loc[h["rule"] == f.rule, "sentence"])
        heading = SECTIONS.get(f.section, f.section)
        out.append(
            _html(
                f'<div class="pa-finding pa-{f.severity}">'
                f'<p class="pa-finding-title"><span class="pa-badge pa-{f.severity}">'
                f"{html.escape(label(f.severity))}</span> "
                f"{html.escape(finding_title(f, len(same)))}</p>"
                f'<div class="pa-finding-body"><div class="pa-finding-text">'
                f"<p>{html.escape(sentences)}</p>"
                + (f'<p class="pa-finding-action">{html.escape(answers[f.rule])}</p>' if f.rule in answers else "")
                + f'<p class="pa-more"><a href="#{anchor(f.section)}">{html.escape(heading)} →</a></p>'
                '</div><div class="pa-finding-figure">'
            )
        )
        build, height = _card_builder(ctx, f), None
        if isinstance(build, tuple):  # a figure that needs its own height
            build, height = build
        fig = _card_figure(build, height) if build is not None else None
        if fig is not None:
            out.append(Block("figure", fig))
        out.append(_html("</div></div></div>"))
    out.append(_html("</div>"))
    if not len(top):
        return [_md("Nothing stands out: the package holds too little to compare.")]
    return out


def _period_note(period, column_period: str) -> str:
    """The wave or review a value comes from, when it is not the column's own period."""
    if not isinstance(period, str) or period in ("None", "nan", column_period):
        return ""
    return f' <span class="pa-from">({html.escape(period)})</span>'


def _change_text(r, min_n: int) -> str:
    """The change of a headline figure, or why there is none in words."""
    cur = r.currency if isinstance(r.currency, str) and r.currency not in ("None", "nan") else None
    if bool(r.suppressed_now) or bool(r.suppressed_previous):
        return suppressed_text(min_n)
    if pd.isna(r.now) and pd.isna(r.previous):
        return "–"
    if pd.isna(r.previous):
        return "nothing to compare"
    if pd.isna(r.now):
        return "–"
    same = isinstance(r.period_now, str) and r.period_now == r.period_previous
    if same and r.period_now not in ("None", "nan") and r.change == 0:
        return "no new data"
    return fmt_delta(r.change, r.unit, currency=cur, min_n=min_n)


def _changes_table(ctx: ReportContext) -> list[Block]:
    """Every headline figure now, in the previous period and the change: one table, grouped
    by section (each group links to its section)."""
    h = ctx.headlines()
    m = ctx.min_n
    now_col, prev_col = f"Now ({ctx.now.label})", f"Before ({ctx.prev.label})"
    rows, notes = [], {}
    for r in h.itertuples(index=False):
        if r.section not in ctx.sections:
            continue
        cur = (
            r.currency
            if isinstance(r.currency, str) and r.currency not in ("None", "nan")
            else None
        )
        now = fmt_value(r.now, r.unit, currency=cur, suppressed=bool(r.suppressed_now), min_n=m)
        prev = fmt_value(r.previous, r.unit, currency=cur,
                         suppressed=bool(r.suppressed_previous), min_n=m)  # fmt: skip
        heading = SECTIONS.get(r.section, r.section)
        rows.append(
            {
                "Section": f'<a href="#{anchor(r.section)}">{html.escape(heading)}</a>',
                "Figure": r.label,
                now_col: html.escape(now) + _period_note(r.period_now, ctx.now.label),
                prev_col: html.escape(prev) + _period_note(r.period_previous, ctx.prev.label),
                "Change": html.escape(_change_text(r, m)),
            }
        )
        if isinstance(r.note, str) and r.note not in ("None", "nan", ""):
            notes.setdefault(plain_reason(r.note), []).append(r.label)
    if not rows:
        return []
    frame = pd.DataFrame(rows)
    out = [
        _html(f"<h3>What changed since {html.escape(ctx.prev.label)}</h3>"),
        _table(
            ctx,
            frame,
            raw=("Section", now_col, prev_col, "Change"),
            group_by="Section",
            numeric=(now_col, prev_col, "Change"),
            keep_together=True,  # on one page: a section's name never ends a page
            sheet="What changed",
        ),
    ]
    if notes:  # why figures are missing, each reason once
        said = "; ".join(f"{', '.join(labels)}: {why}" for why, labels in notes.items())
        out.append(_md(f"Not available: {said}."))
    out.append(
        _md(
            "A figure taken from a survey wave or a review shows it in brackets when it is not "
            f'the period\'s own; "no new data" means no new wave or review came in since '
            f"{ctx.prev.label}. Figures over fewer than {m} raters or respondents read "
            f'"{suppressed_text(m)}".'
        )
    )
    return out


def _summary(ctx: ReportContext) -> list[Block]:
    out = [
        _html('<h3 class="pa-findings-heading">Key findings</h3>'),
        *_finding_cards(ctx),
        *_changes_table(ctx),
    ]
    return out


# --------------------------------------------------------------------------- sections


def _composition(ctx: ReportContext) -> list[Block]:
    s = ctx.now
    out = _opening(ctx, "composition")
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
    out.append(_table(ctx, t, caption=f"Partners per sector as of {date_text(s.as_of)}",
                      sheet="Partners per sector"))  # fmt: skip
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
        out.append(_table(ctx, t, caption="Who works with whom (relationship survey)",
                          sheet="Relationship network"))  # fmt: skip
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
    return [_table(ctx, t, caption=f"Stakeholders who changed quadrant since {since}",
                   sheet="Stakeholders who moved")]  # fmt: skip


def _stakeholders(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.stakeholders import plot_power_interest

    s = ctx.now
    out = _opening(ctx, "stakeholders")
    pi = s.get("power_interest")
    if pi is None or not len(pi):
        why = (
            s.problem("power_interest")
            or f"no stakeholder ratings on or before {date_text(s.as_of)}"
        )
        return out + [_missing("The stakeholder grid", why)]
    wave = H.latest_wave(pi)
    mv = s.get("stakeholder_movement")
    _figure(out, lambda: plot_power_interest(pi, movement=mv, wave=wave), height=620)
    caption = f"The power-interest grid in {wave} (latest wave on or before {date_text(s.as_of)})"
    out.append(_table(ctx, _grid_table(H.wave_rows(pi, wave), ctx.min_n), caption=caption,
                      sheet="Power-interest grid"))  # fmt: skip
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
    since = cur["previous_wave"].dropna()
    change = f"Change since {since.iloc[0]}" if len(since) and since.nunique() == 1 else "Change"
    t = pd.DataFrame(
        {
            "Factor": cur["factor"],
            "Mean (1-5)": _cells(cur["mean"], supp, lambda v: fmt_number(v, 2), m),
            "Band": _cells(cur["band"], supp, _name, m),
            "Respondents": [fmt_number(v, 0) for v in cur["n_respondents"]],
            change: _cells(cur["change"], supp, lambda v: fmt_change(v, 2), m),
        }
    )
    if change == "Change":  # waves compared differ between factors: say which
        t["Since"] = cur["previous_wave"].fillna("–").to_numpy()
    return t


def _gap_blocks(ctx: ReportContext, pg: pd.DataFrame, wave: str) -> list[Block]:
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
    return [_table(ctx, t, caption=caption, sheet="Factors seen differently")]


def _health(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.health import (
        plot_factor_radar,
        plot_health_index,
        plot_perception_gaps,
    )

    s, m = ctx.now, ctx.min_n
    out = _opening(ctx, "health")
    hi = s.get("health_index")
    if hi is None or not len(hi):
        why = (
            s.problem("health_index")
            or f"no collaboration survey answers on or before {date_text(s.as_of)}"
        )
        return out + [_missing("Collaboration health", why)]
    out.append(_md(f"Instrument: {instrument_text(ctx.p.instrument)}."))
    _figure(out, lambda: plot_health_index(hi), height=380)
    out.append(_table(ctx, _index_table(hi, m), caption="The collaboration health index per wave",
                      sheet="Health index"))  # fmt: skip
    fs = s.get("factor_scores")
    if fs is not None and len(fs):
        wave = H.latest_wave(fs)
        _figure(out, lambda: _radar_for_print(plot_factor_radar(fs, wave=wave)), height=600)
        out.append(_table(ctx, _factor_table(H.wave_rows(fs, wave), m),
                          caption=f"Factor means in {wave}", sheet="Factor means"))  # fmt: skip
    pg = s.get("perception_gaps")
    if pg is not None and len(pg):
        wave = H.latest_wave(pg)
        _figure(out, lambda: plot_perception_gaps(pg, wave=wave))
        out += _gap_blocks(ctx, pg, wave)
    return out


def _commitments(ctx: ReportContext) -> list[Block]:
    s = ctx.now
    out = _opening(ctx, "commitments")
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
    out.append(_table(ctx, t, caption=f"Follow-through as of {date_text(s.as_of)} (on time / due)",
                      sheet="Follow-through"))  # fmt: skip
    od = s.get("overdue_commitments")
    if od is not None and len(od):
        out.append(_commitment_list(ctx, od, "days_overdue", "Days overdue",
                                    "Overdue commitments, the oldest first", "Overdue"))  # fmt: skip
    else:
        out.append(_md("No commitment is overdue."))
    up = s.get("upcoming_commitments")
    if up is not None and len(up):
        out.append(_commitment_list(ctx, up, "days_until_due", "Days to go",
                                    f"Falling due in the next {UPCOMING_DAYS} days", "Falling due"))  # fmt: skip
    return out


def _commitment_list(ctx, frame: pd.DataFrame, days: str, days_label: str, caption: str,
                     sheet: str) -> Block:  # fmt: skip
    """A table of commitments (overdue or falling due): partner, what, due date, days."""
    t = pd.DataFrame(
        {
            "Partner": frame["partner"],
            "Commitment": frame["description"],
            "Due": [iso_date(v) for v in frame["due_date"]],
            days_label: [fmt_number(v, 0) for v in frame[days]],
        }
    )
    return _table(ctx, t, caption=caption, sheet=sheet)


def _contributions(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.delivery import (
        plot_contribution_flows,
        plot_contributions_over_time,
    )

    s = ctx.now
    out = _opening(ctx, "contributions")
    ct = s.get("contribution_total")
    if ct is None:
        return out + [_missing("Contributions", s.problem("contribution_total"))]
    if not len(ct) or float(ct["pledged"].iloc[0]) == 0:
        return out + [_md(f"No contribution is dated on or before {date_text(s.as_of)}.")]
    cur = ct["currency"].iloc[0] if isinstance(ct["currency"].iloc[0], str) else ""
    ot = s.get("contributions_over_time")
    if ot is not None and len(ot):
        _figure(out, lambda: plot_contributions_over_time(ot), height=400)
    sh = s.get("sector_shares")
    if sh is not None and len(sh):
        t = pd.DataFrame(
            {
                "Sector": [label(v) for v in sh["sector"]],
                "Partners": [fmt_number(v, 0) for v in sh["n_partners"]],
                "Pledged": [fmt_amount(v, cur) for v in sh["pledged"]],
                "Delivered": [fmt_amount(v, cur) for v in sh["delivered"]],
                "Delivered / pledged": [fmt_percent(v, 0, ratio=True) for v in sh["fulfilment"]],
                "Share of delivered value": [fmt_percent(v, 0, ratio=True) for v in sh["share"]],
            }
        )
        out.append(_table(ctx, t, caption=f"Contributions per sector up to {date_text(s.as_of)}",
                          sheet="Contributions per sector"))  # fmt: skip
    bp = s.get("contribution_by_partner")
    if bp is not None and len(bp):
        bp = bp.sort_values(["fulfilment", "partner"], kind="stable")
        t = pd.DataFrame(
            {
                "Partner": bp["partner"],
                "Contributions": [fmt_number(v, 0) for v in bp["n_contributions"]],
                "Pledged": [fmt_amount(v, cur) for v in bp["pledged"]],
                "Delivered": [fmt_amount(v, cur) for v in bp["delivered"]],
                "Delivered / pledged": [fmt_percent(v, 0, ratio=True) for v in bp["fulfilment"]],
            }
        )
        out.append(_table(ctx, t, caption="Contributions per partner, the smallest share delivered first",
                          sheet="Contributions per partner"))  # fmt: skip
    fl = s.get("contribution_flows")
    if fl is not None and len(fl):
        _figure(out, lambda: plot_contribution_flows(fl), height=860)
    return out


def _indicators(ctx: ReportContext) -> list[Block]:
    from partner_analytics.analysis.indicators import indicator_trend
    from partner_analytics.figures.indicators import plot_indicator_trend

    s = ctx.now
    out = _opening(ctx, "indicators")
    sc = s.get("indicator_scores")
    if sc is None:
        return out + [_missing("Indicator progress", s.problem("indicator_scores"))]
    ch = H.indicator_status_changes(sc, ctx.prev.get("indicator_scores"))
    unscored = _unscored_series(ctx, sc)
    why = {}
    if unscored is not None:  # an indicator without a status says why its series have none
        for r in unscored.itertuples(index=False):
            why.setdefault(r.parent_id, {})[r.reason] = None
    ch = ch.assign(
        reason=[
            "; ".join(why[i]) if i in why else r
            for i, r in zip(ch["parent_id"], sc["reason"], strict=True)
        ]
    )
    frame = ch.assign(_p=ch["pillar"].fillna("~")).sort_values(
        ["_p", "score"], ascending=[True, False], kind="stable"
    )
    was = f"Status in {ctx.prev.label}"
    t = pd.DataFrame(
        {
            "Pillar": [label(v) if isinstance(v, str) else "–" for v in frame["pillar"]],
            "Indicator": frame["name"],
            "Status": [_status_cell(v, r) for v, r in zip(frame["status"], frame["reason"], strict=True)],
            was: [_status_cell(v) for v in frame["status_before"]],
            "Score (-5..5)": [fmt_number(v, 2) for v in frame["score"]],
            "Changed": ["yes" if c else "" for c in frame["changed"]],
        }
    )  # fmt: skip
    out.append(
        _table(
            ctx,
            t,
            caption=f"Indicator status by pillar as of {date_text(s.as_of)} (Open SDG progress measure)",
            raw=("Status", was),
            sheet="Indicator status",
        )
    )
    if unscored is not None and (unscored["n_series"] > 1).any():
        t = pd.DataFrame(
            {
                "Indicator": unscored["name"],
                "Series": unscored["indicator_id"],
                "Status": [_status_cell("not_available")] * len(unscored),
                "Why": unscored["reason"],
            }
        )
        caption = "Series without a status, and why"
        out.append(
            _table(ctx, t, caption=caption, raw=("Status",), sheet="Series without a status")
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
                _figure(
                    out,
                    lambda iid=iid: plot_indicator_trend(tr, indicator_id=iid),
                    height=340,
                    legend={"y": -0.32},
                    margin={"b": 95},
                )
    return out


def _unscored_series(ctx: ReportContext, scores: pd.DataFrame) -> pd.DataFrame | None:
    """The series that have no status (``not_available``) and why, with the number of
    series of their indicator (None when every series has a status)."""
    from partner_analytics.analysis.indicators import indicator_progress

    if not (scores["n_scored_series"] < scores["n_series"]).any():
        return None
    s = ctx.now
    progress = indicator_progress(s.view, as_of=s.as_of)
    rows = progress[progress["status"] == "not_available"]
    n = dict(zip(scores["parent_id"], scores["n_series"], strict=True))
    return pd.DataFrame(
        {
            "parent_id": rows["parent_id"].to_numpy(),
            "indicator_id": rows["indicator_id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "reason": rows["reason"].fillna("no reason given").to_numpy(),
            "n_series": [int(n.get(i, 1)) for i in rows["parent_id"]],
        }
    )


def _status_cell(status, reason=None) -> str:
    """An indicator's status as a coloured chip; "not enough data" says why."""
    from partner_analytics.figures.theme import STATUS_COLORS

    if not isinstance(status, str):
        return "–"
    colour = STATUS_COLORS.get(status, "#9e9e9e")
    why = ""
    if status == "not_available" and isinstance(reason, str) and reason:
        why = f'<span class="pa-why">: {html.escape(reason)}</span>'
    return (
        f'<span class="pa-status" style="border-left: 0.8em solid {colour}; padding-left: 0.4em">'
        f"{html.escape(label(status))}{why}</span>"
    )


def _competencies(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.competencies import plot_priority_coverage

    s = ctx.now
    out = _opening(ctx, "competencies")
    al = s.get("competency_alignment")
    if al is None:
        return out + [_missing("Competency alignment", s.problem("competency_alignment"))]
    _figure(out, lambda: plot_priority_coverage(al), height=640)
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
    out.append(_table(ctx, t, caption="Objectives and how well the active partners cover them",
                      sheet="Objectives"))  # fmt: skip
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
        out.append(_table(ctx, t, caption="Single points of failure: areas covered by one sector only",
                          sheet="Single points of failure"))  # fmt: skip
    fit = s.get("candidate_fit")
    if fit is not None and len(fit):
        t = pd.DataFrame(
            {
                "Rank": [fmt_number(v, 0) for v in fit["rank"]],
                "Candidate": fit["name"],
                "Sector": [label(v) for v in fit["sector"]],
                "Alignment gain (points)": [fmt_number(v, 1) for v in fit["gain"]],
                "Areas improved": [_labels(v) for v in fit["areas_improved"]],
                "Adds a sector": ["yes" if v else "" for v in fit["adds_sector"]],
            }
        )
        out.append(_table(ctx, t, caption="Candidate partners ranked by the gain in the alignment index",
                          sheet="Candidates"))  # fmt: skip
    elif fit is not None:
        out.append(_md("The package lists no candidate partner."))
    return out


def _labels(value) -> str:
    """A ``; ``-joined list of codes in words."""
    if not isinstance(value, str) or not value:
        return ""
    return "; ".join(label(v.strip()) for v in value.split(";") if v.strip())


def _readiness(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.readiness import plot_readiness_checklist

    s = ctx.now
    out = _opening(ctx, "readiness")
    rd = s.get("readiness")
    if rd is None or not len(rd):
        why = s.problem("readiness") or f"no readiness review on or before {date_text(s.as_of)}"
        return out + [_missing("Readiness", why)]
    el = s.get("readiness_elements")
    if el is not None and len(el):
        _figure(out, lambda: plot_readiness_checklist(el), height=720)
    t = pd.DataFrame(
        {
            "Review": [iso_date(v) for v in rd["review_date"]],
            "Elements reviewed": [fmt_number(v, 0) for v in rd["elements"]],
            "In place": [fmt_number(v, 0) for v in rd["in_place"]],
            "Partly": [fmt_number(v, 0) for v in rd["partial"]],
            "Missing": [fmt_number(v, 0) for v in rd["missing"]],
            "Score": [fmt_percent(v, 0) for v in rd["score"]],
            "Missing elements": rd["missing_elements"].fillna(""),
        }
    )
    out.append(_table(ctx, t, caption="Readiness at each review", sheet="Readiness reviews"))
    da = s.get("driver_alignment")
    if da is not None and len(da) and "score" in da:
        t = pd.DataFrame(
            {
                "Delivery option": [label(v) for v in da["option_id"]],
                "Alignment with the drivers (%)": [fmt_number(v, 0) for v in da["score"]],
                "Drivers rated": [fmt_number(v, 0) for v in da["n_drivers"]],
            }
        )
        out.append(_table(ctx, t, caption="Strategic driver alignment of the delivery options",
                          sheet="Driver alignment"))  # fmt: skip
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
            out.append(_table(ctx, unanswered, caption="Current alerts, for which no action is recorded"))
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
        out.append(_table(ctx, A.action_table(rows, columns), caption=caption) if len(rows) else _md(empty))
    per_owner = action_follow_through(p, as_of=day)
    out.append(_table(ctx, A.follow_through_table(per_owner),
                      caption="Follow-through per owner: done on time / (done + overdue)"))  # fmt: skip
    if len(unanswered):
        out.append(_table(ctx, unanswered, caption="Current alerts with no action yet"))
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


def _package_blocks(ctx: ReportContext) -> list[Block]:
    """The tables of the package, and those it does not have."""
    from partner_analytics.data.summary import package_summary
    from partner_analytics.present.formats import TABLE_WORDS

    tables = package_summary(ctx.p)["tables"]
    missing = tables.loc[tables["rows"] == 0, "table"].tolist()
    t = pd.DataFrame(
        {
            "Table": tables["table"],
            "What it holds": [TABLE_WORDS.get(v, "") for v in tables["table"]],
            "Rows": [fmt_number(v, 0) for v in tables["rows"]],
            "In the package": ["yes" if g else "no" for g in tables["given"]],
        }
    )
    out = [_html("<h3>Tables of the package</h3>"), _table(ctx, t, sheet="Package tables")]
    if missing:
        listed = ", ".join(f"`{m}`" for m in missing)
        out.append(_md(f"Tables the package does not have (or has without rows): {listed}."))
    return out


#: Rows of the appendix's lists printed before "and k more" (the workbook has them all).
SHOWN_ROWS = 20


def _quality_blocks(ctx: ReportContext) -> list[Block]:
    """Problems (grouped as ``validate`` prints them) and rejected rows, both redacted
    (present.redaction), and a store's ledger; every one of them in the workbook."""
    from partner_analytics.data.grouping import group_problems, where_text

    p = ctx.p
    out = [_html("<h3>Problems found when loading the package</h3>")]
    pr = redacted_problems(p)
    if len(pr):
        g = group_problems(pr)
        t = pd.DataFrame(
            {
                "Severity": [label(v) for v in g["severity"]],
                "File": g["file"].astype("object").fillna(g["table"].astype("object")).fillna(""),
                "Rows": [where_text(n, r) for n, r in zip(g["count"], g["rows"], strict=True)],
                "Column": g["column"].astype("object").fillna(""),
                "Problem": g["message"].astype("object").fillna(""),
            }
        )
        out.append(_table(ctx, t, sheet="Problems", max_rows=SHOWN_ROWS))
        every = pd.DataFrame(
            {
                "Severity": [label(v) for v in pr["severity"]],
                "File": pr["file"].astype("object").fillna(pr["table"].astype("object")).fillna(""),
                "Row": [fmt_number(v, 0) if pd.notna(v) else "" for v in pr["row"]],
                "Column": pr["column"].astype("object").fillna(""),
                "Value": pr["value"].astype("object").fillna(""),
                "Problem": pr["message"].astype("object").fillna(""),
            }
        )
        ctx.keep_table("Every problem", every)
        if len(g) < len(pr):
            out.append(_md(f"{len(pr):,} problem(s) in {len(g):,} line(s): the workbook beside "
                           "this report lists each one (sheet *Every problem*)."))  # fmt: skip
    else:
        out.append(_md("None: the package loaded without errors or warnings."))
    out.append(_html("<h3>Rows left out because of errors</h3>"))
    rej = redacted_rejected(p)
    if len(rej):
        t = pd.DataFrame(
            {
                "File": rej["file"]
                .astype("object")
                .fillna(rej["table"].astype("object"))
                .fillna(""),
                "Row": [fmt_number(v, 0) if pd.notna(v) else "" for v in rej["row"]],
                "Why": rej["reason"].astype("object").fillna(""),
                "Values": rej["values"].astype("object").fillna(""),
            }
        )
        out.append(_table(ctx, t, sheet="Rows left out", max_rows=SHOWN_ROWS))
        if len(rej) > SHOWN_ROWS:
            out.append(_md("The workbook beside this report lists every row left out (sheet "
                           "*Rows left out*)."))  # fmt: skip
    else:
        out.append(_md("None."))
    if p.ledger is not None and len(p.ledger):
        out.append(_html("<h3>Import ledger of the store</h3>"))
        out.append(_table(ctx, p.ledger.astype("object").fillna(""), sheet="Import ledger"))
    return out


def _file_name(f: str, root: Path | None) -> str:
    """A file as the reader knows it: relative to the package folder, else its name."""
    try:
        return str(Path(f).relative_to(root)) if root and root.is_dir() else Path(f).name
    except ValueError:
        return Path(f).name


def _parameters(ctx: ReportContext) -> list[tuple[str, str]]:
    """The report's parameters in words."""
    prm = ctx.parameters
    data = str(prm["data"])
    m = ctx.min_n
    own = m == getattr(ctx.p, "min_n", m)
    chosen = [SECTIONS.get(k, k) for k in ctx.sections]
    return [
        ("Package", Path(data).name or data),
        ("Report day", f"{date_text(ctx.as_of)} ({ctx.now.label})"),
        ("Compared with", f"{date_text(ctx.prev.as_of)} ({ctx.prev.label})"),
        ("Title", prm["title"] if prm.get("title") else "the default: the partnership and the period"),
        ("Small cells", f"figures over fewer than {m} people read \"{suppressed_text(m)}\" "
                        + ("(the package's setting)" if own else "(set for this report)")),
        ("Sections", "all" if len(chosen) == len(SECTIONS) else "; ".join(chosen)),
        ("Rows with errors", "left out, as asked (--drop-invalid)" if prm.get("drop_invalid")
         else "none allowed: the report stops on a package with errors"),
    ]  # fmt: skip


def _provenance_blocks(ctx: ReportContext) -> list[Block]:
    """The input files and their sha256, the version, the parameters and the run time."""
    import partner_analytics

    p = ctx.p
    out = [_html("<h3>Provenance</h3>")]
    hashes = p.file_hashes()
    root = Path(p.source) if p.source else None
    if len(hashes):
        t = pd.DataFrame(
            {
                "File": [_file_name(f, root) for f in hashes["file"]],
                "Bytes": [fmt_number(v, 0) for v in hashes["bytes"]],
                "sha256": [f'<code class="pa-hash">{html.escape(str(h))}</code>' for h in hashes["sha256"]],
            }
        )  # fmt: skip
        out.append(_table(ctx, t, caption="Input files and their sha256", raw=("sha256",),
                          sheet="Input files"))  # fmt: skip
    rows = [
        ("partner_analytics version", partner_analytics.__version__),
        ("Partnership", p.name),
        ("Survey instrument", instrument_text(p.instrument)),
        *_parameters(ctx),
        ("Run at (UTC)", ctx.run_time),
    ]
    out.append(_table(ctx, pd.DataFrame(rows, columns=["Item", "Value"]), caption="This report",
                      sheet="This report"))  # fmt: skip
    return out


def _appendix(ctx: ReportContext) -> list[Block]:
    return [*_package_blocks(ctx), *_quality_blocks(ctx), *_provenance_blocks(ctx)]


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


# --------------------------------------------------------------------------- title


def _banner(ctx: ReportContext) -> str:
    """What was dropped because of errors and what it affects (empty: nothing dropped)."""
    from partner_analytics.analysis.quality import dropped_rows

    p = ctx.p
    n_err = len(p.errors) if hasattr(p, "errors") else 0
    dropped = dropped_rows(p)
    if not n_err and not len(dropped):
        return ""
    items = []
    for r in dropped.itertuples(index=False):
        where = [SECTIONS.get(k.strip(), k) for k in r.sections.split(",") if k.strip()]
        affects = ", ".join(where) or "no section"
        figures = f" (headline figures: {r.figures})" if r.figures else ""
        items.append(
            f"<li><strong>{html.escape(label(r.table))}</strong> ({html.escape(r.file or r.table)}): "
            f"{r.dropped:,} of {r.dropped + r.kept:,} rows left out. Affects: "
            f"{html.escape(affects)}{html.escape(figures)}, and the key findings.</li>"
        )
    listed = f"<ul>{''.join(items)}</ul>" if items else ""
    return (
        '<div class="pa-banner" role="alert"><p><strong>This report leaves out rows with '
        f"errors.</strong> The package has {n_err:,} error(s); the rows they concern were "
        f"left out, as asked, and every number below rests on the rows that are left.</p>{listed}"
        "<p>The appendix lists every problem; correct the files and make the report again "
        "for complete figures.</p></div>"
    )


def title_block(ctx: ReportContext) -> list[Block]:
    """The report's title, subtitle and, for a package with errors, the banner saying what
    was left out (the notebook's first output). The title element carries the running
    header of the printed pages (partnership and period)."""
    running = f"{ctx.p.name} · {ctx.now.label}"
    return [
        _html(
            f'<h1 class="pa-title" data-running="{html.escape(running)}">{html.escape(ctx.title)}</h1>'
            f'<p class="pa-subtitle">As of {date_text(ctx.as_of)} ({ctx.now.label}); '
            f"compared with {date_text(ctx.prev.as_of)} ({ctx.prev.label}).</p>" + _banner(ctx)
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
