"""A whole Open SDG data repository at once: every indicator with automatic progress, and a
problem (not a traceback) for each indicator that cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from typer.testing import CliRunner

import partner_analytics as pa
from partner_analytics import load_partnership
from partner_analytics.analysis.indicators import indicator_progress, indicator_scores
from partner_analytics.cli import app
from partner_analytics.errors import InputFileError
from partner_analytics.importers.open_sdg import import_open_sdg, read_open_sdg

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
CANADA = REALDATA / "canada-sdg"
needs_realdata = pytest.mark.skipif(
    not CANADA.is_dir(), reason=f"real public data not found at {CANADA} (see SOURCES.md)"
)
runner = CliRunner()

GOOD_CSV = "Year,Value\n2015,100\n2020,110\n"
# no target, positive: v = 1.1^(1/5) - 1 = 0.0192449 >= 0.015: score min(500 v - 5, 5)
GOOD_SCORE = min(500 * (1.1**0.2 - 1) - 5, 5)
AUTO = "auto_progress_calculation: true\nprogress_calculation_options:\n- direction: positive\n"


def repository(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def messages(p, severity: str) -> list[str]:
    probs = p.problems[p.problems["severity"] == severity]
    return [f"{Path(f).name}: {m}" for f, m in zip(probs["file"], probs["message"], strict=True)]


def one_good_one_bad(root: Path) -> Path:
    """1-1-1 reads; 1-2-1's config is malformed YAML."""
    return repository(
        root,
        {"data/indicator_1-1-1.csv": GOOD_CSV, "indicator-config/1-1-1.yml": AUTO,
         "indicator-config/1-2-1.yml": "auto_progress_calculation: true\nx: [\n"},
    )  # fmt: skip


def single(tmp_path: Path, csv: str | bytes, config: str = AUTO) -> tuple[Path, Path]:
    """One indicator's two files, as a user names them."""
    data = tmp_path / "indicator_1-1-1.csv"
    if isinstance(csv, bytes):
        data.write_bytes(csv)
    else:
        data.write_text(csv, encoding="utf-8")
    path = tmp_path / "1-1-1.yml"
    path.write_text(config, encoding="utf-8")
    return data, path


def test_a_repository_reads_every_indicator_with_automatic_progress(tmp_path):
    root = repository(
        tmp_path,
        {
            "data/indicator_1-1-1.csv": GOOD_CSV,
            "indicator-config/1-1-1.yml": AUTO,
            "data/indicator_1-2-1.csv": GOOD_CSV,
            "indicator-config/1-2-1.yml": "auto_progress_calculation: false\n",
            "data/indicator_10-1-1.csv": GOOD_CSV,
            "indicator-config/10-1-1.yml": AUTO,
            "data/indicator_2-1-1.csv": GOOD_CSV,
            "indicator-config/2-1-1.yml": "reporting_status: complete\n",
        },
    )
    p = read_open_sdg(root)
    # in the order of the ids (1-1-1, 2-1-1, 10-1-1), only those with automatic progress
    assert p.indicators["indicator_id"].tolist() == ["1-1-1", "10-1-1"]
    scores = indicator_scores(p).set_index("parent_id")["score"]
    assert scores.to_dict() == {"1-1-1": GOOD_SCORE, "10-1-1": GOOD_SCORE}
    assert messages(p, "warning") == [
        (
            "indicator-config: 2 indicator(s) without auto_progress_calculation: true were not "
            "read (Open SDG publishes no computed status for them): 1-2-1, 2-1-1"
        )
    ]
    assert not len(p.errors)


