"""HJ 633-2012 / HJ 633-2026 AQI: every breakpoint, special rules, rounding traps, editions."""

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qingshan.standards.aqi import LEVELS, aqi, aqi_arrays, aqi_frame, edition_for, iaqi
from qingshan.standards.aqi_tables import BREAKPOINTS, IAQI_POINTS, INDICATORS
from qingshan.standards.errors import (
    EditionNotDetermined,
    InvalidValue,
    UnknownEdition,
    UnknownIndicator,
    UnknownKeyError,
)

E12, E26 = "HJ 633-2012", "HJ 633-2026"
TABLE_CASES = [(ed, key) for ed in (E12, E26) for key in BREAKPOINTS[ed]]


def exact_iaqi(bps, c: Fraction) -> int:
    """Reference: HJ 633 formula (1) in exact rational arithmetic, then ceiling."""
    bps = [Fraction(b) for b in bps]
    for i in range(len(bps) - 1):
        if bps[i] <= c <= bps[i + 1]:
            lo, hi, ilo, ihi = bps[i], bps[i + 1], IAQI_POINTS[i], IAQI_POINTS[i + 1]
            return math.ceil((ihi - ilo) / (hi - lo) * (c - lo) + ilo)
    raise AssertionError(c)


@pytest.mark.parametrize("edition, table", TABLE_CASES)
def test_every_breakpoint(edition, table):
    for i, bp in enumerate(BREAKPOINTS[edition][table]):
        assert iaqi(table, float(bp), edition=edition) == IAQI_POINTS[i], (table, bp)


@pytest.mark.parametrize("edition, table", TABLE_CASES)
def test_both_sides_of_every_breakpoint(edition, table):
    step = Fraction(1, 10) if table.startswith("CO") else Fraction(1)
    bps = BREAKPOINTS[edition][table]
    for bp in map(Fraction, bps):
        for c in (bp - step, bp + step):
            if 0 <= c <= Fraction(bps[-1]):
                assert iaqi(table, float(c), edition=edition) == exact_iaqi(bps, c), (table, c)


def test_2026_changed_only_pm_100_breakpoints():
    for key in BREAKPOINTS[E12]:
        same = BREAKPOINTS[E12][key] == BREAKPOINTS[E26][key]
        assert same == (key not in ("PM10_24h", "PM2.5_24h"))
    assert BREAKPOINTS[E26]["PM10_24h"][2] == "120" and BREAKPOINTS[E26]["PM2.5_24h"][2] == "60"
    assert BREAKPOINTS[E26]["PM2.5_24h"][1] == "35"  # IAQI 50 stays at 35
    assert iaqi("PM2.5_24h", 75, edition=E12) == 100
    assert iaqi("PM2.5_24h", 60, edition=E26) == 100


def test_pm25_75_under_2026_exact():
    # 2026: segment 60–115 ↔ 100–150: 100 + 50 × 15/55 = 113.63… → 114
    assert iaqi("PM2.5_24h", 75, edition=E26) == 114
    assert exact_iaqi(BREAKPOINTS[E26]["PM2.5_24h"], Fraction(75)) == 114


@pytest.mark.parametrize(
    "indicator, conc, expected",
    [
        ("CO_24h", 2.2, 55),  # float gives 55.000000000000007 → 56
        ("CO_1h", 65.4, 218),  # float gives 218.00000000000003 → 219
        ("SO2_24h", 523, 158),  # 157.38 → 158 (aqi-hub gives 108 with its wrong table)
        ("PM2.5_24h", 76, 102),  # continuous segments: not EPA-style 101
        ("O3_1h", 264, 132),  # CNEMC 1223A 2019-05-23 14:00, published 132
        ("PM2.5_1h", 52, 72),  # realtime: 71.25 → 72 (CNEMC 1001A, 2022)
        ("PM2.5_1h", 56, 77),  # 76.25 → 77
        ("CO_24h", Decimal("2.2"), 55),
        ("CO_24h", "2.2", 55),
    ],
)
def test_rounding_traps(indicator, conc, expected):
    assert iaqi(indicator, conc, edition=E12) == expected


