"""The dashboard pages, driven without a browser: set a control's value, read the figures.

Each page is built once per module on the sample partnership (the page functions take a
loaded Partnership as well as a path); tiny packages check the messages for broken and
incomplete packages and the small-cell rule.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest

import partner_analytics.dashboards as D
from partner_analytics import MissingTableError, Partnership, load_partnership
from partner_analytics.dashboards import layout as L
from partner_analytics.dashboards import page as P
from partner_analytics.dashboards import widgets as W

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
CORPUS = ROOT / "tests" / "corpus"


def _data(fig) -> str:
    """The traces of a figure as text (to tell whether they changed)."""
    return json.dumps(fig.to_plotly_json()["data"], default=str, sort_keys=True)


def _drawn(fig) -> str:
    """The traces and the annotations of a figure as text (a diagram drawn with shapes and
    annotations, like the salience Venn, has no trace)."""
    out = fig.to_plotly_json()
    return json.dumps([out["data"], out["layout"].get("annotations")], default=str, sort_keys=True)


def _title(fig) -> str:
    return str(fig.layout.title.text)


def _other(control, avoid=None):
    """A value of the control other than the current one (and other than ``avoid``)."""
    values = [v for _, v in control.options]
    return next(v for v in reversed(values) if v != control.value and v != avoid)


def _text_only(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _workbook(dash) -> dict[str, pd.DataFrame]:
    """The sheets of the workbook the page's download link holds (every cell as text)."""
    import base64
    import io

    link = dash.parts["download"].value
    data = base64.b64decode(re.search(r"base64,([^\"]+)", link).group(1))
    return pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, engine="openpyxl")


@pytest.fixture(scope="module")
def sample() -> Partnership:
    if not (SAMPLE / "partners.csv").is_file():
        pytest.skip("the sample partnership is not generated (make sample)")
    return load_partnership(SAMPLE)


# --------------------------------------------------------------------------- notebooks


@pytest.mark.parametrize("name", list(D.PAGES))
def test_each_dashboard_notebook_is_one_import_and_one_call_without_outputs(name):
    nb = nbformat.read(ROOT / "dashboards" / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1
    assert code[0].source == D.notebook_source(name)
    assert code[0].outputs == [] and code[0].execution_count is None


def test_the_dashboards_folder_holds_exactly_the_pages():
    assert sorted(p.stem for p in (ROOT / "dashboards").glob("*.ipynb")) == sorted(D.PAGES)


def test_notebook_source_of_an_unknown_page_names_the_pages():
    with pytest.raises(KeyError, match="overview, stakeholders"):
        D.notebook_source("finance")


# --------------------------------------------------------------------------- data path


def test_data_path_prefers_the_argument_then_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(D.DATA_ENV, str(tmp_path))
    assert D.data_path("elsewhere") == Path("elsewhere")
    assert D.data_path() == tmp_path


def test_data_path_defaults_to_the_sample_of_the_checkout(monkeypatch):
    monkeypatch.delenv(D.DATA_ENV, raising=False)
    assert D.data_path() == SAMPLE


# --------------------------------------------------------------------------- overview


@pytest.fixture(scope="module")
def overview(sample):
    return D.overview_page(sample)


def test_overview_shows_the_headline_cards_and_the_alerts(overview, sample):
    assert overview.error is None
    cards = overview.parts["cards"].value
    for key in ("health_index", "on_track", "follow_through", "delivered", "readiness", "partners"):
        assert f'data-card="{key}"' in cards
    # indicators on track per pillar
    for pillar in ("Economic", "Environmental", "Governance", "Social"):
        assert pillar in cards
    assert "pa-alerts" in overview.parts["alerts"].value
    title = overview.parts["title"].value
    assert sample.name in title and "As of" in title
    assert overview.figures == {}  # the overview draws no plotly figure: it opens fast


def test_overview_as_of_selector_changes_the_cards_and_the_title(overview):
    as_of = overview.controls["as_of"]
    before_cards, before_title = overview.parts["cards"].value, overview.parts["title"].value
    latest = as_of.value
    as_of.value = _other(as_of)
    try:
        assert overview.parts["cards"].value != before_cards
        assert overview.parts["title"].value != before_title
        assert overview.parts["status"].value == ""
    finally:
        as_of.value = latest


def test_overview_cards_are_the_headline_figures(overview, sample):
    from partner_analytics.analysis.headlines import headline_figures

    head = headline_figures(sample, as_of=overview.controls["as_of"].value).set_index("figure")
    text = _text_only(overview.parts["cards"].value)
    # one number, one place: the card shows the headline figure, formatted
    assert f"{head.loc['health_index', 'now']:.1f}" in text
    assert (
        f"{int(head.loc['on_track', 'now'])}  of {int(head.loc['on_track', 'now_total'])}" in text
    )
    assert f"{head.loc['follow_through', 'now']:.0f} %" in text


@pytest.fixture(scope="module")
def hand_made() -> Partnership:
    """Two partners, four commitments and one survey wave, every number worked out by hand.

    Assessments 2022-Q4, factor 601 only: scores 5, 5, 4 (Alpha) and 3, 3, 4 (Beta): mean
    24 / 6 = 4.0, index = (4.0 - 1) / 4 * 100 = 75.0.
    Commitments as of 2022-12-31 (the end of the quarter of the last dated row): due by
    then k1 (2022-10-01, open: overdue), k2 (2022-11-01, open: overdue), k3 (2022-06-30,
    done 2022-06-15: on time); k4 falls due 2023-01-15. On time 1 of 3 = 33.3 %, 2 overdue.
    """
    return Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["A", "B"], "name": ["Alpha Council", "Beta Ltd"],
                               "sector": ["public", "private"]}),
        commitments=pd.DataFrame(
            {
                "commitment_id": ["k1", "k2", "k3", "k4"],
                "partner_id": ["A", "A", "B", "B"],
                "description": ["Open the depot", "Hire a manager", "Share data", "Fund the pilot"],
                "due_date": ["2022-10-01", "2022-11-01", "2022-06-30", "2023-01-15"],
                "completed_date": [None, None, "2022-06-15", None],
                "status": ["open", "open", "done", "open"],
            }
        ),
        assessments=pd.DataFrame(
            {"wave": "2022-Q4", "respondent_id": ["a1", "a2", "a3", "b1", "b2", "b3"],
             "partner_id": ["A", "A", "A", "B", "B", "B"], "factor_code": "601", "score": [5, 5, 4, 3, 3, 4]}
        ),
        today=pd.Timestamp("2030-01-01").date(),
    )  # fmt: skip


