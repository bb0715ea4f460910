"""The gas pages and the demo's seeding (issue #22, area gas), through the app: the demo's two
synthetic parks and eight stations, its planted H2S leak alarmed at level 2 with the incident it
opened, the intermittent Cl2 level-1 alarm turned into a case after 30 min unacknowledged, the
cleared and acknowledged NH3 alarm; the pages — parks map with stations coloured by level, the
park's 24 h series, the alarm list with acknowledge, the alarm with its plume sector — an
empty state for a region without parks, officers only; a second seeding adds nothing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.emergency.gas.models import GasAlarm
from qingshan.emergency.incidents.service import open_incident
from qingshan.geo.regions import seed_regions
from qingshan.hj212.service import sim_specs
from qingshan.platform.app import create_app
from qingshan.sim.demo_emergency_gas import seed_demo_emergency_gas
from qingshan.timeseries.store import ObservationStore

PASSWORD = "gas-password"
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


def _login(c: TestClient, name: str) -> None:
    c.cookies.clear()
    r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _config(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="qs-config">(.*?)</script>', html, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_demo_alarms_and_pages(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("zj", Role.PROVINCE, "330000"), ("nb", Role.CITY, "330200"),
                                   ("xihu", Role.COUNTY, "330106")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    store = ObservationStore(app_settings.observations_dir)
    summary = seed_demo_emergency_gas(engine, store, now=NOW, open_incident=open_incident,
                                      sink=CASES_SINK, hours=3)  # fmt: skip
    assert summary is not None and "2 chemical parks, 8 boundary stations" in summary
    assert seed_demo_emergency_gas(engine, store, now=NOW) is None  # idempotent
    # the simulated loggers of `make run` stream the stations' own factors, the leak going on
    specs = {s.mn: s for s in sim_specs(engine)}
    assert specs["GASGASSY02DEMO"].codes["a21028"] == (25.0, 0.1)
    assert specs["GASGASSY01DEMO"].st == "22" and "a01008" in specs["GASGASSY01DEMO"].codes
    with session_scope(engine) as s:
        alarms = {(a.site_id, a.parameter_code): a for a in s.scalars(select(GasAlarm))}
        by_code = {code: a for (_, code), a in alarms.items()}
        leak = by_code["a21028"]
        assert (leak.level, leak.state, leak.incident_id is not None) == (2, "active", True)
        # judged minute by minute as the job does: raised within one interval of its data
        assert leak.raised_at - leak.data_time < timedelta(minutes=2)
        cl2 = by_code["a21022"]
        assert (cl2.level, cl2.state, cl2.case_id is not None) == (1, "active", True)
        nh3 = by_code["a21001"]
        assert (nh3.level, nh3.state, nh3.acknowledged_by) == (1, "cleared", "ningbo")
        assert len(alarms) == 3
        leak_id, leak_incident = leak.id, leak.incident_id
    with TestClient(create_app(app_settings)) as c:
        _login(c, "xihu")
        r = c.get("/emergency/gas")
        assert r.status_code == 200 and 'id="qs-emg-empty"' in r.text
        _login(c, "zj")
        r = c.get("/emergency/gas")
        cfg = _config(r.text)
        assert [p["name"] for p in cfg["parks"]] == ["宁波石化经济技术开发区（演示）",
                                                     "杭州湾上虞经济技术开发区（演示）"]  # fmt: skip
        levels = {s["code"]: s["level"] for s in cfg["stations"]}
        assert levels["GAS-SY-02"] == 2 and levels["GAS-SY-01"] == 0
        assert 'data-level="2"' in r.text and f"/emergency/incidents/{leak_incident}" in r.text
        park_id = next(s["park_id"] for s in cfg["stations"] if s["code"] == "GAS-SY-02")
        r = c.get(f"/emergency/gas/parks/{park_id}")
        charts = _config(r.text)["charts"]
        assert len(charts) == 4 * 5 and all(len(ch["points"]) == 3 * 60 for ch in charts)
        h2s = next(ch for ch in charts if ch["code"] == "a21028")
        assert (h2s["al1"], h2s["al2"]) == (10.0, 20.0)
        r = c.get(f"/emergency/gas/alarms/{leak_id}")
        cfg = _config(r.text)
        assert cfg["sector"] and cfg["focus"] == leak.site_id
        assert "筛查估算" in r.text and 'id="qs-emg-class"' in r.text
        r = c.get(f"/emergency/gas/alarms/{leak_id}?lang=en")
        assert "Plume screening estimate" in r.text and "Level 2 alarm" in r.text
        assert c.get("/emergency/gas/alarms?state=bogus").status_code == 200  # shown as an error
        _login(c, "nb")  # Ningbo sees its park only, and acknowledges the Cl2 alarm
        r = c.get("/emergency/gas/alarms?state=active")
        assert f'data-alarm="{cl2.id}"' in r.text and f'data-alarm="{leak_id}"' not in r.text
        assert c.get(f"/emergency/gas/alarms/{leak_id}").status_code == 404
        r = c.post(f"/emergency/gas/alarms/{cl2.id}/ack", data={"note": "已派员核查", "back": "/emergency/gas/alarms"},
                   follow_redirects=False)  # fmt: skip
        assert r.status_code == 303 and r.headers["location"] == "/emergency/gas/alarms"
        assert "nb · " in c.get("/emergency/gas/alarms").text
        assert c.post(f"/emergency/gas/alarms/{cl2.id}/ack", data={}).status_code == 409
        # the API: Ningbo's park and alarms, the leak's alarm out of its region, ack twice → 409
        api = "/api/v1/emergency/gas"
        [park] = c.get(f"{api}/parks").json()
        assert park["code"] == "DEMO-GAS-ZH" and len(park["stations"]) == 4
        assert {a["parameter_code"] for a in c.get(f"{api}/alarms").json()} == {"a21022", "a21001"}
        assert c.get(f"{api}/alarms/{leak_id}").status_code == 404
        r = c.post(f"{api}/alarms/{cl2.id}/ack", json={"note": "x"})
        assert r.status_code == 409 and "already acknowledged" in r.text
        _login(c, "zj")
        body = c.get(f"{api}/alarms/{leak_id}").json()
        assert (
            body["level"] == 2 and body["plume"]["sector"] and "筛查估算" in body["plume"]["note"]
        )
        th = {t["code"]: t for t in c.get(f"{api}/thresholds").json()["substances"]}
        assert (th["a21028"]["al1"], th["a21028"]["al2"]) == (10.0, 20.0)
