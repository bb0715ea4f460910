"""Injected faults: every kind is recorded, and each record is visible in the values."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from qingshan.sim import generate as G
from qingshan.sim.blocks import FLAGS
from qingshan.sim.limits import SOURCE_TYPES

KINDS = {
    "exceedance",
    "flat_line",
    "spike",
    "gap",
    "o2_tamper",
    "calibration",
    "limit_hugging",
    "capped",
    "stuck_zero",
    "pm_inversion",
    "range_limit",
}
#: needs a night hour with NO2 ≥ 80 µg/m³: none in the small province's three weeks of May
WINTER_KINDS = {"night_titration"}


def _locate(data, fault):
    """(block, row, time slice) of a fault record."""
    for block in data.blocks:
        rows = np.flatnonzero(block.sidx == fault.sidx)
        if len(rows):
            t0 = block.times.get_indexer([fault.start])[0]
            t1 = t0 + int((fault.end - fault.start) / (block.times[1] - block.times[0]))
            return block, int(rows[0]), slice(t0, t1)
    raise AssertionError(f"series {fault.sidx} not generated")


def test_every_kind_is_injected(streams):
    kinds = Counter(f.kind for d in streams.values() for f in d.faults)
    assert set(kinds) == KINDS
    assert all(f.end > f.start for d in streams.values() for f in d.faults)


def test_no_faults_on_replayed_stations(catalogue, streams):
    replayed = {
        i
        for i, code in catalogue.series["site_code"].items()
        if "replayed_from" in catalogue.sites.set_index("code").loc[code, "attrs"]
    }
    assert not replayed & {f.sidx for f in streams["air"].faults}


@pytest.mark.parametrize("stream", ["air", "water", "gas_outlet", "water_outlet"])
def test_faults_are_visible_in_the_values(catalogue, streams, stream):
    data = streams[stream]
    sites = catalogue.sites.set_index("code")
    for f in data.faults:
        block, r, w = _locate(data, f)
        v = block.value[r, w]
        if f.kind == "gap":
            assert np.isnan(v).all()
        elif f.kind == "flat_line":
            assert np.ptp(v) == 0 and len(v) >= 12
        elif f.kind == "calibration":
            assert (np.array(FLAGS)[block.flag[r, w]] == "C").all()
        elif f.kind == "spike" and block.period == "hour":
            assert v[0] == f.params["value"] > 3 * f.params["value_before"]
        elif f.kind == "spike":  # the hour's minutes average to the spiked hourly value
            assert v.mean() == pytest.approx(f.params["value"], rel=0.02)
        elif f.kind == "exceedance" and stream == "gas_outlet":
            o2 = block.value[r - r % 6 + 3, w]
            converted = v * (21 - f.params["reference_o2"]) / (21 - o2)
            assert (converted > f.params["limit"]).all()
        elif f.kind == "exceedance":
            assert v.mean() > f.params["limit"]
            assert len(v) % 24 == 0 or block.period == "min"
        elif f.kind == "limit_hugging":  # the whole series, converted near the limit
            assert (f.start, f.end) == (
                block.times[0],
                block.times[-1] + (block.times[1] - block.times[0]),
            )
            o2 = block.value[r - r % 6 + 3, w]
            converted = v * (21 - f.params["reference_o2"]) / (21 - o2)
            assert 0.88 <= f.params["share"] <= 0.97
            assert np.nanmedian(converted) > 0.8 * f.params["limit"]
        elif f.kind == "capped" and block.period == "hour":  # held at the cap, every hour
            assert f.params["hours"] == len(v)
            if stream == "gas_outlet":
                o2 = block.value[r - r % 6 + 3, w]
                o2_ok = block.flag[r - r % 6 + 3, w] == 0  # not an O2 calibration hour
                converted = v * (21 - f.params["reference_o2"]) / (21 - o2)
                assert converted[o2_ok] == pytest.approx(0.98 * f.params["limit"], rel=0.01)
            else:
                assert v == pytest.approx(0.97 * f.params["limit"], abs=1e-3)
        elif f.kind in ("stuck_zero", "range_limit", "pm_inversion", "night_titration"):
            _ambient_visible(catalogue, block, r, w, f)
        elif f.kind == "o2_tamper":
            assert v.mean() < f.params["true_o2_mean"]
            site = sites.loc[catalogue.series.loc[f.sidx, "site_code"]]
            limit = SOURCE_TYPES[site["attrs"]["source_type"]].limits[f.params["pollutant"]]
            assert f.params["limit"] == limit


def _ambient_visible(catalogue, block, r, w, f):
    code = catalogue.series.loc[f.sidx, "parameter_code"]
    v = block.value[r, w]
    if f.kind == "stuck_zero":
        assert (
            (v == 0).all()
            and 10 <= len(v) <= 20
            and code in {"a21026", "a21004", "a05024", "a21005"}
        )
    elif f.kind == "range_limit":  # the analyser's range from the generic rule pack
        assert (v == f.params["value"]).all() and 1 <= len(v) <= 3
        assert f.params["value"] == G.analyser_ranges([code])[code]
    elif f.kind == "pm_inversion":  # recorded on PM2.5 (raised) and PM10 (as it was)
        assert len(v) == 1
        if code == "a34004":
            assert v[0] == f.params["value"] >= 1.5 * f.params["pm10"] - 0.5
        else:
            assert code == "a34002" and v[0] == f.params["pm10"]
    else:  # night titration: O3 raised in a night hour (00–05 CST) whose NO2 ≥ 80 µg/m³
        assert block.times[w][0].tz_convert("Asia/Shanghai").hour < 5
        if code == "a05024":
            assert v[0] == f.params["value"] and 180 <= v[0] <= 300
        else:
            assert code == "a21004" and v[0] == f.params["no2"] >= 80


def test_a_year_of_air_has_every_ambient_fault(catalogue, year):
    kinds = Counter(f.kind for f in year["air"].faults)
    assert {"stuck_zero", "pm_inversion", "range_limit", *WINTER_KINDS} <= set(kinds)
    # the two-parameter faults are recorded on both series of the pair
    assert kinds["pm_inversion"] % 2 == 0 and kinds["night_titration"] % 2 == 0
    for f in year["air"].faults:
        if f.kind in ("stuck_zero", "range_limit", "pm_inversion", "night_titration"):
            block, r, w = _locate(year["air"], f)
            _ambient_visible(catalogue, block, r, w, f)


def test_built_in_patterns_are_recorded_without_changing_values(catalogue):
    """Recording limit hugging and the cap draws nothing: the values are those of a build that
    records neither, and no capped hour of a series is left unrecorded."""
    from qingshan.sim import generate as G
    from qingshan.sim.scale import SCALES
    from qingshan.sim.timeline import hour_axis

    from .conftest import NOW, SEED

    times = hour_axis(NOW, SCALES["small"].days)
    with_patterns = G.generate_stream(catalogue, "gas_outlet", times, None, SEED)
    orig = G.record_patterns
    try:
        G.record_patterns = lambda inj: None
        without = G.generate_stream(catalogue, "gas_outlet", times, None, SEED)
    finally:
        G.record_patterns = orig
    np.testing.assert_array_equal(with_patterns.blocks[0].value, without.blocks[0].value)
    extra = with_patterns.faults[len(without.faults) :]
    assert with_patterns.faults[: len(without.faults)] == without.faults
    assert {f.kind for f in extra} == {"limit_hugging", "capped"}
    block = with_patterns.blocks[0]
    capped = block.patterns["capped"]
    recorded = np.zeros_like(capped)
    row_of = {int(s): i for i, s in enumerate(block.sidx)}
    for f in extra:
        if f.kind == "capped":
            t0 = block.times.get_indexer([f.start])[0]
            recorded[row_of[f.sidx], t0 : t0 + f.params["hours"]] = True
    assert recorded.sum() > 0 and not (recorded & ~capped).any()
    # a capped hour is unrecorded only where another fault took it, or its site's O2, over
    busy = np.zeros_like(capped)
    for f in without.faults:
        t0 = block.times.get_indexer([f.start])[0]
        t1 = t0 + int((f.end - f.start) / pd.Timedelta(hours=1))
        busy[row_of[f.sidx], t0:t1] = True
    busy |= busy[block.patterns["o2_row"]]
    assert not (capped & ~recorded & ~busy & np.isfinite(block.value)).any()


def test_outlet_faults_reach_the_minute_data(catalogue, streams):
    minute_series = set(catalogue.series_of("gas_outlet", "min").index)
    recent = [f for f in streams["gas_outlet"].faults if f.sidx in minute_series]
    assert any(f.kind == "exceedance" for f in recent)
    for f in recent:
        block, r, w = _locate(streams["gas_outlet"], f)
        assert block.period == "min"
        if f.kind == "gap":
            assert np.isnan(block.value[r, w]).all()
        if f.kind == "calibration":
            assert (np.array(FLAGS)[block.flag[r, w]] == "C").all()


@pytest.mark.parametrize("stream", ["air", "water", "gas_outlet", "water_outlet"])
def test_some_sites_stopped_reporting_before_now(catalogue, streams, stream):
    """数据时效 has late and missing sites to show: a few gaps run to the block's end, on whole
    sites, never on a replayed national station."""
    data = streams[stream]
    block = data.blocks[0]
    end = block.times[-1] + (block.times[1] - block.times[0])
    outages = [f for f in data.faults if f.params.get("outage")]
    sites = catalogue.series.loc[[f.sidx for f in outages], "site_code"]
    assert 1 <= sites.nunique() <= G.OUTAGES[stream]
    attrs = catalogue.sites.set_index("code")["attrs"]
    assert not any("replayed_from" in attrs[c] for c in sites)
    for f in outages:
        assert f.kind == "gap" and f.end == end and pd.Timedelta(hours=3) <= f.end - f.start
        located, r, w = _locate(data, f)
        assert np.isnan(located.value[r, w]).all()
