"""The activity workbook import: the template, good rows stored and bad rows reported by row,
column and reason (unknown fuel, wrong unit, negative, unknown credit code, month out of range,
outside the scope, a month twice), a row stored whole or not at all, English headers under a
title row, unreadable files refused; and the /carbon/import page."""

from __future__ import annotations

import io
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.carbon import imports, service
from qingshan.carbon.errors import BadWorkbook
from qingshan.carbon.factors import load_library
from qingshan.carbon.models import CarbonActivity, CarbonResult
from qingshan.cli import app as cli_app
from qingshan.db.engine import session_scope

from .conftest import CEMENT_CODE, DYEING_CODES, NOW, POWER_CODE, XIHU

HEADERS = [c.header for c in imports.COLUMNS]


def _book(rows: list[list], headers: list[str] = HEADERS, title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(code: str, month: str, *fuels, elec=1000, heat=200, va=500) -> list:
    return [code, month, elec, None, None, heat, None, None, va, None, *fuels]


def _import(engine, data: bytes, scope=XIHU):
    with session_scope(engine) as s:
        return service.import_activity_excel(s, scope, data, actor="xihu", library=load_library(),
                                             now=NOW)  # fmt: skip


def test_the_template_has_every_column_and_its_examples_name_their_problem(engine, carbon_world):
    wb = load_workbook(io.BytesIO(imports.template()))
    ws = wb.active
    assert [c.value for c in ws[1]] == HEADERS and len(HEADERS) == 10 + 3 * imports.FUEL_SLOTS
    assert "MWh" in ws["C1"].comment.text and "electricity_purchased_mwh" in ws["C1"].comment.text
    rep = _import(engine, imports.template())
    assert (rep.rows, rep.stored) == (2, 0)  # the examples' enterprise is not in this archive
    assert [(p.row, p.column, p.header) for p in rep.problems] == [(2, "A", "统一社会信用代码"),
                                                                   (3, "A", "统一社会信用代码")]  # fmt: skip


def test_good_rows_are_stored_and_bad_rows_reported(engine, carbon_world):
    data = _book([
        _row(POWER_CODE, "2026-03", "天然气", 10, "万Nm3"),                       # 2 good (Chinese name)
        _row(POWER_CODE, "2026/4", "natural_gas", 10, "10^4 Nm3", "diesel", 2, "t"),  # 3 good
        _row(CEMENT_CODE, "2026-03"),                                              # 4 outside Xihu
        _row(POWER_CODE, "2026-05", "natural_gass", 10, "10^4 Nm3"),               # 5 unknown fuel
        _row(POWER_CODE, "2026-06", "natural_gas", 10, "t"),                       # 6 wrong unit
        _row(POWER_CODE, "2026-07", elec=-3),                                      # 7 negative
        _row("91330106MA2NOSUCH9", "2026-03"),                                     # 8 unknown code
        _row(POWER_CODE, "2027-01"),                                               # 9 future month
        _row(POWER_CODE, "2026-13"),                                               # 10 no such month
        [None] * 10,                                                               # 11 blank: skipped
        _row(POWER_CODE, "2026-03", elec=5),                                       # 12 month twice
    ])  # fmt: skip
    rep = _import(engine, data)
    assert (rep.rows, rep.stored, rep.rejected) == (10, 2, 8)
    got = [(p.row, p.column, p.header) for p in rep.problems]
    assert got == [(4, "A", "统一社会信用代码"), (5, "K", "燃料1"), (6, "M", "单位1"),
                   (7, "C", "外购电力"), (8, "A", "统一社会信用代码"), (9, "B", "月份"),
                   (10, "B", "月份"), (12, "B", "月份")]  # fmt: skip
    text = {p.row: p.message for p in rep.problems}
    assert "outside your scope" in text[4] and "北仑水泥厂" in text[4]
    assert "did you mean natural_gas" in text[5]
    assert "expected '10^4 Nm3'" in text[6]
    assert "must not be negative (got -3)" in text[7]
    assert "no such enterprise" in text[8]
    assert "2027-01 is out of range" in text[9]
    assert "month 13 does not exist" in text[10]
    assert "already given in row 2" in text[12]
    with session_scope(engine) as s:
        totals = dict(s.execute(select(CarbonResult.month, CarbonResult.total_tco2)).all())
        acts = s.scalars(select(CarbonActivity).order_by(CarbonActivity.month)).all()
        assert [(a.source, a.submitted_by) for a in acts] == [("import", "xihu")] * 2
        assert acts[0].data["fuels"] == [
            {"fuel": "natural_gas", "amount": 10.0, "unit": "10^4 Nm3"}
        ]
    march, april = sorted(totals)
    # electricity 1000 × 0.5703 + heat 200 × 0.11 = 592.3; gas 10 × EF(natural gas); April also
    # 2 t diesel × EF(diesel): the core's figures for the same fuels
    lib = load_library()
    gas, diesel = lib.fuel("natural_gas", march).value, lib.fuel("diesel", april).value
    assert totals[march] == pytest.approx(592.3 + 10 * gas)
    assert totals[april] == pytest.approx(592.3 + 10 * gas + 2 * diesel)


def test_a_row_is_stored_whole_or_not_at_all(engine, carbon_world):
    data = _book([_row(POWER_CODE, "2026-03", "natural_gas", 10, "10^4 Nm3", "coal", 5, "t")])
    rep = _import(engine, data)
    assert (rep.stored, [p.header for p in rep.problems]) == (0, ["燃料2"])
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(CarbonActivity)) == 0
        assert s.scalar(select(func.count()).select_from(CarbonResult)) == 0


