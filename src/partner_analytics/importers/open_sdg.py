"""Open SDG indicator data (tidy CSV + indicator config) -> a Partnership.

An Open SDG data repository holds, per indicator, ``data/indicator_<id>.csv`` (``Year``,
optional ``Series``, ``Units`` and disaggregation columns, ``Value``, optionally
``Progress``) and ``indicator-config/<id>.yml`` (or ``meta/<id>.md`` with YAML front matter)
whose ``progress_calculation_options`` list the series the progress measure is computed on.
:func:`read_open_sdg` turns each listed series into one package indicator (a *series*) so
that :func:`partner_analytics.analysis.indicators.indicator_progress` computes exactly what
sdg-build 2.4 publishes, and :func:`~partner_analytics.analysis.indicators.indicator_scores`
aggregates them as Open SDG does (groups, groups of groups, series listed twice).

Files are read with the standard library's CSV reader and libyaml (when PyYAML has it): an
indicator's file is small, and per-file costs dominate a repository of hundreds of them.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from partner_analytics.analysis.indicators import format_option_paths
from partner_analytics.data.partnership import Partnership
from partner_analytics.data.validate import PROBLEM_COLUMNS
from partner_analytics.data.writers import write_package, write_problems
from partner_analytics.errors import InputFileError

__all__ = ["PUBLISHER_ID", "PUBLISHER_NAME", "import_open_sdg", "read_open_sdg"]

PUBLISHER_ID = "open-sdg-publisher"
PUBLISHER_NAME = "Open SDG publisher"
DEFAULT_BASE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2030

# Columns sdg-build never treats as disaggregations (open_sdg_indicator_options_defaults),
# besides Year, Value, Series, Units and the Progress column.
NON_DISAGGREGATION = (
    "GeoCode", "Observation status", "Unit multiplier", "Unit measure", "UNIT_MEASURE",
    "SERIES", "COMMENT_TS", "DATA_LAST_UPDATE", "COMMENT_OBS",
)  # fmt: skip
# The keys of a progress option that the measure uses (others are reported).
OPTION_KEYS = ("series", "unit", "disaggregation", "direction", "target", "base_year",
               "target_year", "limit")  # fmt: skip
_BOMS = ("\ufeff", "\u00ef\u00bb\u00bf")  # a BOM, and a BOM's bytes read as Latin-1
_RESERVED = {"indicator_id", "date", "value", "partner_id", "value_type"}
_FIXED = ("Year", "Value", "Series", "Units", "Progress")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
_SHOWN = 80  # characters of a value shown in a message


def _goal_pillar(goal: str) -> str | None:
    """The package pillar of an SDG goal (the "5 Ps": people, planet, prosperity, peace and
    partnership -> social, environmental, economic, governance)."""
    try:
        g = int(goal)
    except ValueError:
        return None
    if 1 <= g <= 5:
        return "social"
    if g in (6, 12, 13, 14, 15):
        return "environmental"
    if 7 <= g <= 11:
        return "economic"
    if g in (16, 17):
        return "governance"
    return None


def _clean_keys(obj, seen: dict | None = None):
    """Strip BOMs from mapping keys, recursively; a clean key wins over a BOM-prefixed one.

    Each object is cleaned once (``seen``), so YAML aliases that share a node many times over
    cost what the distinct nodes cost.
    """
    seen = {} if seen is None else seen
    if id(obj) in seen:
        return seen[id(obj)]
    if isinstance(obj, dict):
        out: dict = {}
        seen[id(obj)] = out
        bommed: dict = {}
        for key, value in obj.items():
            k = key
            if isinstance(k, str):
                for bom in _BOMS:
                    if k.startswith(bom):
                        k = k[len(bom) :]
                        bommed[k] = _clean_keys(value, seen)
                        break
                else:
                    out[k] = _clean_keys(value, seen)
                    continue
            else:
                out[k] = _clean_keys(value, seen)
        for k, v in bommed.items():
            out.setdefault(k, v)
        return out
    if isinstance(obj, list):
        out_list: list = []
        seen[id(obj)] = out_list
        out_list.extend(_clean_keys(v, seen) for v in obj)
        return out_list
    return obj


def _snake(name: str) -> str:
    s = re.sub(r"[^0-9a-zA-Z]+", "_", name.strip()).strip("_").lower()
    s = s or "disaggregation"
    return f"disagg_{s}" if s in _RESERVED or s[0].isdigit() else s


def _is_key(text) -> bool:
    """A translation key (``global_indicators.9-c-1-title``) rather than display text."""
    return isinstance(text, str) and bool(re.fullmatch(r"[\w-]+\.[\w.-]+", text.strip()))


def _shown(value) -> str:
    """A value as a message shows it: one line, at most ``_SHOWN`` characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


