"""The Voila dashboards for steering groups: one function per page.

A dashboard notebook (``dashboards/overview.ipynb`` ...) is an import and a call::

    from partner_analytics.dashboards import overview_page
    overview_page()

Each ``*_page(path=None)`` loads the data package (``path``, else the environment variable
:data:`DATA_ENV`, else the sample partnership of a source checkout), builds the page and
returns a :class:`Dashboard`, which Jupyter and Voila display as the cell's value. Tests
drive a page without a browser: set a control's ``.value`` and read the figures.

The pages:

==============  ==========================================================================
overview        headline cards (collaboration health, indicators on track per pillar,
                follow-through, contributions delivered against pledged, readiness,
                partners) and the alerts, as of a quarter end
stakeholders    the power-interest grid, salience and movement between quadrants, by wave
                and stakeholder group
collaboration   the collaboration-health index, the factor radar (all partners or one
                sector) and how differently the sectors see each factor, by wave
delivery        follow-through on commitments, overdue commitments and contributions, as
                of a quarter end, by sector and partner
indicators      indicators by pillar: status table, pillar summary and one indicator's trend
partners        competency alignment, candidates, sector mix and the relationship network
==============  ==========================================================================

Every number on a page comes from an analysis frame (or, for the headline cards and
alerts, from :mod:`partner_analytics.analysis.snapshot` and
:mod:`partner_analytics.present.highlights`, which the reports use too); the pages choose
rows and format them (:mod:`partner_analytics.present.formats`: suppressed cells read
"n < 3").

Nothing on a page is code or a traceback: a package that cannot be loaded shows which
table, file and row are wrong; a part whose table the package does not have shows "No data
for ... in this package"; an unexpected error shows one plain message.
"""

from __future__ import annotations

import dataclasses
import functools

import pandas as pd

from partner_analytics.errors import MissingTableError
from partner_analytics.dashboards import layout as L
from partner_analytics.dashboards import widgets as W
from partner_analytics.dashboards.page import (
    DATA_ENV,
    FIGURE_HEIGHT,
    PAGES,
    Dashboard,
    Page,
    build_page,
    change_tone,
    data_path,
    day_text,
    empty_or,
    is_true,
    latest_day,
    package_title,
    quarter_ends,
    safe_frame,
    warm,
    waves_of,
)
from partner_analytics.present.formats import fmt_change, fmt_money, fmt_number, fmt_percent, label

__all__ = [
    "DATA_ENV",
    "PAGES",
    "Dashboard",
    "collaboration_page",
    "data_path",
    "delivery_page",
    "indicators_page",
    "latest_day",
    "notebook_source",
    "overview_page",
    "package_title",
    "partners_page",
    "quarter_ends",
    "stakeholders_page",
]

#: Quarter ends before the latest that the delivery page computes in a preheated kernel.
WARM_QUARTERS = 4

# --------------------------------------------------------------------------- overview


def _overview(page: Page) -> None:
    from partner_analytics.analysis.headlines import headline_figures
    from partner_analytics.analysis.snapshot import snapshot

    p = page.p
    days = quarter_ends(p)
    if not days:
        page.html("cards", L.missing_message("any period", "The package has no dated rows yet."))
        page.set_as_of(None)
        return
    as_of = W.as_of_selector(days)
    page.add_controls(as_of=as_of)
    cards_w = page.html("cards")
    page.section("Alerts: what needs the steering group's attention")
    alerts_w = page.html("alerts")
    page.html(
        "note",
        '<div class="pa-note">Alerts: indicators that turned to deterioration, overdue '
        "commitments, contested stakeholders and factors that sectors rate very differently. "
        "Numbers resting on fewer than 3 people read “n &lt; 3”.</div>",
    )

    def draw() -> None:
        day = pd.Timestamp(as_of.value)
        head = headline_figures(p, as_of=day).set_index("figure")
        snap = snapshot(p, day)
        cards_w.value = L.cards(_overview_cards(p, head, snap, day), columns=3)
        alerts_w.value = _alerts_html(p, day)
        page.set_as_of(day, "headline figures and alerts")

    draw()
    page.on_change([as_of], draw)
    if len(days) > 1:  # the quarter before, in a preheated kernel
        warm(
            functools.partial(headline_figures, p, as_of=days[-2]),
            functools.partial(_alerts_html, p, days[-2]),
        )


def _alerts_html(p, day) -> str:
    try:
        from partner_analytics.present.highlights import alerts
    except ImportError:  # pragma: no cover - the reports module ships with the package
        return L.message(
            "Alerts are not available", "The highlights module is missing.", kind="missing"
        )
    return L.alerts_list(alerts(p, as_of=day), empty="Nothing calls for attention as of this day.")


def _headline_value(row, digits=1, unit="") -> str:
    if row is None or pd.isna(row["now"]):
        return "–"
    if bool(row["suppressed_now"]):
        return L.esc("n < 3")
    return fmt_number(row["now"], digits) + unit


def _change_line(row, *, digits=1, unit="", what="") -> tuple[str, str]:
    """("+5.8 since 2026-Q2", tone) from a headline row."""
    if row is None or pd.isna(row["change"]):
        if row is not None and (bool(row["suppressed_now"]) or bool(row["suppressed_previous"])):
            return "change: n < 3", "same"
        return "", "same"
    prev = _period_text(row["period_previous"])
    if row["period_now"] == row["period_previous"] and row["change"] == 0 and what == "wave":
        return f"no new survey since {prev}", "same"
    text = f"{fmt_change(row['change'], digits, unit=unit)} since {prev}"
    return text, change_tone(row["change"], row["better"])


def _period_text(period) -> str:
    """A period label as it is ("2026-Q2"), a day as "31 Mar 2026"."""
    text = str(period)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return day_text(text)
    return text


