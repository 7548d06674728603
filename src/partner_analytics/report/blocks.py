"""The pieces of a report section and how they go out to the notebook.

A section is a list of :class:`Block` s (markdown text, HTML, plotly figures), built without
a kernel so that every block can be tested. :func:`display_blocks` writes them into the
executed notebook as one HTML output; plotly.js itself goes out once per report, before the
first figure (whether it went out is kept by the report's context, never by the process: a
report run twice in one kernel carries plotly.js both times).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = [
    "PLOTLY_JS_ID",
    "Block",
    "anchor",
    "blocks_html",
    "display_blocks",
    "figure_html",
    "markdown_html",
    "plotly_js_html",
]

#: The id of the script element holding plotly.js (the report's HTML conversion finds it).
PLOTLY_JS_ID = "pa-plotlyjs"


def anchor(key: str) -> str:
    """The id of a section's heading in the HTML report (links from the summary)."""
    return f"section-{key}"


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


def plotly_js_html() -> str:
    """plotly.js itself (about 5 MB) in a script element, for a page to load once."""
    from plotly.offline.offline import get_plotlyjs

    return (
        f'<script id="{PLOTLY_JS_ID}" type="text/javascript">'
        "window.PlotlyConfig = {MathJaxConfig: 'local'};\n"
        f"{get_plotlyjs()}</script>"
    )


#: Visually hidden, read by screen readers (the figure's text alternative).
_SR_ONLY = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)


def figure_html(fig) -> str:
    """A figure as an HTML fragment: a div and the script drawing it (plotly.js not
    included: see :func:`plotly_js_html`; no CDN link, no MathJax), in a group named by
    the figure's text alternative written from its data
    (:func:`partner_analytics.present.alt_text.alt_text`), which also follows it as
    visually hidden text for screen readers."""
    from plotly.io import to_html

    from partner_analytics.present.alt_text import alt_text

    alt = html.escape(alt_text(fig))
    drawn = to_html(
        fig,
        include_plotlyjs=False,
        include_mathjax=False,
        full_html=False,
        validate=False,
        default_width="100%",
        config={"displaylogo": False, "responsive": True},
    )
    return (
        f'<div class="pa-report-figure" role="group" aria-label="{alt}">{drawn}'
        f'<p class="pa-alt" style="{_SR_ONLY}">{alt}</p></div>'
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
    """Blocks as one HTML fragment (figures without plotly.js: see :func:`display_blocks`)."""
    parts = []
    for b in blocks:
        if b.kind == "markdown":
            parts.append(markdown_html(b.content))
        elif b.kind == "html":
            parts.append(b.content)
        else:  # a wrapper the printed page scales to its width (report CSS: .pa-fig)
            parts.append(f'<div class="pa-fig">{figure_html(b.content)}</div>')
    return "\n".join(parts)


def display_blocks(blocks: list[Block], *, plotly_js: bool) -> bool:
    """Display blocks in a notebook as one HTML output, figures included.

    With ``plotly_js`` true and a figure among the blocks, plotly.js goes out first as its
    own output: what plotly's ``notebook`` renderer does, without its per-figure MathJax
    CDN link and without importing the renderer machinery (nbformat and jsonschema:
    seconds per report). The executed notebook and its HTML therefore open offline with
    interactive figures. One output per section (not one per block) keeps the kernel's
    messages and nbconvert's work small.

    Returns
    -------
    bool
        True when plotly.js went out with these blocks.
    """
    from IPython.display import HTML, display

    sent = plotly_js and any(b.kind == "figure" for b in blocks)
    if sent:
        display(HTML(plotly_js_html()))
    display(HTML(blocks_html(blocks)))
    return sent
