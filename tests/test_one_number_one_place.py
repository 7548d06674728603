"""One number, one place: on the sample at three as-of dates, every dashboard card, every
row of the report's headline table and every number in a highlight sentence equals the
value the analyses give (read here from the analysis functions and frames directly, and
compared as numbers, not as the pages' own formatting)."""

from __future__ import annotations

import html as _html
import re
from pathlib import Path

import pandas as pd
import pytest

from partner_analytics import load_partnership
from partner_analytics.analysis import competencies as C
from partner_analytics.analysis import delivery as D
from partner_analytics.analysis import headlines as H
from partner_analytics.analysis import health as Hh
from partner_analytics.analysis import indicators as I
from partner_analytics.analysis import network as N
from partner_analytics.analysis import readiness as R
from partner_analytics.analysis import stakeholders as S
from partner_analytics.analysis.snapshot import as_of_view
from partner_analytics.data.periods import previous_day

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
DAYS = ("2025-12-31", "2026-03-31", "2026-09-30")

pytestmark = pytest.mark.skipif(
    not (SAMPLE / "partners.csv").is_file(), reason="data/sample not generated"
)


@pytest.fixture(scope="module")
def sample():
    return load_partnership(SAMPLE)


# --------------------------------------------------------------------------- reading numbers

_PERIODS = re.compile(r"\d{4}-(?:Q[1-4]|H[12]|\d{2}-\d{2}|\d{2})\b")
_NUMBER = re.compile(r"(?:[A-Z]{3} )?[+−-]?\d[\d,]*(?:\.\d+)?(?: ?(?:bn|m|k)\b)?")
_SCALE = {"bn": 1e9, "m": 1e6, "k": 1e3}


def numbers(text: str, *, drop: tuple[str, ...] = ()) -> list[float]:
    """The numbers of a text, periods and dates left out, "EUR 1.2 m" read as 1.2e6."""
    for name in drop:
        text = text.replace(str(name), " ")
    text = _PERIODS.sub(" ", text)
    text = re.sub(r"and \d+ more", " ", text)  # "Alpha, Beta and 3 more": a list cut short
    out = []
    for token in _NUMBER.findall(text):
        token = re.sub(r"^[A-Z]{3} ", "", token).replace("−", "-").replace(",", "")
        scale = 1.0
        m = re.search(r" ?(bn|m|k)$", token)
        if m:
            scale, token = _SCALE[m.group(1)], token[: m.start()]
        out.append(float(token) * scale)
    return out


def close(shown: float, value: float) -> bool:
    """``shown`` is ``value`` rounded (to the digits written, or to 3 significant digits)."""
    if pd.isna(value):
        return False
    value = float(value)
    for digits in (0, 1, 2):
        if abs(round(value, digits) - shown) < 1e-9:
            return True
    return value != 0 and abs(shown - value) <= 0.05 * abs(value) and abs(shown) >= 1000


def text_only(html: str) -> str:
    return " ".join(_html.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def card_values(cards_html: str) -> dict[str, str]:
    """key -> the text of the card's big value and its unit."""
    out = {}
    for m in re.finditer(
        r'data-card="([^"]+)".*?<div class="pa-value">(.*?)</div>', cards_html, re.DOTALL
    ):
        out[m.group(1)] = text_only(m.group(2))
    return out


# --------------------------------------------------------------------------- report


def headline_rows(html: str) -> dict[str, dict[str, str]]:
    """The rows of the report's one "what changed" table: figure, now, previous, change
    (the section of each group is a heading row of its own)."""
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL):
        cells = [text_only(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.DOTALL)]
        if len(cells) == 4:
            rows[cells[0]] = dict(zip(["now", "previous", "change"], cells[1:], strict=True))
    return rows