def _overview_cards(p, head: pd.DataFrame, snap, day) -> list[str]:
    from partner_analytics.figures.theme import BAND_COLORS, STATUS_COLORS

    def row(key):
        return head.loc[key] if key in head.index else None

    out = []
    # collaboration health
    r = row("health_index")
    hi = snap.get("health_index")
    if r is None or pd.isna(r["now"]) and not bool(r["suppressed_now"]):
        out.append(
            L.card(
                "Collaboration health index",
                "–",
                detail=_note(r, "no assessments"),
                key="health_index",
            )
        )
    else:
        change, tone = _change_line(r, what="wave")
        band = None
        spark = ""
        if hi is not None and len(hi):
            hi = hi.sort_values("wave_end")
            band = hi["band"].iloc[-1]
            vals = [
                None if is_true(s) else v
                for v, s in zip(hi["index"], hi["suppressed"], strict=True)
            ]
            shown = [v for v in vals if v is not None and not pd.isna(v)]
            lo = max(0.0, min(shown) - 5) if shown else 0.0
            top = min(100.0, max(shown) + 5) if shown else 100.0
            spark = L.sparkline(
                vals, hi["wave"].tolist(), lo=lo, hi=top, color=BAND_COLORS.get(band, "#17324d")
            )
            n_resp = hi["n_respondents"].iloc[-1]
            detail = f"Survey {r['period_now']}: {int(n_resp)} respondents · {label(band)}"
        else:
            detail = f"Survey {r['period_now']}"
        out.append(
            L.card(
                "Collaboration health index", _headline_value(r), unit="/ 100", change=change,
                change_tone=tone, detail=detail, accent=BAND_COLORS.get(band), extra=spark,
                key="health_index",
            )
        )  # fmt: skip

    # indicators on track, per pillar
    r = row("on_track")
    if r is None or pd.isna(r["now"]):
        out.append(
            L.card("Indicators on track", "–", detail=_note(r, "no indicators"), key="on_track")
        )
    else:
        change, tone = _change_line(r, digits=0)
        det = row("deteriorating")
        n_det = 0 if det is None or pd.isna(det["now"]) else int(det["now"])
        out.append(
            L.card(
                "Indicators on track", f"{int(r['now'])}", unit=f"of {int(r['now_total'])}",
                change=change, change_tone=tone,
                detail=f"{n_det} deteriorating" if n_det else "none deteriorating",
                accent=STATUS_COLORS["substantial_progress"], extra=_pillar_bars(snap, day),
                key="on_track",
            )
        )  # fmt: skip

    # commitments
    r = row("follow_through")
    od = row("overdue")
    if r is None or pd.isna(r["now"]):
        out.append(
            L.card(
                "Commitments kept on time",
                "–",
                detail=_note(r, "no commitments due"),
                key="follow_through",
            )
        )
    else:
        change, tone = _change_line(r, unit=" pts")
        n_over = 0 if od is None or pd.isna(od["now"]) else int(od["now"])
        accent = STATUS_COLORS["deterioration"] if n_over else STATUS_COLORS["target_achieved"]
        out.append(
            L.card(
                "Commitments kept on time", fmt_percent(r["now"]), change=change, change_tone=tone,
                detail=f"{n_over} overdue of {int(r['now_total'])} due", accent=accent,
                key="follow_through",
            )
        )  # fmt: skip

    # contributions
    r = row("delivered")
    f = row("fulfilment")
    if r is None or pd.isna(r["now"]) or pd.isna(r["now_total"]):
        out.append(
            L.card(
                "Contributions delivered", "–", detail=_note(r, "no contributions"), key="delivered"
            )
        )
    else:
        cur = r["currency"] if isinstance(r["currency"], str) and r["currency"] != "nan" else ""
        share = f["now"] / 100.0 if f is not None and not pd.isna(f["now"]) else None
        change, tone = _change_line(f, unit=" pts") if f is not None else ("", "same")
        bar = (
            L.bar([(share, "#1f5fa8", "delivered"), (1 - share, "#d9dee4", "not yet delivered")])
            if share is not None
            else ""
        )
        out.append(
            L.card(
                "Contributions delivered", fmt_money(r["now"], cur),
                change=(f"share delivered {change}" if change else ""), change_tone=tone,
                detail=(f"{fmt_percent(f['now'])} of {fmt_money(r['now_total'], cur)} pledged"
                        if share is not None else f"of {fmt_money(r['now_total'], cur)} pledged"),
                accent="#1f5fa8", extra=bar, key="delivered",
            )
        )  # fmt: skip

    # readiness
    r = row("readiness")
    if r is None or pd.isna(r["now"]):
        out.append(
            L.card("Readiness", "–", detail=_note(r, "no readiness review"), key="readiness")
        )
    else:
        change, tone = _change_line(r, unit=" pts")
        rd = snap.get("readiness")
        detail = f"Review of {day_text(r['period_now'])}"
        if rd is not None and len(rd):
            last = rd.iloc[-1]
            detail += f": {int(last['in_place'])} in place, {int(last['partial'])} partial, {int(last['missing'])} missing"
        out.append(
            L.card("Readiness", fmt_percent(r["now"]), change=change, change_tone=tone, detail=detail,
                   accent="#8a4fbf", key="readiness")
        )  # fmt: skip

    # partners and sectors
    r = row("active_partners")
    div = snap.get("sector_diversity")
    if r is None or pd.isna(r["now"]):
        out.append(L.card("Partners", "–", detail=_note(r, "no partners"), key="partners"))
    else:
        extra = _sector_mix(div)
        sectors = row("sectors")
        n_sec = (
            "" if sectors is None or pd.isna(sectors["now"]) else f"{int(sectors['now'])} sectors"
        )
        out.append(
            L.card(
                "Active partners",
                f"{int(r['now'])}",
                unit=n_sec,
                accent="#17324d",
                extra=extra,
                key="partners",
            )
        )
    return out


def _sector_mix(div: pd.DataFrame | None) -> str:
    """A bar of active partners by sector with its key (from ``sector_diversity``)."""
    from partner_analytics.figures.theme import SECTOR_COLORS

    if div is None or not len(div) or div["n_partners"].sum() <= 0:
        return ""
    total = float(div["n_partners"].sum())
    shown = div[div["n_partners"] > 0]
    colors = [SECTOR_COLORS.get(s, "#7a7a7a") for s in shown["sector"]]
    texts = [
        f"{label(s)} {int(n)}" for s, n in zip(shown["sector"], shown["n_partners"], strict=True)
    ]
    bar = L.bar(
        [(n / total, c, t) for n, c, t in zip(shown["n_partners"], colors, texts, strict=True)]
    )
    return bar + L.legend(zip(colors, texts, strict=True))


