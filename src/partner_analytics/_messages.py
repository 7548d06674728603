"""Extract the marked messages and bring the catalogues up to date (``make messages``).

``python -m partner_analytics._messages`` writes ``locale/<domain>.pot`` from the source
(the folders of :data:`partner_analytics.i18n.DOMAINS`) and adds every new message to each
language's ``.po`` with an empty translation, dropping messages the source no longer has.
tests/test_i18n.py then names what is left to translate.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from partner_analytics.i18n import DOMAINS, LANGUAGES, LOCALE_DIR

#: How messages are marked: ``_("...")``, ``N_("...")``, ``_.ngettext("s", "p", n)``.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
COMMENT_TAGS = ["TRANSLATORS:"]
PACKAGE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)?(?:[:!][^{}]*)?\}")


def template(domain: str):
    """The catalogue template of ``domain``: every message its folders mark, in source order."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(domain=domain, fuzzy=False, **_header(None, domain))
    for folder in DOMAINS[domain]:
        path = PACKAGE / folder
        if not path.is_dir():
            continue
        found = extract_from_dir(
            str(path), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS, strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            rel = f"{folder}/{filename}"
            catalog.add(message, locations=[(rel, lineno)], auto_comments=comments, context=context)
    return catalog


def _header(lang: str | None, domain: str) -> dict:
    """A catalogue's header: who it belongs to, in plain words."""
    what = f"{LANGUAGES[lang]} messages" if lang else "Messages"
    return {
        "header_comment": f"# {what} of partner_analytics, domain {domain!r}.\n"
        "# Distributed under the same licence as partner_analytics (MIT).\n#",
        "project": "partner_analytics",
        "version": "1",
        "copyright_holder": "the partner_analytics contributors",
        "msgid_bugs_address": "the issue tracker of partner_analytics",
        "last_translator": "the partner_analytics contributors",
        "language_team": LANGUAGES[lang] if lang else "",
    }


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a message (``{{`` escapes excluded)."""
    return {m.group(1) or "" for m in PLACEHOLDER.finditer(text.replace("{{", "").replace("}}", ""))}


def update(domains=None) -> list[Path]:
    """Write each domain's ``.pot`` and update its ``.po`` in every language; return the files."""
    from babel.messages.pofile import read_po, write_po

    written = []
    for domain in domains or DOMAINS:
        pot = template(domain)
        LOCALE_DIR.mkdir(parents=True, exist_ok=True)
        target = LOCALE_DIR / f"{domain}.pot"
        _write(target, pot, write_po, omit_header=False)
        written.append(target)
        for lang in LANGUAGES:
            if lang == "en":
                continue
            po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
            if po_path.is_file():
                with po_path.open("rb") as fh:
                    catalog = read_po(fh, locale=lang, domain=domain)
                catalog.update(pot, no_fuzzy_matching=True)
            else:
                from babel.messages.catalog import Catalog

                catalog = Catalog(locale=lang, domain=domain, fuzzy=False, **_header(lang, domain))
                catalog.update(pot, no_fuzzy_matching=True)
            po_path.parent.mkdir(parents=True, exist_ok=True)
            _write(po_path, catalog, write_po, omit_header=False, ignore_obsolete=True)
            written.append(po_path)
    return written


def _write(path: Path, catalog, write_po, **kw) -> None:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, no_location=False, include_lineno=False, **kw)
    text = buf.getvalue()
    # no dates in the header: a catalogue changes only when its messages do
    text = re.sub(rb'"(POT-Creation-Date|PO-Revision-Date): [^"]*\\n"\n', b"", text)
    path.write_bytes(text)


if __name__ == "__main__":  # pragma: no cover - a chore
    for p in update(sys.argv[1:] or None):
        print(p.relative_to(PACKAGE.parent.parent))
