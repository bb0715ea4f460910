import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qingshan.standards.air_assessment import (
    GB3095_LIMITS,
    compliance_rate,
    comprehensive_index,
    daily_mean,
    exceedance_days,
    limit_edition_for,
    o3_8h_moving,
    o3_mda8,
    percentile,
    period_mean,
    period_statistics,
)
from qingshan.standards.errors import (
    EditionNotDetermined,
    InsufficientData,
    InvalidValue,
    UnknownEdition,
    UnknownKeyError,
)


class TestPercentile:
    def test_worked_example(self):
        assert percentile([3, 4, 8, 2, 5, 4], 90) == 6.5  # HJ 663 App. A example

    def test_integer_k(self):
        assert percentile([1, 2, 3, 4, 5], 50) == 3 and percentile([1, 2, 3, 4, 5], 100) == 5
        assert percentile([7], 95) == 7 and percentile([1, 2], 0) == 1

    def test_nan_dropped_and_errors(self):
        assert percentile([1, np.nan, 3], 50) == 2
        with pytest.raises(InsufficientData, match=r"percentile of no valid values"):
            percentile([np.nan], 50)
        with pytest.raises(InvalidValue, match=r"percentile p must be in 0–100, got 101"):
            percentile([1], 101)

    @settings(max_examples=100, deadline=None)
    @given(st.lists(st.integers(0, 1000), min_size=1, max_size=60), st.integers(0, 100))
    def test_equals_numpy_linear(self, xs, p):
        assert percentile(xs, p) == pytest.approx(np.percentile(xs, p, method="linear"), abs=1e-9)


class TestValidity:
    def test_daily_mean_needs_20_hours(self):
        day = np.arange(24, dtype=float)
        day19 = day.copy()
        day19[:5] = np.nan
        day20 = day.copy()
        day20[:4] = np.nan
        got = daily_mean([day, day19, day20])
        assert got[0] == 11.5 and np.isnan(got[1]) and got[2] == pytest.approx(np.mean(day[4:]))

    def test_o3_8h_needs_6_of_8(self):
        h = np.full(10, 100.0)
        h[2:4] = np.nan  # window 0–7 has 6 valid
        got = o3_8h_moving(h)
        assert np.isnan(got[:7]).all() and got[7] == 100
        h[4] = np.nan  # now 5 valid in 0–7
        assert np.isnan(o3_8h_moving(h)[7])

    def test_mda8_windows(self):
        day = np.full(24, 50.0)
        day[10:18] = 150.0
        mda8, valid = o3_mda8([day])
        assert mda8[0] == 150 and valid[0]
        sparse = np.full(24, np.nan)
        sparse[:10] = 100.0  # only windows ending 08:00…10:00 valid (< 14)
        mda8, valid = o3_mda8([sparse])
        assert not valid[0] and np.isnan(mda8[0])
        sparse[:10] = 170.0  # fewer windows but above the limit: valid
        assert o3_mda8([sparse])[0][0] == 170

    def test_period_minimums(self):
        assert period_mean(np.ones(324), "year") == 1
        with pytest.raises(InsufficientData, match=r"year mean needs ≥ 324 valid days, got 323"):
            period_mean(np.ones(323), "year")
        assert period_mean(np.ones(25), "month", month=2) == 1
        with pytest.raises(InsufficientData, match=r"month mean needs ≥ 27 valid days, got 26"):
            period_mean(np.ones(26), "month", month=3)
        with pytest.raises(UnknownKeyError, match=r"unknown period 'week'"):
            period_mean(np.ones(30), "week")