def _note(row, default: str) -> str:
    if row is not None and isinstance(row["note"], str) and row["note"] not in ("", "nan", "None"):
        return row["note"]
    return default


def _pillar_bars(snap, day) -> str:
    """Per pillar: a bar of statuses and "k of n on track" (from ``pillar_summary``)."""
    from partner_analytics.analysis.indicators import pillar_summary
    from partner_analytics.figures.theme import STATUS_COLORS, STATUS_LABELS

    ps, _ = safe_frame(lambda: pillar_summary(snap.view, as_of=day))
    if ps is None or not len(ps):
        return ""
    rows = []
    for pillar, g in ps.groupby("pillar", sort=False, observed=True):
        total = float(g["n_indicators"].iloc[0]) or 1.0
        parts = [
            (n / total, STATUS_COLORS.get(s, "#9e9e9e"), f"{STATUS_LABELS.get(s, s)}: {int(n)}")
            for s, n in zip(g["status"], g["n"], strict=True)
        ]
        rows.append(
            f"<tr><td>{L.esc(label(pillar))}</td><td class='pa-barcell'>{L.bar(parts)}</td>"
            f"<td class='pa-num'>{int(g['n_on_track'].iloc[0])} of {int(g['n_indicators'].iloc[0])}</td></tr>"
        )
    return f"<table class='pa-pillars'>{''.join(rows)}</table>"


def overview_page(path=None) -> Dashboard:
    """The overview: headline cards and alerts as of a quarter end (default: the latest)."""
    return build_page("overview", _overview, path)


# --------------------------------------------------------------------------- stakeholders


def _stakeholders(page: Page) -> None:
    from partner_analytics.analysis import stakeholders as S
    from partner_analytics.figures import stakeholders as FS
    from partner_analytics.figures.theme import QUADRANT_LABELS

    p = page.p
    p.require("stakeholder_ratings", by="the stakeholders dashboard")
    pi = S.power_interest(p)
    mv, _ = safe_frame(lambda: S.stakeholder_movement(p))
    sal, sal_why = safe_frame(lambda: S.salience(p))
    tr, tr_why = safe_frame(lambda: S.quadrant_transitions(p))
    waves = waves_of(pi)
    groups = sorted({str(g) for g in pi["group"].dropna()})
    wave = W.wave_selector(waves)
    group = W.group_filter(groups)
    page.add_controls(wave=wave, group=group)
    cards_w = page.html("cards")

    def rows(frame, w, g, col="wave"):
        out = frame[frame[col] == w]
        if g != W.ALL and "group" in out:
            out = out[out["group"] == g]
        return out

    @functools.lru_cache(maxsize=64)
    def grid_fig(w, g):
        m = rows(mv, w, g, "to_wave") if mv is not None else None
        return empty_or(rows(pi, w, g), f"No stakeholder of this group was rated in {w}.",
                         lambda x: FS.plot_power_interest(x, movement=m, wave=w))  # fmt: skip

    @functools.lru_cache(maxsize=64)
    def salience_fig(w, g):
        if sal is None:
            raise MissingTableError(sal_why)
        return empty_or(rows(sal, w, g), f"No stakeholder of this group was rated in {w}.",
                         lambda x: FS.plot_salience(x, wave=w))  # fmt: skip

    def transitions_fig():
        if tr is None or not len(tr):
            raise MissingTableError(
                tr_why or "movement between quadrants needs two waves of ratings"
            )
        return FS.plot_quadrant_transitions(tr)

    page.section("Where stakeholders stand")
    page.figure(
        "power_interest",
        lambda: grid_fig(wave.value, group.value),
        what="stakeholder ratings",
        height=640,
    )
    page.row(
        lambda: page.figure("salience", lambda: salience_fig(wave.value, group.value),
                            what="salience (legitimacy and urgency)"),
        lambda: page.figure("transitions", transitions_fig, what="movement between waves"),
    )  # fmt: skip
    page.section("Stakeholders to discuss")
    table_w = page.html("table")

    @functools.lru_cache(maxsize=64)
    def text_of(w, g):
        """(cards, table) HTML of a wave and group."""
        f = rows(pi, w, g)
        shown = f[~f["suppressed"].astype(bool)]
        m = rows(mv, w, g, "to_wave") if mv is not None else pd.DataFrame()
        moved = (
            m[m["moved"].astype("boolean").fillna(False) & ~m["suppressed"].astype(bool)]
            if len(m)
            else m
        )
        resistant = shown[shown["stance"] == "resistant"]
        hidden = int(f["suppressed"].astype(bool).sum())
        cards = L.cards(
            [
                L.card("Stakeholders rated", str(len(shown)), unit=f"in {w}",
                       detail=f"{hidden} with fewer than 3 raters (n < 3)" if hidden else "each by 3 raters or more",
                       key="rated"),
                L.card("Manage closely", str(int((shown["quadrant"] == "manage_closely").sum())),
                       detail="high power and high interest", accent="#c0392b", key="manage_closely"),
                L.card("Contested", str(int(shown["contested"].astype(bool).sum())),
                       detail="raters disagree on where they stand", accent="#e08214", key="contested"),
                L.card("Moved quadrant", str(len(moved)), detail="since the wave before", accent="#1f5fa8", key="moved"),
                L.card("Resistant", str(len(resistant)), detail="mean support below zero", accent="#7a7a7a", key="resistant"),
            ]
        )  # fmt: skip
        moved_ids = set(moved["stakeholder_id"]) if len(moved) else set()
        watch = f[
            f["contested"].astype(bool)
            | (f["stance"] == "resistant")
            | f["stakeholder_id"].isin(moved_ids)
        ]
        before = (
            dict(zip(moved["stakeholder_id"], moved["quadrant_before"], strict=True))
            if len(moved)
            else {}
        )
        sup = [is_true(x) for x in watch["suppressed"]]
        tab = pd.DataFrame(
            {
                "Stakeholder": watch["name"].tolist(),
                "Group": watch["group"].fillna("–").tolist(),
                "Quadrant": ["n < 3" if s else QUADRANT_LABELS.get(q, label(q)) for q, s in zip(watch["quadrant"], sup, strict=True)],
                "Moved from": [QUADRANT_LABELS.get(before.get(i), "") for i in watch["stakeholder_id"]],
                "Power": [fmt_number(v, 1, suppressed=s) for v, s in zip(watch["power"], sup, strict=True)],
                "Interest": [fmt_number(v, 1, suppressed=s) for v, s in zip(watch["interest"], sup, strict=True)],
                "Stance": [label(v) for v in watch["stance"]],
                "Contested": ["yes" if is_true(c) else "" for c in watch["contested"]],
                "Raters": [str(int(n)) for n in watch["n_raters"]],
            }
        )  # fmt: skip
        table = L.table(
            tab, caption=f"Contested, resistant or moved stakeholders, {w}", numeric=("Power", "Interest", "Raters"),
            empty="No stakeholder is contested, resistant or moved in this wave.",
        )  # fmt: skip
        return cards, table

    def draw_text():
        w, g = wave.value, group.value
        cards_w.value, table_w.value = text_of(w, g)
        page.set_as_of(pi.loc[pi["wave"] == w, "wave_end"].max(), f"stakeholder ratings, wave {w}")

    def draw():
        page.update("power_interest", lambda: grid_fig(wave.value, group.value))
        page.update("salience", lambda: salience_fig(wave.value, group.value))
        draw_text()

    draw_text()
    page.on_change([wave, group], draw)
    # in a preheated kernel the other waves are drawn now, so that a change is instant
    warm(
        *[functools.partial(b, w, W.ALL) for w in waves for b in (grid_fig, salience_fig, text_of)]
    )


