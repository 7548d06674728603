"""``as_of`` means one day everywhere: a period label stands for its last day.

Every public function of the analysis and presentation layers that takes a partnership and
``as_of`` is found
by introspection (a new one is covered without being listed here) and called on the sample
partnership with "2026-Q3" and with "2026-09-30": the results must be identical.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pandas as pd
import pytest

import partner_analytics
from partner_analytics import load_partnership

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
LAYERS = ("analysis", "present")


def _public_functions_with_as_of() -> list[tuple[str, object]]:
    found = {}
    for layer in LAYERS:
        package = importlib.import_module(f"partner_analytics.{layer}")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name in getattr(module, "__all__", ()):
                fn = getattr(module, name)
                if not inspect.isfunction(fn):
                    continue
                params = list(inspect.signature(fn).parameters)
                if params[:1] == ["p"] and "as_of" in params:
                    found[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return sorted(found.items())


FUNCTIONS = _public_functions_with_as_of()
EXAMPLES = {
    "topic": lambda p: "stakeholders",
    "found": lambda p: partner_analytics.analysis.findings.findings(p, as_of="2026-09-30"),
}


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "partners.csv").is_file():
        pytest.skip("data/sample not generated")
    return load_partnership(SAMPLE)


def _same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, partner_analytics.Partnership):
        assert a.tables.keys() == b.tables.keys()
        for name in a.tables:
            pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    elif hasattr(a, "as_of") and hasattr(a, "frame"):  # a Snapshot
        assert a.as_of == b.as_of and a.label == b.label
    else:
        assert a == b or (pd.isna(a) and pd.isna(b))


def test_the_functions_taking_as_of_are_found():
    names = {name.rsplit(".", 1)[-1] for name, _ in FUNCTIONS}
    assert {"follow_through", "indicator_scores", "competency_alignment", "as_of_view"} <= names


@pytest.mark.parametrize(("name", "fn"), FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_a_quarter_label_and_its_last_day_give_identical_results(sample, name, fn):
    # a required argument besides p and as_of gets an example value
    args = [EXAMPLES[q](sample) for q, v in inspect.signature(fn).parameters.items()
            if q not in ("p", "as_of") and v.default is inspect.Parameter.empty and v.kind is v.POSITIONAL_OR_KEYWORD]
    assert _same(fn(sample, *args, as_of="2026-Q3"), fn(sample, *args, as_of="2026-09-30")) is None


def test_follow_through_as_of_a_quarter_judges_on_its_last_day(sample):
    from partner_analytics.analysis.delivery import follow_through

    ft = follow_through(sample, as_of="2026-Q3")
    assert (ft["as_of"] == pd.Timestamp("2026-09-30")).all()
