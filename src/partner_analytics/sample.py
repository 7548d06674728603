"""The deterministic sample partnership: a smart circular region, as a data package.

:func:`sample_tables` builds every table of the package as plain DataFrames (the
contract's columns and dtypes) and :func:`write_sample` writes them as a package folder
(one CSV per table, ``package.yml`` with the name, a ``README.md``). The same ``scale``
and ``seed`` always give byte-identical files. ``data/sample/`` is ``write_sample`` at
scale 1, seed 0. The data are invented; names of people and places are fictitious.

The partnership
---------------
"Circular Region Partnership": the Region of Northmark Council leads 19 other partners
from every sector (5 public, 6 private, 2 civil-society, 3 academic, 2 funders, 2 other)
towards a circular economy; three prospective partners are ``candidate``. The facts run
to the reference date 2026-09-30 (:data:`AS_OF`): no wave, observation, contribution,
completion, review or joining date lies after it; due dates and targets may.

The story an evaluator can find
-------------------------------
- Indicators (18, quarterly 2023-Q4 .. 2026-Q3, baseline 2023-Q4, target 2030; IND17 has
  no target). On track: IND01 recycling rate, IND10 renewable energy, IND11 open datasets
  and IND18 active mobility (substantial progress); IND03 repair and reuse has achieved
  its target. Deteriorating: IND07 households in energy poverty (rising) and IND09
  separate-collection participation in low-income neighbourhoods (falling). What changed
  between 2026-Q2 and 2026-Q3: IND06 circular procurement achieves its target, IND15
  programme awareness moves from moderate to substantial progress after a campaign, and
  IND05 construction waste reused slips below its baseline (limited progress ->
  deterioration; BuildLoop's own series falls most).
- Commitments: BuildLoop Construction (P09) has several overdue commitments (open, due
  before 2026-09-30), delivered least of what it pledged, and its interest in the
  partnership, as stakeholders rate it, fell in 2026-Q2.
- Stakeholders: the Northmark Energy-from-Waste Operator (S18) is contested (raters split
  on its interest: sd > 1 in every wave). Six stakeholders change quadrant: S13
  procurement officers and S28 fire and rescue in 2026-Q1, S02 opposition group, S16
  BuildLoop and S31 youth climate network in 2026-Q2, S10 parish councils in 2026-Q3.
- Mutuality (packaged factors 601..616): the index rises wave on wave; public partners
  rate 603 Joint Objectives and 610 Value Creation at least 1.0 higher than private
  partners in 2026-Q3 (the 610 gap opens only in that wave); 609 Joint Issue Resolution
  Process falls to a concern in 2026-Q3; 615 Joint Exit Strategy stays a concern.
- Competencies: no active partner is better than basic (level 1) in the social area,
  where Box 6.25 places civil society's competencies; the candidate Community Action
  Alliance (P21, civil_society) brings level 3 there and has the largest candidate fit
  gain; Institute for Social Innovation (P23) brings level 2; SolarShare (P22) adds
  nothing new. Only public partners are strong in the political area.
- Relationships: the council and BuildLoop, Zero Waste Northmark and Circulo, and the
  Regional Development Fund and the Repair Cafe Network rate each other two or more
  levels apart.
- Readiness rises over the reviews of 2025-09-30, 2026-03-31 and 2026-09-30;
  documenting outcomes is still missing. Drivers: the packaged example drivers, with
  three options (mutuality, contracted_delivery, loose_network).
- Actions (12), decided at the steering group after each report: on 2026-01-20 a recovery
  plan for BuildLoop's first overdue commitment (A01, done on time), a meeting with the
  contested Energy-from-Waste Operator (A02, done on time) and a joint objectives workshop
  for the 603 gap (A03, done late); on 2026-04-21 a revised plan for BuildLoop's second
  overdue commitment (A04, in progress and the one action overdue on 2026-09-30), a
  facilitated dialogue with the operator (A05, dropped on 2026-07-14) and a collection
  campaign for IND09 (A12, done on time; the indicator still deteriorates); on 2026-07-14
  a completion date for the commitment overdue at 2026-06-30 that is then completed
  (A06, done on time: its source resolved) and a follow-up step on every agenda (A07,
  readiness element follow_through, done on time); in 2026-Q3 actions on BuildLoop's two
  newer overdue commitments, Eastbrook's overdue commitment and, on the report day, the
  new 610 gap (A08-A11, open, due in 2026-Q4). On 2026-09-30 one alert has no action yet:
  IND05 moved to deterioration. Follow-through: 5 done on time of 6 done and 1 overdue.

Scale
-----
``scale`` multiplies the volume and keeps the shape: the same partners, stakeholders,
indicators, waves (4) and quarters (12), and the same story. It multiplies the
districts of the district-level indicator series (100 per scale unit), the raters
(12 per unit in the panel, 10 per unit in each wave), the mutuality respondents
(41 per unit), the contributions (220 per unit) and the commitments (56 per unit).

Rows per table (measured with :func:`sample_tables`, seed 0):

==================== ======= ========= =========== ============
table                scale 1 scale 10  scale 100   scale 1000
==================== ======= ========= =========== ============
partners             23      23        23          23
stakeholders         33      33        33          33
stakeholder_ratings  1,320   13,200    132,000     1,320,000
objectives           8       8         8           8
competencies         50      50        50          50
assessments          2,416   24,160    241,600     2,416,000
relationships        1,208   1,208     1,208       1,208
indicators           18      18        18          18
observations         10,020  96,420    960,420     9,600,420
contributions        220     2,200     22,000      220,000
commitments          56      560       5,600       56,000
readiness            69      69        69          69
drivers              8       8         8           8
driver_alignment     24      24        24          24
actions              12      12        12          12
==================== ======= ========= =========== ============

Observations = 35 series x 12 quarters (18 headline series, 17 by partner) + 8 indicators
x 100 x scale districts x 12 quarters, so scales 1, 10, 100 and 1000 give about 10^4,
10^5, 10^6 and 10^7 rows. Stakeholder ratings = 4 waves x 10 x scale raters x 33
stakeholders (about 10^5 rows at scale 75); assessments = 16 factors x 151 x scale
respondent-waves (41 x scale respondents, about one in eleven missing a wave; about
10^5 rows at scale 40). Relationships (about four in five ordered pairs of the 20 active
partners, each wave) do not grow with the scale. On a two-core machine ``write_sample``
takes about 0.1 s at scale 1, 0.6 s at scale 100 and 5 s at scale 1000 (450 MB of CSV,
1.7 GB peak memory).

Every table is generated with numpy from its own random stream (``seed`` and a fixed
number per table), so a change in one table never moves another. Series are built as
arrays (indicator x district x quarter), never row by row; files are written with
pyarrow when no cell needs quoting, else with pandas (same format: ISO dates, period
labels, whole numbers without ``.0``, empty cells for missing values, no index).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from partner_analytics import frameworks

__all__ = ["AS_OF", "NAME", "QUARTERS", "WAVES", "sample_tables", "write_sample"]

#: The partnership's name (``package.yml``).
NAME = "Circular Region Partnership"
#: The reference date of the sample: no dated fact lies after it.
AS_OF = date(2026, 9, 30)
#: The waves of stakeholder ratings, mutuality assessments and relationship ratings.
WAVES = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")
#: The quarters of the indicator observations (the first is the baseline).
QUARTERS = tuple(f"{y}-Q{q}" for y in (2023, 2024, 2025, 2026) for q in (1, 2, 3, 4))[3:15]

# random streams, one per table
_STREAM = {
    "stakeholder_ratings": 1,
    "assessments": 2,
    "relationships": 3,
    "observations": 4,
    "contributions": 5,
    "commitments": 6,
}

_AS_OF = np.datetime64(AS_OF.isoformat(), "D")


def _rng(seed: int, table: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), _STREAM[table]])


def _str(values) -> pd.Series:
    return pd.Series(values, dtype="str")


def _text(codes: np.ndarray, labels) -> pd.Series:
    """A ``str`` Series of ``labels[codes]`` (code -1: missing), built in Arrow (fast)."""
    codes = np.asarray(codes)
    missing = codes < 0
    index = pa.array(
        np.where(missing, 0, codes).astype(np.int32), mask=missing if missing.any() else None
    )
    dictionary = pa.array(np.asarray(labels, dtype=object), type=pa.large_string())
    return pd.Series(
        pa.DictionaryArray.from_arrays(index, dictionary).dictionary_decode(), dtype="str"
    )


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    width = max(width, len(str(n)))
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


# --------------------------------------------------------------------------- partners

# partner_id, name, sector, category, role, joined
# fmt: off
_PARTNERS = [
    ("P01", "Region of Northmark Council", "public", "regional government", "lead", "2023-06-01"),
    ("P02", "City of Northhaven", "public", "municipality", "champion", "2023-06-01"),
    ("P03", "Eastbrook Municipality", "public", "municipality", "member", "2023-09-01"),
    ("P04", "Regional Waste Authority", "public", "public agency", "member", "2023-06-01"),
    ("P05", "Port of Northhaven Authority", "public", "public agency", "member", "2024-03-01"),
    ("P06", "Circulo Recycling", "private", "waste and recycling", "member", "2023-06-01"),
    ("P07", "GreenGrid Energy", "private", "energy utility", "member", "2023-09-01"),
    ("P08", "Urban Mobility Company", "private", "mobility", "member", "2024-01-15"),
    ("P09", "BuildLoop Construction", "private", "construction", "member", "2023-09-01"),
    ("P10", "DataCity Solutions", "private", "technology", "third_party", "2024-02-01"),
    ("P11", "ReLoop Second-hand Retail", "private", "retail", "member", "2025-04-01"),
    ("P12", "Zero Waste Northmark", "civil_society", "environmental NGO", "member", "2023-06-01"),
    ("P13", "Repair Cafe Network", "civil_society", "community network", "member", "2023-11-01"),
    ("P14", "Northmark University", "academic", "university", "broker", "2023-06-01"),
    ("P15", "Institute of Applied Sciences", "academic", "research institute", "member", "2024-01-01"),
    ("P16", "Northmark Business School", "academic", "business school", "member", "2024-09-01"),
    ("P17", "Regional Development Fund", "funder", "public fund", "sponsor", "2023-06-01"),
    ("P18", "Green Futures Foundation", "funder", "philanthropic foundation", "sponsor", "2023-10-01"),
    ("P19", "Northmark Chamber of Commerce", "other", "business association", "member", "2023-09-01"),
    ("P20", "Northmark Housing Association", "other", "housing provider", "member", "2024-06-01"),
    ("P21", "Community Action Alliance", "civil_society", "community organisations", "candidate", None),
    ("P22", "SolarShare Energy Cooperative", "private", "energy cooperative", "candidate", None),
    ("P23", "Institute for Social Innovation", "academic", "research institute", "candidate", None),
]
# fmt: on
_ACTIVE = [p[0] for p in _PARTNERS if p[4] != "candidate"]
_SECTOR = {p[0]: p[2] for p in _PARTNERS}
_PNAME = {p[0]: p[1] for p in _PARTNERS}
_JOINED = {p[0]: p[5] for p in _PARTNERS}


def _partners() -> pd.DataFrame:
    cols = list(zip(*_PARTNERS, strict=True))
    return pd.DataFrame(
        {
            "partner_id": _str(cols[0]),
            "name": _str(cols[1]),
            "sector": _str(cols[2]),
            "category": _str(cols[3]),
            "role": _str(cols[4]),
            "joined": pd.to_datetime(pd.Series(cols[5], dtype="object")).astype("datetime64[ns]"),
        }
    )


# ------------------------------------------------------------------------ stakeholders

# the Schedule 5 groups, as the packaged stakeholder_groups() names them
_POL, _NEI, _OTH, _DIS, _PAR = (
    "Politicians",
    "Neighbouring Authorities",
    "Other Councils",
    "Districts",
    "Parishes and Town Councils",
)
_OFF, _DEL, _USR, _REG, _BLU, _SIG = (
    "Officers",
    "Partners (Delivery / Value Chain)",
    "Public / Asset & Service Users",
    "Regulators & Other Agencies",
    "Blue Light Services",
    "Special Interest Groups",
)
# stakeholder_id, name, group, partner_id, power, interest, legitimacy, urgency, support:
# a number, or four numbers (one per wave). "C" marks the contested interest.
# fmt: off
_STAKEHOLDERS = [
    ("S01", "Regional Council Cabinet", _POL, "P01", 4.6, 4.4, 4.5, 4.1, 1.6),
    ("S02", "Opposition Group in the Regional Council", _POL, None, 4.1, (1.7, 1.7, 4.0, 4.1), 4.0, (1.8, 1.8, 4.0, 4.2), -1.3),
    ("S03", "Mayor of Northhaven", _POL, "P02", 4.3, 4.2, 4.4, 4.0, 1.5),
    ("S04", "Westmark Regional Council", _NEI, None, 4.1, 1.7, 4.0, 1.6, 0.2),
    ("S05", "Southvale County Council", _NEI, None, 1.7, 1.6, 4.0, 1.5, 0.0),
    ("S06", "Coastal Councils Network", _OTH, None, 1.8, 4.1, 4.0, 1.7, 0.8),
    ("S07", "Metropolitan Waste Consortium", _OTH, None, 4.0, 4.1, 4.1, 1.8, 0.5),
    ("S08", "Eastbrook District Council", _DIS, "P03", 1.8, 4.2, 4.2, 1.8, 1.0),
    ("S09", "Riverside District Council", _DIS, None, 1.7, 4.0, 4.1, 1.7, 0.6),
    ("S10", "Parish Councils Forum", _PAR, None, 1.6, (1.6, 1.7, 1.7, 4.0), 4.0, (1.5, 1.5, 1.6, 4.0), (0.0, 0.0, 0.2, 1.0)),
    ("S11", "Hollin Town Council", _PAR, None, 1.7, 1.8, 4.0, 1.6, 0.1),
    ("S12", "Waste Services Officers", _OFF, "P04", 1.8, 4.5, 4.1, 4.0, 1.2),
    ("S13", "Procurement Officers", _OFF, "P01", 4.0, (1.8, 4.0, 4.1, 4.2), 4.0, 1.8, (0.0, 0.8, 1.1, 1.2)),
    ("S14", "Data and Digital Team", _OFF, "P01", 1.8, 4.2, 4.0, 4.0, 1.4),
    ("S15", "Circulo Recycling", _DEL, "P06", 4.1, 4.6, 4.1, 4.2, 1.5),
    ("S16", "BuildLoop Construction", _DEL, "P09", 4.0, (4.1, 4.0, 1.8, 1.7), 4.0, 1.8, (1.0, 0.6, -0.4, -0.8)),
    ("S17", "GreenGrid Energy", _DEL, "P07", 4.2, 4.0, 4.0, 4.0, 1.1),
    ("S18", "Northmark Energy-from-Waste Operator", _DEL, None, 4.3, "C", 4.0, 4.1, -1.4),
    ("S19", "Logistics and Haulage Firms", _DEL, None, 1.8, 1.7, 1.8, 1.6, 0.0),
    ("S20", "Northmark Residents' Forum", _USR, None, 1.8, 4.2, 4.2, 1.8, 0.9),
    ("S21", "Tenants' Associations", _USR, None, 1.6, 4.0, 4.1, 4.0, 0.4),
    ("S22", "Small Businesses and Retailers", _USR, None, 1.8, 1.7, 4.0, 1.7, -0.2),
    ("S23", "Low-income Households", _USR, None, 1.4, 4.4, 4.5, 4.4, 0.3),
    ("S24", "Visitors and Tourism Sector", _USR, None, 1.7, 1.5, 1.8, 1.5, 0.0),
    ("S25", "Environment Agency", _REG, None, 4.6, 4.0, 4.6, 4.0, 1.0),
    ("S26", "Water Services Regulator", _REG, None, 4.1, 1.7, 4.2, 1.6, 0.2),
    ("S27", "Health and Safety Executive", _REG, None, 4.0, 1.8, 1.8, 1.7, 0.0),
    ("S28", "Northmark Fire and Rescue Service", _BLU, None, 1.8, (1.7, 4.0, 4.1, 4.2), 1.8, (1.7, 4.2, 4.3, 4.4), (0.0, 0.5, 0.8, 0.9)),
    ("S29", "Northmark Police", _BLU, None, 1.7, 1.5, 1.6, 1.5, 0.0),
    ("S30", "Zero Waste Northmark", _SIG, "P12", 1.8, 4.7, 4.2, 4.3, 1.8),
    ("S31", "Youth Climate Network", _SIG, None, (1.6, 1.7, 4.0, 4.1), 4.5, 1.8, 4.5, 1.2),
    ("S32", "Northmark Chamber of Commerce", _SIG, "P19", 4.0, 4.0, 4.1, 1.8, 0.9),
    ("S33", "Waste Pickers' Cooperative", _SIG, None, 1.4, 4.4, 1.8, 4.5, 0.5),
]
# fmt: on
_CONTESTED_CAMPS = (4.8, 1.3)  # interest of the two camps of raters (7 in 10 vs 3 in 10)


def _stakeholders() -> pd.DataFrame:
    cols = list(zip(*_STAKEHOLDERS, strict=True))
    unknown = set(cols[2]) - set(frameworks.stakeholder_groups()["group"])
    if unknown:  # pragma: no cover - the packaged groups changed
        raise RuntimeError(f"not packaged Schedule 5 groups: {sorted(unknown)}")
    return pd.DataFrame(
        {
            "stakeholder_id": _str(cols[0]),
            "name": _str(cols[1]),
            "group": _str(cols[2]),
            "partner_id": _str(cols[3]),
        }
    )


def _per_wave(spec) -> np.ndarray:
    """(n_stakeholders, 4) true values from scalars or 4-tuples; the contested one is NaN."""
    out = np.empty((len(spec), len(WAVES)))
    for i, v in enumerate(spec):
        out[i] = np.nan if v == "C" else v
    return out


def _stakeholder_ratings(scale: int, seed: int) -> pd.DataFrame:
    rng = _rng(seed, "stakeholder_ratings")
    cols = list(zip(*_STAKEHOLDERS, strict=True))
    sid = np.array(cols[0])
    truth = {
        name: _per_wave(cols[k])
        for k, name in (
            (4, "power"),
            (5, "interest"),
            (6, "legitimacy"),
            (7, "urgency"),
            (8, "support"),
        )
    }
    n_s = len(sid)
    panel = 12 * scale
    rater_ids = _ids("R", panel, 4)
    frames = []
    for w, wave in enumerate(WAVES):
        # each wave 2 in 12 of the panel do not answer (a different pair each wave)
        raters = np.flatnonzero(np.arange(panel) % 6 != (w + 1) % 6)
        n_r = len(raters)
        r_idx = np.repeat(raters, n_s)
        s_idx = np.tile(np.arange(n_s), n_r)
        pos = np.repeat(np.arange(n_r), n_s)  # position of the rater in this wave
        data = {}
        for name, t in truth.items():
            mu = t[s_idx, w]
            sd = np.full(len(mu), 0.4)
            if name == "interest":
                camp = np.where(pos % 10 < 7, _CONTESTED_CAMPS[0], _CONTESTED_CAMPS[1])
                sd = np.where(np.isnan(mu), 0.3, sd)  # each camp is sure of itself
                mu = np.where(np.isnan(mu), camp, mu)
            lo, hi = (-2, 2) if name == "support" else (1, 5)
            # bounded noise: a rater is never more than one point off the true value
            x = mu + np.clip(rng.normal(0.0, 1.0, len(mu)) * sd, -0.9, 0.9)
            data[name] = np.clip(np.floor(x + 0.5), lo, hi)
        frames.append(
            pd.DataFrame(
                {
                    "wave": _text(np.full(len(r_idx), w), WAVES),
                    "rater_id": _text(r_idx, rater_ids),
                    "stakeholder_id": _text(s_idx, sid),
                    **{
                        k: data[k]
                        for k in ("power", "interest", "legitimacy", "urgency", "support")
                    },
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------------ objectives, competencies

_OBJECTIVES = [
    ("O1", "Halve residual household waste per resident by 2030", "physical_environmental", 5),
    ("O2", "Circular jobs and skills for low-income neighbourhoods", "social", 5),
    ("O3", "Affordable repair and reuse for vulnerable households", "social", 4),
    ("O4", "Circular criteria in all public procurement", "institutional", 4),
    ("O5", "Grow circular businesses and start-ups", "economic", 4),
    ("O6", "Blended finance for circular infrastructure", "financial", 3),
    ("O7", "Cross-municipal political commitment to the roadmap", "political", 3),
    ("O8", "An open regional data platform for materials and waste", "institutional", 3),
]


def _objectives() -> pd.DataFrame:
    cols = list(zip(*_OBJECTIVES, strict=True))
    return pd.DataFrame(
        {
            "objective_id": _str(cols[0]),
            "name": _str(cols[1]),
            "area": _str(cols[2]),
            "priority": np.array(cols[3], dtype="float64"),
        }
    )


# partner_id, area, level, competency (Box 6.25 wording for public/private/civil society)
_COMPETENCIES = [
    ("P01", "political", 3, "Can determine allocation of resources"),
    ("P01", "institutional", 3, "Mandate to instigate change"),
    ("P01", "financial", 2, "Access to donor funding/soft loans"),
    ("P01", "physical_environmental", 2, "Can determine performance standards"),
    ("P01", "social", 1, "Local knowledge"),
    ("P02", "political", 2, "Can lead stakeholder consultation"),
    ("P02", "physical_environmental", 2, "Control land tenure arrangements"),
    ("P02", "social", 1, "May have knowledgeable community development staff"),
    ("P03", "physical_environmental", 1, "Knowledge of existing infrastructure and operations"),
    ("P03", "social", 1, "Local knowledge"),
    ("P04", "physical_environmental", 3, "Knowledge of existing infrastructure and operations"),
    ("P04", "economic", 1, "Ensuring value for money"),
    ("P05", "physical_environmental", 2, "Control land tenure arrangements"),
    ("P05", "economic", 2, "Balancing fees in relation to other services"),
    ("P06", "physical_environmental", 3, "Specialised technical knowledge and skills"),
    ("P06", "economic", 2, "Efficiency-focused"),
    ("P07", "physical_environmental", 3, "Access to new technologies"),
    ("P07", "financial", 2, "Capital mobilisation"),
    ("P08", "physical_environmental", 2, "Access to new technologies"),
    ("P08", "economic", 2, "Programme-focused"),
    ("P09", "physical_environmental", 2, "Specialised technical knowledge and skills"),
    ("P09", "economic", 2, "Business reputation"),
    ("P10", "institutional", 2, "Can promote improved access to technology and skills"),
    ("P10", "economic", 2, "Efficiency-focused"),
    ("P11", "economic", 3, "Profit-focused"),
    ("P11", "social", 1, "Worker re-employment"),
    ("P12", "physical_environmental", 3, "Able to promote sustainability focus"),
    ("P12", "institutional", 2, "Mobilisation of community organisations"),
    ("P12", "social", 1, "Concerned with values and justice"),
    ("P13", "physical_environmental", 2, "Able to promote understanding of service options"),
    ("P13", "economic", 1, "Distribution of economic benefits (and work) to poor communities"),
    ("P13", "social", 1, "Demand-focused"),
    ("P14", "institutional", 3, "Research and evaluation capacity"),
    ("P14", "economic", 2, "Start-up incubation"),
    ("P15", "physical_environmental", 2, "Materials and waste research"),
    ("P15", "institutional", 2, "Data and monitoring methods"),
    ("P16", "economic", 2, "Circular business models"),
    ("P16", "financial", 1, "Investment appraisal"),
    ("P17", "financial", 3, "Grant and loan funding"),
    ("P18", "financial", 3, "Philanthropic funding"),
    ("P18", "social", 1, "Community grants"),
    ("P19", "economic", 3, "Access to the regional business community"),
    ("P19", "political", 1, "Business advocacy"),
    ("P20", "physical_environmental", 2, "Housing stock and estates"),
    ("P20", "social", 1, "Tenant engagement"),
    ("P21", "social", 3, "Relationships with poor communities"),
    ("P21", "political", 2, "Able to build trust in poor communities"),
    ("P21", "institutional", 2, "Mobilisation of community organisations"),
    ("P22", "physical_environmental", 3, "Access to new technologies"),
    ("P23", "social", 2, "Social innovation and community research"),
]


def _competencies() -> pd.DataFrame:
    cols = list(zip(*_COMPETENCIES, strict=True))
    return pd.DataFrame(
        {
            "partner_id": _str(cols[0]),
            "area": _str(cols[1]),
            "level": pd.array(cols[2], dtype="Int64"),
            "competency": _str(cols[3]),
        }
    )


# ------------------------------------------------------------------------- assessments

# factor means per wave (all respondents), for the packaged mutuality factors 601..616
_FACTOR_MEANS = {
    "601": (3.2, 3.5, 3.8, 4.2),
    "602": (3.9, 4.1, 4.3, 4.3),
    "603": (3.3, 3.4, 3.5, 3.5),
    "604": (3.0, 3.3, 3.6, 3.7),
    "605": (2.8, 3.1, 3.3, 3.5),
    "606": (2.9, 3.2, 3.4, 3.6),
    "607": (2.6, 2.8, 3.1, 3.3),
    "608": (2.5, 2.7, 2.9, 3.2),
    "609": (3.2, 3.4, 3.5, 2.6),
    "610": (3.4, 3.5, 3.6, 3.6),
    "611": (3.0, 3.3, 3.6, 3.9),
    "612": (2.8, 3.0, 3.2, 3.4),
    "613": (3.1, 3.5, 3.8, 4.2),
    "614": (2.7, 2.9, 3.1, 3.3),
    "615": (2.1, 2.2, 2.3, 2.4),
    "616": (2.6, 2.9, 3.2, 3.4),
}
# public - private perception gap per wave (public +gap/2, private -gap/2)
_GAPS = {"603": (1.2, 1.3, 1.4, 1.5), "610": (0.2, 0.4, 0.6, 1.5)}
_SECTORS = ("public", "private", "civil_society", "academic", "funder", "other")
_TILT = {"public": 0.1, "private": -0.1}  # a small tilt on every other factor
_RESPONDENTS = {p: 2 for p in _ACTIVE} | {"P01": 3}

_LOW_COMMENTS = (
    "We have not seen this discussed at the board.",
    "Roles are still unclear between the lead and the members.",
    "Depends on which workstream you ask.",
    "Nothing written down yet.",
    "Decisions are taken outside the partnership meetings.",
)
_HIGH_COMMENTS = (
    "Works well since the new terms of reference.",
    "Clear and agreed by everyone.",
    "A real improvement on last year.",
)
_SPECIFIC_COMMENTS = {
    "609": "The construction reuse dispute has been open for months.",
    "603": "The objectives reflect the council's targets more than ours.",
    "610": "We put in more than we get out of it so far.",
    "615": "There is no plan for what happens when funding ends.",
}


def _assessments(scale: int, seed: int) -> pd.DataFrame:
    rng = _rng(seed, "assessments")
    codes = np.array(list(_FACTOR_MEANS))
    n_f = len(codes)
    mu_wf = np.array([_FACTOR_MEANS[c] for c in codes]).T  # (wave, factor)
    # respondents, grouped by partner
    per_partner = np.array([_RESPONDENTS[p] * scale for p in _ACTIVE])
    r_partner = np.repeat(np.arange(len(_ACTIVE)), per_partner)
    n_resp = len(r_partner)
    sector_of = np.array([_SECTORS.index(_SECTOR[p]) for p in _ACTIVE])
    r_sector = sector_of[r_partner]
    resp_ids = _ids("M", n_resp, 4)
    partner_ids = np.array(_ACTIVE)
    # offsets by sector (wave, factor, sector)
    offset = np.zeros((len(WAVES), n_f, len(_SECTORS)))
    for s, t in _TILT.items():
        offset[:, :, _SECTORS.index(s)] = t
    for code, gaps in _GAPS.items():
        f = int(np.flatnonzero(codes == code)[0])
        offset[:, f, :] = 0.0
        offset[:, f, _SECTORS.index("public")] = np.array(gaps) / 2
        offset[:, f, _SECTORS.index("private")] = -np.array(gaps) / 2
    resp_effect = rng.normal(0.0, 0.35, n_resp)
    parts = []
    for w in range(len(WAVES)):
        # about one in eleven does not answer, a different one each wave (same per scale unit)
        present = np.flatnonzero((np.arange(n_resp) // scale + w) % 11 != 0)
        r = np.repeat(present, n_f)
        f = np.tile(np.arange(n_f), len(present))
        s = r_sector[r]
        parts.append((np.full(len(r), w), r, f, s))
    w_idx, r_idx, f_idx, s_idx = (np.concatenate(x) for x in zip(*parts, strict=True))
    n = len(r_idx)
    noise = resp_effect[r_idx] + rng.normal(0.0, 0.6, n)
    # centre the noise within each (wave, factor, sector) cell so that cell means are as designed
    cell = (w_idx * n_f + f_idx) * len(_SECTORS) + s_idx
    n_cell = np.bincount(cell)
    cell_mean = np.bincount(cell, noise) / np.maximum(n_cell, 1)
    x = np.clip(
        mu_wf[w_idx, f_idx] + offset[w_idx, f_idx, s_idx] + noise - cell_mean[cell], 1.0, 5.0
    )
    # sum-preserving rounding within each cell: scores 1..5 whose cell mean stays on design
    order = np.argsort(cell, kind="stable")
    xs = x[order]
    cs = np.cumsum(xs)
    starts = np.r_[0, np.cumsum(np.bincount(cell[order])[np.unique(cell[order])])[:-1]]
    first = np.zeros(n, dtype=bool)
    first[starts] = True
    base = np.repeat(np.r_[0.0, cs][starts], np.diff(np.r_[starts, n]))
    c = np.floor(cs - base + 0.5)
    prev = np.r_[0.0, c[:-1]]
    prev[first] = 0.0
    score = np.empty(n)
    score[order] = c - prev
    # comments: some low and a few high scores, some factor-specific
    texts = [*_LOW_COMMENTS, *_HIGH_COMMENTS, *_SPECIFIC_COMMENTS.values()]
    n_low, n_high = len(_LOW_COMMENTS), len(_HIGH_COMMENTS)
    u = rng.random(n)
    pick = rng.integers(0, 1 << 30, n)
    comment = np.full(n, -1)
    low = (score <= 2) & (u < 0.35)
    high = (score >= 5) & (u < 0.08)
    comment[low] = pick[low] % n_low
    comment[high] = n_low + pick[high] % n_high
    for k, code in enumerate(_SPECIFIC_COMMENTS):
        fi = int(np.flatnonzero(codes == code)[0])
        comment[low & (f_idx == fi) & (pick % 2 == 0)] = n_low + n_high + k
    return pd.DataFrame(
        {
            "wave": _text(w_idx, WAVES),
            "respondent_id": _text(r_idx, resp_ids),
            "partner_id": _text(r_partner[r_idx], partner_ids),
            "factor_code": _text(f_idx, codes),
            "score": score,
            "comment": _text(comment, texts),
        }
    )


# ----------------------------------------------------------------------- relationships

# designed asymmetric pairs: (i, j, level i gives j, level j gives i)
_ASYMMETRIC = [("P01", "P09", 4, 1), ("P12", "P06", 4, 2), ("P13", "P17", 3, 1)]


def _closeness() -> np.ndarray:
    """Symmetric base level 0..5 between active partners."""
    n = len(_ACTIVE)
    sec = np.array([_SECTOR[p] for p in _ACTIVE])
    base = np.full((n, n), 1.0)
    same = sec[:, None] == sec[None, :]
    base[same] = 3.0
    pub = sec == "public"
    base[np.ix_(pub, sec == "private")] = 2.0
    base[np.ix_(sec == "private", pub)] = 2.0
    fund = sec == "funder"
    base[fund, :] = 2.0
    base[:, fund] = 2.0
    lead = _ACTIVE.index("P01")
    base[lead, :] = 4.0
    base[:, lead] = 4.0
    return base


def _relationships(seed: int) -> pd.DataFrame:
    rng = _rng(seed, "relationships")
    n = len(_ACTIVE)
    ids = np.array(_ACTIVE)
    base = _closeness()
    sym = rng.integers(-1, 2, (n, n))
    sym = np.triu(sym, 1)
    sym = sym + sym.T
    rated = rng.random((n, n)) < 0.8  # who answers about whom (same every wave)
    np.fill_diagonal(rated, False)
    idx = {p: k for k, p in enumerate(_ACTIVE)}
    for a, b, _, _ in _ASYMMETRIC:
        rated[idx[a], idx[b]] = rated[idx[b], idx[a]] = True
    receive_trust = np.zeros(n)
    receive_trust[idx["P09"]] = -1.2  # BuildLoop is trusted less
    frames = []
    for w, wave in enumerate(WAVES):
        growth = (rng.random((n, n)) < 0.12 * w).astype(float)  # relations deepen over time
        growth = np.triu(growth, 1)
        growth = growth + growth.T
        level = np.clip(base + sym + growth, 0, 5)
        direction = rng.choice([-1, 0, 1], size=(n, n), p=[0.1, 0.8, 0.1])
        lij = np.clip(level + direction, 0, 5)
        # keep undesigned pairs within one level of each other: j's rating of i is clamped
        # to i's rating of j +- 1 (upper triangle: i < j)
        upper = np.triu(lij, 1)
        lower = np.triu(np.clip(lij.T, upper - 1, upper + 1), 1)
        lij = upper + lower.T
        for a, b, ab, ba in _ASYMMETRIC:
            lij[idx[a], idx[b]] = ab
            lij[idx[b], idx[a]] = ba
        i, j = np.nonzero(rated)
        lev = lij[i, j]
        m = len(i)

        def item(shift, _lev=lev, _j=j, _m=m, _w=w):
            x = 1.7 + 0.3 * _lev + 0.12 * _w + shift + rng.normal(0.0, 0.45, _m)
            return np.clip(np.floor(x + 0.5), 1, 4)

        frames.append(
            pd.DataFrame(
                {
                    "wave": _str(np.full(m, wave)),
                    "respondent_partner_id": _str(ids[i]),
                    "partner_id": _str(ids[j]),
                    "level": lev.astype("float64"),
                    "trust_openness": item(receive_trust[j]),
                    "trust_reliability": item(1.5 * receive_trust[j]),
                    "trust_mission": item(0.0),
                    "value_power": item(-0.3),
                    "value_resources": item(0.0),
                    "value_involvement": item(0.5 * receive_trust[j]),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# -------------------------------------------------------------- indicators, observations

_T_TARGET = 6.0  # years from the baseline (end of 2023) to the target year 2030
_TAU = np.arange(len(QUARTERS)) / 4.0  # years since the baseline, per quarter

# id, name, unit, direction, baseline, target, pillar, owner, decimals, pace or path
# pace: the Open SDG progress value R the headline keeps up (R of the latest = pace);
# a tuple of 12 numbers is the headline path itself.
# fmt: off
_INDICATORS = [
    ("IND01", "Household waste recycling rate", "%", "increase", 38.0, 60.0, "environmental", "P04", 1, 1.25),
    ("IND02", "Residual household waste per resident", "kg per resident per year", "decrease", 412.0, 300.0, "environmental", "P04", 0, 0.78),
    ("IND03", "Items repaired or reused per 1,000 residents", "items per 1,000 residents", "increase", 6.0, 15.0, "social", "P13", 1, 3.0),
    ("IND04", "Jobs in the circular economy", "jobs (FTE)", "increase", 2450.0, 4000.0, "economic", "P19", 0, 0.75),
    ("IND05", "Construction and demolition waste reused", "%", "increase", 24.0, 50.0, "environmental", "P09", 1, (24.0, 24.4, 25.1, 25.9, 26.3, 26.8, 26.5, 26.0, 25.4, 24.9, 24.6, 23.1)),
    ("IND06", "Public procurement with circular criteria", "% of spend", "increase", 12.0, 40.0, "governance", "P01", 1, (12.0, 14.1, 16.5, 18.8, 21.0, 23.9, 26.7, 29.8, 32.4, 35.6, 38.5, 41.2)),
    ("IND07", "Households in energy poverty", "% of households", "decrease", 11.5, 8.0, "social", "P02", 1, -1.0),
    ("IND08", "Food waste per resident", "kg per resident per year", "decrease", 94.0, 65.0, "environmental", "P04", 1, 0.3),
    ("IND09", "Separate-collection participation in low-income neighbourhoods", "% of households", "increase", 34.0, 55.0, "social", "P04", 1, -0.8),
    ("IND10", "Renewable share of public buildings' energy use", "%", "increase", 31.0, 70.0, "environmental", "P07", 1, 1.15),
    ("IND11", "Open datasets on the regional data platform", "datasets", "increase", 45.0, 250.0, "governance", "P10", 0, 1.3),
    ("IND12", "Circular start-ups supported (cumulative)", "start-ups", "increase", 14.0, 90.0, "economic", "P14", 0, 0.7),
    ("IND13", "Domestic material consumption per resident", "tonnes per resident per year", "decrease", 17.8, 14.0, "economic", "P14", 2, 0.35),
    ("IND14", "Greenhouse gas emissions from waste treatment", "kt CO2e per year", "decrease", 212.0, 150.0, "environmental", "P04", 1, 0.8),
    ("IND15", "Residents aware of the circular region programme", "% of residents", "increase", 21.0, 60.0, "governance", "P01", 1, "campaign"),
    ("IND16", "Partners reporting data on time", "% of partners", "increase", 55.0, 95.0, "governance", "P01", 1, 0.7),
    ("IND17", "Visitors to circular hubs", "visitors per quarter", "increase", 5200.0, None, "social", "P13", 0, 0.04),
    ("IND18", "Trips by shared or active mobility", "% of trips", "increase", 42.0, 55.0, "environmental", "P08", 1, 1.1),
]
# fmt: on
_DISTRICT_INDICATORS = ("IND01", "IND02", "IND03", "IND07", "IND08", "IND09", "IND15", "IND18")
# indicator -> [(partner, level factor, growth deviation in units of the needed rate)]
# fmt: off
_PARTNER_SERIES = {
    "IND04": [("P06", 0.08, 0.5), ("P07", 0.05, 0.2), ("P08", 0.03, 0.8), ("P09", 0.04, -1.0), ("P10", 0.02, 1.2), ("P11", 0.015, 1.5)],
    "IND05": [("P09", 1.1, -4.0), ("P01", 0.9, 0.8), ("P20", 0.8, 1.2)],
    "IND06": [("P01", 1.2, 0.3), ("P02", 1.0, 0.2), ("P03", 0.7, -0.3), ("P04", 1.1, 0.1), ("P05", 0.8, -0.2)],
    "IND14": [("P04", 0.55, 0.2), ("P06", 0.15, 1.0), ("P07", 0.2, -0.4)],
}
# fmt: on
_MUNICIPALITIES = (
    "Northhaven",
    "Eastbrook",
    "Hollin",
    "Riverside",
    "Westford",
    "Kirkby",
    "Ashby",
    "Greystone",
    "Lowmoor",
    "Fenwick",
)


def _headline(spec) -> np.ndarray:
    """The noise-free headline path of one indicator over the 12 quarters."""
    _, _, _, direction, b, t, *_, path = spec
    d = 1.0 if direction == "increase" else -1.0
    if isinstance(path, tuple):
        return np.array(path, dtype=float)
    if t is None:  # growth per year, no target
        return b * (1.0 + d * path) ** _TAU
    g = abs((t / b) ** (1.0 / _T_TARGET) - 1.0)
    if path == "campaign":  # moderate progress, then a jump in the last quarter
        v = b * (1.0 + d * 0.75 * g) ** _TAU
        v[-1] = b * (1.0 + d * 1.15 * g) ** _TAU[-1]
        return v
    return b * (1.0 + d * path * g) ** _TAU


def _indicators() -> pd.DataFrame:
    cols = list(zip(*_INDICATORS, strict=True))
    return pd.DataFrame(
        {
            "indicator_id": _str(cols[0]),
            "name": _str(cols[1]),
            "unit": _str(cols[2]),
            "direction": _str(cols[3]),
            "baseline_value": np.array(cols[4], dtype="float64"),
            "baseline_date": _str(np.full(len(cols[0]), QUARTERS[0])),
            "target_value": np.array(
                [np.nan if v is None else v for v in cols[5]], dtype="float64"
            ),
            "target_date": _str([None if v is None else "2030" for v in cols[5]]),
            "pillar": _str(cols[6]),
            "owner_partner_id": _str(cols[7]),
        }
    )


def _observations(scale: int, seed: int) -> pd.DataFrame:
    rng = _rng(seed, "observations")
    n_q = len(QUARTERS)
    n_d = 100 * scale
    per_muni = n_d // len(_MUNICIPALITIES)
    width = max(2, len(str(per_muni)))
    districts = np.char.add(
        np.char.add(np.repeat(np.array(_MUNICIPALITIES), per_muni), " "),
        np.char.zfill(np.tile(np.arange(1, per_muni + 1), len(_MUNICIPALITIES)).astype(str), width),
    )
    d_level = np.clip(rng.normal(1.0, 0.1, n_d), 0.7, 1.3)  # districts differ in level ...
    quarter = np.arange(n_q)
    partner_ids = [p[0] for p in _PARTNERS]
    # per block of rows: indicator code, quarter codes, values, partner code, district codes
    ind, dates, values, partner, district = [], [], [], [], []

    def block(k, q, v, p, d):
        ind.append(np.full(len(v), k, dtype=np.int32))
        dates.append(q)
        values.append(v)
        partner.append(np.full(len(v), p, dtype=np.int32))
        district.append(d)

    for k, spec in enumerate(_INDICATORS):
        iid, b, t, dec = spec[0], spec[4], spec[5], spec[8]
        path = _headline(spec)
        # the needed growth rate sets how far districts and partners drift from the headline
        kappa = abs(np.log(t / b)) / _T_TARGET if t is not None else 0.04
        head = path.copy()
        head[1:-2] *= 1.0 + rng.normal(0.0, 0.008, n_q - 3)  # last two quarters as designed
        head = np.round(head, dec)
        head[0] = b
        block(k, quarter, head, -1, np.full(n_q, -1))
        for pid, level, dev in _PARTNER_SERIES.get(iid, []):
            v = level * path * np.exp(dev * kappa * _TAU) * (1.0 + rng.normal(0.0, 0.02, n_q))
            block(k, quarter, np.round(v, dec), partner_ids.index(pid), np.full(n_q, -1))
        if iid in _DISTRICT_INDICATORS:
            dev = rng.normal(0.0, 0.35, n_d)  # ... and in pace
            v = (
                d_level[:, None]
                * path[None, :]
                * np.exp(dev[:, None] * kappa * _TAU[None, :])
                * (1.0 + rng.normal(0.0, 0.02, (n_d, n_q)))
            )
            block(
                k,
                np.tile(quarter, n_d),
                np.round(v, dec).ravel(),
                -1,
                np.repeat(np.arange(n_d), n_q),
            )
    return pd.DataFrame(
        {
            "indicator_id": _text(np.concatenate(ind), [i[0] for i in _INDICATORS]),
            "date": _text(np.concatenate(dates), QUARTERS),
            "value": np.concatenate(values).astype("float64"),
            "partner_id": _text(np.concatenate(partner), partner_ids),
            "district": _text(np.concatenate(district), districts),
        }
    )


# ----------------------------------------------------------------------- contributions

# contributions per scale unit and partner (220 in all)
# fmt: off
_CONTRIB_COUNTS = {
    "P01": 22, "P02": 14, "P03": 9, "P04": 14, "P05": 8, "P06": 17, "P07": 12, "P08": 9, "P09": 10, "P10": 10,
    "P11": 6, "P12": 10, "P13": 9, "P14": 12, "P15": 8, "P16": 6, "P17": 17, "P18": 12, "P19": 8, "P20": 7,
}
# fmt: on
_KINDS = ("funding", "in_kind", "asset", "service", "staff_time", "data", "other")
_KIND_MIX = {
    "public": (0.30, 0.15, 0.15, 0.10, 0.25, 0.05, 0.0),
    "private": (0.10, 0.30, 0.10, 0.25, 0.10, 0.10, 0.05),
    "civil_society": (0.0, 0.20, 0.0, 0.30, 0.40, 0.0, 0.10),
    "academic": (0.0, 0.10, 0.0, 0.30, 0.35, 0.25, 0.0),
    "funder": (0.90, 0.0, 0.0, 0.0, 0.0, 0.0, 0.10),
    "other": (0.0, 0.30, 0.0, 0.30, 0.30, 0.0, 0.10),
}
_KIND_MEDIAN = {  # EUR
    "funding": 80_000,
    "in_kind": 15_000,
    "asset": 60_000,
    "service": 25_000,
    "staff_time": 12_000,
    "data": 6_000,
    "other": 4_000,
}
_KIND_TEXT = {
    "funding": "Grant funding",
    "in_kind": "Materials and equipment",
    "asset": "Premises and assets",
    "service": "Professional services",
    "staff_time": "Staff time",
    "data": "Data sharing",
    "other": "Event sponsorship",
}
_WORKSTREAMS = (
    "Programme office",
    "Repair and reuse workstream",
    "Circular construction workstream",
    "Regional data platform",
    "Food waste workstream",
    "Energy transition workstream",
    "Community outreach workstream",
)
_RECIPIENT_PARTNERS = ("P04", "P13", "P12", "P02", "P14")


def _contributions(scale: int, seed: int) -> pd.DataFrame:
    rng = _rng(seed, "contributions")
    pids = list(_CONTRIB_COUNTS)
    p_idx = np.tile(np.repeat(np.arange(len(pids)), list(_CONTRIB_COUNTS.values())), scale)
    n = len(p_idx)
    sector = np.array([_SECTOR[p] for p in pids])[p_idx]
    # kind: inverse-cdf draw from the sector's mix
    kind = np.empty(n, dtype=int)
    u = rng.random(n)
    for sec, mix in _KIND_MIX.items():
        m = sector == sec
        kind[m] = np.searchsorted(np.cumsum(mix), u[m] * sum(mix), side="right")
    kind = np.minimum(kind, len(_KINDS) - 1)
    median = np.array([_KIND_MEDIAN[k] for k in _KINDS], dtype=float)[kind]
    median = np.where(sector == "funder", median * 2.0, median)
    pledged = np.maximum(np.round(median * np.exp(rng.normal(0.0, 0.6, n)), -2), 500.0)
    # dates from joining (or 2024-01-01) to the reference date
    first = np.datetime64("2024-01-01", "D")
    start = np.array([max(np.datetime64(_JOINED[p], "D"), first) for p in pids])[p_idx]
    span = (_AS_OF - start).astype(int)
    day = start + (rng.random(n) * (span + 1)).astype(int).astype("timedelta64[D]")
    # delivered: mostly in full; recent ones in progress; BuildLoop under-delivers
    age = (_AS_OF - day).astype(int)
    v = rng.random(n)
    frac = np.where(
        v < 0.75, 1.0, np.where(v < 0.95, 0.6 + 0.35 * rng.random(n), 0.2 + 0.4 * rng.random(n))
    )
    frac = np.where(age < 90, 0.3 + 0.5 * rng.random(n), frac)
    frac = np.where(np.array(pids)[p_idx] == "P09", 0.1 + 0.3 * rng.random(n), frac)
    delivered = np.round(pledged * frac, -2)
    # recipient: a workstream or a partner named in full (never the contributor itself)
    pool = [*_WORKSTREAMS, *[_PNAME[p] for p in _RECIPIENT_PARTNERS]]
    recipient = rng.integers(0, len(pool), n)
    own_code = np.array([pool.index(_PNAME[p]) if _PNAME[p] in pool else -1 for p in pids])[p_idx]
    recipient = np.where(recipient == own_code, _WORKSTREAMS.index("Programme office"), recipient)
    data = _KINDS.index("data")
    recipient = np.where(kind == data, _WORKSTREAMS.index("Regional data platform"), recipient)
    descriptions = [f"{_KIND_TEXT[k]} for {r}" for k in _KINDS for r in pool]
    order = np.lexsort((np.arange(n), day))  # by date
    return pd.DataFrame(
        {
            "contribution_id": _str(_ids("C", n, 5)),
            "partner_id": _text(p_idx[order], pids),
            "date": day[order].astype("datetime64[ns]"),
            "kind": _text(kind[order], _KINDS),
            "pledged": pledged[order],
            "delivered": delivered[order],
            "currency": _text(np.zeros(n, dtype=int), ["EUR"]),
            "recipient": _text(recipient[order], pool),
            "description": _text((kind * len(pool) + recipient)[order], descriptions),
        }
    )


# ------------------------------------------------------------------------ commitments

_COMMITMENT_TEXTS = np.array(
    [
        "Publish quarterly waste data on the regional platform",
        "Adopt circular criteria in framework tenders",
        "Host a repair event in a priority district",
        "Second a project officer to the programme office",
        "Share material flow data for the annual report",
        "Open a reuse point at a recycling centre",
        "Run a food waste pilot in two schools",
        "Co-fund the circular start-up call",
        "Train staff on circular procurement",
        "Sign the data sharing agreement",
        "Present results at the partnership board",
        "Deliver the household survey",
        "Install smart bins in a pilot area",
        "Report jobs created in circular activities",
    ]
)
_OVERDUE_TEXTS = np.array(
    [
        "Report reused construction material for the quarter",
        "Set up demolition waste sorting at the Eastbrook depot",
        "Introduce material passports on two building sites",
        "Deliver the reuse pilot for the harbour housing project",
    ]
)


def _commitments(scale: int, seed: int) -> pd.DataFrame:
    rng = _rng(seed, "commitments")
    others = [p for p in _ACTIVE if p != "P09"]
    one_day = np.timedelta64(1, "D")
    # per scale unit: 49 routine commitments (partners in turn), 6 of BuildLoop, 1 of
    # Eastbrook. Routine slots: 3 fall due within a month after the reference date, 2 were
    # dropped, 5 were done late; the rest are done on time when due, else open.
    slot = np.tile(np.arange(49), scale)
    routine = np.tile(np.resize(np.array(others), 49), scale)
    m = len(routine)
    upcoming = np.isin(slot, (5, 22, 40))
    dropped = np.isin(slot, (12, 33))
    late = np.isin(slot, (3, 9, 17, 26, 45))

    def days(lo: str, hi: str, size: int) -> np.ndarray:
        a, b = np.datetime64(lo, "D"), np.datetime64(hi, "D")
        return a + (rng.random(size) * ((b - a).astype(int) + 1)).astype(int).astype(
            "timedelta64[D]"
        )

    due = days("2024-03-01", "2027-03-31", m)
    due = np.where(late, days("2024-03-01", "2026-06-30", m), due)
    due = np.where(
        upcoming, _AS_OF + (3 + (rng.random(m) * 26).astype(int)).astype("timedelta64[D]"), due
    )
    due = np.where(due == _AS_OF, due - one_day, due)
    past = due < _AS_OF
    early = rng.random(m) < 0.1  # a few not yet due are already done
    status = np.where(dropped, "dropped", np.where(past | (early & ~upcoming), "done", "open"))
    delay = np.where(late, 5 + (rng.random(m) * 85).astype(int), -(rng.random(m) * 30).astype(int))
    completed = np.minimum(due + delay.astype("timedelta64[D]"), _AS_OF - one_day)
    completed = np.where(status == "done", completed, np.datetime64("NaT"))
    text = _COMMITMENT_TEXTS[rng.integers(0, len(_COMMITMENT_TEXTS), m)]
    # BuildLoop: four overdue, one late, one upcoming; Eastbrook: one overdue (per scale unit)
    k = scale
    nat = np.full(k, np.datetime64("NaT"), dtype="datetime64[D]")
    b_due = np.concatenate(
        [
            days("2025-11-30", "2026-08-27", 4 * k),
            np.full(k, np.datetime64("2025-03-31", "D")),
            _AS_OF + (5 + (rng.random(k) * 20).astype(int)).astype("timedelta64[D]"),
        ]
    )
    b_status = np.array(["open"] * (4 * k) + ["done"] * k + ["open"] * k)
    b_completed = np.concatenate(
        [np.repeat(nat, 4), np.full(k, np.datetime64("2025-06-20", "D")), nat]
    )
    b_text = np.concatenate(
        [
            np.resize(_OVERDUE_TEXTS, 4 * k),
            np.full(k, "Share the site waste management plan"),
            np.full(k, "Report reused construction material for the quarter"),
        ]
    )
    e_due = days("2026-05-31", "2026-07-30", k)
    partner = np.concatenate([routine, np.full(6 * k, "P09"), np.full(k, "P03")])
    due_all = np.concatenate([due, b_due, e_due])
    status_all = np.concatenate([status, b_status, np.full(k, "open")])
    completed_all = np.concatenate([completed, b_completed, nat])
    text_all = np.concatenate(
        [text, b_text, np.full(k, "Publish quarterly waste data on the regional platform")]
    )
    n = len(partner)
    order = np.lexsort((np.arange(n), due_all))  # by due date
    return pd.DataFrame(
        {
            "commitment_id": _str(_ids("K", n, 4)),
            "partner_id": _str(partner[order]),
            "description": _str(text_all[order]),
            "due_date": due_all[order].astype("datetime64[ns]"),
            "completed_date": completed_all[order].astype("datetime64[ns]"),
            "status": _str(status_all[order]),
        }
    )


# -------------------------------------------------------------- actions

_QUARTER_BEFORE = np.datetime64("2026-06-30", "D")


def _first(frame: pd.DataFrame) -> pd.Series:
    return frame.sort_values(["due_date", "commitment_id"], kind="stable").iloc[0]


def _actions(commitments: pd.DataFrame) -> pd.DataFrame:
    """The actions of the story (module docstring), naming commitments of ``commitments``.

    The commitments an action names are found by what they are (BuildLoop's overdue ones
    by due date, Eastbrook's overdue one, a commitment overdue at 2026-06-30 and completed
    since), so the table has the same 12 rows at every scale and seed.
    """
    k = commitments
    as_of = pd.Timestamp(AS_OF)
    overdue = (k["status"] == "open") & (k["due_date"] < as_of)
    build = k[overdue & (k["partner_id"] == "P09")].sort_values(["due_date", "commitment_id"])
    b = [build.iloc[i] for i in range(4)]
    e = _first(k[overdue & (k["partner_id"] == "P03")])
    completed = k[(k["status"] == "done") & ~k["partner_id"].isin(["P09", "P03"])
                  & (k["due_date"] < pd.Timestamp(_QUARTER_BEFORE))
                  & (k["completed_date"] > pd.Timestamp(_QUARTER_BEFORE))]  # fmt: skip
    if not len(completed):  # pragma: no cover - another seed: BuildLoop's late one
        completed = k[(k["partner_id"] == "P09") & (k["status"] == "done")]
    r = _first(completed)
    c = "commitment"
    rows = [
        ("A01", f"Agree a recovery plan: {b[0]['description']}", "P09", "2026-01-20",
         "2026-03-31", "done", "2026-03-24", c, b[0]["commitment_id"], None),
        ("A02", "Meet the Energy-from-Waste Operator to understand its position", "P01",
         "2026-01-20", "2026-02-28", "done", "2026-02-25", "stakeholder", "S18", None),
        ("A03", "Hold a joint objectives workshop for public and private partners", "P14",
         "2026-01-20", "2026-04-30", "done", "2026-06-12", "factor", "603",
         "Postponed once for the budget round"),
        ("A04", f"Deliver with a revised plan: {b[1]['description']}", "P09", "2026-04-21",
         "2026-06-30", "in_progress", None, c, b[1]["commitment_id"], None),
        ("A05", "Commission a facilitated dialogue with the Energy-from-Waste Operator", "P01",
         "2026-04-21", "2026-07-31", "dropped", "2026-07-14", "stakeholder", "S18",
         "Replaced by the operator's own public consultation"),
        ("A06", f"Agree a completion date: {r['description']}", r["partner_id"], "2026-07-14",
         "2026-08-15", "done", "2026-08-05", c, r["commitment_id"], None),
        ("A07", "Review overdue commitments at every steering group meeting", "P01",
         "2026-07-14", "2026-09-15", "done", "2026-09-10", "readiness", "follow_through", None),
        ("A08", f"Set up a quarterly reporting routine: {b[2]['description']}", "P09",
         "2026-08-12", "2026-10-15", "open", None, c, b[2]["commitment_id"], None),
        ("A09", f"Plan the work with the site managers: {b[3]['description']}", "P09",
         "2026-09-08", "2026-11-30", "in_progress", None, c, b[3]["commitment_id"], None),
        ("A10", f"Support Eastbrook to deliver: {e['description']}", "P03", "2026-08-12",
         "2026-10-31", "open", None, c, e["commitment_id"], "With the data platform team"),
        ("A11", "Review how the value created is shared between partners", "P14", "2026-09-30",
         "2026-12-15", "open", None, "factor", "610", None),
        ("A12", "Door-to-door separate-collection campaign in low-income neighbourhoods", "P12",
         "2026-04-21", "2026-09-30", "done", "2026-09-28", "indicator", "IND09", None),
    ]  # fmt: skip
    cols = ["action_id", "title", "owner_partner_id", "raised", "due_date", "status",
            "completed_date", "source_kind", "source_id", "note"]  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    for col in ("raised", "due_date", "completed_date"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    for col in ("action_id", "title", "owner_partner_id", "status", "source_kind", "source_id", "note"):
        out[col] = _str(out[col])
    return out


# -------------------------------------------------------------- readiness and drivers

_REVIEWS = ("2025-09-30", "2026-03-31", "2026-09-30")
_I, _P, _M = "in_place", "partial", "missing"
_READINESS = {
    "enabling_environment": (_P, _I, _I),
    "early_stakeholder_engagement": (_P, _P, _P),
    "high_level_champion": (_I, _I, _I),
    "agreed_objectives": (_P, _I, _I),
    "monitoring_and_evaluation": (_M, _P, _I),
    "resourcing_framework": (_P, _P, _I),
    "ethical_framework": (_M, _M, _P),
    "management_office": (_P, _I, _I),
    "shared_vision": (_I, _I, _I),
    "resources": (_P, _P, _I),
    "open_communication": (_P, _P, _I),
    "common_fact_base": (_M, _P, _I),
    "indicators": (_M, _I, _I),
    "data_sharing": (_M, _P, _P),
    "decision_authority": (_P, _P, _I),
    "governance": (_P, _I, _I),
    "manager": (_M, _I, _I),
    "understanding_of_contributions": (_M, _P, _I),
    "follow_through": (_P, _P, _P),
    "communicating_progress": (_M, _M, _P),
    "sponsors_and_champions": (_I, _I, _I),
    "evaluation_purpose": (_M, _P, _P),
    "documenting_outcomes": (_M, _M, _M),
}
_READINESS_NOTES = {
    (
        "early_stakeholder_engagement",
        2,
    ): "Low-income households and community groups not yet engaged",
    ("follow_through", 2): "Several construction commitments overdue",
    ("documenting_outcomes", 2): "No outcome log yet; planned for 2027",
    ("manager", 1): "Partnership manager appointed in January 2026",
    ("indicators", 1): "Indicator set agreed with baselines and 2030 targets",
    ("data_sharing", 2): "Agreement signed by 14 of 20 partners",
}
_OPTIONS = {
    "contracted_delivery": ("H", "M", "L", "H", "M", "M", "L", "H"),
    "loose_network": ("L", "M", "M", "L", "L", "L", "M", "L"),
}


def _readiness() -> pd.DataFrame:
    checklist = frameworks.readiness_checklist()["element_id"].tolist()
    if set(checklist) != set(_READINESS):  # pragma: no cover - the checklist changed
        raise RuntimeError("the packaged readiness checklist changed; update sample._READINESS")
    rows = [
        (review, e, _READINESS[e][k], _READINESS_NOTES.get((e, k)))
        for k, review in enumerate(_REVIEWS)
        for e in checklist
    ]
    cols = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "review_date": pd.to_datetime(pd.Series(cols[0])).astype("datetime64[ns]"),
            "element_id": _str(cols[1]),
            "status": _str(cols[2]),
            "note": _str(cols[3]),
        }
    )


def _drivers() -> tuple[pd.DataFrame, pd.DataFrame]:
    drivers = frameworks.example_drivers()
    packaged = frameworks.example_driver_alignment()
    ids = drivers["driver_id"].tolist()
    extra = pd.DataFrame(
        {
            "option_id": _str([o for o in _OPTIONS for _ in ids]),
            "driver_id": _str(ids * len(_OPTIONS)),
            "alignment": _str([a for o in _OPTIONS for a in _OPTIONS[o]]),
        }
    )
    alignment = pd.concat([packaged, extra], ignore_index=True)
    for c in alignment.columns:
        alignment[c] = alignment[c].astype("str")
    drivers = drivers.astype({"driver_id": "str", "name": "str", "weight": "float64"})
    return drivers, alignment


# ---------------------------------------------------------------------- the public API


def _check(scale, seed) -> tuple[int, int]:
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ValueError(f"scale must be a whole number of at least 1, got {scale!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0, got {seed!r}")
    return int(scale), int(seed)


def sample_tables(*, scale: int = 1, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Every table of the sample partnership, as plain DataFrames.

    Parameters
    ----------
    scale : int, default 1
        Volume multiplier (>= 1): districts, raters, respondents, contributions and
        commitments grow with it; partners, stakeholders, indicators, waves and quarters
        do not (see the module docstring for rows per table).
    seed : int, default 0
        Seed of the random streams (>= 0); the same scale and seed give the same tables.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by table name, in the package's table order: partners, stakeholders,
        stakeholder_ratings, objectives, competencies, assessments, relationships,
        indicators, observations, contributions, commitments, readiness, drivers,
        driver_alignment, actions. Columns are the contract's (ids, text and periods ``str``,
        numbers float64, ``competencies.level`` Int64, dates datetime64[ns]);
        observations carry the disaggregation columns ``partner_id`` and ``district``
        (both empty on headline rows). There is no factors table: the packaged mutuality
        factor set is the instrument.

    Raises
    ------
    ValueError
        If ``scale`` or ``seed`` is not a whole number in range.

    Examples
    --------
    >>> t = sample_tables()
    >>> len(t["partners"]), t["observations"]["date"].nunique()
    (23, 12)
    """
    scale, seed = _check(scale, seed)
    drivers, alignment = _drivers()
    commitments = _commitments(scale, seed)
    return {
        "partners": _partners(),
        "stakeholders": _stakeholders(),
        "stakeholder_ratings": _stakeholder_ratings(scale, seed),
        "objectives": _objectives(),
        "competencies": _competencies(),
        "assessments": _assessments(scale, seed),
        "relationships": _relationships(seed),
        "indicators": _indicators(),
        "observations": _observations(scale, seed),
        "contributions": _contributions(scale, seed),
        "commitments": commitments,
        "readiness": _readiness(),
        "drivers": drivers,
        "driver_alignment": alignment,
        "actions": _actions(commitments),
    }