class _Problems:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, severity, table, file, row, column, value, message) -> None:
        self.rows.append(
            {
                "severity": severity,
                "table": table,
                "file": str(file),
                "row": row,
                "column": column,
                "value": None if value is None else _shown(value),
                "message": message,
            }
        )

    def warn(self, table, file, row, column, value, message) -> None:
        self.add("warning", table, file, row, column, value, message)


class _Unreadable(Exception):
    """One indicator's file cannot be used; the message names what was expected."""

    def __init__(self, path: Path, message: str, row: int | None = None) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message, self.row = path, message, row


# --- files ---------------------------------------------------------------------------------


def _text(path: Path) -> str:
    """A file's text (UTF-8, with or without a BOM); a regular file only, links not followed."""
    if path.is_symlink():
        raise _Unreadable(path, "is a symbolic link; links are not followed")
    if not path.exists():
        raise _Unreadable(path, "file not found")
    if not path.is_file():
        raise _Unreadable(path, "is not a regular file")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _Unreadable(
            path,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "Open SDG files are UTF-8",
            row=line,
        ) from None


def _yaml_mapping(path: Path, text: str, first_line: int = 1) -> dict:
    try:
        data = yaml.load(text, Loader=_Loader)  # a safe loader (C or Python): no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + first_line}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or "malformed"
        raise _Unreadable(path, f"is not valid YAML{where}: {what}") from None
    except RecursionError:
        raise _Unreadable(path, "is not valid YAML: nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _Unreadable(
            path, f"an Open SDG indicator config is a mapping of keys, got {type(data).__name__}"
        )
    return _clean_keys(data)


def _read_config(path: Path) -> dict:
    """An indicator config: a YAML file, or the YAML front matter of a Markdown file."""
    text = _text(path)
    if path.suffix.lower() != ".md":
        return _yaml_mapping(path, text)
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise _Unreadable(path, "no YAML front matter: the file must start with a '---' line")
    for k, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return _yaml_mapping(path, "\n".join(lines[1:k]), first_line=2)
    raise _Unreadable(path, "the YAML front matter has no closing '---' line")


class _Data:
    """One data file: its columns as object arrays of text ('' where empty), in file order."""

    def __init__(self, path: Path, problems: _Problems) -> None:
        self.path = path
        text = _text(path)
        try:
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, None)
            if header is None:
                raise _Unreadable(path, "is empty: expected a header with Year and Value")
            header = [h.strip().lstrip("\ufeff") for h in header]
            width = len(header)
            rows, lines = [], []
            for record in reader:
                if len(record) == width:
                    rows.append(record)
                elif not record or (len(record) == 1 and not record[0]):
                    continue  # a blank line
                elif len(record) < width:  # missing trailing cells are empty, as pandas reads
                    rows.append(record + [""] * (width - len(record)))
                else:
                    problems.warn(
                        "observations", path, reader.line_num, None, None,
                        f"the row has {len(record)} cells, the header has {width}; "
                        "the row was not used",
                    )  # fmt: skip
                    continue
                lines.append(reader.line_num)
        except csv.Error as exc:
            raise _Unreadable(path, f"is not a readable CSV file: {exc}") from None
        if "Year" not in header or "Value" not in header:
            raise _Unreadable(
                path,
                "an Open SDG data file needs Year and Value columns; the header has: "
                + _shown(", ".join(header)),
                row=1,
            )
        twice = sorted({h for h in header if header.count(h) > 1})
        if twice:
            raise _Unreadable(path, f"column {_shown(twice[0])!r} appears twice in the header")
        cells = np.empty((len(rows), width), dtype=object)
        if rows:
            cells[:] = rows
        self.columns = {h: cells[:, k] for k, h in enumerate(header)}
        self.line = np.asarray(lines, dtype=np.int64)
        self._years(problems)
        if "Progress" in self.columns:
            self.columns["Value"] = self.columns["Progress"]  # it replaces Value for progress
        self.value_source = "Progress" if "Progress" in self.columns else "Value"
        for c in NON_DISAGGREGATION:
            self.columns.pop(c, None)
        self.disagg = [c for c in self.columns if c not in _FIXED]

    def _years(self, problems: _Problems) -> None:
        years = np.array([y.strip() for y in self.columns["Year"]], dtype=object)
        long = {y for y in years.tolist() if len(y) > 4}
        for label in sorted(long):
            # sdg-build takes the first four characters of every year ("2015-16" -> 2015)
            problems.warn(
                "observations", self.path, None, "Year", label,
                f"year '{_shown(label)}' read as {_shown(label[:4])}",
            )  # fmt: skip
        if long:
            years = np.array([y[:4] for y in years.tolist()], dtype=object)
        ok = np.array([len(y) == 4 and y.isascii() and y.isdigit() for y in years], dtype=bool)
        for k in np.flatnonzero(~ok).tolist():
            problems.warn(
                "observations", self.path, int(self.line[k]), "Year", years[k],
                f"'{_shown(years[k])}' is not a year (YYYY); the row was not used",
            )  # fmt: skip
        self.columns["Year"] = years
        if not ok.all():
            self.columns = {c: v[ok] for c, v in self.columns.items()}
            self.line = self.line[ok]

    def __len__(self) -> int:
        return len(self.line)


