"""An export and a mapping -> the package's long tables, each submission's outcome, diagnostics.

Every submission ends in exactly one of three outcomes, with its reason:

- **excluded**: left out on purpose: a status the mapping excludes (test, preview, spam,
  rejected in review, not approved, incomplete, undecryptable), a listed collector or
  submission, a partial response (when ``partial`` is excluded), or a duplicate (the same
  submission id twice, or the same respondent twice in a wave: the latest is kept);
- **rejected**: cannot be used: no wave, no respondent, no or an unknown organisation, no
  answer to any mapped question;
- **accepted**: its answers are in the long tables.

Answers are read through their scale per distinct value (an export of 10^4 submissions has a
handful of distinct answers per question), so the cost is that of factorising the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from partner_analytics.importers.survey.cells import cell_text, column_text
from partner_analytics.importers.survey.columns import (
    Found,
    resolve_column,
    resolve_repeat,
    suggest,
)
from partner_analytics.importers.survey.mapping import (
    RATED_FIELDS,
    TARGET,
    Mapping,
    MappingError,
    Rated,
)
from partner_analytics.importers.survey.model import STATUS_REASONS, Diagnostic, SurveyExport, Table
from partner_analytics.importers.survey.pseudonym import looks_like_email, pseudonym
from partner_analytics.importers.survey.readers.common import damaged
from partner_analytics.importers.survey.scales import Scale, fold

__all__ = ["SUBMISSION_COLUMNS", "Instrument", "Lookup", "SurveyImport", "build_tables"]

SUBMISSION_COLUMNS = ["row", "submission_id", "outcome", "reason", "wave", "answers"]
KEY_COLUMNS = {
    "assessments": ["wave", "respondent_id", "partner_id"],
    "stakeholder_ratings": ["wave", "rater_id", "stakeholder_id"],
    "relationships": ["wave", "respondent_partner_id", "partner_id"],
}


@dataclass
class Instrument:
    """What the package says a survey may refer to."""

    partners: dict[str, str] = field(default_factory=dict)  # id -> name
    stakeholders: dict[str, str] = field(default_factory=dict)
    factors: dict[str, str] = field(default_factory=dict)  # code -> name
    items: dict[str, str] = field(default_factory=dict)  # code -> text

    @classmethod
    def from_partnership(cls, p) -> Instrument:
        def pairs(frame: pd.DataFrame, key: str, label: str) -> dict[str, str]:
            if frame is None or not len(frame):
                return {}
            labels = frame[label] if label in frame.columns else frame[key]
            return {str(k): ("" if pd.isna(v) else str(v)) for k, v in zip(frame[key], labels, strict=True)}

        return cls(
            partners=pairs(p.partners, "partner_id", "name"),
            stakeholders=pairs(p.stakeholders, "stakeholder_id", "name"),
            factors=pairs(p.factors, "factor_code", "factor"),
            items=pairs(p.items, "item_code", "text"),
        )


class Lookup:
    """Answers naming a partner or stakeholder -> its id: the mapping's values, the id, the name."""

    def __init__(self, names: dict[str, str], values: dict[str, str], what: str) -> None:
        self.names = names
        self.what = what
        self.table: dict[str, str] = {}
        for i, n in names.items():
            self.table.setdefault(fold(n), i) if n else None
        for i in names:
            self.table[fold(i)] = i
        for answer, i in values.items():
            self.table[fold(answer)] = i
        self.exact = dict(values)

    def find(self, text: str | None) -> str | None:
        if text is None:
            return None
        if text in self.exact:
            return self.exact[text]
        return self.table.get(fold(text))

    def suggestions(self, text: str) -> str:
        choices = {f"{n} ({i})": i for i, n in self.names.items()}
        got = suggest(text, list(choices))
        return ", ".join(got) if got else ""


@dataclass
class SurveyImport:
    """The result of applying a mapping to an export."""

    export: SurveyExport
    mapping: Mapping
    tables: dict[str, pd.DataFrame]
    submissions: pd.DataFrame  # SUBMISSION_COLUMNS, one row per submission
    diagnostics: list[Diagnostic]
    repeat_rows: dict[str, dict[str, int]] = field(default_factory=dict)  # repeat -> counts

    def counts(self) -> dict[str, int]:
        out = self.submissions["outcome"].value_counts()
        return {k: int(out.get(k, 0)) for k in ("accepted", "excluded", "rejected")}