def test_rounding_traps_vectorised():
    got = iaqi("CO_24h", np.array([2.2, 2.2, 0.1 + 0.2]), edition=E12)
    assert got.tolist() == [55.0, 55.0, 8.0]  # 0.30000000000000004 reads as 0.3 → 7.5 → 8


def test_2026_rounds_concentrations_gbt8170():
    # HJ 633-2026 4.2.2: half-even to integers (µg/m³), CO to 0.1 mg/m³
    assert iaqi("PM2.5_24h", 35.5, edition=E26) == iaqi("PM2.5_24h", 36, edition=E26)
    assert iaqi("PM2.5_24h", 36.5, edition=E26) == iaqi("PM2.5_24h", 36, edition=E26)
    assert iaqi("PM2.5_24h", 36.51, edition=E26) == iaqi("PM2.5_24h", 37, edition=E26)
    assert iaqi("CO_24h", 2.25, edition=E26) == 55  # 2.25 → 2.2 → 55
    assert iaqi("CO_24h", 2.35, edition=E26) == 60  # 2.35 → 2.4 → 60
    assert iaqi("CO_24h", 2.25, edition=E12) == 57  # no rounding: 56.25 → 57
    assert iaqi("PM2.5_24h", 0.4, edition=E26) == 0 and iaqi("PM2.5_24h", 0.4, edition=E12) == 1


class TestSpecialRules:
    def test_so2_1h_at_and_above_800(self):
        assert iaqi("SO2_1h", 800, edition=E12) == 200
        assert iaqi("SO2_1h", 800, edition=E26) == 200
        assert iaqi("SO2_1h", 801, edition=E12) is None  # 2012 note (2): no 1-h IAQI
        assert iaqi("SO2_1h", 801, edition=E26) == 200  # 2026: IAQI 200
        assert iaqi("SO2_1h", 5000, edition=E26) == 200

    @pytest.mark.parametrize("report", ["hourly", "realtime"])
    def test_so2_2012_falls_back_to_24h_under_its_own_key(self, report):
        """HJ 633-2012 Table 1 note (2): SO2 1 h > 800 has no 1-h IAQI; the SO2 24-h IAQI is
        used, and named SO2_24h. 523 µg/m³ on the 24-h segment 475–800 (IAQI 150–200):
        150 + (523 − 475)/(800 − 475) × 50 = 157.38 → 158."""
        r = aqi({"SO2_1h": 900, "SO2_24h": 523}, report=report, edition=E12)
        assert r.iaqi["SO2_24h"] == 158 and r.iaqi["SO2_1h"] is None and r.aqi == 158
        assert r.primary_pollutants == ("SO2",) and r.primary_indicators == ("SO2_24h",)
        assert "SO2_24h" not in r.missing and "SO2_1h" not in r.missing
        r = aqi({"SO2_1h": 799, "SO2_24h": 523}, report=report, edition=E12)
        # below the threshold the 1-h table decides, and the 24-h value is not used
        assert r.iaqi["SO2_1h"] == 200 and r.iaqi["SO2_24h"] is None
        assert r.primary_indicators == ("SO2_1h",)
        r = aqi({"SO2_1h": 800, "SO2_24h": 523}, report=report, edition=E12)
        assert r.iaqi["SO2_1h"] == 200 and r.iaqi["SO2_24h"] is None  # 800 is on the table
        r = aqi({"SO2_1h": 900}, report=report, edition=E12)
        assert r.iaqi["SO2_1h"] is None and "SO2_24h" not in r.iaqi and r.aqi is None
        assert "SO2_24h" in r.missing  # the 24-h value the note needs
        r = aqi({"SO2_1h": 900, "SO2_24h": 523}, report=report, edition=E26)
        assert r.iaqi["SO2_1h"] == 200 and "SO2_24h" not in r.iaqi  # 2026: IAQI 200
        assert r.primary_indicators == ("SO2_1h",)

    def test_so2_fallback_loses_to_a_higher_pollutant(self):
        r = aqi({"SO2_1h": 900, "SO2_24h": 523, "PM2.5_1h": 300}, report="realtime", edition=E12)
        assert r.iaqi["SO2_24h"] == 158 and r.aqi == 350
        assert r.primary_pollutants == ("PM2.5",) and r.primary_indicators == ("PM2.5_1h",)
        assert r.exceeding_pollutants == ("SO2", "PM2.5")

    def test_so2_fallback_in_frames(self):
        frame = pd.DataFrame({"SO2_1h": [900.0, 100.0, 900.0], "SO2_24h": [523.0, 40.0, np.nan]})
        out = aqi_frame(frame, report="hourly", edition=E12)
        assert out["iaqi_SO2_24h"].tolist()[0] == 158 and out["iaqi_SO2_1h"].isna()[[0, 2]].all()
        assert out["iaqi_SO2_1h"].tolist()[1] == 34 and out["iaqi_SO2_24h"].isna()[[1, 2]].all()
        assert out["primary_indicators"].tolist() == ["SO2_24h", "", ""]
        assert out["aqi"].tolist()[:2] == [158, 34] and out["aqi"].isna()[2]
        arrays = aqi_arrays(frame.to_dict("series"), report="realtime", edition=E12)
        assert arrays["iaqi"]["SO2_24h"][0] == 158 and np.isnan(arrays["iaqi"]["SO2_1h"][0])

    def test_o3_8h_at_and_above_800(self):
        assert iaqi("O3_8h", 800, edition=E12) == 300
        assert iaqi("O3_8h", 801, edition=E12) is None
        assert iaqi("O3_8h", 801, edition=E26) == 300
        # 2012 daily: O3 8 h above 800 → the O3 1-h IAQI decides
        r = aqi({"O3_8h": 850, "O3_1h": 900}, report="daily", edition=E12)
        assert r.iaqi["O3_8h"] is None and r.aqi == iaqi("O3_1h", 900, edition=E12) == 350
        r = aqi({"O3_8h": 850, "O3_1h": 900}, report="daily", edition=E26)
        assert r.aqi == 300 and "O3_1h" not in r.iaqi  # 2026 daily drops O3 1 h

    def test_above_top_breakpoint_is_500(self):
        assert iaqi("PM2.5_24h", 500, edition=E12) == 500
        assert iaqi("PM2.5_24h", 501, edition=E12) == 500
        assert iaqi("O3_1h", 1300, edition=E12) == 500
        assert iaqi("CO_1h", 150.1, edition=E12) == 500


