"""The public ranking (issue #16) against hand-worked examples: index values and ranks with
their arithmetic, ties, a region lacking valid data, 同比, CWQI, the synthetic previous year."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from qingshan.geo.regions import seed_regions
from qingshan.sim.previous_year import city_factors, derive_previous_year
from qingshan.standards.errors import InsufficientData
from qingshan.targets.ranking import (
    RankPeriod,
    SectionPeriod,
    air_figures,
    air_statistics,
    change_percent,
    competition_rank,
    water_figures,
)
from qingshan.targets.ranking_models import RankingAirDay, RankingWaterMonth
from qingshan.targets.ranking_service import RankingError, get_ranking

APRIL = RankPeriod("month", 2026, 4)
BASE = {"SO2": 6.0, "NO2": 20.0, "PM10": 35.0, "PM2.5": 21.0, "CO": 0.8, "O3_8h": 80.0}


def _days(year: int, month: int, n: int) -> list[date]:
    return [date(year, month, 1) + timedelta(days=i) for i in range(n)]


def _daily(n: int = 30, **over: object) -> dict[str, np.ndarray]:
    out = {k: np.full(n, v) for k, v in BASE.items()}
    for k, v in over.items():
        out[k.replace("PM25", "PM2.5")] = np.asarray(v, dtype=float)
    return out


def test_index_of_constant_month():
    # SO2 6/60 + NO2 20/40 + PM10 35/70 + PM2.5 21/35 + CO 0.8/4 + O3 80/160
    # = 0.1 + 0.5 + 0.5 + 0.6 + 0.2 + 0.5 = 2.4; primary PM2.5 (0.6)
    fig = air_figures(air_statistics(_days(2026, 4, 30), _daily(), APRIL))
    assert fig.index == 2.4
    assert fig.primary == "PM2.5"
    # GB 3095-2026 transitional: PM10 35/60 + PM2.5 21/30 → 0.1+0.5+0.5833+0.7+0.2+0.5 = 2.5833
    assert fig.index_2026 == 2.58


def test_percentiles_hj663():
    # CO: 28 days 0.8 and 2 days 1.6; p95: k = 1 + 29·0.95 = 28.55, X(28) = 0.8, X(29) = 1.6
    # → 0.8 + 0.8·0.55 = 1.24 → 1.2 (GB/T 8170) → 1.2/4 = 0.3
    # O3 MDA8 112 every day → p90 112 → 0.7; total 0.1+0.5+0.5+0.6+0.3+0.7 = 2.7, primary O3
    co = [0.8] * 28 + [1.6] * 2
    stats = air_statistics(_days(2026, 4, 30), _daily(CO=co, O3_8h=[112.0] * 30), APRIL)
    assert stats["CO_p95"] == pytest.approx(1.24)
    fig = air_figures(stats)
    assert fig.index == 2.7
    assert fig.primary == "O3"


def test_too_few_valid_days_is_not_ranked():
    pm = [21.0] * 26 + [np.nan] * 4  # 26 valid days of April, 27 needed (GB 3095-2012 Table 4)
    with pytest.raises(InsufficientData, match=r"PM2\.5: 26 valid days in 2026-04, 27 needed"):
        air_statistics(_days(2026, 4, 30), _daily(PM25=pm), APRIL)
    # February needs 25: 25 valid days of 28 are enough
    feb = RankPeriod("month", 2026, 2)
    pm = [21.0] * 25 + [np.nan] * 3
    assert air_figures(air_statistics(_days(2026, 2, 28), _daily(28, PM25=pm), feb)).index == 2.4


def test_ties_share_a_rank_and_change():
    ranks = competition_rank({"A": 2.4, "B": 2.7, "C": 2.4})
    assert ranks == {"A": 1, "C": 1, "B": 3}
    # (2.4 − 2.6)/2.6 = −7.69 % → −7.7
    assert change_percent(2.4, 2.6) == -7.7
    assert change_percent(2.4, None) is None


def test_water_cwqi_hand_worked():
    # river: CODMn 4/6 + NH3-N 0.5/1 + TP 0.1/0.2 + DO 5/5 + pH (7.5−7)/2
    # = 0.6667 + 0.5 + 0.5 + 1 + 0.25 = 2.9167; one lake point: TP 0.1/0.05 = 2 + DO 5/10 = 0.5
    # → 2.5; city = (2.9167·1 + 2.5·1)/2 = 2.7083; main: TP (2.0 in the lake)
    river = SectionPeriod("R1", "river", {"CODMn": 4, "NH3_N": 0.5, "TP": 0.1, "DO": 5, "pH": 7.5})
    lake = SectionPeriod("L1", "lake", {"TP": 0.1, "DO": 10})
    fig = water_figures([river, lake])
    assert fig.cwqi == 2.7083
    assert fig.main == ["TP"]
    assert (fig.rivers, fig.lakes) == (1, 1)


def _air_rows(code: str, days: list[date], synthetic: bool = False, **over: float) -> list[dict]:
    v = {**BASE, **{k.replace("PM25", "PM2.5"): x for k, x in over.items()}}
    return [
        {"level": "city", "region_code": code, "day": d, "so2": v["SO2"], "no2": v["NO2"],
         "pm10": v["PM10"], "pm25": v["PM2.5"], "co": v["CO"], "o3_8h": v["O3_8h"],
         "sites": 3, "synthetic": synthetic}
        for d in days
    ]  # fmt: skip


def test_service_ranks_three_cities_and_lists_the_fourth(session):
    from sqlalchemy import insert

    seed_regions(session)
    april, last_april = _days(2026, 4, 30), _days(2025, 4, 30)
    rows = (
        _air_rows("330100", april)  # 杭州 2.4
        + _air_rows("330200", april, O3_8h=112.0)  # 宁波 2.4 − 0.5 + 0.7 = 2.6
        + _air_rows("330300", april)  # 温州 2.4 (tie with 杭州)
        + _air_rows("330400", april[:20])  # 嘉兴: 20 valid days, not ranked
        + _air_rows("330100", last_april, synthetic=True, PM25=28.0)  # 2.4 − 0.6 + 0.8 = 2.6
        + _air_rows("330200", last_april, synthetic=True, O3_8h=112.0)  # 2.6
    )
    session.execute(insert(RankingAirDay), rows)
    r = get_ranking(session, "air", "city", "month", "2026-04")
    got = [(x.region_code, x.rank, x.value, x.change) for x in r.rows]
    # (2.4 − 2.6)/2.6 = −7.7 %; 宁波 (2.6 − 2.6)/2.6 = 0; 温州 has no previous year
    assert got == [("330100", 1, 2.4, -7.7), ("330300", 1, 2.4, None), ("330200", 3, 2.6, 0.0)]
    assert r.rows[0].synthetic_previous and r.synthetic_previous
    assert r.rows[0].change_rank == 1 and r.rows[2].change_rank == 2
    lacking = {x.region_code: x.reason for x in r.lacking}
    assert "20 valid days in 2026-04, 27 needed" in lacking["330400"]
    jx = next(x for x in r.lacking if x.region_code == "330400")
    assert (jx.reason_code, jx.statistic, jx.have, jx.need, jx.where) == (
        "too_few_days", "SO2", 20, 27, "2026-04"
    )  # fmt: skip
    assert next(x for x in r.lacking if x.region_code == "330500").reason_code == "no_station"
    assert "330500" in lacking and len(lacking) == 8  # 11 cities − 3 ranked
    # year to date Jan…Apr: January to March have no day → not ranked, never as zero
    ytd = get_ranking(session, "air", "city", "ytd", "2026-04")
    assert ytd.rows == [] and "0 valid days in 2026-01" in ytd.lacking[0].reason


def test_service_water_and_errors(session):
    from sqlalchemy import insert

    seed_regions(session)
    rows = [
        {"section_code": code, "region_code": region, "month": date(2026, 4, 1),
         "water_body": "river", "means": means, "valid_days": days, "synthetic": False}
        for code, region, means, days in (
            ("S1", "330106", {"CODMn": 3.0, "NH3_N": 0.5}, 30),  # 0.5 + 0.5 = 1.0
            ("S2", "330212", {"CODMn": 6.0, "NH3_N": 0.5}, 30),  # 1.0 + 0.5 = 1.5
            ("S3", "330302", {"CODMn": 6.0, "NH3_N": 0.5}, 12),  # 12 valid days: not used
        )
    ]  # fmt: skip
    session.execute(insert(RankingWaterMonth), rows)
    r = get_ranking(session, "water", "county", "month", "2026-04")
    assert [(x.region_code, x.rank, x.value) for x in r.rows] == [
        ("330106", 1, 1.0), ("330212", 2, 1.5)
    ]  # fmt: skip
    lacking = {x.region_code: x.reason for x in r.lacking}
    assert "12 valid days, 27 needed" in lacking["330302"]
    with pytest.raises(RankingError, match="level: 'town' is not one of city, county"):
        get_ranking(session, "water", "town", "month", "2026-04")
    with pytest.raises(RankingError, match=r"month: '2026-4' is not a month as YYYY-MM"):
        get_ranking(session, "air", "city", "month", "2026-4")


def test_synthetic_previous_year_is_seeded_and_scaled():
    air = _air_rows("330100", [date(2026, 4, 2)]) + _air_rows("330106", [date(2026, 4, 2)])
    air[1]["level"] = "county"
    a1, _ = derive_previous_year(air, [], seed=7)
    a2, _ = derive_previous_year(air, [], seed=7)
    a3, _ = derive_previous_year(air, [], seed=8)
    assert a1 == a2 and a1 != a3  # same seed → same values
    f = city_factors(7)["330100"]
    assert 1.0 <= f["pm25"] <= 1.25
    assert a1[0]["day"] == date(2025, 4, 2)
    assert a1[0]["pm25"] == round(21.0 * f["pm25"], 4)
    assert a1[1]["pm25"] == a1[0]["pm25"]  # a county takes its city's factor
