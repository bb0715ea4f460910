"""Generated values: determinism, the replay, plausible levels, diurnal and seasonal shape."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.sim.blocks import FLAGS
from qingshan.sim.generate import generate_stream
from qingshan.sim.params import STREAM_PARAMETERS
from qingshan.sim.scale import SCALES
from qingshan.sim.timeline import hour_axis, local_hour, minute_axis
from qingshan.timeutil import CST

from .conftest import NOW, SEED

DATA = Path(__file__).parents[2] / "qingshan" / "sim" / "data"


def _site_param(stream, block, cat):
    """(n_sites, n_params, n_t) view of a block plus its site codes."""
    n_p = len(STREAM_PARAMETERS[stream])
    codes = cat.series.loc[block.sidx[::n_p], "site_code"].tolist()
    return block.value.reshape(len(codes), n_p, -1), codes


def test_same_seed_same_values(catalogue, streams):
    sc = SCALES["small"]
    times = hour_axis(NOW, sc.days)
    minutes = minute_axis(NOW, sc.minute_days, sc.minute_interval)
    for stream, data in streams.items():
        again = generate_stream(catalogue, stream, times, minutes, SEED)
        for a, b in zip(data.blocks, again.blocks, strict=True):
            np.testing.assert_array_equal(a.value, b.value)
            np.testing.assert_array_equal(a.flag, b.flag)
        assert again.faults == data.faults
    other = generate_stream(catalogue, "gas_outlet", times, minutes, SEED + 1)
    assert not np.array_equal(
        other.blocks[0].value, streams["gas_outlet"].blocks[0].value, equal_nan=True
    )


def test_replayed_values_equal_the_real_file(catalogue, streams):
    block = streams["air"].blocks[0]
    values, codes = _site_param("air", block, catalogue)
    with gzip.open(DATA / "cnemc_zhejiang_2019_hourly.csv.gz", "rt", encoding="utf-8") as fh:
        raw = pd.read_csv(fh, dtype={"date": str})
    raw = raw.set_index(["date", "hour", "type"])
    local = block.times.tz_convert(CST)
    i = codes.index("1229A")
    checked = 0
    for t in range(0, len(local), 37):
        key = (f"2019{local[t].month:02d}{local[t].day:02d}", local[t].hour)
        for p, name in enumerate(["PM2.5", "PM10", "SO2", "NO2", "CO", "O3"]):
            expected = raw.loc[(*key, name), "1229A"]
            if pd.isna(expected):
                assert np.isnan(values[i, p, t])
            else:
                assert values[i, p, t] == float(expected)
                checked += 1
    assert checked > 50
    assert set(block.source[::6][[codes.index(c) for c in ("1223A", "1229A")]]) == {
        "sim:replay:cnemc-2019"
    }


def test_air_levels_are_plausible(catalogue, year):
    v, _ = _site_param("air", year["air"].blocks[0], catalogue)
    means = np.nanmean(v, axis=(0, 2))
    pm25, pm10, so2, no2, co, o3 = means
    assert 20 < pm25 < 50 and pm25 < pm10 < 90
    assert 2 < so2 < 20 and 15 < no2 < 50 and 0.4 < co < 1.2 and 40 < o3 < 90
    assert np.nanmin(v) >= 0
    assert (v[:, 1] >= v[:, 0] * 0.8)[np.isfinite(v[:, 1] + v[:, 0])].mean() > 0.95


def test_air_seasons_and_diurnal_cycle(catalogue, year):
    block = year["air"].blocks[0]
    v, _ = _site_param("air", block, catalogue)
    month = block.times.tz_convert(CST).month
    hour = local_hour(block.times)
    winter, summer = np.isin(month, [12, 1, 2]), np.isin(month, [6, 7, 8])
    pm25, o3 = v[:, 0], v[:, 5]
    assert np.nanmean(pm25[:, winter]) > 1.5 * np.nanmean(pm25[:, summer])
    afternoon, night = (hour >= 13) & (hour <= 16), (hour >= 2) & (hour <= 5)
    assert np.nanmean(o3[:, summer & afternoon]) > np.nanmean(o3[:, winter & afternoon])
    assert np.nanmean(o3[:, afternoon]) > 1.5 * np.nanmean(o3[:, night])
    no2 = v[:, 3]
    assert np.nanmean(no2[:, (hour >= 19) & (hour <= 22)]) > np.nanmean(no2[:, afternoon])


def test_water_levels_seasons_and_classes(catalogue, year):
    block = year["water"].blocks[0]
    v, codes = _site_param("water", block, catalogue)
    ph, do, codmn, nh3n, tp, temp = (v[:, k] for k in range(6))
    assert np.nanmin(ph) >= 6.0 and np.nanmax(ph) <= 9.5
    assert 0 < np.nanmin(do) and np.nanmax(do) < 18
    month = block.times.tz_convert(CST).month
    winter, summer = np.isin(month, [12, 1, 2]), np.isin(month, [7, 8])
    assert np.nanmean(temp[:, summer]) > np.nanmean(temp[:, winter]) + 12
    assert np.nanmean(do[:, winter]) > np.nanmean(do[:, summer])
    assert np.nanmean(nh3n[:, winter]) > np.nanmean(nh3n[:, summer])
    # CODMn class (GB 3838-2002 Table 1) of the annual median vs the target: most meet it,
    # some fail
    sites = catalogue.sites.set_index("code").loc[codes]
    target = sites["attrs"].map(lambda a: a["target_class"]).to_numpy()
    cls = np.searchsorted([2.0, 4.0, 6.0, 10.0, 15.0], np.nanmedian(codmn, axis=1)) + 1
    meets = cls <= target
    assert 0.6 < meets.mean() < 1.0


def test_outlet_levels(catalogue, streams):
    gas, _ = _site_param("gas_outlet", streams["gas_outlet"].blocks[0], catalogue)
    o2, flow, temp = gas[:, 3], gas[:, 4], gas[:, 5]
    assert np.nanmin(o2) > 1.0 and np.nanmax(o2) < 21
    assert np.nanmin(flow) > 0 and np.nanmin(temp) > 30
    assert np.nanmin(gas[:, :3]) >= 0
    water, _ = _site_param("water_outlet", streams["water_outlet"].blocks[0], catalogue)
    assert np.nanmin(water[:, 3]) > 5.5 and np.nanmax(water[:, 3]) < 9.5  # pH
    assert np.nanmin(water[:, 2]) > 0  # flow


def test_flags_are_hj212_and_mostly_normal(streams):
    for data in streams.values():
        for block in data.blocks:
            present = np.isfinite(block.value)
            flags = np.array(FLAGS)[block.flag[present]]
            assert set(flags) <= {"N", "C"}
            assert (flags == "N").mean() > 0.9


def test_minute_data_average_to_the_hour(streams):
    for stream in ("gas_outlet", "water_outlet"):
        hourly, minute = streams[stream].blocks
        assert minute.period == "min" and len(minute.times) == 144
        col = hourly.times.get_indexer(minute.times.floor("h"))
        m = minute.value.reshape(minute.value.shape[0], -1, 6)
        h = hourly.value[:, col[::6]]
        ok = np.isfinite(h)
        np.testing.assert_allclose(m.mean(axis=2)[ok], h[ok], rtol=0.02, atol=0.02)