def _period(times: pd.DatetimeIndex, period: str) -> np.ndarray:
    out = np.full(len(times), None, dtype=object)
    ok = ~pd.isna(times)
    if not ok.any():
        return out
    t = times[ok]
    if period == "quarter":
        labels = [f"{y}-Q{q}" for y, q in zip(t.year, t.quarter, strict=True)]
    elif period == "month":
        labels = [f"{y}-{m:02d}" for y, m in zip(t.year, t.month, strict=True)]
    elif period == "half":
        labels = [f"{y}-H{1 if m <= 6 else 2}" for y, m in zip(t.year, t.month, strict=True)]
    elif period == "year":
        labels = [str(y) for y in t.year]
    else:
        labels = [d.strftime("%Y-%m-%d") for d in t]
    out[np.asarray(ok)] = labels
    return out


class _Run:
    def __init__(self, export: SurveyExport, mapping: Mapping, inst: Instrument, salt: bytes | None):
        self.e = export
        self.m = mapping
        self.inst = inst
        self.salt = salt
        self.n = export.n_submissions
        self.diag: list[Diagnostic] = list(export.diagnostics)
        self.reason: list[str | None] = [None] * self.n
        self.outcome: list[str | None] = [None] * self.n
        self.used: dict[str, set[str]] = {}  # table name -> columns used
        self.answered = np.zeros(self.n, dtype=np.int64)  # answers given (incl. don't know)
        self.valid = np.zeros(self.n, dtype=np.int64)  # answers on the scale
        self.expected = 0  # main-table answer columns mapped
        self.problems: list[tuple[int | None, str, str]] = []
        self.repeat_rows: dict[str, dict[str, int]] = {}

    # -- helpers --
    def column(self, table: Table, ref: str, key: str, *, required: bool = False) -> str | None:
        found: Found = resolve_column(table, ref, self.e.separator)
        if found.name is None:
            hint = f"; nearest: {', '.join(found.suggestions)}" if found.suggestions else ""
            if required:
                self.problems.append((self.m.line(key), key, f"column '{ref}' is not in {table.display}{hint}"))
            else:
                self.diag.append(
                    Diagnostic(
                        "absent_column",
                        f"the mapping names column '{ref}' ({key}), which the export does not have",
                        table=table.display, column=ref, suggestion=", ".join(found.suggestions) or None,
                    )
                )
            return None
        if found.how == "edited":
            self.diag.append(
                Diagnostic(
                    "edited_header",
                    f"the mapping says '{ref}', the export's header is '{found.name}' (an edited header?); "
                    "read as the same column",
                    table=table.display, column=found.name,
                )
            )
        elif found.how == "question_name":
            self.diag.append(
                Diagnostic(
                    "edited_header",
                    f"'{ref}' found as '{found.name}' by its question name (the export has no group names)",
                    severity="info", table=table.display, column=found.name,
                )
            )
        self.used.setdefault(table.name, set()).add(found.name)
        return found.name

    def read(self, table: Table, col: str, scale: Scale, what: str) -> tuple[np.ndarray, np.ndarray]:
        """(values, status codes) of a column through a scale; status 0 blank, 1 missing, 2 ok, 3 unknown."""
        codes, uniques = pd.factorize(table.frame[col], use_na_sentinel=True)
        vals = np.full(len(uniques) + 1, np.nan)
        stat = np.zeros(len(uniques) + 1, dtype=np.int8)
        for k, u in enumerate(uniques):
            s, v = scale.read(u)
            stat[k] = {"blank": 0, "missing": 1, "ok": 2, "unknown": 3}[s]
            if v is not None:
                vals[k] = v
            if isinstance(u, str) and (bad := damaged(u)):
                rows = table.rows[codes == k]
                self.diag.append(
                    Diagnostic("damaged_text", f"an answer {bad}", table=table.display, column=col,
                               rows=tuple(int(r) for r in rows[:50]), value=repr(u))
                )
            if s == "unknown":
                rows = table.rows[codes == k]
                near = scale.nearest(u)
                self.diag.append(
                    Diagnostic(
                        "label_not_on_scale",
                        f"{len(rows)} answer(s) '{cell_text(u)}' to {what} are not on the scale "
                        f"'{scale.name}' ({scale.expected()}); left out",
                        table=table.display, column=col, rows=tuple(int(r) for r in rows[:50]),
                        value=cell_text(u), suggestion=near,
                    )
                )
        return vals[codes], stat[codes]

    def missing_report(self, table: Table, col: str, stat: np.ndarray, rows_mask: np.ndarray | None = None) -> None:
        s = stat if rows_mask is None else stat[rows_mask]
        blank, dk = int((s == 0).sum()), int((s == 1).sum())
        if blank or dk:
            self.diag.append(
                Diagnostic(
                    "missing_answers",
                    f"{blank} blank and {dk} 'don't know'/'n/a' answer(s) of {len(s)}",
                    severity="info", table=table.display, column=col,
                )
            )

    def settle(self, i: int, outcome: str, reason: str) -> None:
        if self.outcome[i] is None:
            self.outcome[i] = outcome
            self.reason[i] = reason


