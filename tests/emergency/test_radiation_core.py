"""Radiation core (pure): decay over whole half-lives and a fraction, the class as A/D with its
edges, dose-rate QC flags, the spent-source deadline, fences and excursions. Unconfirmed
figures (half-lives, D-values, bands: all [MC]/[U] in data/nuclides.json) are taken from the
data, never typed in; what is asserted is the rule applied to them."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from qingshan.emergency.radiation.errors import RadiationError, UnknownNuclide
from qingshan.emergency.radiation.gamma import baseline_of, flag_dose_rate, qc_data, rain_window
from qingshan.emergency.radiation.nuclides import (
    activity_decayed,
    activity_on,
    category_of,
    category_thresholds,
    nuclide,
    nuclides,
)
from qingshan.emergency.radiation.register import (
    SourceInput,
    check_source,
    collection_deadline,
    collection_rate,
    is_overdue,
)
from qingshan.emergency.radiation.tracking import AlertKind, Report, fence_of, outside_m, track
from qingshan.qc.flags import Flag

SQUARE = {"type": "Polygon", "coordinates": [[[120.0, 30.0], [120.1, 30.0], [120.1, 30.1],
                                              [120.0, 30.1], [120.0, 30.0]]]}  # fmt: skip
T0 = datetime(2026, 5, 1, tzinfo=UTC)


def test_decay_over_whole_half_lives_and_a_fraction() -> None:
    ir = nuclide("Ir-192")
    a0 = 3.7e12  # 100 Ci, a typical radiography source
    assert activity_decayed(a0, ir.half_life_d, ir.half_life_d) == pytest.approx(a0 / 2, rel=1e-12)
    assert activity_decayed(a0, 3 * ir.half_life_d, ir.half_life_d) == pytest.approx(
        a0 / 8, rel=1e-12
    )
    # half a half-life: 1/√2
    assert activity_decayed(a0, ir.half_life_d / 2, ir.half_life_d) == pytest.approx(
        a0 / math.sqrt(2)
    )
    # by dates: Co-60 after 10 years
    co = nuclide("co60")
    got = activity_on("Co-60", 1e12, date(2016, 1, 1), date(2026, 1, 1))
    assert got == pytest.approx(1e12 * 2 ** (-3653 / co.half_life_d))
    # arrays in, arrays out
    arr = activity_decayed(np.array([1.0, 2.0]), np.array([0.0, ir.half_life_d]), ir.half_life_d)
    assert arr.tolist() == pytest.approx([1.0, 1.0])


def test_nuclide_names_normalised_and_unknown_named() -> None:
    for spelling in ("Co-60", "co60", "CO 60", "60Co", "co_60"):
        assert nuclide(spelling).code == "Co-60"
    with pytest.raises(UnknownNuclide, match=r"unknown nuclide 'Xe-133'; known: Am-241"):
        nuclide("Xe-133")
    # every nuclide the brief names is in the table, with a source and a confidence per figure
    for code in ("Co-60", "Cs-137", "Ir-192", "Se-75", "Am-241", "Sr-90", "Kr-85", "Ni-63",
                 "Ra-226", "Pu-238"):  # fmt: skip
        n = nuclides()[code]
        assert set(n.confidence.values()) <= {"confirmed", "MC", "U"}
        assert all(n.sources.values())


@pytest.mark.parametrize("code", ["Co-60", "Cs-137", "Ir-192", "Se-75", "Am-241"])
def test_category_edges(code: str) -> None:
    th = category_thresholds(code)
    d = nuclide(code).d_bq
    assert (
        th["III"] == d
        and th["I"] == pytest.approx(1000 * d)
        and th["IV"] == pytest.approx(0.01 * d)
    )
    for cls, lower in th.items():  # the edge itself belongs to the higher class ("≥")
        assert category_of(code, lower) == cls
        below = category_of(code, lower * (1 - 1e-9))
        assert below == {"I": "II", "II": "III", "III": "IV", "IV": "V", "V": None}[cls]


def test_class_recomputed_as_the_source_decays() -> None:
    ir = nuclide("Ir-192")
    a0 = 12 * ir.d_bq  # class II when new (A/D = 12)
    assert category_of("Ir-192", a0) == "II"
    # A/D falls below 10 after log2(1.2) half-lives: class III from then
    edge_days = ir.half_life_d * math.log2(1.2)
    ref = date(2026, 1, 1)
    before = ref + timedelta(days=math.floor(edge_days))
    after = ref + timedelta(days=math.ceil(edge_days))
    assert category_of("Ir-192", activity_on("Ir-192", a0, ref, before)) == "II"
    assert category_of("Ir-192", activity_on("Ir-192", a0, ref, after)) == "III"


def test_source_input_refused_naming_the_field() -> None:
    ok = SourceInput("S1", "ir192", 1e12, date(2026, 1, 1), "330106")
    assert check_source(ok, today=date(2026, 6, 1)).nuclide == "Ir-192"
    cases = [
        (dict(reference_date=None), "reference_date: an activity needs the date"),
        (dict(reference_date=date(2026, 7, 1)), "reference_date: 2026-07-01 is after today"),
        (dict(nuclide="Zz-9"), "nuclide: unknown nuclide 'Zz-9'"),
        (dict(a0_bq=-1.0), "a0_bq: activity must be a positive number"),
        (dict(a0_bq=float("nan")), "a0_bq"),
        (dict(status="lost"), "status: unknown status 'lost'"),
        (dict(region_code="3301"), "region_code: must be 6 digits"),
        (dict(status="disused"), "disused_on: a disused source needs"),
        (dict(lon=120.0), "lon/lat: give both"),
    ]
    for change, message in cases:
        with pytest.raises(RadiationError, match=message):
            check_source(SourceInput(**{**ok.__dict__, **change}), today=date(2026, 6, 1))


def test_spent_deadline_three_months_and_rate() -> None:
    months = qc_data()["spent"]["months"]
    assert months == 3
    assert collection_deadline(date(2026, 1, 15)) == date(2026, 4, 15)
    assert collection_deadline(date(2025, 11, 30)) == date(2026, 2, 28)  # clamped to month end
    assert not is_overdue(date(2026, 1, 15), None, date(2026, 4, 15))
    assert is_overdue(date(2026, 1, 15), None, date(2026, 4, 16))
    assert not is_overdue(date(2026, 1, 15), date(2026, 5, 1), date(2026, 6, 1))
    assert collection_rate(14, 15) == 93.3 and collection_rate(0, 0) is None


def test_dose_rate_flags() -> None:
    cfg = qc_data()
    lo, hi = cfg["plausible"]["min"], cfg["plausible"]["max"]
    v = np.array([80.0, np.nan, lo - 0.1, hi + 0.1, -5.0, 150.0, 150.0])
    rain = np.array([0, 0, 0, 0, 0, 0, 1], dtype=bool)
    f = flag_dose_rate(v, baseline_level=120.0, rain=rain)
    assert [Flag(x) for x in f.flag] == [Flag.PASS, Flag.MISSING, Flag.SUSPECT, Flag.SUSPECT,
                                         Flag.FAIL, Flag.SUSPECT, Flag.PASS]  # fmt: skip
    assert f.rain.tolist() == [False] * 6 + [True]  # raised in the rain: flagged rain
    assert f.above_baseline.tolist() == [False, False, False, True, False, True, True]


def test_baseline_and_rain_window() -> None:
    rng = np.random.default_rng(7)
    v = rng.normal(80.0, 5.0, 24 * 365)
    b = baseline_of(v)
    assert b.n == len(v)
    assert b.level == pytest.approx(b.mean + qc_data()["baseline"]["k_sigma"] * b.sd)
    assert baseline_of(v[:10]).level is None  # too few values
    after = qc_data()["rain"]["hours_after"]
    r = np.zeros(10)
    r[2] = 1.5
    w = rain_window(r)
    assert w.tolist() == [False, False] + [True] * (1 + after) + [False] * (7 - after)


def test_fence_and_excursions() -> None:
    fence = fence_of(SQUARE)
    assert outside_m(fence, 120.05, 30.05) == 0.0
    d = outside_m(fence, 120.11, 30.05)  # 0.01° east at 30.05° N ≈ 963 m
    assert d == pytest.approx(0.01 * 111_320 * math.cos(math.radians(30.05)), rel=1e-6)
    with pytest.raises(RadiationError, match="fence: must be a Polygon"):
        fence_of({"type": "Point", "coordinates": [120, 30]})
    with pytest.raises(RadiationError, match="fence: a mobile source needs"):
        fence_of(None)
    reps = [Report(i, T0 + timedelta(minutes=5 * i), lon, 30.05, dose) for i, (lon, dose) in
            enumerate([(120.05, 1.0), (120.12, 1.0), (120.13, 2.0), (120.05, 90.0), (120.05, 1.0)])]  # fmt: skip
    out = {e.kind: e for e in track(reps, fence, {}, dose_alarm=25.0)}
    fe = out[AlertKind.FENCE]
    assert (fe.started_at, fe.last_at, fe.ended_at, fe.reports) == (
        reps[1].time,
        reps[2].time,
        reps[3].time,
        2,
    )
    assert fe.distance_m == pytest.approx(outside_m(fence, 120.13, 30.05))
    de = out[AlertKind.DOSE]
    assert (de.started_at, de.ended_at, de.max_dose_usv_h) == (reps[3].time, reps[4].time, 90.0)
    # an excursion going on continues from the stored one, never a second one
    first = track(reps[:2], fence, {})
    assert len(first) == 1 and first[0].ended_at is None
    more = track(reps[2:3], fence, {AlertKind.FENCE: first[0]})
    assert len(more) == 1 and more[0].started_at == reps[1].time and more[0].reports == 2