def stakeholders_page(path=None) -> Dashboard:
    """Stakeholders: power-interest grid, salience and movement, by wave and group."""
    return build_page("stakeholders", _stakeholders, path)


# --------------------------------------------------------------------------- collaboration


def _sector_scores(gaps: pd.DataFrame, sector: str) -> pd.DataFrame:
    """The rows of one sector in ``perception_gaps``, shaped as ``factor_scores`` rows
    (wave, factor, mean, n_respondents, suppressed and the previous wave of that sector),
    so that the radar draws one sector's means. Values are the analysis' own."""
    g = gaps[gaps["group"] == sector].copy()
    waves = g[["wave", "wave_end"]].drop_duplicates().sort_values("wave_end")
    prev = dict(zip(waves["wave"], [None, *waves["wave"].tolist()[:-1]], strict=True))
    g["previous_wave"] = g["wave"].map(prev)
    return g[
        [
            "wave",
            "wave_end",
            "factor_code",
            "factor",
            "mean",
            "n_respondents",
            "suppressed",
            "previous_wave",
        ]
    ]


def _collaboration(page: Page) -> None:
    from partner_analytics.analysis import health as H
    from partner_analytics.figures import health as FH
    from partner_analytics.figures.theme import BAND_COLORS

    p = page.p
    p.require("assessments", by="the collaboration dashboard")
    fs = H.factor_scores(p)
    hi = H.health_index(p)
    gaps, gaps_why = safe_frame(lambda: H.perception_gaps(p, by="sector"))
    waves = waves_of(fs)
    sectors = []
    if gaps is not None and len(gaps):
        present = set(gaps["group"].dropna().astype(str))
        from partner_analytics.figures.theme import SECTOR_COLORS

        sectors = [s for s in SECTOR_COLORS if s in present]
    wave = W.wave_selector(waves)
    sector = W.sector_filter(sectors)
    page.add_controls(wave=wave, sector=sector)
    cards_w = page.html("cards")

    @functools.lru_cache(maxsize=64)
    def radar_fig(w, sec):
        if sec == W.ALL:
            return FH.plot_factor_radar(fs, wave=w)
        scores = _sector_scores(gaps, sec)
        if not (scores["wave"] == w).any():
            return W.empty_figure(f"No {label(sec).lower()} partner answered in {w}.")
        return FH.plot_factor_radar(
            scores, wave=w, title=f"How {label(sec).lower()} partners rate each factor, {w}"
        )

    @functools.lru_cache(maxsize=64)
    def gaps_fig(w):
        if gaps is None:
            raise MissingTableError(gaps_why)
        return FH.plot_perception_gaps(gaps, wave=w)

    page.figure(
        "health_index", lambda: FH.plot_health_index(hi), what="the health index", height=440
    )
    page.figure(
        "radar", lambda: radar_fig(wave.value, sector.value), what="factor scores", height=680
    )
    page.section("Do the sectors see the collaboration the same way?")
    n_factors = int(fs["factor_code"].nunique())
    page.figure("perception_gaps", lambda: gaps_fig(wave.value), what="perception gaps",
                height=max(420, 170 + 32 * n_factors))  # fmt: skip
    page.html(
        "note",
        '<div class="pa-note">Means of fewer than 3 respondents are not shown (“n &lt; 3”). '
        "Bands: 4.0 and above strength, 3.0 to 4.0 borderline, below 3.0 concern.</div>",
    )

    def draw_cards():
        w = wave.value
        row = hi[hi["wave"] == w]
        cards = []
        if len(row):
            r = row.iloc[0]
            change = (
                ""
                if pd.isna(r["change"])
                else f"{fmt_change(r['change'], 1)} since {r['previous_wave']}"
            )
            tone = change_tone(r["change"], "higher")
            cards.append(
                L.card("Collaboration health index", fmt_number(r["index"], 1, suppressed=is_true(r["suppressed"])),
                       unit="/ 100", change=change, change_tone=tone,
                       detail=f"{label(r['band'])} · {int(r['n_respondents'])} respondents",
                       accent=BAND_COLORS.get(r["band"]), key="health_index")
            )  # fmt: skip
        cur = fs[(fs["wave"] == w) & ~fs["suppressed"].astype(bool) & fs["mean"].notna()]
        if len(cur):
            best = cur.loc[cur["mean"].idxmax()]
            worst = cur.loc[cur["mean"].idxmin()]
            cards.append(L.card("Factors of concern", str(int((cur["band"] == "concern").sum())), unit=f"of {len(cur)}",
                                detail="mean below 3.0", accent=BAND_COLORS["concern"], key="concern"))  # fmt: skip
            cards.append(L.card("Strongest factor", fmt_number(best["mean"], 2), detail=str(best["factor"]),
                                accent=BAND_COLORS.get(best["band"]), key="strongest"))  # fmt: skip
            cards.append(L.card("Weakest factor", fmt_number(worst["mean"], 2), detail=str(worst["factor"]),
                                accent=BAND_COLORS.get(worst["band"]), key="weakest"))  # fmt: skip
        if gaps is not None and len(gaps):
            g = gaps[gaps["wave"] == w].drop_duplicates("factor_code")
            flagged = g[g["flagged"].astype("boolean").fillna(False)]
            cards.append(L.card("Seen differently by sectors", str(len(flagged)), unit=f"of {int(g['gap'].notna().sum())}",
                                detail="factors with a gap of 1.0 or more between sectors", accent="#e08214",
                                key="gaps"))  # fmt: skip
        cards_w.value = L.cards(cards)
        page.set_as_of(fs.loc[fs["wave"] == w, "wave_end"].max(), f"partner survey, wave {w}")

    def draw_wave():
        page.update("radar", lambda: radar_fig(wave.value, sector.value))
        page.update("perception_gaps", lambda: gaps_fig(wave.value))
        draw_cards()

    def draw_sector():
        page.update("radar", lambda: radar_fig(wave.value, sector.value))

    draw_cards()
    page.on_change([wave], draw_wave)
    page.on_change([sector], draw_sector)
    warm(
        *[functools.partial(radar_fig, w, W.ALL) for w in waves],
        *[functools.partial(gaps_fig, w) for w in waves],
        *[functools.partial(radar_fig, wave.value, sec) for sec in sectors],
    )


