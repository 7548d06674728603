"""Reference frameworks shipped with partner_analytics, and their loaders.

The CSV files next to this module hold published frameworks (factor sets, a sector
competency box, a readiness checklist, an example driver set, stakeholder groups);
``SOURCES.md`` says where each comes from and what was paraphrased. The files are found
with :mod:`importlib.resources`, so the loaders work from an installed wheel as well as
from a source checkout. Every loader reads its file again and returns a new frame:
callers may change the result freely.

Text columns have the pandas string dtype (``"str"``), weights are ``float64``, and
codes such as ``"601"`` stay text.
"""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

from partner_analytics.errors import AnalysisInputError

__all__ = [
    "FACTOR_SETS",
    "attribution",
    "example_driver_alignment",
    "example_drivers",
    "factor_set",
    "mutuality_factors",
    "readiness_checklist",
    "sector_competencies",
    "stakeholder_groups",
    "wilder_factors",
]

#: Names accepted by :func:`factor_set`.
FACTOR_SETS: tuple[str, ...] = ("mutuality", "wilder")

_NUMERIC = {"weight"}


def _read(filename: str) -> pd.DataFrame:
    """Read one packaged CSV: text columns as ``str``, ``weight`` as float64."""
    resource = files(__name__).joinpath(filename)
    with resource.open("r", encoding="utf-8", newline="") as fh:
        frame = pd.read_csv(fh, dtype="str", keep_default_na=False, na_filter=False)
    for column in frame.columns:
        if column in _NUMERIC:
            frame[column] = frame[column].astype("float64")
        else:
            frame[column] = frame[column].astype("str")
    return frame


def mutuality_factors() -> pd.DataFrame:
    """The mutuality factor set 601..616, the packaged default instrument.

    Sixteen factors for measuring the effectiveness of a collaborative relationship,
    weighted 100 or 75. Code 600, the overall mutuality index of the source, is not a
    factor and is not included.

    Returns
    -------
    pandas.DataFrame
        One row per factor, in code order, with columns

        - ``factor_code`` (str): ``"601"`` .. ``"616"``
        - ``factor`` (str): factor name as printed in the source
        - ``weight`` (float64): 100.0 or 75.0
        - ``group`` (str): ``"Mutuality"``

    References
    ----------
    .. [1] A. Perrin, K. Farquharson and S. Wilson, "Sector Relationships Evolution",
       Strategic Theme #5, v1.1, Proving Services Ltd for the FHRC, 2018, Figure 2.

    Examples
    --------
    >>> f = mutuality_factors()
    >>> len(f), f["factor_code"].iloc[0], float(f["weight"].sum())
    (16, '601', 1475.0)
    """
    return _read("mutuality_factors.csv")


def wilder_factors() -> pd.DataFrame:
    """A factor template with the 20 Wilder collaboration factors (2nd edition).

    Factor names only, in their six categories and with equal weights; the inventory's
    questionnaire items are not shipped (bring them as an ``items`` table that refers to
    the ``W`` codes).

    Returns
    -------
    pandas.DataFrame
        One row per factor with columns

        - ``factor_code`` (str): ``"W01"`` .. ``"W20"`` (codes of partner_analytics)
        - ``factor`` (str): factor name
        - ``weight`` (float64): 1.0
        - ``group`` (str): category: Environment, Membership characteristics, Process
          and structure, Communication, Purpose, Resources

    References
    ----------
    .. [1] P. W. Mattessich, M. Murray-Close and B. R. Monsey, *Collaboration: What
       Makes It Work*, 2nd ed. Saint Paul, MN: Amherst H. Wilder Foundation, 2001.

    Examples
    --------
    >>> f = wilder_factors()
    >>> len(f), f["group"].nunique()
    (20, 6)
    """
    return _read("wilder_factors.csv")


def factor_set(name: str) -> pd.DataFrame:
    """A packaged factor set by name, shaped like the ``factors`` table.

    Parameters
    ----------
    name : {"mutuality", "wilder"}
        Which set; case and surrounding spaces are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns ``factor_code``, ``factor``, ``weight``, ``group``: the frame of
        :func:`mutuality_factors` or :func:`wilder_factors`.

    Raises
    ------
    AnalysisInputError
        If ``name`` is not one of :data:`FACTOR_SETS`.

    References
    ----------
    See :func:`mutuality_factors` and :func:`wilder_factors`.

    Examples
    --------
    >>> len(factor_set("wilder"))
    20
    """
    key = str(name).strip().lower()
    if key == "mutuality":
        return mutuality_factors()
    if key == "wilder":
        return wilder_factors()
    raise AnalysisInputError(
        f"unknown factor set {name!r}; expected one of: {', '.join(FACTOR_SETS)}"
    )