# --- the options ---------------------------------------------------------------------------


def _listings(options, problems: _Problems, path: Path, inid: str, prefix=()):
    """(path, option) for every series listed in ``options``, groups walked depth first."""
    out = []
    for k, option in enumerate(options, start=1):
        where = ".".join(str(x) for x in (*prefix, k))
        if isinstance(option, dict) and "group" in option:
            members = option["group"]
            if not isinstance(members, list) or not members:
                problems.warn(
                    "indicators", path, None, "progress_calculation_options", where,
                    f"{inid}: option {where} is a group without members; it was not used",
                )  # fmt: skip
                continue
            other = sorted(str(key) for key in option if key != "group")
            if other:
                problems.warn(
                    "indicators", path, None, "progress_calculation_options", where,
                    f"{inid}: option {where} is a group; its keys {', '.join(other)} are not "
                    "applied to its members (each member carries its own)",
                )  # fmt: skip
            out.extend(_listings(members, problems, path, inid, (*prefix, k)))
        elif isinstance(option, dict) or option is None:
            out.append(((*prefix, k), option or {}))
        else:
            problems.warn(
                "indicators", path, None, "progress_calculation_options", option,
                f"{inid}: option {where} is not a mapping of option keys; it was not used",
            )  # fmt: skip
    return out


def _number(option: dict, key: str, path: Path, where: str, whole: bool = False):
    value = option.get(key)
    if value is None:
        return None
    try:
        number = math.nan if isinstance(value, bool) else float(value)
        if not math.isfinite(number) or (whole and not number.is_integer()):
            raise ValueError(value)
    except (TypeError, ValueError):
        kind = "a year" if whole else "a number"
        raise _Unreadable(
            path, f"progress option {where}: {key} '{_shown(value)}' is not {kind}"
        ) from None
    return int(number) if whole else number


def _filters(option: dict, path: Path, where: str) -> list[tuple[str, str]]:
    raw = option.get("disaggregation") or []
    if isinstance(raw, dict):
        raw = [raw]
    out = []
    for f in raw if isinstance(raw, list) else [raw]:
        if not isinstance(f, dict) or f.get("field") is None or f.get("value") is None:
            raise _Unreadable(
                path,
                f"progress option {where}: each disaggregation needs a field and a value, "
                f"got {_shown(f)}",
            )
        out.append((str(f["field"]), str(f["value"])))
    return out


