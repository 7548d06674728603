"""The tables of a partnership data package, as data (the contract in docs/data-package.md).

Each table is a :class:`TableSpec`: its columns (kind, required, range, allowed values),
its unique key and its foreign keys. :func:`pandera_schema` turns a spec into the pandera
schema that checks the coerced values (ranges, allowed values, required cells, unique keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandera.pandas as pa

__all__ = [
    "ACTION_STATUSES",
    "LEVEL_LABELS",
    "LIKERT_LABELS",
    "SOURCE_KINDS",
    "SOURCE_TABLES",
    "TABLES",
    "TABLE_ORDER",
    "TRUST_LABELS",
    "Col",
    "TableSpec",
    "pandera_schema",
]

SECTORS = ("public", "private", "civil_society", "academic", "funder", "other")
ROLES = ("lead", "member", "sponsor", "champion", "broker", "third_party", "candidate")
AREAS = ("economic", "financial", "political", "physical_environmental", "social", "institutional")
PILLARS = ("social", "environmental", "economic", "governance")
KINDS = ("funding", "in_kind", "asset", "service", "staff_time", "data", "other")
#: The status of an action (table ``actions``).
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")
#: What an action may name as its source (``actions.source_kind``).
SOURCE_KINDS = (
    "indicator", "commitment", "factor", "stakeholder", "contribution", "readiness", "other"
)  # fmt: skip
#: The table and column a ``source_id`` of each kind is looked up in; ``other`` is free
#: text. ``factors`` is the packaged mutuality set when the package has no factors table,
#: and ``readiness_checklist`` the packaged checklist (readiness element ids).
SOURCE_TABLES = {
    "indicator": ("indicators", "indicator_id"),
    "commitment": ("commitments", "commitment_id"),
    "factor": ("factors", "factor_code"),
    "stakeholder": ("stakeholders", "stakeholder_id"),
    "contribution": ("contributions", "contribution_id"),
    "readiness": ("readiness_checklist", "element_id"),
}

LIKERT_LABELS = {
    "strongly disagree": 1,
    "disagree": 2,
    "neither agree nor disagree": 3,
    "neither agree or disagree": 3,
    "neutral": 3,
    "agree": 4,
    "strongly agree": 5,
}
LEVEL_LABELS = {
    "none": 0,
    "networking": 1,
    "cooperation": 2,
    "coordination": 3,
    "coalition": 4,
    "collaboration": 5,
}
TRUST_LABELS = {"not at all": 1, "a small amount": 2, "a fair amount": 3, "a great deal": 4}


@dataclass(frozen=True)
class Col:
    """One column of a table.

    kind: id | text | number | integer | date | period | enum | bool | likert
    labels: words accepted for a number (Likert and similar scales), lower case.
    """

    name: str
    kind: str
    required: bool = False
    lo: float | None = None
    hi: float | None = None
    values: tuple[str, ...] = ()
    labels: dict[str, int] | None = None
    default: object = None
    future_warning: bool = False  # warn when the date lies after the validation day

    @property
    def dtype(self) -> str:
        return {
            "id": "str",
            "text": "str",
            "enum": "str",
            "period": "str",
            "number": "float64",
            "likert": "float64",
            "integer": "Int64",
            "date": "datetime64[ns]",
            "bool": "boolean",
        }[self.kind]


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()
    # (column, table, column in that table)
    foreign: tuple[tuple[str, str, str], ...] = ()
    # columns of which at least one must be present (assessments: factor_code or item_code)
    one_of: tuple[str, ...] = ()
    notes: str = ""
    open_columns: bool = field(default=False)  # extra columns are data (observations)

    def col(self, name: str) -> Col:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _t(name, cols, **kw) -> TableSpec:
    return TableSpec(name=name, columns=tuple(cols), **kw)


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        _t(
            "partners",
            [
                Col("partner_id", "id", True),
                Col("name", "text", True),
                Col("sector", "enum", True, values=SECTORS),
                Col("category", "text"),
                Col("role", "enum", values=ROLES, default="member"),
                Col("joined", "date", future_warning=True),
                Col("left", "date"),
            ],
            key=("partner_id",),
        ),
        _t(
            "stakeholders",
            [
                Col("stakeholder_id", "id", True),
                Col("name", "text", True),
                Col("group", "text"),
                Col("partner_id", "id"),
            ],
            key=("stakeholder_id",),
            foreign=(("partner_id", "partners", "partner_id"),),
        ),
        _t(
            "stakeholder_ratings",
            [
                Col("wave", "period", True, future_warning=True),
                Col("rater_id", "id", True),
                Col("stakeholder_id", "id", True),
                Col("power", "number", True, 1, 5),
                Col("interest", "number", True, 1, 5),
                Col("legitimacy", "number", False, 1, 5),
                Col("urgency", "number", False, 1, 5),
                Col("support", "number", False, -2, 2),
            ],
            key=("wave", "rater_id", "stakeholder_id"),
            foreign=(("stakeholder_id", "stakeholders", "stakeholder_id"),),
        ),
        _t(
            "objectives",
            [
                Col("objective_id", "id", True),
                Col("name", "text", True),
                Col("area", "enum", True, values=AREAS),
                Col("priority", "number", False, 1, 5, default=3.0),
            ],
            key=("objective_id",),
        ),
        _t(
            "competencies",
            [
                Col("partner_id", "id", True),
                Col("area", "enum", True, values=AREAS),
                Col("level", "integer", True, 0, 3),
                Col("competency", "text"),
            ],
            foreign=(("partner_id", "partners", "partner_id"),),
        ),
        _t(
            "factors",
            [
                Col("factor_code", "id", True),
                Col("factor", "text", True),
                Col("weight", "number", True, 0, None),
                Col("group", "text"),
            ],
            key=("factor_code",),
        ),
        _t(
            "items",
            [
                Col("item_code", "id", True),
                Col("factor_code", "id", True),
                Col("text", "text"),
                Col("reverse", "bool", default=False),
            ],
            key=("item_code",),
            foreign=(("factor_code", "factors", "factor_code"),),
        ),
        _t(
            "assessments",
            [
                Col("wave", "period", True, future_warning=True),
                Col("respondent_id", "id", True),
                Col("partner_id", "id", True),
                Col("factor_code", "id"),
                Col("item_code", "id"),
                Col("score", "likert", True, 1, 5, labels=LIKERT_LABELS),
                Col("comment", "text"),
            ],
            key=("wave", "respondent_id", "factor_code", "item_code"),
            foreign=(
                ("partner_id", "partners", "partner_id"),
                ("factor_code", "factors", "factor_code"),
                ("item_code", "items", "item_code"),
            ),
            one_of=("factor_code", "item_code"),
        ),
        _t(
            "relationships",
            [
                Col("wave", "period", True, future_warning=True),
                Col("respondent_partner_id", "id", True),
                Col("partner_id", "id", True),
                Col("level", "likert", True, 0, 5, labels=LEVEL_LABELS),
                *[
                    Col(c, "likert", False, 1, 4, labels=TRUST_LABELS)
                    for c in (
                        "trust_openness",
                        "trust_reliability",
                        "trust_mission",
                        "value_power",
                        "value_resources",
                        "value_involvement",
                    )
                ],
            ],
            key=("wave", "respondent_partner_id", "partner_id"),
            foreign=(
                ("respondent_partner_id", "partners", "partner_id"),
                ("partner_id", "partners", "partner_id"),
            ),
        ),
        _t(
            "indicators",
            [
                Col("indicator_id", "id", True),
                Col("name", "text", True),
                Col("unit", "text", True),
                Col("direction", "enum", True, values=("increase", "decrease")),
                Col("baseline_value", "number"),
                Col("baseline_date", "period"),
                Col("target_value", "number"),
                Col("target_date", "period"),
                Col("pillar", "enum", values=PILLARS),
                Col("owner_partner_id", "id"),
                Col("limit", "number"),
                Col("group", "text"),
            ],
            key=("indicator_id",),
            foreign=(("owner_partner_id", "partners", "partner_id"),),
        ),
        _t(
            "observations",
            [
                Col("indicator_id", "id", True),
                Col("date", "period", True, future_warning=True),
                Col("value", "number", True),
                Col("partner_id", "id"),
            ],
            foreign=(
                ("indicator_id", "indicators", "indicator_id"),
                ("partner_id", "partners", "partner_id"),
            ),
            open_columns=True,
        ),
        _t(
            "contributions",
            [
                Col("contribution_id", "id", True),
                Col("partner_id", "id", True),
                Col("date", "date", True, future_warning=True),
                Col("kind", "enum", True, values=KINDS),
                Col("pledged", "number", True, 0, None),
                Col("delivered", "number", False, 0, None),
                Col("currency", "text"),
                Col("recipient", "text"),
                Col("description", "text"),
            ],
            key=("contribution_id",),
            foreign=(("partner_id", "partners", "partner_id"),),
        ),
        _t(
            "exchange_rates",
            [Col("currency", "id", True), Col("rate_to_base", "number", True, 0, None)],
            key=("currency",),
        ),
        _t(
            "commitments",
            [
                Col("commitment_id", "id", True),
                Col("partner_id", "id", True),
                Col("description", "text", True),
                Col("due_date", "date", True),
                Col("completed_date", "date", future_warning=True),
                Col("status", "enum", values=("open", "done", "dropped"), default="open"),
            ],
            key=("commitment_id",),
            foreign=(("partner_id", "partners", "partner_id"),),
        ),
        _t(
            "readiness",
            [
                Col("review_date", "date", True, future_warning=True),
                Col("element_id", "id", True),
                Col("status", "enum", True, values=("in_place", "partial", "missing")),
                Col("note", "text"),
            ],
            key=("review_date", "element_id"),
            foreign=(("element_id", "readiness_checklist", "element_id"),),
        ),
        _t(
            "drivers",
            [
                Col("driver_id", "id", True),
                Col("name", "text", True),
                Col("weight", "number", True, 0, 100),
            ],
            key=("driver_id",),
        ),
        _t(
            "driver_alignment",
            [
                Col("option_id", "id", True),
                Col("driver_id", "id", True),
                Col("alignment", "enum", True, values=("H", "M", "L")),
            ],
            key=("option_id", "driver_id"),
            foreign=(("driver_id", "drivers", "driver_id"),),
        ),
        # last: its source_id may name a row of any table before it (SOURCE_TABLES)
        _t(
            "actions",
            [
                Col("action_id", "id", True),
                Col("title", "text", True),
                Col("owner_partner_id", "id", True),
                Col("raised", "date", True, future_warning=True),
                Col("due_date", "date", True),
                Col("status", "enum", values=ACTION_STATUSES, default="open"),
                Col("completed_date", "date", future_warning=True),
                Col("source_kind", "enum", values=SOURCE_KINDS),
                Col("source_id", "id"),
                Col("note", "text"),
            ],
            key=("action_id",),
            foreign=(("owner_partner_id", "partners", "partner_id"),),
        ),
    ]
}

# Parents before children: foreign keys are checked in this order, so that a row whose
# parent was rejected is itself rejected.
TABLE_ORDER = list(TABLES)


def _range_check(c: Col) -> list[pa.Check]:
    if c.lo is not None and c.hi is not None:
        return [pa.Check.in_range(c.lo, c.hi, name=f"between {c.lo:g} and {c.hi:g}")]
    if c.lo is not None:
        return [pa.Check.ge(c.lo, name=f"at least {c.lo:g}")]
    if c.hi is not None:
        return [pa.Check.le(c.hi, name=f"at most {c.hi:g}")]
    return []


def pandera_schema(spec: TableSpec, present: list[str]) -> pa.DataFrameSchema:
    """The pandera schema checking a coerced table: required cells, ranges, allowed values, key.

    Types are coerced (and type problems reported with the user's own text) before this runs.
    """
    columns = {}
    for c in spec.columns:
        if c.name not in present:
            continue
        checks = _range_check(c) if c.kind in ("number", "integer", "likert") else []
        if c.kind == "enum":
            checks = [pa.Check.isin(list(c.values), name="one of " + ", ".join(c.values))]
        columns[c.name] = pa.Column(
            nullable=not (c.required and c.name not in spec.one_of), checks=checks, required=False
        )
    key = [k for k in spec.key if k in present]
    unique = key if key and (len(key) == len(spec.key) or spec.one_of) else None
    return pa.DataFrameSchema(
        columns,
        unique=unique,
        report_duplicates="exclude_first",
        strict=False,
        name=spec.name,
    )
