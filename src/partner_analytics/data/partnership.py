"""The Partnership: validated tables, problems, rejected rows and settings of one package."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from partner_analytics.data.problems import PROBLEM_COLUMNS, REJECTED_COLUMNS
from partner_analytics.data.readers import FILE_COL, ROW_COL, RawPackage, RawTable, read_frame
from partner_analytics.data.schemas import TABLE_ORDER, TABLES
from partner_analytics.data.validate import DEFAULT_MIN_N, empty_table, validate_package
from partner_analytics.errors import MissingTableError, ValidationError

__all__ = [
    "PACKAGED_INSTRUMENT",
    "TABLE_NAMES",
    "Partnership",
    "build_partnership",
    "default_factors_table",
    "package_name",
    "sha256_file",
]

TABLE_NAMES = tuple(TABLE_ORDER)
PROVENANCE = (FILE_COL, ROW_COL)
PACKAGED_INSTRUMENT = "mutuality (packaged default)"


def _framework_defaults():
    from partner_analytics import frameworks

    return frameworks.mutuality_factors(), frameworks.readiness_checklist()


@dataclass
class Partnership:
    """A loaded partnership data package.

    Every table of the contract is an attribute (``p.partners``, ``p.stakeholder_ratings``,
    ...): a pandas DataFrame with the contract's columns and types, then any extra columns,
    then ``_file`` and ``_row`` (where each row came from). A table the package does not have
    is an empty frame with the right columns. ``problems`` lists every problem found
    (severity, rule, table, file, row, column, value, message); ``rejected`` holds the rows
    dropped with ``drop_invalid=True`` and their reasons. ``min_n`` is the fewest raters or
    respondents a result is shown for (``package.yml``: ``min_n: 5``; default 3).
    """

    tables: dict[str, pd.DataFrame]
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))
    source: str = ""
    name: str = ""
    present: frozenset[str] = frozenset()
    files: tuple[Path, ...] = ()
    ledger: pd.DataFrame | None = None  # the import ledger when loaded from a store
    instrument: str = "package"  # "package" or "mutuality (packaged default)"
    min_n: int = DEFAULT_MIN_N  # smallest count of raters or respondents an aggregate is shown for
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # computed frames, owned here

    def __getattr__(self, item: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables")
        if tables is not None and item in tables:
            return tables[item]
        raise AttributeError(f"Partnership has no table or attribute {item!r}")

    def __dir__(self):
        return [*super().__dir__(), *self.tables]

    def has(self, table: str) -> bool:
        """True when the package has the table with at least one row."""
        return table in self.tables and len(self.tables[table]) > 0

    def require(self, *tables: str, by: str = "this analysis") -> None:
        """Raise :class:`MissingTableError` naming the first missing (or empty) table."""
        for t in tables:
            if not self.has(t):
                have = ", ".join(n for n in TABLE_NAMES if self.has(n)) or "no tables"
                raise MissingTableError(
                    f"{by} needs table '{t}', which the package "
                    f"{'has without rows' if t in self.present else 'does not have'}; "
                    f"the package has: {have}"
                )

    def table(self, name: str, *, provenance: bool = False) -> pd.DataFrame:
        """A table, without the ``_file``/``_row`` columns unless asked."""
        frame = self.tables[name]
        return frame if provenance else frame.drop(columns=list(PROVENANCE))

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "warning"]

    def file_hashes(self) -> pd.DataFrame:
        """sha256 of every input file (provenance for reports)."""
        rows = []
        for f in self.files:
            if Path(f).is_file():
                rows.append({"file": str(f), "sha256": sha256_file(f), "bytes": Path(f).stat().st_size})
        return pd.DataFrame(rows, columns=["file", "sha256", "bytes"])

    def summary(self) -> pd.DataFrame:
        """Tables and row counts."""
        return pd.DataFrame(
            [{"table": n, "rows": len(self.tables[n]), "given": n in self.present} for n in TABLE_NAMES]
        )

    def __repr__(self) -> str:
        given = ", ".join(f"{n}={len(self.tables[n])}" for n in TABLE_NAMES if self.has(n))
        return f"<Partnership {self.name!r}: {given}; {len(self.problems)} problem(s)>"

    @classmethod
    def from_frames(
        cls,
        *,
        drop_invalid: bool = False,
        today: date | None = None,
        name: str = "partnership",
        min_n: int = DEFAULT_MIN_N,
        **frames: pd.DataFrame,
    ) -> Partnership:
        """Validate tables given as DataFrames (cells may be typed or text), like a package."""
        tables = {}
        problems: list[dict] = []
        for table, frame in frames.items():
            if frame is None:
                continue
            display = f"<{table}>"
            tables[table] = RawTable(table, read_frame(frame, table, display, problems), [display])
        raw = RawPackage(source=name, kind="frames", tables=tables, problems=problems)
        return build_partnership(raw, drop_invalid=drop_invalid, today=today, name=name, min_n=min_n)


def default_factors_table(factors: pd.DataFrame | None = None) -> pd.DataFrame:
    """The packaged mutuality factor set, shaped as a validated ``factors`` table."""
    if factors is None:
        factors = _framework_defaults()[0]
    f = factors.copy()
    f[FILE_COL] = "(packaged mutuality factor set)"
    f[ROW_COL] = pd.array(range(2, len(f) + 2), dtype="Int64")
    out = pd.concat([empty_table(TABLES["factors"]), f], ignore_index=True)
    out[FILE_COL] = out[FILE_COL].astype("category")
    return out


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_name(raw: RawPackage) -> str:
    """The partnership's name: ``name`` of package.yml, else the folder's or file's name."""
    if raw.settings.get("name"):
        return str(raw.settings["name"])
    return Path(raw.source).stem.replace("_", " ").replace("-", " ").strip() or "partnership"


def build_partnership(
    raw: RawPackage,
    *,
    drop_invalid: bool,
    today: date | None = None,
    name: str | None = None,
    min_n: int | None = None,
) -> Partnership:
    """Validate a raw package into a :class:`Partnership`.

    Raises :class:`ValidationError` when there are errors (unless ``drop_invalid``, and
    then only when no partner is left). ``min_n`` overrides the package's own setting.
    """
    factors, checklist = _framework_defaults()
    min_n = min_n if min_n is not None else raw.settings.get("min_n", DEFAULT_MIN_N)
    v = validate_package(
        raw, drop_invalid=drop_invalid, today=today, default_factors=factors,
        checklist=checklist, min_n=min_n,
    )  # fmt: skip
    if (v.problems["severity"] == "error").any() and (
        not drop_invalid or not len(v.tables["partners"])
    ):
        raise ValidationError(v.problems, raw.source)
    tables = v.tables
    instrument = "package"
    if not len(tables["factors"]):
        instrument = PACKAGED_INSTRUMENT
        tables["factors"] = default_factors_table(factors)
    return Partnership(
        tables=tables,
        problems=v.problems,
        rejected=v.rejected,
        source=raw.source,
        name=name or package_name(raw),
        present=frozenset(v.present),
        files=tuple(raw.files),
        instrument=instrument,
        min_n=min_n,
    )
