"""The one place that decides how a path is read: a package folder, a workbook or a store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from partner_analytics.data.files import Limits
from partner_analytics.data.partnership import TABLE_NAMES, Partnership, build_partnership
from partner_analytics.data.readers import RawPackage, read_files
from partner_analytics.data.store import load_store, read_store_raw

__all__ = ["STORE_SUFFIXES", "is_store", "load_partnership", "read_package"]

STORE_SUFFIXES = (".duckdb", ".db", ".ddb")


def is_store(path: str | Path) -> bool:
    """Whether ``path`` names a store (by its suffix): it is then opened as one, never as text."""
    return Path(path).suffix.lower() in STORE_SUFFIXES


def read_package(path: str | Path, known: set[str] | None = None, limits: Limits | None = None) -> RawPackage:
    """A package folder, a workbook or a store, as raw text tables (not validated yet)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such package: {path}")
    known = set(TABLE_NAMES) if known is None else known
    if not path.is_dir() and is_store(path):
        return read_store_raw(path, known)
    return read_files(path, known, limits or Limits.from_env())


def load_partnership(
    path: str | Path,
    drop_invalid: bool = False,
    *,
    today: date | None = None,
    min_n: int | None = None,
    limits: Limits | None = None,
) -> Partnership:
    """Load and validate a partnership data package.

    Parameters
    ----------
    path
        A package folder (one file, or one folder of files, per table; CSV, XLSX or Parquet),
        one ``.xlsx`` workbook with a sheet per table, or a ``.duckdb`` store made by
        ``partner-analytics import``.
    drop_invalid
        With False (default) a package with errors raises :class:`ValidationError`, whose
        ``.problems`` lists every problem. With True the bad rows are dropped and kept, with
        their reasons, in ``p.rejected``.
    today
        The day against which dates are checked for lying in the future (warnings only).
    min_n
        The fewest raters or respondents a result is shown for; by default the package's own
        (``min_n`` in package.yml), else 3.
    limits
        How much of each file is read (:class:`~partner_analytics.data.files.Limits`); by
        default :meth:`Limits.from_env`.

    Returns
    -------
    Partnership
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such package: {path}")
    if not path.is_dir() and is_store(path):
        return load_store(path, drop_invalid, today=today, min_n=min_n)
    raw = read_files(path, set(TABLE_NAMES), limits or Limits.from_env())
    return build_partnership(raw, drop_invalid=drop_invalid, today=today, min_n=min_n)