def test_overview_cards_of_a_hand_made_package(hand_made):
    dash = D.overview_page(hand_made)
    assert dash.controls["as_of"].value == "2022-12-31"
    text = " ".join(_text_only(dash.parts["cards"].value).split())
    assert "Collaboration health index 75.0 / 100" in text
    assert "Commitments kept on time 33 %" in text and "2 overdue of 3 due" in text
    assert "As of 31 Dec 2022" in dash.parts["title"].value


def test_delivery_cards_of_a_hand_made_package(hand_made):
    dash = D.delivery_page(hand_made)
    text = " ".join(_text_only(dash.parts["cards"].value).split())
    assert "All partners: 1 on time of 3 due" in text
    assert "Overdue 2 of 3 due" in text
    # Alpha alone: k1 and k2 due and overdue, none on time: 0 %
    dash.controls["partner"].value = "A"
    text = " ".join(_text_only(dash.parts["cards"].value).split())
    assert "Commitments kept on time 0 %" in text and "Alpha Council: 0 on time of 2 due" in text


# --------------------------------------------------------------------------- stakeholders


@pytest.fixture(scope="module")
def stakeholders(sample):
    return D.stakeholders_page(sample)


def test_stakeholders_wave_selector_redraws_the_grid_and_salience(stakeholders):
    wave = stakeholders.controls["wave"]
    grid, sal = stakeholders.figures["power_interest"], stakeholders.figures["salience"]
    before = (_data(grid), _drawn(sal), _title(grid))
    latest = wave.value
    wave.value = _other(wave)
    try:
        assert _data(grid) != before[0] and _drawn(sal) != before[1]
        assert wave.value in _title(grid) and latest not in _title(grid)
        assert wave.value in stakeholders.parts["cards"].value
    finally:
        wave.value = latest


def test_stakeholders_group_filter_keeps_only_that_group(stakeholders, sample):
    group = stakeholders.controls["group"]
    grid = stakeholders.figures["power_interest"]
    before = _data(grid)
    chosen = _other(group)
    group.value = chosen
    try:
        assert _data(grid) != before
        names = set(sample.stakeholders.loc[sample.stakeholders["group"] == chosen, "name"])
        others = set(sample.stakeholders["name"]) - names
        shown = {str(t) for tr in grid.data for t in (tr.hovertext or tr.text or []) if t}
        assert not any(o in s for s in shown for o in others)
    finally:
        group.value = W.ALL


# --------------------------------------------------------------------------- collaboration


@pytest.fixture(scope="module")
def collaboration(sample):
    return D.collaboration_page(sample)


def test_collaboration_wave_selector_redraws_radar_and_gaps(collaboration):
    wave = collaboration.controls["wave"]
    radar, gaps = collaboration.figures["radar"], collaboration.figures["perception_gaps"]
    before = (_data(radar), _data(gaps))
    latest = wave.value
    wave.value = _other(wave)
    try:
        assert _data(radar) != before[0] and _data(gaps) != before[1]
        assert wave.value in _title(radar)
    finally:
        wave.value = latest


def test_collaboration_sector_filter_draws_that_sectors_means(collaboration, sample):
    from partner_analytics.analysis.health import perception_gaps

    sector = collaboration.controls["sector"]
    radar = collaboration.figures["radar"]
    before = _data(radar)
    sector.value = "public"
    try:
        assert _data(radar) != before
        assert "public partners" in _title(radar).lower()
        wave = collaboration.controls["wave"].value
        gaps = perception_gaps(sample, by="sector")
        expected = gaps[(gaps["wave"] == wave) & (gaps["group"] == "public")]
        expected = expected[~expected["suppressed"]]
        drawn = [r for r in radar.data[0].r if r is not None]
        # the radar's points are the analysis' means (closed polygon: the first point twice)
        assert sorted(round(v, 9) for v in drawn[:-1]) == sorted(
            round(v, 9) for v in expected["mean"]
        )
    finally:
        sector.value = W.ALL


# --------------------------------------------------------------------------- delivery


@pytest.fixture(scope="module")
def delivery(sample):
    return D.delivery_page(sample)


def test_delivery_sector_filter_keeps_that_sectors_partners_and_resets_the_partner_list(
    delivery, sample
):
    sector, partner = delivery.controls["sector"], delivery.controls["partner"]
    follow = delivery.figures["follow_through"]
    before = _data(follow)
    sector.value = "private"
    try:
        assert _data(follow) != before
        private = set(sample.partners.loc[sample.partners["sector"] == "private", "name"])
        labels = {str(y) for tr in follow.data for y in (tr.y if tr.y is not None else [])}
        assert labels and labels <= private
        assert {label for label, _ in partner.options[1:]} <= private
        assert "Private partners" in delivery.parts["cards"].value
    finally:
        sector.value = W.ALL


