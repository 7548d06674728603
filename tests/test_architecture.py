"""The one-way flow of docs/architecture.md, checked on the source with an AST scan.

files -> data -> analysis -> figures -> present -> report | dashboards; importers read
foreign formats with data and analysis. Every import counts, at the top of a module or
inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import partner_analytics

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "partner_analytics"
TESTS = ROOT / "tests"

# what each part may import of the package (besides itself); the command line and the
# package root call everything
ALLOWED = {
    "errors": set(),
    "_lazy": set(),
    "i18n": set(),
    "data": {"errors", "frameworks"},
    "frameworks": {"data", "errors"},
    "sample": {"data", "errors", "frameworks"},
    "analysis": {"i18n", "data", "errors", "frameworks"},
    "importers": {"i18n", "data", "analysis", "errors", "frameworks"},
    "figures": {"i18n", "analysis", "data", "errors", "frameworks"},
    "present": {"i18n", "figures", "analysis", "data", "errors", "frameworks"},
    "report": {"i18n", "present", "figures", "analysis", "data", "errors", "frameworks", "_lazy"},
    "dashboards": {"i18n", "present", "figures", "analysis", "data", "errors", "frameworks", "sample"},
}
# libraries a part must never import
FOREIGN = {
    "data": ("plotly", "ipywidgets", "voila", "anywidget", "IPython"),
    "analysis": ("plotly", "ipywidgets", "voila", "anywidget", "IPython"),
    "importers": ("plotly", "ipywidgets", "IPython"),
    "figures": ("ipywidgets", "voila", "anywidget", "IPython"),
    "present": ("ipywidgets", "voila", "anywidget", "IPython"),
    "report": ("ipywidgets", "voila", "anywidget"),
}
# aggregation belongs to the analyses: presentation, report and dashboards only read them
AGGREGATION = (".groupby(", ".sum(", ".mean(", "value_counts")


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _part(module: str) -> str:
    """The part of the package a module belongs to: its first folder or root module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(node: ast.ImportFrom | ast.Import, module: str) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) of an import statement in ``module``."""
    if isinstance(node, ast.Import):
        return [(a.name, None) for a in node.names]
    base = node.module or ""
    if node.level:
        pkg = module.split(".")
        path = MODULES.get(module)
        if path is None or path.name != "__init__.py":
            pkg = pkg[:-1]
        pkg = pkg[: len(pkg) - (node.level - 1)]
        base = ".".join([*pkg, base] if base else pkg)
    out = []
    for a in node.names:
        sub = f"{base}.{a.name}"
        out.append((sub, None) if sub in MODULES else (base, a.name))
    return out


def _imports(path: Path, module: str) -> list[tuple[str, str | None, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out += [(m, n, node.lineno) for m, n in _resolve(node, module)]
    return out


def _target(imported: str, name: str | None) -> str:
    """The package module an import reaches (a name of the root: the module defining it)."""
    if imported == "partner_analytics" and name is not None:
        value = getattr(partner_analytics, name, None)
        defined = getattr(value, "__module__", None)
        if defined and defined.startswith("partner_analytics."):
            return defined
    return imported


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        for imported, name, _ in _imports(path, module):
            target = _target(imported, name)
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target.startswith("partner_analytics") and target != module:
                graph[module].add(target)
    return graph


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_part_imports_only_the_parts_before_it(part):
    offenders = []
    for module, path in MODULES.items():
        if _part(module) != part:
            continue
        for imported, name, line in _imports(path, module):
            target = _target(imported, name)
            if not target.startswith("partner_analytics.") and target != "partner_analytics":
                if any(target == f or target.startswith(f + ".") for f in FOREIGN.get(part, ())):
                    offenders.append(f"{path.relative_to(SRC)}:{line} imports {target}")
                continue
            other = _part(target) if target != "partner_analytics" else "__init__"
            # the root itself (its version; a name of it resolves to its module above)
            if other not in (part, "__init__") and other not in ALLOWED[part]:
                offenders.append(f"{path.relative_to(SRC)}:{line} imports {target} ({other})")
    assert offenders == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_no_import_cycle(part):
    cycles = [c for c in _cycles(_edges()) if any(_part(m) == part for m in c)]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _own_test(test: Path, module: str) -> bool:
    """True when ``test`` is a test of ``module``: tests/<folder>/test_<name>[_...].py for
    <folder>/<name>.py or <folder>/_<name>.py (the name singular or plural:
    test_indicator_trend_vectorised.py tests indicators.py)."""
    parts = module.split(".")[1:]
    if not parts:
        return False
    name = parts[-1].lstrip("_")
    folder = parts[:-1]
    rel = test.relative_to(TESTS)
    names = {name, name.removesuffix("s")}
    return list(rel.parts[:-1]) == folder and any(
        test.stem == f"test_{n}" or test.stem.startswith(f"test_{n}_") for n in names
    )


def _private_imports(path: Path, module: str | None):
    """Imports of a private name of another module, and of a private module from outside
    its package: (line, module imported, what)."""
    for imported, name, line in _imports(path, module or "tests"):
        if not imported.startswith("partner_analytics"):
            continue
        if name is not None and name.startswith("_") and not name.startswith("__"):
            yield line, imported, f"{imported}.{name}"
        # a private module is its package's helper: its siblings (and tests) import it
        if module is not None and any(p.startswith("_") for p in imported.split(".")[1:]):
            package = imported.rpartition(".")[0]
            if module != package and not module.startswith(package + "."):
                yield line, imported, imported


@pytest.mark.parametrize("part", sorted({_part(m) for m in MODULES}))
def test_no_module_imports_another_modules_private_names(part):
    offenders = [
        f"{path.relative_to(SRC)}:{line} imports {what}"
        for module, path in MODULES.items()
        if _part(module) == part
        for line, _, what in _private_imports(path, module)
    ]
    assert offenders == []


def test_tests_import_private_names_only_of_the_module_they_test():
    offenders = []
    for test in sorted(TESTS.rglob("*.py")):
        if "corpus" in test.parts:
            continue
        tree_module = None
        for line, imported, what in _private_imports(test, tree_module):
            if not what.startswith(imported + "._"):
                continue  # a public name of a private module
            if not _own_test(test, imported):
                offenders.append(f"{test.relative_to(TESTS)}:{line} imports {what}")
    assert offenders == []


@pytest.mark.parametrize("part", ["present", "report", "dashboards"])
def test_presentation_report_and_dashboards_do_not_aggregate(part):
    offenders = []
    for path in sorted((SRC / part).rglob("*.py")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(a in line for a in AGGREGATION):
                offenders.append(f"{path.relative_to(SRC)}:{i}: {line.strip()}")
    assert offenders == []


def test_the_scan_reads_every_kind_of_import():
    # a relative import inside a function resolves like an absolute one
    tree = ast.parse("def f():\n    from ..analysis import headlines\n    from . import _common\n")
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    got = [_resolve(n, "partner_analytics.figures.health") for n in nodes]
    assert got == [
        [("partner_analytics.analysis.headlines", None)],
        [("partner_analytics.figures._common", None)],
    ]


def test_the_cli_holds_no_analysis_of_its_own():
    # the command line only calls the package: no groupby / arithmetic on frames in cli.py
    text = (SRC / "cli.py").read_text(encoding="utf-8")
    for needle in (".groupby(", ".mean(", ".agg("):
        assert needle not in text


def test_the_scan_finds_a_private_import_and_a_layer_skipped(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from partner_analytics.analysis.health import _survey\n"
        "from partner_analytics.analysis._common import numpy_sums\n"
    )
    found = [what for _, _, what in _private_imports(bad, "partner_analytics.report.bad")]
    assert found == [
        "partner_analytics.analysis.health._survey",
        "partner_analytics.analysis._common",  # a private module of another package
    ]


# files changed at the same time on other branches, to be brought in line when merged
NOT_YET = {
    "analysis/_opensdg.py": "the Open SDG measure (no small cells)",
}


@pytest.mark.parametrize("part", ["analysis", "figures", "present", "report", "dashboards"])
def test_the_small_cell_threshold_is_not_written_again(part):
    # min_n is one setting (Partnership.min_n, read through analysis.small_cells): no
    # default of 3 of its own, no "n < 3" written as such, no MIN_RATERS
    needles = ("min_n: int = 3", "min_n=3", '"n < 3"', "n &lt; 3", "MIN_RATERS", "fewer than 3 ")
    offenders = []
    for path in sorted((SRC / part).rglob("*.py")):
        if path.relative_to(SRC).as_posix() in NOT_YET:
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(n in line for n in needles) and not line.lstrip().startswith("#"):
                offenders.append(f"{path.relative_to(SRC)}:{i}: {line.strip()}")
    assert offenders == []
