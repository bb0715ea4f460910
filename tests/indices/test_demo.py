"""The indices on the small demo (the air stations replay CNEMC's 2019 hours in the demo's
year, under the HJ 633 edition in force on the replayed dates): the stored AQI equals the station
page's computation on request, and every section and city gets its derived series."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qingshan.config import Settings
from qingshan.db.engine import dispose_engines, get_engine, session_scope
from qingshan.indices.service import AQI, WATER_CLASS, compute_indices
from qingshan.monitoring.models import LatestValue, Series, Site, SiteKind
from qingshan.platform.app import create_app
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_utc


@pytest.fixture(scope="module")
def demo(small_demo_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("indices-demo")
    shutil.copytree(small_demo_dir, data_dir, dirs_exist_ok=True)
    settings = Settings(data_dir=data_dir, demo=True, scheduler=False, hj212_listener=False)
    engine = get_engine(settings.db_url)
    with session_scope(engine) as s:
        newest = as_utc(s.scalar(select(func.max(LatestValue.time))))
    end = newest.astimezone(CST).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=2)
    report = compute_indices(ObservationStore(settings.observations_dir), engine, start, end)
    with TestClient(create_app(settings)) as c:
        yield c, engine, report, start.date(), (end - timedelta(days=1)).date()
    dispose_engines()


def test_stored_aqi_equals_the_station_page_on_the_demo(demo):
    client, engine, report, first, last = demo
    assert report.written["aqi"] > 0 and report.written["water-class"] > 0
    r = client.post(
        "/api/v1/auth/login", data={"username": "province", "password": "qingshan-demo"}
    )
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    params = {"from": first.isoformat(), "to": last.isoformat()}
    for code in ("1223A", "1228A"):
        stored = client.get(f"/api/v1/air/stations/{code}/aqi", params=params, headers=headers)
        page = client.get(f"/api/v1/air/stations/{code}/history", params=params, headers=headers)
        assert stored.status_code == page.status_code == 200, stored.text
        s, p = stored.json(), page.json()
        on_request = {t: a for t, a in zip(p["hourly_time"], p["hourly"]["aqi"], strict=True)
                      if a is not None}  # fmt: skip
        assert {h["time"]: h["aqi"] for h in s["hourly"] if h["aqi"] is not None} == on_request
        assert len(on_request) > 24
        assert [(d["date"], d["aqi"], d["primary"]) for d in s["daily"]] == [
            (d["date"], d["aqi"], d["primary"]) for d in p["daily"]
        ]
    with session_scope(engine) as s:
        kinds = dict(
            s.execute(
                select(Series.parameter_code, func.count())
                .where(Series.parameter_code.in_([AQI, WATER_CLASS]))
                .group_by(Series.parameter_code)
            ).all()
        )
        stations = s.scalar(select(func.count()).where(Site.kind == SiteKind.AIR_STATION))
        assert kinds[AQI] == 2 * stations  # hour and day of each station
