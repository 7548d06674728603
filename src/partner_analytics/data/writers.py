"""Write tables (a Partnership or plain frames) as a package folder of CSV files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from partner_analytics.data.readers import FILE_COL, ROW_COL
from partner_analytics.data.schemas import TABLE_ORDER, TABLES

__all__ = ["write_package"]

_DERIVED = {FILE_COL, ROW_COL, "wave_end"}


def _text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.drop(columns=[c for c in frame.columns if c in _DERIVED])
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[c] = s.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(s):
            # whole numbers without a trailing .0 keep files readable
            out[c] = s.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else repr(float(v))))
    return out


def write_package(tables, out: str | Path, *, name: str | None = None, skip_empty: bool = True) -> Path:
    """Write ``tables`` (a Partnership or a dict of frames) to ``out`` as ``<table>.csv`` files.

    Provenance columns (``_file``, ``_row``) and derived ones (``wave_end``) are left out, so
    the folder loads back as the same package. A ``package.yml`` holds the partnership name.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frames = tables.tables if hasattr(tables, "tables") else dict(tables)
    present = getattr(tables, "present", None)
    if name is None:
        name = getattr(tables, "name", None)
    for table in TABLE_ORDER:
        frame = frames.get(table)
        if frame is None or (skip_empty and not len(frame)):
            continue
        if present is not None and table not in present:
            continue  # e.g. the packaged default factor set
        _text(frame).to_csv(out / f"{table}.csv", index=False)
    unknown = set(frames) - set(TABLES)
    if unknown:
        raise ValueError(f"not tables of a package: {', '.join(sorted(unknown))}")
    if name:
        (out / "package.yml").write_text(f"name: {name!r}\n".replace("'", '"'), encoding="utf-8")
    return out
