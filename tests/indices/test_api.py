"""/api/v1/air/stations/{code}/aqi reads the stored series; it equals the station page's
computation on request (/history) hour for hour and day for day, on 杭州's real January 2019
hours (the rows the demo's stations replay)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.indices.service import compute_indices
from qingshan.ingest.cnemc_import import import_file
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.platform.app import create_app
from qingshan.timeseries.store import ObservationStore

AIR = Path(__file__).parents[1] / "data" / "cnemc_hangzhou_2019-01.csv.gz"
STATIONS = ["1223A", "1228A"]


@pytest.fixture
def client(engine, app_settings):
    store = ObservationStore(app_settings.observations_dir)
    with session_scope(engine) as s:
        seed_regions(s)
        for code in STATIONS:
            s.add(Site(code=code, name=code, kind=SiteKind.AIR_STATION,
                       control_level=ControlLevel.NATIONAL, region_code="330106"))  # fmt: skip
        s.flush()
        import_file(s, store, AIR)
    compute_indices(store, engine, datetime(2019, 1, 12, 16, tzinfo=UTC),
                    datetime(2019, 1, 31, 16, tzinfo=UTC))  # fmt: skip
    with TestClient(create_app(app_settings)) as c:
        yield c


def test_stored_aqi_equals_the_computation_on_request(client):
    params = {"from": "2019-01-13", "to": "2019-01-31"}
    for code in STATIONS:
        r = client.get(f"/api/v1/air/stations/{code}/aqi", params=params)
        assert r.status_code == 200, r.text
        stored = r.json()
        page = client.get(f"/api/v1/air/stations/{code}/history", params=params).json()
        on_request = {t: a for t, a in zip(page["hourly_time"], page["hourly"]["aqi"], strict=True)
                      if a is not None}  # fmt: skip
        ours = {h["time"]: h["aqi"] for h in stored["hourly"] if h["aqi"] is not None}
        assert len(ours) > 400 and ours == on_request
        days = [(d["date"], d["aqi"], d["level"], d["primary"]) for d in stored["daily"]]
        theirs = [(d["date"], d["aqi"], d["level"], d["primary"]) for d in page["daily"]]
        assert days == theirs and len(days) == 19
        assert {d["source"] for d in stored["daily"]} == {"index:aqi:HJ633-2012"}
    r = client.get("/api/v1/air/stations/NOPE/aqi")
    assert r.status_code == 404 and "no site 'NOPE'" in r.text
    r = client.get(
        "/api/v1/air/stations/1223A/aqi", params={"from": "2019-02-01", "to": "2019-01-01"}
    )
    assert r.status_code == 422 and "from: 2019-02-01 is after to 2019-01-01" in r.text