def _as_text(frame: pd.DataFrame) -> pa.Table:
    """The table's cells as text: ISO dates, whole numbers without ``.0``, nulls for NA."""
    arrays = {}
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_datetime64_any_dtype(s):
            arr = pa.array(s.to_numpy(dtype="datetime64[D]"), type=pa.date32(), from_pandas=True)
        elif pd.api.types.is_float_dtype(s):
            arr = pa.array(s.to_numpy(), from_pandas=True)
        elif pd.api.types.is_integer_dtype(s):
            arr = pa.array(s.astype("float64").to_numpy(), from_pandas=True).cast(pa.int64())
        else:
            s = s.astype("str")
            if hasattr(s.array, "__arrow_array__"):  # Arrow-backed text: no copy through Python
                arrays[name] = pa.array(s.array)
            else:  # pragma: no cover - pandas without pyarrow strings
                arrays[name] = pa.array(
                    s.to_numpy(dtype=object, na_value=None), type=pa.large_string()
                )
            continue
        arrays[name] = arr.cast(pa.string())
    return pa.table(arrays)


def _needs_quotes(column: pa.Array | pa.ChunkedArray) -> bool:
    """Whether any text holds a comma, a quote or a line break.

    Scans the raw character buffer of each chunk (a fast byte search); the buffer may hold
    more than the visible strings, which can only give a needless True (then pandas quotes).
    """
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is None:
            continue
        raw = memoryview(data).tobytes()
        if any(ch in raw for ch in (b",", b'"', b"\n", b"\r")):
            return True
    return False


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    table = _as_text(frame)
    # numbers and dates never need quotes; text columns are searched for , " and line breaks
    text = [
        c
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_datetime64_any_dtype(frame[c])
    ]
    needs_quotes = any(_needs_quotes(table[c]) for c in text)
    if not needs_quotes:
        with open(path, "wb") as fh:
            fh.write((",".join(table.column_names) + "\n").encode("utf-8"))
            pacsv.write_csv(
                table, fh, pacsv.WriteOptions(include_header=False, quoting_style="none")
            )
        return
    table.to_pandas().to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _readme(tables: dict[str, pd.DataFrame], scale: int, seed: int) -> str:
    rows = "\n".join(f"| {name} | {len(frame):,} |" for name, frame in tables.items())
    return (
        f"# {NAME} (sample data)\n\n"
        "Synthetic data: a smart circular region partnership invented to show every analysis\n"
        "of partner_analytics. Names of organisations and places are fictitious.\n\n"
        f"Generated by `partner-analytics sample OUT --scale {scale} --seed {seed}`\n"
        "(`partner_analytics.sample.write_sample`); do not edit by hand, generate again.\n"
        f"Reference date: {AS_OF.isoformat()} (no dated fact lies after it).\n"
        "The mutuality assessments use the packaged factor set 601..616 (no factors.csv).\n\n"
        "| table | rows |\n|---|---|\n"
        f"{rows}\n"
    )


