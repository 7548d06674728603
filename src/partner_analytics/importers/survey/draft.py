"""A draft mapping: everything that can be inferred from an export (and its form, and the
package), every guess marked ``# review`` and the whole file marked ``draft: true``.

Guesses: the wave (the submission date's quarter, a wave column, or a value to fill in); the
respondent (an e-mail column, pseudonymised, else the submission id); the organisation column
(by its header, or by how many of its answers name partners) with each answer matched to a
partner (fuzzy, with the score); the questions matched to the instrument's factors or items
(by code, or by text, with the score); the scale the answers fit best; grids and repeats
rating stakeholders or partners (rows or answers matched to their names, fields by the words
in their headers, in six languages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from partner_analytics.importers.survey.cells import cell_text
from partner_analytics.importers.survey.mapping import RATED_FIELDS, dump_yaml
from partner_analytics.importers.survey.model import STATUS_REASONS, SurveyExport, Table
from partner_analytics.importers.survey.package import default_source
from partner_analytics.importers.survey.pseudonym import looks_like_email
from partner_analytics.importers.survey.scales import DEFAULT_MISSING, builtin_scale, fold
from partner_analytics.importers.survey.transform import Instrument

__all__ = ["FIELD_WORDS", "draft_mapping", "read_xlsform"]

ORG_WORDS = ("organisation", "organization", "organisme", "organización", "organizacion", "organização",
             "organizacao", "organisasjon", "institution", "employer", "arbeitgeber", "empresa", "entidad",
             "your org", "partner", "agency", "company")
FIELD_WORDS = {
    "power": ("power", "influence", "pouvoir", "poder", "macht", "einfluss", "makt", "innflytelse"),
    "interest": ("interest", "intérêt", "interet", "interés", "interes", "interesse"),
    "legitimacy": ("legitim", "légitim"),
    "urgency": ("urgen", "dringlich", "hast"),
    "support": ("support", "soutien", "apoyo", "apoio", "unterstütz", "støtte", "attitude"),
    "level": ("level", "collaborat", "niveau", "nivel", "nível", "stufe", "nivå", "relationship", "work with"),
    "trust_openness": ("open", "ouvert", "abiert", "abert", "offen", "åpen"),
    "trust_reliability": ("reliab", "fiab", "confiab", "zuverläss", "pålitelig", "what they say"),
    "trust_mission": ("mission", "misión", "missão", "ziele", "oppdrag"),
    "value_power": ("power", "influence", "pouvoir", "poder", "macht", "makt"),
    "value_resources": ("resource", "ressource", "recurso", "ressourc"),
    "value_involvement": ("involv", "impliq", "involucr", "envolv", "beteilig", "involver"),
}
_CODE = re.compile(r"^(?:f|q|factor|item|i)?[_-]?(?P<code>[A-Za-z]*\d+[A-Za-z0-9]*)$", re.IGNORECASE)


@dataclass
class FormInfo:
    labels: dict[str, str] = field(default_factory=dict)  # question name -> label
    lists: dict[str, str] = field(default_factory=dict)  # question name -> choice list
    choices: dict[str, dict[str, str]] = field(default_factory=dict)  # list -> name -> label


def read_xlsform(path: Path) -> FormInfo:
    """Question labels and choice lists of an XLSForm (its first label column)."""
    from partner_analytics.importers.survey.cells import read_xlsx_grids
    from partner_analytics.importers.survey.files import read_named_bytes

    grids = read_xlsx_grids(read_named_bytes(path, "XLSForm"), path.name)
    info = FormInfo()

    def rows(sheet: str):
        g = grids.get(sheet)
        if g is None or g.empty:
            return [], []
        head = [str(cell_text(v) or "") for v in g.iloc[0].tolist()]
        return head, [[cell_text(v) for v in r] for r in g.iloc[1:].itertuples(index=False)]

    head, body = rows("survey")
    if "name" in head and "type" in head:
        ni, ti = head.index("name"), head.index("type")
        li = next((i for i, h in enumerate(head) if h.split("::")[0] == "label"), None)
        for r in body:
            if not r[ni]:
                continue
            info.labels[r[ni]] = (r[li] if li is not None else None) or r[ni]
            typ = (r[ti] or "").split()
            if len(typ) == 2 and typ[0] in ("select_one", "select_multiple"):
                info.lists[r[ni]] = typ[1]
    head, body = rows("choices")
    if "list_name" in head and "name" in head:
        lni, ni = head.index("list_name"), head.index("name")
        li = next((i for i, h in enumerate(head) if h.split("::")[0] == "label"), None)
        for r in body:
            if r[lni] and r[ni]:
                info.choices.setdefault(r[lni], {})[r[ni]] = (r[li] if li is not None else None) or r[ni]
    return info


def _last(name: str, sep: str | None) -> str:
    for s in dict.fromkeys([sep or "/", "/", ".", "-"]):
        name = name.rpartition(s)[2] if s in name else name
    return name


def _distinct(table: Table, col: str, limit: int = 200) -> list[str]:
    seen: dict[str, None] = {}
    for v in pd.unique(table.frame[col].to_numpy(dtype=object)):
        t = cell_text(v)
        if t is not None:
            seen.setdefault(t, None)
            if len(seen) > limit:
                break
    return list(seen)


def _best(text: str, names: dict[str, str]) -> tuple[str | None, float, str]:
    """(id, score, name) of the entity whose id or name is closest to ``text``."""
    from rapidfuzz import fuzz, process

    if not names:
        return None, 0.0, ""
    f = fold(text)
    for i, n in names.items():
        if f in (fold(i), fold(n)):
            return i, 100.0, n
    choices = {f"{n}": i for i, n in names.items() if n}
    got = process.extractOne(text, list(choices), scorer=fuzz.token_set_ratio, processor=fold)
    if got is None:
        return None, 0.0, ""
    return choices[got[0]], float(got[1]), got[0]


class _Draft:
    def __init__(self, export: SurveyExport, inst: Instrument, form: FormInfo | None):
        self.e = export
        self.inst = inst
        self.form = form or FormInfo()
        self.comments: dict[str, str] = {}
        self.summary: list[str] = []
        self.used: set[str] = set()
        self.scales: dict[str, dict] = {}

    def text_of(self, table: Table, col: str) -> str:
        c = table.columns[col]
        label = self.form.labels.get(_last(col, self.e.separator))
        return label or c.text or col

    def fits(self, table: Table, col: str, scale_name: str) -> float:
        values = _distinct(table, col, 60)
        if not values or len(values) > 50:
            return 0.0
        s = builtin_scale(scale_name)
        lst = self.form.lists.get(_last(col, self.e.separator))
        if lst and lst in self.form.choices:  # XML values: read through the choices' labels
            values = [self.form.choices[lst].get(v, v) for v in values]
        ok = sum(1 for v in values if s.read(v)[0] in ("ok", "missing"))
        return ok / len(values)


def draft_mapping(export: SurveyExport, *, partnership=None, form: Path | None = None) -> tuple[str, list[str]]:
    """The draft mapping's YAML text, and summary lines for the command line."""
    if partnership is not None:
        inst = Instrument.from_partnership(partnership)
    else:
        from partner_analytics import frameworks

        f = frameworks.mutuality_factors()
        inst = Instrument(factors=dict(zip(f["factor_code"].astype(str), f["factor"].astype(str), strict=True)))
    d = _Draft(export, inst, read_xlsform(form) if form else None)
    out: dict = {"version": 1, "draft": True, "tool": export.tool, "source": default_source(export)}
    d.comments["draft"] = "check every line marked 'review', then delete this line"
    if export.separator:
        out["export"] = {"separator": export.separator}
    out["wave"] = _wave(d)
    out["respondent"] = _respondent(d)
    org = _organisation(d)
    if org:
        out["organisation"] = org
    out["missing"] = list(DEFAULT_MISSING)
    assessments = _assessments(d)
    if assessments:
        out["assessments"] = assessments
    for table in ("stakeholder_ratings", "relationships"):
        rated = _rated(d, table)
        if rated:
            out[table] = rated
    if d.scales:
        out = {**{k: v for k, v in out.items() if k not in ("assessments", "stakeholder_ratings", "relationships")},
               "scales": d.scales, **{k: v for k, v in out.items() if k in ("assessments", "stakeholder_ratings", "relationships")}}
    out["exclude"] = {"status": list(STATUS_REASONS), "partial_below": 0.5}
    if export.collector is not None:
        coll = sorted({c for c in export.collector if c is not None})
        out["exclude"]["collectors"] = []
        d.comments["exclude.collectors"] = "review: test collectors to leave out; collectors in the export: " + ", ".join(coll[:10])
    if "assessments" not in out and "stakeholder_ratings" not in out and "relationships" not in out:
        d.summary.append("nothing could be matched to the package's tables: fill in assessments, "
                         "stakeholder_ratings or relationships by hand (docs/survey-import.md)")
    head = (
        f"# Draft mapping for {Path(str(export.path)).name} ({export.tool}), written by `partner-analytics survey detect`.\n"
        "# Every guess is marked '# review'. See docs/survey-import.md for every key.\n"
    )
    return head + dump_yaml(out, d.comments) + "\n", d.summary