def test_one_bad_indicator_is_a_problem_naming_its_file_and_the_others_load(tmp_path):
    root = repository(
        tmp_path,
        {
            "data/indicator_1-1-1.csv": GOOD_CSV,
            "indicator-config/1-1-1.yml": AUTO,
            # malformed YAML: an unclosed flow sequence
            "data/indicator_1-2-1.csv": GOOD_CSV,
            "indicator-config/1-2-1.yml": "auto_progress_calculation: true\nx: [1, 2\n",
            # the config asks for progress, the data file is missing
            "indicator-config/1-3-1.yml": AUTO,
            # a data file without a Value column
            "data/indicator_1-4-1.csv": "Year,Amount\n2015,1\n",
            "indicator-config/1-4-1.yml": AUTO,
            # not UTF-8 (a Latin-1 e acute on line 3)
            "data/indicator_1-5-1.csv": b"Year,Geography,Value\n2015,,1\n2016,Qu\xe9bec,2\n",
            "indicator-config/1-5-1.yml": AUTO,
            # an option value of the wrong kind
            "data/indicator_1-6-1.csv": GOOD_CSV,
            "indicator-config/1-6-1.yml": AUTO + "  target: soon\n",
            # a config that is not a mapping
            "data/indicator_1-7-1.csv": GOOD_CSV,
            "indicator-config/1-7-1.yml": "- just\n- a list\n",
            # a data file without any config
            "data/indicator_1-8-1.csv": GOOD_CSV,
        },
    )
    p = read_open_sdg(root)
    assert p.indicators["indicator_id"].tolist() == ["1-1-1"]
    assert indicator_scores(p)["score"].tolist() == [GOOD_SCORE]
    errors = messages(p, "error")
    # the parser's own words follow the place (libyaml's or PyYAML's)
    assert errors[0].startswith("1-2-1.yml: 1-2-1: is not valid YAML at line 3, column 1: ")
    assert errors[0].endswith("; the indicator was not read")
    assert errors[1:] == [
        (
            "indicator_1-3-1.csv: 1-3-1: file not found (the config asks for progress to be "
            "calculated); the indicator was not read"
        ),
        (
            "indicator_1-4-1.csv: 1-4-1: an Open SDG data file needs Year and Value columns; the "
            "header has: Year, Amount; the indicator was not read"
        ),
        (
            "indicator_1-5-1.csv: 1-5-1: is not UTF-8 text (byte 0xe9 on line 3); Open SDG files "
            "are UTF-8; the indicator was not read"
        ),
        (
            "1-6-1.yml: 1-6-1: progress option 1: target 'soon' is not a number; the indicator "
            "was not read"
        ),
        (
            "1-7-1.yml: 1-7-1: an Open SDG indicator config is a mapping of keys, got list; the "
            "indicator was not read"
        ),
    ]
    assert messages(p, "warning") == [
        (
            "indicator_1-8-1.csv: 1-8-1: no indicator config (indicator-config/1-8-1.yml or "
            "meta/1-8-1.md); the data file was not read"
        )
    ]
    # the missing file is named where it was expected
    missing = p.problems[p.problems["message"].str.contains("1-3-1")]["file"].iloc[0]
    assert missing == str(root / "data" / "indicator_1-3-1.csv")


def test_rows_that_cannot_be_used_are_reported_and_the_rest_of_the_file_is_read(tmp_path):
    csv = "Year,Value\n2015,100\n2016,1,2\nsoon,3\n2020,110\n"
    p = read_open_sdg(
        repository(tmp_path, {"data/indicator_1-1-1.csv": csv, "indicator-config/1-1-1.yml": AUTO})
    )
    assert p.observations["date"].tolist() == ["2015", "2020"]
    warnings = p.problems[["row", "message"]].values.tolist()
    assert warnings == [
        [3, "the row has 3 cells, the header has 2; the row was not used"],
        [4, "'soon' is not a year (YYYY); the row was not used"],
    ]
    assert indicator_scores(p)["score"].tolist() == [GOOD_SCORE]


def test_meta_markdown_front_matter_is_a_config(tmp_path):
    root = repository(
        tmp_path,
        {
            "data/indicator_1-1-1.csv": GOOD_CSV,
            "meta/1-1-1.md": "---\n" + AUTO + "---\nSome text about the indicator.\n",
            "data/indicator_1-2-1.csv": GOOD_CSV,
            "meta/1-2-1.md": "No front matter here.\n",
        },
    )
    p = read_open_sdg(root)
    assert p.indicators["indicator_id"].tolist() == ["1-1-1"]
    assert p.indicators["direction"].tolist() == ["increase"]
    assert messages(p, "error") == [
        (
            "1-2-1.md: 1-2-1: no YAML front matter: the file must start with a '---' line; the "
            "indicator was not read"
        )
    ]


