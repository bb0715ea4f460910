"""Injected faults: every kind is recorded, and each record is visible in the values."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from qingshan.sim.blocks import FLAGS
from qingshan.sim.limits import SOURCE_TYPES

KINDS = {"exceedance", "flat_line", "spike", "gap", "o2_tamper", "calibration"}


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
        elif f.kind == "o2_tamper":
            assert v.mean() < f.params["true_o2_mean"]
            site = sites.loc[catalogue.series.loc[f.sidx, "site_code"]]
            limit = SOURCE_TYPES[site["attrs"]["source_type"]].limits[f.params["pollutant"]]
            assert f.params["limit"] == limit


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
