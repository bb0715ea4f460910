"""The demo's river network (qingshan.sim.rivers): order, travel times, and downstream series
that follow the upstream ones at the planted travel time."""

from __future__ import annotations

import numpy as np
import pytest

from qingshan.sim.rivers import (
    TRAVEL_HOURS,
    couple_downstream,
    distance_km,
    link_rivers,
    reaches,
    travel_hours,
)


def _site(code, river, lon, lat=30.0, kind="water_section", body="river"):
    return dict(
        code=code,
        kind=kind,
        longitude=lon,
        latitude=lat,
        attrs={"river": river, "water_body": body},
    )


def test_sections_are_ordered_west_to_east_with_travel_times():
    rows = [
        _site("C", "甬江", 121.5),
        _site("A", "甬江", 121.1),
        _site("B", "甬江", 121.3),
        _site("L", "甬江", 121.2, body="lake"),
        _site("X", "姚江", 121.0),
    ]
    out = {r["code"]: r["attrs"] for r in link_rivers(rows)}
    assert [out[c]["river_order"] for c in "ABC"] == [0, 1, 2]
    assert (
        "upstream" not in out["A"] and out["B"]["upstream"] == "A" and out["C"]["upstream"] == "B"
    )
    # 0.2° of longitude at 30° N: 19.26 km × 1.3 / 1.5 km/h = 16.7 h → 17 h
    assert distance_km(121.1, 30.0, 121.3, 30.0) == pytest.approx(19.26, abs=0.01)
    assert out["B"]["travel_hours"] == 17
    assert "river_order" not in out["L"] and "upstream" not in out["X"]
    assert rows[0]["attrs"] == {"river": "甬江", "water_body": "river"}  # not changed
    assert travel_hours(0.1) == TRAVEL_HOURS[0] and travel_hours(1000) == TRAVEL_HOURS[1]


def test_reaches_run_from_the_head_of_the_river():
    rows = link_rivers([_site("C", "r", 121.5), _site("A", "r", 121.1), _site("B", "r", 121.3)])
    codes = [r["code"] for r in rows]
    assert reaches(codes, [r["attrs"] for r in rows]) == [(2, 1, 17), (0, 2, 17)]


def test_downstream_correlates_best_with_upstream_at_the_travel_time():
    rng = np.random.default_rng(7)
    n_t, lag = 3000, 23
    noise = rng.standard_normal((2, n_t))
    out = couple_downstream(noise, [(1, 0, lag)], weight=0.8)
    assert np.array_equal(out[0], noise[0])
    assert out[1].std() == pytest.approx(1.0, abs=0.05)  # variance kept: levels, classes kept
    cc = [np.corrcoef(out[1, k:], out[0, : n_t - k])[0, 1] for k in range(60)]
    assert int(np.argmax(cc)) == lag and cc[lag] == pytest.approx(0.8, abs=0.05)


def test_the_simulated_demo_river_lags_by_its_travel_time(catalogue, year):
    """In the small demo province, the hourly CODMn changes of a downstream section correlate
    best with its upstream section's changes at the planted travel time."""
    water = catalogue.sites[
        catalogue.sites["kind"].isin(["water_section", "drinking_water_source"])
    ]
    links = reaches(water["code"].tolist(), water["attrs"].tolist())
    assert links, "the small province has at least one linked reach"
    values = year["water"].blocks[0].value.reshape(len(water), 6, -1)
    for down, up, lag in links:
        x, y = np.diff(np.log(values[down, 2])), np.diff(np.log(values[up, 2]))
        ok = np.isfinite(x) & np.isfinite(y)
        cc = []
        for k in range(lag + 48):
            a, b = x[k:], y[: len(y) - k]
            m = np.isfinite(a) & np.isfinite(b)
            cc.append(np.corrcoef(a[m], b[m])[0, 1])
        assert ok.mean() > 0.9
        assert int(np.argmax(cc)) == lag
        assert cc[lag] > 0.3