class _Selection:
    """The rows of one option's series, or why there are none (sdg-build 2.4.0's rules)."""

    def __init__(self, data: _Data, option: dict, filters, tag: str, problems: _Problems):
        self.reason: str | None = None
        cols, path = data.columns, data.path
        rows = np.arange(len(data))
        for column, key in (("Units", "unit"), ("Series", "series")):
            if option.get(key) is None:
                continue
            value = str(option[key])
            if column not in cols:
                problems.warn(
                    "observations", path, None, column, value,
                    f"{tag}: column '{column}' not found in the data; not filtered",
                )  # fmt: skip
                continue
            hit = cols[column][rows] == value
            if not hit.any():
                problems.warn(
                    "observations", path, None, column, value,
                    f"{tag}: '{_shown(value)}' not found in column '{column}'; not filtered",
                )  # fmt: skip
                continue
            rows = rows[hit]
        self.matching = rows  # after the series and unit filters
        if filters:
            for column, value in filters:
                if column not in cols:
                    self.reason = (
                        f"the configured disaggregation {column} = {value} does not occur in "
                        f"the data (no column {column})"
                    )
                elif not (hit := cols[column][rows] == value).any():
                    self.reason = (
                        f"the configured disaggregation {column} = {value} does not occur in "
                        "the data"
                    )
                if self.reason:
                    problems.warn(
                        "observations", path, None, column, value,
                        f"{tag}: {self.reason}; the series is not available",
                    )  # fmt: skip
                    rows = rows[:0]
                    break
                rows = rows[hit]
            else:
                filtered = {c for c, _ in filters}
                varying = [
                    c for c in data.disagg
                    if c not in filtered and len(set(cols[c][rows].tolist())) > 1
                ]  # fmt: skip
                if varying:  # the rows where the columns that still vary are empty
                    empty = np.logical_and.reduce([cols[c][rows] == "" for c in varying])
                    rows = rows[empty]
                    if not len(rows):
                        self.reason = (
                            f"after the configured disaggregation, {', '.join(varying)} still "
                            "vary and no row leaves them empty"
                        )
        elif data.disagg:
            headline = np.logical_and.reduce([cols[c][rows] == "" for c in data.disagg])
            if len(rows) and not headline.any():
                self.reason = (
                    "no headline rows (every row has a disaggregation value) and no "
                    "disaggregation is configured"
                )
                problems.warn(
                    "observations", path, None, None, None,
                    f"{tag}: {self.reason}; the series is not available",
                )  # fmt: skip
            rows = rows[headline]
        self.rows = rows


def _numbers(data: _Data, rows: np.ndarray, tag: str, problems: _Problems):
    """Rows with a value, and their values as floats; other texts are reported."""
    text = data.columns["Value"][rows]
    rows = rows[text != ""]
    values = np.empty(len(rows))
    good = np.ones(len(rows), dtype=bool)
    for k, cell in enumerate(data.columns["Value"][rows].tolist()):
        try:
            v = float(cell) if "_" not in cell else math.nan
        except ValueError:
            v = math.nan
        if math.isfinite(v):
            values[k] = v
        else:
            good[k] = False
            problems.warn(
                "observations", data.path, int(data.line[rows[k]]), "Value", cell,
                f"{tag}: value '{_shown(cell)}' is not a number and was not used",
            )  # fmt: skip
    return rows[good], values[good]


class _Block:
    """Observations of one series: indicator id, dates, values and disaggregation columns."""

    __slots__ = ("columns", "dates", "iid", "values")

    def __init__(self, iid: str, dates, values, columns: dict | None = None) -> None:
        self.iid, self.dates, self.values = iid, dates, values
        self.columns = columns or {}


def _first_seen(values: list) -> np.ndarray:
    """Whether each value is the first of its kind (``~duplicated()``)."""
    seen: set = set()
    first = np.ones(len(values), dtype=bool)
    for k, v in enumerate(values):
        if v in seen:
            first[k] = False
        seen.add(v)
    return first


def _option_key(option: dict, filters) -> tuple:
    """What makes two listings the same series: selection and parameters."""
    return (
        *(None if option.get(k) is None else str(option[k]) for k in ("series", "unit")),
        tuple(filters),
        option.get("direction") == "positive",
        *(None if option.get(k) is None else repr(option[k]) for k in OPTION_KEYS[4:]),
    )


