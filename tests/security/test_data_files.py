"""Only the files the user named are read: no links, no special files, no workbook bombs; a
message never echoes more than a short, escaped excerpt of a file."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from partner_analytics import ValidationError, load_partnership
from partner_analytics.data.files import Limits
from partner_analytics.data.text import EXCERPT_CHARS

PARTNERS = "partner_id,name,sector\nP1,City of Oslo,public\nP2,Acme AS,private\n"
SECRET = "root:x:0:0:SECRET-LINE-THAT-MUST-NOT-SHOW:/root:/bin/bash\n" * 3


def _problems(path, **kw) -> pd.DataFrame:
    try:
        return load_partnership(path, **kw).problems
    except ValidationError as exc:
        return exc.problems


def _all_text(problems: pd.DataFrame) -> str:
    return " ".join(str(v) for v in problems.to_numpy().ravel())


@pytest.fixture
def outside(tmp_path) -> Path:
    f = tmp_path / "elsewhere" / "passwd"
    f.parent.mkdir()
    f.write_text(SECRET)
    return f


@pytest.fixture
def pkg(tmp_path) -> Path:
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "partners.csv").write_text(PARTNERS)
    return root


def test_a_table_file_that_is_a_symlink_is_refused_and_not_echoed(pkg, outside):
    os.symlink(outside, pkg / "stakeholders.csv")
    problems = _problems(pkg)
    assert "SECRET-LINE" not in _all_text(problems)
    refused = problems[problems["rule"] == "symlink"]
    assert refused[["severity", "table", "file"]].values.tolist() == [
        ["error", "stakeholders", "stakeholders.csv"]
    ]
    assert "symbolic link" in refused["message"].iloc[0]


def test_links_inside_a_table_folder_and_linked_folders_are_not_followed(pkg, outside, tmp_path):
    (pkg / "stakeholders").mkdir()
    (pkg / "stakeholders" / "a.csv").write_text("stakeholder_id,name\nS1,Mayor\n")
    os.symlink(outside, pkg / "stakeholders" / "b.csv")
    other = tmp_path / "other"
    other.mkdir()
    (other / "c.csv").write_text(SECRET)
    os.symlink(other, pkg / "stakeholders" / "more")
    os.symlink(other, pkg / "commitments")
    problems = _problems(pkg, drop_invalid=True)
    assert "SECRET-LINE" not in _all_text(problems)
    assert sorted(problems.loc[problems["rule"] == "symlink", "file"]) == [
        "commitments", "stakeholders/b.csv", "stakeholders/more",
    ]  # fmt: skip
    p = load_partnership(pkg, drop_invalid=True)
    assert p.stakeholders["stakeholder_id"].tolist() == ["S1"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_as_a_table_file_is_refused_without_blocking(pkg):
    os.mkfifo(pkg / "stakeholders.csv")
    problems = _problems(pkg)
    assert problems.loc[problems["rule"] == "not_a_file", "file"].tolist() == ["stakeholders.csv"]


def test_a_long_header_is_quoted_only_as_a_short_escaped_excerpt(pkg):
    # a "header" that is a whole file's worth of text, with control characters in it
    header = "\x1b[31m" + "A" * 5000 + "\x00"
    (pkg / "indicators.csv").write_text(f"indicator_id,{header}\nI1,x\n")
    problems = _problems(pkg)
    for text in problems["message"].tolist() + problems["value"].dropna().tolist():
        assert "A" * (EXCERPT_CHARS + 1) not in text
        assert "\x1b" not in text and "\x00" not in text
    assert "\\x1b" in _all_text(problems)


def _xlsx(path: Path, shared: str, rows: int = 1) -> None:
    """A minimal workbook whose one shared string is ``shared`` (built by hand with zipfile)."""
    sheet_rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, rows + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="partners" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{sheet_rows}</sheetData></worksheet>"
        ),
        "xl/sharedStrings.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            f"<si><t>{shared}</t></si></sst>"
        ),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)


def test_a_workbook_whose_shared_strings_expand_hugely_is_refused_before_it_is_opened(tmp_path):
    book = tmp_path / "bomb.xlsx"
    _xlsx(book, "A" * (64 << 20))  # 64 MiB of one letter: a few tens of kB on disk
    assert book.stat().st_size < 1 << 20
    problems = _problems(book)
    refused = problems[problems["rule"] == "too_large"]
    assert len(refused) == 1
    assert "xlsx_max_ratio" in refused["message"].iloc[0]
    # and with a lower limit on the decompressed size
    problems = _problems(book, limits=Limits(xlsx_max_ratio=10**9, xlsx_max_unzipped_bytes=1 << 20))
    assert "xlsx_max_unzipped_bytes" in problems.loc[problems["rule"] == "too_large", "message"].iloc[0]


def test_a_sheet_with_too_many_rows_fails_fast_with_the_limit_named(tmp_path):
    book = tmp_path / "long.xlsx"
    _xlsx(book, "partner_id", rows=300)
    problems = _problems(book, limits=Limits(xlsx_max_rows=100))
    refused = problems[problems["rule"] == "too_large"]
    assert refused["message"].tolist() == [
        "book: long.xlsx [partners] has more than 100 rows (xlsx_max_rows); save the table as CSV"
        .removeprefix("book: ")
    ]


def test_a_cell_longer_than_the_limit_is_refused(tmp_path):
    book = tmp_path / "cell.xlsx"
    _xlsx(book, "B" * 5000)
    problems = _problems(book, limits=Limits(cell_max_chars=1000))
    message = problems.loc[problems["rule"] == "too_large", "message"].iloc[0]
    assert "cell_max_chars" in message and "B" * 100 not in message


def test_limits_can_be_set_from_the_environment():
    limits = Limits.from_env({"PARTNER_ANALYTICS_XLSX_MAX_ROWS": "500_000"})
    assert limits.xlsx_max_rows == 500_000
    assert Limits.from_env({}).xlsx_max_rows == Limits().xlsx_max_rows


def test_a_link_that_names_no_table_is_a_warning_and_is_not_opened(pkg, outside):
    os.symlink(outside, pkg / "notes.md")
    p = load_partnership(pkg)
    assert p.problems[["severity", "rule", "file"]].values.tolist() == [["warning", "symlink", "notes.md"]]
    assert "SECRET-LINE" not in _all_text(p.problems)
