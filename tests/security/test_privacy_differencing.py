"""A suppressed cell cannot be recovered from what is shown beside it (issue: privacy by
differencing).

One funder respondent answers the 16 mutuality factors beside 3 public, 4 private and 5
civil-society respondents. An attacker reads exactly what the report shows (the factor
table: mean to 2 decimals and n; the sectors' heat table; the radar's hover) and what the
collaboration dashboard shows for "all partners" and for every sector in turn (the radar's
hover: mean and n), and is even told how many respondents each shown sector has. For each
factor the total's sum (mean x n) minus the sums of the sectors shown leaves the answers of
the respondents not shown: that must be the mean of at least min_n people, never the
funder's answer.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest

from partner_analytics import Partnership
from partner_analytics.figures.theme import SECTOR_LABELS

TODAY = datetime.date(2030, 1, 1)
WAVE = "2026-Q1"
CODES = [str(c) for c in range(601, 617)]
SIZES = {"P1": 3, "P2": 4, "P3": 5, "F1": 1}  # respondents per partner (one per sector)
SECTOR_OF = {"P1": "public", "P2": "private", "P3": "civil_society", "F1": "funder"}
MIN_N = 3


@pytest.fixture(scope="module")
def survey() -> tuple[Partnership, pd.DataFrame]:
    rng = np.random.default_rng(13)
    partners = pd.DataFrame(
        {
            "partner_id": list(SECTOR_OF),
            "name": ["City", "Acme", "Friends", "The Fund"],
            "sector": list(SECTOR_OF.values()),
        }
    )
    rows, k = [], 0
    for pid, size in SIZES.items():
        for _ in range(size):
            k += 1
            for code in CODES:
                score = int(rng.integers(1, 6))
                rows.append(
                    {"wave": WAVE, "respondent_id": f"R{k}", "partner_id": pid,
                     "factor_code": code, "score": score}
                )  # fmt: skip
    answers = pd.DataFrame(rows)
    p = Partnership.from_frames(partners=partners, assessments=answers, today=TODAY)
    assert p.min_n == MIN_N
    return p, answers


def funder_answers(answers: pd.DataFrame) -> list[int]:
    f = answers[answers["partner_id"] == "F1"].set_index("factor_code")["score"]
    return [int(f[c]) for c in CODES]


def sector_sizes() -> dict[str, int]:
    """What the attacker is told: how many respondents each sector has."""
    return {SECTOR_OF[p]: n for p, n in SIZES.items()}


def reconstruct(total: dict[str, tuple[float, int]], parts: list[dict[str, float]]):
    """Per factor: the mean of whatever the total holds beyond the parts shown, and over how
    many respondents. ``total``: factor -> (mean, n) as shown; ``parts``: per sector shown,
    factor -> mean as shown (the sector's n is known to the attacker)."""
    out = {}
    for factor, (mean, n) in total.items():
        rest_sum, rest_n = mean * n, n
        for part in parts:
            if factor in part:
                rest_sum -= part[factor] * part["n"]
                rest_n -= part["n"]
        out[factor] = (round(rest_sum / rest_n) if rest_n else None, rest_n)
    return out


def factor_names(p: Partnership) -> list[str]:
    return p.factors.set_index("factor_code").loc[CODES, "factor"].tolist()


def assert_not_recovered(rest: dict, p: Partnership, answers: pd.DataFrame) -> None:
    """Differencing leaves, for every factor, a block of at least min_n respondents, and
    what it gives is not the funder's 16 answers."""
    got = [rest[name] for name in factor_names(p)]
    assert all(n >= MIN_N for _, n in got), f"a block of fewer than {MIN_N} is left: {got}"
    assert [guess for guess, _ in got] != funder_answers(answers)


# --------------------------------------------------------------------------- the report


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.DOTALL)
    return [
        [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in rows
    ]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None  # "n < 3", "–"


def test_the_report_alone_does_not_give_the_funders_answers(survey):
    from partner_analytics.report.context import report_context
    from partner_analytics.report.sections import section

    p, answers = survey
    ctx = report_context(p, as_of="2026-06-30", run_time="T")
    blocks = section(ctx, "health")
    # the factor table: Factor, Mean (1-5), Band, Respondents, ...
    table = next(b.content for b in blocks if b.kind == "html" and "Factor means in" in b.content)
    total = {}
    for name, mean, _band, n, *_ in (r for r in _cells(table) if r):
        if _number(mean) is not None:
            total[name] = (_number(mean), int(n))
    assert len(total) == 16
    # the sectors' heat table (a plotly Table: a column per sector)
    heat = next(
        b.content for b in blocks
        if b.kind == "figure" and b.content.data and b.content.data[0].type == "table"
    )  # fmt: skip
    header = list(heat.data[0].header["values"])
    columns = list(heat.data[0].cells["values"])
    names = columns[0]
    label_to_sector = {v: k for k, v in SECTOR_LABELS.items()}
    parts = []
    for label, values in zip(header[1:-1], columns[1:-1], strict=True):
        sector = label_to_sector[label]
        part = {n: _number(v) for n, v in zip(names, values, strict=True) if _number(v) is not None}
        parts.append({**part, "n": sector_sizes()[sector]})
    # the funder's column reads "n < 3" everywhere; so must another sector's
    funder = columns[header.index("Funder")]
    assert set(funder) == {f"n < {MIN_N}"}
    assert_not_recovered(reconstruct(total, parts), p, answers)


# --------------------------------------------------------------------------- the dashboard


def _hover(fig) -> dict[str, tuple[float, int] | None]:
    """factor -> (mean, n) read from the radar's hover text (None: "n < 3")."""
    trace = fig.data[0]
    out = {}
    for theta, text in zip(trace.theta[:-1], trace.hovertext[:-1], strict=True):
        name = re.sub(r" \(n < \d+\)$", "", theta.replace("<br>", " "))  # names wrap on the radar
        m = re.fullmatch(r"(\d+\.\d+) \(n = (\d+)\)", text)
        out[name] = (float(m.group(1)), int(m.group(2))) if m else None
    return out


def test_the_collaboration_dashboard_across_every_sector_choice_does_not_give_them(survey):
    import partner_analytics.dashboards as D
    from partner_analytics.dashboards import widgets as W

    p, answers = survey
    page = D.collaboration_page(p)
    assert page.error is None
    radar, sector = page.figures["radar"], page.controls["sector"]
    assert sector.value == W.ALL
    total = {k: v for k, v in _hover(radar).items() if v is not None}
    assert len(total) == 16
    parts = []
    choices = [v for _, v in sector.options if v != W.ALL]
    assert set(choices) == set(SECTOR_OF.values())
    try:
        for choice in choices:  # a person can pick every sector in turn
            sector.value = choice
            shown = {k: v for k, v in _hover(radar).items() if v is not None}
            if shown:
                sizes = {n for _, n in shown.values()}
                assert len(sizes) == 1
                parts.append({k: m for k, (m, _) in shown.items()} | {"n": sizes.pop()})
    finally:
        sector.value = W.ALL
    assert_not_recovered(reconstruct(total, parts), p, answers)
    assert len(parts) == 2  # funder and the next-smallest sector (public) are not shown


def test_the_attack_works_on_the_numbers_when_nothing_hides_a_complement(survey):
    # the attacker's arithmetic is sound: with every sector but the funder shown (as before
    # complementary suppression), it gives the funder's 16 answers exactly
    from partner_analytics.analysis.health import factor_scores, perception_gaps

    p, answers = survey
    fs = factor_scores(p, n_boot=20)
    total = {
        name: (round(m, 2), int(n))
        for name, m, n in zip(fs["factor"], fs["mean"], fs["n_respondents"], strict=True)
    }
    g = perception_gaps(p, min_n=1)
    parts = []
    for sector, rows in g[g["group"] != "funder"].groupby("group"):
        parts.append(
            dict(zip(rows["factor"], rows["mean"].round(2), strict=True))
            | {"n": sector_sizes()[sector]}
        )
    rest = reconstruct(total, parts)
    assert [rest[name] for name in factor_names(p)] == [(a, 1) for a in funder_answers(answers)]
