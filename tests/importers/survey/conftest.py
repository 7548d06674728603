"""Fixtures for the survey importer's tests: the sample's form, small packages, export builders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"


@pytest.fixture(scope="session")
def sample() -> Path:
    return SAMPLE


@pytest.fixture(scope="module")
def sample_form(tmp_path_factory) -> tuple[Path, Path]:
    """The XLSForm and mapping written from data/sample (English and French labels)."""
    from partner_analytics.importers.survey import write_form

    out = tmp_path_factory.mktemp("form") / "form.xlsx"
    return write_form(SAMPLE, out, languages=["en", "fr"])


@pytest.fixture
def package(tmp_path) -> Path:
    """A package of the sample's partners and stakeholders (the packaged mutuality factors)."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for name in ("partners.csv", "stakeholders.csv", "package.yml"):
        shutil.copy(SAMPLE / name, pkg / name)
    return pkg