def collaboration_page(path=None) -> Dashboard:
    """Collaboration health: index, factor radar (all or one sector), perception gaps."""
    return build_page("collaboration", _collaboration, path)


# --------------------------------------------------------------------------- delivery


def _selection_view(p, partner_ids: set[str] | None):
    """The partnership with contributions and commitments of the chosen partners only."""
    if partner_ids is None:
        return p
    t = dict(p.tables)
    for name in ("contributions", "commitments"):
        f = t[name]
        if len(f):
            t[name] = f[f["partner_id"].isin(partner_ids)].reset_index(drop=True)
    return dataclasses.replace(p, tables=t)


def _delivery(page: Page) -> None:
    from partner_analytics.analysis import delivery as D
    from partner_analytics.figures import delivery as FD
    from partner_analytics.figures.theme import SECTOR_COLORS
    from partner_analytics.analysis.snapshot import snapshot

    p = page.p
    if not (p.has("commitments") or p.has("contributions")):
        p.require("commitments", by="the delivery dashboard")
    days = quarter_ends(p)
    as_of = W.as_of_selector(days)
    partners = p.partners[p.partners["role"].fillna("") != "candidate"]
    names = dict(zip(partners["partner_id"], partners["name"], strict=True))
    sectors = [s for s in SECTOR_COLORS if (partners["sector"] == s).any()]
    sector = W.sector_filter(sectors)
    partner = W.partner_filter(partners)
    page.add_controls(as_of=as_of, sector=sector, partner=partner)
    cards_w = page.html("cards")
    state = {"updating": False}
    from_snapshot = {
        "follow_through", "overdue_commitments", "upcoming_commitments", "contribution_flows",
        "contributions_over_time", "contribution_total",
    }  # fmt: skip

    def selection(sec: str, par: str) -> tuple[str, ...] | None:
        """The chosen partners (None: all of them)."""
        if par != W.ALL:
            return (par,)
        if sec != W.ALL:
            return tuple(sorted(partners.loc[partners["sector"] == sec, "partner_id"]))
        return None

    @functools.lru_cache(maxsize=256)
    def frame(name: str, day: str, sel: tuple[str, ...] | None):
        """An analysis frame as of ``day`` for the chosen partners: (frame, None) or (None, why)."""
        ts = pd.Timestamp(day)
        snap = snapshot(p, ts)
        if sel is None and name in from_snapshot:
            return safe_frame(lambda: snap.frame(name))
        view = _selection_view(snap.view, set(sel))
        compute = {
            "follow_through": lambda: D.follow_through(view, as_of=ts),
            "overdue_commitments": lambda: D.overdue_commitments(view, as_of=ts),
            "upcoming_commitments": lambda: D.upcoming_commitments(view, as_of=ts),
            "contribution_flows": lambda: D.contribution_flows(view),
            "contributions_over_time": lambda: D.contributions_over_time(view),
            "contribution_total": lambda: D.contribution_summary(view, by=()),
        }[name]
        return safe_frame(compute)

    def need(name, day, sel):
        f, why = frame(name, day, sel)
        if f is None:
            raise MissingTableError(why)
        return f

    @functools.lru_cache(maxsize=128)
    def follow_fig(day, sel):
        f = need("follow_through", day, sel)
        rows = f[f["partner_id"] != "(all)"] if sel is not None else f
        return empty_or(rows, "No commitment of this selection.", FD.plot_follow_through)

    @functools.lru_cache(maxsize=128)
    def overdue_fig(day, sel):
        return FD.plot_overdue_commitments(
            need("overdue_commitments", day, sel), as_of=pd.Timestamp(day)
        )

    @functools.lru_cache(maxsize=128)
    def over_time_fig(day, sel):
        return empty_or(need("contributions_over_time", day, sel), "No contribution of this selection yet.",
                         FD.plot_contributions_over_time)  # fmt: skip

    @functools.lru_cache(maxsize=128)
    def flows_fig(day, sel):
        return empty_or(need("contribution_flows", day, sel), "No contribution of this selection yet.",
                         FD.plot_contribution_flows)  # fmt: skip

    builds = {
        "follow_through": follow_fig,
        "overdue": overdue_fig,
        "contributions_over_time": over_time_fig,
        "contribution_flows": flows_fig,
    }

    def current():
        return as_of.value, selection(sector.value, partner.value)

    page.section("Commitments")
    page.row(
        lambda: page.figure("follow_through", lambda: follow_fig(*current()), what="commitments"),
        lambda: page.figure("overdue", lambda: overdue_fig(*current()), what="commitments"),
    )
    upcoming_w = page.html("upcoming")
    page.section("Contributions")
    page.row(
        lambda: page.figure(
            "contributions_over_time", lambda: over_time_fig(*current()), what="contributions"
        ),
        lambda: page.figure(
            "contribution_flows", lambda: flows_fig(*current()), what="contributions"
        ),
    )

    def draw_text():
        day, sel = current()
        if partner.value != W.ALL:
            who = names.get(partner.value, "")
        elif sector.value != W.ALL:
            who = f"{label(sector.value)} partners"
        else:
            who = "All partners"
        cards = []
        ft, why = frame("follow_through", day, sel)
        r = None
        if ft is not None and len(ft):
            overall = ft[ft["partner_id"] == "(all)"]
            r = overall.iloc[0] if len(overall) else None
        if r is not None and int(r["due"]):
            n_over = int(r["overdue"])
            oldest = r["max_days_overdue"]
            cards.append(L.card("Commitments kept on time", fmt_percent(r["rate"], ratio=True),
                                detail=f"{who}: {int(r['on_time'])} on time of {int(r['due'])} due",
                                accent="#1b7837", key="follow_through"))  # fmt: skip
            cards.append(L.card("Overdue", str(n_over), unit=f"of {int(r['due'])} due",
                                detail=f"the oldest {int(oldest)} days overdue" if n_over and not pd.isna(oldest) else who,
                                accent="#c0392b" if n_over else "#1b7837", key="overdue"))  # fmt: skip
        else:
            cards.append(L.card("Commitments kept on time", "–", detail=f"{who}: {why or 'no commitment due yet'}",
                                key="follow_through"))  # fmt: skip
        up, _ = frame("upcoming_commitments", day, sel)
        if up is not None:
            cards.append(
                L.card(
                    "Due in the next 30 days",
                    str(len(up)),
                    detail=who,
                    accent="#f1c232",
                    key="upcoming",
                )
            )
            listing = pd.DataFrame({"Partner": up["partner"].tolist(), "Commitment": up["description"].tolist(),
                                    "Due": [day_text(d) for d in up["due_date"]]})  # fmt: skip
            upcoming_w.value = L.table(listing, caption="Commitments falling due in the next 30 days",
                                       empty="No commitment falls due in the next 30 days.")  # fmt: skip
        else:
            upcoming_w.value = ""
        tot, why = frame("contribution_total", day, sel)
        if tot is not None and len(tot) and float(tot["pledged"].sum()) > 0:
            t = tot.iloc[0]
            cur = t["currency"] if isinstance(t["currency"], str) else ""
            share = None if pd.isna(t["fulfilment"]) else float(t["fulfilment"])
            bar = (
                L.bar(
                    [(share, "#1f5fa8", "delivered"), (1 - share, "#d9dee4", "not yet delivered")]
                )
                if share is not None
                else ""
            )
            cards.append(L.card("Contributions delivered", fmt_money(t["delivered"], cur),
                                detail=(f"{who}: {fmt_percent(share, ratio=True)} of {fmt_money(t['pledged'], cur)} pledged"
                                        if share is not None else f"{who}: of {fmt_money(t['pledged'], cur)} pledged"),
                                accent="#1f5fa8", extra=bar, key="delivered"))  # fmt: skip
        else:
            cards.append(L.card("Contributions delivered", "–", detail=f"{who}: no contribution dated by this day",
                                key="delivered"))  # fmt: skip
        cards_w.value = L.cards(cards)
        page.set_as_of(day, "commitments and contributions")

    def draw():
        if state["updating"]:
            return
        day, sel = current()
        empty = f"Nothing for this selection as of {day_text(day)}."
        for key, build in builds.items():
            page.update(key, lambda build=build: build(day, sel), empty=empty)
        draw_text()

    def sector_changed():
        # the partner list follows the sector; resetting it must not draw twice
        state["updating"] = True
        try:
            shown = (
                partners if sector.value == W.ALL else partners[partners["sector"] == sector.value]
            )
            ordered = shown.sort_values("name", key=lambda x: x.str.casefold())
            partner.options = [("All partners", W.ALL)] + list(
                zip(ordered["name"].astype(str), ordered["partner_id"].astype(str), strict=True)
            )
            partner.value = W.ALL
        finally:
            state["updating"] = False
        draw()

    draw_text()
    page.on_change([as_of, partner], draw)
    page.on_change([sector], sector_changed)
    # in a preheated kernel: each sector as of the latest day and the quarter before, and
    # the quarter ends of the year before for all partners (the analyses of that day, its
    # figures and its cards); another day and selection is computed when first chosen
    text_frames = ("follow_through", "upcoming_commitments", "contribution_total")
    earlier = [d.date().isoformat() for d in reversed(days[:-1])][:WARM_QUARTERS]
    sels = [selection(sec, W.ALL) for sec in sectors]
    warm(
        *[functools.partial(b, as_of.value, sel) for sel in sels for b in builds.values()],
        *[functools.partial(b, day, None) for day in earlier for b in builds.values()],
        *[functools.partial(frame, name, day, None) for day in earlier for name in text_frames],
        *[
            functools.partial(b, day, sel)
            for day in earlier[:1]
            for sel in sels
            for b in builds.values()
        ],
        *[
            functools.partial(frame, name, day, sel)
            for day in earlier[:1]
            for sel in sels
            for name in text_frames
        ],
    )


