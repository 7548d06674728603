"""The evaluator notebooks' helpers, and the notebooks themselves: charts that survive export,
readings written from the data, no fixed text about the sample."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from partner_analytics.present.notebook import (
    NOTEBOOK_RENDERER,
    key_findings,
    reading,
    setup_notebook,
)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").glob("*.ipynb") if p.name != "report.ipynb")
AS_OF = "2022-12-31"


def test_setup_makes_charts_exportable_and_tables_rounded():
    import plotly.io as pio

    before = pio.renderers.default, pd.get_option("display.precision")
    try:
        setup_notebook()
        # the HTML half is what nbconvert and nbviewer show; the mimetype is JupyterLab's
        assert pio.renderers.default == NOTEBOOK_RENDERER == "plotly_mimetype+notebook"
        assert pd.get_option("display.precision") == 2
    finally:
        pio.renderers.default = before[0]
        pd.set_option("display.precision", before[1])


def test_a_reading_is_written_from_the_package_it_runs_on(tiny):
    text = reading(tiny, "commitments", as_of=AS_OF).data
    assert text.startswith("**Reading it.**")
    assert "Alpha Council has 2 overdue commitments; the oldest is 91 days overdue." in text
    assert "Recycling" not in text  # another topic
    with pytest.raises(ValueError, match="the topics are: indicators, commitments"):
        reading(tiny, "gossip", as_of=AS_OF)


def test_a_topic_with_nothing_to_say_says_so(partners_only):
    assert (
        "Nothing stands out on readiness" in reading(partners_only, "readiness", as_of=AS_OF).data
    )


def test_the_key_findings_are_the_reports_executive_summary(tiny):
    text = key_findings(tiny, as_of=AS_OF).data
    lines = text.splitlines()
    assert 3 <= len(lines) <= 5
    assert lines[0].startswith("- **Alert: Recycling moved to deterioration.**")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_an_evaluator_notebook_exports_its_charts_and_names_nothing_of_the_sample(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "setup_notebook()" in code  # the renderer that embeds the charts
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # no outputs
    # interpretation comes from the data: no organisation of the sample named in the text
    sample = ROOT / "data" / "sample"
    if (sample / "partners.csv").is_file():
        names = [
            *pd.read_csv(sample / "partners.csv")["name"],
            *pd.read_csv(sample / "stakeholders.csv")["name"],
        ]
        named = [n for n in [*names, "BuildLoop"] if n in text]
        assert named == []
    assert "n < 3" not in text  # the threshold is the package's setting


def test_indicator_trends_has_no_sections_kept_for_the_tests():
    nb = nbformat.read(ROOT / "notebooks" / "indicator_trends.ipynb", as_version=4)
    source = "\n".join(c.source for c in nb.cells)
    assert "realdata" not in source and "read_iati" not in source and "HSPA" not in source


def test_a_notebook_shows_how_to_use_ones_own_package():
    nb = nbformat.read(ROOT / "notebooks" / "own_package.ipynb", as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "package = None" in params[0].source
    source = "\n".join(c.source for c in nb.cells)
    assert "load_partnership(package)" in source and "partner-analytics report" in source