def _wave(d: _Draft) -> dict:
    e = d.e
    if e.submitted_at is not None and pd.notna(e.submitted_at).any():
        d.summary.append("wave: the quarter of each submission's date")
        return {"from": "submission_date", "period": "quarter"}
    for name in e.main.columns:
        if re.fullmatch(r"(?i)(wave|round|period|survey round|vague|ola|onda|welle|runde)", name.strip()):
            d.comments["wave.column"] = "review: the wave column"
            d.used.add(name)
            return {"from": "column", "column": name}
    d.comments["wave.value"] = "review: the export has no submission date: give the wave"
    d.summary.append("wave: not in the export; set wave.value in the mapping")
    return {"from": "value", "value": "2026-Q1"}


def _respondent(d: _Draft) -> dict:
    e = d.e
    col = None
    for name in [c for c in (e.email_column,) if c] + list(e.main.columns):
        vals = _distinct(e.main, name, 5)
        if vals and all(looks_like_email(v) for v in vals):
            col = name
            break
    if col is not None:
        d.used.add(col)
        d.comments["respondent.column"] = "review: e-mail addresses, pseudonymised (never stored)"
        d.summary.append(f"respondent: the e-mail column '{col}' (pseudonymised)")
        return {"from": "column", "column": col}
    d.summary.append("respondent: each submission's id")
    return {"from": "submission_id"}