def write_sample(out: str | Path, *, scale: int = 1, seed: int = 0) -> Path:
    """Write the sample partnership as a package folder.

    Parameters
    ----------
    out : str or pathlib.Path
        The folder to write (created if needed); files of the same names are replaced,
        other files are left alone.
    scale : int, default 1
        Volume multiplier, as in :func:`sample_tables`.
    seed : int, default 0
        Seed, as in :func:`sample_tables`.

    Returns
    -------
    pathlib.Path
        ``out``, holding one ``<table>.csv`` per table of :func:`sample_tables`,
        ``package.yml`` (the partnership's name) and ``README.md``.

    Notes
    -----
    The files load with :func:`partner_analytics.load_partnership` without errors or
    warnings (validated on a day after :data:`AS_OF`). They are UTF-8, comma-separated,
    with a header, no index column, ISO dates, period labels and whole numbers written
    without ``.0``; the same arguments give byte-identical files.
    """
    scale, seed = _check(scale, seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = sample_tables(scale=scale, seed=seed)
    for name, frame in tables.items():
        _write_csv(frame, out / f"{name}.csv")
    (out / "package.yml").write_text(f'name: "{NAME}"\n', encoding="utf-8")
    (out / "README.md").write_text(_readme(tables, scale, seed), encoding="utf-8")
    return out