def test_delivery_partner_filter_shows_one_partner(delivery, sample):
    partner = delivery.controls["partner"]
    follow = delivery.figures["follow_through"]
    flows = delivery.figures["contribution_flows"]
    before = (_data(follow), _data(flows))
    pid = "P06"
    partner.value = pid
    try:
        name = sample.partners.set_index("partner_id").loc[pid, "name"]
        assert _data(follow) != before[0] and _data(flows) != before[1]
        labels = {str(y) for tr in follow.data for y in (tr.y if tr.y is not None else [])}
        assert labels == {name}
    finally:
        partner.value = W.ALL


def test_delivery_as_of_selector_redraws_commitments(delivery):
    as_of = delivery.controls["as_of"]
    follow = delivery.figures["follow_through"]
    before = (_data(follow), _title(follow))
    latest = as_of.value
    values = [v for _, v in as_of.options]
    as_of.value = values[-3]
    try:
        assert _data(follow) != before[0]
        assert _title(follow) != before[1]
        assert delivery.parts["status"].value == ""
    finally:
        as_of.value = latest


def test_delivery_before_any_contribution_shows_an_empty_figure_not_an_error(delivery):
    as_of = delivery.controls["as_of"]
    latest = as_of.value
    as_of.value = next(v for _, v in as_of.options)
    try:
        assert delivery.parts["status"].value == ""
        notes = [a.text for a in delivery.figures["contributions_over_time"].layout.annotations]
        assert any(n.startswith("Nothing for this selection as of") for n in notes)
        assert len(delivery.figures["contributions_over_time"].data) == 0
    finally:
        as_of.value = latest


# --------------------------------------------------------------------------- indicators


@pytest.fixture(scope="module")
def indicators(sample):
    return D.indicators_page(sample)


def test_indicator_picker_redraws_the_trend(indicators, sample):
    picker = indicators.controls["indicator"]
    trend = indicators.figures["trend"]
    before = _data(trend)
    first = picker.value
    picker.value = _other(picker)
    try:
        assert _data(trend) != before
        name = sample.indicators.set_index("indicator_id").loc[picker.value, "name"]
        assert name in _title(trend)
    finally:
        picker.value = first


def test_pillar_picker_narrows_the_status_table_and_the_indicator_list(indicators, sample):
    # the status table is an HTML table (names wrap: they no longer run under the badges)
    pillar, picker = indicators.controls["pillar"], indicators.controls["indicator"]
    table = indicators.parts["status_table"]
    before = table.value
    pillar.value = "social"
    try:
        assert table.value != before
        social = sample.indicators[sample.indicators["pillar"] == "social"]
        assert {v for _, v in picker.options} <= set(social["indicator_id"])
        rows = re.findall(r"<tr>(.*?)</tr>", table.value)[1:]
        assert len(rows) == len(social)
        assert all(name in table.value for name in social["name"])
        assert "Where each indicator stands: Social pillar" in table.value
        n = len(social)
        assert f"of {n}" in indicators.parts["cards"].value
    finally:
        pillar.value = W.ALL


def test_the_status_table_has_unit_value_and_target_and_says_why_data_is_missing(indicators, sample):
    from partner_analytics.analysis.indicators import indicator_progress
    from partner_analytics.dashboards.indicators import indicator_status_table

    table = indicators.parts["status_table"].value
    head = re.search(r"<thead>(.*?)</thead>", table).group(1)
    for column in ("Indicator", "Pillar", "Status", "Score", "Latest value", "Baseline", "Target",
                   "Trend"):  # fmt: skip
        assert f">{column}</th>" in head
    # Household waste recycling rate: 49.2 % in 2026-Q3, baseline 38 % in 2023-Q4, 60 % in 2030
    first = re.findall(r"<tr>(.*?)</tr>", table)[1]
    cells = " ".join(_text_only(first).split())
    assert "49.2 % in 2026-Q3" in cells and "38 % in 2023-Q4" in cells and "60 % in 2030" in cells
    assert "<caption>" in table and "<svg" in first
    # a series without enough data says why, next to its status
    progress = indicator_progress(sample).head(2).copy()
    progress.loc[progress.index[0], ["status", "score"]] = ["not_available", float("nan")]
    progress.loc[progress.index[0], "reason"] = "fewer than one year between the base and the latest value"
    html = indicator_status_table(progress, progress.iloc[0:0].assign(kind=[]), where="all pillars")
    assert "Not enough data" in html
    assert "Why: fewer than one year between the base and the latest value" in html


def test_the_indicator_cards_add_up_to_the_indicators_shown_in_every_pillar(indicators, sample):
    pillar = indicators.controls["pillar"]
    try:
        for value in [v for _, v in pillar.options]:
            pillar.value = value
            text = " ".join(_text_only(indicators.parts["cards"].value).split())
            counts = [int(n) for n in re.findall(r"(\d+) of (\d+)", text) for n in n[:1]]
            totals = {int(t) for _, t in re.findall(r"(\d+) of (\d+)", text)}
            shown = len(re.findall(r"<tr>", indicators.parts["status_table"].value)) - 1
            # on track (with target achieved among them), moderate or limited, deteriorating,
            # not enough data: four cards adding up to the n of each, the rows of the table
            assert len(totals) == 1 and sum(counts[:4]) == totals.pop() == shown
    finally:
        pillar.value = W.ALL


# --------------------------------------------------------------------------- partners


@pytest.fixture(scope="module")
def partners(sample):
    return D.partners_page(sample)


def test_partners_sector_filter_keeps_that_sector_in_the_heatmap(partners, sample):
    sector = partners.controls["sector"]
    heat = partners.figures["heatmap"]
    before = _data(heat)
    sector.value = "academic"
    try:
        assert _data(heat) != before
        rows = {str(y) for tr in heat.data for y in (tr.y if tr.y is not None else [])}
        academic = set(sample.partners.loc[sample.partners["sector"] == "academic", "name"])
        assert rows and all(any(a in r for a in academic) for r in rows)
    finally:
        sector.value = W.ALL