def _organisation(d: _Draft) -> dict | None:
    e, inst = d.e, d.inst
    best = None
    for name, c in e.main.columns.items():
        if c.kind != "question" or c.grid:
            continue
        text = d.text_of(e.main, name).lower()
        by_word = any(w in text or w in name.lower() for w in ORG_WORDS)
        values = _distinct(e.main, name, 100)
        if not values or len(values) > 100:
            continue
        share = 0.0
        lst = d.form.lists.get(_last(name, e.separator))
        if inst.partners:
            shown = [d.form.choices.get(lst, {}).get(v, v) for v in values] if lst else values
            share = sum(1 for v in shown if _best(v, inst.partners)[1] >= 85) / len(values)
        score = share + (0.5 if by_word else 0.0)
        if score > 0.4 and (best is None or score > best[0]):
            best = (score, name, values, lst)
    if best is None:
        d.summary.append("organisation: not found (needed for assessments and relationships)")
        return None
    _, name, values, lst = best
    d.used.add(name)
    d.comments["organisation.column"] = "review: the respondent's organisation"
    out: dict = {"column": name}
    if inst.partners:
        values_map = {}
        matched = 0
        for v in values:
            shown = d.form.choices.get(lst, {}).get(v, v) if lst else v
            pid, score, pname = _best(shown, inst.partners)
            if score == 100 and fold(v) in (fold(pid), fold(pname)):
                matched += 1
                continue
            if pid is not None and score >= 60:
                values_map[v] = pid
                d.comments[f"organisation.values.{v}"] = f"review: fuzzy match {score:.0f} to '{pname}'"
                matched += 1
            else:
                d.summary.append(f"organisation: answer '{v}' matches no partner (best score {score:.0f}); add it to organisation.values")
        if values_map:
            out["values"] = values_map
        d.summary.append(f"organisation: column '{name}', {matched} of {len(values)} answers matched to partners")
    return out


def _code_of(col: str, sep: str | None, pool: dict[str, str]) -> str | None:
    last = _last(col, sep)
    if last in pool:
        return last
    m = _CODE.match(last)
    if m and m.group("code") in pool:
        return m.group("code")
    return None


def _assessments(d: _Draft) -> dict | None:
    from rapidfuzz import fuzz, process

    e, inst = d.e, d.inst
    pools = [("item_code", inst.items), ("factor_code", inst.factors)] if inst.items else [("factor_code", inst.factors)]
    questions: dict[str, dict] = {}
    scale_votes: dict[str, float] = {}
    taken: set[str] = set()
    for name, c in e.main.columns.items():
        if c.kind != "question" or name in d.used or c.grid and _field_of(d.text_of(e.main, name)):
            continue
        fit = {s: d.fits(e.main, name, s) for s in ("agree5",)}
        if max(fit.values()) < 0.8:
            continue
        text = d.text_of(e.main, name)
        for kind, pool in pools:
            code = _code_of(c.code or name, e.separator, pool)
            score = 100.0 if code else 0.0
            how = "by code"
            if code is None and pool:
                got = process.extractOne(text, {k: v for k, v in pool.items() if k not in taken},
                                         scorer=fuzz.token_set_ratio, processor=fold)
                if got is not None and got[1] >= 70:
                    code, score, how = got[2], float(got[1]), f"by text: '{got[0]}'"
            if code is not None and code not in taken:
                taken.add(code)
                questions[name] = {kind: code}
                d.comments[f"assessments.questions.{name}"] = f"review: {how} (score {score:.0f})"
                for s, v in fit.items():
                    scale_votes[s] = scale_votes.get(s, 0) + v
                d.used.add(name)
                break
    if not questions:
        return None
    d.summary.append(f"assessments: {len(questions)} question(s) matched to the instrument (each marked for review)")
    scale = max(scale_votes, key=scale_votes.get) if scale_votes else "agree5"
    d.comments["assessments.scale"] = "review: the answers fit this scale best"
    return {"scale": scale, "questions": questions}


