"""qingshan.tablefile.map_table: the header-mapped table reader the importers share."""

from __future__ import annotations

import pytest

from qingshan.tablefile import TableFileError, map_table

COLUMNS = {"编码": "code", "名称": "name", "备注": "note"}


def test_maps_columns_by_header_key_or_alias_and_skips_blank_rows() -> None:
    rows = [
        ["排污口名录"],  # a title row above the header
        ["name", "编码", "说明"],  # an English key, a header, a note column not in the layout
        ["甲", "A1", "x"],
        ["", None, "  "],
        ["乙", "A2"],  # a short row
    ]
    table = map_table(rows, COLUMNS, required=("code", "name"), max_rows=10,
                      aliases={"说明": "备注"})  # fmt: skip
    assert table.header_row == 1
    assert dict(table.where) == {"name": 0, "code": 1, "note": 2}
    assert list(table.records()) == [
        (3, {"name": "甲", "code": "A1", "note": "x"}),
        (5, {"name": "乙", "code": "A2", "note": None}),
    ]


def test_refusals_name_what_is_wrong() -> None:
    with pytest.raises(TableFileError, match=r"^no header row with 编码 \(code\) in the first "
                       r"10 rows: download the template$"):  # fmt: skip
        map_table([["x"]], COLUMNS, max_rows=10, no_header_hint=": download the template")
    with pytest.raises(TableFileError, match=r"required column\(s\) missing: 名称 \(name\), "
                       r"备注 \(note\)"):  # fmt: skip
        map_table([["编码"]], COLUMNS, max_rows=10)
    assert map_table([["编码"]], COLUMNS, required=("code",), max_rows=10).where == {"code": 0}
    with pytest.raises(TableFileError, match=r"^3 rows: at most 2 in one file$"):
        map_table([["编码"], ["a"], ["b"], ["c"]], COLUMNS, required=("code",), max_rows=2)