def test_partners_wave_selector_redraws_the_network(partners):
    wave = partners.controls["wave"]
    net = partners.figures["network"]
    before = (_data(net), _title(net))
    latest = wave.value
    wave.value = _other(wave)
    try:
        assert _data(net) != before[0] or _title(net) != before[1]
        assert wave.value in _title(net)
    finally:
        wave.value = latest


# --------------------------------------------------------------------------- broken and partial packages


@pytest.mark.parametrize("page", ["overview_page", "delivery_page"])
def test_a_package_with_errors_shows_its_errors_grouped_and_no_number(page):
    # the rule of the report: a package validate rejects is not shown as if it were whole
    dash = getattr(D, page)(CORPUS / "wrong_type")
    assert dash.error == "validation"
    assert dash.figures == {} and dash.controls == {}
    html = dash.parts["message"].value
    text = " ".join(_text_only(html).split())
    assert "cannot be shown as it is: 1 error(s) in contributions" in text
    assert "contributions.csv" in text and "is not a number" in text
    assert "1 row(s) (rows 3)" in text  # grouped: how many rows, the first of them
    assert "Traceback" not in dash.text()
    assert "drop_invalid" in dash.actions


def test_a_package_with_errors_can_be_shown_without_those_rows_and_says_what_was_left_out():
    from partner_analytics.analysis.delivery import contribution_summary

    dash = D.delivery_page(CORPUS / "wrong_type")
    dash.actions["drop_invalid"].click()
    assert dash.error is None and dash.figures and dash.controls
    banner = " ".join(_text_only(dash.parts["banner"].value).split())
    assert "Shown without 1 row(s) with errors" in banner
    assert "contributions: 1 row(s) left out (used by: Overview, Delivery)" in banner
    assert "is not a number" in banner
    # the cards are the analyses of what is left (C1 only: 800 of 1000 delivered)
    kept = load_partnership(CORPUS / "wrong_type", drop_invalid=True)
    total = contribution_summary(kept, by=()).iloc[0]
    assert (total["pledged"], total["delivered"]) == (1000, 800)
    cards = " ".join(_text_only(dash.parts["cards"].value).split())
    assert "Contributions delivered 800 All partners: 80 % of 1.0 k pledged" in cards
    # and the page's workbook says so too
    about = _workbook(dash)["About this view"]
    assert ["Rows left out (errors)", "1"] in about.astype(str).to_numpy().tolist()
    assert dash.root.children[-1].value.startswith('<div class="pa-ready')


def test_a_package_without_its_required_table_says_which_table():
    dash = D.stakeholders_page(CORPUS / "missing_required_table")
    assert dash.error == "validation"
    assert "partners" in dash.parts["message"].value and "required" in dash.parts["message"].value


def test_a_missing_path_is_a_message_not_a_traceback(tmp_path):
    dash = D.overview_page(tmp_path / "nowhere")
    assert dash.error is not None
    assert "cannot" in dash.parts["message"].value
    assert "Traceback" not in dash.text()


@pytest.fixture(scope="module")
def only_partners() -> Partnership:
    return Partnership.from_frames(
        partners=pd.DataFrame(
            {"partner_id": ["P1", "P2"], "name": ["Alpha", "Beta"], "sector": ["public", "private"]}
        )
    )


@pytest.mark.parametrize(
    ("page", "what"),
    [
        ("stakeholders_page", "No data for stakeholders"),
        ("collaboration_page", "No data for collaboration"),
        ("delivery_page", "No data for delivery"),
        ("indicators_page", "No data for indicators"),
    ],
)
def test_a_page_whose_tables_are_missing_says_no_data_in_this_package(only_partners, page, what):
    dash = getattr(D, page)(only_partners)
    assert dash.error == "missing table"
    assert f"{what} in this package" in dash.parts["message"].value
    assert "which the package does not have" in dash.parts["message"].value


def test_overview_of_a_package_without_dated_rows_says_so(only_partners):
    dash = D.overview_page(only_partners)
    assert dash.error is None
    assert "The package has no dated rows yet." in dash.parts["cards"].value


def test_partners_page_of_a_partners_only_package_shows_missing_parts_and_the_sector_mix(
    only_partners,
):
    dash = D.partners_page(only_partners)
    assert dash.error is None
    text = dash.text()
    assert "No data for competencies in this package" in text
    assert "No data for relationships in this package" in text
    assert "diversity" in dash.figures


def _ratings(raters: dict[str, int], wave: str = "2026-Q1") -> pd.DataFrame:
    rows = []
    for sid, n in raters.items():
        for r in range(n):
            rows.append(
                {
                    "wave": wave,
                    "rater_id": f"R{r}",
                    "stakeholder_id": sid,
                    "power": 4,
                    "interest": 4,
                }
            )
    return pd.DataFrame(rows)


def test_a_stakeholder_rated_by_two_people_is_counted_as_n_below_3():
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["P1"], "name": ["Alpha"], "sector": ["public"]}),
        stakeholders=pd.DataFrame({"stakeholder_id": ["S1", "S2"], "name": ["Mayor", "Union"]}),
        stakeholder_ratings=_ratings({"S1": 3, "S2": 2}),
        today=pd.Timestamp("2030-01-01").date(),
    )
    dash = D.stakeholders_page(p)
    assert dash.error is None
    cards = _text_only(dash.parts["cards"].value)
    # S1 has 3 raters (shown), S2 has 2 (suppressed): one rated, one "n < 3"
    assert "Stakeholders rated 1" in " ".join(cards.split())
    assert "1 with fewer than 3 raters (n &lt; 3)" in cards