def build_tables(export: SurveyExport, mapping: Mapping, instrument: Instrument, salt: bytes | None = None) -> SurveyImport:
    """Apply ``mapping`` to ``export``: the long tables, each submission's outcome, diagnostics.

    Raises :class:`MappingError` when the mapping names something that does not exist (a
    repeat, a required column, a factor, a partner or stakeholder id).
    """
    r = _Run(export, mapping, instrument, salt)
    main = export.main
    if mapping.tool and mapping.tool != export.tool:
        r.diag.append(Diagnostic("tool", f"the mapping was written for {mapping.tool}; the export looks like {export.tool}"))
    _check_codes(r)
    wave = _waves(r)
    respondent = _respondents(r)
    org = _organisations(r)
    # status exclusions first
    for reason in mapping.exclude_status:
        flags = export.flags.get(reason)
        if flags is None:
            continue
        for i in np.flatnonzero(flags):
            r.settle(int(i), "excluded", STATUS_REASONS[reason])
    if mapping.exclude_collectors and export.collector is not None:
        listed = set(mapping.exclude_collectors)
        for i, c in enumerate(export.collector):
            if c in listed:
                r.settle(i, "excluded", f"collector {c} is excluded in the mapping (a test collector)")
    if mapping.exclude_submissions:
        listed = set(mapping.exclude_submissions)
        for i, s in enumerate(export.submission_id):
            if s in listed:
                r.settle(i, "excluded", "listed in the mapping's exclude.submissions")
    assessments = _assessments(r, wave, respondent, org)
    rated = {t: _rated(r, spec, wave, respondent, org) for t, spec in mapping.rated.items()}
    if r.problems:
        raise MappingError(mapping.path, r.problems)
    # rejections
    needs_org = bool(mapping.questions) or "relationships" in mapping.rated
    for i in range(r.n):
        if wave[i] is None:
            r.settle(i, "rejected", _WAVE_WHY[mapping.wave_from])
        elif respondent[i] is None:
            r.settle(i, "rejected", "no respondent id (the respondent column is empty)")
        elif needs_org and org.ids[i] is None:
            r.settle(i, "rejected", org.why[i])
        elif r.valid[i] == 0:
            r.settle(i, "rejected", "no answer to any mapped question is on its scale")
    # partial responses
    if r.expected:
        share = r.answered / r.expected
        partial = np.flatnonzero(share < mapping.partial_below)
        if len(partial):
            rows = tuple(int(main.rows[i]) for i in partial)
            act = "excluded" if "partial" in mapping.exclude_status else "kept"
            r.diag.append(
                Diagnostic(
                    "partial_response",
                    f"{len(partial)} submission(s) answered fewer than {mapping.partial_below:.0%} of the "
                    f"{r.expected} mapped questions; {act}",
                    rows=rows[:50],
                )
            )
            if "partial" in mapping.exclude_status:
                for i in partial:
                    r.settle(int(i), "excluded", f"a partial response ({r.answered[i]} of {r.expected} questions answered)")
    if export.progress is not None and export.tool in ("qualtrics",):
        low = np.flatnonzero(np.nan_to_num(export.progress, nan=100.0) < 100)
        if len(low):
            r.diag.append(
                Diagnostic("partial_response", f"{len(low)} response(s) have Progress below 100%",
                           severity="info", rows=tuple(int(main.rows[i]) for i in low[:50]))
            )
    _duplicates(r, wave, respondent)
    for i in range(r.n):
        r.settle(i, "accepted", "")
    accepted = np.array([o == "accepted" for o in r.outcome], dtype=bool)
    tables: dict[str, pd.DataFrame] = {}
    if isinstance(assessments, _Answers):
        tables["assessments"] = assessments.frame(accepted)
    elif assessments is not None:
        tables["assessments"] = assessments[accepted[assessments.pop("_sub").to_numpy()]].reset_index(drop=True)
    for t, frame in rated.items():
        keep = accepted[frame["_sub"].to_numpy()]
        frame = frame[keep]
        tables[t] = _one_per_key(r, t, frame)
    _status_diagnostics(r)
    _unmapped(r)
    subs = pd.DataFrame(
        {
            "row": main.rows,
            "submission_id": export.submission_id,
            "outcome": r.outcome,
            "reason": r.reason,
            "wave": wave,
            "answers": r.valid,
        }
    )
    return SurveyImport(export=export, mapping=mapping, tables=tables, submissions=subs, diagnostics=r.diag,
                        repeat_rows=r.repeat_rows)


