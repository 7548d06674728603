"""The language a page is written in: gettext catalogues read with Babel, locale formats.

Every word a reader sees (report, dashboards, survey forms) is an English message marked in
the source and looked up, when the page is written, in the catalogue of the current
language. Catalogues are plain gettext ``.po`` files, one per *domain* (the part of the
product that owns the words) and language::

    src/partner_analytics/locale/<domain>.pot                    what the source marks
    src/partner_analytics/locale/<lang>/LC_MESSAGES/<domain>.po  its translation

``make messages`` extracts the templates and updates the catalogues; tests/test_i18n.py
fails when the source marks a message that a catalogue lacks or leaves untranslated. A
message a catalogue lacks reads in English (gettext's fallback), never as an error.

The current language is, in order: the one of a :func:`use_language` block, the one set
with :func:`set_language` (the ``--lang`` option, a notebook's ``lang`` parameter),
``PARTNER_ANALYTICS_LANG``, English.

Marking, in a module of domain ``report``::

    from partner_analytics.i18n import N_, Translator

    _ = Translator("report")
    _("Key findings")                                   # looked up now
    _("{n} partners").format(n=3)                       # placeholders by name
    _.ngettext("{n} action", "{n} actions", n).format(n=n)
    TITLES = {"health": N_("Collaboration health")}     # marked now, looked up on use:
    _(TITLES["health"])

Numbers and days: :func:`format_decimal`, :func:`format_percent`, :func:`format_date`
write them as the current language does ("0,62" and "15 août 2026" in French).
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as _gettext
import io
import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

__all__ = [
    "DOMAINS",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "Messages",
    "Translator",
    "babel_locale",
    "format_date",
    "format_decimal",
    "format_percent",
    "gettext",
    "language",
    "ngettext",
    "normalise_language",
    "set_language",
    "use_language",
]

#: The languages of the report and the dashboards: code -> the language's own name.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "nb": "Norsk bokmål",
}

#: The Babel locale each language's numbers and days are written in.
_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES", "nb": "nb_NO"}

#: Other ways people write a language code -> ours.
_ALIASES = {"no": "nb", "nob": "nb", "nn": "nb", "eng": "en", "fra": "fr", "fre": "fr", "spa": "es"}

#: The domains (who owns the words) and the source folders their messages are extracted from.
DOMAINS: dict[str, tuple[str, ...]] = {
    "report": ("report",),
    "dashboards": ("dashboards",),
    "common": ("present", "analysis"),
    "figures": ("figures",),
    "forms": ("importers/survey",),
}

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV = "PARTNER_ANALYTICS_LANG"

_process: str | None = None
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("partner_analytics_lang", default=None)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues without looking it up (module-level tables)."""
    return message


def normalise_language(lang: str | None) -> str:
    """``"fr"``, ``"fr_FR"``, ``"fr-CA"``, ``"FR"``, ``"no"`` -> our code; ValueError if unknown."""
    text = (lang or "").strip().replace("-", "_").lower()
    code = text.split("_")[0].split(".")[0]
    code = _ALIASES.get(code, code)
    if code not in LANGUAGES:
        shown = lang if lang is not None else "(none)"
        raise ValueError(
            f"unknown language {shown!r}: expected one of {', '.join(LANGUAGES)} "
            f"({', '.join(f'{k} = {v}' for k, v in LANGUAGES.items())})"
        )
    return code