def test_a_health_index_resting_on_two_respondents_reads_n_below_3():
    from partner_analytics import frameworks

    codes = frameworks.mutuality_factors()["factor_code"].tolist()
    rows = [
        {
            "wave": "2026-Q1",
            "respondent_id": f"R{i}",
            "partner_id": "P1",
            "factor_code": c,
            "score": 4,
        }
        for i in range(2)
        for c in codes
    ]
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["P1"], "name": ["Alpha"], "sector": ["public"]}),
        assessments=pd.DataFrame(rows),
        today=pd.Timestamp("2030-01-01").date(),
    )
    dash = D.overview_page(p)
    card = dash.parts["cards"].value
    health = card[card.index('data-card="health_index"') :]
    health = health[: health.index("</div></div>") if "</div></div>" in health else None]
    assert "n &lt; 3" in health


def test_a_page_can_be_asked_for_another_small_cell_threshold():
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["P1"], "name": ["Alpha"], "sector": ["public"]}),
        stakeholders=pd.DataFrame({"stakeholder_id": ["S1", "S2"], "name": ["Mayor", "Union"]}),
        stakeholder_ratings=_ratings({"S1": 3, "S2": 2}),
        today=pd.Timestamp("2030-01-01").date(),
    )
    # min_n = 4: both stakeholders are hidden, and every text says n < 4
    text = D.stakeholders_page(p, min_n=4).text()
    assert "2 with fewer than 4 raters (n &lt; 4)" in text and "n &lt; 3" not in text
    # min_n = 2: both are shown
    cards = " ".join(_text_only(D.stakeholders_page(p, min_n=2).parts["cards"].value).split())
    assert "Stakeholders rated 2" in cards and "each by 2 raters or more" in cards
    # the package's own setting is the default (package.yml's min_n)
    p2 = dataclasses.replace(p, min_n=4, cache={})
    assert "(n &lt; 4)" in D.stakeholders_page(p2).text()
    assert p.min_n == 3  # the caller's partnership is not changed


def test_the_overview_says_the_threshold_it_uses():
    dash = D.overview_page(Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": ["P1"], "name": ["Alpha"], "sector": ["public"]}),
        stakeholders=pd.DataFrame({"stakeholder_id": ["S1"], "name": ["Mayor"]}),
        stakeholder_ratings=_ratings({"S1": 3}),
        today=pd.Timestamp("2030-01-01").date(),
    ), min_n=5)  # fmt: skip
    assert "fewer than 5 people read “n &lt; 5”" in dash.parts["note"].value


# --------------------------------------------------------------------------- errors in callbacks


def test_an_error_while_redrawing_becomes_a_message_on_the_page(collaboration, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the figure could not be drawn\nsecond line")

    monkeypatch.setattr(W, "replace_figure", broken)
    wave = collaboration.controls["wave"]
    latest = wave.value
    wave.value = _other(wave)
    try:
        status = collaboration.parts["status"].value
        assert (
            "This view could not be drawn" in status and "the figure could not be drawn" in status
        )
        assert "second line" not in status and "Traceback" not in status
    finally:
        monkeypatch.undo()
        wave.value = latest
    assert collaboration.parts["status"].value == ""


def test_pages_warm_their_figures_only_in_a_preheated_kernel(monkeypatch):
    calls = []
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    P.warm(lambda: calls.append(1))
    assert calls == []
    monkeypatch.setenv("VOILA_PREHEAT", "True")  # what Voila sets in a preheated kernel
    P.warm(lambda: calls.append(1), lambda: (_ for _ in ()).throw(MissingTableError("no table")))
    assert calls == [1]


# --------------------------------------------------------------------------- widgets and layout


def test_replace_figure_updates_traces_of_the_same_kind_in_place():
    fw = W.figure_widget(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), height=300)
    trace = fw.data[0]
    W.replace_figure(
        fw, go.Figure(go.Bar(x=["a", "b"], y=[3, 4]), layout={"title": {"text": "new"}})
    )
    assert fw.data[0] is trace  # the same trace, updated
    assert list(fw.data[0].y) == [3, 4] and fw.layout.title.text == "new"
    assert fw.layout.height == 300


def test_replace_figure_swaps_traces_of_another_kind():
    fw = W.figure_widget(go.Figure(go.Bar(x=["a"], y=[1])))
    W.replace_figure(fw, go.Figure([go.Scatter(x=[1, 2], y=[2, 3]), go.Scatter(x=[1], y=[5])]))
    assert [t.type for t in fw.data] == ["scatter", "scatter"]
    assert list(fw.data[1].y) == [5]


def _messages(fw) -> list[tuple[str, dict]]:
    """The messages the widget sends to the browser from now on: (kind, content)."""
    sent: list[tuple[str, dict]] = []
    kinds = [
        "_py2js_update",
        "_py2js_restyle",
        "_py2js_relayout",
        "_py2js_addTraces",
        "_py2js_deleteTraces",
    ]
    fw.observe(
        lambda c: sent.append((c["name"], c["new"])) if c["new"] is not None else None, names=kinds
    )
    return sent


def test_replace_figure_sends_only_what_differs_in_one_message():
    def fig(y2, title):
        return go.Figure(
            [go.Bar(x=["a", "b"], y=[1, 2], name="one"), go.Bar(x=["a", "b"], y=y2, name="two")],
            layout={"title": {"text": title}},
        )

    fw = W.figure_widget(fig([5, 6], "old"), height=300)
    sent = _messages(fw)
    assert W.replace_figure(fw, fig([7, 8], "new")) is True
    assert [kind for kind, _ in sent] == ["_py2js_update"]
    msg = sent[0][1]
    assert msg["style_traces"] == [1] and list(msg["style_data"]) == ["y"]
    assert list(msg["style_data"]["y"][0]) == [7, 8]
    assert list(msg["layout_data"]) == ["title"] and msg["layout_data"]["title"]["text"] == "new"
    sent.clear()
    assert W.replace_figure(fw, fig([7, 8], "new")) is False  # nothing differs: nothing sent
    assert sent == []


