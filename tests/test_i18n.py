"""The catalogues: every marked message translated in every language, formats per locale."""

from __future__ import annotations

import pytest

from partner_analytics import i18n
from partner_analytics._messages import placeholders, template
from partner_analytics.i18n import DOMAINS, LANGUAGES, LOCALE_DIR

OTHER = [lang for lang in LANGUAGES if lang != "en"]


def _read(path):
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh)


@pytest.mark.parametrize("domain", list(DOMAINS))
def test_template_is_up_to_date(domain):
    """The committed .pot holds exactly what the source marks (else: make messages)."""
    marked = {m.id for m in template(domain) if m.id}
    pot = LOCALE_DIR / f"{domain}.pot"
    committed = {m.id for m in _read(pot) if m.id} if pot.is_file() else set()
    assert marked - committed == set(), f"{pot.name} lacks messages the source marks: run `make messages`"
    assert committed - marked == set(), f"{pot.name} has messages the source no longer marks: run `make messages`"


@pytest.mark.parametrize("lang", OTHER)
@pytest.mark.parametrize("domain", list(DOMAINS))
def test_every_message_is_translated(domain, lang):
    marked = [m for m in template(domain) if m.id]
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    assert path.is_file() or not marked, f"no catalogue {path.relative_to(LOCALE_DIR)}"
    if not marked:
        return
    po = _read(path)
    missing, wrong = [], []
    for m in marked:
        t = po.get(m.id, context=m.context)
        strings = t.string if t is not None else None
        forms = strings if isinstance(strings, tuple) else (strings,)
        if t is None or t.fuzzy or not all(forms):
            missing.append(m.id if isinstance(m.id, str) else m.id[0])
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        want = set().union(*(placeholders(i) for i in ids))
        for form in forms:
            if placeholders(form) != want:
                wrong.append(f"{ids[0]!r} -> {form!r}")
    assert not missing, f"{path.relative_to(LOCALE_DIR)}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not wrong, f"{path.relative_to(LOCALE_DIR)}: placeholders differ: {wrong[:5]}"


def test_missing_message_falls_back_to_english():
    with i18n.use_language("fr"):
        assert i18n.gettext("report", "A message no catalogue has") == "A message no catalogue has"


def test_language_from_environment(monkeypatch):
    monkeypatch.setenv("PARTNER_ANALYTICS_LANG", "nb_NO.UTF-8")
    assert i18n.language() == "nb"
    with i18n.use_language("es"):
        assert i18n.language() == "es"
    try:
        assert i18n.set_language("fr") == "fr" and i18n.language() == "fr"
    finally:
        i18n.set_language(None)
    assert i18n.language() == "nb"
    monkeypatch.setenv("PARTNER_ANALYTICS_LANG", "klingon")
    assert i18n.language() == "en"


def test_unknown_language_names_the_choices():
    with pytest.raises(ValueError, match="expected one of en, fr, es, nb"):
        i18n.normalise_language("de")


@pytest.mark.parametrize(
    ("lang", "number", "percent", "day"),
    [
        ("en", "12,345.68", "25%", "15 Aug 2026"),
        ("fr", "12\u202f345,68", "25\u00a0%", "15 août 2026"),
        ("es", "12.345,68", "25\u00a0%", "15 ago 2026"),
        ("nb", "12\u00a0345,68", "25\u00a0%", "15. aug. 2026"),
    ],
)
def test_locale_formats(lang, number, percent, day):
    """Hand-written from each language's conventions (CLDR): decimal comma, spaced percent."""
    assert i18n.format_decimal(12345.678, 2, lang=lang) == number
    assert i18n.format_percent(0.253, lang=lang) == percent
    assert i18n.format_date("2026-08-15", lang=lang) == day
