"""The section history and the basin overview (qingshan.monitoring.water_history).

Hand-worked figures from GB 3838-2002 Table 1 (class limits, inclusive; DO a lower limit; TP
river 0.02/0.1/0.2/0.3/0.4, lake 0.01/0.025/0.05/0.1/0.2) and 环办〔2011〕22号: 3.3 multiples
(C − S_III)/S_III and main pollutants, 4.1 Table 2 river status.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.errors import NotFound
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.monitoring.water_history import (
    HistoryError,
    basin_overview,
    class_points,
    classify_periods,
    daily_means,
    history_range,
    indicator_limits,
    period_means,
    section_history,
    status_public,
)
from qingshan.timeseries.store import ObservationStore

PROVINCE = Scope("330000", Role.PROVINCE)
HANGZHOU = Scope("330100", Role.CITY)
NINGBO = Scope("330200", Role.CITY)
CODES = {"pH": "w01001", "DO": "w01009", "CODMn": "w01019", "NH3_N": "w21003", "TP": "w21011"}


def _means(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.DatetimeIndex(pd.to_datetime(list(rows), utc=True))
    return frame.assign(complete=True, coverage=1.0)


def test_period_classes_hand_worked_from_table1():
    means = _means({
        # on every class I limit (inclusive): DO 7.5, CODMn 2, NH3-N 0.15, river TP 0.02 → I
        "2026-01-31T16:00Z": {"pH": 7.0, "DO": 7.5, "CODMn": 2.0, "NH3_N": 0.15, "TP": 0.02},
        # CODMn 6.5 (6 < 6.5 ≤ 10), NH3-N 1.2 (1.0 < 1.2 ≤ 1.5), TP 0.25 (0.2 < 0.25 ≤ 0.3): IV
        "2026-02-28T16:00Z": {"pH": 7.0, "DO": 6.0, "CODMn": 6.5, "NH3_N": 1.2, "TP": 0.25},
        # DO 1.5 < 2: worse than V, though everything else is class I
        "2026-03-31T16:00Z": {"pH": 7.0, "DO": 1.5, "CODMn": 1.0, "NH3_N": 0.1, "TP": 0.01},
    })  # fmt: skip
    points = class_points(means, "river", "III", monthly=True)
    assert [p.label for p in points] == ["2026-02", "2026-03", "2026-04"]  # CST months
    assert [p.section_class for p in points] == ["I", "IV", "劣V"]
    assert [p.meets_target for p in points] == [True, False, False]
    feb = points[1]
    # multiples (C − S_III)/S_III: TP (0.25−0.2)/0.2 = 0.25, NH3-N 0.2/1.0 = 0.2, CODMn 0.5/6
    assert feb.indicators["TP"].multiple == pytest.approx(0.25)
    assert feb.indicators["NH3_N"].multiple == pytest.approx(0.2)
    assert feb.indicators["CODMn"].multiple == pytest.approx(0.5 / 6)
    assert feb.indicators["DO"].multiple is None and feb.indicators["DO"].indicator_class == "II"
    # all three class IV: the larger multiple first (3.3)
    assert [p.key for p in feb.main_pollutants] == ["TP", "NH3_N", "CODMn"]
    worse = {k for k, v in feb.indicators.items() if v.worse_than_target}
    assert worse == {"TP", "NH3_N", "CODMn"}
    # DO has no multiple and is the only main pollutant in March
    assert [p.key for p in points[2].main_pollutants] == ["DO"]
    assert points[2].main_pollutants[0].multiple is None


def test_lakes_take_the_lake_tp_row():
    means = _means({"2026-05-31T16:00Z": {"DO": 7.0, "CODMn": 3.0, "NH3_N": 0.4, "TP": 0.04}})
    # TP 0.04: river class II (0.02 < 0.04 ≤ 0.1), lake class III (0.025 < 0.04 ≤ 0.05)
    assert classify_periods(means, "river", "II")["section_class"].tolist() == ["II"]
    lake = classify_periods(means, "lake", "II")
    assert lake["section_class"].tolist() == ["III"]
    assert lake["meets_target"].tolist() == [False]
    limits = {i.key: i for i in indicator_limits("lake")}
    assert limits["TP"].limits == [0.01, 0.025, 0.05, 0.1, 0.2]
    assert limits["DO"].kind == "lower" and limits["DO"].limits == [7.5, 6.0, 5.0, 3.0, 2.0]
    assert limits["pH"].kind == "range" and limits["pH"].limits == [6.0, 9.0]
    assert not limits["TN"].assessed and limits["CODMn"].assessed
    assert {i.key: i for i in indicator_limits("river")}["TP"].limits == [0.02, 0.1, 0.2, 0.3, 0.4]


def _hours(series_id: int, start: str, n: int, value: float, flag: str = "N") -> pd.DataFrame:
    times = pd.date_range(start, periods=n, freq="h", tz="UTC")
    return pd.DataFrame(
        {"series_id": series_id, "time": times, "value": value, "source_flag": flag, "qc_flag": 0}
    )


def test_means_follow_cst_days_and_the_rollup_validity():
    # 2026-02-28 16:00 UTC is 2026-03-01 00:00 CST: the first 8 hours of the UTC day 28 Feb
    # belong to CST 28 Feb, the last 8 to CST 1 March
    rows = pd.concat([
        _hours(1, "2026-02-27T16:00Z", 24, 2.0),  # CST 28 Feb: 24 valid hours of 2.0
        _hours(1, "2026-02-28T16:00Z", 19, 4.0),  # CST 1 Mar: 19 valid hours (< 20: incomplete)
        _hours(1, "2026-03-01T11:00Z", 5, 99.0, flag="D"),  # 故障 (HJ 212 D): not valid
    ])  # fmt: skip
    daily, monthly = period_means(daily_means(rows), {1: "CODMn"})
    assert [t.isoformat() for t in daily.index] == [
        "2026-02-27T16:00:00+00:00", "2026-02-28T16:00:00+00:00",
    ]  # fmt: skip
    assert daily["CODMn"].tolist() == [2.0, 4.0]
    assert daily["complete"].tolist() == [True, False]
    assert daily["coverage"].tolist() == pytest.approx([1.0, 19 / 24])
    # months: Feb holds one valid day of 28 (incomplete), March one day with values
    assert monthly["CODMn"].tolist() == [2.0, 4.0]
    assert monthly["complete"].tolist() == [False, False]


def test_history_range_is_whole_cst_months():
    start, end = history_range(datetime(2026, 12, 6, 15, tzinfo=UTC), 12)  # 23:00 CST
    assert start.isoformat() == "2025-12-31T16:00:00+00:00"  # 2026-01-01 00:00 CST
    assert end.isoformat() == "2026-12-06T16:00:00+00:00"  # 2026-12-07 00:00 CST
    with pytest.raises(HistoryError, match="months must be 1…24, not 25"):
        history_range(None, 25)


def test_river_status_by_table2_and_by_means():
    # 5 sections I, II, III, IV, 劣V: I–III 60 % (< 75 %), 劣V 20 % (20–40 %): 中度污染
    st = status_public(["I", "II", "III", "IV", "劣V"], [], "river")
    assert (st.status, st.method, st.share_good, st.share_worst) == (
        "中度污染",
        "share",
        60.0,
        20.0,
    )
    assert st.status_en == "moderately polluted"
    # 3 sections: the class of the means — CODMn (4+5+12)/3 = 7 (IV) → 轻度污染
    conc = [{"CODMn": 4.0}, {"CODMn": 5.0}, {"CODMn": 12.0}]
    st = status_public(["II", "III", "V"], conc, "river")
    assert (st.status, st.method, st.mean_class) == ("轻度污染", "mean", "IV")
    assert status_public([], [], "river").status is None


# --- with a database and an observation store ----------------------------------------------

#: code, region, basin, water body, target, monthly CODMn [mg/L] for Jan and Feb 2026 (CST)
SECTIONS = [
    ("H-1", "330100", "钱塘江流域", "river", "II", (3.0, 5.0)),  # II, III (fails II)
    ("H-2", "330106", "钱塘江流域", "river", "III", (1.5, 1.5)),  # I, I
    ("H-3", "330100", "钱塘江流域", "lake", "III", (12.0, 12.0)),  # V, V
    ("N-1", "330200", "钱塘江流域", "river", "III", (2.0, 8.0)),  # I, IV
    ("N-2", "330200", "甬江流域", "river", "III", (16.0, 16.0)),  # 劣V
    ("H-4", "330100", "钱塘江流域", "river", "III", (3.5, 3.5)),  # II, II
    ("H-5", "330100", "钱塘江流域", "river", "III", (5.5, 5.5)),  # III, III
]
JAN = datetime(2025, 12, 31, 16, tzinfo=UTC)  # 2026-01-01 00:00 CST
FEB = datetime(2026, 1, 31, 16, tzinfo=UTC)


@pytest.fixture
def water(engine, tmp_path):
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        seed_regions(s)
        rows = []
        for code, region, basin, body, target, codmn in SECTIONS:
            site = Site(code=code, name=f"断面{code}", kind=SiteKind.WATER_SECTION,
                        control_level=ControlLevel.PROVINCIAL, region_code=region,
                        attrs={"water_body": body, "target_class": target, "basin": basin})  # fmt: skip
            s.add(site)
            s.flush()
            for key, pcode in CODES.items():
                series = get_or_create_series(s, site, pcode, Period.HOUR, "mg/L")
                jan, feb = {"pH": (7.0, 7.0), "DO": (8.0, 8.0), "CODMn": codmn,
                            "NH3_N": (0.1, 0.1), "TP": (0.01, 0.01)}[key]  # fmt: skip
                rows.append(_hours(series.id, JAN.isoformat(), 31 * 24, jan))
                rows.append(_hours(series.id, FEB.isoformat(), 28 * 24, feb))
                s.add(LatestValue(series_id=series.id, time=FEB + timedelta(days=28, hours=-1),
                                  value=feb, qc_flag=0))  # fmt: skip
        store.append(pd.concat(rows).assign(period="hour"), "water")
    yield engine, store
    store.close()


def test_section_history_from_the_store(water):
    engine, store = water
    with session_scope(engine) as s:
        h = section_history(s, PROVINCE, store, "H-1", months=2)
    assert h.section.place.city_name == "杭州市" and h.section.target_class == "II"
    assert [(m.label, m.section_class, m.meets_target, m.complete) for m in h.monthly] == [
        ("2026-01", "II", True, True), ("2026-02", "III", False, True),
    ]  # fmt: skip
    feb = h.monthly[1]
    # CODMn 5.0: class III (4 < 5 ≤ 6), worse than the target II; no multiple (not worse than III)
    assert feb.indicators["CODMn"].indicator_class == "III"
    assert feb.indicators["CODMn"].worse_than_target is True
    assert feb.indicators["CODMn"].multiple is None and feb.main_pollutants == []
    assert (h.months_assessed, h.months_meeting_target) == (2, 1)
    assert len(h.daily) == 59 and {d.section_class for d in h.daily[:31]} == {"II"}


def test_a_section_out_of_scope_is_not_found(water):
    engine, store = water
    with session_scope(engine) as s, pytest.raises(NotFound, match="no site 'H-1' in your scope"):
        section_history(s, NINGBO, store, "H-1")


def test_basin_of_the_province_and_of_a_city(water):
    engine, store = water
    with session_scope(engine) as s:
        b = basin_overview(s, PROVINCE, store, "钱塘江", months=2)
        hz = basin_overview(s, HANGZHOU, store, "钱塘江流域", months=2)
        with pytest.raises(NotFound, match="basins: 甬江流域, 钱塘江流域$"):
            basin_overview(s, NINGBO, store, "太湖")
    assert b.basin == "钱塘江流域" and b.basins == ["甬江流域", "钱塘江流域"]
    assert not b.scope_limited
    # newest (February) classes of the 6 sections: III, I, V, IV, II, III → I–III 4/6 = 66.7 %
    # (< 75 %), 劣V 0 %: 轻度污染 (Table 2)
    assert sorted(x.section_class for x in b.sections) == ["I", "II", "III", "III", "IV", "V"]
    assert (b.latest.status, b.latest.share_good, b.latest.n_sections) == ("轻度污染", 66.7, 6)
    # January: II, I, V, I, II, III → 5/6 = 83.3 % I–III: 良好
    assert [(m.label, m.status.status) for m in b.history] == [
        ("2026-01", "良好"), ("2026-02", "轻度污染"),
    ]  # fmt: skip
    assert b.history[0].classes == {"I": 2, "II": 2, "III": 1, "IV": 0, "V": 1, "劣V": 0}
    # 杭州: 5 sections (H-2 in 西湖区 counts in the city), said to be limited to the city
    assert hz.scope_limited and len(hz.sections) == 5
    assert {x.code for x in hz.sections} == {"H-1", "H-2", "H-3", "H-4", "H-5"}
    assert hz.sections[0].place.county_name == "西湖区"  # the class I section first
