"""Bad input found by fuzzing (issue 9, item 9): every case is a 4xx with a clear message, never
a 500, on SQLite and PostgreSQL."""

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.app import create_app

BIG = str(2**63)


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "prov", "province-pass", Role.PROVINCE, "330000")
        s.add(
            Site(
                code="GAS1",
                name="一号锅炉排口",
                kind=SiteKind.GAS_OUTLET,
                control_level=ControlLevel.ENTERPRISE,
                region_code="330100",
                attrs={"source_type": "coal_boiler_ultralow"},
            )
        )
    with TestClient(create_app(app_settings), raise_server_exceptions=False) as c:
        r = c.post("/api/v1/auth/login", data={"username": "prov", "password": "province-pass"})
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def _is_4xx(r, *words):
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    for word in words:
        assert word in r.text, r.text


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_transmission_at_the_ends_of_the_calendar(client, year):
    r = client.get(
        "/api/v1/qc/sites/GAS1/transmission",
        params={"start": f"{year}-01-01T00:00:00Z", "end": f"{year}-01-02T00:00:00Z"},
    )
    _is_4xx(r, "year")


def test_offset_beyond_int64_on_a_list_endpoint(client):
    _is_4xx(client.get("/api/v1/archive/enterprises", params={"offset": BIG}))


def test_delete_a_mark_beyond_int64(client):
    _is_4xx(client.delete(f"/api/v1/qc/marks/{BIG}"))


def test_mark_with_naive_datetimes(client):
    body = {"kind": "停运", "start": "2026-03-01T10:00:00", "end": "2026-03-01T12:00:00"}
    _is_4xx(client.post("/api/v1/qc/sites/GAS1/marks", json=body), "timezone")


@pytest.mark.parametrize("enterprise", [None, 2**63])
def test_enterprise_user_without_or_with_a_huge_enterprise_id(client, enterprise):
    body = {
        "username": "ent1",
        "password": "enterprise-pass",
        "role": "enterprise",
        "region_code": "330100",
        "enterprise_id": enterprise,
    }
    _is_4xx(client.post("/api/v1/users", json=body))


def test_device_bound_to_a_huge_site_id(client):
    body = {"mn": "MN0001", "password": "123456", "site": "1180591620717411303424"}
    _is_4xx(client.post("/api/v1/hj212/devices", json=body))


def test_anonymous_aqi_dated_year_one(client):
    body = {"concentrations": {"PM2.5_24h": 80}, "date": "0001-01-01"}
    _is_4xx(client.post("/api/v1/standards/aqi", json=body, headers={"Authorization": ""}))


def test_nul_byte_in_a_path_and_a_query(client):
    _is_4xx(client.get("/api/v1/qc/sites/GA%00S1/marks"))
    _is_4xx(client.get("/api/v1/hj212/devices/MN%001"))
    _is_4xx(client.get("/api/v1/hj212/rejects", params={"mn": "MN\x001"}))


def test_strings_longer_than_their_column(client):
    body = {"mn": "MN0001", "password": "123456", "site": "S" * 200}
    _is_4xx(client.post("/api/v1/hj212/devices", json=body))
    body = {"kind": "停运", "start": "2026-03-01T10:00:00Z", "end": "2026-03-01T12:00:00Z",
            "parameter_code": "a" * 200}  # fmt: skip
    _is_4xx(client.post("/api/v1/qc/sites/GAS1/marks", json=body))
    _is_4xx(client.get("/api/v1/qc/sites/" + "G" * 200 + "/marks"))


# --- unbounded work (item 10) -------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    limit = client.app.state.settings.max_request_bytes
    r = client.post(
        "/api/v1/standards/aqi",
        content=b"[" + b" " * limit + b"]",
        headers={"Content-Type": "application/json"},
    )
    _is_4xx(r, "QINGSHAN_MAX_REQUEST_BYTES")
    assert r.status_code == 413


def test_a_streamed_body_over_the_limit_is_refused(client):
    limit = client.app.state.settings.max_request_bytes

    def chunks():
        for _ in range(limit // 1024 + 2):
            yield b" " * 1024

    r = client.post(
        "/api/v1/standards/aqi", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413, r.text
    assert "QINGSHAN_MAX_REQUEST_BYTES" in r.text


def test_too_many_aqi_records_in_one_request(client):
    limit = client.app.state.settings.max_items_per_request
    body = [{"concentrations": {"PM2.5_24h": 80}, "date": "2025-12-01"}] * (limit + 1)
    r = client.post("/api/v1/standards/aqi", json=body)
    assert r.status_code == 413, r.text
    assert r.json()["context"]["limit"] == limit and "MAX_ITEMS_PER_REQUEST" in r.text


@pytest.mark.parametrize("what", ["transmission", "flags"])
def test_a_query_range_over_the_limit(client, what):
    r = client.get(
        f"/api/v1/qc/sites/GAS1/{what}",
        params={"start": "2020-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
    )
    _is_4xx(r, "366 days", "QINGSHAN_MAX_RANGE_DAYS")


# --- validation with the domain's rules (item 11) -----------------------------------------

MARK = {"kind": "停运", "start": "2026-03-01T10:00:00Z", "end": "2026-03-01T12:00:00Z"}


@pytest.mark.parametrize(
    "change, words",
    [
        ({"end": "2126-03-01T12:00:00Z"}, ("366 days", "QINGSHAN_MAX_MARK_DAYS")),
        ({"reason": "x" * 1_000_000}, ("2000",)),
        ({"proof": ["f"] * 100_000}, ("50",)),
        ({"parameter_code": "not-a-code"}, ("not an HJ 212 pollutant code",)),
    ],
)
def test_marks_the_domain_refuses(client, change, words):
    _is_4xx(client.post("/api/v1/qc/sites/GAS1/marks", json={**MARK, **change}), *words)


def test_a_mark_names_its_parameter_by_common_name_or_code(client):
    r = client.post("/api/v1/qc/sites/GAS1/marks", json={**MARK, "parameter_code": "SO2"})
    assert r.status_code == 201, r.text
    assert r.json()["parameter_code"] == "a21026"


@pytest.mark.parametrize(
    "mn, password, words",
    [
        ("MN0001", "", ("password",)),
        ("MN\x000001", "123456", ("NUL",)),
        ("MN😀0001", "123456", ("printable ASCII",)),
        ("MN中文", "123456", ("printable ASCII",)),
    ],
)
def test_devices_the_registry_refuses(client, mn, password, words):
    r = client.post("/api/v1/hj212/devices", json={"mn": mn, "password": password})
    _is_4xx(r, *words)


def test_a_huge_concentration_is_out_of_range_not_negative(client):
    r = client.post("/api/v1/standards/water-class", json={"concentrations": {"TP": 1e10}})
    _is_4xx(r, "less than or equal to 1000000000")
    assert "negative" not in r.text


def test_the_database_refusing_a_value_is_a_422_on_any_route(client):
    """Routes without bounded types still answer 4xx: PostgreSQL's DataError (a NUL byte, a
    number out of range) and SQLite's integer overflow are mapped by the one error handler."""
    for path in ("/api/v1/sites/GA%00S1", "/api/v1/sites/" + "G" * 300):
        r = client.get(path)
        assert r.status_code in (404, 422), (path, r.status_code, r.text)
    r = client.get("/api/v1/archive/enterprises", params={"offset": str(2**63 - 1)})
    assert r.status_code < 500, r.text
