"""数据时效: sites and loggers made late at known times (qingshan.monitoring.freshness).

The thresholds are the defaults of :class:`Thresholds` (settings, not figures of a standard):
air late after 2 h, missing after 24 h; water every 4 h, late after 2 periods (8 h), missing
after 48 h; loggers late after 3 intervals, missing after 24 h.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.freshness import (
    LoggerState,
    Thresholds,
    freshness_report,
    logger_interval_hours,
    report_csv,
    state_of,
    thresholds_for,
)
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # 20:00 CST
T = Thresholds()


def test_states_at_the_thresholds():
    assert state_of(2.0, 2.0, 24.0) == "ok"  # exactly at the threshold: not yet late
    assert state_of(2.01, 2.0, 24.0) == "late"
    assert state_of(24.0, 2.0, 24.0) == "late"
    assert state_of(24.01, 2.0, 24.0) == "missing"
    assert state_of(None, 2.0, 24.0) == "missing"  # never reported
    assert thresholds_for("air_station", T) == (2.0, 24.0)
    assert thresholds_for("water_section", T, period_hours=4.0) == (8.0, 48.0)
    assert thresholds_for("water_section", T, period_hours=30.0) == (60.0, 60.0)
    assert thresholds_for("logger", T, period_hours=1 / 6) == pytest.approx((0.5, 24.0))
    assert thresholds_for("logger", T, period_hours=24.0) == (72.0, 72.0)


def test_logger_interval_from_its_finest_upload():
    # HJ 212-2017 CN 2051 minute data (10 min), 2061 hourly, 2031 daily
    assert logger_interval_hours({"2051": 1440, "2061": 24, "2031": 1}) == pytest.approx(1 / 6)
    assert logger_interval_hours({"2061": 24, "2051": 0}) == 1.0
    assert logger_interval_hours({"2031": 3}) == 24.0
    assert logger_interval_hours({}) == 1.0


#: code, kind, region, hours since the start of its newest hour (None: never), attrs
SITES = [
    ("A-OK", SiteKind.AIR_STATION, "330106", 1.5, {}),  # ends 0.5 h ago: ok
    ("A-LATE", SiteKind.AIR_STATION, "330106", 4.0, {}),  # ends 3 h ago: late (> 2 h)
    ("A-MISS", SiteKind.AIR_STATION, "330102", 26.0, {}),  # ends 25 h ago: missing (> 24 h)
    ("A-NEVER", SiteKind.AIR_STATION, "330200", None, {}),  # never: missing
    ("W-OK", SiteKind.WATER_SECTION, "330100", 8.0, {}),  # ends 7 h ago: ok (≤ 2 × 4 h)
    ("W-LATE", SiteKind.WATER_SECTION, "330100", 10.0, {}),  # 9 h: late
    ("W-HOURLY", SiteKind.WATER_SECTION, "330200", 4.0, {"report_hours": 1}),  # 3 h > 2 × 1 h
    ("W-MISS", SiteKind.WATER_SECTION, "330200", 50.0, {}),  # 49 h: missing (> 48 h)
]


def _loggers(session, scope):
    """The loggers as the HJ 212 intake would give them (within scope: 330100's only)."""
    loggers = [
        LoggerState("MN-MIN", "分钟数采仪", "A-OK", "A-OK", "330106", NOW - timedelta(minutes=40),
                    {"2051": 100, "2061": 10}),  # 40 min > 3 × 10 min: late
        LoggerState("MN-HOUR", "小时数采仪", None, None, "330106", NOW - timedelta(hours=2),
                    {"2061": 10}),  # 2 h ≤ 3 h: ok
        LoggerState("MN-NEVER", None, None, None, "330200", None, {}),
    ]  # fmt: skip
    return [lg for lg in loggers if scope.prefix == "33" or lg.region_code.startswith(scope.prefix)]


@pytest.fixture
def sites(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        for code, kind, region, ago, attrs in SITES:
            site = Site(code=code, name=f"站{code}", kind=kind, region_code=region,
                        control_level=ControlLevel.NATIONAL, attrs=attrs)  # fmt: skip
            s.add(site)
            s.flush()
            if ago is None:
                continue
            newest = NOW - timedelta(hours=ago)
            for i, pcode in enumerate(("w01001", "w01009")):
                series = get_or_create_series(s, site, pcode, Period.HOUR, "mg/L")
                # one parameter two hours behind: the site's newest hour counts
                s.add(LatestValue(series_id=series.id, time=newest - timedelta(hours=2 * i),
                                  value=7.0, qc_flag=0))  # fmt: skip
    return engine


def test_report_of_the_province(sites):
    with session_scope(sites) as s:
        r = freshness_report(s, Scope("330000", Role.PROVINCE), NOW, T, _loggers)
    states = {i.code: i.state for i in r.items}
    assert states == {
        "A-OK": "ok", "A-LATE": "late", "A-MISS": "missing", "A-NEVER": "missing",
        "W-OK": "ok", "W-LATE": "late", "W-HOURLY": "late", "W-MISS": "missing",
        "MN-MIN": "late", "MN-HOUR": "ok", "MN-NEVER": "missing",
    }  # fmt: skip
    by = {i.code: i for i in r.items}
    assert by["A-LATE"].last_time == NOW - timedelta(hours=3)  # end of the newest hour
    assert by["A-LATE"].age_hours == 3.0 and by["W-MISS"].age_hours == 49.0
    assert by["A-NEVER"].last_time is None and by["A-NEVER"].age_hours is None
    assert by["W-HOURLY"].late_after_hours == 2.0
    assert by["A-OK"].url == "/air/stations/A-OK" and by["W-OK"].url == "/water/sections/W-OK"
    assert by["MN-MIN"].url == "/devices?q=MN-MIN"
    assert by["A-OK"].place.county_name == "西湖区" and by["A-OK"].place.city_name == "杭州市"
    # missing first (never before all, then the oldest; ties by kind), then late, then ok
    assert [i.code for i in r.items][:4] == ["A-NEVER", "MN-NEVER", "W-MISS", "A-MISS"]
    assert [i.state for i in r.items] == sorted((i.state for i in r.items),
                                                key=["missing", "late", "ok"].index)  # fmt: skip
    summary = {c.name: (c.total, c.late, c.missing) for c in r.summary}
    assert summary == {"杭州市": (7, 3, 1), "宁波市": (4, 1, 3)}
    assert (r.totals["logger"].total, r.totals["logger"].late) == (3, 1)


def test_report_of_a_city_by_county_and_filters(sites):
    with session_scope(sites) as s:
        r = freshness_report(s, Scope("330100", Role.CITY), NOW, T, _loggers,
                             kinds=["air_station"], states=["late", "missing"])  # fmt: skip
    assert [i.code for i in r.items] == ["A-MISS", "A-LATE"]
    rows = {c.name: (c.total, c.late, c.missing, c.city_level) for c in r.summary}
    # 330100 itself: the two sections placed in the city only, said to be city level
    assert rows == {
        "杭州市": (2, 1, 0, True), "上城区": (1, 0, 1, False), "西湖区": (4, 2, 0, False),
    }  # fmt: skip
    text = report_csv(r)
    lines = text.splitlines()
    assert lines[0].startswith("state,kind,code,name,city,county,last_time_cst,age_hours")
    # 25 h before 20:00 CST: the newest data ended at 19:00 CST the day before
    assert lines[1].startswith(
        "missing,air_station,A-MISS,站A-MISS,杭州市,上城区,2026-12-05 19:00,25.0"
    )
