"""Reading a table given as a folder of files."""

from __future__ import annotations

import pandas as pd

from partner_analytics.data.readers import read_folder


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