_WAVE_WHY = {
    "submission_date": "no wave: the submission date is empty or unreadable",
    "column": "no wave: the wave column is empty or not a period",
    "value": "no wave",
}


def _check_codes(r: _Run) -> None:
    inst, m = r.inst, r.m
    seen: dict[tuple[str, str], str] = {}
    for q in m.questions:
        key = f"assessments.questions.{q.column}"
        pool = inst.factors if q.code_kind == "factor_code" else inst.items
        if q.code not in pool:
            shown = ", ".join(list(pool)[:20]) + (" ..." if len(pool) > 20 else "")
            what = "factor" if q.code_kind == "factor_code" else "item"
            r.problems.append((q.line, f"{key}.{q.code_kind}", f"'{q.code}' is not a {what} of the package's instrument; expected one of {shown or '(none: the package has no items table)'}"))
        if (q.code_kind, q.code) in seen:
            r.problems.append((q.line, key, f"{q.code_kind} '{q.code}' is already mapped from column '{seen[(q.code_kind, q.code)]}'"))
        seen[(q.code_kind, q.code)] = q.column
    if m.organisation_value is not None and m.organisation_value not in inst.partners:
        r.problems.append((m.line("organisation.value"), "organisation.value", f"'{m.organisation_value}' is not a partner_id of the package"))
    for answer, pid in m.organisation_values.items():
        if pid not in inst.partners:
            r.problems.append((m.line(f"organisation.values.{answer}"), f"organisation.values.{answer}", f"'{pid}' is not a partner_id of the package; partners: {', '.join(list(inst.partners)[:20])}"))
    for table, spec in m.rated.items():
        pool = inst.stakeholders if table == "stakeholder_ratings" else inst.partners
        what = "stakeholder_id" if table == "stakeholder_ratings" else "partner_id"
        for answer, tid in spec.target_values.items():
            if tid not in pool:
                key = f"{table}.{TARGET[table]}.values.{answer}"
                r.problems.append((m.line(key), key, f"'{tid}' is not a {what} of the package"))
        for tid in spec.grid:
            if tid not in pool:
                key = f"{table}.grid.{tid}"
                r.problems.append((m.line(key), key, f"'{tid}' is not a {what} of the package"))


def _waves(r: _Run) -> np.ndarray:
    m, e = r.m, r.e
    from partner_analytics.data.periods import normalize_period

    if m.wave_from == "value":
        return np.full(r.n, m.wave_value, dtype=object)
    if m.wave_from == "submission_date":
        if e.submitted_at is None or pd.isna(e.submitted_at).all():
            r.problems.append(
                (m.line("wave"), "wave.from",
                 (f"the {e.tool} export has no submission date; expected wave: {{from: value, value: YYYY-Qn}} "
                  "or {from: column, column: ...}"))
            )
            return np.full(r.n, None, dtype=object)
        return _period(e.submitted_at, m.wave_period)
    col = r.column(e.main, m.wave_column, "wave.column", required=True)
    if col is None:
        return np.full(r.n, None, dtype=object)
    r.e.main.columns[col].kind = "meta"
    texts = column_text(e.main.frame[col])
    out = np.array([normalize_period(t) if t is not None else None for t in texts], dtype=object)
    if m.wave_period != "date":
        from partner_analytics.importers.survey.readers.common import parse_datetimes

        times, _ = parse_datetimes(e.main.frame[col], dayfirst=m.export.get("dayfirst"))
        as_period = _period(times, m.wave_period)
        plain = np.array([o is not None and len(o) == 10 for o in out])  # a date: into its period
        out = np.where(plain | pd.isna(out), as_period, out)
    return out