class TestReports:
    def test_2012_daily_uses_o3_1h(self):
        r = aqi({"O3_1h": 300, "O3_8h": 100}, report="daily", edition=E12)
        assert r.aqi == 150 and r.primary_pollutants == ("O3",)
        r = aqi({"O3_1h": 300, "O3_8h": 100}, report="daily", edition=E26)
        assert r.aqi is None and r.aqi_computed == 50  # missing data, AQI ≤ 100: "NA"

    def test_2012_hourly_standard_reading(self):
        conc = {"PM2.5_1h": 200, "PM2.5_24h": 80, "O3_1h": 100, "O3_8h": 180}
        r = aqi(conc, report="hourly", edition=E12)
        assert r.iaqi["PM2.5_24h"] == 107 and "PM2.5_1h" not in r.iaqi
        assert r.iaqi["O3_8h"] == 119 and r.aqi == 119

    def test_realtime_cnemc(self):
        conc = {"PM2.5_1h": 200, "PM2.5_24h": 80, "O3_1h": 100, "O3_8h": 180}
        r = aqi(conc, report="realtime", edition=E12)
        assert r.iaqi["PM2.5_1h"] == 250 and "O3_8h" not in r.iaqi and r.aqi == 250

    def test_2026_hourly_pm_on_daily_table(self):
        r = aqi({"PM10_1h": 120, "PM2.5_1h": 60}, report="hourly", edition=E26)
        assert r.iaqi == {"SO2_1h": None, "NO2_1h": None, "PM10_1h": 100, "PM2.5_1h": 100,
                          "CO_1h": None, "O3_1h": None}  # fmt: skip

    def test_unknown_report(self):
        with pytest.raises(UnknownKeyError, match=r"unknown report 'weekly'.*valid: daily"):
            aqi({"SO2_24h": 1}, report="weekly", edition=E12)


