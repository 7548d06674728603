"""Answer scales: labels in several languages -> numbers, and the answers that mean "missing".

The built-in scales (names usable in a mapping's ``scales:``):

========== ========= ==================================================================
name       values    for
========== ========= ==================================================================
agree5     1..5      assessments (Strongly disagree .. Strongly agree)
rating5    1..5      stakeholder power, interest, legitimacy, urgency (Very low .. Very high)
support5   -2..+2    stakeholder support (Strongly oppose .. Strongly support)
trust4     1..4      relationships' trust and value items (Not at all .. A great deal)
level6     0..5      relationships' level (None, Networking .. Collaboration)
========== ========= ==================================================================

Each has its labels in English, French, Spanish, Portuguese, German and Norwegian (bokmål),
plus common variants ("Neither agree or disagree", "Strongly Agree"). The English words of
agree5, trust4 and level6 are the package's own (``partner_analytics.data.schemas``). Labels
match after folding case, spaces, quotes, a byte-order mark and accents; an anchored label
("1 (None at all)", "5 - Strongly agree") reads as its number. "Don't know", "N/A", "Not
applicable", "99" and their translations are missing answers, never 0.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from partner_analytics.data.schemas import LEVEL_LABELS, LIKERT_LABELS, TRUST_LABELS
from partner_analytics.importers.survey.cells import cell_text

__all__ = [
    "BUILTIN",
    "DEFAULT_MISSING",
    "FIELD_SCALES",
    "LANGUAGES",
    "BuiltinScale",
    "Scale",
    "builtin_scale",
    "fold",
]

LANGUAGES = {
    "en": "English (en)",
    "fr": "Français (fr)",
    "es": "Español (es)",
    "pt": "Português (pt)",
    "de": "Deutsch (de)",
    "nb": "Norsk bokmål (nb)",
}


def _english(labels: dict[str, int], values: tuple[int, ...]) -> tuple[str, ...]:
    first: dict[int, str] = {}
    for word, v in labels.items():
        first.setdefault(v, word)
    return tuple(first[v][0].upper() + first[v][1:] for v in values)


@dataclass(frozen=True)
class BuiltinScale:
    name: str
    values: tuple[float, ...]
    labels: dict[str, tuple[str, ...]]  # language -> the form's label of each value
    variants: dict[float, tuple[str, ...]] = field(default_factory=dict)  # more spellings

    @property
    def lo(self) -> float:
        return min(self.values)

    @property
    def hi(self) -> float:
        return max(self.values)


_AGREE = (1, 2, 3, 4, 5)
_LEVEL = (0, 1, 2, 3, 4, 5)
_TRUST = (1, 2, 3, 4)
BUILTIN: dict[str, BuiltinScale] = {
    s.name: s
    for s in (
        BuiltinScale(
            "agree5",
            _AGREE,
            {
                "en": _english(LIKERT_LABELS, _AGREE),
                "fr": ("Pas du tout d'accord", "Pas d'accord", "Ni d'accord ni pas d'accord", "D'accord", "Tout à fait d'accord"),
                "es": ("Totalmente en desacuerdo", "En desacuerdo", "Ni de acuerdo ni en desacuerdo", "De acuerdo", "Totalmente de acuerdo"),
                "pt": ("Discordo totalmente", "Discordo", "Não concordo nem discordo", "Concordo", "Concordo totalmente"),
                "de": ("Stimme überhaupt nicht zu", "Stimme nicht zu", "Weder noch", "Stimme zu", "Stimme voll und ganz zu"),
                "nb": ("Helt uenig", "Uenig", "Verken enig eller uenig", "Enig", "Helt enig"),
            },
            {
                1: ("fortement en désaccord", "tout à fait en désaccord", "muy en desacuerdo",
                    "discordo fortemente", "stimme gar nicht zu", "svært uenig"),
                2: ("plutôt pas d'accord", "en désaccord", "stimme eher nicht zu", "litt uenig"),
                3: ("neutral", "neutre", "neutro", "undecided", "indécis", "ni d'accord, ni pas d'accord",
                    "teils teils", "teils/teils", "nøytral", "ni de acuerdo, ni en desacuerdo",
                    "nem concordo nem discordo", "weder zustimmung noch ablehnung"),
                4: ("plutôt d'accord", "stimme eher zu", "litt enig"),
                5: ("fortement d'accord", "entièrement d'accord", "muy de acuerdo", "concordo fortemente",
                    "stimme voll zu", "stimme völlig zu", "svært enig"),
            },
        ),
        BuiltinScale(
            "rating5",
            _AGREE,
            {
                "en": ("Very low", "Low", "Moderate", "High", "Very high"),
                "fr": ("Très faible", "Faible", "Moyen", "Élevé", "Très élevé"),
                "es": ("Muy bajo", "Bajo", "Medio", "Alto", "Muy alto"),
                "pt": ("Muito baixo", "Baixo", "Médio", "Alto", "Muito alto"),
                "de": ("Sehr gering", "Gering", "Mittel", "Hoch", "Sehr hoch"),
                "nb": ("Svært lav", "Lav", "Middels", "Høy", "Svært høy"),
            },
            {
                1: ("none", "very weak", "sehr niedrig", "muy baja", "muito baixa", "très faible"),
                2: ("weak", "niedrig", "baja", "baixa"),
                3: ("medium", "average", "moyenne", "media", "média", "moderat"),
                4: ("strong", "élevée", "alta", "forte"),
                5: ("very strong", "très élevée", "muy alta", "muito alta"),
            },
        ),
        BuiltinScale(
            "support5",
            (-2, -1, 0, 1, 2),
            {
                "en": ("Strongly oppose", "Oppose", "Neutral", "Support", "Strongly support"),
                "fr": ("Très opposé", "Opposé", "Neutre", "Favorable", "Très favorable"),
                "es": ("Muy en contra", "En contra", "Neutral", "A favor", "Muy a favor"),
                "pt": ("Muito contra", "Contra", "Neutro", "A favor", "Muito a favor"),
                "de": ("Stark dagegen", "Dagegen", "Neutral", "Dafür", "Stark dafür"),
                "nb": ("Sterkt imot", "Imot", "Nøytral", "For", "Sterkt for"),
            },
            {
                -2: ("strongly opposed", "very opposed", "opposé fortement"),
                -1: ("opposed", "against"),
                0: ("neither", "indifferent"),
                1: ("supportive", "in favour", "in favor"),
                2: ("strongly supportive", "very supportive"),
            },
        ),
        BuiltinScale(
            "trust4",
            _TRUST,
            {
                "en": _english(TRUST_LABELS, _TRUST),
                "fr": ("Pas du tout", "Un peu", "Assez", "Beaucoup"),
                "es": ("Nada", "Un poco", "Bastante", "Mucho"),
                "pt": ("Nada", "Um pouco", "Bastante", "Muito"),
                "de": ("Überhaupt nicht", "Ein wenig", "Ziemlich", "Sehr"),
                "nb": ("Ikke i det hele tatt", "Litt", "En god del", "Svært mye"),
            },
            {
                1: ("none at all", "not at all", "gar nicht"),
                2: ("a little", "small amount", "wenig"),
                3: ("fair amount", "quite a lot", "moderately"),
                4: ("great deal", "a lot", "sehr viel"),
            },
        ),
        BuiltinScale(
            "level6",
            _LEVEL,
            {
                "en": _english(LEVEL_LABELS, _LEVEL),
                "fr": ("Aucune", "Réseautage", "Coopération", "Coordination", "Coalition", "Collaboration"),
                "es": ("Ninguna", "Trabajo en red", "Cooperación", "Coordinación", "Coalición", "Colaboración"),
                "pt": ("Nenhuma", "Trabalho em rede", "Cooperação", "Coordenação", "Coalizão", "Colaboração"),
                "de": ("Keine", "Vernetzung", "Kooperation", "Koordination", "Koalition", "Kollaboration"),
                "nb": ("Ingen", "Nettverk", "Kooperasjon", "Koordinering", "Koalisjon", "Kollaborasjon"),
            },
            {
                0: ("no relationship", "aucun", "ninguno", "nenhum", "kein"),
                1: ("réseau", "red", "rede", "netzwerk", "nettverksbygging"),
                4: ("coligação",),
                5: ("zusammenarbeit",),
            },
        ),
    )
}

# which built-in scale each rated column uses by default
FIELD_SCALES = {
    "score": "agree5",
    "power": "rating5",
    "interest": "rating5",
    "legitimacy": "rating5",
    "urgency": "rating5",
    "support": "support5",
    "level": "level6",
    "trust_openness": "trust4",
    "trust_reliability": "trust4",
    "trust_mission": "trust4",
    "value_power": "trust4",
    "value_resources": "trust4",
    "value_involvement": "trust4",
}

DEFAULT_MISSING = (
    "don't know", "do not know", "dont know", "dk", "n/a", "na", "not applicable", "no answer",
    "prefer not to say", "no opinion", "99", "-99", "999", "-999", ".", "-",
    "je ne sais pas", "ne sais pas", "ne sait pas", "sans objet", "non applicable", "sans opinion",
    "no sé", "no sabe", "no aplica", "no corresponde", "ns/nc", "não sei", "não se aplica",
    "não sabe", "weiß nicht", "weiss nicht", "keine angabe", "trifft nicht zu", "k.a.",
    "vet ikke", "ikke relevant", "ikke aktuelt",
)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "\u00a0": " "})
_INVISIBLE = re.compile(r"[\ufeff\u200b\u200c\u200d\u2060]")
_ANCHOR = (
    re.compile(r"^\s*(?P<n>[+-]?\d+(?:[.,]\d+)?)\s*(?:[-–—:=.)]\s*|\(\s*)(?P<label>[^\d\s()].*?)\)?\s*$"),
    re.compile(r"^(?P<label>[^\d\s()].*\S)\s*\(\s*(?P<n>[+-]?\d+(?:[.,]\d+)?)\s*\)\s*$"),
    re.compile(r"^(?P<label>[^\d\s()].*\S)\s*[-–—:=]\s*(?P<n>[+-]?\d+(?:[.,]\d+)?)\s*$"),
)
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def fold(text: str, *, accents: bool = True) -> str:
    """A label folded for matching: no BOM, NFKC, case-folded, straight quotes, single spaces,
    no trailing punctuation; with ``accents=False`` also without accents."""
    s = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES).casefold()
    s = re.sub(r"\s+", " ", s).strip().rstrip(".:;!").strip()
    if not accents:
        s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    return s


def _number(text: str) -> float | None:
    if not _NUMBER.match(text):
        return None
    v = float(text.replace(",", "."))
    return v if math.isfinite(v) else None


@dataclass
class Scale:
    """A scale as a mapping defines it: labels (any language) -> value, range for numbers."""

    name: str
    lo: float
    hi: float
    labels: dict[str, float] = field(default_factory=dict)  # folded label -> value
    codes: dict[str, float] = field(default_factory=dict)  # the mapping's own labels/codes, exact first
    numbers: bool = True  # numbers lo..hi are read as they are
    missing: frozenset[str] = frozenset(fold(m) for m in DEFAULT_MISSING)
    display: dict[float, str] = field(default_factory=dict)  # a label per value, for messages

    def read(self, value: object) -> tuple[str, float | None]:
        """(status, value): status is ``ok``, ``blank``, ``missing`` or ``unknown``."""
        text = cell_text(value)
        if text is None:
            return "blank", None
        if text in self.codes:
            return "ok", self.codes[text]
        f = fold(text)
        if not f:
            return "blank", None
        if f in self.codes:
            return "ok", self.codes[f]
        if f in self.missing:
            return "missing", None
        n = _number(f)
        if n is not None:
            if self.numbers and self.lo <= n <= self.hi:
                return "ok", n
            return "unknown", None
        if f in self.labels:
            return "ok", self.labels[f]
        bare = fold(f, accents=False)
        if bare in self.labels:
            return "ok", self.labels[bare]
        for pattern in _ANCHOR:
            m = pattern.match(f)
            if m:
                label = m.group("label").strip()
                if label in self.labels or fold(label, accents=False) in self.labels:
                    return "ok", self.labels.get(label, self.labels.get(fold(label, accents=False)))
                if label in self.missing:
                    return "missing", None
                num = _number(m.group("n"))
                if num is not None and self.numbers and self.lo <= num <= self.hi:
                    return "ok", num
        return "unknown", None

    def nearest(self, value: object) -> str | None:
        """The label closest to an unknown answer (for the diagnostic)."""
        text = fold(cell_text(value) or "")
        n = _number(text)
        if n is not None:
            v = self.lo if n < self.lo else self.hi
            return f"{v:g}" + (f" ({self.display[v]})" if v in self.display else "") + \
                f": the scale runs {self.lo:g}..{self.hi:g}"
        from rapidfuzz import fuzz, process

        choices = {**{k: v for k, v in self.labels.items()}, **self.codes}
        if not choices:
            return None
        best = process.extractOne(text, list(choices), scorer=fuzz.WRatio)
        if best is None:
            return None
        label, score, _ = best
        if score < 50:
            return None
        return f"'{label}' = {choices[label]:g} (similarity {score:.0f})"

    def expected(self) -> str:
        shown = ", ".join(f"{v:g} {self.display[v]}" for v in sorted(self.display)) if self.display else ""
        return f"{self.lo:g}..{self.hi:g}" + (f" ({shown})" if shown else "")


def builtin_scale(name: str, *, missing: frozenset[str] | None = None) -> Scale:
    b = BUILTIN[name]
    labels: dict[str, float] = {}
    for lang_labels in b.labels.values():
        for v, word in zip(b.values, lang_labels, strict=True):
            labels.setdefault(fold(word), float(v))
            labels.setdefault(fold(word, accents=False), float(v))
    for v, words in b.variants.items():
        for w in words:
            labels.setdefault(fold(w), float(v))
            labels.setdefault(fold(w, accents=False), float(v))
    english = {"agree5": LIKERT_LABELS, "trust4": TRUST_LABELS, "level6": LEVEL_LABELS}.get(name, {})
    for word, v in english.items():
        labels.setdefault(fold(word), float(v))
    scale = Scale(
        name=name, lo=float(b.lo), hi=float(b.hi), labels=labels,
        display={float(v): w for v, w in zip(b.values, b.labels["en"], strict=True)},
    )
    if missing is not None:
        scale.missing = missing
    return scale