def _respondents(r: _Run) -> np.ndarray:
    m, e = r.m, r.e
    if m.respondent_from == "submission_id":
        ids = np.array(e.submission_id, dtype=object)
        col = None
    else:
        col = r.column(e.main, m.respondent_column, "respondent.column", required=True)
        ids = column_text(e.main.frame[col]) if col is not None else np.full(r.n, None, dtype=object)
        if col is not None:
            e.main.columns[col].kind = "meta"
    emails = np.array([looks_like_email(t) for t in ids], dtype=bool) if col is not None else np.zeros(r.n, bool)
    hide = emails if m.pseudonymise == "auto" else np.array([t is not None for t in ids], dtype=bool)
    if hide.any():
        if r.salt is None:
            raise ValueError("respondent identifiers need pseudonyms but no salt was given")
        ids = ids.copy()
        for i in np.flatnonzero(hide):
            ids[i] = pseudonym(r.salt, ids[i])
    return ids


@dataclass
class _Orgs:
    ids: np.ndarray
    why: list[str]


def _organisations(r: _Run) -> _Orgs:
    m, e, n = r.m, r.e, r.n
    if m.organisation_value is not None:
        return _Orgs(np.full(n, m.organisation_value, dtype=object), [""] * n)
    if m.organisation_column is None:
        return _Orgs(np.full(n, None, dtype=object), ["no organisation column in the mapping"] * n)
    col = r.column(e.main, m.organisation_column, "organisation.column", required=True)
    if col is None:
        return _Orgs(np.full(n, None, dtype=object), [""] * n)
    e.main.columns[col].kind = "meta"
    look = Lookup(r.inst.partners, m.organisation_values, "partner")
    codes, uniques = pd.factorize(e.main.frame[col], use_na_sentinel=True)
    ids = np.full(len(uniques) + 1, None, dtype=object)
    whys = [""] * (len(uniques) + 1)
    whys[-1] = "no organisation given"
    for k, u in enumerate(uniques):
        t = cell_text(u)
        if t is None:
            whys[k] = "no organisation given"
            continue
        pid = look.find(t)
        if pid is None:
            near = look.suggestions(t)
            whys[k] = f"organisation '{t}' is not a partner of the package" + (f"; nearest: {near}" if near else "")
            rows = e.main.rows[codes == k]
            r.diag.append(
                Diagnostic(
                    "unknown_partner",
                    f"{len(rows)} submission(s) name the organisation '{t}', which is not a partner of the "
                    "package; add it to organisation.values in the mapping or to partners",
                    table=e.main.display, column=col, rows=tuple(int(x) for x in rows[:50]), value=t,
                    suggestion=near or None,
                )
            )
        ids[k] = pid
    return _Orgs(ids[codes], [whys[c] for c in codes])


@dataclass
class _Answers:
    """The assessment rows of every submission, as arrays (a frame is made once the outcomes
    are known): row k answers question ``question[k]`` of submission ``sub[k]``."""

    sub: np.ndarray
    question: np.ndarray
    score: np.ndarray
    codes: dict[str, np.ndarray]  # factor_code / item_code -> the code of each question (or None)
    comment: np.ndarray | None  # per row; None when no question maps a comment
    wave: np.ndarray
    respondent: np.ndarray
    partner: np.ndarray

    def frame(self, keep: np.ndarray) -> pd.DataFrame:
        """The rows of the submissions ``keep`` marks, as the table ``assessments``: as a frame
        of every row, filtered (each column with the dtype inferred from every row)."""
        rows = np.flatnonzero(keep[self.sub])
        out = {
            "wave": _text_column(self.wave, self.sub, rows),
            "respondent_id": _text_column(self.respondent, self.sub, rows),
            "partner_id": _text_column(self.partner, self.sub, rows),
        }
        for k, codes in self.codes.items():
            out[k] = _text_column(codes, self.question, rows)
        out["score"] = self.score[rows]
        if self.comment is not None:
            out["comment"] = _text_column(self.comment, np.arange(len(self.sub)), rows)
        return pd.DataFrame(out)


def _text_column(values: np.ndarray, every: np.ndarray, rows: np.ndarray):
    """``pd.Series(values[every]).take(rows)`` without making the object column of every row
    when it is text: the dtype depends only on the values used, so it is inferred from those."""
    used = np.zeros(len(values), dtype=bool)
    used[every] = True
    dtype = pd.Series(values[used]).dtype
    if isinstance(dtype, pd.StringDtype):
        return pd.array(np.where(used, values, None), dtype=dtype).take(every[rows])
    return pd.Series(values[every]).take(rows).reset_index(drop=True)


