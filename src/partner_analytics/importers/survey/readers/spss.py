"""SPSS ``.sav`` files (Qualtrics, LimeSurvey, SurveyCTO offer them), with pyreadstat.

Variable labels become question texts and value labels the answers (``Strongly agree``
rather than ``5``), so that the scales read them like any other export. pyreadstat is an
optional extra: ``pip install partner_analytics[survey]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from partner_analytics.errors import InputFileError
from partner_analytics.importers.survey.files import open_named_file

__all__ = ["read_sav_grid"]


def read_sav_grid(path: Path, display: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The file as a grid (header row first, then records) and the variables' labels."""
    try:
        import pyreadstat
    except ImportError:
        raise InputFileError(
            f"{display}: reading SPSS .sav files needs pyreadstat "
            "(pip install 'partner_analytics[survey]')"
        ) from None
    with open_named_file(path, ".sav file"):
        pass  # refuses a link or a non-regular file before pyreadstat opens the path
    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=True, formats_as_category=False)
    except Exception as exc:  # noqa: BLE001 - pyreadstat raises its own ReadstatError and others
        raise InputFileError(f"{display}: cannot be read as an SPSS .sav file: {exc}") from None
    labels = dict(zip(meta.column_names, meta.column_labels or [None] * len(meta.column_names), strict=False))
    body = frame.astype(object).where(frame.notna(), None).to_numpy(dtype=object)
    grid = pd.DataFrame(np.vstack([np.array(list(frame.columns), dtype=object)[None, :], body]) if len(body) else [list(frame.columns)], dtype=object)
    grid.index = np.arange(1, len(grid) + 1)
    return grid, {k: v for k, v in labels.items() if v}
