"""The air history's kernels with hand-worked values (HJ 633-2012 Table 1, HJ 633-2026 Table 3,
GB 3095-2012 Table 4, HJ 663-2013 Appendix A, 环办监测〔2018〕19号)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from qingshan.monitoring.air_history import (
    POLLUTANTS,
    AirHistoryRangeError,
    DayRange,
    city_mean,
    daily_aqi,
    daily_statistics,
    month_windows,
    parse_range,
    period_summary,
)

P = {p: i for i, p in enumerate(POLLUTANTS)}


def _hours(days: list[dict[str, float]], missing: dict[tuple[int, str], int] | None = None):
    """(pollutant, 24·n) hour values, constant per day; ``missing[(day, pollutant)]`` hours
    of that day set to NaN."""
    out = np.full((len(POLLUTANTS), 24 * len(days)), np.nan)
    for d, values in enumerate(days):
        for p, v in values.items():
            out[P[p], d * 24 : (d + 1) * 24] = v
    for (d, p), n in (missing or {}).items():
        out[P[p], d * 24 : d * 24 + n] = np.nan
    return out


BASE = {"PM10": 50.0, "SO2": 10.0, "NO2": 40.0, "CO": 1.0, "O3": 100.0}


def test_daily_aqi_by_hand_2012():
    # day 1: PM2.5 100 → (150−100)/(115−75)·(100−75)+100 = 131.25 → 132 (ceiling), 轻度污染;
    # PM10 50 → 50, NO2 40 → 50, SO2 10 → 10, CO 1.0 → 25, O3 1-h 100 → 31.25 → 32, MDA8 100 → 50
    # day 2: PM2.5 30 → 42.86 → 43; AQI 50 (PM10, NO2, O3 8-h): 优, no primary pollutant (AQI ≤ 50)
    # day 3: 10 valid hours (14:00–23:00) of every pollutant: no 24-h mean (< 20 hours, GB 3095-2012
    # Table 4), no MDA8 (5 of 17 windows with ≥ 6 hours, < 14; HJ 663-2013 6.1.2): no AQI
    hours = _hours(
        [{**BASE, "PM2.5": 100.0}, {**BASE, "PM2.5": 30.0}, {**BASE, "PM2.5": 30.0}],
        {(2, p): 14 for p in POLLUTANTS},
    )
    stats = daily_statistics(hours)
    assert stats["PM2.5"][:2].tolist() == [100.0, 30.0] and np.isnan(stats["PM2.5"][2])
    assert stats["O3_8h"][:2].tolist() == [100.0, 100.0] and stats["O3_1h"][0] == 100.0
    days = [date(2026, 1, 10), date(2026, 1, 11), date(2026, 1, 12)]
    report = daily_aqi(stats, days)
    assert report["aqi"].tolist()[:2] == [132, 50] and report["aqi"].isna().tolist()[2]
    assert report["level"].tolist()[:2] == [3, 1]
    assert report["primary_pollutants"].astype(str).tolist()[:2] == ["PM2.5", ""]
    assert set(report["edition"].astype(str)) == {"HJ 633-2012"}

    s = period_summary(stats, report, 3)
    assert (s.days, s.valid_days, s.good_days, s.compliance_rate) == (3, 2, 1, 50.0)
    assert s.level_days["3"] == 1 and s.level_days["1"] == 1
    assert s.primary_days == {"PM2.5": 1} and s.primary_shares == {"PM2.5": 50.0}
    assert s.pm25_mean == 65.0
    # index: 10/60 + 40/40 + 50/70 + 65/35 + 1.0/4 + 100/160 = 4.613… → 4.61, PM2.5 the largest
    assert s.index is not None
    assert s.index.total == 4.61 and s.index.primary == "PM2.5_mean"
    assert s.index.single["PM2.5_mean"] == pytest.approx(65 / 35, abs=1e-3)
    assert s.index.statistics["CO_p95"] == 1.0 and s.index.statistics["O3_8h_p90"] == 100.0


def test_the_edition_in_force_decides_the_daily_aqi():
    # PM2.5 70: HJ 633-2012 (75 at IAQI 100) → 50/40·35+50 = 93.75 → 94;
    # HJ 633-2026 (60 at IAQI 100, from 2026-03-01) → 50/55·10+100 = 109.09 → 110
    hours = _hours([{**BASE, "PM2.5": 70.0}, {**BASE, "PM2.5": 70.0}])
    report = daily_aqi(daily_statistics(hours), [date(2026, 2, 28), date(2026, 3, 1)])
    assert report["aqi"].tolist() == [94, 110]
    assert report["edition"].astype(str).tolist() == ["HJ 633-2012", "HJ 633-2026"]


def test_a_city_is_the_mean_of_its_stations_valid_days():
    # stations at PM2.5 40 and 80 → city 60: HJ 633-2012 25/40·50+50 = 81.25 → 82;
    # on day 2 the second station has 19 hours (invalid): the city is the first station's 40
    a = daily_statistics(_hours([{**BASE, "PM2.5": 40.0}] * 2))
    b = daily_statistics(_hours([{**BASE, "PM2.5": 80.0}] * 2, {(1, "PM2.5"): 5}))
    city = city_mean([a, b])
    assert city["PM2.5"].tolist() == [60.0, 40.0]
    report = daily_aqi(city, [date(2026, 1, 5), date(2026, 1, 6)])
    assert report["aqi"].tolist() == [82, 57]  # 40: 50/40·5+50 = 56.25 → 57


def test_ranges():
    end = date(2026, 12, 6)
    assert parse_range(None, None, end) == DayRange(date(2026, 11, 30), end)
    assert parse_range(date(2025, 12, 6), None, end).days == 366
    with pytest.raises(
        AirHistoryRangeError, match="^to: the range 2025-12-05…2026-12-06 has 367 days"
    ):
        parse_range(date(2025, 12, 5), end, end)
    with pytest.raises(AirHistoryRangeError, match="^from: 2026-12-07 is after to 2026-12-06"):
        parse_range(date(2026, 12, 7), end, end)


def test_month_windows_take_the_same_days():
    cur, prev, last = month_windows(date(2026, 3, 31))
    assert (cur.start, cur.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (prev.start, prev.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert (last.start, last.end) == (date(2025, 3, 1), date(2025, 3, 31))
    cur, prev, last = month_windows(date(2026, 1, 6))
    assert prev == DayRange(date(2025, 12, 1), date(2025, 12, 6))
    assert last == DayRange(date(2025, 1, 1), date(2025, 1, 6))