class TestPollutants:
    def test_primary_only_above_50(self):
        r = aqi({"PM2.5_24h": 35, "PM10_24h": 50}, edition=E12)
        assert r.aqi == 50 and r.primary_pollutants == ()
        r = aqi({"PM2.5_24h": 36, "PM10_24h": 10}, edition=E12)
        assert r.aqi == 52 and r.primary_pollutants == ("PM2.5",)

    def test_ties_all_listed_in_order(self):
        r = aqi({"PM2.5_24h": 75, "PM10_24h": 150, "NO2_24h": 80, "CO_24h": 4, "O3_8h": 1},
                edition=E12)  # fmt: skip
        assert r.aqi == 100 and r.primary_pollutants == ("NO2", "PM10", "PM2.5", "CO")

    def test_o3_tie_counts_once(self):
        r = aqi({"O3_1h": 200, "O3_8h": 160}, edition=E12)
        assert r.aqi == 100 and r.primary_pollutants == ("O3",)
        assert r.primary_indicators == ("O3_1h", "O3_8h")  # both indicators decided

    def test_primary_indicators_name_the_table(self):
        r = aqi({"O3_8h": 850, "O3_1h": 900}, report="daily", edition=E12)
        assert r.primary_indicators == ("O3_1h",)  # note (3): the 1-h IAQI decides
        r = aqi({"PM2.5_1h": 52}, report="realtime", edition=E12)
        assert r.primary_indicators == ("PM2.5_1h",) and r.aqi == 72
        assert aqi({"PM2.5_24h": 35}, edition=E12).primary_indicators == ()  # AQI ≤ 50

    def test_exceeding_2012_only(self):
        conc = {"PM2.5_24h": 80, "PM10_24h": 151, "NO2_24h": 80, "SO2_24h": 1, "CO_24h": 1,
                "O3_8h": 1, "O3_1h": 1}  # fmt: skip
        assert aqi(conc, edition=E12).exceeding_pollutants == ("PM10", "PM2.5")
        assert aqi(conc, edition=E26).exceeding_pollutants == ()


class TestMissing:
    def test_2012_aqi_from_the_rest(self):
        r = aqi({"PM2.5_24h": 20, "SO2_24h": None}, edition=E12)
        assert r.aqi == 29 and "SO2_24h" in r.missing

    def test_2026_published_only_above_100(self):
        r = aqi({"PM2.5_24h": 60}, edition=E26)
        assert r.aqi is None and r.level is None and r.primary_pollutants == ()
        assert r.aqi_computed == 100 and r.iaqi["PM2.5_24h"] == 100
        r = aqi({"PM2.5_24h": 61}, edition=E26)
        assert r.aqi == 101 and r.level == 3 and r.primary_pollutants == ("PM2.5",)

    def test_2026_complete_record_published(self):
        full = {"SO2_24h": 5, "NO2_24h": 20, "PM10_24h": 30, "PM2.5_24h": 20, "CO_24h": 0.5,
                "O3_8h": 80}  # fmt: skip
        assert aqi(full, edition=E26).aqi == 40

    def test_nothing_measured(self):
        r = aqi({}, edition=E12)
        assert r.aqi is None and r.category is None


@pytest.mark.parametrize(
    "value, level, name",
    [(0, 1, "优"), (50, 1, "优"), (51, 2, "良"), (100, 2, "良"), (101, 3, "轻度污染"),
     (150, 3, "轻度污染"), (151, 4, "中度污染"), (200, 4, "中度污染"), (201, 5, "重度污染"),
     (300, 5, "重度污染"), (301, 6, "严重污染"), (500, 6, "严重污染")],
)  # fmt: skip
def test_levels(value, level, name):
    # a PM2.5 daily concentration giving exactly this AQI on the 2012 table
    bps, pts = BREAKPOINTS[E12]["NO2_1h"], IAQI_POINTS
    seg = max(i for i in range(len(pts) - 1) if pts[i] <= value) if value < 500 else 6
    c = Fraction(bps[seg]) + (Fraction(value) - pts[seg]) * (
        Fraction(bps[seg + 1]) - Fraction(bps[seg])) / (pts[seg + 1] - pts[seg])  # fmt: skip
    r = aqi({"NO2_1h": str(float(c))}, report="hourly", edition=E12)
    assert (r.aqi, r.level, r.category, r.color) == (value, level, name, LEVELS[level].color)


