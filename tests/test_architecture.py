"""The one-way layering of architecture.md, checked on the source with an AST scan."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "partner_analytics"

# layer -> modules it must never import
FORBIDDEN = {
    "data": ("plotly", "ipywidgets", "voila", "partner_analytics.analysis", "partner_analytics.figures",
             "partner_analytics.pages", "partner_analytics.report.render"),
    "analysis": ("plotly", "ipywidgets", "voila", "anywidget", "partner_analytics.figures",
                 "partner_analytics.pages", "partner_analytics.report.render"),
    "importers": ("plotly", "ipywidgets", "partner_analytics.figures", "partner_analytics.pages"),
    "figures": ("ipywidgets", "partner_analytics.pages", "partner_analytics.report.render"),
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_never_import_the_layers_after_them(layer):
    offenders = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_the_cli_holds_no_analysis_of_its_own():
    # the command line only calls the package: no groupby / arithmetic on frames in cli.py
    text = (SRC / "cli.py").read_text(encoding="utf-8")
    for needle in (".groupby(", ".mean(", ".agg("):
        assert needle not in text