def test_replace_figure_leaves_the_widget_equal_to_the_new_figure():
    fw = W.figure_widget(
        go.Figure(
            go.Scatter(x=[1, 2], y=[1, 2], marker={"color": "red"}),
            layout={"annotations": [{"text": "a"}]},
        )
    )
    new = go.Figure(
        go.Scatter(x=[1, 2, 3], y=[3, 2, 1], mode="lines"),
        layout={"annotations": [{"text": "b"}, {"text": "c", "x": 2}], "height": 410},
    )
    W.replace_figure(fw, new)
    # the objects read the new values: no stale annotation, no left-over marker colour
    assert [a.text for a in fw.layout.annotations] == ["b", "c"] and fw.layout.annotations[1].x == 2
    assert fw.data[0].marker.color is None and fw.data[0].mode == "lines"
    assert list(fw.data[0].y) == [3, 2, 1] and fw.layout.height == 410
    shown = fw.to_plotly_json()
    expected = new.to_plotly_json()
    assert [{k: v for k, v in t.items() if k != "uid"} for t in shown["data"]] == [
        {k: (list(v) if k in ("x", "y") else v) for k, v in t.items()} for t in expected["data"]
    ]
    assert shown["layout"]["annotations"] == expected["layout"]["annotations"]


def test_a_zoom_in_the_browser_does_not_change_the_figure_kept_for_a_choice():
    a = go.Figure(go.Scatter(x=[1, 2], y=[1, 2]), layout={"xaxis": {"title": {"text": "a"}}})
    b = go.Figure(go.Scatter(x=[1, 2], y=[2, 1]), layout={"xaxis": {"title": {"text": "b"}}})
    fw = W.figure_widget(a)
    W.replace_figure(fw, b)
    zoom = {"relayout_data": {"xaxis.range": [0, 1]}, "source_view_id": "view"}
    fw.set_state({"_js2py_relayout": zoom})  # what the browser sends after a zoom
    assert list(fw.layout.xaxis.range) == [0, 1]
    assert "range" not in W.figure_json(b)[1]["xaxis"]
    W.replace_figure(fw, a)
    W.replace_figure(fw, b)  # back to b: drawn as it was, not zoomed
    assert fw.layout.xaxis.range is None and fw.layout.xaxis.title.text == "b"


def test_dashboard_figures_take_the_browser_report_as_drawn_and_answer_nothing():
    fw = W.figure_widget(go.Figure(go.Bar(x=["a"], y=[1])))
    drawn, sent = [], []
    W.on_drawn(fw, lambda: drawn.append(1))
    fw._send = lambda msg, buffers=None: sent.append(msg)
    report = {
        "trace_deltas": [{"uid": fw.data[0].uid, "marker": {"color": "blue"}}],
        "trace_edit_id": 1,
    }
    fw.set_state({"_js2py_traceDeltas": report})  # what the browser sends after a redraw
    assert drawn == [1]
    assert sent == []  # no echo of the report, no removal of default values


def test_with_an_event_loop_a_page_sends_one_figure_at_a_time_and_drops_choices_left(
    sample, monkeypatch
):
    reference = D.collaboration_page(sample)  # no event loop: every figure at once
    wave = reference.controls["wave"]
    waves = [v for _, v in wave.options]
    wave.value = waves[1]

    def shown(fw):  # traces and layout, without the ids each widget gives its traces
        out = fw.to_plotly_json()
        data = [{k: v for k, v in t.items() if k != "uid"} for t in out["data"]]
        return json.dumps([data, out["layout"]], default=str, sort_keys=True)

    expected = {k: shown(fw) for k, fw in reference.figures.items()}

    def report_drawn(fw):
        fw.set_state({"_js2py_traceDeltas": {"trace_deltas": [], "trace_edit_id": 0}})

    monkeypatch.setattr(P, "NEXT_DELAY", 0.02)

    async def scenario():
        # a wave change redraws, in page order, the health index (the wave marked), the
        # radar and the perception gaps
        page = D.collaboration_page(sample)
        top, radar, gaps = (page.figures[k] for k in ("health_index", "radar", "perception_gaps"))
        sent = {"top": _messages(top), "radar": _messages(radar), "gaps": _messages(gaps)}

        def drawn_now():  # which figures were sent since the last call
            out = {k for k, v in sent.items() if v}
            for v in sent.values():
                v.clear()
            return out

        async def later():  # past NEXT_DELAY
            await asyncio.sleep(0.15)

        wave = page.controls["wave"]
        wave.value = waves[0]
        assert drawn_now() == {"top"}  # the figures below wait
        assert f"wave {waves[0]}" in page.parts["title"].value  # the text does not wait
        wave.value = waves[1]  # chosen while the top figure of waves[0] is being drawn
        await later()
        assert drawn_now() == set()
        report_drawn(gaps)  # not the figure being drawn: nothing happens
        await later()
        assert drawn_now() == set()
        report_drawn(top)
        assert drawn_now() == set()  # not at once
        await later()
        assert drawn_now() == {"top"}
        report_drawn(top)
        await later()
        assert drawn_now() == {"radar"}  # drawn once, for waves[1] only
        report_drawn(radar)
        await later()
        assert drawn_now() == {"gaps"}
        report_drawn(gaps)
        await later()
        assert drawn_now() == set()
        assert {k: shown(fw) for k, fw in page.figures.items()} == expected
        # a choice made just after the top figure is drawn: its top figure goes at once, the
        # figures below of the choice left are never sent
        wave.value = waves[2]
        assert drawn_now() == {"top"}
        report_drawn(top)
        wave.value = waves[3]
        assert drawn_now() == {"top"}
        report_drawn(top)
        await later()
        assert drawn_now() == {"radar"}
        report_drawn(radar)
        await later()
        assert len(sent["gaps"]) == 1 and waves[3] in gaps.layout.title.text
        assert drawn_now() == {"gaps"}
        report_drawn(gaps)
        # a browser that never answers: the next figure goes after DRAWN_TIMEOUT
        monkeypatch.setattr(P, "DRAWN_TIMEOUT", 0.05)
        wave.value = waves[0]
        assert drawn_now() == {"top"}
        await asyncio.sleep(0.5)
        assert drawn_now() == {"radar", "gaps"}
        assert page.parts["status"].value == ""

    asyncio.run(scenario())


