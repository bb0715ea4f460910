"""The real data shipped with the package: stations, sections and the 2019 replay file."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qingshan.sim.cities import CITIES, city_by_name
from qingshan.sim.reference import (
    REPLAY_HOURS,
    REPLAY_TYPES,
    read_national_air_stations,
    read_national_water_sections,
    read_replay_cube,
)

SHARED = Path("/work/shared/data/cnemc")
DATA = Path(__file__).parents[2] / "qingshan" / "sim" / "data"


def test_53_national_air_stations_with_codes_and_cities():
    st = read_national_air_stations()
    assert len(st) == 53
    assert st["code"].is_unique
    assert {"1223A", "1269A", "2994A"} <= set(st["code"])
    assert {city_by_name(c).code for c in st["city"]} == set(CITIES)
    row = st.set_index("code").loc["1223A"]
    assert (row["name"], row["city"], row["longitude"], row["latitude"]) == (
        "滨江",
        "杭州",
        120.211,
        30.21,
    )


@pytest.mark.skipif(not SHARED.exists(), reason="the shared CNEMC mirror is not here")
def test_stations_equal_the_cnemc_station_list():
    src = pd.read_csv(SHARED / "StationList-2020.01.01.csv")
    src.columns = ["code", "name", "city", "longitude", "latitude"]
    ours = read_national_air_stations()
    merged = ours.merge(src, on="code", suffixes=("", "_src"))
    assert len(merged) == 53
    assert (merged["name"] == merged["name_src"]).all()
    for col in ("longitude", "latitude"):
        src_values = pd.to_numeric(merged[f"{col}_src"], errors="coerce")
        assert np.allclose(merged[col], src_values, equal_nan=True)


def test_47_national_water_sections():
    w = read_national_water_sections()
    assert len(w) == 47
    assert w["name"].is_unique
    assert set(w["basin"]) == {"太湖流域", "浙闽片河流"}
    assert set(w["water_body"]) == {"river", "lake"}
    assert w["observed_class"].between(1, 6).all()
    assert {city_by_name(c).code for c in w["city"]} <= set(CITIES)


def test_replay_cube_equals_the_shipped_file():
    codes, cube = read_replay_cube()
    assert cube.shape == (6, 53, REPLAY_HOURS)
    with gzip.open(DATA / "cnemc_zhejiang_2019_hourly.csv.gz", "rt", encoding="utf-8") as fh:
        raw = pd.read_csv(fh, dtype={"date": str})
    row = raw[(raw["date"] == "20190715") & (raw["hour"] == 14) & (raw["type"] == "O3")].iloc[0]
    k = (pd.Timestamp("2019-07-15") - pd.Timestamp("2019-01-01")).days * 24 + 14
    for j, code in enumerate(codes):
        expected = row[code]
        got = cube[REPLAY_TYPES.index("O3"), j, k]
        assert (np.isnan(got) and pd.isna(expected)) or got == float(expected)
    assert not cube.flags.writeable


@pytest.mark.skipif(not SHARED.exists(), reason="the shared CNEMC mirror is not here")
def test_shipped_replay_file_is_the_cnemc_file_restricted():
    full = pd.read_csv(SHARED / "zhejiang_sites_2019-01_to_09.csv.gz", dtype={"date": str})
    full = full[full["type"].isin(REPLAY_TYPES)].reset_index(drop=True)
    with gzip.open(DATA / "cnemc_zhejiang_2019_hourly.csv.gz", "rt", encoding="utf-8") as fh:
        ours = pd.read_csv(fh, dtype={"date": str})
    pd.testing.assert_frame_equal(ours, full)
