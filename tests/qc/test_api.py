"""/api/v1/qc: marks CRUD, verdicts, events, cases, transmission rate — scoped."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.platform.app import create_app
from qingshan.qc import service
from qingshan.qc.jobs import run_qc
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

T0 = pd.Timestamp("2026-03-01 00:00", tz="UTC")


@pytest.fixture
def client(engine, tmp_path, app_settings):
    store = ObservationStore(tmp_path / "observations")
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "hz", "hangzhou-pass", Role.CITY, "330100")
        create_user(s, "nb", "ningbo-pass", Role.CITY, "330200")
        site = Site(
            code="GAS1",
            name="一号锅炉排口",
            kind=SiteKind.GAS_OUTLET,
            control_level=ControlLevel.ENTERPRISE,
            region_code="330100",
            attrs={"source_type": "coal_boiler_ultralow"},
        )
        s.add(site)
        s.flush()
        sid = get_or_create_series(s, site, "a21026", Period.HOUR, "mg/m³").id
        vals = [20, 21, 19, 70, 70, 70, 22, 20, None, 21, 20, 19.5]
        flags = ["N"] * 12
        flags[7] = "C"
        rows = [
            dict(
                series_id=sid,
                time=T0 + pd.Timedelta(hours=h),
                period="hour",
                value=v,
                raw_value=v,
                source_flag=flags[h],
                source="test",
            )
            for h, v in enumerate(vals)
            if v is not None
        ]
        store.append(pd.DataFrame(rows), "gas_outlet")
        frame = pd.DataFrame(
            {
                "time": [r["time"] for r in rows],
                "parameter": "a21026",
                "value": [r["value"] for r in rows],
                "flag": [r["source_flag"] for r in rows],
            }
        )
        service.judge_site(
            s,
            frame,
            site_id=site.id,
            window=(T0.to_pydatetime(), (T0 + pd.Timedelta(hours=12)).to_pydatetime()),
            industry="thermal_power",
            source_type="coal_boiler_ultralow",
            limits={"a21026": {"limit": 35.0, "standard": "许可证", "source": "permit"}},
        )
    with TestClient(create_app(app_settings)) as c:
        yield c


def _h(client, user, pw):
    tok = client.post("/api/v1/auth/login", data={"username": user, "password": pw}).json()[
        "access_token"
    ]
    return {"Authorization": f"Bearer {tok}"}


def test_marks_verdicts_events_cases_transmission(client):
    h = _h(client, "hz", "hangzhou-pass")
    body = {
        "kind": "停运",
        "start": "2026-03-01T10:00:00Z",
        "end": "2026-03-01T12:00:00Z",
        "reason": "停机检修",
        "proof": ["f1"],
    }
    r = client.post("/api/v1/qc/sites/GAS1/marks", json=body, headers=h)
    assert r.status_code == 201, r.text
    mark = r.json()
    assert mark["created_by"] == "hz" and mark["kind"] == "停运"
    r = client.post("/api/v1/qc/sites/GAS1/marks", json={**body, "kind": "故障"}, headers=h)
    assert r.status_code == 422 and "overlaps mark" in r.text
    r = client.post(
        "/api/v1/qc/sites/GAS1/marks", json={**body, "start": "2026-03-01T13:00:00Z"}, headers=h
    )
    assert r.status_code == 422 and "ends" in r.text
    assert len(client.get("/api/v1/qc/sites/GAS1/marks", headers=h).json()) == 1
    # the mark arrived late: the verdict it overlaps was judged again, the old one kept
    j, old = client.get("/api/v1/qc/sites/GAS1/judgements", headers=h).json()
    assert (j["revision"], j["trigger"], j["superseded_by"]) == (2, "late_mark", None)
    assert old["revision"] == 1 and old["superseded_by"] == j["id"]
    assert j["marks"][0]["kind"] == "停运" and old["marks"] == []
    assert (
        j["rule_version"] == "thermal_power/2023.1"
        and j["summary"]["a21026"]["exceeding_periods"] == 3
    )
    [ev] = client.get("/api/v1/qc/sites/GAS1/events", headers=h).json()
    assert ev["periods"] == 3 and ev["max_multiple"] == pytest.approx(1.0)
    [case] = client.get("/api/v1/qc/sites/GAS1/cases", headers=h).json()
    assert case["event_key"] == ev["event_key"]
    # 12 hours expected, 11 reported (one missing), 10 valid (one C flag) — the 停运 hours 10–11 exempt
    r = client.get(
        "/api/v1/qc/sites/GAS1/transmission",
        params={"start": "2026-03-01T00:00:00Z", "end": "2026-03-01T12:00:00Z"},
        headers=h,
    )
    t = r.json()
    assert (t["expected"], t["reported"], t["exempt"]) == (12, 11, 2)
    assert t["valid"] == 8  # hours 10 and 11 lie in the 停运 mark: invalid
    assert t["transmission_rate"] == 1.0 and t["effective_rate"] == pytest.approx(8 / 11)
    r = client.delete(f"/api/v1/qc/marks/{mark['id']}", headers=h)
    assert r.status_code == 200 and r.json()["revoked_by"] == "hz"
    assert client.get("/api/v1/qc/sites/GAS1/marks", headers=h).json() == []
    # revoking is a late change too: judged again without the mark, one case still
    js = client.get("/api/v1/qc/sites/GAS1/judgements", headers=h).json()
    assert [x["revision"] for x in js] == [3, 2, 1] and js[0]["marks"] == []
    assert len(client.get("/api/v1/qc/sites/GAS1/cases", headers=h).json()) == 1


def test_out_of_scope_site_is_missing(client):
    h = _h(client, "nb", "ningbo-pass")
    assert client.get("/api/v1/qc/sites/GAS1/marks", headers=h).status_code == 404
    assert client.get("/api/v1/qc/sites/GAS1/marks").status_code in (401, 404)


def test_flags_endpoint_and_outlet_page(client):
    h = _h(client, "hz", "hangzhou-pass")
    r = client.get(
        "/api/v1/qc/sites/GAS1/flags",
        params={"start": "2026-03-01T00:00:00Z", "end": "2026-03-01T12:00:00Z"},
        headers=h,
    )
    assert r.status_code == 200, r.text
    s = r.json()["series"]["a21026"]
    assert (
        len(s["time"]) == 11 and s["flag"][7] == "fail" and s["checks"]["hj212_flag"][7] == "fail"
    )
    from fastapi import FastAPI

    from qingshan.qc.web import router

    app: FastAPI = client.app
    app.include_router(router)
    tok = h["Authorization"].split()[1]
    from qingshan.accounts.security import TOKEN_COOKIE

    client.cookies.set(TOKEN_COOKIE, tok)
    page = client.get("/qc/outlets/GAS1?days=2")
    assert (
        page.status_code == 200 and "排口数据质控" in page.text and "/api/v1/qc/sites/" in page.text
    )


def test_paper_mill_boiler_page_judges_with_the_job_pack(engine, app_settings):
    """Regression (issue 8): the boiler stack (gas outlet) of a paper mill. The QC job judges it
    with the boiler pack (GB 13271-2014, pack_choice.json since issue #10; the thermal power
    pack before — its limits still come from its source type); the outlet page used to choose
    the paper (water) pack with its own logic (and its newest version, whatever the data's
    date). The page now judges each CST day with the job's own code: same rule version, same
    flags, nothing stored."""
    store = ObservationStore(app_settings.observations_dir)
    day0 = pd.Timestamp("2026-03-02", tz=CST)  # a CST day under the 2023.1 packs
    t = pd.date_range(day0, periods=24, freq="h").tz_convert("UTC")
    so2 = 20 + np.arange(24) % 3 * 1.0
    so2[3:6] = 70.0
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "hz", "hangzhou-pass", Role.CITY, "330100")
        ent = Enterprise(
            credit_code="91330100MA27PAPER0",
            name="富春纸业有限公司",
            industry=Industry.PAPER,
            region_code="330100",
        )
        s.add(ent)
        s.flush()
        site = Site(
            code="PAPERGAS1",
            name="富春纸业 1 号锅炉排口",
            kind=SiteKind.GAS_OUTLET,
            control_level=ControlLevel.ENTERPRISE,
            region_code="330100",
            enterprise_id=ent.id,
            attrs={"source_type": "coal_boiler_ultralow"},
        )
        s.add(site)
        s.flush()
        ids = {
            c: get_or_create_series(s, site, c, Period.HOUR, u).id
            for c, u in (("a21026", "mg/m³"), ("a19001", "%"))
        }
        site_id = site.id
    rows = pd.concat(
        [
            pd.DataFrame({"series_id": ids["a21026"], "time": t, "value": so2}),
            pd.DataFrame(
                {"series_id": ids["a19001"], "time": t, "value": 6.0 + np.arange(24) * 0.01}
            ),
        ]
    ).assign(period="hour", raw_value=lambda d: d["value"], source_flag="N", source="test")
    store.append(rows, "gas_outlet")
    ctx = SimpleNamespace(settings=app_settings, engine=engine)
    now = (day0 + pd.Timedelta(days=1, hours=1)).tz_convert("UTC").to_pydatetime()
    assert run_qc(ctx, now=now, site_ids=[site_id], store=store).startswith("1 judgements stored")
    with TestClient(create_app(app_settings)) as client:
        h = _h(client, "hz", "hangzhou-pass")
        [j] = client.get("/api/v1/qc/sites/PAPERGAS1/judgements", headers=h).json()
        assert (j["industry"], j["rule_version"]) == ("boiler", "boiler/2023.1")
        r = client.get(
            "/api/v1/qc/sites/PAPERGAS1/flags",
            params={
                "start": day0.tz_convert("UTC").isoformat(),
                "end": (day0 + pd.Timedelta(days=1)).tz_convert("UTC").isoformat(),
            },
            headers=h,
        )
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["rule_version"] == j["rule_version"]
        assert [w["rule_version"] for w in page["windows"]] == [j["rule_version"]]
        # the page's flags are the stored verdict's, check by check
        for code, stored in j["summary"].items():
            checks = page["series"][code]["checks"]
            assert set(checks) == set(stored["checks"])
            for name, c in stored["checks"].items():
                got = pd.Series(checks[name]).value_counts().to_dict()
                assert got == {k: v for k, v in c["counts"].items() if v}, (code, name)
        # judged on the fly, not stored
        assert len(client.get("/api/v1/qc/sites/PAPERGAS1/judgements", headers=h).json()) == 1
