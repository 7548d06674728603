"""The data layer's own layout: one-way imports, public names only, rule codes documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from partner_analytics.data.problems import PROBLEM_COLUMNS, Rule

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "partner_analytics" / "data"


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every ``from partner_analytics... import`` in a file, at any depth."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("partner_analytics"):
            out.append((node.module, [a.name for a in node.names]))
    return out


def _module(path: Path) -> str:
    return "partner_analytics.data." + path.stem


def test_the_data_modules_import_each_other_one_way():
    graph = {
        _module(p): {m for m, _ in _imports(p) if m.startswith("partner_analytics.data.")}
        for p in DATA.glob("*.py")
    }

    def reaches(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    assert [m for m in graph if m in reaches(m)] == []


def test_no_data_module_imports_another_modules_private_names():
    offenders = [
        f"{p.name} imports {name} from {module}"
        for p in DATA.glob("*.py")
        for module, names in _imports(p)
        for name in names
        if name.startswith("_") and module != _module(p)
    ]
    assert offenders == []


def test_no_data_code_matches_the_text_of_a_problem_message():
    # decisions about problems use the rule code; the words of a message may change
    pattern = re.compile(r"""\[["']message["']\][^\n]*\.str\.""")
    offenders = [p.name for p in DATA.glob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_rule_code_is_documented_for_users():
    doc = (ROOT / "docs" / "data-package.md").read_text(encoding="utf-8")
    missing = [r.value for r in Rule if f"`{r.value}`" not in doc]
    assert missing == []
    assert PROBLEM_COLUMNS[:2] == ["severity", "rule"]
