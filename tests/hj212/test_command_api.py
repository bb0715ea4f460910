"""Commands through ``/api/v1/hj212`` and ``qingshan devices command|commands|update``."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.audit import acting_as
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.hj212.models import Command, Device
from qingshan.hj212.registry import add_device
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.app import create_app

from .test_cli_api import _token, cli_env  # noqa: F401  (fixture)

KEY = "30" * 16


def _seed(session) -> None:
    seed_regions(session)
    create_user(session, "zj", "province-pass", Role.PROVINCE, "330000")
    create_user(session, "hz", "city-pass-1234", Role.CITY, "330100")
    create_user(session, "nb", "city-pass-5678", Role.CITY, "330200")
    create_user(session, "xh", "county-pass-12", Role.COUNTY, "330106")
    session.add(Site(code="HZ1", name="杭州排口", kind=SiteKind.GAS_OUTLET,
                     control_level=ControlLevel.ENTERPRISE, region_code="330106", attrs={}))  # fmt: skip
    session.flush()
    add_device(session, "HZMN1", "123456", site="HZ1")


@pytest.fixture
def client(engine, app_settings):
    with acting_as("test"), session_scope(engine) as s:
        _seed(s)
    with TestClient(create_app(app_settings)) as c:
        yield c


def test_commands_api(client, engine):
    zj, hz = _token(client, "zj", "province-pass"), _token(client, "hz", "city-pass-1234")
    nb, xh = _token(client, "nb", "city-pass-5678"), _token(client, "xh", "county-pass-12")
    client.cookies.clear()
    url = "/api/v1/hj212/devices/HZMN1/commands"
    assert client.post(url, json={"kind": "time-get"}).status_code == 401
    assert client.post(url, json={"kind": "time-get"}, headers=xh).status_code == 403
    assert client.post(url, json={"kind": "time-get"}, headers=nb).status_code == 404  # scope
    r = client.post(url, json={"kind": "backfill", "cn": "2061", "begin": "2026-03-01T08:00:00",
                               "end": "2026-03-01T10:00:00"}, headers=hz)  # fmt: skip
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["state"], made["cn"], made["created_by"], made["origin"]) == (
        "queued", "2061", "hz", "api")  # fmt: skip
    # naive times are CST: 08:00 CST is 00:00 UTC
    assert made["params"] == {"begin": "2026-03-01T00:00:00+00:00",
                              "end": "2026-03-01T02:00:00+00:00"}  # fmt: skip
    r = client.post(url, json={"kind": "backfill", "cn": "2051", "begin": "2026-03-01T08:00:00",
                               "end": "2026-03-03T08:00:00"}, headers=zj)  # fmt: skip
    assert r.status_code == 422 and "spans at most 1 day" in r.text
    assert client.post(url, json={"kind": "reset"}, headers=zj).status_code == 422
    listed = client.get("/api/v1/hj212/commands", headers=zj).json()
    assert [c["id"] for c in listed] == [made["id"]]
    assert client.get("/api/v1/hj212/commands", headers=nb).json() == []
    assert client.get("/api/v1/hj212/commands", headers=xh).status_code == 403
    assert client.get("/api/v1/hj212/commands?mn=HZMN1", headers=nb).status_code == 404
    cancel = f"/api/v1/hj212/commands/{made['id']}/cancel"
    assert client.post(cancel, headers=nb).status_code == 404
    assert client.post(cancel, headers=hz).json()["state"] == "cancelled"
    r = client.post(cancel, headers=hz)
    assert r.status_code == 409 and "cannot take event cancel" in r.text


def test_queued_past_expiry_reads_as_undelivered(client, engine):
    zj = _token(client, "zj", "province-pass")
    made = client.post("/api/v1/hj212/devices/HZMN1/commands", json={"kind": "rtd-start"},
                       headers=zj).json()  # fmt: skip
    with session_scope(engine) as s:
        s.get(Command, made["id"]).expires_at = datetime.now(UTC) - timedelta(seconds=1)
    [row] = client.get("/api/v1/hj212/commands", headers=zj).json()
    assert row["state"] == "undelivered"  # derived: no listener held the connection


def test_device_key_is_write_only(client, engine):
    zj = _token(client, "zj", "province-pass")
    r = client.patch("/api/v1/hj212/devices/HZMN1",
                     json={"sm4_key": KEY, "overtime": 5, "recount": 1}, headers=zj)  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["sm4"], r.json()["overtime"], r.json()["recount"]) == (True, 5, 1)
    for path in ("/api/v1/hj212/devices", "/api/v1/hj212/devices/HZMN1", "/api/v1/hj212/status"):
        assert KEY not in client.get(path, headers=zj).text
    assert client.patch("/api/v1/hj212/devices/HZMN1", json={"sm4_key": "xyz"},
                        headers=zj).status_code == 422  # fmt: skip
    assert client.patch("/api/v1/hj212/devices/HZMN1", json={"sm4_key": ""},
                        headers=zj).json()["sm4"] is False  # fmt: skip


def test_site_backfill_api(client, engine):
    hz, nb = _token(client, "hz", "city-pass-1234"), _token(client, "nb", "city-pass-5678")
    body = {"start": "2026-03-01T08:00:00", "end": "2026-03-01T11:00:00"}
    assert client.post("/api/v1/hj212/sites/HZ1/backfill", json=body, headers=nb).status_code == 404
    r = client.post("/api/v1/hj212/sites/HZ1/backfill", json=body, headers=hz)
    assert r.status_code == 201, r.text
    # no hourly series yet: the three hours are one gap, one request
    [made] = r.json()
    assert (made["cn"], made["origin"], made["params"]["end"]) == (
        "2061", "qc-gap", "2026-03-01T02:00:00+00:00")  # fmt: skip


def test_commands_cli(cli_env):  # noqa: F811
    from qingshan.cli import app

    with acting_as("test"), session_scope(cli_env) as s:
        add_device(s, "CLI1", "123456")
    runner = CliRunner()
    r = runner.invoke(app, ["devices", "update", "CLI1", "--sm4-key", KEY, "--overtime", "3"])
    assert r.exit_code == 0, r.output
    assert "SM4 on, timeout 3 s, 3 resends" in r.output and KEY not in r.output
    r = runner.invoke(app, ["devices", "command", "CLI1", "backfill", "--from",
                            "2026-03-01 08:00:00", "--to", "2026-03-01 09:00:00", "--no-wait"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "command 1 queued for MN=CLI1" in r.output
    r = runner.invoke(app, ["devices", "command", "CLI1", "reset"])
    assert r.exit_code != 0 and "reset" in r.output
    r = runner.invoke(app, ["devices", "commands", "--json"])
    assert r.exit_code == 0 and '"kind": "backfill"' in r.output and '"cn": "2061"' in r.output
    with session_scope(cli_env) as s:
        row = s.scalars(select(Command)).one()
        assert row.created_by.startswith("cli:") and row.origin == "cli"
        assert s.scalars(select(Device)).one().sm4_key == KEY
    r = runner.invoke(app, ["devices", "cancel", str(row.id)])
    assert r.exit_code == 0 and "cancelled" in r.output
    r = runner.invoke(app, ["devices", "command", "CLI1", "time-get", "--timeout", "0.1", "--json"])
    assert r.exit_code == 0 and '"state": "queued"' in r.output  # no listener: still waiting
