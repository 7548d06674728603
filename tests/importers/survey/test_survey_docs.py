"""The mapping examples of docs/survey-import.md are valid mappings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from partner_analytics.importers.survey import parse_mapping

DOC = Path(__file__).resolve().parents[3] / "docs" / "survey-import.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_page_has_an_example_for_every_tool():
    tools = {re.search(r"^tool: (\w+)", b, re.MULTILINE).group(1) for b in BLOCKS}
    assert tools >= {"kobo", "odk_central", "surveycto", "google_forms", "ms_forms", "limesurvey", "qualtrics",
                     "surveymonkey", "generic"}


@pytest.mark.parametrize("block", BLOCKS, ids=[re.search(r"^source: (\S+)", b, re.MULTILINE).group(1) for b in BLOCKS])
def test_every_example_mapping_parses(block):
    m = parse_mapping(block, "docs/survey-import.md")
    assert m.questions or m.rated