def test_an_indicator_config_wins_over_the_meta_front_matter(tmp_path):
    root = repository(
        tmp_path,
        {
            "data/indicator_1-1-1.csv": GOOD_CSV,
            "meta/1-1-1.md": "---\nauto_progress_calculation: false\n---\n",
            "indicator-config/1-1-1.yml": AUTO,
        },
    )
    assert read_open_sdg(root).indicators["indicator_id"].tolist() == ["1-1-1"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_data_file_that_is_a_symbolic_link_is_not_followed(tmp_path):
    secret = tmp_path / "elsewhere.csv"
    secret.write_text(GOOD_CSV, encoding="utf-8")
    root = repository(
        tmp_path / "repo",
        {"indicator-config/1-1-1.yml": AUTO, "data/indicator_1-2-1.csv": GOOD_CSV,
         "indicator-config/1-2-1.yml": AUTO},
    )  # fmt: skip
    (root / "data" / "indicator_1-1-1.csv").symlink_to(secret)
    p = read_open_sdg(root)
    assert p.indicators["indicator_id"].tolist() == ["1-2-1"]
    assert messages(p, "error") == [
        (
            "indicator_1-1-1.csv: 1-1-1: is a symbolic link; links are not followed; the indicator "
            "was not read"
        )
    ]


def test_nothing_readable_raises_one_clear_error(tmp_path):
    root = repository(tmp_path, {"indicator-config/1-1-1.yml": "a: [\n"})
    (root / "data").mkdir()
    with pytest.raises(InputFileError, match="no Open SDG indicator could be read") as info:
        read_open_sdg(root)
    assert "1-1-1.yml: is not valid YAML" in str(info.value)
    with pytest.raises(InputFileError, match="not an Open SDG data repository"):
        read_open_sdg(tmp_path / "data")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputFileError, match="not an Open SDG data repository"):
        read_open_sdg(empty)


def test_a_single_unreadable_indicator_raises_a_clear_error_not_a_traceback(tmp_path):
    data, config = single(tmp_path, GOOD_CSV, "progress_calculation_options: [\n")
    with pytest.raises(InputFileError, match=r"1-1-1\.yml: is not valid YAML at line 2"):
        read_open_sdg(data, config)
    config.write_text(AUTO, encoding="utf-8")
    with pytest.raises(InputFileError, match=r"indicator_9-9-9\.csv: file not found"):
        read_open_sdg(tmp_path / "indicator_9-9-9.csv", config)


def test_the_public_name_reads_a_repository(tmp_path):
    root = repository(
        tmp_path, {"data/indicator_1-1-1.csv": GOOD_CSV, "indicator-config/1-1-1.yml": AUTO}
    )
    assert pa.read_open_sdg(root).indicators["indicator_id"].tolist() == ["1-1-1"]


@pytest.mark.realdata
@needs_realdata
def test_the_canadian_repository_reads_as_its_files_one_by_one():
    ids = sorted(p.stem for p in (CANADA / "indicator-config").glob("*.yml"))
    one_by_one = read_open_sdg(
        [CANADA / "data" / f"indicator_{i}.csv" for i in ids],
        [CANADA / "indicator-config" / f"{i}.yml" for i in ids],
    )
    whole = read_open_sdg(CANADA)
    assert len(whole.problems) == 0
    assert sorted(whole.indicators["parent_id"].unique()) == ids
    a = indicator_progress(whole).sort_values("indicator_id", ignore_index=True)
    b = indicator_progress(one_by_one).sort_values("indicator_id", ignore_index=True)
    assert_frame_equal(a, b, check_exact=True)


def test_import_open_sdg_writes_a_repository_as_a_package_with_its_problems(tmp_path):
    root = one_good_one_bad(tmp_path / "repo")
    out = import_open_sdg(root, tmp_path / "pkg")
    q = load_partnership(out)
    assert indicator_scores(q)["score"].tolist() == [GOOD_SCORE]
    listed = pd.read_csv(out / "_import_problems.csv")
    assert listed["severity"].tolist() == ["error"]
    assert listed["file"].tolist() == [str(root / "indicator-config" / "1-2-1.yml")]


def test_the_command_imports_a_repository_and_names_the_bad_files(tmp_path):
    root = one_good_one_bad(tmp_path / "repo")
    result = runner.invoke(
        app, ["import-open-sdg", str(root), str(tmp_path / "pkg")], terminal_width=300
    )
    assert result.exit_code == 0, result.output
    assert f"package written to {tmp_path / 'pkg'}" in result.output
    assert "1-2-1.yml: 1-2-1: is not valid YAML" in result.output
    assert "1 error(s), 0 warning(s)" in result.output
    assert (tmp_path / "pkg" / "indicators.csv").is_file()


def test_the_command_still_imports_one_indicator_from_its_two_files(tmp_path):
    data, config = single(tmp_path, GOOD_CSV)
    result = runner.invoke(app, ["import-open-sdg", str(data), str(config), str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert load_partnership(tmp_path / "p").indicators["indicator_id"].tolist() == ["1-1-1"]


def test_the_command_exits_5_with_a_message_when_nothing_can_be_read(tmp_path):
    data, config = single(tmp_path, b"Year,Value\n2015,\xff\n")
    result = runner.invoke(app, ["import-open-sdg", str(data), str(config), str(tmp_path / "p")])
    assert result.exit_code == 5
    assert "is not UTF-8 text (byte 0xff on line 2)" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "p").exists()
