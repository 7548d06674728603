"""Open SDG indicator data (tidy CSV + indicator config) -> a Partnership.

An Open SDG data repository holds, per indicator, ``data/indicator_<id>.csv`` (``Year``,
optional ``Series``, ``Units`` and disaggregation columns, ``Value``, optionally
``Progress``) and ``indicator-config/<id>.yml`` whose ``progress_calculation_options`` list
the series the progress measure is computed on. :func:`read_open_sdg` turns each option into
one package indicator (a *series*) so that
:func:`partner_analytics.analysis.indicators.indicator_progress` computes exactly what
sdg-build 2.4 publishes, and :func:`~partner_analytics.analysis.indicators.indicator_scores`
aggregates them as Open SDG does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

from partner_analytics.data.partnership import Partnership
from partner_analytics.data.validate import PROBLEM_COLUMNS
from partner_analytics.data.writers import write_package

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
_BOMS = ("\ufeff", "\u00ef\u00bb\u00bf")  # a BOM, and a BOM's bytes read as Latin-1
_RESERVED = {"indicator_id", "date", "value", "partner_id", "value_type"}


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


def _clean_keys(obj):
    """Strip BOMs from mapping keys, recursively; a clean key wins over a BOM-prefixed one."""
    if isinstance(obj, dict):
        out: dict = {}
        bommed: dict = {}
        for key, value in obj.items():
            k = key
            if isinstance(k, str):
                for bom in _BOMS:
                    if k.startswith(bom):
                        k = k[len(bom) :]
                        bommed[k] = _clean_keys(value)
                        break
                else:
                    out[k] = _clean_keys(value)
                    continue
            else:
                out[k] = _clean_keys(value)
        for k, v in bommed.items():
            out.setdefault(k, v)
        return out
    if isinstance(obj, list):
        return [_clean_keys(v) for v in obj]
    return obj


def _snake(name: str) -> str:
    s = re.sub(r"[^0-9a-zA-Z]+", "_", name.strip()).strip("_").lower()
    s = s or "disaggregation"
    return f"disagg_{s}" if s in _RESERVED or s[0].isdigit() else s


def _is_key(text) -> bool:
    """A translation key (``global_indicators.9-c-1-title``) rather than display text."""
    return isinstance(text, str) and bool(re.fullmatch(r"[\w-]+\.[\w.-]+", text.strip()))


class _Problems:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def warn(self, table, file, row, column, value, message) -> None:
        self.rows.append(
            {
                "severity": "warning",
                "table": table,
                "file": str(file),
                "row": row,
                "column": column,
                "value": None if value is None else str(value),
                "message": message,
            }
        )


def _read_config(path: Path) -> dict:
    text = path.read_text(encoding="utf-8-sig")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise TypeError(
            f"{path}: an Open SDG indicator config is a mapping, got {type(data).__name__}"
        )
    return _clean_keys(data)


def _read_data(path: Path, problems: _Problems) -> pd.DataFrame:
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
    )
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    frame["_row"] = range(2, len(frame) + 2)
    if "Year" not in frame.columns or "Value" not in frame.columns:
        raise ValueError(f"{path}: an Open SDG data file needs Year and Value columns")
    years = frame["Year"].astype("str").str.strip()
    if (years.str.len() > 4).any():
        # sdg-build takes the first four characters of every year ("2015-16" -> 2015)
        for label in sorted(set(years[years.str.len() > 4])):
            problems.warn(
                "observations", path, None, "Year", label, f"year '{label}' read as {label[:4]}"
            )
        years = years.str.slice(0, 4)
    frame["Year"] = years
    if "Progress" in frame.columns:
        frame["Value"] = frame["Progress"]  # Progress replaces Value for the progress measure
    return frame


def _filter(data, column, value, tag, path, problems):
    """sdg-build's filter_column: keep rows equal to ``value``; warn and keep all otherwise."""
    if column not in data.columns:
        problems.warn(
            "observations", path, None, column, value,
            f"{tag}: column '{column}' not found in the data; not filtered",
        )  # fmt: skip
        return data
    hit = data[column] == value
    if not hit.any():
        problems.warn(
            "observations", path, None, column, value,
            f"{tag}: '{value}' not found in column '{column}'; not filtered",
        )  # fmt: skip
        return data
    return data[hit]


def _numbers(rows: pd.DataFrame, tag: str, path, problems) -> pd.DataFrame:
    values = pd.to_numeric(rows["Value"], errors="coerce")
    bad = rows["Value"].notna() & values.isna()
    for row, text in rows.loc[bad, ["_row", "Value"]].itertuples(index=False, name=None):
        problems.warn(
            "observations", path, row, "Value", text,
            f"{tag}: value '{text}' is not a number and was not used",
        )  # fmt: skip
    return rows.assign(value=values)[values.notna()]