def test_level_colours():
    assert [LEVELS[i].color for i in range(1, 7)] == [
        "#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"]  # fmt: skip
    assert [LEVELS[i].grade for i in range(1, 7)] == [
        "一级",
        "二级",
        "三级",
        "四级",
        "五级",
        "六级",
    ]
    assert LEVELS[5].rgb == (153, 0, 76) and LEVELS[6].name_en == "Severely polluted"


class TestEdition:
    @pytest.mark.parametrize(
        "date, edition",
        [(dt.date(2026, 2, 28), E12), (dt.date(2026, 3, 1), E26), ("2026-02-28 23:00", E12),
         ("2026-03-01 00:00", E26), (dt.datetime(2026, 2, 28, 16, tzinfo=dt.UTC), E26),
         (dt.datetime(2026, 2, 28, 15, 59, tzinfo=dt.UTC), E12), (dt.date(2019, 1, 1), E12)],
    )  # fmt: skip
    def test_by_date(self, date, edition):
        assert edition_for(date) == edition
        assert aqi({"PM2.5_24h": 75}, date=date).edition == edition

    def test_override(self):
        assert aqi({"PM2.5_24h": 75}, edition=E12, date="2027-01-01").aqi == 100

    def test_mixed_dates_vectorised(self):
        dates = pd.Series(pd.to_datetime(["2026-02-28", "2026-03-01"]))
        got = iaqi("PM2.5_24h", np.array([75.0, 75.0]), date=dates)
        assert got.tolist() == [100.0, 114.0]
        frame = pd.DataFrame({"PM2.5_24h": [75.0, 75.0], "day": dates})
        out = aqi_frame(frame, date="day")
        assert out["edition"].tolist() == [E12, E26]
        assert out["iaqi_PM2.5_24h"].tolist() == [100, 114]

    def test_errors(self):
        with pytest.raises(EditionNotDetermined, match=r"HJ 633: give edition= .*or date="):
            aqi({"PM2.5_24h": 75})
        with pytest.raises(UnknownEdition, match=r"unknown edition 'HJ 633-2013'; did you mean"):
            iaqi("PM2.5_24h", 75, edition="HJ 633-2013")


def test_unknown_indicator_and_negative():
    with pytest.raises(
        UnknownIndicator, match=r"unknown indicator 'PM25_24h'; did you mean PM2.5_24h"
    ):
        aqi({"PM25_24h": 75}, edition=E12)
    with pytest.raises(UnknownIndicator, match=r"unknown indicator 'SO2'"):
        iaqi("SO2", 75, edition=E12)
    with pytest.raises(InvalidValue, match=r"negative concentration -3 for SO2_24h at position 1"):
        iaqi("SO2_24h", [1, -3], edition=E12)
    with pytest.raises(UnknownIndicator, match=r"unknown indicator 'station'"):
        aqi_frame(pd.DataFrame({"station": ["a"]}), edition=E12)


def test_kinds_returned():
    assert iaqi("PM10_24h", 50, edition=E12) == 50
    assert iaqi("PM10_24h", None, edition=E12) is None
    s = iaqi("PM10_24h", pd.Series([50.0, np.nan], index=["a", "b"]), edition=E12)
    assert str(s.dtype) == "Int64" and s["a"] == 50 and s.isna()["b"]
    assert isinstance(iaqi("PM10_24h", np.array([50.0]), edition=E12), np.ndarray)


# ------------------------------- property tests ---------------------------------------
conc = st.decimals(min_value=0, max_value=4000, places=1, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(INDICATORS), a=conc, b=conc, ed=st.sampled_from([E12, E26]))
def test_iaqi_monotone(key, a, b, ed):
    lo, hi = sorted((a, b))
    ia, ib = iaqi(key, lo, edition=ed), iaqi(key, hi, edition=ed)
    if ia is not None and ib is not None:
        assert ia <= ib


