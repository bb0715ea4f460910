"""A vehicle's and an I/M station's cases on their pages (SQLite and PostgreSQL), from the real
screening (:func:`qingshan.vehicles.jobs.run_screening` through the cases' sink) over a synthetic
fleet with the small demo's remote sensing and OBD: a planted high emitter's page lists its case
(link, state label as the case list shows it, deadline once dispatched), a clean vehicle's page
says it has none, a flagged station's page lists its case; the cases service's subject query is
scoped (a county account of another city gets nothing) and refuses an unknown source."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.cases import service as cases
from qingshan.cases.errors import BadCaseInput
from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.db.engine import session_scope
from qingshan.geo.counties import county_at
from qingshan.sim.demo_vehicles import RS_TRUTH_TABLE
from qingshan.vehicles.jobs import run_screening
from qingshan.vehicles.models import VehicleStation
from qingshan.vehicles.screening_service import open_station_cases

from .conftest import fleet_client, login_as

NOW = datetime(2026, 12, 6, 19, 30, tzinfo=UTC)  # 03:30 CST on 7 December


@pytest.fixture
def client(engine, app_settings):
    with fleet_client(engine, app_settings, now=NOW, n_vehicles=3000, rs_obd=True) as c:
        store = c.store  # type: ignore[attr-defined]
        with session_scope(engine) as s:
            c.screening = run_screening(s, cases.CASES_SINK, store, now=NOW)  # type: ignore[attr-defined]
            # the job screens last month's 109 tests of this small fleet (no station flagged):
            # the station checks over the year's tests, as the job would over a busier month
            stations = pd.DataFrame(
                s.execute(select(VehicleStation.station_code, VehicleStation.name,
                                 VehicleStation.region_code)).all(),
                columns=["station_code", "name", "region_code"],
            )  # fmt: skip
            c.station_cases = open_station_cases(  # type: ignore[attr-defined]
                s, cases.CASES_SINK, store.read_tests(), stations, period="2026", found_at=NOW,
                vehicles=store.read_vehicles()[["vin", "fuel"]],
            )  # fmt: skip
        yield c


def _cases_of(engine, key: str) -> list[tuple[int, str]]:
    """(case id, region) of every case reported under group key ``key``, read from the tables."""
    with session_scope(engine) as s:
        rows = s.execute(
            select(CaseRecord.id, CaseRecord.region_code)
            .join(CaseSource, CaseSource.case_id == CaseRecord.id)
            .where(CaseSource.group_key == key)
            .distinct()
        ).all()  # fmt: skip
    return [(int(i), str(r)) for i, r in rows]


def _ids(html: str) -> set[int]:
    return {int(x.split('"')[0]) for x in html.split('data-case="')[1:]}


def test_cases_on_the_vehicle_and_station_pages(engine, client):
    store = client.store
    assert client.screening.rs_cases > 0 and client.station_cases
    fleet = store.read_vehicles()[["vin", "plate"]]
    planted = sorted(set(store.read_table(RS_TRUTH_TABLE)["unit"]))
    plate = next(p for p in planted if _cases_of(engine, f"vehicles:rs:{p}"))
    (case_id, region), = _cases_of(engine, f"vehicles:rs:{plate}")  # fmt: skip
    vin = str(fleet.loc[fleet["plate"] == plate, "vin"].iloc[0])

    # dispatch it, so the page shows a state past 待交办 and a deadline
    due = NOW + timedelta(days=20)
    with session_scope(engine) as s:
        unit = cases.add_unit(s, "合成生态环境分局（synthetic）", "department", region)
        zj = s.scalar(select(User).where(User.username == "zj"))
        cases.assign_case(s, zj, case_id, unit_id=unit.id, due_at=due, now=NOW)

    login_as(client, "zj")
    page = client.get(f"/vehicles/v/{vin}")
    assert page.status_code == 200
    assert _ids(page.text) == {case_id}
    assert f'href="/cases/{case_id}"' in page.text and "已交办" in page.text
    assert due.astimezone(UTC).strftime("%Y-%m-") in page.text  # the deadline's day (CST)
    en = client.get(f"/vehicles/v/{vin}?lang=en")
    assert ">Assigned</span>" in en.text and ">Cases (1)<" in en.text

    # a vehicle no screening reported: no case, the empty state
    reported = {k.split(":")[2] for (k,) in _keys(engine)}
    clean = fleet[~fleet["plate"].isin(reported) & ~fleet["vin"].isin(reported)].iloc[0]
    other = client.get(f"/vehicles/v/{clean['vin']}")
    assert other.status_code == 200 and _ids(other.text) == set()
    assert 'id="qs-vh-cases-none"' in other.text

    # the service, scoped: the province sees it, a county of another city nothing
    keys = [f"vehicles:rs:{plate}", f"vehicles:obd:{vin}"]
    with session_scope(engine) as s:
        found = cases.subject_cases(s, Scope("330000", Role.PROVINCE), "vehicle_exhaust", keys)
        assert [(c.id, c.state, c.subject_key) for c in found] == [
            (case_id, "assigned", f"vehicles:rs:{plate}")
        ]
        assert found[0].due_at == due and not found[0].overdue
        elsewhere = "330203" if not region.startswith("3302") else "330106"  # 海曙 / 西湖
        assert cases.subject_cases(s, Scope(elsewhere, Role.COUNTY), "vehicle_exhaust", keys) == []
        assert cases.subject_cases(s, Scope("330000", Role.PROVINCE), "complaint", keys) == []
        with pytest.raises(BadCaseInput, match="unknown source 'vehicles'"):
            cases.subject_cases(s, Scope("330000", Role.PROVINCE), "vehicles", keys)
    _station_pages(engine, client)
    _station_map(engine, client)


def _keys(engine) -> list[tuple[str]]:
    with session_scope(engine) as s:
        return [tuple(r) for r in s.execute(select(CaseSource.group_key)).all()]


def _station_pages(engine, client) -> None:
    flagged = sorted(client.station_cases)
    assert flagged == sorted(
        {k.split(":")[2] for (k,) in _keys(engine) if k.startswith("vehicles:im:")}
    )
    code = flagged[0]
    want = {i for i, _ in _cases_of(engine, f"vehicles:im:{code}")}
    login_as(client, "zj")
    page = client.get(f"/vehicles/stations/{code}")
    assert page.status_code == 200 and _ids(page.text) == want and len(want) == 1
    assert "待交办" in page.text  # registered, not yet dispatched
    with session_scope(engine) as s:
        codes = s.scalars(select(VehicleStation.station_code).order_by(VehicleStation.station_code))
        calm = next(c for c in codes if c not in flagged)
    quiet = client.get(f"/vehicles/stations/{calm}")
    assert _ids(quiet.text) == set() and 'id="qs-vh-cases-none"' in quiet.text


def _station_map(engine, client) -> None:
    """The ranking page's map: every station of the city with its position inside its county,
    banded by how many checks flag it, the tooltip's pass rate = 1 − the initial failure rate."""
    login_as(client, "hz")
    page = client.get("/vehicles/stations")
    config = json.loads(page.text.split('id="qs-config">')[1].split("</script>")[0])
    ranking = {
        r["station_code"]: r for r in client.get("/api/v1/vehicles/stations").json()["stations"]
    }
    points = {p["station_code"]: p for p in config["stations"]}
    assert set(points) == set(ranking) and all(c.startswith("IM3301") for c in points)
    for code, p in points.items():
        r = ranking[code]
        assert county_at(p["lon"], p["lat"], tolerance_km=0.0) == r["region_code"]
        assert p["band"] == ("clean", "one", "several")[min(r["flagged"], 2)]
        assert p["pass_rate"] == round(1 - r["fail_rate"], 4)