def delivery_page(path=None) -> Dashboard:
    """Delivery: commitments and contributions as of a quarter end, by sector and partner."""
    return build_page("delivery", _delivery, path)


# --------------------------------------------------------------------------- indicators


def _indicators(page: Page) -> None:
    from partner_analytics.analysis import indicators as I
    from partner_analytics.figures import indicators as FI
    from partner_analytics.figures.theme import STATUS_COLORS

    p = page.p
    p.require("indicators", by="the indicators dashboard")
    p.require("observations", by="the indicators dashboard")
    day = latest_day(p)
    progress = I.indicator_progress(p)
    scores = I.indicator_scores(p)
    trend = I.indicator_trend(p)
    summary, summary_why = safe_frame(lambda: I.pillar_summary(p))
    inds = p.indicators[["indicator_id", "name", "pillar"]].copy()
    pillars = [
        x
        for x in ("social", "environmental", "economic", "governance")
        if (inds["pillar"] == x).any()
    ]
    pillar = W.pillar_picker(pillars)
    # the indicators with observations, in the order of the package
    with_obs = inds[inds["indicator_id"].isin(set(trend["indicator_id"]))]
    first = with_obs["indicator_id"].iloc[0] if len(with_obs) else None
    indicator = W.indicator_picker(with_obs if len(with_obs) else inds, first)
    page.add_controls(pillar=pillar, indicator=indicator)
    cards_w = page.html("cards")
    state = {"updating": False}

    def ids_of(pil: str) -> set[str]:
        if pil == W.ALL:
            return set(inds["indicator_id"])
        return set(inds.loc[inds["pillar"] == pil, "indicator_id"])

    def chosen_ids() -> set[str]:
        return ids_of(pillar.value)

    @functools.lru_cache(maxsize=16)
    def status_fig(pil):
        ids = ids_of(pil)
        prog = progress[progress["indicator_id"].isin(ids)]
        tr = trend[trend["indicator_id"].isin(ids)]
        what = "Where each indicator stands" + (
            f": {label(pil).lower()} pillar" if pil != W.ALL else ""
        )
        return empty_or(
            prog,
            "No indicator in this pillar.",
            lambda x: FI.plot_indicator_status_table(x, tr, title=what),
        )

    @functools.lru_cache(maxsize=128)
    def trend_fig(i):
        return empty_or(trend[trend["indicator_id"] == i], "This indicator has no observations yet.",
                         lambda x: FI.plot_indicator_trend(x, indicator_id=i))  # fmt: skip

    def summary_fig():
        if summary is None:
            raise MissingTableError(summary_why)
        return FI.plot_pillar_summary(summary)

    n_rows = max(len(progress), 1)
    page.row(
        lambda: page.figure("trend", lambda: trend_fig(indicator.value), what="observations"),
        lambda: page.figure(
            "pillar_summary", summary_fig, what="indicator statuses", height=FIGURE_HEIGHT
        ),
    )
    page.section("Where each indicator stands")
    page.figure(
        "status_table",
        lambda: status_fig(pillar.value),
        what="indicator statuses",
        height=min(1400, 140 + 34 * n_rows),
    )

    def draw_cards():
        ids = chosen_ids()
        sc = scores[scores["parent_id"].isin(ids)] if "parent_id" in scores else scores
        n = len(sc)
        where = f"{label(pillar.value)} pillar" if pillar.value != W.ALL else "all pillars"
        counts = sc["status"].value_counts()

        def c(*statuses):
            return int(sum(counts.get(s, 0) for s in statuses))

        cards_w.value = L.cards(
            [
                L.card("On track", str(c("target_achieved", "substantial_progress")), unit=f"of {n}",
                       detail=f"{where}: target achieved or substantial progress",
                       accent=STATUS_COLORS["substantial_progress"], key="on_track"),
                L.card("Target achieved", str(c("target_achieved")), unit=f"of {n}", detail=where,
                       accent=STATUS_COLORS["target_achieved"], key="achieved"),
                L.card("Moderate or limited progress", str(c("moderate_progress", "limited_progress")), unit=f"of {n}",
                       detail=where, accent=STATUS_COLORS["moderate_progress"], key="progress"),
                L.card("Deteriorating", str(c("deterioration")), unit=f"of {n}", detail=where,
                       accent=STATUS_COLORS["deterioration"], key="deteriorating"),
                L.card("Not enough data", str(c("not_available")), unit=f"of {n}", detail=where,
                       accent=STATUS_COLORS["not_available"], key="not_available"),
            ]
        )  # fmt: skip

    def pillar_changed():
        page.update("status_table", lambda: status_fig(pillar.value))
        # the indicator list follows the pillar
        ids = chosen_ids()
        shown = with_obs[with_obs["indicator_id"].isin(ids)]
        if len(shown):
            state["updating"] = True
            try:
                keep = (
                    indicator.value
                    if indicator.value in set(shown["indicator_id"])
                    else shown["indicator_id"].iloc[0]
                )
                indicator.options = list(
                    zip(shown["name"].astype(str), shown["indicator_id"].astype(str), strict=True)
                )
                indicator.value = keep
            finally:
                state["updating"] = False
            indicator_changed()
        draw_cards()

    def indicator_changed():
        if state["updating"]:
            return
        page.update("trend", lambda: trend_fig(indicator.value))

    draw_cards()
    page.set_as_of(day, "latest observations")
    page.on_change([pillar], pillar_changed)
    page.on_change([indicator], indicator_changed)
    warm(
        *[functools.partial(status_fig, pil) for pil in pillars],
        *[functools.partial(trend_fig, i) for i in with_obs["indicator_id"]],
    )