def sector_competencies() -> pd.DataFrame:
    """Competencies that municipal, private and civil-society partners bring, by objective area.

    Box 6.25 of Plummer (2002), one row per cell entry of the box.

    Returns
    -------
    pandas.DataFrame
        Columns

        - ``sector`` (str): ``public`` (the box's "Municipal"), ``private``,
          ``civil_society``
        - ``area`` (str): ``economic``, ``financial``, ``political``,
          ``physical_environmental``, ``social``, ``institutional``
        - ``competency`` (str): the entry as worded in the box

    References
    ----------
    .. [1] J. Plummer, *Focusing Partnerships: A Sourcebook for Municipal Capacity
       Building in Public-Private Partnerships*. London: Earthscan, 2002, Box 6.25
       "Aligning Sectoral Competencies with Municipal Objectives".

    Examples
    --------
    >>> c = sector_competencies()
    >>> sorted(c["sector"].unique())
    ['civil_society', 'private', 'public']
    """
    return _read("sector_competencies.csv")


def readiness_checklist() -> pd.DataFrame:
    """The readiness checklist: key elements of delivery and collaboration design elements.

    Eight key elements of multi-stakeholder partnership delivery (CTO) and fifteen
    collaboration design elements (Circular Oslo, after The Intersector Toolkit). A
    ``readiness`` table refers to these rows by ``element_id``.

    Returns
    -------
    pandas.DataFrame
        One row per element with columns

        - ``element_id`` (str): stable snake_case identifier
        - ``element`` (str): plain-English name
        - ``kind`` (str): ``key_element`` or ``design_element``
        - ``description`` (str): one sentence, paraphrased from the source
        - ``source`` (str): short citation

    References
    ----------
    .. [1] Commonwealth Telecommunications Organisation, "Multi-stakeholder
       partnerships for ICT4D" (after T. Unwin, 2013).
    .. [2] Circular Oslo, "Open sourced partnership methodology V.1.0", CC BY-NC-SA 4.0;
       The Intersector Project, "The Intersector Toolkit: Tools for Cross-Sector
       Collaboration", 2014.

    Examples
    --------
    >>> r = readiness_checklist()
    >>> r["kind"].value_counts().to_dict()
    {'design_element': 15, 'key_element': 8}
    """
    return _read("readiness_checklist.csv")


def example_drivers() -> pd.DataFrame:
    """An example set of strategic drivers with weights (FHRC, Figure 3).

    Shaped like the ``drivers`` table of a data package; the drivers are those of
    highway authorities and serve as an example, not as a default.

    Returns
    -------
    pandas.DataFrame
        Columns ``driver_id`` (str, slug), ``name`` (str, as printed) and ``weight``
        (float64, 0..100).

    References
    ----------
    .. [1] A. Perrin, K. Farquharson and S. Wilson, "Sector Relationships Evolution",
       Strategic Theme #5, v1.1, Proving Services Ltd for the FHRC, 2018, Figure 3.

    Examples
    --------
    >>> d = example_drivers()
    >>> len(d), float(d["weight"].max())
    (8, 100.0)
    """
    return _read("example_drivers.csv")


def example_driver_alignment() -> pd.DataFrame:
    """The alignment of one option with the example drivers (FHRC, Figure 3).

    Shaped like the ``driver_alignment`` table; the option is ``mutuality``
    (best-practice effective collaboration), with the H/M/L of the figure.

    Returns
    -------
    pandas.DataFrame
        Columns ``option_id`` (str), ``driver_id`` (str, as in :func:`example_drivers`)
        and ``alignment`` (str: ``H``, ``M`` or ``L``).

    References
    ----------
    .. [1] A. Perrin, K. Farquharson and S. Wilson, "Sector Relationships Evolution",
       Strategic Theme #5, v1.1, Proving Services Ltd for the FHRC, 2018, Figure 3.

    Examples
    --------
    >>> a = example_driver_alignment()
    >>> a["alignment"].value_counts().to_dict()
    {'H': 5, 'M': 2, 'L': 1}
    """
    return _read("example_driver_alignment.csv")


def stakeholder_groups() -> pd.DataFrame:
    """The stakeholder groups of the stakeholder impact assessment (Schedule 5).

    Returns
    -------
    pandas.DataFrame
        Columns ``group_id`` (str, slug), ``group`` (str, name as printed) and
        ``description`` (str, one line of ours).

    References
    ----------
    .. [1] A. Perrin, K. Farquharson and S. Wilson, "Sector Relationships Evolution",
       Strategic Theme #5, v1.1, Proving Services Ltd for the FHRC, 2018, Schedule 5.

    Examples
    --------
    >>> len(stakeholder_groups())
    11
    """
    return _read("stakeholder_groups.csv")


def attribution() -> str:
    """The attribution of every packaged framework (the text of ``SOURCES.md``).

    Returns
    -------
    str
        Markdown: per file, the source title, authors or organisation, date, the
        figure, box or schedule, the licence where the source states one, and what was
        paraphrased.

    References
    ----------
    See the functions of this module.

    Examples
    --------
    >>> attribution().startswith("# Sources")
    True
    """
    return files(__name__).joinpath("SOURCES.md").read_text(encoding="utf-8")
