"""IATI activity results (``result/indicator``, standard 2.0x) -> a Partnership.

Each ``indicator`` of each ``result`` of each ``iati-activity`` becomes one package indicator
with its baseline and (final) target; every ``period`` gives one observation of the actual
value at the period's end and one row of the period's target (``value_type`` = ``target``).
Values written as text are read where they are numbers (``"£3,500,000"`` -> 3500000,
``"12.5%"`` -> 12.5) and reported as warnings in ``p.problems`` where they are not
(``"As at Appraisal"``): nothing is dropped silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from lxml import etree

from partner_analytics.data.partnership import Partnership
from partner_analytics.data.validate import PROBLEM_COLUMNS
from partner_analytics.data.writers import write_package, write_problems

__all__ = ["MEASURES", "ORG_TYPE_SECTORS", "import_iati", "parse_number", "read_iati"]

MEASURES = {"1": "unit", "2": "percentage", "3": "nominal", "4": "ordinal", "5": "qualitative"}
RESULT_TYPES = {"1": "output", "2": "outcome", "3": "impact", "9": "other"}
# IATI OrganisationType code -> package sector
ORG_TYPE_SECTORS = {
    "10": "public",  # Government
    "11": "public",  # Local Government
    "15": "public",  # Other Public Sector
    "21": "civil_society",  # International NGO
    "22": "civil_society",  # National NGO
    "23": "civil_society",  # Regional NGO
    "24": "civil_society",  # Partner Country based NGO
    "30": "other",  # Public Private Partnership
    "40": "funder",  # Multilateral
    "60": "funder",  # Foundation
    "70": "private",  # Private Sector
    "71": "private",  # Private Sector in Provider Country
    "72": "private",  # Private Sector in Aid Recipient Country
    "73": "private",  # Private Sector in Third Country
    "80": "academic",  # Academic, Training and Research
    "90": "other",  # Other
}
_CURRENCY = re.compile(r"^(?:[£$€¥]|[A-Z]{3}\s)\s*")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse_number(text: str | None) -> tuple[float | None, str | None]:
    """A number written as text, and the currency symbol or code it carried.

    ``"£3,500,000"`` -> (3500000.0, "£"); ``"12.00"`` -> (12.0, None); ``"8.5 %"`` ->
    (8.5, None); ``"As at Appraisal"`` -> (None, None).

    >>> parse_number("£13,594,502"), parse_number("As at Appraisal")
    ((13594502.0, '£'), (None, None))
    """
    if text is None:
        return None, None
    s = str(text).strip()
    currency = None
    if m := _CURRENCY.match(s):
        currency = m.group(0).strip()
        s = s[m.end() :]
    s = s.removesuffix("%").strip()
    if _NUMBER.match(s):
        return float(s.replace(",", "")), currency
    try:
        value = float(s)
    except ValueError:
        return None, None
    if not math.isfinite(value):
        return None, None
    return value, currency


def _narrative(element) -> str | None:
    """The English (or first) narrative text of an element."""
    if element is None:
        return None
    items = element.findall("narrative")
    for n in items:
        lang = (n.get(_XML_LANG) or "").lower()
        if lang in ("en", "") and (n.text or "").strip():
            return n.text.strip()
    for n in items:
        if (n.text or "").strip():
            return n.text.strip()
    return (element.text or "").strip() or None


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower() or "organisation"


class _Problems:
    def __init__(self, file: Path) -> None:
        self.file = str(file)
        self.rows: list[dict] = []

    def warn(self, table, line, column, value, message) -> None:
        self.rows.append(
            {
                "severity": "warning",
                "table": table,
                "file": self.file,
                "row": line,
                "column": column,
                "value": None if value is None else str(value),
                "message": message,
            }
        )


def _dims(element) -> tuple[tuple[tuple[str, str], ...], str | None]:
    dims = tuple(
        sorted((d.get("name") or "", d.get("value") or "") for d in element.findall("dimension"))
    )
    locs = [loc.get("ref") for loc in element.findall("location") if loc.get("ref")]
    return dims, (",".join(sorted(locs)) or None)


def _value(element, what: str, iid: str, table: str, column: str, problems: _Problems):
    """The number of a baseline/target/actual element, or None with a warning."""
    text = element.get("value")
    if text is None or not text.strip():
        problems.warn(table, element.sourceline, column, None, f"{iid}: {what} has no value")
        return None, None
    value, currency = parse_number(text)
    if value is None:
        problems.warn(
            table, element.sourceline, column, text,
            f"{iid}: {what} value '{text}' is not a number and was not used",
        )  # fmt: skip
    return value, currency


def _indicator(act_id, act_title, r_no, result, k_no, ind, owner, problems):
    iid = f"{act_id}:{r_no}.{k_no}"
    measure = ind.get("measure", "1")
    ascending = (ind.get("ascending") or "1").strip().lower() not in ("0", "false")
    refs = []
    for ref in ind.findall("reference"):
        text = f"{ref.get('vocabulary', '')}:{ref.get('code', '')}"
        if ref.get("indicator-uri"):
            text += f" ({ref.get('indicator-uri')})"
        refs.append(text)
    currencies: set[str] = set()
    values: list[dict] = []  # actuals and period targets

    baselines = ind.findall("baseline")
    base_value = base_date = None
    base_dims: list = []
    if baselines:
        b = baselines[0]
        base_value, cur = _value(b, "baseline", iid, "indicators", "baseline_value", problems)
        if cur:
            currencies.add(cur)
        base_date = b.get("iso-date") or b.get("year")
        base_dims.append(_dims(b))
        for extra in baselines[1:]:
            problems.warn(
                "indicators", extra.sourceline, "baseline_value", extra.get("value"),
                f"{iid}: a further baseline (dimensions {_dims(extra)[0] or 'none'}) was not used",
            )  # fmt: skip

    final_target = final_end = None
    for period in ind.findall("period"):
        end = period.find("period-end")
        end_date = end.get("iso-date") if end is not None else None
        if not end_date:
            problems.warn(
                "observations", period.sourceline, "date", None,
                f"{iid}: a period without a period-end date was not used",
            )  # fmt: skip
            continue
        for kind, tag in (("target", "target"), ("actual", "actual")):
            for el in period.findall(tag):
                value, cur = _value(el, f"{kind} for the period ending {end_date}", iid,
                                    "observations", "value", problems)  # fmt: skip
                if cur:
                    currencies.add(cur)
                if value is None:
                    continue
                dims, locs = _dims(el)
                values.append(
                    {
                        "kind": kind, "date": end_date, "value": value, "dims": dims,
                        "locs": locs, "line": el.sourceline,
                    }
                )  # fmt: skip
    headline_targets = [v for v in values if v["kind"] == "target"]
    if headline_targets:
        last = max(headline_targets, key=lambda v: v["date"])
        final_target, final_end = last["value"], last["date"]

    # dimensions and locations shared by every value describe the indicator itself
    sets = {(v["dims"], v["locs"]) for v in values} | set(base_dims)
    shared_dims = shared_locs = None
    varying = len(sets) > 1
    if len(sets) == 1:
        (dims, locs) = next(iter(sets))
        shared_dims = "; ".join(f"{n}={v}" for n, v in dims) or None
        shared_locs = locs
    unit = MEASURES.get(measure, "unit")
    if currencies:
        unit += f" ({', '.join(sorted(currencies))})"
    row = {
        "indicator_id": iid,
        "name": _narrative(ind.find("title")) or iid,
        "unit": unit,
        "direction": "increase" if ascending else "decrease",
        "baseline_value": base_value,
        "baseline_date": base_date,
        "target_value": final_target,
        "target_date": final_end,
        "owner_partner_id": owner,
        "activity_id": act_id,
        "activity_title": act_title,
        "result_title": _narrative(result.find("title")),
        "result_type": RESULT_TYPES.get(result.get("type") or "", result.get("type")),
        "measure": measure,
        "references": "; ".join(refs) or None,
        "dimensions": shared_dims,
        "locations": shared_locs,
    }
    obs = []
    for v in values:
        rec = {
            "indicator_id": iid,
            "date": v["date"],
            "value": v["value"],
            "value_type": "target" if v["kind"] == "target" else None,
            "_line": v["line"],
            "_src": problems.file,
        }
        if varying:
            for n, val in v["dims"]:
                rec[f"dim:{n}"] = val
            rec["location"] = v["locs"]
        obs.append(rec)
    return row, obs


def read_iati(
    xml_path: str | Path | Sequence[str | Path], *, today: date | None = None
) -> Partnership:
    """Read the results of IATI activities (standard 2.0x) as a Partnership.

    Parameters
    ----------
    xml_path : path or list of paths
        IATI activity files (``<iati-activities>`` or a single ``<iati-activity>``).
    today : date, optional
        Passed to the loader (dates after it are reported as lying in the future).

    Returns
    -------
    Partnership
        ``partners``: one row per reporting organisation (partner_id = its ``ref``, else a
        slug of its name; sector from its organisation type: 10/11/15 public, 21-24
        civil_society, 40 multilateral and 60 foundation funder, 70-73 private, 80
        academic, otherwise other; category = the IATI type code). ``indicators``: one row
        per ``result/indicator``, indicator_id ``"<iati-identifier>:<result no>.<indicator
        no>"`` (1-based, in file order), name = the indicator title; unit = the measure
        (unit, percentage, nominal, ordinal, qualitative), with the currency when values
        carry one; direction from ``ascending`` (absent = ascending = increase); the first
        baseline (value, and its iso-date, else its year); target_value and target_date =
        the target of the period ending last; owner_partner_id = the reporting org; extra
        columns activity_id, activity_title, result_title, result_type, measure, references
        (``vocabulary:code (indicator-uri)`` joined by ``"; "``), dimensions and locations
        (those shared by every value of the indicator). ``observations``: per period, the
        actual at the period end (headline row) and the target at the period end
        (``value_type`` = ``target``); dimensions or locations that vary between the values
        of one indicator become disaggregation columns (``dim_<name>``, ``location``).

    Notes
    -----
    A value that is not a number (text in a qualitative indicator, ``"As at Appraisal"``),
    a missing value, a further baseline or a period without an end date is reported as a
    warning row of ``p.problems`` (file, XML line, column, value, message) and not used.
    A second headline value for the same period end is reported and the first kept.
    """
    paths = [Path(xml_path)] if isinstance(xml_path, (str, Path)) else [Path(x) for x in xml_path]
    partners: dict[str, dict] = {}
    indicators: list[dict] = []
    observations: list[dict] = []
    all_problems: list[dict] = []
    for path in paths:
        problems = _Problems(path)
        tree = etree.parse(str(path))
        root = tree.getroot()
        activities = [root] if root.tag == "iati-activity" else root.findall("iati-activity")
        for activity in activities:
            act_id = (
                activity.findtext("iati-identifier") or ""
            ).strip() or f"activity-{len(indicators)}"
            org = activity.find("reporting-org")
            org_name = _narrative(org) if org is not None else None
            org_ref = org.get("ref") if org is not None else None
            org_type = org.get("type") if org is not None else None
            pid = org_ref or _slug(org_name or "reporting organisation")
            partners.setdefault(
                pid,
                {
                    "partner_id": pid,
                    "name": org_name or org_ref or "Reporting organisation",
                    "sector": ORG_TYPE_SECTORS.get(org_type or "", "other"),
                    "category": f"IATI organisation type {org_type}" if org_type else None,
                },
            )
            title = _narrative(activity.find("title"))
            for r_no, result in enumerate(activity.findall("result"), start=1):
                for k_no, ind in enumerate(result.findall("indicator"), start=1):
                    row, obs = _indicator(act_id, title, r_no, result, k_no, ind, pid, problems)
                    indicators.append(row)
                    observations.extend(obs)
        all_problems.extend(problems.rows)

    obs = pd.DataFrame(observations)
    if len(obs):
        disagg = [c for c in obs.columns if c.startswith("dim:") or c == "location"]
        key = ["indicator_id", "date", "value_type", *disagg]
        dup = obs.duplicated(subset=key, keep="first")
        for rec in obs[dup].to_dict("records"):
            all_problems.append(
                {
                    "severity": "warning", "table": "observations", "file": rec["_src"],
                    "row": rec["_line"], "column": "value", "value": str(rec["value"]),
                    "message": f"{rec['indicator_id']}: a second "
                    f"{rec['value_type'] or 'actual'} for the period ending {rec['date']}; "
                    "the first is kept",
                }
            )  # fmt: skip
        obs = obs[~dup].drop(columns=["_line", "_src"])
        obs = obs.rename(
            columns={c: "dim_" + _slug(c[4:]).replace("-", "_") for c in disagg if c != "location"}
        )
    else:
        obs = pd.DataFrame(columns=["indicator_id", "date", "value"])
    ind_frame = pd.DataFrame(indicators)
    if not len(ind_frame):
        ind_frame = pd.DataFrame(columns=["indicator_id", "name", "unit", "direction"])
    p = Partnership.from_frames(
        partners=pd.DataFrame(list(partners.values())),
        indicators=ind_frame,
        observations=obs,
        today=today,
        name="IATI " + ", ".join(x.stem for x in paths),
    )
    if all_problems:
        extra = pd.DataFrame(all_problems, columns=PROBLEM_COLUMNS)
        extra["row"] = extra["row"].astype("Int64")
        base = p.problems
        if len(base):
            extra = extra.astype({c: base[c].dtype for c in PROBLEM_COLUMNS})
            p.problems = pd.concat([base, extra], ignore_index=True)
        else:
            p.problems = extra
    return p


def import_iati(xml: str | Path, out: str | Path) -> Path:
    """Read IATI results (:func:`read_iati`) and write them as a package folder.

    The importer's warnings and the loader's problems are written next to the tables as
    ``_import_problems.csv`` (a name the package reader skips), so none is lost.
    """
    p = read_iati(xml)
    path = write_package(p, out)
    write_problems(p.problems, path)
    return Path(path)