@pytest.mark.parametrize("day", DAYS)
def test_every_row_of_the_reports_headline_table_is_the_analysis_value(sample, day):
    from partner_analytics.report.context import report_context
    from partner_analytics.report.sections import section

    head = H.headline_figures(sample, as_of=day)
    ctx = report_context(sample, as_of=day, run_time="T")
    table = next(
        b.content
        for b in section(ctx, "summary")
        if b.kind == "html" and "<table" in b.content and "Figure" in b.content
    )
    rows = headline_rows(table)
    assert len(rows) == len(head)
    for r in head.itertuples(index=False):
        row = rows[r.label]
        for col, value in (("now", r.now), ("previous", r.previous), ("change", r.change)):
            text = row[col]
            if col == "change" and text == "no new data":  # the same wave or review twice
                assert r.period_now == r.period_previous and value == 0, (r.figure, text)
            elif col == "change" and text == "nothing to compare":
                assert pd.isna(r.previous) and not pd.isna(r.now), (r.figure, text)
            elif pd.isna(value):
                assert text in ("–", f"n < {ctx.min_n}"), (r.figure, col, text)
            else:
                got = numbers(text)
                assert len(got) == 1 and close(got[0], value), (r.figure, col, text, value)


# --------------------------------------------------------------------------- highlights


def _expected(sample, day) -> dict[str, list[float]]:
    """The numbers each highlight rule may write, from the analyses of the two days."""
    prev = previous_day(day)
    now_v, prev_v = as_of_view(sample, day), as_of_view(sample, prev)
    head = H.headline_figures(sample, as_of=day).set_index("figure")

    def fig(key, *cols):
        return [head.loc[key, c] for c in cols]

    sc = I.indicator_scores(now_v, as_of=day)
    ch = H.indicator_status_changes(sc, I.indicator_scores(prev_v, as_of=prev))
    counts_now = H.indicator_status_counts(sc).iloc[0]
    counts_before = H.indicator_status_counts(I.indicator_scores(prev_v, as_of=prev)).iloc[0]
    n = [counts_now["n"]]
    od = H.overdue_by_partner(
        D.overdue_commitments(now_v, as_of=day), D.overdue_commitments(prev_v, as_of=prev)
    )
    fs, pg = Hh.factor_scores(now_v), Hh.perception_gaps(now_v)
    before = S.power_interest(prev_v) if prev_v.has("stakeholder_ratings") else None
    mv = H.stakeholders_moved_since(S.stakeholder_movement(now_v), before)
    rd = R.readiness(now_v).iloc[-1]
    fit = C.candidate_fit(now_v, as_of=day).iloc[0]
    low = H.lowest_fulfilment(D.contribution_summary(now_v, by=("partner_id",)))
    return {
        "indicators_deteriorated": [ch["deteriorated"].sum(), *n, counts_before["deterioration"]],
        "indicators_still_bad": [ch["still_deteriorating"].sum(), *n],
        "indicators_fell_back": [ch["fell_back"].sum(), *n],
        "indicators_improved": [ch["moved_on_track"].sum(), *n],
        "indicators_on_track": [counts_now["on_track"], *n, counts_before["on_track"]],
        "overdue_by_partner": [*od["n"], *od["oldest_days"]],
        "follow_through": fig("follow_through", "now", "now_total", "previous"),
        "upcoming_commitments": [len(D.upcoming_commitments(now_v, as_of=day)), D.UPCOMING_DAYS],
        "contested_stakeholders": fig("contested", "now"),
        "stakeholders_moved": [len(mv)],
        "health_index": [
            *fig("health_index", "now", "previous"),
            abs(head.loc["health_index", "change"]),
        ],
        "concern_factors": [
            *fig("concern_factors", "now", "now_total"),
            *H.concern_factors(fs)["mean"],
        ],
        "perception_gaps": [*fig("perception_gaps", "now"), *H.flagged_gaps(pg)["gap"], 1.0],
        "fulfilment": [
            *fig("delivered", "now", "now_total"),
            *fig("fulfilment", "now", "previous"),
        ],
        "lowest_fulfilment": [100 * low["fulfilment"]],
        "partners": [*fig("active_partners", "now", "previous"), *fig("sectors", "now")],
        "single_points_of_failure": [len(C.single_points_of_failure(now_v, as_of=day))],
        "best_candidate": [fit["gain"], fit["index_without"], fit["index_with"]],
        "readiness": [rd["score"], rd["previous_score"]],
        "public_private_only": [],
    }


