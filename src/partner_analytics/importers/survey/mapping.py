"""The mapping file (YAML): how an export's columns become the package's long tables.

A complete example per tool is in docs/survey-import.md. The sections::

    version: 1
    draft: true            # written by `survey detect`: remove after checking the "# review" lines
    tool: kobo             # optional: the tool the mapping was written for
    source: kobo-2026      # names the files written: assessments/<wave>-<source>.csv
    export: {separator: "/", dayfirst: false, sheet: ..., id_column: ..., date_column: ...}
    wave: {from: submission_date, period: quarter}     # or {from: column, column: C[, period: P]}
                                                       # or {from: value, value: 2026-Q1}
    respondent: {from: submission_id}                  # or {from: column, column: C}
                                                       # pseudonymise: auto | all (e-mails always)
    organisation: {column: C, values: {answer: partner_id}}   # or {value: P01}
    missing: ["don't know", "n/a", "99"]
    scales: {name: builtin | {base: builtin, range: [lo, hi], numbers: true, labels: {label: value}}}
    assessments:
      scale: agree5
      questions: {column: {factor_code: "601"} | {item_code: "W01", comment: C2, scale: name}}
    stakeholder_ratings:   # a repeat ...
      repeat: stakeholders
      stakeholder: {column: C, values: {answer: stakeholder_id}}
      fields: {power: C, interest: C, legitimacy: C, urgency: C, support: C}
      scales: {power: rating5, support: support5}
    relationships:         # ... or a grid: each target's fields in columns of the main table
      grid: {P02: {level: C, trust_openness: C, ...}}
    exclude: {status: [test, preview, spam, rejected, not_approved, incomplete, undecryptable],
              collectors: [], submissions: [], partial_below: 0.5}

Every problem is reported with the file, the line, the key and what was expected; all of
them at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from partner_analytics.errors import InputFileError
from partner_analytics.importers.survey.files import read_named_bytes
from partner_analytics.importers.survey.model import STATUS_REASONS, TOOLS
from partner_analytics.importers.survey.scales import (
    BUILTIN,
    DEFAULT_MISSING,
    FIELD_SCALES,
    Scale,
    builtin_scale,
    fold,
)

__all__ = [
    "PERIODS",
    "RATED_FIELDS",
    "ColumnMap",
    "Mapping",
    "MappingError",
    "Rated",
    "dump_yaml",
    "load_mapping",
    "parse_mapping",
]

PERIODS = ("quarter", "month", "half", "year", "date")
RATED_FIELDS = {
    "stakeholder_ratings": ("power", "interest", "legitimacy", "urgency", "support"),
    "relationships": (
        "level", "trust_openness", "trust_reliability", "trust_mission",
        "value_power", "value_resources", "value_involvement",
    ),
}
TARGET = {"stakeholder_ratings": "stakeholder", "relationships": "partner"}
EXCLUDABLE = (*STATUS_REASONS, "partial")


class MappingError(InputFileError):
    """A mapping file that cannot be used; ``problems`` lists (line, key, message)."""

    def __init__(self, file: str, problems: list[tuple[int | None, str, str]]) -> None:
        self.file = file
        self.problems = problems
        lines = [
            f"  {file}" + (f" line {line}" if line else "") + (f", {key}" if key else "") + f": {msg}"
            for line, key, msg in problems
        ]
        super().__init__(f"the mapping cannot be used ({len(problems)} problem(s)):\n" + "\n".join(lines))


@dataclass
class ColumnMap:
    """One column of the main table scored into ``assessments``."""

    column: str
    code_kind: str  # factor_code | item_code
    code: str
    comment: str | None = None
    scale: str | None = None
    line: int | None = None


@dataclass
class Rated:
    """How ``stakeholder_ratings`` or ``relationships`` rows are found."""

    table: str
    repeat: str | None = None
    target_column: str | None = None
    target_values: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)  # repeat: field -> column
    grid: dict[str, dict[str, str]] = field(default_factory=dict)  # target id -> field -> column
    scales: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def scale_of(self, name: str) -> str:
        return self.scales.get(name, FIELD_SCALES[name])


@dataclass
class Mapping:
    path: str = "<mapping>"
    draft: bool = False
    tool: str | None = None
    source: str | None = None
    export: dict = field(default_factory=dict)
    wave_from: str = "submission_date"
    wave_column: str | None = None
    wave_value: str | None = None
    wave_period: str = "quarter"
    respondent_from: str = "submission_id"
    respondent_column: str | None = None
    pseudonymise: str = "auto"
    organisation_column: str | None = None
    organisation_value: str | None = None
    organisation_values: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = DEFAULT_MISSING
    scales: dict[str, Scale] = field(default_factory=dict)
    assessment_scale: str = "agree5"
    questions: list[ColumnMap] = field(default_factory=list)
    rated: dict[str, Rated] = field(default_factory=dict)
    exclude_status: tuple[str, ...] = tuple(STATUS_REASONS)
    exclude_collectors: tuple[str, ...] = ()
    exclude_submissions: tuple[str, ...] = ()
    partial_below: float = 0.5
    lines: dict[str, int] = field(default_factory=dict)  # dotted key -> line
    _builtin: dict = field(default_factory=dict, repr=False, compare=False)  # built-in scales made

    def line(self, key: str) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return None

    def scale(self, name: str) -> Scale:
        if name in self.scales:
            return self.scales[name]
        key = (name, tuple(self.missing))  # made once per mapping, not once per question
        if key not in self._builtin:
            self._builtin[key] = builtin_scale(name, missing=self.missing_set)
        return self._builtin[key]

    @property
    def missing_set(self) -> frozenset[str]:
        return frozenset(fold(m) for m in self.missing)


# --- YAML with line numbers -------------------------------------------------------------


def _plain(node: yaml.Node, path: str, lines: dict[str, int]):
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out = {}
        for k, v in node.value:
            key = str(_plain(k, path, {}))
            sub = f"{path}.{key}" if path else key
            lines[sub] = k.start_mark.line + 1
            out[key] = _plain(v, sub, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v, f"{path}[{i}]", lines) for i, v in enumerate(node.value)]
    value = yaml.SafeLoader.construct_scalar(yaml.SafeLoader(""), node)
    tag = node.tag
    if node.style in ("'", '"'):
        return value
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""), 0) if value.lower().startswith(("0x", "0o")) else int(value.replace("_", ""))
        except ValueError:
            return value
    if tag.endswith(":float"):
        try:
            return float(value)
        except ValueError:
            return value
    if tag.endswith(":bool"):
        return value.lower() in ("yes", "true", "on", "y")
    if tag.endswith(":null"):
        return None
    return value


def _text(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class _Checker:
    def __init__(self, file: str, lines: dict[str, int]):
        self.file = file
        self.lines = lines
        self.problems: list[tuple[int | None, str, str]] = []

    def line(self, key: str) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return None

    def bad(self, key: str, msg: str) -> None:
        self.problems.append((self.line(key), key, msg))

    def keys(self, obj, key: str, allowed: tuple[str, ...]) -> dict:
        if obj is None:
            return {}
        if not isinstance(obj, dict):
            self.bad(key, f"expected a mapping of {', '.join(allowed)}; got {_shown(obj)}")
            return {}
        for k in obj:
            if k not in allowed:
                self.bad(f"{key}.{k}" if key else k, f"unknown key '{k}'; expected one of {', '.join(allowed)}")
        return obj

    def string(self, obj, key: str, *, required: bool = False) -> str | None:
        if obj is None:
            if required:
                self.bad(key, "a value is required")
            return None
        if isinstance(obj, dict | list):
            self.bad(key, f"expected a single value (a column name or a code); got {_shown(obj)}")
            return None
        return _text(obj)

    def choice(self, obj, key: str, allowed: tuple[str, ...], default: str) -> str:
        if obj is None:
            return default
        s = _text(obj).strip().lower()
        if s not in allowed:
            self.bad(key, f"'{obj}' is not allowed; expected one of {', '.join(allowed)}")
            return default
        return s

    def text_map(self, obj, key: str) -> dict[str, str]:
        if obj is None:
            return {}
        if not isinstance(obj, dict):
            self.bad(key, f"expected a mapping of answer: id; got {_shown(obj)}")
            return {}
        out = {}
        for k, v in obj.items():
            if v is None or isinstance(v, dict | list):
                self.bad(f"{key}.{k}", f"expected an id; got {_shown(v)}")
                continue
            out[str(k)] = _text(v)
        return out

    def text_list(self, obj, key: str) -> tuple[str, ...]:
        if obj is None:
            return ()
        if not isinstance(obj, list):
            obj = [obj]
        out = []
        for i, v in enumerate(obj):
            if isinstance(v, dict | list) or v is None:
                self.bad(f"{key}[{i}]", f"expected a value; got {_shown(v)}")
            else:
                out.append(_text(v))
        return tuple(out)


def _shown(v) -> str:
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if v is None:
        return "nothing"
    return repr(v)


def parse_mapping(text: str, file: str = "<mapping>") -> Mapping:
    """A mapping from YAML text; raises :class:`MappingError` listing every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise MappingError(file, [(line, "", f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    lines: dict[str, int] = {}
    data = _plain(root, "", lines) if root is not None else {}
    c = _Checker(file, lines)
    if not isinstance(data, dict):
        raise MappingError(file, [(1, "", "expected a mapping with keys such as wave, respondent, assessments")])
    top = (
        "version", "draft", "tool", "source", "export", "wave", "respondent", "organisation",
        "missing", "scales", "assessments", "stakeholder_ratings", "relationships", "exclude",
    )
    c.keys(data, "", top)
    m = Mapping(path=file, lines=lines)
    version = data.get("version", 1)
    if version != 1:
        c.bad("version", f"'{version}' is not a mapping version this program reads; expected 1")
    m.draft = bool(data.get("draft", False))
    if data.get("tool") is not None:
        m.tool = c.choice(data.get("tool"), "tool", TOOLS, "generic")
    m.source = c.string(data.get("source"), "source")
    if m.source is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,60}", m.source):
        c.bad("source", f"'{m.source}' cannot name a file; expected letters, digits, '-', '_' or '.' (at most 61)")
    export = c.keys(data.get("export"), "export", ("separator", "dayfirst", "sheet", "id_column", "date_column"))
    m.export = {k: (v if k == "dayfirst" else _text(v)) for k, v in export.items() if v is not None}
    if "dayfirst" in m.export and not isinstance(m.export["dayfirst"], bool):
        c.bad("export.dayfirst", f"expected true or false; got {_shown(m.export['dayfirst'])}")
    # wave
    wave = c.keys(data.get("wave"), "wave", ("from", "column", "value", "period"))
    m.wave_from = c.choice(wave.get("from"), "wave.from", ("submission_date", "column", "value"),
                           "value" if "value" in wave else "column" if "column" in wave else "submission_date")
    m.wave_column = c.string(wave.get("column"), "wave.column", required=m.wave_from == "column")
    m.wave_value = c.string(wave.get("value"), "wave.value", required=m.wave_from == "value")
    m.wave_period = c.choice(wave.get("period"), "wave.period", PERIODS, "quarter" if m.wave_from == "submission_date" else "date")
    if m.wave_value is not None:
        from partner_analytics.data.periods import normalize_period

        canon = normalize_period(m.wave_value)
        if canon is None:
            c.bad("wave.value", f"'{m.wave_value}' is not a period; expected YYYY, YYYY-MM, YYYY-Qn, YYYY-Hn or a date")
        m.wave_value = canon or m.wave_value
    # respondent
    resp = c.keys(data.get("respondent"), "respondent", ("from", "column", "pseudonymise"))
    m.respondent_from = c.choice(resp.get("from"), "respondent.from", ("submission_id", "column"),
                                 "column" if "column" in resp else "submission_id")
    m.respondent_column = c.string(resp.get("column"), "respondent.column", required=m.respondent_from == "column")
    pseudo = resp.get("pseudonymise", "auto")
    m.pseudonymise = {True: "all", False: "auto"}.get(pseudo, pseudo) if isinstance(pseudo, bool) else c.choice(
        pseudo, "respondent.pseudonymise", ("auto", "all"), "auto")
    # organisation
    org = c.keys(data.get("organisation"), "organisation", ("column", "values", "value"))
    m.organisation_column = c.string(org.get("column"), "organisation.column")
    m.organisation_value = c.string(org.get("value"), "organisation.value")
    m.organisation_values = c.text_map(org.get("values"), "organisation.values")
    # missing and scales
    if "missing" in data:
        m.missing = c.text_list(data.get("missing"), "missing")
    scales = data.get("scales") or {}
    if not isinstance(scales, dict):
        c.bad("scales", f"expected a mapping of scale name: definition; got {_shown(scales)}")
        scales = {}
    for name, spec in scales.items():
        m.scales[name] = _scale(c, f"scales.{name}", name, spec, m)
    known_scales = set(BUILTIN) | set(m.scales)
    # assessments
    a = c.keys(data.get("assessments"), "assessments", ("scale", "questions"))
    m.assessment_scale = _scale_name(c, a.get("scale"), "assessments.scale", known_scales, "agree5")
    questions = a.get("questions") or {}
    if not isinstance(questions, dict):
        c.bad("assessments.questions", f"expected a mapping of column: {{factor_code: CODE}}; got {_shown(questions)}")
        questions = {}
    for col, spec in questions.items():
        key = f"assessments.questions.{col}"
        if not isinstance(spec, dict):
            spec = {"factor_code": spec}
        spec = c.keys(spec, key, ("factor_code", "item_code", "comment", "scale"))
        kinds = [k for k in ("factor_code", "item_code") if spec.get(k) is not None]
        if len(kinds) != 1:
            c.bad(key, "expected exactly one of factor_code or item_code")
            continue
        m.questions.append(
            ColumnMap(
                column=col, code_kind=kinds[0], code=_text(spec[kinds[0]]),
                comment=c.string(spec.get("comment"), f"{key}.comment"),
                scale=_scale_name(c, spec.get("scale"), f"{key}.scale", known_scales, None),
                line=c.line(key),
            )
        )
    for table, fields in RATED_FIELDS.items():
        if data.get(table) is not None:
            m.rated[table] = _rated(c, table, data[table], fields, known_scales)
    # exclusions
    ex = c.keys(data.get("exclude"), "exclude", ("status", "collectors", "submissions", "partial_below"))
    if "status" in ex:
        status = c.text_list(ex.get("status"), "exclude.status")
        for i, s in enumerate(status):
            if s not in EXCLUDABLE:
                c.bad(f"exclude.status[{i}]", f"'{s}' is not a status; expected one of {', '.join(EXCLUDABLE)}")
        m.exclude_status = status
    m.exclude_collectors = c.text_list(ex.get("collectors"), "exclude.collectors")
    m.exclude_submissions = c.text_list(ex.get("submissions"), "exclude.submissions")
    if ex.get("partial_below") is not None:
        p = ex["partial_below"]
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
            c.bad("exclude.partial_below", f"expected a share of answers between 0 and 1; got {_shown(p)}")
        else:
            m.partial_below = float(p)
    if not m.questions and not m.rated:
        c.bad("", "the mapping maps nothing: expected assessments, stakeholder_ratings or relationships")
    if m.questions and m.organisation_column is None and m.organisation_value is None:
        c.bad("organisation", "assessments need the respondent's organisation: give organisation.column (or .value)")
    if "relationships" in m.rated and m.organisation_column is None and m.organisation_value is None:
        c.bad("organisation", "relationships need the respondent's organisation: give organisation.column (or .value)")
    if c.problems:
        raise MappingError(file, c.problems)
    return m


def _scale_name(c: _Checker, value, key: str, known: set[str], default):
    if value is None:
        return default
    name = _text(value)
    if name not in known:
        c.bad(key, f"unknown scale '{name}'; expected one of {', '.join(sorted(known))}")
        return default
    return name


def _scale(c: _Checker, key: str, name: str, spec, m: Mapping) -> Scale:
    if isinstance(spec, str):
        spec = {"base": spec}
    spec = c.keys(spec, key, ("base", "range", "numbers", "labels"))
    base = spec.get("base")
    if base is not None and base not in BUILTIN:
        c.bad(f"{key}.base", f"unknown built-in scale '{base}'; expected one of {', '.join(BUILTIN)}")
        base = None
    scale = builtin_scale(base) if base else Scale(name=name, lo=1.0, hi=5.0, labels={})
    scale.name = name
    scale.missing = m.missing_set
    rng = spec.get("range")
    if rng is not None:
        if (
            not isinstance(rng, list) or len(rng) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng) or rng[0] >= rng[1]
        ):  # fmt: skip
            c.bad(f"{key}.range", f"expected [lowest, highest], two numbers; got {_shown(rng)}")
        else:
            scale.lo, scale.hi = float(rng[0]), float(rng[1])
    if "numbers" in spec:
        if not isinstance(spec["numbers"], bool):
            c.bad(f"{key}.numbers", f"expected true or false; got {_shown(spec['numbers'])}")
        else:
            scale.numbers = spec["numbers"]
    labels = spec.get("labels") or {}
    if not isinstance(labels, dict):
        c.bad(f"{key}.labels", f"expected a mapping of label: number; got {_shown(labels)}")
        labels = {}
    for label, v in labels.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            c.bad(f"{key}.labels.{label}", f"expected a number; got {_shown(v)}")
            continue
        scale.codes[str(label)] = float(v)
        scale.codes[fold(str(label))] = float(v)
        scale.display.setdefault(float(v), str(label))
    if base is None and rng is None:
        if scale.codes:
            scale.lo, scale.hi = min(scale.codes.values()), max(scale.codes.values())
            scale.numbers = bool(spec.get("numbers", False))
        else:
            c.bad(key, "a scale needs a base (a built-in scale), a range [lowest, highest] or labels")
    return scale


def _rated(c: _Checker, table: str, spec, fields: tuple[str, ...], known: set[str]) -> Rated:
    target = TARGET[table]
    spec = c.keys(spec, table, ("repeat", target, "fields", "grid", "scales"))
    r = Rated(table=table)
    r.lines = {k: v for k, v in c.lines.items() if k.startswith(table)}
    r.repeat = c.string(spec.get("repeat"), f"{table}.repeat")
    if spec.get("grid") is not None and r.repeat is not None:
        c.bad(table, "give either repeat (one row per rated entity) or grid (columns per entity), not both")
    if r.repeat is not None:
        t = c.keys(spec.get(target), f"{table}.{target}", ("column", "values"))
        r.target_column = c.string(t.get("column"), f"{table}.{target}.column", required=True)
        r.target_values = c.text_map(t.get("values"), f"{table}.{target}.values")
        f = c.keys(spec.get("fields"), f"{table}.fields", fields)
        r.fields = {k: _text(v) for k, v in f.items() if k in fields and v is not None}
        if not r.fields:
            c.bad(f"{table}.fields", f"expected the columns of at least one of {', '.join(fields)}")
    elif spec.get("grid") is not None:
        grid = spec["grid"]
        if not isinstance(grid, dict):
            c.bad(f"{table}.grid", f"expected a mapping of {target} id: {{field: column}}; got {_shown(grid)}")
            grid = {}
        for tid, cols in grid.items():
            cols = c.keys(cols, f"{table}.grid.{tid}", fields)
            r.grid[str(tid)] = {k: _text(v) for k, v in cols.items() if k in fields and v is not None}
    else:
        c.bad(table, f"expected repeat (with {target} and fields) or grid")
    sc = c.keys(spec.get("scales"), f"{table}.scales", fields)
    for k, v in sc.items():
        name = _scale_name(c, v, f"{table}.scales.{k}", known, None)
        if name:
            r.scales[k] = name
    required = [f for f in fields[:2] if f in ("power", "interest", "level")]
    have = set(r.fields) | {f for cols in r.grid.values() for f in cols}
    for f in required:
        if have and f not in have:
            c.bad(table, f"'{f}' is a required column of {table}: map it in fields (or in every grid entry)")
    return r


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file (not a link; UTF-8)."""
    path = Path(path)
    data = read_named_bytes(path, "mapping file", limit=16 * 1024**2)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingError(str(path), [(None, "", "the file is not UTF-8 text")]) from None
    return parse_mapping(text, str(path))


# --- writing ------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _scalar(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return f"{v:g}" if isinstance(v, float) else str(v)
    return json.dumps(str(v), ensure_ascii=False)


def _key(k) -> str:
    s = str(k)
    return s if _PLAIN_KEY.match(s) and s.lower() not in ("yes", "no", "true", "false", "on", "off", "null", "y", "n") else json.dumps(s, ensure_ascii=False)


def dump_yaml(obj, comments: dict[str, str] | None = None, *, indent: int = 0, path: str = "") -> str:
    """Block-style YAML of dicts, lists and scalars; ``comments[path]`` ends that line with
    ``# comment`` (paths are dotted keys, like the mapping's own)."""
    comments = comments or {}
    pad = "  " * indent
    out: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            sub = f"{path}.{k}" if path else str(k)
            note = f"  # {comments[sub]}" if sub in comments else ""
            if isinstance(v, dict) and v or isinstance(v, list) and v and any(isinstance(x, dict | list) for x in v):
                out.append(f"{pad}{_key(k)}:{note}")
                out.append(dump_yaml(v, comments, indent=indent + 1, path=sub))
            elif isinstance(v, list):
                out.append(f"{pad}{_key(k)}: [{', '.join(_scalar(x) for x in v)}]{note}")
            elif isinstance(v, dict):
                out.append(f"{pad}{_key(k)}: {{}}{note}")
            else:
                out.append(f"{pad}{_key(k)}: {_scalar(v)}{note}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.append(f"{pad}- " + dump_yaml(v, comments, indent=indent + 1, path=f"{path}[{i}]").lstrip())
    else:
        out.append(pad + _scalar(obj))
    return "\n".join(line for line in out if line != "")