def _assessments(r: _Run, wave, respondent, org: _Orgs) -> _Answers | pd.DataFrame | None:
    m, e = r.m, r.e
    if not m.questions:
        return None
    subs, questions, scores, comments, mapped = [], [], [], [], []
    any_comment = False
    for q in m.questions:
        key = f"assessments.questions.{q.column}"
        col = r.column(e.main, q.column, key)
        if col is None:
            continue
        r.expected += 1
        scale = m.scale(q.scale or m.assessment_scale)
        what = f"{q.code_kind.replace('_code', '')} {q.code}"
        vals, stat = r.read(e.main, col, scale, what)
        r.missing_report(e.main, col, stat)
        r.answered += stat > 0
        r.valid += stat == 2
        ok = np.flatnonzero(stat == 2)
        comment = None
        if q.comment:
            ccol = r.column(e.main, q.comment, f"{key}.comment")
            if ccol is not None:
                comment = column_text(e.main.frame[ccol])
                any_comment = True
        subs.append(ok)
        questions.append(np.full(len(ok), len(mapped), dtype=np.int64))
        scores.append(vals[ok])
        comments.append(comment[ok] if comment is not None else np.full(len(ok), None, dtype=object))
        mapped.append(q)
    if not mapped:
        return _empty(["_sub", *KEY_COLUMNS["assessments"], "factor_code", "score"])
    kinds = {q.code_kind for q in m.questions}
    return _Answers(
        sub=np.concatenate(subs),
        question=np.concatenate(questions),
        score=np.concatenate(scores).astype(np.float64),
        codes={
            k: np.array([q.code if q.code_kind == k else None for q in mapped], dtype=object)
            for k in ("factor_code", "item_code") if k in kinds
        },
        comment=np.concatenate(comments) if any_comment else None,
        wave=wave,
        respondent=respondent,
        partner=org.ids,
    )


