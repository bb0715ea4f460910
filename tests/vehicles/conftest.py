"""The app the vehicles pages are tested through: a synthetic fleet (``seed_demo_vehicles``, 14
stations) with a province (``zj``) and a city (``hz``) account."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.sim.demo_vehicles import seed_demo_rs_obd, seed_demo_vehicles
from qingshan.vehicles.service import get_store

PASSWORD = "vehicles-password"


@contextmanager
def fleet_client(engine, app_settings, *, now: datetime, n_vehicles: int,
                 rs_obd: bool = False) -> Iterator[TestClient]:  # fmt: skip
    """A client of an app on ``n_vehicles`` synthetic vehicles (and, with ``rs_obd``, the small
    demo's remote-sensing readings and OBD trucks); ``client.store`` is the vehicles' store."""
    with session_scope(engine) as s:
        seed_regions(s)
        for name, role, region in [("zj", Role.PROVINCE, "330000"), ("hz", Role.CITY, "330100")]:
            create_user(s, name, PASSWORD, role, region)
    store = get_store(app_settings.data_dir)
    seed_demo_vehicles(engine, store, now=now, n_vehicles=n_vehicles, n_stations=14, n_machines=5)
    if rs_obd:
        seed_demo_rs_obd(store, now=now, scale="small")
    with TestClient(create_app(app_settings)) as c:
        c.store = store  # type: ignore[attr-defined]
        yield c


def login_as(client: TestClient, username: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
