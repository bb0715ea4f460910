"""The Excel import of monthly declarations on both backends: good rows stored, each bad row
reported with its row, column and reason (bad code, unknown credit code, negative quantity,
month out of range, a month in the future), nothing half-stored; a file that is no workbook."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from qingshan.db.engine import session_scope
from qingshan.tablefile import write_workbook
from qingshan.waste import ledger_service as ls
from qingshan.waste.declaration_import import COLUMNS, template
from qingshan.waste.errors import LedgerInvalid
from qingshan.waste.models import WasteDeclaration

from .ledger_world import CODES, NINGBO, PROVINCE
from .ledger_world import world_fixture as world_fixture  # noqa: F401  (the fixture)

TODAY = date(2026, 12, 6)


def _book(rows) -> bytes:
    return write_workbook({"申报": (list(COLUMNS), rows)})


ROWS = [
    [CODES["p1"], 2026, 3, "900-249-08", 12.5, 1, 0],  # row 2: good
    [CODES["p3"], 2026, 3, "90024908", 4, None, 0.5],  # row 3: good (blank = 0)
    [CODES["p1"], 2026, 3, "999-249-08", 1, 0, 0],  # row 4: code not in the list
    ["91330000MA2NOBODY0", 2026, 3, "900-249-08", 1, 0, 0],  # row 5: unknown credit code
    [CODES["p2"], 2026, 4, "900-041-49", -3, 0, 0],  # row 6: negative
    [CODES["p2"], 2026, 13, "900-041-49", 3, 0, 0],  # row 7: month 13
    [
        CODES["p2"],
        2026,
        12,
        "900-041-49",
        3,
        0,
        0,
    ],  # row 8: good (the current month may be declared)
    [None, None, None, None, None, None, None],  # blank: skipped
    [CODES["p2"], 2027, 1, "900-041-49", 3, 0, 0],  # row 10: year in the future
]


def test_good_rows_stored_bad_rows_reported(engine, world):
    with session_scope(engine) as s:
        r = ls.import_declarations_excel(s, PROVINCE, _book(ROWS), actor="importer", today=TODAY)
        assert (r.rows, r.stored) == (8, 3)
        got = [(p.row, p.column, p.header) for p in r.problems]
        assert got == [(4, "D", "废物代码"), (5, "A", "统一社会信用代码"), (6, "E", "产生量"),
                       (7, "C", "月份"), (10, "B", "年份")]  # fmt: skip
        msgs = {p.row: p.message for p in r.problems}
        assert "not in the National Hazardous Waste List" in msgs[4]
        assert "unknown credit code 91330000MA2NOBODY0" in msgs[5]
        assert msgs[6] == "negative quantity -3 t"
        assert msgs[7] == "month 13 out of range (1–12)"
        assert msgs[10] == "year 2027 out of range (2000–2026)"
    with session_scope(engine) as s:
        stored = s.execute(select(WasteDeclaration.enterprise_id, WasteDeclaration.month,
                                  WasteDeclaration.waste_code, WasteDeclaration.generated_t,
                                  WasteDeclaration.self_utilised_t, WasteDeclaration.self_disposed_t,
                                  WasteDeclaration.source)
                           .order_by(WasteDeclaration.id)).all()  # fmt: skip
        assert stored == [
            (world.p1, date(2026, 3, 1), "900-249-08", 12.5, 1.0, 0.0, "import"),
            (world.p3, date(2026, 3, 1), "900-249-08", 4.0, 0.0, 0.5, "import"),
            (world.p2, date(2026, 12, 1), "900-041-49", 3.0, 0.0, 0.0, "import"),
        ]


def test_a_city_imports_only_its_enterprises(engine, world):
    with session_scope(engine) as s:
        r = ls.import_declarations_excel(s, NINGBO, _book(ROWS[:2]), actor="ningbo", today=TODAY)
        assert r.stored == 1  # p3 (北仑); p1 (西湖) is not Ningbo's
        assert [p.row for p in r.problems] == [2]
        assert "outside your scope" in r.problems[0].message


def test_the_template_reads_back_and_a_non_workbook_is_refused(engine, world):
    with session_scope(engine) as s:
        r = ls.import_declarations_excel(s, PROVINCE, template(), actor="x", today=TODAY)
        # the template's example credit code is nobody's
        assert (r.rows, r.stored, [p.row for p in r.problems]) == (1, 0, [2])
        # not a workbook: a 422 naming the file (the API mapped TableFileError to nothing: a 500)
        with pytest.raises(LedgerInvalid, match="not an Excel workbook"):
            ls.import_declarations_excel(s, PROVINCE, b"PK\x03\x04garbage", actor="x", today=TODAY)
        with pytest.raises(LedgerInvalid, match="no column 月份"):
            ls.import_declarations_excel(
                s, PROVINCE, write_workbook({"x": (["统一社会信用代码", "年份"], [])}), actor="x",
                today=TODAY)  # fmt: skip


def test_problems_name_the_sheets_own_columns(engine, world):
    headers = ["废物代码", "产生量", "统一社会信用代码", "年份", "月份"]  # another order, no 自行…
    book = write_workbook({"x": (headers, [["999-249-08", 2, CODES["p1"], 2026, 3],
                                           ["900-249-08", 2, CODES["p1"], 2026, 3]])})  # fmt: skip
    with session_scope(engine) as s:
        r = ls.import_declarations_excel(s, PROVINCE, book, actor="x", today=TODAY)
    assert r.stored == 1
    assert [(p.row, p.column, p.header) for p in r.problems] == [(2, "A", "废物代码")]
