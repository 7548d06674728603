"""Mutate cells, headers and rows of a small valid package: the loader answers with a
Partnership (with problems) or a ValidationError, never with another exception."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
from hypothesis import HealthCheck, given, settings

from partner_analytics import Partnership, ValidationError, load_partnership

TABLES = {
    "partners.csv": [
        ["partner_id", "name", "sector", "role", "joined", "left"],
        ["P1", "City of Oslo", "public", "lead", "2024-01-01", ""],
        ["P2", "Acme AS", "private", "member", "2024-03-01", "2026-01-01"],
        ["P3", "Friends", "civil_society", "", "", ""],
    ],
    "stakeholders.csv": [
        ["stakeholder_id", "name", "group", "partner_id"],
        ["S1", "Mayor", "government", "P1"],
        ["S2", "Port", "business", "P2"],
    ],
    "stakeholder_ratings.csv": [
        ["wave", "rater_id", "stakeholder_id", "power", "interest", "support"],
        ["2026-Q1", "R1", "S1", "4", "3", "1"],
        ["2026-Q1", "R2", "S2", "2", "5", "-1"],
        ["2026-Q1", "R3", "S1", "3", "3", ""],
    ],
    "competencies.csv": [
        ["partner_id", "area", "level"],
        ["P1", "social", "2"],
        ["P2", "economic", "3"],
    ],
    "contributions.csv": [
        ["contribution_id", "partner_id", "date", "kind", "pledged", "delivered", "currency"],
        ["C1", "P1", "2025-01-01", "funding", "1000", "500", "NOK"],
        ["C2", "P2", "2025-06-01", "in_kind", "250.5", "", "NOK"],
    ],
}

NASTY = st.sampled_from(
    [
        "", " ", '"', '""', "'", "'=1+1", "=HYPERLINK(\"x\")", "\x00", "\x1b[31m", "\u202e", "\ufeff",
        "e\u0301", "1e308", "-1e308", "9" * 40, "1.500", "1,5", "1.500,5", "NaN", "inf", "-", "n/a",
        "yes", "1500-01-01", "2300-12-31", "9999-Q4", "0000-00-00", "2026-02-30", "[/]",
        "wave_end", "_file", "_row", "_seq", "a\nb", "a\rb", ",", ";", "\t", "x" * 5000,
        "partner_id", "Strongly agree", "P1", "S1", "2026-Q1",
    ]
)
CELL = st.one_of(NASTY, NASTY, NASTY, st.text(max_size=8), st.integers(-(10**20), 10**20).map(str))


@st.composite
def mutation(draw):
    name = draw(st.sampled_from(sorted(TABLES)))
    kind = draw(
        st.sampled_from(["scatter", "scatter", "cell", "column", "header", "add_row", "drop_row", "extra_field",
                         "dup_header", "bytes", "truncate", "delimiter"])
    )  # fmt: skip
    where = (draw(st.integers(0, 6)), draw(st.integers(0, 6)))  # row, column
    # "scatter": a nasty value for every cell of the table
    value = draw(st.lists(NASTY, min_size=28, max_size=28)) if kind == "scatter" else draw(CELL)
    return name, kind, value, where, draw(st.binary(max_size=12))


def _apply(rows: list[list[str]], kind: str, value: str, where) -> list[list[str]]:
    rows = [list(r) for r in rows]
    r = where[0] % len(rows)
    c = where[1] % len(rows[0])
    if kind == "scatter":
        cells = iter(value)
        for row in rows[1:]:
            for j in range(len(row)):
                v = next(cells, None)
                row[j] = row[j] if v is None else v
    elif kind == "cell":
        rows[max(r, 1)][c] = value
    elif kind == "column":  # the value in every row of one column
        for row in rows[1:]:
            row[c] = value
    elif kind == "header":
        rows[0][c] = value
    elif kind == "dup_header":
        rows[0][c] = rows[0][(c + 1) % len(rows[0])]
    elif kind == "add_row":
        rows.append([value if isinstance(value, str) else ""] * len(rows[0]))
    elif kind == "drop_row":
        rows.pop(max(r, 1)) if len(rows) > 1 else None
    elif kind == "extra_field":
        rows[max(r, 1)].append(value if isinstance(value, str) else "x")
    return rows


def _write(root: Path, mutations) -> None:
    tables = {n: [list(r) for r in rows] for n, rows in TABLES.items()}
    raw: dict[str, bytes] = {}
    delimiter = ","
    for name, kind, value, where, _ in mutations:
        if kind in ("bytes", "truncate", "delimiter"):
            continue
        tables[name] = _apply(tables[name], kind, value, where)
    for name, rows in tables.items():
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter).writerows(rows)
        raw[name] = buf.getvalue().encode("utf-8")
    for name, kind, _, where, junk in mutations:
        k = where[0] * 7 + where[1] * 13
        data = raw[name]
        if kind == "bytes":
            at = k % (len(data) + 1)
            raw[name] = data[:at] + junk + data[at:]
        elif kind == "truncate":
            raw[name] = data[: k % (len(data) + 1)]
        elif kind == "delimiter":
            raw[name] = data.replace(b",", b";")
    for name, data in raw.items():
        (root / name).write_bytes(data)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations=st.lists(mutation(), min_size=1, max_size=4))
def test_mutated_packages_give_a_partnership_with_problems_or_a_validation_error(
    tmp_path_factory, mutations
):
    root = tmp_path_factory.mktemp("mutated")
    _write(root, mutations)
    for drop in (False, True):
        try:
            p = load_partnership(root, drop_invalid=drop, today=pd.Timestamp("2026-06-30").date())
        except ValidationError as exc:
            assert (exc.problems["severity"] == "error").any()
            assert exc.problems["rule"].notna().all()
        else:
            assert isinstance(p, Partnership)
            assert p.problems["rule"].notna().all()
            if not drop:
                assert not (p.problems["severity"] == "error").any()
