"""The carbon pages through the app: the overview of each account's region (totals, change,
contribution, the county map's data), the peak-path form (saved; refused with the field named),
the Excel exports, an enterprise's account (factors, warnings, versions) and the enterprise
file's carbon card; an enterprise account sent to its own account and refused another's.

Activity (electricity at the ETS grid factor 0.5703 tCO2/MWh, in force since 2023 and used past
its 2025-12-31 end with a warning; heat at 0.11 tCO2/GJ):
  西湖热电厂 (西湖区, Hangzhou): 2026-01 1,000 MWh → 570.3 t; 2026-02 2,000 MWh → 1,140.6 t; VA 100
  北仑水泥厂 (北仑区, Ningbo):   2026-01 1,000 GJ → 110 t;    2026-02 3,000 GJ → 330 t;    VA 50
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.carbon import service
from qingshan.carbon.activity import ActivityMonth
from qingshan.carbon.results import peak_path
from qingshan.db.engine import session_scope

from .conftest import NOW, PROVINCE

PASSWORD = "carbon-web-pass"


@pytest.fixture
def client(engine, app_settings, carbon_world):
    from qingshan.platform.app import create_app

    w = carbon_world
    with session_scope(engine) as s:
        for name, role, region, ent in (("province", Role.PROVINCE, "330000", None),
                                        ("hangzhou", Role.CITY, "330100", None),
                                        ("ningbo", Role.CITY, "330200", None),
                                        ("xihu", Role.COUNTY, "330106", None),
                                        ("owner", Role.ENTERPRISE, "330106", w.power)):  # fmt: skip
            create_user(s, name, PASSWORD, role, region, enterprise_id=ent)
        for month, mwh, gj in ((1, 1000.0, 1000.0), (2, 2000.0, 3000.0)):
            m = date(2026, month, 1)
            service.submit_activity(s, PROVINCE, ActivityMonth(
                w.power, m, electricity_purchased_mwh=mwh, value_added_10k_yuan=100.0),
                source="form", actor="test", now=NOW)  # fmt: skip
            service.submit_activity(s, PROVINCE, ActivityMonth(
                w.cement, m, heat_purchased_gj=gj, value_added_10k_yuan=50.0),
                source="form", actor="test", now=NOW)  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        c.world = w  # type: ignore[attr-defined]
        yield c


def _login(client, user: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _config(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="qs-config">(.*?)</script>', html, re.S)
    assert m is not None
    return json.loads(m.group(1))


def _total(html: str) -> float:
    m = re.search(r'id="qs-cb-total" data-value="([0-9.]+)"', html)
    assert m is not None
    return float(m.group(1))


def test_the_province_overview_rolls_up_every_county(client):
    _login(client, "province")
    r = client.get("/carbon")
    assert r.status_code == 200
    # 570.3 + 1,140.6 + 110 + 330 = 2,150.9 tCO2 in 2026
    assert _total(r.text) == pytest.approx(2150.9)
    counties = {c["code"]: c for c in _config(r.text)["counties"]}
    assert counties["330106"]["total"] == pytest.approx(1710.9)
    assert counties["330106"]["intensity"] == pytest.approx(1710.9 / 200)  # 8.5545 t/10^4 yuan
    assert counties["330206"]["total"] == pytest.approx(440.0)
    # no 2025 data: the change is February against January, (1,470.6 - 680.3) / 680.3 = +116.2%
    assert 'id="qs-cb-change"' in r.text and "+116.2%" in r.text
    rows = re.findall(r'data-enterprise="(\d+)".*?data-col="change">([^<]+)<', r.text, re.S)
    assert rows == [(str(client.world.power), "+570"), (str(client.world.cement), "+220")]
    assert "grid/ets" not in r.text  # the overview names the basis, not factor ids
    assert "ets" in re.search(r'id="qs-cb-basis">([^<]*)<', r.text).group(1)


def test_city_and_county_see_their_own_region(client):
    _login(client, "ningbo")
    assert _total(client.get("/carbon").text) == pytest.approx(440.0)
    _login(client, "xihu")
    r = client.get("/carbon?lang=en")
    assert _total(r.text) == pytest.approx(1710.9)
    assert "Carbon emissions overview" in r.text
    assert 'id="qs-cb-pathform"' not in r.text  # a county reads the path, does not set it


def test_a_city_sets_its_peak_path_and_bad_values_are_named(client, engine):
    _login(client, "hangzhou")
    r = client.post("/carbon/path", data={"y2026": "12,000", "y2030": "9000"},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].startswith("/carbon?done=path")
    with session_scope(engine) as s:
        assert peak_path(s, "330100") == {2026: 12000.0, 2030: 9000.0}
    traj = {t["year"]: t for t in _config(client.get("/carbon").text)["trajectory"]}
    # 2026 has two months: the path pro rata is 12,000 × 2 / 12 = 2,000 t
    assert traj[2026]["target"] == 12000.0 and traj[2026]["pace"] == pytest.approx(2000.0)
    assert traj[2026]["actual"] == pytest.approx(1710.9) and traj[2030]["actual"] is None
    r = client.post("/carbon/path", data={"y2027": "-5"})
    assert r.status_code == 422
    assert "2027: the path must be a positive number of tCO2, got &#39;-5&#39;" in r.text
    r = client.post("/carbon/path", data={"y2061": "5"})
    assert r.status_code == 422 and "year 2061 out of range 2020–2060" in r.text
    r = client.post("/carbon/path", data={"y2027": "lots"})
    assert r.status_code == 422 and "2027: not a number" in r.text
    with session_scope(engine) as s:
        assert peak_path(s, "330100") == {2026: 12000.0, 2030: 9000.0}
    _login(client, "xihu")
    r = client.post("/carbon/path", data={"y2027": "5"})
    assert r.status_code == 403 and "province or city" in r.text


def test_the_overview_export_holds_the_tables(client):
    _login(client, "province")
    r = client.get("/carbon/export.xlsx?lang=en")
    assert r.status_code == 200
    assert "carbon-overview-330000-2026.xlsx" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Counties", "Industries", "Months", "Trajectory", "Contribution",
                             "About"]  # fmt: skip
    counties = list(wb["Counties"].iter_rows(values_only=True))
    assert counties[0][:3] == ("County", "Code", "Total (tCO2)")
    assert counties[1][1:3] == ("330106", 1710.9)
    assert counties[2][1:3] == ("330206", 440.0)
    months = list(wb["Months"].iter_rows(values_only=True))
    assert [m[:2] for m in months[1:]] == [("2026-01", 680.3), ("2026-02", 1470.6)]


def test_an_enterprise_account_shows_sources_factors_and_warnings(client):
    _login(client, "province")
    power = client.world.power
    r = client.get(f"/carbon/enterprises/{power}?year=2026")
    assert r.status_code == 200
    assert _total(r.text) == pytest.approx(1710.9)
    cfg = _config(r.text)
    assert cfg["months"] == ["2026-01", "2026-02"]
    assert cfg["series"]["electricity"] == pytest.approx([570.3, 1140.6])
    assert 'data-factor="grid/ets/2022"' in r.text
    # the ETS factor's stated period ended 2025-12-31: a warning on the account
    assert 'data-kind="factor"' in r.text
    assert re.search(r'id="qs-cb-code" data-grade="3"', r.text)  # alone in its peers: K = 1
    x = client.get(f"/carbon/enterprises/{power}/export.xlsx?year=2026&lang=en")
    wb = load_workbook(io.BytesIO(x.content))
    rows = list(wb["Months"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Month", "electricity", "Total (tCO2)")
    assert rows[1][:3] == ("2026-01", 570.3, 570.3)
    assert [f[0] for f in wb["Factors"].iter_rows(min_row=2, values_only=True)] == ["grid/ets/2022"]
    page = client.get(f"/enterprises/{power}")
    assert page.status_code == 200 and f'href="/carbon/enterprises/{power}?year=2026"' in page.text


def test_an_enterprise_reads_its_own_account_only(client):
    _login(client, "owner")
    r = client.get("/carbon", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/carbon/enterprises/{client.world.power}"
    assert client.get(f"/carbon/enterprises/{client.world.power}").status_code == 200
    r = client.get(f"/carbon/enterprises/{client.world.cement}")
    assert r.status_code == 404 and f"no enterprise {client.world.cement} in your scope" in r.text
    assert client.get(f"/carbon/enterprises/{client.world.cement}/export.xlsx").status_code == 404


def test_the_demo_peak_paths_follow_the_last_twelve_months(client, engine):
    from qingshan.sim.demo_carbon_path import SHAPE, seed_demo_peak_paths

    assert seed_demo_peak_paths(engine) == "3 regions, 2025–2035, peak in 2030"
    with session_scope(engine) as s:
        # the province: 2,150.9 t over the months stored; 2030 = 1.02 × 2,150.9 = 2,193.9 → 2,200
        assert peak_path(s, "330000")[2030] == round(2150.9 * SHAPE[2030], -2) == 2200
        assert peak_path(s, "330100")[2027] == 1700.0  # 1,710.9 × 1.0, to hundreds
        assert peak_path(s, "330200")[2035] == 400.0  # 440 × 0.875 = 385 → 400
        assert peak_path(s, "330300") == {}  # 温州: no accounts, no path
    assert seed_demo_peak_paths(engine) is None  # once per database
