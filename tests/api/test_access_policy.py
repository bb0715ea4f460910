"""Issue 9 item 4: what each role and an anonymous caller may read, endpoint by endpoint.

A demo-like database: an air station and an outlet in 西湖区 (330106, the outlet owned by an
enterprise, its logger MN in ``attrs``), a water section in 海曙区 (330203), each with hourly
observations; users of every role. Anonymous callers read ambient air and surface water only.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.hj212.registry import add_device
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series, update_latest
from qingshan.platform.app import create_app
from qingshan.timeseries.store import ObservationStore

MN = "33010600000001PQ0010"
OUTLET, STATION, SECTION = "E1-001", "1223A", "W0001"
START, END = "2026-11-29T00:00:00Z", "2026-11-29T03:00:00Z"

USERS = {
    "province": ("prov", "province-pass"),
    "city": ("hz", "hangzhou-pass"),
    "other_city": ("nb", "ningbo-pass"),
    "county": ("xihu", "xihu-pass-1"),
    "enterprise": ("ent", "enterprise-pass"),
}
ROLES = ["anonymous", *USERS]


def _seed(s, store: ObservationStore) -> None:
    seed_regions(s)
    ent = Enterprise(
        credit_code="91330106MA2XXXXX01",
        name="青山热电",
        industry=next(iter(Industry)),
        region_code="330106",
    )
    s.add(ent)
    s.flush()
    create_user(s, *USERS["province"], Role.PROVINCE, "330000")
    create_user(s, *USERS["city"], Role.CITY, "330100")
    create_user(s, *USERS["other_city"], Role.CITY, "330200")
    create_user(s, *USERS["county"], Role.COUNTY, "330106")
    create_user(s, *USERS["enterprise"], Role.ENTERPRISE, "330106", enterprise_id=ent.id)
    sites = [
        Site(code=STATION, name="西溪", kind=SiteKind.AIR_STATION, region_code="330106",
             control_level=ControlLevel.NATIONAL, longitude=120.06, latitude=30.27),
        Site(code=SECTION, name="姚江", kind=SiteKind.WATER_SECTION, region_code="330203",
             control_level=ControlLevel.NATIONAL, longitude=121.5, latitude=29.9),
        Site(code=OUTLET, name="1号排口", kind=SiteKind.GAS_OUTLET, region_code="330106",
             control_level=ControlLevel.PROVINCIAL, enterprise_id=ent.id,
             attrs={"mn": MN, "source_type": "boiler"}),
    ]  # fmt: skip
    s.add_all(sites)
    s.flush()
    add_device(s, MN, "device-pass", site=OUTLET)
    rows = []
    for site, code, unit in (
        (sites[0], "a34004", "µg/m³"),
        (sites[1], "w01018", "mg/L"),
        (sites[2], "a21026", "mg/m³"),
    ):
        sid = get_or_create_series(s, site, code, Period.HOUR, unit).id
        for h in range(3):
            rows.append(
                dict(
                    series_id=sid,
                    time=pd.Timestamp(START) + pd.Timedelta(hours=h),
                    period="hour",
                    value=10.0 + h,
                    raw_value=10.0 + h,
                    source="test",
                )
            )
    frame = pd.DataFrame(rows)
    store.append(frame, "test")
    update_latest(s, frame)


@pytest.fixture
def api(engine, app_settings):
    with session_scope(engine) as s:
        _seed(s, ObservationStore(app_settings.observations_dir))
    with TestClient(create_app(app_settings)) as client:
        headers = {"anonymous": {}}
        for role, (name, password) in USERS.items():
            r = client.post("/api/v1/auth/login", data={"username": name, "password": password})
            assert r.status_code == 200, r.text
            headers[role] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        client.cookies.clear()

        def get(role: str, path: str, **params):
            return client.get(path, headers=headers[role], params=params)

        get.client = client  # type: ignore[attr-defined]
        yield get


def _obs(code: str, parameter: str) -> tuple[str, dict]:
    return (
        f"/api/v1/sites/{code}/observations",
        {"parameter": parameter, "period": "hour", "start": START, "end": END, "format": "csv"},
    )


# --- the policy, endpoint by endpoint ----------------------------------------------------------

#: role → the site codes GET /sites lists
SITES = {
    "anonymous": {STATION, SECTION},
    "province": {STATION, SECTION, OUTLET},
    "city": {STATION, OUTLET},
    "other_city": {SECTION},
    "county": {STATION, OUTLET},
    "enterprise": {OUTLET},
}


def test_sites_list(api):
    for role in ROLES:
        r = api(role, "/api/v1/sites")
        assert r.status_code == 200, role
        assert {s["code"] for s in r.json()} == SITES[role], role
        assert MN not in r.text, role  # never in the list, whoever asks


#: role → (status of GET /sites/{outlet}, whether the MN is in its attrs)
OUTLET_DETAIL = {
    "anonymous": (404, False),
    "province": (200, True),
    "city": (200, True),
    "other_city": (404, False),
    "county": (200, False),
    "enterprise": (200, False),
}


def test_outlet_detail_and_series(api):
    path, params = _obs(OUTLET, "a21026")
    for role in ROLES:
        r = api(role, f"/api/v1/sites/{OUTLET}")
        status, mn = OUTLET_DETAIL[role]
        assert r.status_code == status, role
        assert (MN in r.text) is mn, role
        if status == 200:
            assert r.json()["attrs"]["source_type"] == "boiler"
        r = api(role, path, **params)
        assert r.status_code == status, role
        if status == 200:
            assert "11.0" in r.text, role


@pytest.mark.parametrize(
    ("code", "parameter", "readers"),
    [
        (STATION, "a34004", {"anonymous", "province", "city", "county"}),
        (SECTION, "w01018", {"anonymous", "province", "other_city"}),
    ],
)
def test_ambient_series_are_public(api, code, parameter, readers):
    path, params = _obs(code, parameter)
    for role in ROLES:
        expected = 200 if role in readers else 404
        assert api(role, path, **params).status_code == expected, role
        assert api(role, f"/api/v1/sites/{code}").status_code == expected, role


def test_anonymous_reads_air_and_water_latest(api):
    air = api("anonymous", "/api/v1/air/stations/latest")
    assert air.status_code == 200 and [s["code"] for s in air.json()] == [STATION]
    water = api("anonymous", "/api/v1/water/sections/latest")
    assert water.status_code == 200 and SECTION in water.text and OUTLET not in water.text


def test_published_enterprise_data_is_a_setting(engine, app_settings):
    with session_scope(engine) as s:
        _seed(s, ObservationStore(app_settings.observations_dir))
    settings = app_settings.model_copy(update={"public_enterprise_data": True})
    with TestClient(create_app(settings)) as c:
        assert {s["code"] for s in c.get("/api/v1/sites").json()} == {STATION, SECTION, OUTLET}
        r = c.get(f"/api/v1/sites/{OUTLET}")
        assert r.status_code == 200 and MN not in r.text  # MNs are never public


# --- every GET route of the API, anonymous and each role -----------------------------------------

PATH_VALUES = {
    "code": OUTLET,
    "mn": MN,
    "mark_id": "1",
    "case_id": "1",
    "file_id": "1",
    "month": "2026-11",
    "enterprise_id": "1",
    "plan_id": "1",
    "draw_id": "1",
    "basin": "钱塘江流域",
    "city_code": "330100",
    "target_id": "1",
    "region_code": "330100",  # a region's carbon peak path
    "manifest_id": "1",  # a waste manifest
    "layer_id": "1",  # a spatial control layer (zones)
    "depot_id": "1",  # an emergency materials depot (emergency resources)
    "incident_id": "1",  # a 突发环境事件 (emergency incidents)
    "alarm_id": "1",  # a toxic-gas alarm (emergency gas)
    "vin": "LSVAU2181C2184847",  # a vehicle (vehicles): a VIN with a valid check digit
    "kind": "vehicles",  # an import template (vehicles, tests or rs)
    "resource": "Things",  # the SensorThings view's resource path (Things, Things(1)/Datastreams …)
    "notice_id": "1",  # a notice of the bureau (portal notices)
    "unit_id": "1",  # a key soil-supervised unit (soil units)
    "site_id": "1",  # a contaminated site (soil sites)
    "item_id": "1",  # a plan item of a site (soil sites)
    "outfall_id": "1",  # a sea outfall (marine outfalls)
    "well_id": "1",  # a groundwater monitoring well (soil groundwater)
    "plot_id": "1",  # a farmland plot (soil farmland)
    "area_id": "1",  # a key biodiversity survey area (ecology biodiversity)
}
QUERY_DEFAULTS = {"start": START, "end": END, "parameter": "a21026", "period": "hour"}


def _attrs_with_mn(r) -> bool:
    """Whether any ``attrs`` object of a JSON answer holds an MN (the logger's identity; the
    device routes of :mod:`qingshan.hj212` show MNs by their own scope rules)."""
    if "json" not in r.headers.get("content-type", ""):
        return False

    def walk(node) -> bool:
        if isinstance(node, dict):
            attrs = node.get("attrs")
            if isinstance(attrs, dict) and "mn" in attrs:
                return True
            return any(walk(v) for v in node.values())
        if isinstance(node, list):
            return any(walk(v) for v in node)
        return False

    return walk(r.json())


def _get_routes() -> list[str]:
    from qingshan.config import Settings

    schema = create_app(Settings(demo=True)).openapi()
    return sorted(p for p, ops in schema["paths"].items() if "get" in ops)


GET_ROUTES = _get_routes()

#: the GET routes an anonymous caller reads (200); the others answer 401, 404 or 422
ANONYMOUS_READS = [
    "/api/v1/air/layers/latest",  # the public map's layers: stations and sections, no outlet
    "/api/v1/air/layers/range",
    "/api/v1/air/stations/latest",
    "/api/v1/credit/rule",
    "/api/v1/forecast/air",  # the public city air forecast (as bureaus publish it)
    "/api/v1/forecast/air/{city_code}",
    "/api/v1/forecast/skill",  # the backtest skill, aggregated over the cities
    "/api/v1/geo/zhejiang-cities.geojson",
    "/api/v1/geo/zhejiang-counties.geojson",
    "/api/v1/health",
    "/api/v1/open/sites",  # open data: the public sites as GeoJSON
    "/api/v1/portal/notices/public",  # the published public notices (通知公告)
    "/api/v1/regions",
    "/api/v1/sites",
    "/api/v1/spot-checks/items",
    "/api/v1/spot-checks/public",
    "/api/v1/sta/v1.1",  # the SensorThings view: public sites only
    "/api/v1/sta/v1.1/{resource}",
    "/api/v1/standards/aqi/levels",
    "/api/v1/water/layers/latest",
    "/api/v1/water/layers/range",
    "/api/v1/water/sections/latest",
]


def test_no_get_route_leaks_the_outlet_or_its_mn(api):
    """Every GET route of the API, for each role and anonymous: anonymous callers never see the
    outlet's code, series or MN, nobody but province and city administrators reads the MN in a
    site's attributes, and no route answers 5xx."""
    answers = {}
    for path in GET_ROUTES:
        url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)
        for role in ROLES:
            r = api(role, url, **QUERY_DEFAULTS)
            answers[path, role] = r.status_code
            assert r.status_code < 500, (url, role, r.text)
            if role == "anonymous" and r.status_code == 200:
                assert OUTLET not in r.text and MN not in r.text, url
            if role in ("county", "enterprise", "other_city") and r.status_code == 200:
                assert not _attrs_with_mn(r), (url, role)
    anonymous_ok = sorted(p for (p, role), status in answers.items() if role == "anonymous"
                          and status == 200)  # fmt: skip
    assert anonymous_ok == ANONYMOUS_READS, anonymous_ok