def indicators_page(path=None) -> Dashboard:
    """Indicators: status table and pillar summary by pillar, one indicator's trend."""
    return build_page("indicators", _indicators, path)


# --------------------------------------------------------------------------- partners


def _partners(page: Page) -> None:
    from partner_analytics.analysis import competencies as C
    from partner_analytics.analysis import network as N
    from partner_analytics.figures import competencies as FC
    from partner_analytics.figures import network as FN
    from partner_analytics.figures.theme import SECTOR_COLORS

    p = page.p
    levels, levels_why = safe_frame(lambda: C.competency_levels(p, include_candidates=True))
    align, align_why = safe_frame(lambda: C.competency_alignment(p))
    index, _ = safe_frame(lambda: C.alignment_index(p))
    fit, fit_why = safe_frame(lambda: C.candidate_fit(p))
    div, div_why = safe_frame(lambda: C.sector_diversity(p))
    spof, _ = safe_frame(lambda: C.single_points_of_failure(p))
    metrics, net_why = safe_frame(lambda: N.network_metrics(p))
    edges, _ = safe_frame(lambda: N.network_edges(p))
    summary, _ = safe_frame(lambda: N.network_summary(p))
    sectors = [s for s in SECTOR_COLORS if (p.partners["sector"] == s).any()]
    sector = W.sector_filter(sectors)
    waves = waves_of(metrics) if metrics is not None else []
    controls = {"sector": sector}
    wave = None
    if waves:
        wave = W.wave_selector(waves, description="Network wave")
        controls["wave"] = wave
    page.add_controls(**controls)
    cards_w = page.html("cards")

    @functools.lru_cache(maxsize=16)
    def heatmap_fig(sec):
        if levels is None:
            raise MissingTableError(levels_why)
        rows = levels if sec == W.ALL else levels[levels["sector"] == sec]
        return empty_or(
            rows, "No partner of this sector lists competencies.", FC.plot_competency_heatmap
        )

    @functools.lru_cache(maxsize=16)
    def network_fig(w):
        if metrics is None or edges is None:
            raise MissingTableError(net_why)
        return FN.plot_network(metrics, edges, wave=w)

    def need(frame, why, build):
        if frame is None:
            raise MissingTableError(why)
        return build(frame)

    n_partners = len(levels["partner_id"].unique()) if levels is not None else 10
    n_objectives = len(align) if align is not None else 6
    page.section("Competencies: who brings what to the objectives")
    page.figure("heatmap", lambda: heatmap_fig(sector.value), what="competencies",
                height=max(FIGURE_HEIGHT, 200 + 30 * n_partners))  # fmt: skip
    page.figure("coverage", lambda: need(align, align_why, FC.plot_priority_coverage), what="objectives",
                height=max(420, 160 + 60 * n_objectives))  # fmt: skip
    page.section("Candidates and sector mix")
    page.row(
        lambda: page.figure(
            "candidates", lambda: need(fit, fit_why, _candidates_fig(FC)), what="candidate partners"
        ),
        lambda: page.figure(
            "diversity", lambda: need(div, div_why, FC.plot_sector_diversity), what="partners"
        ),
    )
    page.section("The relationship network")
    page.figure("network", lambda: network_fig(wave.value if wave is not None else None), what="relationships",
                height=760)  # fmt: skip
    page.figure("network_trend", lambda: need(summary, net_why, FN.plot_network_trend), what="relationships",
                height=440)  # fmt: skip

    def draw_cards():
        cards = []
        if div is not None:
            cards.append(L.card("Active partners", str(int(div["n_partners"].sum())),
                                unit=f"{int((div['n_partners'] > 0).sum())} sectors", extra=_sector_mix(div),
                                key="partners"))  # fmt: skip
        if index is not None and not pd.isna(index):
            cards.append(L.card("Competency alignment index", fmt_number(index, 0), unit="/ 100",
                                detail="how well partners cover the objectives, by priority", accent="#1f5fa8",
                                key="alignment"))  # fmt: skip
        if spof is not None:
            areas = ", ".join(sorted({label(a) for a in spof["area"]})) if len(spof) else "none"
            cards.append(L.card("Single points of failure", str(len(spof)),
                                detail=f"areas covered by one sector only: {areas}", accent="#e08214", key="spof"))  # fmt: skip
        if fit is not None and len(fit):
            best = fit.iloc[0]
            cards.append(L.card("Best candidate", f"{fmt_change(best['gain'], 1)}",
                                unit="index points", detail=f"{best['name']} ({label(best['sector'])})",
                                accent=SECTOR_COLORS.get(best["sector"]), key="candidate"))  # fmt: skip
        if summary is not None and wave is not None:
            r = summary[summary["wave"] == wave.value]
            if len(r):
                r = r.iloc[0]
                cards.append(L.card("Network density", fmt_percent(r["density"], ratio=True),
                                    detail=f"wave {wave.value}: {int(r['edges'])} working ties among {int(r['nodes'])} partners",
                                    accent="#2e9e5b", key="density"))  # fmt: skip
        cards_w.value = L.cards(cards) if cards else L.missing_message("partners", "")

    def draw_sector():
        page.update("heatmap", lambda: heatmap_fig(sector.value))

    def draw_wave():
        page.update("network", lambda: network_fig(wave.value))
        draw_cards()

    draw_cards()
    page.set_as_of(latest_day(p), "partners, competencies and the network")
    page.on_change([sector], draw_sector)
    if wave is not None:
        page.on_change([wave], draw_wave)
    warm(
        *[functools.partial(heatmap_fig, sec) for sec in sectors],
        *[functools.partial(network_fig, w) for w in reversed(waves[:-1])],
    )


def _candidates_fig(FC):
    def build(fit):
        if not len(fit):
            return W.empty_figure("The package lists no candidate partner.")
        return FC.plot_candidate_fit(fit)

    return build


def partners_page(path=None) -> Dashboard:
    """Partners: competency alignment, candidates, sector mix and the relationship network."""
    return build_page("partners", _partners, path)


# --------------------------------------------------------------------------- notebooks


def notebook_source(name: str) -> str:
    """The one code cell of a dashboard notebook."""
    if name not in PAGES:
        raise KeyError(f"unknown dashboard {name!r}; the dashboards are: {', '.join(PAGES)}")
    return f"from partner_analytics.dashboards import {name}_page\n\n{name}_page()"
