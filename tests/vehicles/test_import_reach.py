"""Issue #21: the imports and the remote-sensing / OBD reads a user can reach — the import page,
the API and the CLI on real CSV and .xlsx files (SQLite and PostgreSQL).

A file with one broken row is refused whole: the row and field are named (in the page's problem
table, in the API's ``context.problems``, in the CLI's table with exit status 1) and nothing is
stored; a good file is stored and shows on the vehicle's page. A city officer imports only its
region's vehicles, stations and sites; a county officer sees the page without the forms and is
refused a POST. The RS and OBD routes read the same figures as the pages, scoped alike, and
export the high emitters and flagged trucks as CSV / Excel."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.config import get_settings
from qingshan.db.engine import session_scope
from qingshan.sim.demo_vehicles import OBD_TRUTH_TABLE
from qingshan.tablefile import write_csv, write_workbook
from qingshan.timeutil import utcnow
from qingshan.vehicles.identity import vin_check_digit
from qingshan.vehicles.models import VehicleStation
from qingshan.vehicles.rs_obd_service import rs_view

from .conftest import PASSWORD, fleet_client, login_as

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
V_HEAD = [
    "车辆识别代号",
    "号牌号码",
    "号牌种类",
    "燃料种类",
    "车辆类别",
    "注册登记日期",
    "行政区划代码",
    "所有人类型",
]


def _vin(serial: int) -> str:
    base = f"LZZ1AB2C0RK{serial:06d}"
    return base[:8] + vin_check_digit(base) + base[9:]


def _bad_vin(serial: int) -> str:
    """A VIN whose check digit (position 9) is wrong."""
    v = _vin(serial)
    return v[:8] + ("1" if v[8] == "0" else "0") + v[9:]


def _vehicle_rows(serial: int, region: str = "330106") -> list[list[str]]:
    return [
        [_vin(serial), f"浙A{serial % 100000:05d}", "小型汽车", "汽油", "轻型载客", "2021-06-01", region, "个人"],
        [_vin(serial + 1), f"浙A{(serial + 1) % 100000:05d}", "小型汽车", "柴油", "轻型载货", "2019-03-15", region, "单位"],
    ]  # fmt: skip


@pytest.fixture
def client(engine, app_settings):
    now = utcnow() - timedelta(hours=1)
    with fleet_client(engine, app_settings, now=now, n_vehicles=3000, rs_obd=True) as c:
        with session_scope(engine) as s:
            create_user(s, "xh", PASSWORD, Role.COUNTY, "330106")
        yield c


def _n_vehicles(client) -> int:
    return len(client.store.read_vehicles())


def test_page_refuses_a_broken_csv_whole_and_stores_a_good_xlsx(client):
    login_as(client, "hz")
    page = client.get("/vehicles/import")
    assert page.status_code == 200 and 'id="qs-vh-import-form-vehicles"' in page.text
    before = _n_vehicles(client)
    rows = _vehicle_rows(91001)
    bad = [
        *rows,
        [
            _bad_vin(91003),
            "浙A91003",
            "小型汽车",
            "汽油",
            "轻型载客",
            "2021-06-01",
            "330106",
            "个人",
        ],
    ]
    r = client.post("/vehicles/import/vehicles",
                    files={"file": ("车辆.csv", write_csv(V_HEAD, bad), "text/csv")})  # fmt: skip
    assert r.status_code == 422
    table = r.text.split('id="qs-vh-import-problems"')[1].split("</table>")[0]
    assert 'data-row="4" data-field="vin"' in table and "position 9" in table  # header row 1
    assert table.count("<tr data-row") == 1
    assert _n_vehicles(client) == before  # nothing half-imported
    # the good rows as .xlsx: stored, and the vehicle's page shows them
    good = write_workbook({"车辆": (V_HEAD, rows)})
    r = client.post("/vehicles/import/vehicles", files={"file": ("车辆.xlsx", good, XLSX)})
    assert r.status_code == 200, r.text
    assert 'id="qs-vh-import-result" role="status" data-kind="vehicles" data-rows="2"' in r.text
    assert 'data-count="gasoline"' in r.text and 'data-count="diesel"' in r.text
    assert _n_vehicles(client) == before + 2
    page = client.get(f"/vehicles/v/{_vin(91001)}")
    assert page.status_code == 200 and "浙A91001" in page.text
    # the same file again: every VIN is already stored
    again = client.post("/vehicles/import/vehicles", files={"file": ("车辆.xlsx", good, XLSX)})
    assert again.status_code == 422 and again.text.count("is already stored") == 2


def test_tests_import_judges_and_shows_on_the_vehicle_page(client, engine):
    login_as(client, "hz")
    with session_scope(engine) as s:
        hz = sorted(
            s.scalars(
                select(VehicleStation.station_code).where(
                    VehicleStation.region_code.startswith("3301")
                )
            )
        )
        nb = sorted(
            s.scalars(
                select(VehicleStation.station_code).where(
                    VehicleStation.region_code.startswith("3302")
                )
            )
        )
    t = client.store.read_tests()
    t = t[t["station_code"].isin(hz) & (t["method"] == "double_idle")].iloc[0]  # a real stored test
    cols = ["test_id", "vin", "plate", "station_code", "line_no", "method", "kind", "started_at", "ended_at",
            "co_pct", "hc_ppm", "lambda_", "co_pct_hi", "hc_ppm_hi"]  # fmt: skip
    start = (
        (t["started_at"] + pd.Timedelta(days=1))
        .tz_convert("Asia/Shanghai")
        .strftime("%Y-%m-%d %H:%M:%S")
    )
    end = (
        (t["ended_at"] + pd.Timedelta(days=1))
        .tz_convert("Asia/Shanghai")
        .strftime("%Y-%m-%d %H:%M:%S")
    )
    row = ["IMPORT-0001", t["vin"], t["plate"], t["station_code"], int(t["line_no"]), "双怠速法", "复检", start, end,
           t["co_pct"], t["hc_ppm"], t["lambda_"], t["co_pct_hi"], t["hc_ppm_hi"]]  # fmt: skip
    other = [*row[:3], nb[0], *row[4:]]
    other[0] = "IMPORT-0002"
    n = len(client.store.read_tests())
    r = client.post("/vehicles/import/tests",
                    files={"file": ("tests.xlsx", write_workbook({"t": (cols, [row, other])}), XLSX)})  # fmt: skip
    assert r.status_code == 422 and 'data-row="3" data-field="station_code"' in r.text
    assert len(client.store.read_tests()) == n
    r = client.post(
        "/vehicles/import/tests", files={"file": ("tests.csv", write_csv(cols, [row]), "text/csv")}
    )
    assert r.status_code == 200, r.text
    assert 'data-count="passed"' in r.text or 'data-count="failed"' in r.text
    stored = client.store.read_tests()
    mine = stored[stored["test_id"] == "IMPORT-0001"].iloc[0]
    assert bool(mine["passed"]) == bool(t["passed"])  # the same values, the same verdict
    assert "IMPORT-0001" in client.get(f"/vehicles/v/{t['vin']}").text


def test_api_imports_rs_readings_with_named_range_errors(client):
    login_as(client, "hz")
    cols = ["检测编号", "站点编号", "号牌号码", "检测时间", "速度（km/h）", "加速度（m/s²）", "比功率（kW/t）",
            "CO（%）", "HC（10⁻⁶）", "NO（10⁻⁶）", "风速（m/s）"]  # fmt: skip
    plate = client.store.read_vehicles()["plate"].iloc[0]
    at = (utcnow() - timedelta(days=2)).strftime("%Y-%m-%d 09:00:00")
    good = [
        "RSIMP-1",
        "RS330100A",
        plate,
        at,
        40,
        0.3,
        8,
        6.0,
        200,
        300,
        1.0,
    ]  # CO 6 % > 4.5 % screening
    slow = ["RSIMP-2", "RS330100A", plate, at.replace("09:", "10:"), 2, 0.3, 8, 1.0, 200, 300, 1.0]
    broken = ["RSIMP-3", "RS330100A", plate, at, 40, 0.3, 8, 20.0, 200, 300, 1.0]  # CO 20 %
    n = len(client.store.read_rs())
    r = client.post("/api/v1/vehicles/import/rs",
                    files={"file": ("rs.csv", write_csv(cols, [good, slow, broken]), "text/csv")})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["context"]["problems"] == [
        "row 4: co_pct: 20 is outside the measuring range 0–14"
    ]
    assert len(client.store.read_rs()) == n
    other_city = [*good[:1], "RS330200A", *good[2:]]
    r = client.post("/api/v1/vehicles/import/rs",
                    files={"file": ("rs.csv", write_csv(cols, [other_city]), "text/csv")})  # fmt: skip
    assert r.status_code == 422 and "RS330200A is not a registered remote-sensing site" in r.text
    r = client.post("/api/v1/vehicles/import/rs",
                    files={"file": ("rs.xlsx", write_workbook({"rs": (cols, [good, slow])}), XLSX)})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["counts"] == {"valid": 1, "invalid": 1, "high": 1}  # 2 km/h: outside the window
    got = client.get("/api/v1/vehicles/rs/readings", params={"plate": plate})
    assert got.status_code == 200
    mine = {
        x["reading_id"]: x for x in got.json()["readings"] if x["reading_id"].startswith("RSIMP")
    }
    assert mine["RSIMP-1"]["valid"] and mine["RSIMP-1"]["over"] == ["co_pct"]
    assert not mine["RSIMP-2"]["valid"] and not mine["RSIMP-2"]["high"]
    bad_plate = client.get("/api/v1/vehicles/rs/readings", params={"plate": "浙A1234I"})
    assert bad_plate.status_code == 422 and "plate" in bad_plate.text
    assert (
        client.get("/api/v1/vehicles/rs/readings", params={"site": "RS330200A"}).status_code == 404
    )


def test_county_reads_the_layouts_but_may_not_import(client):
    login_as(client, "xh")
    page = client.get("/vehicles/import")
    assert page.status_code == 200 and 'id="qs-vh-import-readonly"' in page.text
    assert "qs-vh-import-form" not in page.text
    assert "County accounts see the layouts" in client.get("/vehicles/import?lang=en").text
    tpl = client.get("/vehicles/import/rs/template.xlsx")
    assert tpl.status_code == 200
    heads = [
        c.value for c in next(load_workbook(io.BytesIO(tpl.content)).active.iter_rows(max_row=1))
    ]
    assert heads[:4] == ["检测编号", "站点编号", "号牌号码", "检测时间"]
    files = {"file": ("v.csv", write_csv(V_HEAD, _vehicle_rows(92001)), "text/csv")}
    assert client.post("/vehicles/import/vehicles", files=files).status_code == 403
    assert client.post("/api/v1/vehicles/import/vehicles", files=files).status_code == 403
    login_as(client, "hz")  # and a city officer only its own region's vehicles
    r = client.post("/api/v1/vehicles/import/vehicles",
                    files={"file": ("v.csv", write_csv(V_HEAD, _vehicle_rows(92001, "330203")), "text/csv")})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["context"]["problems"] == [
        "row 2: region_code: 330203 is outside your region", "row 3: region_code: 330203 is outside your region"]  # fmt: skip


def test_rs_emitters_and_obd_flagged_read_and_export(client):
    store = client.store
    login_as(client, "zj")
    page_view = rs_view(store, _province(), now=utcnow())
    em = client.get("/api/v1/vehicles/rs/emitters")
    assert em.status_code == 200 and len(em.json()["emitters"]) == page_view.offenders
    csv = client.get("/api/v1/vehicles/rs/emitters", params={"format": "csv"})
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert csv.text.splitlines()[0].lstrip("\ufeff").startswith("号牌 plate,")
    assert len(csv.text.strip().splitlines()) == page_view.offenders + 1
    assert (
        "/api/v1/vehicles/rs/emitters?format=xlsx" in client.get("/vehicles/rs").text
    )  # the page links it
    truth = store.read_table(OBD_TRUTH_TABLE)
    fl = client.get("/api/v1/vehicles/obd/flagged")
    assert fl.status_code == 200
    assert {(t["check"], t["vin"]) for t in fl.json()["trucks"]} == set(
        zip(truth["kind"], truth["unit"], strict=True)
    )
    xlsx = client.get("/api/v1/vehicles/obd/flagged", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.headers["content-type"] == XLSX
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == len(truth) + 1
    assert "/api/v1/vehicles/obd/flagged?format=xlsx" in client.get("/vehicles/obd").text
    vin = truth.loc[truth["kind"] == "scr_failure", "unit"].iloc[0]
    truck = client.get(f"/api/v1/vehicles/obd/trucks/{vin}")
    assert truck.status_code == 200 and "scr_failure" in truck.json()["flagged"]
    assert truck.json()["scr"] and truck.json()["samples"] > 0
    # a Hangzhou officer: the trucks of Hangzhou only
    login_as(client, "hz")
    region = store.read_vehicles().set_index("vin")["region_code"]
    hz = client.get("/api/v1/vehicles/obd/flagged").json()["trucks"]
    assert all(region[t["vin"]].startswith("3301") for t in hz)
    outside = [v for v in truth["unit"] if not region[v].startswith("3301")]
    if outside:
        assert client.get(f"/api/v1/vehicles/obd/trucks/{outside[0]}").status_code == 404


def _province():
    from qingshan.accounts.scope import Scope

    return Scope("330000", Role.PROVINCE)


def test_cli_imports_and_refuses(client, engine, app_settings, tmp_path, monkeypatch, capsys):
    from qingshan.cli import main

    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(app_settings.data_dir))
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> tuple[int, str, str]:
        get_settings.cache_clear()
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        get_settings.cache_clear()
        return code, out.out, out.err

    before = _n_vehicles(client)
    bad = tmp_path / "bad.csv"
    rows = _vehicle_rows(93001)
    bad.write_bytes(write_csv(V_HEAD, [*rows, [*rows[0][:1], "浙A9300", *rows[0][2:]]]))
    code, out, err = run("vehicles", "import-vehicles", str(bad))
    assert code == 1 and "nothing imported" in err and "already on row 2" in err
    assert _n_vehicles(client) == before
    good = tmp_path / "good.xlsx"
    good.write_bytes(write_workbook({"v": (V_HEAD, rows)}))
    code, out, err = run("vehicles", "import-vehicles", str(good), "--region", "330100")
    assert code == 0 and out.startswith("2 row(s) stored"), err
    assert _n_vehicles(client) == before + 2
    code, out, err = run("vehicles", "import-tests", str(good), "--json")
    assert code == 1 and '"stored": 0' in out
    code, out, _ = run("vehicles", "screen", "--json")
    assert code == 0 and '"obd_cases"' in out


def test_api_imports_obd_samples_of_the_regions_trucks(client):
    store = client.store
    region = store.read_vehicles().set_index("vin")["region_code"]
    trucks = store.read_obd()["vin"].unique()
    hz = next(v for v in trucks if region[v].startswith("3301"))
    other = next(v for v in trucks if not region[v].startswith("3301"))
    day = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%d")
    cols = [
        "车辆识别代号",
        "采集时间",
        "NOx（10⁻⁶）",
        "SCR温度（℃）",
        "反应剂喷射量",
        "车速（km/h）",
        "反应剂余量（%）",
    ]
    rows = [
        [hz, f"{day} 03:00:07", 80.0, 310.0, 1.2, 55.0, 60.0],
        [hz, f"{day} 03:00:17", 85.0, 312.0, 1.1, 56.0, 60.0],
    ]
    bad = [*rows, [hz, f"{day} 03:00:17", -5.0, 312.0, 1.1, 56.0, 60.0], [other, f"{day} 03:00:07", 80.0, 310.0, 1.2, 55.0, 60.0]]  # fmt: skip
    login_as(client, "hz")
    before = client.get(f"/api/v1/vehicles/obd/trucks/{hz}", params={"days": 3}).json()["samples"]
    n = len(store.read_obd())
    r = client.post(
        "/api/v1/vehicles/import/obd", files={"file": ("obd.csv", write_csv(cols, bad), "text/csv")}
    )
    assert r.status_code == 422
    assert r.json()["context"]["problems"] == [
        f"row 4: at: {hz} at this time already on row 3",
        "row 4: nox_ppm: -5 is outside the range 0–5000",
        f"row 5: vin: {other} is not a registered vehicle of your region",
    ]
    assert len(store.read_obd()) == n
    r = client.post(
        "/api/v1/vehicles/import/obd",
        files={"file": ("obd.xlsx", write_workbook({"obd": (cols, rows)}), XLSX)},
    )
    assert r.status_code == 201 and r.json()["counts"] == {"trucks": 1, "days": 1}, r.text
    after = client.get(f"/api/v1/vehicles/obd/trucks/{hz}", params={"days": 3}).json()["samples"]
    assert after == before + 2
    again = client.post(
        "/api/v1/vehicles/import/obd",
        files={"file": ("obd.csv", write_csv(cols, rows), "text/csv")},
    )
    assert again.status_code == 422 and "already stored" in again.text
