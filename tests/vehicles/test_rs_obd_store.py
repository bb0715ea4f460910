"""Remote-sensing readings and OBD samples in the Parquet store (partitioned by CST month / day,
``valid`` computed on write, all or nothing), the remote-sensing sites registry, and the demo's
RS / OBD seeding with its planted truth."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from qingshan.sim.demo_vehicles import (
    OBD_TRUTH_TABLE,
    RS_SITES,
    RS_TRUTH_TABLE,
    build_demo_fleet,
    seed_demo_rs_obd,
)
from qingshan.vehicles.errors import VehicleError
from qingshan.vehicles.store import VehicleStore


def _readings() -> pd.DataFrame:
    at = pd.to_datetime(
        # 2025-01-31 16:30 UTC is 2025-02-01 00:30 in China: the February partition
        ["2025-01-31T15:00:00Z", "2025-01-31T16:30:00Z", "2025-02-10T02:00:00Z"],
        utc=True,
    )
    return pd.DataFrame(
        {
            "reading_id": ["R1", "R2", "R3"],
            "site_code": ["S1", "S1", "S2"],
            "plate": ["浙A12345", "浙A12345", "浙B00001"],
            "at": at,
            "speed_kmh": [40.0, 2.0, 50.0],  # R2 below the 5 km/h window: invalid
            "accel_ms2": [0.2, 0.2, 0.1],
            "vsp_kwt": [3.0, 1.0, 4.0],
            "co_pct": [0.3, 6.0, np.nan],
            "hc_ppm": [50.0, 80.0, np.nan],
            "no_ppm": [300.0, 200.0, 900.0],
            "opacity_pct": [np.nan, np.nan, 12.0],
            "valid": [False, True, False],  # input's verdict: ignored
            "wind_ms": [1.0, 1.0, 2.0],
        }
    )


def test_rs_and_obd_round_trip_partitioned_by_cst(tmp_path):
    store = VehicleStore(tmp_path)
    obd = pd.DataFrame(
        {
            "vin": ["LZT00000000000001"] * 2,
            "at": pd.to_datetime(["2025-06-01T15:59:00Z", "2025-06-01T16:01:00Z"], utc=True),
            "nox_ppm": [80.0, 90.0],
            "scr_temp_c": [300.0, 310.0],
            "urea_level_pct": [70.0, 70.0],
            "urea_dosing": [1.0, 1.1],
            "speed_kmh": [50.0, 52.0],
            "lon": [120.1, 120.11],
            "lat": [30.2, 30.2],
        }
    )
    store.write_batch(rs_readings=_readings(), obd_stream=obd)
    parts = sorted(str(p.relative_to(tmp_path).parent) for p in store.dataset_files("rs_readings"))
    assert parts == ["rs_readings/month=2025-01", "rs_readings/month=2025-02"]
    days = sorted(p.parent.name for p in store.dataset_files("obd_stream"))
    assert days == ["day=2025-06-01", "day=2025-06-02"]  # 16:01 UTC is past midnight in China
    got = store.read_rs().sort_values("reading_id", ignore_index=True)
    assert list(got["valid"]) == [True, False, True]  # computed by the validity window
    assert str(got["at"].dtype) == "datetime64[ns, UTC]"
    assert list(store.read_rs(["2025-02"])["reading_id"].sort_values()) == ["R2", "R3"]
    assert len(store.read_obd(["2025-06-02"])) == 1
    n = store.query("SELECT count(*) AS n FROM rs_readings WHERE valid")["n"].iloc[0]
    assert n == 2


def test_bad_rs_input_is_named_and_nothing_is_stored(tmp_path):
    store = VehicleStore(tmp_path)
    bad = _readings().drop(columns=["wind_ms"])
    with pytest.raises(VehicleError, match="wind_ms"):
        store.write_batch(rs_readings=bad)
    no_time = _readings()
    no_time.loc[1, "at"] = pd.NaT
    with pytest.raises(VehicleError, match="without at"):
        store.write_batch(rs_readings=no_time)
    assert store.read_rs().empty and not list(tmp_path.glob("**/*.parquet"))


def test_rs_sites_registry(tmp_path):
    store = VehicleStore(tmp_path)
    assert store.read_rs_sites().empty
    sites = pd.DataFrame(
        {"site_code": ["S1", "S2"], "name": ["石祥路", "之江路"], "region_code": ["330100"] * 2,
         "lon": [120.176, 120.152], "lat": [30.335, 30.213]}
    )  # fmt: skip
    store.write_rs_sites(sites)
    assert list(store.read_rs_sites()["site_code"]) == ["S1", "S2"]
    with pytest.raises(VehicleError, match="'S1' listed twice"):
        store.write_rs_sites(pd.concat([sites, sites.head(1)]))
    with pytest.raises(VehicleError, match="'S2': lon/lat"):
        store.write_rs_sites(sites.assign(lat=[30.3, 95.0]))
    with pytest.raises(VehicleError, match="lack column"):
        store.write_rs_sites(sites.drop(columns=["name"]))
    assert len(store.read_rs_sites()) == 2  # the refused writes left the registry as it was


def test_demo_rs_obd_seeding_links_the_fleet_and_keeps_truth(tmp_path):
    now = datetime(2026, 12, 1, 4, tzinfo=UTC)
    store = VehicleStore(tmp_path)
    fleet = build_demo_fleet(now=now, n_vehicles=6_000, n_stations=12)
    store.write_batch(vehicles=fleet.vehicles)
    msg = seed_demo_rs_obd(store, now=now, scale="small")
    assert msg is not None and "synthetic" in msg
    assert seed_demo_rs_obd(store, now=now, scale="small") is None  # once only
    sites = store.read_rs_sites()
    assert len(sites) == len(RS_SITES) and sites["synthetic"].all()
    rs = store.read_rs()
    assert 15_000 < len(rs) < 25_000 and rs["synthetic"].all()
    assert rs["at"].max() <= pd.Timestamp(now) and rs["at"].min() >= pd.Timestamp(
        now
    ) - pd.Timedelta(days=366)
    assert set(rs["site_code"]) <= set(sites["site_code"])
    assert set(rs["plate"]) <= set(fleet.vehicles["plate"])  # every plate is a fleet vehicle's
    truth = store.read_table(RS_TRUTH_TABLE)
    assert len(truth) >= 15 and set(truth["kind"]) == {"high_emitter"}
    assert set(truth["unit"]) <= set(rs["plate"])
    obd = store.read_obd()
    heavy = fleet.vehicles.loc[fleet.vehicles["category"] == "heavy_goods", "vin"]
    assert obd["vin"].nunique() == min(60, len(heavy)) and set(obd["vin"]) <= set(heavy)
    otruth = store.read_table(OBD_TRUTH_TABLE)
    assert set(otruth["kind"]) == {"scr_failure", "data_gap"} and set(otruth["unit"]) <= set(
        obd["vin"]
    )
