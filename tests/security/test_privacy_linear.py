"""No suppressed cell is a linear combination of the cells shown beside it.

A cell shown as (mean, n) gives the sum of its respondents' answers (mean x n) and their
number: a row of 0/1 over the respondents. Whatever can be derived from the cells shown of a
wave and factor (the total of factor_scores, the sectors and the partners of
perception_gaps, read side by side) is a linear combination of those rows. For random small
packages, no suppressed group and no single respondent may lie in their span, and every
block of respondents the span separates from the rest holds a cell that is shown or at least
min_n respondents.
"""

from __future__ import annotations

import datetime

import hypothesis.strategies as st
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings

from partner_analytics import Partnership
from partner_analytics.analysis.health import factor_scores, perception_gaps

TODAY = datetime.date(2030, 1, 1)
SECTORS = ["public", "private", "civil_society", "academic", "funder"]


@st.composite
def packages(draw):
    n_partners = draw(st.integers(1, 6))
    sectors = [draw(st.sampled_from(SECTORS)) for _ in range(n_partners)]
    partners = pd.DataFrame(
        {
            "partner_id": [f"p{i}" for i in range(n_partners)],
            "name": [f"Partner {i}" for i in range(n_partners)],
            "sector": sectors,
        }
    )
    n_resp = draw(st.integers(1, 14))
    partner_of = [draw(st.integers(0, n_partners - 1)) for _ in range(n_resp)]
    rows = []
    for wave in draw(st.sampled_from([["2026-Q1"], ["2026-Q1", "2026-Q2"]])):
        for r in range(n_resp):
            for code in ("F1", "F2"):
                if draw(st.integers(0, 4)) == 0:
                    continue  # not answered
                rows.append(
                    {"wave": wave, "respondent_id": f"r{r}", "partner_id": f"p{partner_of[r]}",
                     "factor_code": code, "score": draw(st.integers(1, 5))}
                )  # fmt: skip
    if not rows:
        rows.append(
            {"wave": "2026-Q1", "respondent_id": "r0", "partner_id": "p0", "factor_code": "F1",
             "score": 3}
        )  # fmt: skip
    p = Partnership.from_frames(
        partners=partners,
        factors=pd.DataFrame({"factor_code": ["F1", "F2"], "factor": ["A", "B"], "weight": 1}),
        assessments=pd.DataFrame(rows),
        today=TODAY,
    )
    return p, draw(st.integers(2, 4))


def _in_span(rows: np.ndarray, v: np.ndarray) -> bool:
    if not len(rows):
        return False
    return np.linalg.matrix_rank(np.vstack([rows, v])) == np.linalg.matrix_rank(rows)


def _cells_of(cell: pd.DataFrame, sector_of: pd.Series, frames: dict) -> tuple[list, list]:
    """The rows (0/1 over the cell's respondents) of the cells shown and of those
    suppressed, in one wave and factor: ``frames`` maps "total", "sector" and "partner" to
    the rows of factor_scores and perception_gaps of that wave and factor."""
    who = sorted(cell["respondent_id"])
    partner = cell.set_index("respondent_id")["partner_id"]
    groups = {"partner": partner, "sector": partner.map(sector_of)}

    def row(members) -> np.ndarray:
        return np.array([1.0 if r in members else 0.0 for r in who])

    shown, hidden = [], []
    total = frames["total"].iloc[0]
    assert total["n_respondents"] == len(who)
    if not total["suppressed"]:
        shown.append(row(set(who)))
    for b in ("sector", "partner"):
        g = frames[b]
        for group, supp in zip(g["group"], g["suppressed"], strict=True):
            members = {r for r in who if groups[b][r] == group}
            (hidden if supp else shown).append(row(members))
    return shown, hidden


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(packages())
def test_no_suppressed_cell_is_derivable_from_the_cells_shown(package):
    p, min_n = package
    a = p.assessments
    partner_sector = p.partners.set_index("partner_id")["sector"]
    totals = factor_scores(p, min_n=min_n, n_boot=1)
    by = {b: perception_gaps(p, by=b, min_n=min_n) for b in ("sector", "partner")}
    for (wave, code), cell in a.groupby(["wave", "factor_code"]):

        def at(frame, wave=wave, code=code):
            return frame[(frame["wave"] == wave) & (frame["factor_code"] == code)]

        frames = {"total": at(totals)} | {b: at(g) for b, g in by.items()}
        shown, hidden = _cells_of(cell, partner_sector, frames)
        shown, n = np.array(shown), len(cell)
        for v in hidden:
            assert not _in_span(shown, v), (wave, code, v)
        for i in range(n):  # no one's answer (min_n >= 2: no cell of one is shown)
            assert not _in_span(shown, np.eye(n)[i]), (wave, code, i)
        # the blocks the cells shown tell apart: respondents in the same shown cells
        if len(shown):
            signature = [tuple(shown[:, i]) for i in range(n)]
            for sig in set(signature):
                block = np.array([1.0 if s == sig else 0.0 for s in signature])
                if _in_span(shown, block) and not any((s == block).all() for s in shown):
                    assert block.sum() >= min_n, (wave, code, block)