def _one_indicator(inid, csv_path, config_path, config, problems, owner, used_ids):
    """The package indicators (series) and observation blocks of one Open SDG indicator."""
    local = _Problems()  # kept only when the whole indicator reads
    data = _Data(csv_path, local)
    number = str(config.get("indicator_number") or inid.replace("-", "."))
    goal = inid.split("-")[0]
    options = config.get("progress_calculation_options") or [{}]
    if not isinstance(options, list):
        raise _Unreadable(
            config_path,
            f"progress_calculation_options must be a list of options, got {_shown(options)}",
        )
    graph_titles = {
        t.get("series"): t.get("title")
        for t in (config.get("graph_titles") or [])
        if isinstance(t, dict) and t.get("title") and not _is_key(t.get("title"))
    }
    units_default = config.get("computation_units")
    units_default = None if not units_default or _is_key(units_default) else str(units_default)

    series: dict[tuple, dict] = {}  # option key -> indicator row
    blocks: list[_Block] = []
    for path, option in _listings(options, local, config_path, inid):
        where = format_option_paths([path])
        filters = _filters(option, config_path, where)
        target = _number(option, "target", config_path, where)
        limit = _number(option, "limit", config_path, where)
        base_year = _number(option, "base_year", config_path, where, whole=True)
        target_year = _number(option, "target_year", config_path, where, whole=True)
        unknown = sorted(str(k) for k in option if k not in OPTION_KEYS)
        if unknown:
            local.warn(
                "indicators", config_path, None, "progress_calculation_options", where,
                f"{inid}: option {where}: {', '.join(unknown)} not used by the progress measure",
            )  # fmt: skip
        direction = option.get("direction")
        if direction not in (None, "positive", "negative"):
            local.warn(
                "indicators", config_path, None, "direction", direction,
                f"{inid}: option {where}: direction '{_shown(direction)}' is neither positive "
                "nor negative; read as negative, as Open SDG does",
            )  # fmt: skip
        key = _option_key(option, filters)
        if key in series:  # the same series listed again counts again
            series[key]["_paths"].append(path)
            continue
        s, u = option.get("series"), option.get("unit")
        parts = [inid, *(str(x) for x in (s, u) if x is not None), *(v for _, v in filters)]
        tag = " / ".join(parts)
        iid = tag if tag not in used_ids else f"{tag} (option {where})"
        used_ids.add(iid)
        sel = _Selection(data, option, filters, tag, local)
        rows, values = _numbers(data, sel.rows, tag, local)
        mixed = [
            c for c in ("Series", "Units", *data.disagg)
            if c in data.columns and len(set(data.columns[c][rows].tolist())) > 1
        ]  # fmt: skip
        if mixed:
            local.warn(
                "observations", csv_path, None, mixed[0], None,
                f"{tag}: the selection holds several sub-series ({', '.join(mixed)}); "
                "Open SDG cannot compute progress on it, no observations kept",
            )  # fmt: skip
            sel.reason = f"the selection holds several sub-series ({', '.join(mixed)})"
            rows, values = rows[:0], values[:0]
        years = data.columns["Year"][rows]
        first = _first_seen(years.tolist())
        for k in np.flatnonzero(~first).tolist():
            local.warn(
                "observations", csv_path, int(data.line[rows[k]]), "Year", years[k],
                f"{tag}: a second value for year {years[k]}; the first is kept",
            )  # fmt: skip
        blocks.append(_Block(iid, years[first], values[first]))
        if not filters and data.disagg:
            _disaggregated(data, sel.matching, iid, tag, blocks, local)
        units = data.columns["Units"][rows] if "Units" in data.columns else []
        units = sorted(set(units.tolist()) - {""}) if len(units) else []
        unit_text = units[0] if len(units) == 1 else (u or units_default or "value")
        title = graph_titles.get(s) if s is not None else None
        name_parts = [str(s)] if s is not None and not title else []
        name_parts += [v for _, v in filters]
        name = title or " / ".join([f"SDG {number}", *name_parts])
        if title and filters:
            name = " / ".join([title, *(v for _, v in filters)])
        series[key] = {
            "indicator_id": iid,
            "name": name,
            "unit": str(unit_text),
            "direction": "increase" if direction == "positive" else "decrease",
            "baseline_value": None,
            "baseline_date": str(DEFAULT_BASE_YEAR if base_year is None else base_year),
            "target_value": target,
            "target_date": str(DEFAULT_TARGET_YEAR if target_year is None else target_year),
            "pillar": _goal_pillar(goal),
            "owner_partner_id": owner,
            "limit": limit,
            "group": f"{inid} group {path[0]}" if len(path) > 1 else None,
            "parent_id": inid,
            "parent_name": f"SDG indicator {number}",
            "value_source": data.value_source,
            "selection_reason": sel.reason,
            "_paths": [path],
        }
    problems.rows.extend(local.rows)
    rows_out = []
    for row in series.values():
        row["option_path"] = format_option_paths(row.pop("_paths"))
        rows_out.append(row)
    return rows_out, blocks


