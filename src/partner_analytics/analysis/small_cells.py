"""The small-cell threshold ``min_n``: one setting, resolved in one place.

An aggregate over fewer than ``min_n`` distinct raters or respondents is kept in analysis
frames with ``suppressed = True`` and shown as "n < {min_n}", never as a number. The
threshold is the partnership's setting ``p.min_n`` (3 unless package.yml says otherwise);
an analysis' ``min_n`` argument overrides it for one call. :func:`resolve_min_n` is where
the two meet; :func:`small_cells` decorates the analyses that suppress cells, and records
the threshold used in the frame they return (``frame.attrs["min_n"]``), which figures and
pages read.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from partner_analytics.errors import AnalysisInputError

__all__ = ["check_min_n", "default_min_n", "resolve_min_n", "small_cells"]


def check_min_n(min_n) -> None:
    """Refuse a threshold that is not a whole number of at least 1."""
    if (
        isinstance(min_n, bool)
        or not isinstance(min_n, (int, np.integer, float))
        or int(min_n) != min_n
        or min_n < 1
    ):
        raise AnalysisInputError(f"min_n must be a whole number of at least 1; got {min_n!r}")


def default_min_n() -> int:
    """The small-cell threshold of a package that does not set one (``Partnership.min_n``)."""
    from partner_analytics.data.partnership import Partnership

    return int(Partnership.min_n)


def resolve_min_n(p, min_n=None) -> int:
    """The small-cell threshold of an analysis: ``min_n`` when given, else ``p.min_n`` (the
    partnership's setting, from package.yml; 3 unless the package says otherwise)."""
    value = p.min_n if min_n is None else min_n
    check_min_n(value)
    return int(value)


def small_cells(fn):
    """Decorate an analysis that suppresses small cells: its ``min_n`` (None: ``p.min_n``) is
    resolved by :func:`resolve_min_n` before it runs, and the frame it returns records the
    threshold used in ``frame.attrs["min_n"]`` (figures and pages write "n < {min_n}" from
    it)."""

    @functools.wraps(fn)
    def analysis(p, *args, min_n=None, **kwargs):
        m = resolve_min_n(p, min_n)
        out = fn(p, *args, min_n=m, **kwargs)
        if isinstance(out, pd.DataFrame):
            out.attrs["min_n"] = m
        return out

    return analysis