def test_figure_widgets_get_dates_as_text_not_nanoseconds():
    days = pd.to_datetime(["2026-03-31", "2026-06-30"])
    fw = W.figure_widget(go.Figure(go.Scatter(x=days.values, y=[1, 2])))
    assert list(fw.data[0].x) == ["2026-03-31T00:00:00", "2026-06-30T00:00:00"]


def test_figure_widgets_import_plotly_from_the_server_when_it_serves_the_bundle(monkeypatch):
    monkeypatch.setenv(W.PLOTLY_WIDGET_ENV, "voila/static/plotly-widget-test.js")
    fw = W.figure_widget(go.Figure())
    assert "voila/static/plotly-widget-test.js" in fw._esm and len(fw._esm) < 1000
    monkeypatch.delenv(W.PLOTLY_WIDGET_ENV)
    assert len(W.figure_widget(go.Figure())._esm) > 1_000_000  # plotly's own bundle


def test_filters_show_names_and_keep_ids_as_values():
    partners = pd.DataFrame({"partner_id": ["P2", "P1"], "name": ["beta", "Alpha"]})
    f = W.partner_filter(partners)
    assert f.options[0] == ("All partners", W.ALL)
    assert list(f.options[1:]) == [("Alpha", "P1"), ("beta", "P2")]
    s = W.sector_filter(["civil_society"])
    assert ("Civil society", "civil_society") in s.options


def test_title_bar_names_the_partnership_the_page_and_the_day():
    html = L.title_bar("Circular <Region>", "Overview", as_of="As of 30 Sep 2026", nav=[("overview", "Overview")],
                       current="overview")  # fmt: skip
    assert "Circular &lt;Region&gt;" in html and "As of 30 Sep 2026" in html
    assert '<a href="overview.ipynb" class="pa-current">' in html
    assert "<style>" in html and ".pa-card" in html


def test_problems_message_lists_file_row_column_and_how_many_more():
    problems = pd.DataFrame(
        {
            "severity": ["error"] * 3 + ["warning"],
            "table": ["partners"] * 4,
            "file": ["/data/pkg/partners.csv"] * 4,
            "row": pd.array([2, 3, 4, 5], dtype="Int64"),
            "column": ["sector"] * 4,
            "value": ["pubic", "x", "y", "z"],
            "message": ["'pubic' is not a sector"] * 4,
        }
    )
    html = L.problems_message(problems, limit=2)
    assert "3 errors" in html
    assert "partners.csv" in html and "/data/pkg" not in html
    assert "&#x27;pubic&#x27; is not a sector" in html
    assert "… and 1 more" in html


def test_sparkline_draws_a_point_per_value_and_skips_gaps():
    svg = L.sparkline(
        [50.0, float("nan"), 60.0, 55.0], ["a", "b", "c", "d"], lo=50, hi=60, width=100, height=20
    )
    points = re.search(r'points="([^"]+)"', svg).group(1).split()
    assert len(points) == 3
    # x from 5 to 95 over 3 steps, y from 15 (lo) to 5 (hi): 55 sits at 10
    assert points[0] == "5.0,15.0" and points[-1] == "95.0,10.0"
    assert L.sparkline([1.0]) == ""


# --------------------------------------------------------------------------- every control, every element


def _shown_state(dash, key: str) -> str:
    """What the browser shows of a figure (traces, annotations, shapes, title) or a part."""
    if key in dash.figures:
        out = dash.figures[key].to_plotly_json()
        data = [{k: v for k, v in t.items() if k != "uid"} for t in out["data"]]
        lay = out["layout"]
        return json.dumps(
            [data, lay.get("annotations"), lay.get("shapes"), lay.get("title")], default=str, sort_keys=True
        )
    return str(dash.parts[key].value)