def _one_indicator(csv_path: Path, config_path: Path, problems: _Problems, owner: str):
    config = _read_config(config_path)
    data = _read_data(csv_path, problems)
    stem = csv_path.stem
    inid = stem[len("indicator_") :] if stem.startswith("indicator_") else config_path.stem
    number = str(config.get("indicator_number") or inid.replace("-", "."))
    goal = inid.split("-")[0]
    if config.get("auto_progress_calculation") is not True:
        problems.warn(
            "indicators", config_path, None, "auto_progress_calculation",
            config.get("auto_progress_calculation"),
            f"{inid}: auto_progress_calculation is not true; Open SDG publishes no computed status",
        )  # fmt: skip
    options = config.get("progress_calculation_options") or [{}]
    graph_titles = {
        t.get("series"): t.get("title")
        for t in (config.get("graph_titles") or [])
        if isinstance(t, dict) and t.get("title") and not _is_key(t.get("title"))
    }
    units_default = config.get("computation_units")
    units_default = None if not units_default or _is_key(units_default) else str(units_default)

    drop = [c for c in NON_DISAGGREGATION if c in data.columns]
    data = data.drop(columns=drop)
    disagg = [
        c for c in data.columns if c not in ("Year", "Value", "Series", "Units", "Progress", "_row")
    ]
    ind_rows, obs_frames = [], []
    flat: list[tuple[dict, str | None]] = []
    for k, option in enumerate(options, start=1):
        if isinstance(option, dict) and isinstance(option.get("group"), list):
            flat.extend((sub, f"{inid} group {k}") for sub in option["group"])
        else:
            flat.append((option if isinstance(option, dict) else {}, None))

    for option, group in flat:
        series = option.get("series")
        unit = option.get("unit")
        filters = option.get("disaggregation") or []
        tag = " / ".join(
            [inid, *([str(series)] if series is not None else []),
             *([str(unit)] if unit is not None else []),
             *[str(f.get("value")) for f in filters]]
        )  # fmt: skip
        rows = data
        if unit is not None:
            rows = _filter(rows, "Units", unit, tag, csv_path, problems)
        if series is not None:
            rows = _filter(rows, "Series", series, tag, csv_path, problems)
        matching = rows
        if filters:
            for f in filters:
                rows = _filter(rows, f.get("field"), f.get("value"), tag, csv_path, problems)
        else:
            rows = rows[rows[disagg].isna().all(axis=1)] if disagg else rows
        rows = _numbers(rows[rows["Value"].notna()], tag, csv_path, problems)
        # sdg-build stops when the selection still holds several sub-series
        mixed = [
            c for c in rows.columns
            if c not in ("Year", "Value", "value", "_row", "Progress")
            and rows[c].nunique(dropna=False) > 1
        ]  # fmt: skip
        if mixed:
            problems.warn(
                "observations", csv_path, None, mixed[0], None,
                f"{tag}: the selection holds several sub-series ({', '.join(mixed)}); "
                "Open SDG cannot compute progress on it, no observations kept",
            )  # fmt: skip
            rows = rows.iloc[0:0]
        dup = rows["Year"].duplicated()
        for row, year in rows.loc[dup, ["_row", "Year"]].itertuples(index=False, name=None):
            problems.warn(
                "observations", csv_path, row, "Year", year,
                f"{tag}: a second value for year {year}; the first is kept",
            )  # fmt: skip
        rows = rows[~dup]
        obs = pd.DataFrame({"indicator_id": tag, "date": rows["Year"], "value": rows["value"]})
        obs_frames.append(obs)
        if not filters and disagg:
            extra = matching[matching[disagg].notna().any(axis=1) & matching["Value"].notna()]
            extra = _numbers(extra, tag, csv_path, problems)
            keys = ["Year", *disagg]
            if len(extra) and not extra.duplicated(subset=keys).any():
                more = pd.DataFrame(
                    {"indicator_id": tag, "date": extra["Year"], "value": extra["value"]}
                )
                for c in disagg:
                    more[_snake(c)] = extra[c]
                obs_frames.append(more)
            elif len(extra):
                problems.warn(
                    "observations", csv_path, None, None, None,
                    f"{tag}: disaggregated rows are not unique per year and disaggregation; "
                    "only the headline series was kept",
                )  # fmt: skip
        units = rows["Units"].dropna().unique() if "Units" in rows.columns else []
        unit_text = str(units[0]) if len(units) == 1 else (unit or units_default or "value")
        title = graph_titles.get(series) if series is not None else None
        parts = [str(series)] if series is not None and not title else []
        parts += [str(f.get("value")) for f in filters]
        name = title or " / ".join([f"SDG {number}", *parts])
        if title and filters:
            name = " / ".join([title, *[str(f.get("value")) for f in filters]])
        target = option.get("target")
        ind_rows.append(
            {
                "indicator_id": tag,
                "name": name,
                "unit": unit_text,
                "direction": "increase" if option.get("direction") == "positive" else "decrease",
                "baseline_value": None,
                "baseline_date": str(int(option.get("base_year", DEFAULT_BASE_YEAR))),
                "target_value": None if target is None else float(target),
                "target_date": str(int(option.get("target_year", DEFAULT_TARGET_YEAR))),
                "pillar": _goal_pillar(goal),
                "owner_partner_id": owner,
                "limit": None if option.get("limit") is None else float(option["limit"]),
                "group": group,
                "parent_id": inid,
                "parent_name": f"SDG indicator {number}",
                "value_source": "Progress" if "Progress" in data.columns else "Value",
            }
        )
    return ind_rows, obs_frames, config


