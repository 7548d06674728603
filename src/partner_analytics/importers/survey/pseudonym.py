"""Pseudonyms for respondent identifiers, keyed by a salt kept with the package.

An e-mail address (or, with ``pseudonymise: all``, any respondent identifier) becomes
``R-`` + 16 characters of HMAC-SHA256(salt, the address folded to lower case). The same
address gives the same pseudonym in every wave of the package, so a respondent's answers
can be followed across waves; the address itself is never written anywhere. The salt is 32
random bytes, created on the package's first survey import in ``_survey/salt`` (a folder the
loader does not read) and readable by its owner only. Whoever has the salt and a list of
candidate addresses can test them: keep ``_survey/`` out of copies of the package you share.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

__all__ = ["SALT_FILE", "looks_like_email", "package_salt", "pseudonym"]

SALT_FILE = Path("_survey") / "salt"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def looks_like_email(text: str | None) -> bool:
    return bool(text) and bool(_EMAIL.match(text.strip()))


def package_salt(package: Path, *, create: bool = True) -> bytes | None:
    """The package's salt, created when absent (and ``create``)."""
    path = package / SALT_FILE
    if path.is_symlink():
        raise PermissionError(f"{path}: is a symbolic link; refusing to read or write a salt through it")
    if path.is_file():
        text = path.read_text(encoding="ascii").strip()
        return bytes.fromhex(text)
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(salt.hex() + "\n")
    return salt


def pseudonym(salt: bytes, identifier: str) -> str:
    """``R-`` and 16 base32 characters of HMAC-SHA256(salt, identifier folded)."""
    key = identifier.strip().casefold().encode("utf-8")
    digest = hmac.new(salt, key, hashlib.sha256).digest()
    return "R-" + base64.b32encode(digest).decode("ascii")[:16]
