"""Finding the column (or repeat) a mapping names in an export.

A mapping names a column as the export writes it, by the tool's code (LimeSurvey
``likert2[affRec4]``, Qualtrics ``Q5_1``), or by its group path with ``/`` whatever separator
the export used (``grp_factors/f601`` finds ``grp_factors.f601`` and ODK's
``grp_factors-f601``). Failing these, a header equal after folding case, spaces and a
byte-order mark is taken and reported as an edited header, and a path whose last part is the
only column of that name is taken (an export "without group names"). Otherwise the column is
absent, with the nearest headers as suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass

from partner_analytics.importers.survey.model import SurveyExport, Table
from partner_analytics.importers.survey.readers.kobo import SEPARATORS
from partner_analytics.importers.survey.scales import fold

__all__ = ["Found", "resolve_column", "resolve_repeat", "suggest"]


@dataclass
class Found:
    name: str | None
    how: str  # exact | code | path | edited | question_name | absent
    suggestions: tuple[str, ...] = ()


def _last(name: str, seps: tuple[str, ...]) -> str:
    for s in seps:
        name = name.rpartition(s)[2] if s in name else name
    return name


def resolve_column(table: Table, ref: str, separator: str | None) -> Found:
    cols = table.columns
    if ref in cols:
        return Found(ref, "exact")
    by_code = [c.name for c in cols.values() if c.code == ref and c.kind != "option"]
    if len(by_code) == 1:
        return Found(by_code[0], "code")
    seps = tuple(dict.fromkeys([s for s in (separator,) if s] + list(SEPARATORS)))
    if "/" in ref:
        for s in seps:
            alt = ref.replace("/", s)
            if alt in cols:
                return Found(alt, "path")
    folded = fold(ref)
    same = [n for n in cols if fold(n) == folded]
    if len(same) == 1:
        return Found(same[0], "edited")
    last = _last(ref, ("/",))
    if last != ref:
        tails = [n for n, c in cols.items() if c.kind in ("question", "meta") and _last(n, seps) == last]
        if len(tails) == 1:
            return Found(tails[0], "question_name")
    return Found(None, "absent", suggest(ref, list(cols)))


def suggest(text: str, choices: list[str], limit: int = 3, cutoff: float = 60) -> tuple[str, ...]:
    if not choices:
        return ()
    from rapidfuzz import fuzz, process

    got = process.extract(text, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff)
    return tuple(g[0] for g in got)


def resolve_repeat(export: SurveyExport, name: str) -> Table | None:
    """The repeat table a mapping names: exact, ignoring case, or a sheet name Excel cut to 31."""
    if name in export.repeats:
        return export.repeats[name]
    low = {k.lower(): t for k, t in export.repeats.items()}
    if name.lower() in low:
        return low[name.lower()]
    cut = [t for k, t in export.repeats.items() if len(k) >= 28 and name.startswith(k.rstrip("_~0123456789"))]
    if len(cut) == 1:
        return cut[0]
    ends = [t for k, t in export.repeats.items() if k.endswith(name) or name.endswith(k)]
    return ends[0] if len(ends) == 1 else None