def read_open_sdg(
    csv_path: str | Path | Sequence[str | Path],
    config_path: str | Path | Sequence[str | Path],
    *,
    publisher: str | None = None,
    today: date | None = None,
) -> Partnership:
    """Read Open SDG indicator data and progress options as a Partnership.

    Parameters
    ----------
    csv_path : path or list of paths
        Open SDG data files (``indicator_<id>.csv``).
    config_path : path or list of paths
        The matching indicator configs (``<id>.yml``), in the same order.
    publisher : str, optional
        The publishing organisation's name (default "Open SDG publisher").
    today : date, optional
        Passed to the loader (dates after it are reported as lying in the future).

    Returns
    -------
    Partnership
        ``partners``: one row, the publisher (sector ``public``). ``indicators``: one row per
        entry of each config's ``progress_calculation_options`` (the entries of a ``group``
        each), with indicator_id named as Open SDG names the series: ``"<id>"``,
        ``"<id> / <series>"``, ``"<id> / <unit>"`` and ``" / <value>"`` appended for each
        disaggregation filter; direction (``positive`` -> increase, else decrease, Open SDG's
        default); baseline_date = base_year (default 2015) with no baseline_value, so the
        base is the observation of that year or the first after it; target_value,
        target_date = target_year (default 2030); limit; group (``"<id> group <k>"`` for the
        k-th option when it is a group); pillar from the goal (1-5 social, 6 and 12-15
        environmental, 7-11 economic, 16-17 governance); and the extra columns parent_id
        (the Open SDG indicator id, which :func:`indicator_scores` aggregates on),
        parent_name and value_source (``Progress`` when that column replaced ``Value``).
        ``observations``: the series' rows (date = the year), and, for options without a
        disaggregation filter, the series' disaggregated rows with their disaggregation
        columns (snake_case names), so that ``by="geography"`` works. Importer warnings
        (filters that match nothing, year ranges, values that are not numbers, duplicate
        years, several sub-series) are appended to ``p.problems``.

    Notes
    -----
    The selection follows sdg-build 2.4: a ``Progress`` column replaces ``Value``; year
    ranges (``2015-16``) count as their first year; the non-disaggregation columns
    (GeoCode, Observation status, Unit multiplier, Unit measure, ...) are ignored; a filter
    whose value is not found leaves the data unfiltered (with a warning); without a
    disaggregation filter the headline rows (every disaggregation empty) are taken; rows
    without a value are dropped. A selection that still holds several sub-series makes
    sdg-build stop: here the series keeps no observations and a warning says why. Config
    keys prefixed with a byte-order mark are read as the clean key (a clean key wins).
    """
    csvs = [Path(csv_path)] if isinstance(csv_path, (str, Path)) else [Path(c) for c in csv_path]
    configs = (
        [Path(config_path)]
        if isinstance(config_path, (str, Path))
        else [Path(c) for c in config_path]
    )
    if len(csvs) != len(configs):
        raise ValueError(f"{len(csvs)} data files but {len(configs)} configs: give one of each")
    problems = _Problems()
    indicators, observations = [], []
    coverage = set()
    for csv, cfg in zip(csvs, configs, strict=True):
        rows, frames, config = _one_indicator(csv, cfg, problems, PUBLISHER_ID)
        indicators.extend(rows)
        observations.extend(frames)
        if config.get("national_geographical_coverage"):
            coverage.add(str(config["national_geographical_coverage"]))
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
    obs = (
        pd.concat(observations, ignore_index=True)
        if observations
        else pd.DataFrame(columns=["indicator_id", "date", "value"])
    )
    name = "Open SDG " + ", ".join(dict.fromkeys(r["parent_id"] for r in indicators))
    p = Partnership.from_frames(
        partners=partners,
        indicators=pd.DataFrame(indicators),
        observations=obs,
        today=today,
        name=name,
    )
    return _with_problems(p, problems)


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


def import_open_sdg(csv: str | Path, config: str | Path, out: str | Path) -> Path:
    """Read an Open SDG indicator (:func:`read_open_sdg`) and write it as a package folder.

    The importer's warnings and the loader's problems are written next to the tables as
    ``_import_problems.csv`` (a name the package reader skips), so none is lost.
    """
    p = read_open_sdg(csv, config)
    path = write_package(p, out)
    if len(p.problems):
        p.problems.to_csv(Path(path) / "_import_problems.csv", index=False)
    return Path(path)