def test_english_headers_below_a_title_and_an_enterprise_users_scope(engine, carbon_world):
    keys = [c.key for c in imports.COLUMNS]
    data = _book([_row(DYEING_CODES[0], "202603"), _row(DYEING_CODES[1], "2026年3月")],
                 headers=keys, title="2026年3月 碳排放活动数据")  # fmt: skip
    owner = carbon_world.owner(carbon_world.dyeing[0])
    rep = _import(engine, data, scope=owner)
    assert rep.stored == 1 and [(p.row, p.column) for p in rep.problems] == [(4, "A")]
    assert "outside your scope" in rep.problems[0].message


@pytest.mark.parametrize(("data", "message"), [
    (b"PK\x03\x04 broken", "not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0 old", "Excel 97-2003"),
    (_book([["x"]], headers=["名称", "数量"]), "no header row with 统一社会信用代码"),
])  # fmt: skip
def test_unreadable_files_are_refused(engine, carbon_world, data, message):
    with pytest.raises(BadWorkbook, match=message):
        _import(engine, data)


def test_the_import_page(engine, carbon_world, app_settings):
    from qingshan.platform.app import create_app

    with session_scope(engine) as s:
        create_user(s, "xihu", "carbon-import-pass", Role.COUNTY, "330106")
    with TestClient(create_app(app_settings)) as client:
        r = client.get("/carbon/import", follow_redirects=False)
        assert r.status_code in (302, 303) and "/login" in r.headers["location"]
        r = client.post(
            "/api/v1/auth/login", data={"username": "xihu", "password": "carbon-import-pass"}
        )
        assert r.status_code == 200
        page = client.get("/carbon/import?lang=en")
        assert page.status_code == 200 and "/api/v1/carbon/import/template" in page.text
        assert "One row per enterprise and month" in page.text
        data = _book([_row(POWER_CODE, "2026-03"), _row(CEMENT_CODE, "2026-03")])
        r = client.post(
            "/carbon/import", files={"file": ("m.xlsx", data, "application/octet-stream")}
        )
        assert r.status_code == 200
        assert 'data-stored="1"' in r.text and 'data-rejected="1"' in r.text
        assert (
            "2 row(s) read, 1 stored, 1 refused" in r.text
            and f"/carbon/enterprises/{carbon_world.power}" in r.text
        )
        r = client.post("/carbon/import", files={"file": ("m.xlsx", b"junk", "text/plain")})
        assert r.status_code == 422 and "qs-cbi-error" in r.text


def test_the_command_line(engine, carbon_world, app_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", app_settings.db_url)
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    book = tmp_path / "m.xlsx"
    book.write_bytes(_book([_row(POWER_CODE, "2026-03"), _row(POWER_CODE, "2026-04", elec=-1)]))
    r = runner.invoke(cli_app, ["carbon", "import", str(book), "--json"])
    assert r.exit_code == 1, r.output  # a row was refused
    out = json.loads(r.output)
    assert (out["stored"], out["rejected"]) == (1, 1) and "row 3, column C" in out["problems"][0]
    r = runner.invoke(cli_app, ["carbon", "factors", "--kind", "heat", "--json"])
    assert r.exit_code == 0 and [f["value"] for f in json.loads(r.output)] == [0.11]
    r = runner.invoke(cli_app, ["carbon", "recompute", "--reason", "nothing changed"])
    assert r.exit_code == 0 and "0 new version(s)" in r.output