def _disaggregated(data: _Data, matching, iid, tag, blocks, problems) -> None:
    """The series' disaggregated rows (every disaggregation column kept), for ``by=``."""
    cols = data.columns
    some = np.logical_or.reduce([cols[c][matching] != "" for c in data.disagg])
    rows, values = _numbers(data, matching[some], tag, problems)
    if not len(rows):
        return
    keys = list(zip(*(cols[c][rows].tolist() for c in ("Year", *data.disagg)), strict=True))
    if len(set(keys)) < len(keys):
        problems.warn(
            "observations", data.path, None, None, None,
            f"{tag}: disaggregated rows are not unique per year and disaggregation; "
            "only the headline series was kept",
        )  # fmt: skip
        return
    extra = {}
    for c in data.disagg:
        v = cols[c][rows]
        extra[_snake(c)] = np.where(v == "", None, v)
    blocks.append(_Block(iid, cols["Year"][rows], values, extra))


def _observations(blocks: list[_Block]) -> pd.DataFrame:
    n = sum(len(b.values) for b in blocks)
    if not n:
        return pd.DataFrame(
            {"indicator_id": pd.Series(dtype="str"), "date": pd.Series(dtype="str"),
             "value": pd.Series(dtype="float64")}
        )  # fmt: skip
    frame = {
        "indicator_id": np.repeat(
            np.array([b.iid for b in blocks], dtype=object), [len(b.values) for b in blocks]
        ),
        "date": np.concatenate([np.asarray(b.dates, dtype=object) for b in blocks]),
        "value": np.concatenate([np.asarray(b.values, dtype="float64") for b in blocks]),
    }
    names = list(dict.fromkeys(c for b in blocks for c in b.columns))
    for c in names:
        frame[c] = np.concatenate(
            [
                b.columns[c] if c in b.columns else np.full(len(b.values), None, dtype=object)
                for b in blocks
            ]
        )
    return pd.DataFrame(frame)


# --- reading -------------------------------------------------------------------------------


