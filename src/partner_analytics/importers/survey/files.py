"""Opening the files a user names, safely.

Rules: a named file is read only if it is a regular file and not a symbolic link (the link is
refused, never followed); a workbook or zip whose members would unpack to an absurd size is
refused before anything is decompressed; a zip is read member by member in memory (nothing is
extracted, so no path inside it can point outside it) and a member may not be a link; nothing
in a file is ever executed (formulas are read as their cached values, never evaluated).
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from partner_analytics.errors import InputFileError

__all__ = [
    "MAX_RATIO",
    "MAX_UNPACKED_BYTES",
    "check_zip_sizes",
    "open_named_file",
    "read_named_bytes",
    "zip_members",
]

# A survey export of 10^5 submissions x 300 questions unpacks to well under 2 GiB.
MAX_UNPACKED_BYTES = 2 * 1024**3
# Spreadsheet XML compresses 10-30x; a member that claims to grow more than this is a bomb.
MAX_RATIO = 200
_RATIO_FLOOR = 16 * 1024**2  # small members may compress better (a sheet of blanks)


def _check_regular(path: Path, what: str) -> os.stat_result:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such {what}") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputFileError(
            f"{path}: is a symbolic link; name the file itself (links are not followed)"
        )
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(f"{path}: is not a regular file (expected {what})")
    return st


def open_named_file(path: str | Path, what: str = "file"):
    """Open a file for reading in binary mode without following a symbolic link."""
    path = Path(path)
    _check_regular(path, what)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:  # e.g. the file became a link after the check
        raise InputFileError(f"{path}: cannot be opened: {exc.strerror}") from None
    return os.fdopen(fd, "rb")


def read_named_bytes(path: str | Path, what: str = "file", limit: int = MAX_UNPACKED_BYTES) -> bytes:
    """The bytes of a named file (not a link), refusing one larger than ``limit``."""
    path = Path(path)
    st = _check_regular(path, what)
    if st.st_size > limit:
        raise InputFileError(
            f"{path}: {st.st_size / 1024**2:.0f} MiB is larger than the {limit / 1024**2:.0f} MiB "
            f"a survey export may have"
        )
    with open_named_file(path, what) as fh:
        return fh.read(limit + 1)


def check_zip_sizes(data: bytes | Path, display: str) -> zipfile.ZipFile:
    """Open a zip (an .xlsx is one) after checking what its members claim to unpack to.

    Refuses: a file that is not a zip, members adding up to more than MAX_UNPACKED_BYTES,
    a member that grows more than MAX_RATIO times, a member that is a symbolic link.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputFileError(f"{display}: is not a readable .xlsx or .zip file ({exc})") from None
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputFileError(
                f"{display}: member {info.filename!r} would unpack from "
                f"{info.compress_size:,} to {info.file_size:,} bytes; refused as a zip bomb"
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputFileError(f"{display}: member {info.filename!r} is a symbolic link; refused")
    if total > MAX_UNPACKED_BYTES:
        raise InputFileError(
            f"{display}: would unpack to {total / 1024**3:.1f} GiB, more than the "
            f"{MAX_UNPACKED_BYTES / 1024**3:.0f} GiB allowed for a survey export"
        )
    return zf


def zip_members(data: bytes, display: str, suffix: str = ".csv") -> dict[str, bytes]:
    """The members of a zip whose names end with ``suffix``, read in memory (never extracted).

    Each member is read with a cap at the size its header declares, so a member that lies
    about its size cannot grow past it.
    """
    zf = check_zip_sizes(data, display)
    out: dict[str, bytes] = {}
    for info in zf.infolist():
        if info.is_dir() or not info.filename.lower().endswith(suffix):
            continue
        with zf.open(info) as fh:
            content = fh.read(info.file_size + 1)
        if len(content) > info.file_size:
            raise InputFileError(f"{display}: member {info.filename!r} is larger than it declares")
        out[info.filename] = content
    return out