def language() -> str:
    """The current language: :func:`use_language`, else ``PARTNER_ANALYTICS_LANG``, else en."""
    chosen = _current.get() or _process
    if chosen:
        return chosen
    env = os.environ.get(ENV, "").strip()
    if env:
        try:
            return normalise_language(env)
        except ValueError:
            return "en"
    return "en"


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Write in ``lang`` inside the block (``None``: leave the current language)."""
    code = normalise_language(lang) if lang else language()
    token = _current.set(code)
    try:
        yield code
    finally:
        _current.reset(token)


def set_language(lang: str | None) -> str:
    """Write in ``lang`` from now on in this process (a notebook's or a dashboard's kernel).

    A process-wide setting, not a context variable: a kernel runs each cell in a fresh
    context, so a language set in the first cell must outlive it. ``None`` goes back to
    ``PARTNER_ANALYTICS_LANG`` or English.
    """
    global _process
    _process = normalise_language(lang) if lang else None
    return language()


@cache
def _translations(domain: str, lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``domain`` in ``lang``; English (the source) when absent."""
    if lang == "en":
        return _gettext.NullTranslations()
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po.is_file():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=_LOCALES[lang], domain=domain)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext(domain: str, message: str) -> str:
    """``message`` in the current language (English when the catalogue lacks it)."""
    if not message:
        return message
    return _translations(domain, language()).gettext(message)


def ngettext(domain: str, singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the current language."""
    return _translations(domain, language()).ngettext(singular, plural, int(n))


class Translator:
    """``_ = Translator("report")``: ``_("Key findings")`` and ``_.ngettext(...)``."""

    __slots__ = ("domain",)

    def __init__(self, domain: str):
        if domain not in DOMAINS:
            raise ValueError(f"unknown message domain {domain!r}: expected one of {', '.join(DOMAINS)}")
        self.domain = domain

    def __call__(self, message: str) -> str:
        return gettext(self.domain, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(self.domain, singular, plural, n)

    def __repr__(self) -> str:
        return f"Translator({self.domain!r})"


class Messages(Mapping):
    """A module's table of marked messages, looked up in the current language on each read.

    ``TEXT = Messages("dashboards", {"title": N_("Overview")})``; ``TEXT["title"]`` reads
    "Vue d'ensemble" while French is the current language.
    """

    def __init__(self, domain: str, messages: Mapping[str, str]):
        self._ = Translator(domain)
        self._messages = dict(messages)

    def __getitem__(self, key: str) -> str:
        return self._(self._messages[key])

    def __iter__(self):
        return iter(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def source(self, key: str) -> str:
        """The English message of ``key`` (what the catalogues translate)."""
        return self._messages[key]


# ---------------------------------------------------------------- numbers and days
def babel_locale(lang: str | None = None) -> str:
    """The Babel locale of ``lang`` (the current language by default): "fr" -> "fr_FR"."""
    return _LOCALES[normalise_language(lang) if lang else language()]


def format_decimal(value: float, digits: int = 1, *, lang: str | None = None) -> str:
    """``value`` with exactly ``digits`` decimals as the language writes it ("0,62" in fr).

    Thousands are grouped ("12,345.6" in English, "12 345,6" in French).
    """
    from babel.numbers import format_decimal as _fmt

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _fmt(round(float(value), digits), format=pattern, locale=babel_locale(lang))


def format_percent(value: float, digits: int = 0, *, lang: str | None = None) -> str:
    """A share (0.25) as a percentage as the language writes it ("25 %" in fr, "25%" in en)."""
    from babel import Locale
    from babel.numbers import format_percent as _fmt

    loc = babel_locale(lang)
    pattern = Locale.parse(loc).percent_formats[None].pattern  # "#,##0 %" in French
    if digits > 0:
        pattern = pattern.replace("0%", "0." + "0" * digits + "%").replace("0\xa0%", "0." + "0" * digits + "\xa0%")
    return _fmt(float(value), format=pattern, locale=loc)


def format_date(day, form: str = "medium", *, lang: str | None = None) -> str:
    """A day as the language writes it: "15 Aug 2026", "15 août 2026", "15. aug. 2026".

    ``form`` is a Babel width ("short", "medium", "long") or a Babel pattern.
    """
    import pandas as pd
    from babel.dates import format_date as _fmt

    ts = pd.Timestamp(day)
    if form == "medium" and (lang or language()) in ("en", None):
        # the product's English day ("15 Aug 2026"), without en_GB's leading zero
        return ts.strftime("%d %b %Y").lstrip("0")
    return _fmt(ts.date(), format=form, locale=babel_locale(lang))
