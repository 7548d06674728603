"""Which files are read, and how much of them: regular files only, no links, size limits.

The loader reads only what the user named: the package folder (or workbook, or store) and
the regular files in it. A symbolic link or a special file (device, pipe, socket) where a
table file should be is reported and not read; links are never followed, so a package
cannot make the loader read (and echo) a file elsewhere on the machine.

Workbooks are checked before they are opened: an ``.xlsx`` file is a zip archive, and a
small one can expand to gigabytes. :class:`Limits` holds every limit with its default;
pass your own to :func:`~partner_analytics.data.load.load_partnership` or set the
environment variables named in docs/data-package.md.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path

from partner_analytics.data.problems import Rule, problem
from partner_analytics.data.text import excerpt

__all__ = ["DEFAULT_LIMITS", "Limits", "check_entry", "check_workbook", "list_entries"]

_MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """How much the loader reads before it refuses a file (each can be changed).

    Environment variables ``PARTNER_ANALYTICS_<FIELD>`` (upper case, e.g.
    ``PARTNER_ANALYTICS_XLSX_MAX_ROWS=500000``) change the defaults of :meth:`from_env`.
    """

    file_max_bytes: int = 8 * 1024 * _MIB  # any one table file
    xlsx_max_bytes: int = 200 * _MIB  # a workbook as stored (compressed)
    xlsx_max_unzipped_bytes: int = 1024 * _MIB  # a workbook's parts once decompressed
    xlsx_max_ratio: int = 200  # decompressed / compressed size of a part (of 1 MiB or more)
    xlsx_max_rows: int = 300_000  # rows of one sheet
    xlsx_max_cells: int = 6_000_000  # cells of one workbook
    cell_max_chars: int = 32_767  # characters in one cell (Excel's own limit)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """The defaults, changed by ``PARTNER_ANALYTICS_<FIELD>`` environment variables."""
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            text = env.get(f"PARTNER_ANALYTICS_{f.name.upper()}")
            if text is None:
                continue
            try:
                values[f.name] = int(text.replace("_", ""))
            except ValueError:
                raise ValueError(
                    f"PARTNER_ANALYTICS_{f.name.upper()}={excerpt(text)!s}: expected a whole number"
                ) from None
        return cls(**values)


DEFAULT_LIMITS = Limits()


def check_entry(path: Path, display: str, table: str | None, limits: Limits) -> dict | None:
    """A problem when ``path`` may not be read as a table file (a link, not a regular file,
    too large), else None. Links are not followed."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        return problem("error", Rule.UNREADABLE_FILE, table, display,
                       f"cannot read '{excerpt(display)}': {exc.strerror or exc}")  # fmt: skip
    if stat.S_ISLNK(st.st_mode):
        return problem(
            "error", Rule.SYMLINK, table, display,
            f"'{excerpt(display)}' is a symbolic link and was not read: put the file itself "
            "in the package",
        )  # fmt: skip
    if not stat.S_ISREG(st.st_mode):
        return problem(
            "error", Rule.NOT_A_FILE, table, display,
            f"'{excerpt(display)}' is not a regular file (a device, pipe or socket) and was "
            "not read",
        )  # fmt: skip
    if st.st_size > limits.file_max_bytes:
        return problem(
            "error", Rule.TOO_LARGE, table, display,
            f"'{excerpt(display)}' has {st.st_size:,} bytes: more than the limit of "
            f"{limits.file_max_bytes:,} (file_max_bytes)",
        )  # fmt: skip
    return None


def list_entries(folder: Path) -> list[os.DirEntry]:
    """The entries of a folder, sorted by name, hidden and temporary files left out."""
    with os.scandir(folder) as it:
        entries = [e for e in it if not e.name.startswith((".", "~$"))]
    return sorted(entries, key=lambda e: e.name)


def walk_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """Files under ``folder`` (sorted) and entries refused (links, special files): links to
    folders are not entered."""
    files: list[Path] = []
    refused: list[Path] = []
    for entry in list_entries(folder):
        path = Path(entry.path)
        if entry.is_symlink():
            refused.append(path)
        elif entry.is_dir(follow_symlinks=False):
            sub_files, sub_refused = walk_files(path)
            files += sub_files
            refused += sub_refused
        elif entry.is_file(follow_symlinks=False):
            files.append(path)
        else:
            refused.append(path)
    return files, refused


def check_workbook(path: Path, display: str, table: str | None, limits: Limits) -> dict | None:
    """A problem when an ``.xlsx`` file would expand beyond the limits (checked on the zip's
    directory, before anything is decompressed), else None."""
    size = path.stat().st_size
    if size > limits.xlsx_max_bytes:
        return problem(
            "error", Rule.TOO_LARGE, table, display,
            f"the workbook has {size:,} bytes: more than the limit of {limits.xlsx_max_bytes:,} "
            "(xlsx_max_bytes); save the table as CSV",
        )  # fmt: skip
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return problem(
            "error", Rule.UNREADABLE_FILE, table, display,
            f"cannot read the file as an Excel workbook (.xlsx): {excerpt(exc, 80)}",
        )  # fmt: skip
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size >= _MIB and m.file_size > limits.xlsx_max_ratio * max(m.compress_size, 1):
            return problem(
                "error", Rule.TOO_LARGE, table, display,
                f"part '{excerpt(m.filename)}' of the workbook expands {m.file_size:,} bytes from "
                f"{m.compress_size:,}: more than {limits.xlsx_max_ratio} times "
                "(xlsx_max_ratio); this is not an ordinary workbook",
            )  # fmt: skip
    if total > limits.xlsx_max_unzipped_bytes:
        return problem(
            "error", Rule.TOO_LARGE, table, display,
            f"the workbook expands to {total:,} bytes: more than the limit of "
            f"{limits.xlsx_max_unzipped_bytes:,} (xlsx_max_unzipped_bytes); save the table as CSV",
        )  # fmt: skip
    return None
