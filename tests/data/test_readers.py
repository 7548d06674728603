"""Reading a table given as a folder of files."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from partner_analytics.data import readers
from partner_analytics.data.readers import KnownCSV, read_csv_file, read_folder
from partner_analytics.data.writers import csv_table, table_csv_bytes


def test_a_table_of_several_files_names_each_row_s_file_in_one_categorical_sorted_by_name(tmp_path):
    folder = tmp_path / "partners"
    folder.mkdir()
    (folder / "b.csv").write_text("partner_id,name\nP3,C\nP4,D\n", encoding="utf-8")
    (folder / "a.csv").write_text("partner_id,name,extra\nP1,A,x\n", encoding="utf-8")
    (folder / "c.csv").write_text("partner_id;name\nP5;E\n", encoding="utf-8")
    raw = read_folder(tmp_path, {"partners"})
    frame = raw.tables["partners"].frame
    files = ["partners/a.csv", "partners/b.csv", "partners/c.csv"]
    assert list(frame.columns) == ["partner_id", "name", "extra", "_file", "_row"]
    assert frame["_file"].dtype == pd.CategoricalDtype(pd.Index(files, dtype="str"))
    by_file = dict(zip(frame["partner_id"], frame["_file"], strict=True))
    assert by_file == {"P1": files[0], "P3": files[1], "P4": files[1], "P5": files[2]}
    assert frame["_row"].tolist() == [2, 2, 3, 2]
    assert frame["extra"].isna().tolist() == [False, True, True, True]


def _random_frame(seed: int, n: int = 60) -> pd.DataFrame:
    rng = random.Random(seed)
    pieces = ["a", "P01", " ", "\t", '"', "'", "=", "+", "-", "@", ",", ";", "\n", "\r", "\r\n", "é", "日本", "\u00a0",
              "\x00", "\ufeff", "1", "2.5"]

    def text():
        return None if rng.random() < 0.15 else "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))

    floats = [None if rng.random() < 0.15 else rng.choice([0.1, 1 / 3, 2.0, -0.0, 1e-7, 1e22, 123456789.125, 5.0])
              for _ in range(n)]
    frame = pd.DataFrame({
        "wave": pd.array([text() for _ in range(n)], dtype="str"),
        "partner_id": pd.array([text() for _ in range(n)], dtype="str"),
        "score": pd.array(floats, dtype="float64"),
        "count": pd.array([None if rng.random() < 0.2 else rng.randint(-5, 10**12) for _ in range(n)], dtype="Int64"),
        "whole": pd.array([float(rng.randint(0, 5)) for _ in range(n)], dtype="float64"),
    })
    for c in ("wave", "partner_id", "score", "count"):  # three rows blank but for "whole"
        frame.loc[rng.sample(range(n), 3), c] = np.nan
    blank = pd.DataFrame({c: pd.array([None, None], dtype=frame[c].dtype) for c in frame.columns})
    return pd.concat([frame, blank], ignore_index=True)


@pytest.mark.parametrize("seed", range(6))
def test_a_csv_file_just_written_reads_from_its_arrow_table_as_its_bytes_parse(tmp_path, seed, monkeypatch):
    frame = _random_frame(seed)
    arrow = csv_table(frame)
    data = table_csv_bytes(arrow)
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    parsed_problems, known_problems = [], []
    parsed = read_csv_file(path, "t", "t.csv", parsed_problems)
    monkeypatch.setattr(readers, "_read_csv_arrow", None)  # not parsed again
    known = read_csv_file(path, "t", "t.csv", known_problems, KnownCSV(arrow, len(data)))
    pd.testing.assert_frame_equal(known[0], parsed[0], check_exact=True)
    assert known[1] == parsed[1] and known_problems == parsed_problems
    assert len(parsed[0]) < len(frame)  # blank rows were written and dropped on reading


def test_a_written_file_changed_since_is_parsed_from_disk(tmp_path):
    frame = _random_frame(0)
    arrow = csv_table(frame)
    path = tmp_path / "t.csv"
    path.write_bytes(table_csv_bytes(frame.iloc[:5].pipe(csv_table)))
    got = read_csv_file(path, "t", "t.csv", [], KnownCSV(arrow, len(table_csv_bytes(arrow))))
    assert got[0]["_row"].tolist() == read_csv_file(path, "t", "t.csv", [])[0]["_row"].tolist()
    assert len(got[0]) <= 5
