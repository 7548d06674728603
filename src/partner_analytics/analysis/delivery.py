"""Delivery: follow-through on commitments, and contributions pledged and delivered.

Definitions of methods.md sections 4 and 5:

- as of a date D, a commitment is *due* when due_date <= D and status != dropped;
  *on time* when completed on or before its due date; *late* when completed after it
  (delay in days); *overdue* when due, not completed and due_date < D. Follow-through
  rate = on_time / due, per partner and overall. *Upcoming*: due within 30 days after D.
- contributions: pledged, delivered and fulfilment = delivered / pledged (undefined when
  pledged = 0) per partner, kind, sector and period; sector shares of delivered value;
  cumulative pledged and delivered over time; flows partner -> kind -> recipient. Values
  are converted to one currency with ``exchange_rates`` when given; mixed currencies
  without rates are an error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from partner_analytics.data.periods import parse_as_of
from partner_analytics.errors import AnalysisInputError

__all__ = [
    "commitment_status",
    "contribution_flows",
    "contribution_summary",
    "contributions_over_time",
    "follow_through",
    "overdue_commitments",
    "sector_shares",
    "upcoming_commitments",
]

#: Days after as_of within which an open commitment is "upcoming" (methods.md 4).
UPCOMING_DAYS = 30
OVERALL_ID = "(all)"
OVERALL_NAME = "All partners"
NO_RECIPIENT = "(recipient not given)"

_FREQS = {"ME": "ME", "M": "ME", "QE": "QE", "Q": "QE", "YE": "YE", "Y": "YE", "A": "YE"}
_BY_KEYS = ("partner_id", "kind", "sector", "recipient", "period")


# --------------------------------------------------------------------------- commitments


def _as_of(as_of) -> pd.Timestamp:
    """The day commitments are judged on (a period label stands for its last day)."""
    if as_of is None:
        raise AnalysisInputError("as_of is required: the date at which commitments are judged")
    return parse_as_of(as_of)


def _partners(p) -> pd.DataFrame:
    return p.partners[["partner_id", "name", "sector"]].rename(columns={"name": "partner"})


def commitment_status(p, *, as_of) -> pd.DataFrame:
    """The state of every commitment as of a date.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``commitments`` table.
    as_of : date-like
        The day at which the commitments are judged (required; nothing reads the clock).

    Returns
    -------
    pandas.DataFrame
        One row per commitment (ordered by due date):

        - ``commitment_id``, ``partner_id``, ``partner`` (name), ``sector``,
          ``description``, ``due_date``, ``completed_date``, ``status``
        - ``completed``: completed_date is set and on or before as_of
        - ``due``: due_date <= as_of and status != dropped
        - ``state``: ``dropped``, ``not_yet_due``, ``on_time``, ``late``, ``overdue`` or
          ``due_today`` (due on as_of itself and not yet completed)
        - ``delay_days``: days completed after the due date (late ones only)
        - ``days_overdue``: as_of - due_date in days (overdue ones only)
        - ``days_until_due``: due_date - as_of in days (open, not yet due ones only)

    Notes
    -----
    "Completed" means a completed_date is given (methods.md section 4); a ``done`` status
    without a date counts as not completed (the loader warns about it), an ``open`` status
    with a date counts as completed. A completion dated after as_of had not happened at
    as_of, so it counts as not completed: the follow-through as of a past date is the one
    that could have been reported on that date. A commitment due on as_of itself and not
    completed is due (it is in the denominator of the rate) but not overdue, since
    overdue requires due_date < as_of. A dropped commitment is never due.
    """
    p.require("commitments", by="commitment_status")
    d = _as_of(as_of)
    c = p.commitments[
        ["commitment_id", "partner_id", "description", "due_date", "completed_date", "status"]
    ].merge(_partners(p), on="partner_id", how="left")
    dropped = c["status"] == "dropped"
    completed = c["completed_date"].notna() & (c["completed_date"] <= d)
    due = (c["due_date"] <= d) & ~dropped
    on_time = due & completed & (c["completed_date"] <= c["due_date"])
    late = due & completed & (c["completed_date"] > c["due_date"])
    overdue = due & ~completed & (c["due_date"] < d)
    due_today = due & ~completed & (c["due_date"] == d)
    state = np.select(
        [dropped, ~due, on_time, late, overdue, due_today],
        ["dropped", "not_yet_due", "on_time", "late", "overdue", "due_today"],
        default="",
    )
    c["completed"] = completed.astype(bool)
    c["due"] = due.astype(bool)
    c["state"] = pd.Series(state, index=c.index, dtype="str")
    c["delay_days"] = (c["completed_date"] - c["due_date"]).dt.days.where(late).astype("Int64")
    c["days_overdue"] = (d - c["due_date"]).dt.days.where(overdue).astype("Int64")
    upcoming = ~dropped & ~completed & (c["due_date"] > d)
    c["days_until_due"] = (c["due_date"] - d).dt.days.where(upcoming).astype("Int64")
    c = c.sort_values(["due_date", "commitment_id"], kind="stable")
    cols = [
        "commitment_id", "partner_id", "partner", "sector", "description", "due_date",
        "completed_date", "status", "completed", "due", "state", "delay_days",
        "days_overdue", "days_until_due",
    ]  # fmt: skip
    return c[cols].reset_index(drop=True)


def follow_through(p, *, as_of, overall: bool = True) -> pd.DataFrame:
    """Follow-through on commitments per partner as of a date, and overall.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``commitments`` table.
    as_of : date-like
        The day at which the commitments are judged.
    overall : bool, default True
        Add a last row, ``partner_id = "(all)"``, for all partners together.

    Returns
    -------
    pandas.DataFrame
        One row per partner with commitments (in the order of the partners table), then
        the overall row:

        - ``partner_id``, ``partner`` (name; "All partners" on the overall row),
          ``sector`` (NA on the overall row)
        - ``n_commitments``: all commitments, whatever their state
        - ``dropped``, ``not_yet_due``
        - ``due``: due_date <= as_of and not dropped
        - ``on_time``, ``late``, ``overdue``, ``due_today`` (these four add up to due)
        - ``rate``: on_time / due (NaN when nothing is due)
        - ``mean_delay_days``: mean days late over the late commitments (NaN when none)
        - ``max_days_overdue``: the oldest overdue commitment, in days (NA when none)
        - ``as_of``

    Notes
    -----
    rate = on_time / due (methods.md section 4). The overall rate is computed over all
    commitments, so it weights partners by their number of due commitments; it is not the
    mean of the partners' rates. See :func:`commitment_status` for the state of each
    commitment (completions after as_of count as not completed).

    Examples
    --------
    >>> import pandas as pd
    >>> from partner_analytics import Partnership
    >>> p = Partnership.from_frames(
    ...     partners=pd.DataFrame({"partner_id": ["a"], "name": ["A"], "sector": ["public"]}),
    ...     commitments=pd.DataFrame({"commitment_id": ["c1", "c2"], "partner_id": "a",
    ...                               "description": "x", "due_date": "2026-01-31",
    ...                               "completed_date": ["2026-01-31", None]}))
    >>> row = follow_through(p, as_of="2026-03-31").iloc[0]
    >>> int(row["due"]), int(row["on_time"]), int(row["overdue"]), float(row["rate"])
    (2, 1, 1, 0.5)
    """
    p.require("commitments", by="follow_through")
    s = commitment_status(p, as_of=as_of)
    d = _as_of(as_of)

    def summarise(g: pd.DataFrame) -> dict:
        due = int(g["due"].sum())
        on_time = int((g["state"] == "on_time").sum())
        return {
            "n_commitments": len(g),
            "dropped": int((g["state"] == "dropped").sum()),
            "not_yet_due": int((g["state"] == "not_yet_due").sum()),
            "due": due,
            "on_time": on_time,
            "late": int((g["state"] == "late").sum()),
            "overdue": int((g["state"] == "overdue").sum()),
            "due_today": int((g["state"] == "due_today").sum()),
            "rate": on_time / due if due else np.nan,
            "mean_delay_days": float(g["delay_days"].astype("float64").mean()),
            "max_days_overdue": g["days_overdue"].max(),
        }

    partners = _partners(p)
    order = {pid: i for i, pid in enumerate(partners["partner_id"])}
    rows = []
    for pid, g in s.groupby("partner_id", observed=True, sort=False):
        rows.append(
            {
                "partner_id": pid,
                "partner": g["partner"].iloc[0],
                "sector": g["sector"].iloc[0],
                **summarise(g),
            }
        )
    rows.sort(key=lambda r: order.get(r["partner_id"], len(order)))
    if overall:
        rows.append(
            {"partner_id": OVERALL_ID, "partner": OVERALL_NAME, "sector": pd.NA, **summarise(s)}
        )
    out = pd.DataFrame(rows)
    for c in ("partner_id", "partner", "sector"):
        out[c] = out[c].astype("str")
    for c in (
        "n_commitments",
        "dropped",
        "not_yet_due",
        "due",
        "on_time",
        "late",
        "overdue",
        "due_today",
        "max_days_overdue",
    ):
        out[c] = out[c].astype("Int64")
    for c in ("rate", "mean_delay_days"):
        out[c] = out[c].astype("float64")
    out["as_of"] = pd.Series(d, index=out.index, dtype="datetime64[ns]")
    return out


def overdue_commitments(p, *, as_of) -> pd.DataFrame:
    """The commitments overdue as of a date, the oldest first.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``commitments`` table.
    as_of : date-like
        The day at which the commitments are judged.

    Returns
    -------
    pandas.DataFrame
        ``commitment_id``, ``partner_id``, ``partner``, ``sector``, ``description``,
        ``due_date``, ``status``, ``days_overdue`` (as_of - due_date, days), sorted by
        days_overdue (largest first), then partner name.

    Notes
    -----
    Overdue = due_date < as_of, not dropped and not completed on or before as_of
    (methods.md section 4).
    """
    p.require("commitments", by="overdue_commitments")
    s = commitment_status(p, as_of=as_of)
    s = s[s["state"] == "overdue"].sort_values(
        ["days_overdue", "partner", "commitment_id"], ascending=[False, True, True], kind="stable"
    )
    cols = [
        "commitment_id",
        "partner_id",
        "partner",
        "sector",
        "description",
        "due_date",
        "status",
        "days_overdue",
    ]
    return s[cols].reset_index(drop=True)


def upcoming_commitments(p, *, as_of, days: int = UPCOMING_DAYS) -> pd.DataFrame:
    """The open commitments falling due within ``days`` days after a date.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``commitments`` table.
    as_of : date-like
        The day from which to look ahead.
    days : int, default 30
        How far to look ahead.

    Returns
    -------
    pandas.DataFrame
        ``commitment_id``, ``partner_id``, ``partner``, ``sector``, ``description``,
        ``due_date``, ``status``, ``days_until_due``, sorted by due date.

    Notes
    -----
    Upcoming = as_of < due_date <= as_of + days, not dropped and not completed by as_of.
    A commitment due on as_of itself is not upcoming: it is already due (and appears as
    ``due_today`` in :func:`follow_through`).
    """
    p.require("commitments", by="upcoming_commitments")
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 0:
        raise AnalysisInputError(f"days must be a whole number >= 0, got {days!r}")
    s = commitment_status(p, as_of=as_of)
    s = s[s["days_until_due"].notna() & (s["days_until_due"] <= days)]
    cols = [
        "commitment_id",
        "partner_id",
        "partner",
        "sector",
        "description",
        "due_date",
        "status",
        "days_until_due",
    ]
    return s[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- contributions


def _period_labels(dates: pd.Series, freq: str) -> pd.Series:
    """Canonical period labels (``2026``, ``2026-Q1``, ``2026-03``) of dates."""
    y = dates.dt.year.astype("Int64").astype("str")
    if freq == "YE":
        out = y
    elif freq == "QE":
        out = y + "-Q" + dates.dt.quarter.astype("Int64").astype("str")
    else:
        out = y + "-" + dates.dt.month.astype("Int64").astype("str").str.zfill(2)
    return out.astype("str")


def _freq(freq: str) -> str:
    f = _FREQS.get(str(freq).upper()) if isinstance(freq, str) else None
    if f is None:
        raise AnalysisInputError(
            f"freq must be one of 'ME', 'QE', 'YE' (month, quarter, year), got {freq!r}"
        )
    return f


def _contribution_values(p) -> tuple[pd.DataFrame, object]:
    """Contributions with partner name and sector, values in one currency, and its code.

    Returns the frame (pledged and delivered converted; a missing delivered is 0) and the
    currency label of the values (a code, "base", or NA when none was given).
    """
    c = p.contributions[
        [
            "contribution_id",
            "partner_id",
            "date",
            "kind",
            "pledged",
            "delivered",
            "currency",
            "recipient",
        ]
    ].merge(_partners(p), on="partner_id", how="left")
    cur = c["currency"].str.strip().str.upper()
    cur = cur.where(cur.notna() & (cur != ""))
    c["currency"] = cur
    codes = sorted(cur.dropna().unique())
    if p.has("exchange_rates"):
        rates_t = p.exchange_rates
        rates = dict(
            zip(rates_t["currency"].str.strip().str.upper(), rates_t["rate_to_base"], strict=True)
        )
        missing = [k for k in codes if k not in rates]
        if missing:
            raise AnalysisInputError(
                f"no exchange rate for currency {', '.join(missing)}: the exchange_rates table "
                f"has {', '.join(sorted(rates))}"
            )
        rate = cur.map(rates).astype("float64").fillna(1.0)
        unit = [k for k, v in rates.items() if v == 1.0]
        label: object = unit[0] if len(unit) == 1 else "base"
    else:
        if len(codes) > 1:
            raise AnalysisInputError(
                f"contributions are in several currencies ({', '.join(codes)}) and the package has "
                "no exchange_rates table (columns currency, rate_to_base) to convert them to one"
            )
        rate = pd.Series(1.0, index=c.index)
        label = codes[0] if codes else pd.NA
    c["pledged"] = c["pledged"] * rate
    c["delivered"] = c["delivered"].fillna(0.0) * rate
    return c, label


def _fulfilment(pledged: pd.Series, delivered: pd.Series) -> pd.Series:
    return (delivered / pledged.where(pledged > 0)).astype("float64")


def contribution_summary(p, *, by=("partner_id", "kind"), freq: str = "QE") -> pd.DataFrame:
    """Pledged and delivered value and fulfilment, grouped as asked.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``contributions`` table (and ``exchange_rates`` when the
        contributions are in several currencies).
    by : str or sequence of str, default ("partner_id", "kind")
        Any of "partner_id", "kind", "sector", "recipient", "period".
        An empty sequence gives one total row.
    freq : {"QE", "ME", "YE"}, default "QE"
        The period of ``"period"`` (quarter, month or year of the contribution date).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns (with ``partner``, the name, after
        ``partner_id``), then ``n_contributions``, ``pledged``, ``delivered``,
        ``fulfilment`` (delivered / pledged; NaN when pledged = 0), ``delivered_share``
        (the group's share of all delivered value; NaN when nothing was delivered) and
        ``currency`` (the currency of the values: the code, "base" when converted with
        rates and no currency has rate 1, NA when the package names none). Period labels
        are canonical: "2026-Q1", "2026-03", "2026".

    Notes
    -----
    fulfilment = sum(delivered) / sum(pledged) of the group (methods.md section 5). A
    missing ``delivered`` counts as 0 delivered. With ``exchange_rates``, value =
    value * rate_to_base; a contribution without a currency is taken to be in the base
    currency. Without rates, the contributions must share one currency (rows without a
    currency are taken to be in it); several currencies raise
    :class:`~partner_analytics.errors.AnalysisInputError`. ``"recipient"`` groups
    contributions without a recipient under "(recipient not given)".
    """
    p.require("contributions", by="contribution_summary")
    keys = [by] if isinstance(by, str) else list(by)
    bad = [k for k in keys if k not in _BY_KEYS]
    if bad:
        raise AnalysisInputError(
            f"by must name columns among {', '.join(_BY_KEYS)}; got {', '.join(map(str, bad))}"
        )
    c, label = _contribution_values(p)
    c["period"] = _period_labels(c["date"], _freq(freq))
    c["recipient"] = c["recipient"].fillna(NO_RECIPIENT)
    total_delivered = c["delivered"].sum()
    if keys:
        g = c.groupby(keys, observed=True, dropna=False, sort=True)
        out = g.agg(
            n_contributions=("contribution_id", "size"),
            pledged=("pledged", "sum"),
            delivered=("delivered", "sum"),
        ).reset_index()
    else:
        out = pd.DataFrame(
            {
                "n_contributions": [len(c)],
                "pledged": [c["pledged"].sum()],
                "delivered": [total_delivered],
            }
        )
    if "partner_id" in keys:
        out = out.merge(_partners(p)[["partner_id", "partner"]], on="partner_id", how="left")
        keys_out = []
        for k in keys:
            keys_out.append(k)
            if k == "partner_id":
                keys_out.append("partner")
    else:
        keys_out = keys
    out["n_contributions"] = out["n_contributions"].astype("Int64")
    out["fulfilment"] = _fulfilment(out["pledged"], out["delivered"])
    out["delivered_share"] = out["delivered"] / total_delivered if total_delivered > 0 else np.nan
    out["currency"] = pd.Series([label] * len(out), index=out.index, dtype="str")
    cols = [
        *keys_out,
        "n_contributions",
        "pledged",
        "delivered",
        "fulfilment",
        "delivered_share",
        "currency",
    ]
    return out[cols].reset_index(drop=True)


def sector_shares(p) -> pd.DataFrame:
    """Each sector's share of the delivered (and pledged) contribution value.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``contributions`` table.

    Returns
    -------
    pandas.DataFrame
        One row per sector that contributed, largest delivered first: ``sector``,
        ``n_partners`` (contributing partners), ``n_contributions``, ``pledged``,
        ``delivered``, ``fulfilment``, ``share`` (delivered / all delivered; NaN when
        nothing was delivered), ``pledged_share`` and ``currency``.

    Notes
    -----
    share_s = delivered_s / sum over sectors of delivered (methods.md section 5); values
    in one currency as in :func:`contribution_summary`.
    """
    p.require("contributions", by="sector_shares")
    c, label = _contribution_values(p)
    out = (
        c.groupby("sector", observed=True)
        .agg(
            n_partners=("partner_id", "nunique"),
            n_contributions=("contribution_id", "size"),
            pledged=("pledged", "sum"),
            delivered=("delivered", "sum"),
        )
        .reset_index()
    )
    for col in ("n_partners", "n_contributions"):
        out[col] = out[col].astype("Int64")
    out["fulfilment"] = _fulfilment(out["pledged"], out["delivered"])
    tot_d, tot_p = out["delivered"].sum(), out["pledged"].sum()
    out["share"] = out["delivered"] / tot_d if tot_d > 0 else np.nan
    out["pledged_share"] = out["pledged"] / tot_p if tot_p > 0 else np.nan
    out["currency"] = pd.Series([label] * len(out), index=out.index, dtype="str")
    out = out.sort_values(["delivered", "sector"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def contribution_flows(p, *, value: str = "delivered") -> pd.DataFrame:
    """Flows partner -> kind -> recipient of contributed value, for a Sankey diagram.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``contributions`` table.
    value : {"delivered", "pledged"}, default "delivered"
        Which value flows.

    Returns
    -------
    pandas.DataFrame
        One row per link with a positive value: ``source``, ``target`` (ids: partner_id,
        kind or recipient), ``source_label``, ``target_label`` (partner names; kinds and
        recipients as given), ``source_layer`` ("partner" or "kind"), ``target_layer``
        ("kind" or "recipient"), ``source_sector`` (the partner's sector; NA on kind ->
        recipient links), ``value``, ``n_contributions``, ``currency``. The
        partner -> kind links come first.

    Notes
    -----
    A node is identified by its layer and id, so a kind and a recipient with the same
    name stay two nodes. Contributions without a recipient flow to "(recipient not
    given)". Links of value 0 are left out (a Sankey cannot draw them).
    """
    p.require("contributions", by="contribution_flows")
    if value not in ("delivered", "pledged"):
        raise AnalysisInputError(f"value must be 'delivered' or 'pledged', got {value!r}")
    c, label = _contribution_values(p)
    c["recipient"] = c["recipient"].fillna(NO_RECIPIENT)
    c["partner"] = c["partner"].fillna(c["partner_id"])

    c["_no_sector"] = pd.Series(pd.NA, index=c.index, dtype="str")

    def links(src, src_label, tgt, tgt_label, src_layer, tgt_layer, sector):
        g = (
            c.groupby([src, tgt], observed=True)
            .agg(
                source_label=(src_label, "first"),
                source_sector=(sector, "first"),
                target_label=(tgt_label, "first"),
                value=(value, "sum"),
                n_contributions=("contribution_id", "size"),
            )
            .reset_index()
            .rename(columns={src: "source", tgt: "target"})
        )
        g["source_layer"] = src_layer
        g["target_layer"] = tgt_layer
        return g

    out = pd.concat(
        [
            links("partner_id", "partner", "kind", "kind", "partner", "kind", "sector"),
            links("kind", "kind", "recipient", "recipient", "kind", "recipient", "_no_sector"),
        ],
        ignore_index=True,
    )
    out = out[out["value"] > 0]
    for col in (
        "source",
        "target",
        "source_label",
        "target_label",
        "source_layer",
        "target_layer",
        "source_sector",
    ):
        out[col] = out[col].astype("str")
    out["n_contributions"] = out["n_contributions"].astype("Int64")
    out["currency"] = pd.Series([label] * len(out), index=out.index, dtype="str")
    cols = [
        "source", "target", "source_label", "target_label", "source_layer", "target_layer",
        "source_sector", "value", "n_contributions", "currency",
    ]  # fmt: skip
    return out[cols].reset_index(drop=True)


def contributions_over_time(p, *, freq: str = "QE") -> pd.DataFrame:
    """Pledged and delivered value per period, and cumulated, over the contribution dates.

    Parameters
    ----------
    p : Partnership
        A loaded package with a ``contributions`` table.
    freq : {"QE", "ME", "YE"}, default "QE"
        Period length: quarter, month or year.

    Returns
    -------
    pandas.DataFrame
        One row per period from the first to the last contribution (periods without
        contributions included, with 0): ``period`` (canonical label, "2026-Q1"),
        ``period_end`` (its last day), ``n_contributions``, ``pledged``, ``delivered``,
        ``cumulative_pledged``, ``cumulative_delivered``, ``currency``.

    Notes
    -----
    A contribution has one date: its pledged and its delivered value are both counted in
    the period of that date (the package records no separate delivery date). Values in
    one currency as in :func:`contribution_summary`.
    """
    p.require("contributions", by="contributions_over_time")
    f = _freq(freq)
    c, label = _contribution_values(p)
    r = (
        c.set_index("date")
        .resample(f)
        .agg({"contribution_id": "size", "pledged": "sum", "delivered": "sum"})
        .rename(columns={"contribution_id": "n_contributions"})
    )
    r.index.name = "period_end"
    out = r.reset_index()
    out["period_end"] = out["period_end"].astype("datetime64[ns]")
    out.insert(0, "period", _period_labels(out["period_end"], f))
    out["n_contributions"] = out["n_contributions"].astype("Int64")
    out["cumulative_pledged"] = out["pledged"].cumsum()
    out["cumulative_delivered"] = out["delivered"].cumsum()
    out["currency"] = pd.Series([label] * len(out), index=out.index, dtype="str")
    return out