def _rated(r: _Run, spec: Rated, wave, respondent, org: _Orgs) -> pd.DataFrame:
    m, e = r.m, r.e
    table = spec.table
    target = TARGET[table]
    pool = r.inst.stakeholders if table == "stakeholder_ratings" else r.inst.partners
    fields = RATED_FIELDS[table]
    parts: list[pd.DataFrame] = []
    if spec.repeat is not None:
        rep = resolve_repeat(e, spec.repeat)
        if rep is None:
            have = ", ".join(e.repeats) or "none"
            extra = " (a CSV export of Kobo has no repeats: use the XLSX export)" if e.tool == "kobo" and not e.repeats else ""
            r.problems.append((m.line(f"{table}.repeat"), f"{table}.repeat", f"the export has no repeat '{spec.repeat}'; its repeats: {have}{extra}"))
            return _empty(["_sub", "_row"])
        tcol = r.column(rep, spec.target_column, f"{table}.{target}.column", required=True)
        cols = {f: r.column(rep, c, f"{table}.fields.{f}") for f, c in spec.fields.items()}
        if tcol is None:
            return _empty(["_sub", "_row"])
        sub = rep.submission if rep.submission is not None else np.full(len(rep), -1)
        linked = (sub >= 0) & (rep.has_parent if rep.has_parent is not None else True)
        look = Lookup(pool, spec.target_values, target)
        ids = _targets(r, rep, tcol, look, linked, table)
        frame = pd.DataFrame({"_sub": sub, "_row": rep.rows, target: ids})
        for f, c in cols.items():
            if c is None:
                continue
            vals, stat = r.read(rep, c, m.scale(spec.scale_of(f)), f"{f} ({table})")
            r.missing_report(rep, c, stat, linked)
            frame[f] = vals
            np.add.at(r.valid, sub[linked & (stat == 2)], 1)
        keep = linked & pd.notna(ids)
        r.repeat_rows[rep.name] = {
            "rows": len(rep), "without_parent": int((~linked).sum()),
            "unknown_target": int((linked & pd.isna(ids)).sum()),
        }
        parts.append(frame[keep])
    else:
        for tid, cols in spec.grid.items():
            frame = pd.DataFrame({"_sub": np.arange(r.n), "_row": e.main.rows, target: tid})
            got = False
            for f, ref in cols.items():
                c = r.column(e.main, ref, f"{table}.grid.{tid}.{f}")
                if c is None:
                    continue
                r.expected += 1
                vals, stat = r.read(e.main, c, m.scale(spec.scale_of(f)), f"{f} of {tid}")
                r.missing_report(e.main, c, stat)
                r.answered += stat > 0
                r.valid += stat == 2
                frame[f] = vals
                got = True
            if got:
                parts.append(frame)
    if not parts:
        return _empty(["_sub", "_row"])
    long = pd.concat(parts, ignore_index=True)
    for f in fields:
        if f not in long.columns and (f in spec.fields or any(f in c for c in spec.grid.values())):
            long[f] = np.nan
    present = [f for f in fields if f in long.columns]
    long = long.dropna(subset=present, how="all")
    required = [f for f in ("power", "interest", "level") if f in fields]
    incomplete = long[required].isna().any(axis=1) if all(f in long.columns for f in required) else pd.Series(True, index=long.index)
    if incomplete.any():
        rows = tuple(int(x) for x in long.loc[incomplete, "_row"].head(50))
        r.diag.append(
            Diagnostic(
                "incomplete_rating",
                f"{int(incomplete.sum())} {table} row(s) lack {' or '.join(required)}, which the package requires; left out",
                table=table, rows=rows,
            )
        )
        long = long[~incomplete]
    sub = long["_sub"].to_numpy()
    if table == "stakeholder_ratings":
        head = {"_sub": sub, "_row": long["_row"].to_numpy(), "wave": wave[sub], "rater_id": respondent[sub]}
        head["stakeholder_id"] = long["stakeholder"].to_numpy()
    else:
        head = {"_sub": sub, "_row": long["_row"].to_numpy(), "wave": wave[sub], "respondent_partner_id": org.ids[sub]}
        head["partner_id"] = long["partner"].to_numpy()
    out = pd.DataFrame(head)
    for f in present:
        out[f] = long[f].to_numpy()
    if table == "relationships":
        own = out["respondent_partner_id"].to_numpy() == out["partner_id"].to_numpy()
        if own.any():
            r.diag.append(
                Diagnostic("self_rating", f"{int(own.sum())} relationship row(s) rate the respondent's own organisation; left out",
                           table=table, rows=tuple(int(x) for x in out.loc[own, "_row"].head(50)))
            )
            out = out[~own]
    return out


def _empty(columns: list[str]) -> pd.DataFrame:
    """No rows, with integer submission and row columns (they index arrays)."""
    return pd.DataFrame({c: np.array([], dtype=np.int64 if c in ("_sub", "_row") else object) for c in columns})


def _targets(r: _Run, rep: Table, col: str, look: Lookup, linked: np.ndarray, table: str) -> np.ndarray:
    codes, uniques = pd.factorize(rep.frame[col], use_na_sentinel=True)
    ids = np.full(len(uniques) + 1, None, dtype=object)
    what = "stakeholder" if table == "stakeholder_ratings" else "partner"
    for k, u in enumerate(uniques):
        t = cell_text(u)
        if t is None:
            continue
        tid = look.find(t)
        ids[k] = tid
        if tid is None:
            rows = rep.rows[(codes == k) & linked]
            if not len(rows):
                continue
            near = look.suggestions(t)
            r.diag.append(
                Diagnostic(
                    f"unknown_{what}",
                    f"{len(rows)} row(s) rate '{t}', which is not a {what} of the package; left out "
                    f"(add it to {table}.{TARGET[table]}.values in the mapping)",
                    table=rep.display, column=col, rows=tuple(int(x) for x in rows[:50]), value=t,
                    suggestion=near or None,
                )
            )
    return ids[codes]