class TestCompositeIndex:
    WUYUAN = {"SO2_mean": 11, "NO2_mean": 16, "PM10_mean": 40, "PM2.5_mean": 16, "CO_p95": 0.6,
              "O3_8h_p90": 139}  # fmt: skip

    def test_published_wuyuan_2023_09(self):
        r = comprehensive_index(self.WUYUAN)
        assert r.total_rounded == 2.63 and r.primary == "O3_8h_p90"
        assert r.single_indices["CO_p95"] == pytest.approx(0.15)

    def test_heyuan_rounded_vs_unrounded(self):
        stats = {"SO2_mean": 3, "NO2_mean": 13, "PM10_mean": 16, "PM2.5_mean": 13, "CO_p95": 0.9,
                 "O3_8h_p90": 87}  # fmt: skip
        assert comprehensive_index(stats).total_rounded == 1.74  # published 1.73 (unrounded inputs)

    def test_rounding_inputs_gbt8170(self):
        s = dict(self.WUYUAN, **{"PM2.5_mean": 16.5})
        assert comprehensive_index(s).single_indices["PM2.5_mean"] == pytest.approx(16 / 35)
        assert comprehensive_index(s, round_inputs=False).single_indices[
            "PM2.5_mean"
        ] == pytest.approx(16.5 / 35)

    def test_2026_limit_sets(self):
        t = comprehensive_index(self.WUYUAN, edition="GB 3095-2026 transitional")
        f = comprehensive_index(self.WUYUAN, edition=None, date=dt.date(2031, 1, 1))
        assert t.single_indices["PM2.5_mean"] == pytest.approx(16 / 30)
        assert f.edition == "GB 3095-2026 final" and f.single_indices["SO2_mean"] == pytest.approx(
            11 / 20
        )

    def test_errors(self):
        with pytest.raises(InsufficientData, match=r"needs all six statistics; missing CO_p95"):
            comprehensive_index({k: v for k, v in self.WUYUAN.items() if k != "CO_p95"})
        with pytest.raises(UnknownKeyError, match=r"unknown statistic 'SO2_p98'"):
            comprehensive_index({**self.WUYUAN, "SO2_p98": 1})
        with pytest.raises(UnknownEdition, match=r"unknown edition 'GB 3095-2018'"):
            comprehensive_index(self.WUYUAN, edition="GB 3095-2018")
        with pytest.raises(EditionNotDetermined, match=r"GB 3095: give edition="):
            comprehensive_index(self.WUYUAN, edition=None)


def test_limits_and_editions():
    assert GB3095_LIMITS["GB 3095-2012"][("PM2.5", "24h")] == (35, 75)
    assert GB3095_LIMITS["GB 3095-2026 transitional"][("PM2.5", "24h")] == (35, 60)
    assert GB3095_LIMITS["GB 3095-2026 final"][("PM2.5", "annual")] == (10, 25)
    assert GB3095_LIMITS["GB 3095-2026 final"][("NO2", "annual")] == (30, 30)
    assert limit_edition_for(dt.date(2026, 2, 28)) == "GB 3095-2012"
    assert limit_edition_for(dt.date(2026, 3, 1)) == "GB 3095-2026 transitional"
    assert limit_edition_for(dt.date(2030, 12, 31)) == "GB 3095-2026 transitional"


def test_exceedance_and_compliance():
    assert exceedance_days([75, 76, np.nan, 100], "PM2.5") == 2
    assert exceedance_days([75, 76], "PM2.5", edition="GB 3095-2026 transitional") == 2
    assert exceedance_days([160, 161], "O3") == 1
    assert compliance_rate([50, 100, 101, np.nan]) == pytest.approx(200 / 3)
    with pytest.raises(UnknownKeyError, match=r"unknown pollutant 'TSP'"):
        exceedance_days([1], "TSP")
    with pytest.raises(InsufficientData, match=r"compliance rate of no valid days"):
        compliance_rate([np.nan])


def test_period_statistics():
    days = np.arange(1, 366, dtype=float)
    s = period_statistics({"SO2": days, "PM2.5": days, "CO": days / 100, "O3_8h": days})
    assert s["SO2_mean"] == 183 and s["SO2_p98"] == percentile(days, 98)
    assert s["PM2.5_p95"] == percentile(days, 95) and s["O3_8h_p90"] == percentile(days, 90)
