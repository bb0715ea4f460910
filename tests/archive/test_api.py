"""/api/v1/archive: the enterprise list and the outlet header — scoped, filtered, searched;
latest values against the permit limits (折算 to the reference O2 for gas pollutants)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry, Permit, PermitLimit
from qingshan.archive.service import permit_status
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.platform.app import create_app
from qingshan.qc import service as qc_service

HOUR = datetime(2026, 3, 1, 6, tzinfo=UTC)


def _enterprise(s, credit, name, industry, region, permit, valid_to=date(2030, 1, 1)):
    ent = Enterprise(credit_code=credit, name=name, industry=industry, region_code=region)
    s.add(ent)
    s.flush()
    p = Permit(enterprise_id=ent.id, number=permit, valid_from=date(2021, 1, 1), valid_to=valid_to)
    s.add(p)
    s.flush()
    return ent, p


def _outlet(s, ent, p, code, name, kind, values, limits, attrs=None):
    site = Site(code=code, name=name, kind=kind, control_level=ControlLevel.ENTERPRISE,
                region_code=ent.region_code, enterprise_id=ent.id, attrs=attrs or {})  # fmt: skip
    s.add(site)
    s.flush()
    for pcode, value in values.items():
        unit = {"a19001": "%", "w01001": "无量纲"}.get(
            pcode, "mg/L" if kind == SiteKind.WATER_OUTLET else "mg/m³"
        )
        series = get_or_create_series(s, site, pcode, Period.HOUR, unit)
        s.add(LatestValue(series_id=series.id, time=HOUR, value=value, qc_flag=0))
    for pcode, (limit, averaging) in limits.items():
        s.add(PermitLimit(permit_id=p.id, site_id=site.id, parameter_code=pcode, limit=limit,
                          unit="mg/L" if kind == SiteKind.WATER_OUTLET else "mg/m³",
                          averaging=averaging, standard="排污许可证"))  # fmt: skip
    s.flush()
    return site


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        # 杭州 火电: SO2 measured 30 at O2 9 % → 折算 to 6 %: 30 × 15/12 = 37.5 > 35 (超标);
        # NOx 40 → 50, at the limit 50 (not above it)
        power, p1 = _enterprise(s, "91330100MA27XXXX1A", "杭州青山热电有限公司", Industry.THERMAL_POWER,
                                "330105", "91330100MA27XXXX1A001P")  # fmt: skip
        gas = _outlet(s, power, p1, "HZPOWER-DA001", "1号锅炉废气排放口", SiteKind.GAS_OUTLET,
                      {"a21026": 30.0, "a21002": 40.0, "a19001": 9.0, "a00000": 120.0},
                      {"a21026": (35.0, "hour"), "a21002": (50.0, "hour")},
                      {"source_type": "coal_boiler_ultralow", "source_name": "燃煤发电锅炉（超低排放）"})  # fmt: skip
        # 杭州 造纸: COD 30 under its daily limit 80; permit expiring within 90 days
        paper, p2 = _enterprise(s, "91330100MA27YYYY2B", "杭州富春纸业有限公司", Industry.PAPER,
                                "330111", "91330100MA27YYYY2B001P", valid_to=date(2026, 4, 1))  # fmt: skip
        _outlet(
            s,
            paper,
            p2,
            "HZPAPER-DW001",
            "废水总排口",
            SiteKind.WATER_OUTLET,
            {"w01018": 30.0, "w21003": 2.0},
            {"w01018": (80.0, "day"), "w21003": (8.0, "day")},
        )
        # 宁波 印染
        dye, p3 = _enterprise(s, "91330200MA28ZZZZ3C", "宁波甬江印染有限公司", Industry.DYEING,
                              "330206", "91330200MA28ZZZZ3C001P")  # fmt: skip
        _outlet(s, dye, p3, "NBDYE-DW001", "印染废水排口", SiteKind.WATER_OUTLET,
                {"w01018": 120.0}, {"w01018": (80.0, "day")})  # fmt: skip
        create_user(s, "hz", "hangzhou-pass", Role.CITY, "330100")
        create_user(s, "nb", "ningbo-pass", Role.CITY, "330200")
        create_user(s, "zj", "province-pass", Role.PROVINCE, "330000")
        create_user(
            s, "power", "enterprise-pass", Role.ENTERPRISE, "330105", enterprise_id=power.id
        )
        # one exceedance event and its open 电子督办 case at the power plant's outlet
        t0 = pd.Timestamp("2026-03-01 00:00", tz="UTC")
        vals = [20, 21, 19, 70, 70, 70, 22, 20, 21, 20, 19.5, 20]
        frame = pd.DataFrame({"time": [t0 + pd.Timedelta(hours=h) for h in range(12)],
                              "parameter": "a21026", "value": vals, "flag": "N"})  # fmt: skip
        qc_service.judge_site(
            s, frame, site_id=gas.id,
            window=(t0.to_pydatetime(), (t0 + pd.Timedelta(hours=12)).to_pydatetime()),
            industry="thermal_power", source_type="coal_boiler_ultralow",
            limits={"a21026": {"limit": 35.0, "standard": "许可证", "source": "permit"}},
            sink=CASES_SINK,
        )  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        yield c


def _h(client, user, pw):
    r = client.post("/api/v1/auth/login", data={"username": user, "password": pw})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _names(page):
    return [e["name"] for e in page["items"]]


def test_login_required(client):
    r = client.get("/api/v1/archive/enterprises")
    assert r.status_code == 401 and "not logged in" in r.text


def test_city_sees_its_city_only(client):
    page = client.get(
        "/api/v1/archive/enterprises", headers=_h(client, "hz", "hangzhou-pass")
    ).json()
    assert _names(page) == ["杭州青山热电有限公司", "杭州富春纸业有限公司"]  # by region code
    assert page["total"] == 2 and page["summary"]["outlets"] == 2
    assert page["summary"]["by_industry"] == {"thermal_power": 1, "paper": 1}
    nb = client.get("/api/v1/archive/enterprises", headers=_h(client, "nb", "ningbo-pass")).json()
    assert _names(nb) == ["宁波甬江印染有限公司"]


def test_city_cannot_read_another_citys_outlet(client):
    h = _h(client, "hz", "hangzhou-pass")
    r = client.get("/api/v1/archive/outlets/NBDYE-DW001", headers=h)
    assert r.status_code == 404 and "no outlet 'NBDYE-DW001' in your scope" in r.text
    # filtering by the other city finds nothing rather than leaking it
    r = client.get("/api/v1/archive/enterprises", params={"region": "330200"}, headers=h)
    assert r.json()["total"] == 0


def test_enterprise_user_sees_only_its_own(client):
    h = _h(client, "power", "enterprise-pass")
    page = client.get("/api/v1/archive/enterprises", headers=h).json()
    assert _names(page) == ["杭州青山热电有限公司"]
    # another enterprise of the same county-level scope is out of reach too
    assert client.get("/api/v1/archive/outlets/HZPAPER-DW001", headers=h).status_code == 404
    assert client.get("/api/v1/archive/outlets/HZPOWER-DA001", headers=h).status_code == 200


def test_latest_values_against_permit_limits(client):
    page = client.get(
        "/api/v1/archive/enterprises", headers=_h(client, "zj", "province-pass")
    ).json()
    assert page["total"] == 3 and page["summary"]["exceeding_outlets"] == 2
    power = page["items"][0]
    assert (power["industry"], power["industry_name"], power["city_name"]) == (
        "thermal_power", "火电", "杭州市",
    )  # fmt: skip
    assert power["credit_code"] == "91330100MA27XXXX1A" and power["region_name"] == "拱墅区"
    [gas] = power["outlets"]
    assert gas["source_name"] == "燃煤发电锅炉（超低排放）" and gas["kind"] == "gas_outlet"
    vals = {v["parameter_code"]: v for v in gas["values"]}
    assert list(vals)[:2] == ["a21026", "a21002"]  # limited pollutants first
    so2 = vals["a21026"]
    assert (so2["name"], so2["symbol"], so2["unit"]) == ("二氧化硫", "SO2", "mg/m³")
    assert so2["value"] == 30.0 and so2["converted"] == pytest.approx(37.5)
    assert so2["reference_o2"] == 6.0 and so2["limit"] == 35.0 and so2["exceeds"] is True
    nox = vals["a21002"]
    assert nox["converted"] == pytest.approx(50.0) and nox["exceeds"] is False  # equal: not above
    assert vals["a19001"]["converted"] is None and vals["a19001"]["exceeds"] is None
    assert gas["exceeding"] is True and gas["latest_time"].startswith("2026-03-01T06:00")
    assert (gas["events"], gas["open_cases"]) == (1, 1)
    assert (power["events"], power["open_cases"], power["exceeding_outlets"]) == (1, 1, 1)
    paper = page["items"][1]
    [water] = paper["outlets"]
    cod = water["values"][0]
    assert cod["converted"] is None and cod["averaging"] == "day" and cod["exceeds"] is False
    assert page["items"][2]["outlets"][0]["exceeding"] is True  # 宁波 COD 120 > 80


def test_permit_and_its_status(client):
    page = client.get(
        "/api/v1/archive/enterprises", headers=_h(client, "hz", "hangzhou-pass")
    ).json()
    permit = page["items"][1]["permit"]
    assert permit["number"] == "91330100MA27YYYY2B001P" and permit["valid_to"] == "2026-04-01"
    p = Permit(number="x", enterprise_id=1, valid_from=date(2021, 1, 1), valid_to=date(2026, 4, 1))
    assert [permit_status(p, d) for d in (date(2020, 12, 31), date(2025, 12, 1), date(2026, 1, 2),
            date(2026, 4, 1), date(2026, 4, 2))] == ["pending", "valid", "expiring", "expiring", "expired"]  # fmt: skip


@pytest.mark.parametrize(
    "params, names",
    [
        ({"industry": "paper"}, ["杭州富春纸业有限公司"]),
        ({"region": "330200"}, ["宁波甬江印染有限公司"]),
        ({"region": "330105"}, ["杭州青山热电有限公司"]),  # a county of 杭州市
        ({"q": "富春"}, ["杭州富春纸业有限公司"]),  # name
        ({"q": "91330200ma28"}, ["宁波甬江印染有限公司"]),  # 统一社会信用代码, any case
        ({"q": "hzpower-da"}, ["杭州青山热电有限公司"]),  # an outlet code
        ({"q": "YYYY2B001P"}, ["杭州富春纸业有限公司"]),  # permit number
        ({"q": "100%"}, []),  # LIKE wildcards are literal
        ({"industry": "dyeing", "region": "330100"}, []),
    ],
)
def test_filters_and_search(client, params, names):
    h = _h(client, "zj", "province-pass")
    page = client.get("/api/v1/archive/enterprises", params=params, headers=h).json()
    assert _names(page) == names and page["total"] == len(names)


def test_bad_filters(client):
    h = _h(client, "zj", "province-pass")
    r = client.get("/api/v1/archive/enterprises", params={"industry": "steel"}, headers=h)
    assert r.status_code == 422 and "thermal_power" in r.text
    r = client.get("/api/v1/archive/enterprises", params={"region": "331900"}, headers=h)
    assert r.status_code == 422  # the schema lists Zhejiang's regions
    assert r.json()["detail"][0]["loc"] == ["query", "region"] and "331900" in r.text


def test_paging(client):
    h = _h(client, "zj", "province-pass")
    page = client.get(
        "/api/v1/archive/enterprises", params={"limit": 2, "offset": 2}, headers=h
    ).json()
    assert page["total"] == 3 and _names(page) == ["宁波甬江印染有限公司"]
    assert page["summary"]["enterprises"] == 3  # counts cover every match, not the page


def test_outlet_header(client):
    r = client.get(
        "/api/v1/archive/outlets/HZPOWER-DA001", headers=_h(client, "hz", "hangzhou-pass")
    )
    o = r.json()
    assert o["enterprise"]["name"] == "杭州青山热电有限公司"
    assert o["enterprise"]["industry_name"] == "火电" and o["permit"]["number"].endswith("001P")
    assert o["name"] == "1号锅炉废气排放口" and o["exceeding"] is True
    # a site that is not an outlet is no outlet
    r = client.get("/api/v1/archive/outlets/NOPE", headers=_h(client, "zj", "province-pass"))
    assert r.status_code == 404


def test_the_list_filters_exceeding_and_sorts_on_the_server(client):
    h = _h(client, "zj", "province-pass")
    body = client.get("/api/v1/archive/enterprises?exceeding=true", headers=h).json()
    assert body["total"] == body["summary"]["enterprises"] >= 1
    assert all(e["exceeding_outlets"] > 0 for e in body["items"])
    names = _names(client.get("/api/v1/archive/enterprises?sort=name", headers=h).json())
    assert names == sorted(names)
    page = client.get("/api/v1/archive/enterprises?sort=name&limit=1&offset=1", headers=h).json()
    assert _names(page) == names[1:2] and page["total"] == len(names)
    r = client.get("/api/v1/archive/enterprises?sort=x", headers=h)
    assert r.status_code == 422


def test_the_enterprise_file(client):
    h = _h(client, "zj", "province-pass")
    items = client.get("/api/v1/archive/enterprises?q=青山热电", headers=h).json()["items"]
    (power,) = items
    f = client.get(f"/api/v1/archive/enterprises/{power['id']}", headers=h).json()
    assert f["credit_code"] == power["credit_code"] and f["credit"] is None
    assert len(f["strip_quarters"]) == 12 and len(f["strip_months"]) == 12
    assert f["permits"][0]["version"] == 1
    assert [x["kind"] for x in f["findings"]] == ["exceedance"]
    assert f["findings"][0]["ref_url"] == "/qc/outlets/HZPOWER-DA001"
    assert len(f["cases"]) == 1
    # the Ningbo city account does not see a Hangzhou enterprise: reported as missing
    nb = _h(client, "nb", "ningbo-pass")
    r = client.get(f"/api/v1/archive/enterprises/{power['id']}", headers=nb)
    assert r.status_code == 404 and "in your scope" in r.text


def test_the_page_loads_its_emissions_after_it_shows(client):
    """The enterprise page leaves 年度排放量 to a fragment it fetches once shown (a year of
    hourly values takes seconds); the fragment is scoped like the page."""
    _h(client, "zj", "province-pass")  # the login cookie
    (power,) = client.get("/api/v1/archive/enterprises?q=青山热电").json()["items"]
    page = client.get(f"/enterprises/{power['id']}")
    assert page.status_code == 200
    assert f'data-defer-src="/enterprises/{power["id"]}/emissions"' in page.text
    part = client.get(f"/enterprises/{power['id']}/emissions")
    assert part.status_code == 200 and "许可证未核定许可排放量" in part.text  # no caps set
    assert "<html" not in part.text  # a fragment, not a page
    _h(client, "nb", "ningbo-pass")
    assert client.get(f"/enterprises/{power['id']}/emissions").status_code == 404