def _one_per_key(r: _Run, table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per key: the latest submission's (by time, then by position)."""
    key = KEY_COLUMNS[table]
    if not len(frame):
        return frame.drop(columns=["_sub", "_row"], errors="ignore").reset_index(drop=True)
    times = r.e.submitted_at
    order = pd.DataFrame({"t": np.asarray(times)[frame["_sub"].to_numpy()], "s": frame["_sub"].to_numpy(), "p": np.arange(len(frame))})
    ranked = frame.assign(_t=order["t"].to_numpy(), _p=order["p"].to_numpy()).sort_values(["_t", "_sub", "_p"], na_position="first")
    dup = ranked.duplicated(subset=key, keep="last")
    if dup.any():
        gone = ranked[dup]
        what = ("the respondents of one organisation rate the same partner in a wave; the package holds one "
                "rating per pair of organisations and wave: the latest submission's is kept"
                if table == "relationships" else
                "a respondent rates the same stakeholder twice in a wave: the latest row is kept")
        r.diag.append(
            Diagnostic(f"duplicate_{'relationship' if table == 'relationships' else 'rating'}",
                       f"{int(dup.sum())} {table} row(s) left out: {what}",
                       table=table, rows=tuple(int(x) for x in gone["_row"].head(50)))
        )
    kept = ranked[~dup].sort_values(["_sub", "_p"])
    return kept.drop(columns=["_sub", "_row", "_t", "_p"]).reset_index(drop=True)


def _duplicates(r: _Run, wave: np.ndarray, respondent: np.ndarray) -> None:
    e = r.e
    live = [i for i in range(r.n) if r.outcome[i] is None]
    if not live:
        return
    times = np.asarray(e.submitted_at)
    frame = pd.DataFrame({"i": live, "t": times[live], "id": np.asarray(e.submission_id, dtype=object)[live],
                          "resp": respondent[live], "wave": wave[live]})
    frame = frame.sort_values(["t", "i"], na_position="first")
    real_id = ~frame["id"].astype(str).str.startswith("row ")
    for keys, why in ((["id"], "id"), (["resp", "wave"], "respondent")):
        sub = frame[real_id] if why == "id" else frame
        sub = sub[[r.outcome[i] is None for i in sub["i"]]]
        dup = sub.duplicated(subset=keys, keep="last")
        if not dup.any():
            continue
        last = sub.drop_duplicates(subset=keys, keep="last").set_index(keys)["i"]
        rows = []
        for rec in sub[dup].itertuples(index=False):
            k = tuple(getattr(rec, c) for c in keys)
            keeper = int(last.loc[k if len(k) > 1 else k[0]])
            row_keep = int(e.main.rows[keeper])
            if why == "id":
                reason = f"the same submission id as row {row_keep}, which is kept"
            else:
                reason = f"the same respondent submitted again in wave {rec.wave}: row {row_keep}, the latest, is kept"
            r.settle(int(rec.i), "excluded", reason)
            rows.append(int(e.main.rows[rec.i]))
        r.diag.append(
            Diagnostic(
                "duplicate_submission" if why == "id" else "duplicate_respondent",
                f"{len(rows)} submission(s) left out as duplicates "
                + ("(the same submission id)" if why == "id" else "(the same respondent and wave; the latest is kept)"),
                rows=tuple(rows[:50]),
            )
        )


def _status_diagnostics(r: _Run) -> None:
    e = r.e
    for reason, flags in e.flags.items():
        if flags is None or not flags.any():
            continue
        rows = tuple(int(x) for x in e.main.rows[flags][:50])
        act = "excluded" if reason in r.m.exclude_status else "kept (not excluded by the mapping)"
        r.diag.append(
            Diagnostic(f"status_{reason}", f"{int(flags.sum())} submission(s): {STATUS_REASONS[reason]}; {act}", rows=rows)
        )


def _unmapped(r: _Run) -> None:
    """Question columns no mapping line uses, with three sample values."""
    for t in [r.e.main, *r.e.repeats.values()]:
        used = r.used.get(t.name, set())
        if t is not r.e.main and t.name not in r.used:
            r.diag.append(Diagnostic("unmapped_repeat", f"repeat '{t.name}' ({len(t)} rows) is not mapped", severity="info", table=t.display))
            continue
        for name, c in t.columns.items():
            if c.kind != "question" or name in used:
                continue
            sample = _sample(column_text(t.frame[name]))
            r.diag.append(
                Diagnostic("unmapped_column", f"not mapped; sample values: {sample}", severity="info",
                           table=t.display, column=name)
            )


def _sample(texts: np.ndarray) -> str:
    """Three sample answers of a closed question; free text and e-mail addresses are not shown."""
    given = pd.Series(texts, dtype=object).dropna()
    if not len(given):
        return "(all empty)"
    distinct = given.drop_duplicates()
    if any(looks_like_email(v) for v in distinct.head(20)):
        return "(e-mail addresses, not shown)"
    if len(distinct) > 20 or distinct.str.len().max() > 40:
        return f"({len(distinct)} distinct free-text answers, not shown)"
    return ", ".join(repr(v) for v in distinct.head(3))