def _names(sample) -> tuple[str, ...]:
    """Names that may hold digits, left out before reading a sentence's numbers."""
    names = [*sample.indicators["name"], *sample.factors["factor"], *sample.partners["name"]]
    names += [*sample.stakeholders["name"], "(mean below 3.0)", "(gap of 1.0 or more)", "(of 100)"]
    return tuple(
        sorted({str(x) for x in names if any(ch.isdigit() for ch in str(x))}, key=len, reverse=True)
    )


@pytest.mark.parametrize("day", DAYS)
def test_every_number_of_a_highlight_sentence_is_an_analysis_value(sample, day):
    from partner_analytics.present.highlights import highlights

    h = highlights(sample, as_of=day)
    expected = _expected(sample, day)
    drop = _names(sample)
    assert len(h) >= 10
    for r in h.itertuples(index=False):
        allowed = [float(v) for v in expected[r.rule] if not pd.isna(v)]
        for shown in numbers(r.sentence, drop=drop):
            assert any(close(shown, v) for v in allowed), (r.rule, r.sentence, shown, allowed)
        if not pd.isna(r.value):
            assert any(abs(r.value - v) < 1e-9 for v in allowed), (r.rule, r.value, allowed)


# --------------------------------------------------------------------------- dashboards


@pytest.fixture(scope="module")
def pages(sample):
    import partner_analytics.dashboards as dash

    return {name: getattr(dash, f"{name}_page")(sample) for name in dash.PAGES}


def _one(text: str) -> float:
    got = numbers(text)
    assert got, text
    return got[0]


@pytest.mark.parametrize("day", DAYS)
def test_the_overview_cards_are_the_headline_figures(pages, sample, day):
    page = pages["overview"]
    page.controls["as_of"].value = day
    cards = card_values(page.parts["cards"].value)
    head = H.headline_figures(sample, as_of=day).set_index("figure")
    for key, figure in (("health_index", "health_index"), ("follow_through", "follow_through"),
                        ("delivered", "delivered"), ("readiness", "readiness"),
                        ("partners", "active_partners")):  # fmt: skip
        assert close(_one(cards[key]), head.loc[figure, "now"]), (key, cards[key])
    on = numbers(cards["on_track"])
    assert on == [head.loc["on_track", "now"], head.loc["on_track", "now_total"]]
    assert numbers(cards["partners"])[1] == head.loc["sectors", "now"]


@pytest.mark.parametrize("day", DAYS)
def test_the_delivery_cards_are_the_follow_through_and_contribution_totals(pages, sample, day):
    page = pages["delivery"]
    page.controls["as_of"].value = day
    cards = card_values(page.parts["cards"].value)
    view = as_of_view(sample, day)
    total = H.follow_through_total(D.follow_through(view, as_of=day))
    assert close(_one(cards["follow_through"]), 100 * total["rate"])
    assert numbers(cards["overdue"]) == [total["overdue"], total["due"]]
    assert _one(cards["upcoming"]) == len(D.upcoming_commitments(view, as_of=day))
    assert close(_one(cards["delivered"]), D.contribution_summary(view, by=())["delivered"].iloc[0])


