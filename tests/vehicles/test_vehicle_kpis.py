"""Vehicle KPIs (dashboard only: the 2021 plan has no vehicle target): each figure from the
DuckDB query equals the same figure counted with pandas over a small demo fleet in a real
store, by province, city and county; and the platform registry serves them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from qingshan.platform.kpis import kpi_registry
from qingshan.sim.demo_vehicles import build_demo_fleet
from qingshan.vehicles.nonroad_kpis import region_prefix, vehicle_kpis
from qingshan.vehicles.store import VehicleStore

NOW = datetime(2026, 12, 7, tzinfo=UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    fleet = build_demo_fleet(now=NOW, n_vehicles=3_000, n_stations=6)
    s = VehicleStore(tmp_path_factory.mktemp("veh"))
    s.write_batch(vehicles=fleet.vehicles, tests=fleet.tests)
    return s, fleet


@pytest.mark.parametrize("region", ["330000", "330100", "330106"])
def test_kpis_match_a_pandas_count(store, region):
    s, fleet = store
    v = fleet.vehicles[fleet.vehicles["region_code"].str.startswith(region_prefix(region))]
    diesel = v[v["fuel"] == "diesel"]
    start, end = date(2026, 6, 1), date(2026, 11, 30)
    t = fleet.tests.merge(v[["vin"]], on="vin")
    day = t["started_at"].dt.tz_convert("Asia/Shanghai").dt.date
    init = t[(t["kind"] == "initial") & (day >= start) & (day <= end)]
    k = vehicle_kpis(s, region, start, end)
    assert k["diesel_old_share"][1:] == ((diesel["stage"] == "国III").sum(), len(diesel))
    assert k["im_initial_failure_rate"][1:] == ((~init["passed"]).sum(), len(init))
    if len(init):
        assert k["im_initial_failure_rate"][0] == round(100 * (~init["passed"]).mean(), 1)
    # no OBD data in this store: coverage 0 of the heavy diesel goods vehicles
    heavy = (diesel["category"] == "heavy_goods").sum()
    assert k["obd_coverage"] == ((0.0 if heavy else None), 0, heavy)


def test_registry_serves_the_vehicle_kpis():

    reg = kpi_registry()
    for n in (
        "vehicles.diesel_old_share",
        "vehicles.im_initial_failure_rate",
        "vehicles.obd_coverage",
    ):
        assert n in reg and reg.get(n).unit == "%"
