"""The shared figure helpers: the product template without touching plotly's default, and
marks set at once (same figure as adding them one by one)."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from partner_analytics.figures._common import Marks
from partner_analytics.figures.theme import TEMPLATE, date_text, empty_figure, new_figure, themed


def test_new_figure_has_the_product_template_and_leaves_plotly_default_alone():
    before = pio.templates.default
    fig = new_figure(go.Bar(x=[1], y=[2]))
    assert pio.templates.default == before
    assert fig.layout.template == pio.templates[TEMPLATE]
    assert fig.layout.template != pio.templates["plotly"]
    assert (
        fig.to_dict()["layout"]["template"]
        == go.Figure(layout_template=TEMPLATE).to_dict()["layout"]["template"]
    )
    with pytest.raises(ValueError):  # the layout still validates what is set afterwards
        fig.update_layout(xaxis={"not_a_property": 1})


def test_themed_keeps_subplots_and_empty_figures_in_the_template():
    from plotly.subplots import make_subplots

    fig = themed(make_subplots(rows=1, cols=2))
    assert fig.layout.template == pio.templates[TEMPLATE]
    assert empty_figure("nothing").layout.template == pio.templates[TEMPLATE]


def test_marks_give_the_figure_adding_them_one_by_one_gives():
    slow = go.Figure()
    slow.add_hrect(y0=0, y1=1, annotation_text="band")
    for i in range(5):
        slow.add_annotation(x=i, y=i, text=str(i), showarrow=False)
        slow.add_shape(type="line", x0=i, x1=i + 1, y0=0, y1=1)
    fast = go.Figure()
    fast.add_hrect(y0=0, y1=1, annotation_text="band")
    marks = Marks()
    for i in range(5):
        marks.add_annotation(x=i, y=i, text=str(i), showarrow=False)
        marks.add_shape(type="line", x0=i, x1=i + 1, y0=0, y1=1)
    assert marks.apply(fast) is fast
    assert fast.to_dict() == slow.to_dict()
    assert [a.text for a in fast.layout.annotations] == ["band", "0", "1", "2", "3", "4"]


def test_date_text_reads_as_in_a_title():
    assert date_text("2026-09-30") == "30 Sep 2026"
    assert date_text("2026-07-01") == "1 Jul 2026"
