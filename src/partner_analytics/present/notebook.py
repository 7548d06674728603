"""The evaluator notebooks: charts that survive export, rounded tables, readings from the data.

- :func:`setup_notebook`: plotly figures written both for JupyterLab and as HTML with
  plotly.js embedded once, so that ``jupyter nbconvert --to html`` and nbviewer show every
  chart (plotly's default renderer writes only its own mimetype, which both drop); tables
  shown with two decimals.
- :func:`reading`: what the data say on one topic, as of a day, in the sentences of the
  report (:func:`~partner_analytics.present.highlights.highlights`): a notebook's
  interpretation is written from the package it runs on, never fixed text about one sample.
- :func:`key_findings`: the findings a report leads with (its executive summary), as a list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from partner_analytics.analysis.findings import RULES, top_findings
from partner_analytics.analysis.snapshot import latest_day
from partner_analytics.present.formats import label

__all__ = ["NOTEBOOK_RENDERER", "Text", "key_findings", "reading", "setup_notebook"]

#: plotly's renderers for notebooks: JupyterLab's own mimetype plus HTML with plotly.js
#: embedded (offline), which nbconvert and nbviewer show.
NOTEBOOK_RENDERER = "plotly_mimetype+notebook"


def setup_notebook(*, decimals: int = 2) -> None:
    """Make this notebook's charts and tables exportable and readable.

    Sets plotly's default renderer to :data:`NOTEBOOK_RENDERER` and pandas' display of
    floats to ``decimals`` digits (the numbers themselves are not changed).
    """
    import plotly.io as pio

    pio.renderers.default = NOTEBOOK_RENDERER
    pd.set_option("display.precision", decimals)
    pd.set_option("display.max_colwidth", 80)


def _day(p, as_of):
    if as_of is not None:
        return as_of
    day = latest_day(p)
    if day is None:
        raise ValueError("the package has no dated row: give as_of")
    return day


@dataclass(frozen=True)
class Text:
    """Markdown a notebook shows as formatted text (its ``data`` is the Markdown source);
    two are equal when their text is."""

    data: str

    def _repr_markdown_(self) -> str:
        return self.data

    def __str__(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return self.data


def _markdown(text: str) -> Text:
    return Text(text)


def reading(p, topic: str, *, as_of=None, previous=None, min_n: int | None = None):
    """What the data say on ``topic`` as of a day, as a Markdown list for a notebook.

    Parameters
    ----------
    p : Partnership
        The package the notebook runs on.
    topic : str
        A report section: composition, stakeholders, health, commitments, contributions,
        indicators, competencies or readiness.
    as_of, previous
        The day (default: the last day the package has data for) and the day compared with
        (default: the end of the period before).
    min_n : int, optional
        The small-cell threshold (default: the package's setting).

    Returns
    -------
    Text
        Markdown shown formatted in a notebook: one bullet per highlight sentence of the topic, its severity first; "Nothing stands
        out" when there is none.
    """
    from partner_analytics.present.highlights import highlights

    if topic not in set(RULES.values()):
        topics = ", ".join(dict.fromkeys(RULES.values()))
        raise ValueError(f"unknown topic {topic!r}; the topics are: {topics}")
    h = highlights(p, as_of=_day(p, as_of), previous=previous, min_n=min_n)
    mine = h[h["rule"].map(RULES) == topic]
    if not len(mine):
        return _markdown(f"**Reading it.** Nothing stands out on {topic} as of this day.")
    lines = [f"- **{label(r.severity)}.** {r.sentence}" for r in mine.itertuples(index=False)]
    return _markdown("**Reading it.**\n\n" + "\n".join(lines))


def key_findings(p, *, as_of=None, previous=None, min_n: int | None = None):
    """The findings a report of ``as_of`` leads with (3 to 5, the most pressing first), each
    with the sentences behind it, as a Markdown list."""
    from partner_analytics.analysis.findings import findings
    from partner_analytics.present.actions import finding_responses
    from partner_analytics.present.highlights import finding_title, highlights

    day = _day(p, as_of)
    found = findings(p, as_of=day, previous=previous, min_n=min_n)
    h = highlights(p, as_of=day, previous=previous, min_n=min_n)
    top = top_findings(found)
    pressing = top.loc[top["severity"].isin(["alert", "watch"]), "rule"]
    answers = finding_responses(p, found[found["rule"].isin(pressing)], as_of=day)
    lines = []
    for f in top.itertuples(index=False):
        n = len(found[found["rule"] == f.rule])
        said = " ".join(h.loc[h["rule"] == f.rule, "sentence"])
        answer = f" *{answers[f.rule]}*" if f.rule in answers else ""
        lines.append(f"- **{label(f.severity)}: {finding_title(f, n)}.** {said}{answer}")
    if not lines:
        return _markdown("Nothing stands out: the package holds too little to compare.")
    return _markdown("\n".join(lines))