def _natural(inid: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[-.]", inid))


def _repository(root: Path, problems: _Problems) -> list[tuple[str, Path | None, Path | None]]:
    """(id, data file, config file) of every indicator of an Open SDG data repository."""
    data_dir, config_dir, meta_dir = root / "data", root / "indicator-config", root / "meta"
    if not any(d.is_dir() for d in (data_dir, config_dir, meta_dir)):
        raise InputFileError(
            f"{root}: not an Open SDG data repository: expected data/indicator_<id>.csv files "
            "and indicator-config/<id>.yml (or meta/<id>.md) configs"
        )
    csvs = {
        p.name[len("indicator_") : -len(".csv")]: p
        for p in (sorted(data_dir.glob("indicator_*.csv")) if data_dir.is_dir() else [])
    }
    configs: dict[str, Path] = {}
    for folder, patterns in ((meta_dir, ("*.md",)), (config_dir, ("*.yml", "*.yaml"))):
        if folder.is_dir():
            for pattern in patterns:
                configs.update({p.stem: p for p in sorted(folder.glob(pattern))})
    ids = sorted(set(csvs) | set(configs), key=_natural)
    if not ids:
        raise InputFileError(
            f"{root}: no indicator found: expected data/indicator_<id>.csv files and "
            "indicator-config/<id>.yml (or meta/<id>.md) configs"
        )
    return [(inid, csvs.get(inid), configs.get(inid)) for inid in ids]


def read_open_sdg(
    csv_path: str | Path | Sequence[str | Path],
    config_path: str | Path | Sequence[str | Path] | None = None,
    *,
    publisher: str | None = None,
    today: date | None = None,
) -> Partnership:
    """Read Open SDG indicator data and progress options as a Partnership.

    Parameters
    ----------
    csv_path : path or list of paths
        An Open SDG data repository (a folder holding ``data/indicator_<id>.csv`` and
        ``indicator-config/<id>.yml`` or ``meta/<id>.md``; give no ``config_path``), or
        Open SDG data files (``indicator_<id>.csv``).
    config_path : path or list of paths, optional
        With data files: the matching indicator configs (``<id>.yml``, or ``<id>.md`` with
        YAML front matter), in the same order.
    publisher : str, optional
        The publishing organisation's name (default "Open SDG publisher").
    today : date, optional
        Passed to the loader (dates after it are reported as lying in the future).

    Returns
    -------
    Partnership
        ``partners``: one row, the publisher (sector ``public``). ``indicators``: one row per
        series listed in each config's ``progress_calculation_options`` (walking groups and
        groups of groups), with indicator_id named as Open SDG names the series: ``"<id>"``,
        ``"<id> / <series>"``, ``"<id> / <unit>"`` and ``" / <value>"`` appended for each
        disaggregation filter (a second option with the same name but other parameters gets
        ``" (option <path>)"``); direction (``positive`` -> increase, else decrease, Open
        SDG's default); baseline_date = base_year (default 2015) with no baseline_value, so
        the base is the observation of that year or the first after it; target_value,
        target_date = target_year (default 2030); limit; group (``"<id> group <k>"`` for a
        series inside the k-th option when it is a group); pillar from the goal (1-5 social,
        6 and 12-15 environmental, 7-11 economic, 16-17 governance); and the extra columns
        parent_id (the Open SDG indicator id, which :func:`indicator_scores` aggregates on),
        parent_name, value_source (``Progress`` when that column replaced ``Value``),
        option_path (where the series is listed: ``"2.1; 3"``) and selection_reason (why
        the series has no data, given as its reason by :func:`indicator_progress`).
        ``observations``: the series' rows (date = the year), and, for options without a
        disaggregation filter, the series' disaggregated rows with their disaggregation
        columns (snake_case names), so that ``by="geography"`` works. ``p.problems`` holds
        the importer's warnings (filters that match nothing, year ranges, values that are
        not numbers, duplicate years, several sub-series, rows with too many cells, option
        keys not used) and, as errors, each indicator that could not be read at all
        (malformed or missing file, not UTF-8, no Year or Value column, an option value of
        the wrong kind), naming the file: the other indicators are read.

    Raises
    ------
    InputFileError
        When no indicator at all could be read (the message names every file and why), or
        the folder is not an Open SDG data repository.

    Notes
    -----
    A repository: every indicator whose config has ``auto_progress_calculation: true`` (the
    others publish no computed status; one warning lists them). Data files and configs are
    matched by id; a config in ``indicator-config`` wins over one in ``meta``. Symbolic
    links are not followed. Given files are read whatever their ``auto_progress_calculation``
    (a warning says when it is not true).

    The selection follows sdg-build 2.4.0: a ``Progress`` column replaces ``Value``; year
    ranges (``2015-16``) count as their first year; the non-disaggregation columns
    (GeoCode, Observation status, Unit multiplier, Unit measure, ...) are ignored; a series
    or unit filter whose value is not found leaves the data unfiltered (with a warning); a
    disaggregation filter whose value does not occur makes the series not available (no
    data, the reason given); after the disaggregation filters, the rows where the other
    disaggregation columns that still vary are empty are the series; without a
    disaggregation filter the headline rows (every disaggregation empty) are taken; rows
    without a value are dropped. A selection that still holds several sub-series makes
    sdg-build stop: here the series keeps no observations and the reason says why. An
    option listed twice (at the top level or in a group) is one series listed twice, and
    counts twice in :func:`indicator_scores`. Config keys prefixed with a byte-order mark
    are read as the clean key (a clean key wins).
    """
    problems = _Problems()
    used_ids: set[str] = set()
    indicators: list[dict] = []
    blocks: list[_Block] = []
    coverage: set[str] = set()
    failed: list[str] = []
    skipped: list[str] = []
    if config_path is None:
        root = Path(csv_path) if isinstance(csv_path, (str, Path)) else None
        if root is None or not root.is_dir():
            raise InputFileError(
                f"{csv_path}: give an Open SDG data repository folder, or data files and "
                "their configs"
            )
        entries = _repository(root, problems)
        repository = True
    else:
        csvs = [csv_path] if isinstance(csv_path, (str, Path)) else list(csv_path)
        configs = [config_path] if isinstance(config_path, (str, Path)) else list(config_path)
        if len(csvs) != len(configs):
            raise ValueError(f"{len(csvs)} data files but {len(configs)} configs: give one of each")
        entries = []
        for c, g in zip(csvs, configs, strict=True):
            c, g = Path(c), Path(g)
            inid = c.stem[len("indicator_") :] if c.stem.startswith("indicator_") else g.stem
            entries.append((inid, c, g))
        repository = False

    for inid, csv_file, config_file in entries:
        try:
            if config_file is None:
                problems.warn(
                    "indicators", csv_file, None, None, None,
                    f"{inid}: no indicator config (indicator-config/{inid}.yml or "
                    f"meta/{inid}.md); the data file was not read",
                )  # fmt: skip
                continue
            config = _read_config(config_file)
            auto = config.get("auto_progress_calculation")
            if auto is not True:
                if repository:
                    skipped.append(inid)
                    continue
                problems.warn(
                    "indicators", config_file, None, "auto_progress_calculation", auto,
                    f"{inid}: auto_progress_calculation is not true; Open SDG publishes no "
                    "computed status",
                )  # fmt: skip
            if csv_file is None:
                raise _Unreadable(
                    config_file.parent.parent / "data" / f"indicator_{inid}.csv",
                    "file not found (the config asks for progress to be calculated)",
                )
            rows, more = _one_indicator(
                inid, csv_file, config_file, config, problems, PUBLISHER_ID, used_ids
            )
        except _Unreadable as exc:
            problems.add("error", "indicators", exc.path, exc.row, None, None,
                         f"{inid}: {exc.message}; the indicator was not read")  # fmt: skip
            failed.append(f"{exc.path}: {exc.message}")
            continue
        indicators.extend(rows)
        blocks.extend(more)
        if config.get("national_geographical_coverage"):
            coverage.add(str(config["national_geographical_coverage"]))
    if skipped:
        problems.warn(
            "indicators", root / "indicator-config", None, "auto_progress_calculation", None,
            f"{len(skipped)} indicator(s) without auto_progress_calculation: true were not "
            f"read (Open SDG publishes no computed status for them): {', '.join(skipped)}",
        )  # fmt: skip
    if failed and not indicators:
        raise InputFileError(
            "no Open SDG indicator could be read:\n" + "\n".join(f"  {f}" for f in failed)
        )
    partners = pd.DataFrame(
        {
            "partner_id": [PUBLISHER_ID],
            "name": [publisher or PUBLISHER_NAME],
            "sector": ["public"],
            "category": [
                "Open SDG data publisher"
                + (f" ({', '.join(sorted(coverage))})" if coverage else "")
            ],
        }
    )
    parents = list(dict.fromkeys(r["parent_id"] for r in indicators))
    name = "Open SDG " + (", ".join(parents) if len(parents) <= 5 else f"{len(parents)} indicators")
    p = Partnership.from_frames(
        partners=partners,
        indicators=pd.DataFrame(indicators, columns=_INDICATOR_COLUMNS),
        observations=_observations(blocks),
        today=today,
        name=name,
    )
    return _with_problems(p, problems)


_INDICATOR_COLUMNS = [
    "indicator_id", "name", "unit", "direction", "baseline_value", "baseline_date",
    "target_value", "target_date", "pillar", "owner_partner_id", "limit", "group",
    "parent_id", "parent_name", "value_source", "option_path", "selection_reason",
]  # fmt: skip


def _with_problems(p: Partnership, problems: _Problems) -> Partnership:
    if problems.rows:
        extra = pd.DataFrame(problems.rows, columns=PROBLEM_COLUMNS)
        extra["row"] = extra["row"].astype("Int64")
        base = p.problems
        if len(base):
            extra = extra.astype({c: base[c].dtype for c in PROBLEM_COLUMNS if c in base})
            p.problems = pd.concat([base, extra], ignore_index=True)
        else:
            p.problems = extra
    return p


def import_open_sdg(
    source: str | Path, config: str | Path | None = None, out: str | Path | None = None
) -> Path:
    """Read Open SDG indicators (:func:`read_open_sdg`) and write them as a package folder.

    ``import_open_sdg(DIR, OUT)``: a whole data repository; ``import_open_sdg(CSV, CONFIG,
    OUT)``: one indicator. The importer's warnings and the loader's problems are written next
    to the tables as ``_import_problems.csv`` (a name the package reader skips), so none is
    lost.
    """
    if out is None:
        if config is None:
            raise TypeError("import_open_sdg needs a folder to write to")
        config, out = None, config
    p = read_open_sdg(source, config)
    path = write_package(p, out)
    write_problems(p.problems, path)
    return Path(path)