@settings(max_examples=200, deadline=None)
@given(
    key=st.sampled_from(INDICATORS),
    c=st.fractions(min_value=0, max_value=600, max_denominator=1000),
    ed=st.sampled_from([E12, E26]),
)
def test_iaqi_equals_exact_rational(key, c, ed):
    table = key.replace("_1h", "_24h") if key.startswith("PM") else key
    bps = BREAKPOINTS[ed][table]
    c = Fraction(round(c * 1000), 1000)
    if ed == E26:
        c = Fraction(round(c * 10), 10) if key.startswith("CO") else Fraction(round(c))
    if c > Fraction(bps[-1]):
        return
    assert iaqi(key, Decimal(c.numerator) / Decimal(c.denominator), edition=ed) == exact_iaqi(
        bps, c
    )


record = st.fixed_dictionaries(
    {
        k: st.one_of(st.none(), st.integers(0, 1300))
        for k in ("SO2_1h", "SO2_24h", "NO2_24h", "PM2.5_24h", "O3_8h", "O3_1h")
    }
    | {k: st.one_of(st.none(), st.decimals(0, 160, places=1)) for k in ("CO_1h", "CO_24h")}
)


@settings(max_examples=100, deadline=None)
@given(recs=st.lists(record, min_size=1, max_size=8), ed=st.sampled_from([E12, E26]),
       report=st.sampled_from(["daily", "hourly", "realtime"]))  # fmt: skip
def test_frame_equals_scalar(recs, ed, report):
    frame = pd.DataFrame(
        [{k: (np.nan if v is None else float(v)) for k, v in r.items()} for r in recs]
    )
    out = aqi_frame(frame, report=report, edition=ed)
    for i, rec in enumerate(recs):
        one = aqi(rec, report=report, edition=ed)
        got = out.iloc[i]
        assert (None if pd.isna(got["aqi"]) else int(got["aqi"])) == one.aqi
        assert got["primary_pollutants"] == ",".join(one.primary_pollutants)
        assert got["primary_indicators"] == ",".join(one.primary_indicators)
        assert got["exceeding_pollutants"] == ",".join(one.exceeding_pollutants)
        assert (None if pd.isna(got["level"]) else int(got["level"])) == one.level
        for k, v in one.iaqi.items():
            assert (None if pd.isna(got[f"iaqi_{k}"]) else int(got[f"iaqi_{k}"])) == v


def test_arrays_kernel_shapes():
    r = aqi_arrays({"PM2.5_1h": np.array([10.0, np.nan])}, report="realtime", edition=E12)
    assert r["aqi"][0] == 15 and np.isnan(r["aqi"][1]) and r["level"].tolist() == [1, 0]


def test_chunked_kernel_equals_unchunked_and_reports_global_position():
    from qingshan.standards import _aqi_kernel

    rng = np.random.default_rng(7)
    n = _aqi_kernel.CHUNK * 2 + 17
    cols = {"PM2.5_1h": rng.integers(0, 600, n).astype(float), "CO_1h": rng.integers(0, 2000, n) / 10,
            "SO2_1h": rng.integers(0, 900, n).astype(float)}  # fmt: skip
    cols["PM2.5_1h"][::13] = np.nan
    cols["CO_1h"][5::7] += 0.0005  # off the lookup grid: formula path
    whole = aqi_arrays(cols, report="realtime", edition=E26)
    for s in (slice(0, 1000), slice(n - 1000, n)):
        part = aqi_arrays({k: v[s] for k, v in cols.items()}, report="realtime", edition=E26)
        np.testing.assert_array_equal(whole["aqi_computed"][s], part["aqi_computed"])
        np.testing.assert_array_equal(whole["primary_mask"][s], part["primary_mask"])
    bad = cols["SO2_1h"].copy()
    bad[n - 3] = -1
    with pytest.raises(
        InvalidValue, match=rf"negative concentration -1 for SO2_1h at position {n - 3}"
    ):
        aqi_arrays({"SO2_1h": bad}, report="realtime", edition=E12)