def _form_scale(d: _Draft, col: str, base: str, out_scales: dict) -> str | None:
    """A scale for a column whose form choices are named otherwise than their values
    (support's choices 1..5 for -2..+2, LimeSurvey-like codes A1..A5), else None."""
    lst = d.form.lists.get(_last(col, d.e.separator))
    if not lst or lst not in d.form.choices:
        return None
    scale = builtin_scale(base)
    labels = {}
    for name, label in d.form.choices[lst].items():
        status, value = scale.read(label)
        if status == "ok":
            labels[name] = value
    same = all(scale.read(n) == ("ok", v) for n, v in labels.items())
    if same or not labels:
        return None
    key = f"{lst}_{base}"
    out_scales[key] = {"base": base, "numbers": False, "labels": {n: (int(v) if v.is_integer() else v) for n, v in labels.items()}}
    d.comments[f"scales.{key}"] = f"review: the form's choice names of list '{lst}' read through their labels"
    return key


def _field_of(text: str, fields: tuple[str, ...] | None = None) -> str | None:
    low = text.lower()
    fields = fields or tuple(FIELD_WORDS)
    trust = "trust" in low or "confian" in low or "vertrau" in low or "tillit" in low
    for f in fields:
        if f.startswith("trust_") and not trust:
            continue
        if any(w in low for w in FIELD_WORDS[f]):
            return f
    return None


def _rated(d: _Draft, table: str) -> dict | None:
    e, inst = d.e, d.inst
    pool = inst.stakeholders if table == "stakeholder_ratings" else inst.partners
    if not pool:
        return None
    fields = RATED_FIELDS[table]
    target = "stakeholder" if table == "stakeholder_ratings" else "partner"
    # repeats: a column whose answers name entities of the pool
    for rname, rep in e.repeats.items():
        best = None
        for col, c in rep.columns.items():
            if c.kind != "question":
                continue
            values = _distinct(rep, col, 200)
            if not values:
                continue
            share = sum(1 for v in values if _best(v, pool)[1] >= 85) / len(values)
            if share >= 0.6 and (best is None or share > best[0]):
                best = (share, col)
        if best is None:
            continue
        cols = {}
        for col, c in rep.columns.items():
            if col == best[1] or c.kind != "question":
                continue
            f = _field_of(f"{_last(col, e.separator)} {d.text_of(rep, col)}", fields)
            if f and f not in cols:
                cols[f] = col
        if not cols:
            continue
        from partner_analytics.importers.survey.scales import FIELD_SCALES

        scales = {f: k for f, c in cols.items() if (k := _form_scale(d, c, FIELD_SCALES[f], d.scales))}
        d.summary.append(f"{table}: repeat '{rname}' rates {target}s (column '{best[1]}'); fields: {', '.join(cols)}")
        d.comments[f"{table}.repeat"] = f"review: its rows name {target}s"
        for f in cols:
            d.comments[f"{table}.fields.{f}"] = "review: by the words of the header"
        out = {"repeat": rname, target: {"column": best[1]}, "fields": cols}
        if scales:
            out["scales"] = scales
        return out
    # grids: Title [Row] columns whose rows name entities of the pool
    grid: dict[str, dict[str, str]] = {}
    for col, c in e.main.columns.items():
        if not c.grid or col in d.used:
            continue
        title, row = c.grid
        f = _field_of(f"{title} {d.text_of(e.main, col)}", fields)
        if f is None:
            continue
        tid, score, tname = _best(row, pool)
        if tid is None or score < 70:
            continue
        if f in grid.get(tid, {}):
            continue
        grid.setdefault(tid, {})[f] = col
        d.used.add(col)
        d.comments[f"{table}.grid.{tid}.{f}"] = f"review: row '{row}' -> '{tname}' (score {score:.0f})"
    if not grid:
        return None
    d.summary.append(f"{table}: a grid rating {len(grid)} {target}(s) (each marked for review)")
    return {"grid": grid}