@pytest.mark.parametrize("day", DAYS)
def test_the_stakeholder_cards_are_the_counts_of_the_wave(pages, sample, day):
    page = pages["stakeholders"]
    pi, mv = S.power_interest(sample), S.stakeholder_movement(sample)
    counts = H.stakeholder_counts(pi, mv)
    wave = H.latest_wave(pi[pi["wave_end"] <= pd.Timestamp(day)])
    page.controls["wave"].value = wave
    cards = card_values(page.parts["cards"].value)
    row = counts[(counts["wave"] == wave) & (counts["group"] == H.ALL)].iloc[0]
    for key in ("rated", "manage_closely", "contested", "moved", "resistant"):
        assert _one(cards[key]) == row[key], key


@pytest.mark.parametrize("day", DAYS)
def test_the_collaboration_cards_are_the_index_and_factor_counts_of_the_wave(pages, sample, day):
    page = pages["collaboration"]
    fs, hi, pg = Hh.factor_scores(sample), Hh.health_index(sample), Hh.perception_gaps(sample)
    wave = H.latest_wave(fs[fs["wave_end"] <= pd.Timestamp(day)])
    page.controls["wave"].value = wave
    cards = card_values(page.parts["cards"].value)
    assert close(_one(cards["health_index"]), hi.loc[hi["wave"] == wave, "index"].iloc[0])
    f = H.factor_counts(fs).set_index("wave").loc[wave]
    assert numbers(cards["concern"]) == [f["concern"], f["shown"]]
    assert close(_one(cards["strongest"]), f["strongest_mean"])
    assert close(_one(cards["weakest"]), f["weakest_mean"])
    g = H.gap_counts(pg).set_index("wave").loc[wave]
    assert numbers(cards["gaps"]) == [g["flagged"], g["compared"]]


def test_the_indicator_cards_are_the_status_counts_and_count_each_indicator_once(pages, sample):
    cards = card_values(pages["indicators"].parts["cards"].value)
    row = H.indicator_status_counts(I.indicator_scores(sample)).iloc[0]
    shown = {k: numbers(v) for k, v in cards.items()}
    assert shown["on_track"] == [row["on_track"], row["n"]]
    assert shown["progress"][0] == row["moderate_or_limited"]
    assert shown["deteriorating"][0] == row["deterioration"]
    assert shown["not_available"][0] == row["not_available"]
    # the cards split the indicators: target achieved is not counted a second time
    assert sum(v[0] for v in shown.values()) == row["n"]


def test_the_partner_cards_are_the_composition_alignment_and_network_values(pages, sample):
    page = pages["partners"]
    cards = card_values(page.parts["cards"].value)
    c = H.composition_counts(C.sector_diversity(sample))
    assert numbers(cards["partners"]) == [c["active_partners"], c["sectors"]]
    assert close(_one(cards["alignment"]), C.alignment_index(sample))
    assert _one(cards["spof"]) == len(C.single_points_of_failure(sample))
    assert close(_one(cards["candidate"]), C.candidate_fit(sample)["gain"].iloc[0])
    ns = N.network_summary(sample)
    density = ns.loc[ns["wave"] == page.controls["wave"].value, "density"].iloc[0]
    assert close(_one(cards["density"]), 100 * density)


@pytest.mark.parametrize("day", DAYS)
def test_the_actions_cards_are_the_action_counts(pages, sample, day):
    from partner_analytics.analysis.actions import action_follow_through

    total = action_follow_through(sample, as_of=day).iloc[-1]
    overview = pages["overview"]
    overview.controls["as_of"].value = day
    shown = card_values(overview.parts["cards"].value)["actions"]
    assert numbers(shown) == ([total["open"]] if total["n_actions"] else [])
    page = pages["actions"]
    page.controls["as_of"].value = day
    cards = card_values(page.parts["cards"].value)
    assert numbers(cards["open"]) == [total["open"], total["n_actions"]]
    assert numbers(cards["overdue"]) == [total["overdue"]]
    assert numbers(cards["done_on_time"]) == [total["done_on_time"], total["done"]]
    if pd.isna(total["follow_through"]):
        assert cards["follow_through"] == "–"
    else:
        assert close(_one(cards["follow_through"]), 100 * total["follow_through"])