# page -> control -> (value to choose, elements that must change, elements that show the
# same whatever the control says and say so in a note "Shows ...")
CONTROLS = {
    "overview": {"as_of": (-2, ["cards", "alerts"], [])},
    "stakeholders": {
        "wave": (0, ["power_interest", "salience", "salience_table", "cards", "table"], ["transitions"]),
        "group": ("Politicians", ["power_interest", "salience", "salience_table", "transitions", "cards",
                                  "table"], []),
    },
    "collaboration": {
        "wave": (0, ["health_index", "radar", "perception_gaps", "cards"], []),
        "sector": ("private", ["health_index", "radar", "cards"], ["perception_gaps"]),
    },
    "delivery": {
        "as_of": (-3, ["follow_through", "overdue", "contributions_over_time", "contribution_flows",
                       "cards", "upcoming"], []),
        "sector": ("private", ["follow_through", "overdue", "contributions_over_time",
                               "contribution_flows", "cards", "upcoming"], []),
        "partner": ("P06", ["follow_through", "contributions_over_time", "contribution_flows",
                            "cards"], []),
    },
    "indicators": {
        "pillar": ("social", ["cards", "status_table"], ["pillar_summary"]),
        "indicator": (-1, ["trend"], []),
    },
    "partners": {
        "sector": ("private", ["heatmap", "candidates", "network", "cards", "network_table"],
                   ["coverage", "diversity", "network_trend"]),
        "wave": (0, ["network", "cards", "network_table"], []),
        "focus": ("P06", ["network", "network_table"], []),
        "sort": ("name", ["network_table"], []),
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def pages(sample):
    return {name: getattr(D, f"{name}_page")(sample) for name in CONTROLS}


@pytest.mark.parametrize(
    ("name", "control"), [(n, c) for n, controls in CONTROLS.items() for c in controls]
)
def test_every_control_changes_every_element_that_depends_on_it(pages, name, control):
    dash = pages[name]
    choice, dependent, scoped = CONTROLS[name][control]
    widget = dash.controls[control]
    values = [v for _, v in widget.options]
    value = values[choice] if isinstance(choice, int) else choice
    assert value in values and value != widget.value
    keys = [k for k in [*dash.figures, *dash.parts] if not k.endswith("_alt")]
    before = {k: _shown_state(dash, k) for k in keys}
    alts = {k: dash.parts[f"{k}_alt"].value for k in dash.figures}
    old = widget.value
    widget.value = value
    try:
        assert dash.parts["status"].value == ""
        unchanged = [k for k in dependent if _shown_state(dash, k) == before[k]]
        assert unchanged == [], f"{name}: {control} = {value} leaves {unchanged} as they were"
        for k in dependent:
            if k in dash.figures:  # the text alternative follows its figure
                assert dash.parts[f"{k}_alt"].value != alts[k], k
        for k in scoped:
            assert _shown_state(dash, k) == before[k]
            assert "Shows " in dash.parts[f"{k}_scope"].value
        # the choices are written out for print, and the workbook follows them
        assert widget.label in dash.parts["view"].value
    finally:
        widget.value = old


def test_the_group_filter_keeps_each_groups_colour_in_the_table(pages):
    dash = pages["stakeholders"]
    chip = re.compile(r'background-color:(#[0-9a-f]{6})" aria-hidden="true"></span>([^<]+)<')
    colours = {name: c for c, name in chip.findall(dash.parts["table"].value)}
    assert len(colours) >= 2
    group = dash.controls["group"]
    chosen = max(colours)
    group.value = chosen
    try:
        kept = {name: c for c, name in chip.findall(dash.parts["table"].value)}
        assert kept == {chosen: colours[chosen]}  # the same colour with the others filtered out
    finally:
        group.value = W.ALL


@pytest.mark.parametrize("name", list(D.PAGES))
def test_every_page_downloads_its_current_view_as_a_workbook(pages, sample, name):
    dash = pages[name] if name in pages else getattr(D, f"{name}_page")(sample)
    link = dash.parts["download"].value
    assert 'download="circular-region-partnership-' in link and ".xlsx" in link
    sheets = _workbook(dash)
    about = sheets.pop("About this view")
    lines = dict(about.to_numpy().tolist())
    assert lines["Partnership"] == sample.name and lines["Dashboard"] == D.PAGES[name][0]
    for label, value in [(c.description, c.label) for c in dash.controls.values()]:
        assert lines[label] == value  # the choices of the view
    assert lines["Small cells"] == "values resting on fewer than 3 people read 'n < 3'"
    assert sheets and all(len(f.columns) for f in sheets.values())
    # no respondent or rater id, no comment: analysis results only
    for frame in sheets.values():
        assert not {"respondent_id", "rater_id", "comment"} & set(frame.columns)


def test_the_workbook_follows_the_choices_and_writes_small_cells_as_n_below_min_n(pages, sample):
    dash = pages["partners"]
    sector = dash.controls["sector"]
    sector.value = "private"
    try:
        network = _workbook(dash)["Network per partner"]
        private = set(sample.partners.loc[sample.partners["sector"] == "private", "name"])
        assert set(network["name"]) <= private and len(network)
    finally:
        sector.value = W.ALL
    # a partner rated by two organisations: its trust reads n < 3, never the number; the
    # next-smallest (A, three raters) is hidden beside it (complementary suppression), C
    # (four raters) is shown
    rows = [{"wave": "2026", "respondent_partner_id": a, "partner_id": b, "level": 3,
             "trust_openness": 4, "trust_reliability": 4, "trust_mission": 4}
            for a, b in (("A", "B"), ("C", "B"), ("B", "A"), ("C", "A"), ("D", "A"),
                         ("A", "C"), ("B", "C"), ("D", "C"), ("E", "C"))]  # fmt: skip
    p = Partnership.from_frames(
        partners=pd.DataFrame({"partner_id": list("ABCDE"), "name": ["=Alpha", "Beta", "Gamma", "Delta", "Eps"],
                               "sector": ["public", "private", "public", "academic", "public"]}),
        relationships=pd.DataFrame(rows), today=pd.Timestamp("2030-01-01").date(),
    )  # fmt: skip
    net = _workbook(D.partners_page(p))["Network per partner"].set_index("partner_id")
    assert net.loc["B", "trust_received_pct"] == "n < 3" and net.loc["B", "n_raters"] == "n < 3"
    assert net.loc["A", "trust_received_pct"] == "n < 3"
    assert net.loc["C", "trust_received_pct"] == "100"  # rated by A, B, D and E
    assert net.loc["A", "name"] == "'=Alpha"  # a text that would start a formula


def test_every_figure_has_its_text_alternative_written_from_its_data(pages):
    from partner_analytics.present.alt_text import alt_text

    for dash in pages.values():
        for key, fw in dash.figures.items():
            alt = dash.parts[f"{key}_alt"].value
            assert "In words" in alt and L.esc(alt_text(fw)) in alt, key
            assert len(alt_text(fw)) > 40, key


def test_tables_on_the_pages_have_captions(pages):
    for name, dash in pages.items():
        for key, part in dash.parts.items():
            for table in re.findall(r"<table class=\"pa-table\">.*?</table>", str(part.value), flags=re.DOTALL):
                assert "<caption>" in table, f"{name}: {key}"
