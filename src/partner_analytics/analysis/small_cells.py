"""The small-cell threshold ``min_n``: one setting, resolved in one place.

An aggregate over fewer than ``min_n`` distinct raters or respondents is kept in analysis
frames with ``suppressed = True`` and shown as "n < {min_n}", never as a number. The
threshold is the partnership's setting ``p.min_n`` (3 unless package.yml says otherwise);
an analysis' ``min_n`` argument overrides it for one call. :func:`resolve_min_n` is where
the two meet; :func:`small_cells` decorates the analyses that suppress cells, and records
the threshold used in the frame they return (``frame.attrs["min_n"]``), which figures and
pages read.

A suppressed cell must also not be recoverable from what is shown beside it:
:func:`complementary_suppression` is the one rule for every analysis that returns the parts
of a total (see its docstring and docs/decisions.md, "Small cells beside their total").
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Hashable, Sequence

import numpy as np
import pandas as pd

from partner_analytics.errors import AnalysisInputError

__all__ = [
    "check_min_n",
    "complementary_suppression",
    "default_min_n",
    "resolve_min_n",
    "small_cells",
]


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


def complementary_suppression(
    total: Sequence[Hashable] | np.ndarray,
    n: Sequence[int] | np.ndarray,
    suppressed: Sequence[bool] | np.ndarray,
    *,
    min_n: int,
    residual: dict | None = None,
    units: Sequence[Sequence[Collection]] | None = None,
    order: Sequence | np.ndarray | None = None,
) -> np.ndarray:
    """The parts of totals that must not be shown: the small ones and their complements.

    The rule (methods.md, "Complementary suppression"; docs/decisions.md, "Small cells
    beside their total"): where a total and its parts are shown together, whatever is not
    shown of the total can be recovered as one block by differencing (the total's sum,
    mean x n, minus the sums of the parts shown; its n minus theirs). So the parts not shown
    of each total (the suppressed parts, together with the units of the total that are in no
    part) must hold **no unit, or at least** ``min_n`` **units between them**. Where they hold
    1 to ``min_n - 1``, the part shown with the fewest units (ties: the first in ``order``)
    is suppressed too, and again, until they hold at least ``min_n`` or no part is left
    shown.

    Because a part is shown only with ``min_n`` units or more, a single suppressed part is
    always completed by one more part, the next-smallest: methods.md's wording. The rule
    also covers two or more small parts that stay below ``min_n`` together, and units of the
    total that no part holds (a respondent whose organisation has no sector). Which parts
    are suppressed depends on the counts only, never on the values: the pattern itself
    tells nothing about the answers.

    Parameters
    ----------
    total : array of hashable, one per part
        The key of the total each part belongs to (a wave and factor; a wave; a wave,
        factor and sector for partners within a sector).
    n : array of int, one per part
        The part's units (respondents, raters): what its own suppression was decided on
        and what the next-smallest part is chosen by.
    suppressed : array of bool, one per part
        The parts already suppressed (fewer than ``min_n`` units, or hidden by a coarser
        table the same people are counted in).
    min_n : int
        The small-cell threshold.
    residual : dict, optional
        Per total key, its units that are in no part (never shown as a part): they count
        as not shown. Default none.
    units : list of per-part collections, optional
        When parts can share units (one organisation rates several partners), the units are
        counted as distinct ids instead of summing ``n``: each item of ``units`` is one way
        of counting (e.g. the raters who gave trust items, and those who gave value items),
        a sequence with one collection of ids per part, and the rule must hold for each. A
        part that would add no unit where units are missing is passed over.
    order : array, optional
        The tie-break among parts with the same ``n`` (smallest first); default: their
        position.

    Returns
    -------
    numpy.ndarray of bool
        Per part: suppressed (the given ones and their complements). Complements are the
        returned mask minus ``suppressed``.

    Examples
    --------
    With a threshold of 3, one funder respondent beside 3 public and 5 private ones: the
    funder's part is suppressed, and so is the public part (the smallest shown), so that
    the total minus the private part gives only the mean of 4 respondents.

    >>> threshold = 3
    >>> complementary_suppression(["w1"] * 3, [1, 3, 5], [True, False, False], min_n=threshold)
    array([ True,  True, False])
    """
    check_min_n(min_n)
    if not (isinstance(total, np.ndarray) and total.ndim == 1):
        total = pd.Series(list(total), dtype=object)  # keys may be tuples
    n = np.asarray(n, dtype=np.int64)
    hidden = np.asarray(suppressed, dtype=bool).copy()
    if not (len(total) == len(n) == len(hidden)):
        raise ValueError("total, n and suppressed must have one value per part")
    if not len(total):
        return hidden
    residual = residual or {}
    position = (
        np.arange(len(n))
        if order is None
        else np.argsort(np.asarray(order), kind="stable").argsort()
    )
    codes, keys = pd.factorize(total)
    rest = np.array([int(residual.get(k, 0)) for k in keys], dtype=np.int64)
    if units is None:
        # without shared units the hidden count is a sum: only totals short of min_n are
        # looked at one by one
        short = rest + np.bincount(codes, weights=np.where(hidden, n, 0), minlength=len(keys))
        todo = np.flatnonzero((short > 0) & (short < min_n))
    else:
        todo = np.arange(len(keys))
    # the parts of each total, in their order: total t is by_total[start[t]:start[t + 1]]
    by_total = np.argsort(codes, kind="stable")
    start = np.r_[0, np.cumsum(np.bincount(codes, minlength=len(keys)))]
    for t in todo:
        parts = by_total[start[t] : start[t + 1]]
        # parts still shown, in the order they are taken: fewest units first, then ``order``
        shown = parts[~hidden[parts]]
        queue = shown[np.lexsort((position[shown], n[shown]))]
        counts = _hidden_counts(parts, hidden, n, int(rest[t]), units)
        for i in queue:
            if not any(0 < c < min_n for c in counts):
                break
            hidden[i] = True
            more = _hidden_counts(parts, hidden, n, int(rest[t]), units)
            if not any(0 < c < min_n and m > c for c, m in zip(counts, more, strict=True)):
                hidden[i] = False  # adds no unit where units are missing: stays shown
                continue
            counts = more
    return hidden


def _hidden_counts(parts, hidden, n, rest, units) -> list[int]:
    """The units not shown of one total, per way of counting them."""
    shut = parts[hidden[parts]]
    if units is None:
        return [rest + int(n[shut].sum())]
    return [rest + len(set().union(*(family[i] for i in shut))) for family in units]
