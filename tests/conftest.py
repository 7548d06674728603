"""Shared test fixtures and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

# the tiny partnership of the period, highlight, report and dashboard tests (fixtures)
pytest_plugins = ("tiny_partnership",)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SAMPLE = ROOT / "data" / "sample"
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture
def corpus() -> Path:
    return CORPUS


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"real public data not found at {REALDATA} (see shared/realdata/SOURCES.md)")
    return REALDATA
