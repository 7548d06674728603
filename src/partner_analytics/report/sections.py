"""The content of the periodic evaluation report, one function per section.

``notebooks/report.ipynb`` holds the markdown heading of each section and one call per
section: ``show(section(ctx, "health"))``. A section is a list of blocks (markdown text,
HTML tables, plotly figures) built here from the analyses of the partnership as of the
report day (:mod:`partner_analytics.analysis.snapshot`), so that every block can be tested
without a kernel. A section whose tables are missing says which table is missing instead
of failing.

Display rules (methods.md): an aggregate over fewer than ``min_n`` raters or respondents
reads "n < 3" (with the real threshold), never a number; respondent and rater ids never
appear: the data-quality appendix hides them in problems and rejected rows.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from partner_analytics.analysis.headlines import headline_figures
from partner_analytics.analysis.snapshot import (
    EXPECTED_ERRORS,
    Snapshot,
    snapshot,
)
from partner_analytics.data.periods import parse_as_of, period_label, previous_day
from partner_analytics.errors import AnalysisInputError
from partner_analytics.present.formats import (
    fmt_change,
    fmt_money,
    fmt_number,
    fmt_percent,
    label,
    suppressed_text,
)
from partner_analytics.present.highlights import highlights

__all__ = [
    "PLOTLY_JS_ID",
    "SECTIONS",
    "ReportContext",
    "blocks_html",
    "figure_html",
    "headline_table",
    "html_table",
    "markdown_html",
    "plotly_js_html",
    "redacted_problems",
    "redacted_rejected",
    "report_context",
    "section",
    "show",
    "title_block",
]

#: Report sections: key -> heading (the notebook's markdown headings read the same).
SECTIONS: dict[str, str] = {
    "summary": "Summary and highlights",
    "composition": "Partnership composition and sector diversity",
    "stakeholders": "Stakeholders",
    "health": "Collaboration health",
    "commitments": "Commitments",
    "contributions": "Contributions",
    "indicators": "Indicators",
    "competencies": "Competency alignment and candidates",
    "readiness": "Readiness",
    "appendix": "Appendix: data quality and provenance",
}

HIDDEN = "(hidden)"
_ID_COLUMNS = ("respondent_id", "rater_id")


# --------------------------------------------------------------------------- blocks


@dataclass
class Block:
    """One piece of a section: ``kind`` is "markdown", "html" or "figure"."""

    kind: str
    content: object

    def text(self) -> str:
        """The block as text (figures: their JSON), for tests and searches."""
        if self.kind == "figure":
            return self.content.to_json()
        return str(self.content)


def _md(text: str) -> Block:
    return Block("markdown", text)


def _html(text: str) -> Block:
    return Block("html", text)


def _fig(fig) -> Block:
    return Block("figure", fig)


_NUMERIC = re.compile(r"^(?:[+−±-]?(?:[A-Z]{3} )?[\d,.]+(?: ?[%km]| bn| m| k| pts)?|–|n < \d+)$")


def html_table(frame: pd.DataFrame, *, caption: str | None = None, escape: bool = True) -> str:
    """A frame of text as an HTML table: numeric columns right-aligned, text left-aligned.

    Cells are escaped unless ``escape=False`` (for cells holding trusted HTML). Missing
    cells read "–".
    """
    cols = list(frame.columns)
    cells = [
        ["–" if (not isinstance(v, str) and pd.isna(v)) else str(v) for v in frame[c]] for c in cols
    ]
    numeric = [
        bool(col) and all(_NUMERIC.match(v) for v in col) and any(v not in ("–",) for v in col)
        for col in cells
    ]
    esc = html.escape if escape else (lambda x: x)
    head = "".join(
        f'<th class="{"num" if n else "txt"}">{html.escape(str(c))}</th>'
        for c, n in zip(cols, numeric, strict=True)
    )
    rows = []
    for i in range(len(frame)):
        tds = "".join(
            f'<td class="{"num" if n else "txt"}">{esc(col[i])}</td>'
            for col, n in zip(cells, numeric, strict=True)
        )
        rows.append(f"<tr>{tds}</tr>")
    cap = f'<p class="pa-caption">{html.escape(caption)}</p>' if caption else ""
    return (
        f'<div class="pa-table-wrap">{cap}<table class="pa-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _table(frame: pd.DataFrame, *, caption: str | None = None, escape: bool = True) -> Block:
    """A frame of text as an HTML table block."""
    return _html(html_table(frame, caption=caption, escape=escape))


def _missing(what: str, message: str | None) -> Block:
    msg = message or "no data"
    return _md(f"> **{what} is not available.** {msg}.")


_PLOTLY_JS_SENT = False
#: The id of the script element holding plotly.js (the report's HTML conversion finds it).
PLOTLY_JS_ID = "pa-plotlyjs"


def plotly_js_html() -> str:
    """plotly.js itself (about 5 MB) in a script element, for a page to load once."""
    from plotly.offline.offline import get_plotlyjs

    return (
        f'<script id="{PLOTLY_JS_ID}" type="text/javascript">'
        "window.PlotlyConfig = {MathJaxConfig: 'local'};\n"
        f"{get_plotlyjs()}</script>"
    )


def figure_html(fig) -> str:
    """A figure as an HTML fragment: a div and the script drawing it (plotly.js not
    included: see :func:`plotly_js_html`; no CDN link, no MathJax)."""
    from plotly.io import to_html

    return to_html(
        fig,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        validate=False,
        default_width="100%",
        config={"displaylogo": False, "responsive": True},
    )


_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")


def markdown_html(text: str) -> str:
    """The little markdown of the report's sentences as HTML: one paragraph, ``**strong**``,
    ``*emphasis*``, ```code```, and a leading ``> `` for a note; everything else escaped."""
    note = text.startswith("> ")
    body = html.escape(text[2:] if note else text, quote=False)
    body = _CODE.sub(
        r"<code>\1</code>", _EM.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", body))
    )
    para = f"<p>{body}</p>"
    return f'<blockquote class="pa-note">{para}</blockquote>' if note else para


def blocks_html(blocks: list[Block]) -> str:
    """Blocks as one HTML fragment (figures without plotly.js: see :func:`show`)."""
    parts = []
    for b in blocks:
        if b.kind == "markdown":
            parts.append(markdown_html(b.content))
        elif b.kind == "html":
            parts.append(b.content)
        else:
            parts.append(figure_html(b.content))
    return "\n".join(parts)


def show(blocks: list[Block]) -> None:
    """Display blocks in a notebook as one HTML output, figures included.

    Before the first figure, plotly.js goes out once as its own output; figures go out as
    HTML. That is what plotly's ``notebook`` renderer does, without its per-figure
    MathJax CDN link and without importing the renderer machinery (nbformat and jsonschema:
    seconds per report). The executed notebook and its HTML therefore open offline with
    interactive figures. One output per section (not one per block) keeps the kernel's
    messages and nbconvert's work small.
    """
    global _PLOTLY_JS_SENT
    from IPython.display import HTML, display

    if not _PLOTLY_JS_SENT and any(b.kind == "figure" for b in blocks):
        display(HTML(plotly_js_html()))
        _PLOTLY_JS_SENT = True
    display(HTML(blocks_html(blocks)))


# --------------------------------------------------------------------------- context


@dataclass
class ReportContext:
    """Everything a report needs: the partnership, the two snapshots and the parameters."""

    p: object
    now: Snapshot
    prev: Snapshot
    title: str
    min_n: int
    sections: list[str]
    parameters: dict
    data_path: str
    run_time: str
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def as_of(self) -> pd.Timestamp:
        return self.now.as_of

    def headlines(self) -> pd.DataFrame:
        if "headlines" not in self._cache:
            self._cache["headlines"] = headline_figures(
                self.p, as_of=self.now.as_of, previous=self.prev.as_of, min_n=self.min_n
            )
        return self._cache["headlines"]

    def highlights(self) -> pd.DataFrame:
        if "highlights" not in self._cache:
            self._cache["highlights"] = highlights(
                self.p, as_of=self.now.as_of, previous=self.prev.as_of, min_n=self.min_n
            )
        return self._cache["highlights"]

    def wants(self, key: str) -> bool:
        return key in self.sections


def report_context(
    data,
    *,
    as_of,
    previous=None,
    title: str | None = None,
    min_n: int = 3,
    sections=None,
    run_time: str | None = None,
) -> ReportContext:
    """Load the package and prepare the report as of a day.

    Parameters
    ----------
    data : str or Path or Partnership
        A package folder, workbook or DuckDB store (loaded with ``drop_invalid=True`` so that
        rejected rows are listed in the appendix rather than stopping the report), or a
        loaded Partnership.
    as_of, previous
        The report day and the day to compare with (default: the end of the quarter before).
    title : str, optional
        Default: "<partnership name>: evaluation report <period>".
    min_n : int
        The small-cell threshold.
    sections : list of str, optional
        Section keys to include (see :data:`SECTIONS`); None: all.
    run_time : str, optional
        The time of the run for the provenance (default: now, UTC, to the second).
    """
    from partner_analytics import load_partnership

    if sections is None:
        sections = list(SECTIONS)
    elif isinstance(sections, str):
        sections = [s.strip() for s in sections.split(",") if s.strip()]
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise AnalysisInputError(
            f"unknown section(s) {', '.join(map(repr, unknown))}; the sections are: {', '.join(SECTIONS)}"
        )
    p = data if hasattr(data, "tables") else load_partnership(data, drop_invalid=True)
    day = parse_as_of(as_of)
    prev_day = previous_day(as_of, previous)
    # the later day first: the earlier snapshot then reads its per-wave frames off it
    now = snapshot(p, day, min_n=min_n)
    prev = snapshot(p, prev_day, min_n=min_n)
    if run_time is None:
        run_time = _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()
    params = {
        "data": str(data) if not hasattr(data, "tables") else p.source,
        "as_of": day.date().isoformat(),
        "previous": prev_day.date().isoformat(),
        "title": title,
        "min_n": min_n,
        "sections": list(sections),
    }
    return ReportContext(
        p=p,
        now=now,
        prev=prev,
        title=title or f"{p.name}: evaluation report {period_label(day)}",
        min_n=int(min_n),
        sections=list(sections),
        parameters=params,
        data_path=params["data"],
        run_time=run_time,
    )


# --------------------------------------------------------------------------- formats


def _fmt_value(
    v, unit: str, *, currency: str | None = None, suppressed: bool = False, min_n: int = 3
) -> str:
    if suppressed:
        return suppressed_text(min_n)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if unit == "count":
        return fmt_number(v, 0)
    if unit == "percent":
        return fmt_percent(v, 0)
    if unit == "money":
        return fmt_money(v, currency or "")
    return fmt_number(v, 1)


def _fmt_delta(
    v, unit: str, *, currency: str | None = None, suppressed: bool = False, min_n: int = 3
) -> str:
    if suppressed:
        return suppressed_text(min_n)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if unit == "count":
        return fmt_change(v, 0)
    if unit == "percent":
        return fmt_change(v, 1, unit=" pts")
    if unit == "money":
        sign = "+" if v > 0 else ("−" if v < 0 else "±")
        return sign + fmt_money(abs(v), currency or "")
    return fmt_change(v, 1)


def headline_table(frame: pd.DataFrame, *, min_n: int = 3) -> pd.DataFrame:
    """Headline figures as text: figure, now, previous, change, from (period), note.

    ``frame`` is :func:`~partner_analytics.analysis.snapshot.headline_figures`; suppressed values
    read "n < 3"; missing values "–" with the reason in ``note``.
    """
    rows = []
    for r in frame.itertuples(index=False):
        cur = r.currency if isinstance(r.currency, str) else None
        supp = bool(r.suppressed_now) or bool(r.suppressed_previous)
        periods = r.period_now if isinstance(r.period_now, str) else "–"
        if isinstance(r.period_previous, str) and r.period_previous != r.period_now:
            periods = f"{r.period_previous} → {periods}"
        rows.append(
            {
                "Figure": r.label,
                "Now": _fmt_value(
                    r.now, r.unit, currency=cur, suppressed=bool(r.suppressed_now), min_n=min_n
                ),
                "Previous": _fmt_value(
                    r.previous,
                    r.unit,
                    currency=cur,
                    suppressed=bool(r.suppressed_previous),
                    min_n=min_n,
                ),
                "Change": _fmt_delta(r.change, r.unit, currency=cur, suppressed=supp, min_n=min_n),
                "Periods": periods,
                "Note": r.note if isinstance(r.note, str) else "",
            }
        )
    return pd.DataFrame(rows, columns=["Figure", "Now", "Previous", "Change", "Periods", "Note"])


def _changes(ctx: ReportContext, section_key: str) -> list[Block]:
    h = ctx.headlines()
    h = h[h["section"] == section_key]
    if not len(h):
        return []
    return [
        _md(f"**What changed since {ctx.prev.label}**"),
        _table(headline_table(h, min_n=ctx.min_n)),
    ]


def _date(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "–"
    return pd.Timestamp(v).date().isoformat()


def _latest(frame: pd.DataFrame) -> tuple[str | None, pd.DataFrame]:
    if frame is None or not len(frame):
        return None, frame
    wave = frame.sort_values("wave_end", kind="stable")["wave"].iloc[-1]
    return wave, frame[frame["wave"] == wave]


def _try_figure(blocks: list[Block], build) -> None:
    """Add a figure; a figure that cannot be drawn from these data is left out.

    The report draws figures that show more than the tables next to them (the grid with
    its arrows, trends, the radar against the previous wave, the gap heat table, flows,
    the checklist); a bar chart repeating a table is left out: each figure costs about
    0.1 s of the report's time (docs/reports.md, Speed).
    """
    try:
        blocks.append(_fig(build()))
    except (ValueError, KeyError, *EXPECTED_ERRORS):
        pass


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
    if len(div) and bool(div["public_private_only"].iloc[0]):
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


def _stakeholders(ctx: ReportContext) -> list[Block]:
    from partner_analytics.figures.stakeholders import plot_power_interest

    s, m = ctx.now, ctx.min_n
    out = _changes(ctx, "stakeholders")
    pi = s.get("power_interest")
    if pi is None or not len(pi):
        return out + [
            _missing(
                "The stakeholder grid",
                s.problem("power_interest") or f"no ratings on or before {s.label}",
            )
        ]
    wave, cur = _latest(pi)
    mv = s.get("stakeholder_movement")
    _try_figure(out, lambda: plot_power_interest(pi, movement=mv, wave=wave))
    supp = cur["suppressed"].astype(bool)
    hide = suppressed_text(m)
    t = pd.DataFrame(
        {
            "Stakeholder": cur["name"],
            "Group": cur["group"].fillna("–"),
            "Quadrant": [
                hide if x else label(q) for q, x in zip(cur["quadrant"], supp, strict=True)
            ],
            "Power": [
                fmt_number(v, 1, suppressed=x, min_n=m)
                for v, x in zip(cur["power"], supp, strict=True)
            ],
            "Interest": [
                fmt_number(v, 1, suppressed=x, min_n=m)
                for v, x in zip(cur["interest"], supp, strict=True)
            ],
            "Raters": [fmt_number(v, 0) for v in cur["n_raters"]],
            "Contested": [
                hide if x else ("yes" if c else "")
                for c, x in zip(cur["contested"], supp, strict=True)
            ],
            "Stance": [
                hide if x else (label(v) if isinstance(v, str) else "–")
                for v, x in zip(cur["stance"], supp, strict=True)
            ],
        }
    )
    order = {
        q: i for i, q in enumerate(("manage_closely", "keep_satisfied", "keep_informed", "monitor"))
    }
    t = t.assign(
        _o=[99 if x else order.get(q, 50) for q, x in zip(cur["quadrant"], supp, strict=True)]
    )
    t = t.sort_values(["_o", "Stakeholder"], kind="stable").drop(columns="_o")
    out.append(
        _table(
            t,
            caption=f"The power-interest grid in {wave} (latest wave on or before {s.as_of.date().isoformat()})",
        )
    )
    if mv is not None and len(mv):
        ppi = ctx.prev.get("power_interest")
        pwave = _latest(ppi)[0] if ppi is not None else None
        new = mv
        if pwave is not None and pwave != wave:
            pend = ppi.loc[ppi["wave"] == pwave, "wave_end"].iloc[0]
            new = mv[mv["to_wave_end"] > pend]
        elif pwave == wave:
            new = mv.iloc[0:0]
        moved = new[new["moved"] & ~new["suppressed"]]
        if len(moved):
            t = pd.DataFrame(
                {
                    "Stakeholder": moved["name"],
                    "From": [
                        f"{label(q)} ({w})"
                        for q, w in zip(moved["quadrant_before"], moved["from_wave"], strict=True)
                    ],
                    "To": [
                        f"{label(q)} ({w})"
                        for q, w in zip(moved["quadrant_after"], moved["to_wave"], strict=True)
                    ],
                    "Power change": [fmt_change(v, 1) for v in moved["power_change"]],
                    "Interest change": [fmt_change(v, 1) for v in moved["interest_change"]],
                }
            )
            out.append(
                _table(
                    t, caption=f"Stakeholders who changed quadrant since {pwave or ctx.prev.label}"
                )
            )
        else:
            out.append(_md(f"No stakeholder changed quadrant since {pwave or ctx.prev.label}."))
    return out


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
        return out + [
            _missing(
                "Collaboration health",
                s.problem("health_index") or f"no assessments on or before {s.label}",
            )
        ]
    out.append(_md(f"Instrument: {ctx.p.instrument} factors."))
    _try_figure(out, lambda: plot_health_index(hi))
    supp = hi["suppressed"].astype(bool)
    t = pd.DataFrame(
        {
            "Wave": hi["wave"],
            "Index (0-100)": [
                fmt_number(v, 1, suppressed=x, min_n=m)
                for v, x in zip(hi["index"], supp, strict=True)
            ],
            "95 % interval": [
                _hide_or(f"{fmt_number(a, 1)} – {fmt_number(b, 1)}", x, m)
                for a, b, x in zip(hi["ci_low"], hi["ci_high"], supp, strict=True)
            ],
            "Band": [
                suppressed_text(m) if x else label(v) for v, x in zip(hi["band"], supp, strict=True)
            ],
            "Factors used": [fmt_number(v, 0) for v in hi["n_factors"]],
            "Respondents": [fmt_number(v, 0) for v in hi["n_respondents"]],
            "Change": [
                fmt_change(v, 1, suppressed=x, min_n=m)
                for v, x in zip(hi["change"], supp, strict=True)
            ],
        }
    )
    out.append(_table(t, caption="The collaboration health index per wave"))
    fs = s.get("factor_scores")
    if fs is not None and len(fs):
        wave, cur = _latest(fs)
        _try_figure(out, lambda: plot_factor_radar(fs, wave=wave))
        fsupp = cur["suppressed"].astype(bool)
        t = pd.DataFrame(
            {
                "Factor": cur["factor"],
                "Mean (1-5)": [
                    fmt_number(v, 2, suppressed=x, min_n=m)
                    for v, x in zip(cur["mean"], fsupp, strict=True)
                ],
                "Band": [
                    suppressed_text(m) if x else (label(v) if isinstance(v, str) else "–")
                    for v, x in zip(cur["band"], fsupp, strict=True)
                ],
                "Respondents": [fmt_number(v, 0) for v in cur["n_respondents"]],
                "Change": [
                    fmt_change(v, 2, suppressed=x, min_n=m)
                    for v, x in zip(cur["change"], fsupp, strict=True)
                ],
                "Since": cur["previous_wave"].fillna("–"),
            }
        )
        out.append(_table(t, caption=f"Factor means in {wave}"))
    pg = s.get("perception_gaps")
    if pg is not None and len(pg):
        wave, cur = _latest(pg)
        _try_figure(out, lambda: plot_perception_gaps(pg, wave=wave))
        per = cur.drop_duplicates("factor_code")
        flagged = per[per["flagged"].astype(bool)].sort_values(
            "gap", ascending=False, kind="stable"
        )
        if len(flagged):
            t = pd.DataFrame(
                {
                    "Factor": flagged["factor"],
                    "Gap": [fmt_number(v, 2) for v in flagged["gap"]],
                    "Highest": [label(v) for v in flagged["highest_group"]],
                    "Lowest": [label(v) for v in flagged["lowest_group"]],
                    "Sectors compared": [fmt_number(v, 0) for v in flagged["n_groups_compared"]],
                }
            )
            out.append(
                _table(
                    t,
                    caption=f"Factors that sectors see differently in {wave} (gap of 1.0 or more)",
                )
            )
        else:
            out.append(_md(f"No factor shows a gap of 1.0 or more between sectors in {wave}."))
    return out


def _hide_or(text: str, suppressed: bool, min_n: int) -> str:
    return suppressed_text(min_n) if suppressed else text


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
            _commitment_list(up, "days_until_due", "Days to go", "Falling due in the next 30 days")
        )
    return out


def _commitment_list(frame: pd.DataFrame, days: str, days_label: str, caption: str) -> Block:
    """A table of commitments (overdue or falling due): partner, what, due date, days."""
    t = pd.DataFrame(
        {
            "Partner": frame["partner"],
            "Commitment": frame["description"],
            "Due": [_date(v) for v in frame["due_date"]],
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
    if not len(ct) or float(ct["pledged"].sum()) == 0:
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
    prev = ctx.prev.get("indicator_scores")
    before = dict(zip(prev["parent_id"], prev["status"], strict=True)) if prev is not None else {}
    frame = sc.assign(_p=sc["pillar"].fillna("~")).sort_values(
        ["_p", "score"], ascending=[True, False], kind="stable"
    )
    rows = []
    for r in frame.itertuples(index=False):
        was = before.get(r.parent_id)
        rows.append(
            {
                "Pillar": label(r.pillar) if isinstance(r.pillar, str) else "–",
                "Indicator": r.name,
                "Status": _status_cell(r.status),
                f"Status in {ctx.prev.label}": _status_cell(was) if was else "–",
                "Score (-5..5)": fmt_number(r.score, 2),
                "Changed": "yes" if was and was != r.status else "",
            }
        )
    # names are escaped here; the status cells are HTML built by _status_cell
    t = pd.DataFrame(rows)
    t["Indicator"] = t["Indicator"].map(lambda v: html.escape(str(v)))
    out.append(
        _table(
            t,
            caption=f"Indicator status by pillar as of {s.as_of.date().isoformat()} (Open SDG progress measure)",
            escape=False,
        )
    )
    changed = [
        i
        for i, st in zip(sc["parent_id"], sc["status"], strict=True)
        if i in before and before[i] != st
    ]
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
            "Review": [_date(v) for v in rd["review_date"]],
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


# --------------------------------------------------------------------------- appendix


def _hidden_ids(p) -> set[str]:
    ids: set[str] = set()
    for table, col in (("assessments", "respondent_id"), ("stakeholder_ratings", "rater_id")):
        f = p.tables.get(table)
        if f is not None and col in f:
            ids |= {str(v) for v in f[col].dropna().unique()}
    rej = p.rejected
    if rej is not None and len(rej) and "values" in rej:
        for text in rej["values"].dropna():
            try:
                values = json.loads(text)
            except (TypeError, ValueError):
                continue
            for col in _ID_COLUMNS:
                v = values.get(col) if isinstance(values, dict) else None
                if v:
                    ids.add(str(v))
    return {i for i in ids if i.strip()}


def _scrubber(ids: set[str]):
    if not ids:
        return lambda text: text
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
        + r")(?![\w-])"
    )
    return lambda text: pattern.sub(HIDDEN, text) if isinstance(text, str) else text


def redacted_problems(p) -> pd.DataFrame:
    """The package's problems with respondent and rater ids replaced by "(hidden)".

    Values in a ``respondent_id`` / ``rater_id`` column are hidden, and every known id
    (from the tables and the rejected rows) is hidden wherever it occurs in a value or a
    message (duplicate-key messages quote the key).
    """
    pr = p.problems.copy()
    if not len(pr):
        return pr
    scrub = _scrubber(_hidden_ids(p))
    idcol = pr["column"].astype("str").str.contains("respondent_id|rater_id", regex=True, na=False)
    pr["value"] = pr["value"].astype("object").where(~idcol, HIDDEN)
    for c in ("value", "message"):
        pr[c] = pr[c].map(scrub)
    return pr


def redacted_rejected(p) -> pd.DataFrame:
    """The rejected rows with respondent and rater ids replaced by "(hidden)"."""
    rej = p.rejected.copy()
    if not len(rej):
        return rej
    scrub = _scrubber(_hidden_ids(p))

    def clean(text):
        try:
            values = json.loads(text)
        except (TypeError, ValueError):
            return scrub(text)
        if isinstance(values, dict):
            for col in _ID_COLUMNS:
                if values.get(col):
                    values[col] = HIDDEN
            return scrub(json.dumps(values, ensure_ascii=False))
        return scrub(text)

    rej["values"] = rej["values"].map(clean)
    rej["reason"] = rej["reason"].map(scrub)
    return rej


def _appendix(ctx: ReportContext) -> list[Block]:
    import partner_analytics
    from partner_analytics.data.summary import package_summary

    p = ctx.p
    out = []
    summ = package_summary(p)
    tables = summ["tables"]
    missing = tables.loc[tables["rows"] == 0, "table"].tolist()
    t = pd.DataFrame(
        {
            "Table": tables["table"],
            "Rows": [fmt_number(v, 0) for v in tables["rows"]],
            "Given": ["yes" if g else "no" for g in tables["given"]],
        }
    )
    out.append(_md("**Tables of the package**"))
    out.append(_table(t))
    if missing:
        out.append(
            _md(
                "Tables the package does not have (or has without rows): "
                + ", ".join(f"`{m}`" for m in missing)
                + "."
            )
        )
    out.append(_md("**Problems found when loading the package**"))
    pr = redacted_problems(p)
    if len(pr):
        t = (
            pr[["severity", "table", "file", "row", "column", "value", "message"]]
            .astype("object")
            .fillna("")
        )
        out.append(_table(t))
    else:
        out.append(_md("None: the package loaded without errors or warnings."))
    out.append(_md("**Rejected rows**"))
    rej = redacted_rejected(p)
    if len(rej):
        out.append(
            _table(rej[["table", "file", "row", "reason", "values"]].astype("object").fillna(""))
        )
    else:
        out.append(_md("None."))
    if p.ledger is not None and len(p.ledger):
        out.append(_md("**Import ledger of the store**"))
        out.append(_table(p.ledger.astype("object").fillna("")))
    out.append(_md("**Provenance**"))
    hashes = p.file_hashes()
    root = Path(p.source) if p.source else None
    if len(hashes):
        files = []
        for f in hashes["file"]:
            try:
                files.append(
                    str(Path(f).relative_to(root)) if root and root.is_dir() else Path(f).name
                )
            except ValueError:
                files.append(Path(f).name)
        t = pd.DataFrame(
            {
                "File": files,
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


_BUILDERS = {
    "summary": _summary,
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
