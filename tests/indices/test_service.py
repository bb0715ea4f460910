"""The indices stored as derived series, on a real database and store with real published rows:
杭州's January 2019 hours imported as the platform imports CNEMC files (the rows the demo's air
stations replay), and the 2026-02-04 national surface-water snapshot with its official classes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.geo.regions import CITY_CODES, REGIONS, seed_regions
from qingshan.indices.errors import BadRange, UnknownSite
from qingshan.indices.jobs import run_indices
from qingshan.indices.service import (
    AQI,
    AQI_PRIMARY,
    CWQI,
    WATER_CLASS,
    compute_indices,
    indices_for_partition,
)
from qingshan.ingest.cnemc_import import import_file
from qingshan.jobs.job import JobContext
from qingshan.monitoring.models import ControlLevel, Period, Series, Site, SiteKind
from qingshan.monitoring.registry import ensure_series
from qingshan.standards.water_quality import parse_class
from qingshan.targets.ranking import SectionPeriod, water_figures
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

DATA = Path(__file__).parents[1] / "data"
AIR = DATA / "cnemc_hangzhou_2019-01.csv.gz"
WATER = DATA / "cnemc_surface_water_realtime_20260204.csv"
CATALOG = Path(__file__).parents[2] / "qingshan" / "sim" / "data" / "water_sections_national.csv"
KEYS = {"w01001": "pH", "w01009": "DO", "w01019": "CODMn", "w21003": "NH3_N", "w21011": "TP"}
STATIONS = ["1223A", "1228A"]  # 1228A: 18 valid hours on 2019-01-31 → no daily AQI that day
START = datetime(2019, 1, 29, 16, tzinfo=UTC)  # 2019-01-30 00:00 CST
END = datetime(2019, 1, 31, 16, tzinfo=UTC)  # 2019-02-01 00:00 CST


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    df = pd.read_csv(AIR, dtype={"date": str})
    t = pd.to_datetime(df["date"], format="%Y%m%d") + pd.to_timedelta(df["hour"], unit="h")
    df = df.assign(time=t.dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC"))
    return df[df["type"] == "AQI"].set_index("time")


@pytest.fixture
def air(engine, tmp_path):
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        seed_regions(s)
        for code in STATIONS:  # registered first: the import then stores only their rows
            s.add(Site(code=code, name=code, kind=SiteKind.AIR_STATION,
                       control_level=ControlLevel.NATIONAL, region_code="330100"))  # fmt: skip
        s.flush()
        import_file(s, store, AIR)
    return store


def _stored(engine, store, code: str, site: str, period: str) -> pd.DataFrame:
    with session_scope(engine) as s:
        sid = s.scalar(
            select(Series.id)
            .join(Site, Site.id == Series.site_id)
            .where(
                Site.code == site, Series.parameter_code == code, Series.period == Period(period)
            )
        )
    return store.query([sid], datetime(2018, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC),
                       period=period, columns=["value", "raw_value", "source", "revision"])  # fmt: skip


def test_stored_aqi_equals_published_and_reruns_write_nothing(engine, air, published):
    report = compute_indices(air, engine, START, END, sites=STATIONS)
    # 2 stations × (48 hours + 2 days, 1228A without 2019-01-31) × (AQI + primary) - gaps
    assert report.written["aqi"] == report.written["aqi-primary"] > 0
    assert report.rows_written == report.written["aqi"] * 2 and report.written["water-class"] == 0
    for station in STATIONS:
        hours = _stored(engine, air, AQI, station, "hour").set_index("time")
        assert hours.index.min() == START and hours.index.max() == END - pd.Timedelta(hours=1)
        theirs = published.loc[hours.index, station].astype(float).to_numpy()
        complete = ~np.isnan(theirs)
        assert complete.sum() > 40
        np.testing.assert_array_equal(hours["value"].to_numpy(float)[complete], theirs[complete])
        assert set(hours["source"]) == {"index:aqi:HJ633-2012"}
        assert (hours["revision"] == 0).all()
    days = _stored(engine, air, AQI, "1228A", "day")
    assert days["time"].tolist() == [pd.Timestamp("2019-01-29 16:00", tz="UTC"),
                                     pd.Timestamp("2019-01-30 16:00", tz="UTC")]  # fmt: skip
    # 2019-01-31: PM2.5 has 18 valid hours, no 24-h mean (GB 3095-2012 Table 4): the AQI is
    # that of the other indicators (HJ 633-2012 5.1.1)
    assert days["value"].iloc[1] == 39
    again = compute_indices(air, engine, START, END, sites=STATIONS)
    assert again.rows_written == 0 and again.rows_read == report.rows_read


def test_late_data_bump_the_revision_of_what_changed(engine, air):
    compute_indices(air, engine, START, END, sites=["1223A"])
    with session_scope(engine) as s:
        pm = s.scalar(
            select(Series.id).join(Site, Site.id == Series.site_id).where(
                Site.code == "1223A", Series.parameter_code == "a34004", Series.period == Period.HOUR
            )
        )  # fmt: skip
    hour = pd.Timestamp("2019-01-30 04:00", tz="UTC")  # 12:00 CST
    air.append(
        pd.DataFrame({"series_id": [pm], "time": [hour], "period": "hour", "value": [400.0],
                      "raw_value": [400.0], "revision": [1]}),
        "air",
    )  # fmt: skip
    report = compute_indices(air, engine, START, END, sites=["1223A"])
    # the hour's AQI and the day's (its PM2.5 mean rose); PM2.5 was primary in both already
    assert report.written == {"aqi": 2, "aqi-primary": 0, "water-class": 0, "cwqi": 0}
    hours = _stored(engine, air, AQI, "1223A", "hour").set_index("time")
    # HJ 633-2012 Table 1: PM2.5 400 on the 24-h table → (500−400)/(500−350)·50 + 400 = 433.3 → 434
    assert hours.loc[hour, "value"] == 434 and hours.loc[hour, "revision"] == 1
    assert (hours.drop(index=hour)["revision"] == 0).all()
    primary = _stored(engine, air, AQI_PRIMARY, "1223A", "hour").set_index("time")
    assert primary.loc[hour, "value"] == 0b1000 and primary.loc[hour, "revision"] == 0  # PM2.5
    day = _stored(engine, air, AQI, "1223A", "day").set_index("time")
    assert day["revision"].tolist() == [1, 0]


def test_partition_entry_point_computes_each_row_once(engine, air):
    """The batch's partitions of 2019-01-30 and -31 (UTC dates) write the hours of their UTC
    days and the CST days 30 and 31; the live run over the same span then finds nothing to
    write where they overlap."""
    n = sum(indices_for_partition(air, engine, "air", date(2019, 1, d), sites=STATIONS)
            for d in (30, 31))  # fmt: skip
    assert n > 0 and indices_for_partition(air, engine, "gas_outlet", date(2019, 1, 30)) == 0
    again = sum(indices_for_partition(air, engine, "air", date(2019, 1, d), sites=STATIONS)
                for d in (30, 31))  # fmt: skip
    assert again == 0
    live = compute_indices(
        air, engine, datetime(2019, 1, 30, tzinfo=UTC), datetime(2019, 2, 1, tzinfo=UTC),
        sites=STATIONS,
    )  # fmt: skip
    # the live run's range touches CST days 30, 31 and 2019-02-01 (no hours stored): the
    # partitions wrote every row it computes
    assert live.rows_written == 0 and live.rows_read > 0


def test_water_classes_and_cwqi_through_the_store(engine, tmp_path):
    """Every Zhejiang section's stored class equals CNEMC's published class; the month's CWQI
    of 杭州 follows from the roll-ups' monthly means (one record each: the means are it)."""
    store = ObservationStore(tmp_path / "obs")
    catalog = pd.read_csv(CATALOG).set_index("name")
    cities = {r.name.removesuffix("市"): c for c, r in REGIONS.items() if c in CITY_CODES}
    with session_scope(engine) as s:
        seed_regions(s)
        import_file(s, store, WATER, year=2026)
        for site in s.scalars(select(Site).where(Site.kind == SiteKind.WATER_SECTION)):
            site.attrs = {**site.attrs, "water_body": catalog.loc[site.name, "water_body"]}
            site.region_code = cities[catalog.loc[site.name, "city"]]
    t0, t1 = datetime(2026, 2, 3, 16, tzinfo=UTC), datetime(2026, 2, 4, 16, tzinfo=UTC)
    report = compute_indices(store, engine, t0, t1)
    assert report.written["water-class"] == 47
    ours = {}
    with session_scope(engine) as s:
        names = dict(
            s.execute(select(Site.code, Site.name).where(Site.kind == SiteKind.WATER_SECTION)).all()
        )
    for code, name in names.items():
        [cls] = _stored(engine, store, WATER_CLASS, code, "hour")["value"].tolist()
        ours[name] = ["I", "II", "III", "IV", "V", "劣V"][int(cls) - 1]
    table = pd.read_csv(WATER, dtype=str)
    table = table[table["省份"] == "浙江省"].set_index("断面名称")["水质类别"]
    assert ours == {n: parse_class(table[n]) for n in ours}
    # the month: each section's February means as the roll-ups write them (here: the record)
    month = pd.Timestamp("2026-01-31 16:00", tz="UTC")  # 2026-02-01 00:00 CST
    rows, sections = [], []
    hour = store.query(None, t0, t1, period="hour").set_index("series_id")["value"]
    with session_scope(engine) as s:
        sites = s.scalars(select(Site).where(Site.kind == SiteKind.WATER_SECTION)).all()
        wanted = [(x.site_id, x.parameter_code, Period.MONTH, x.unit) for site in sites
                  for x in site.series if x.parameter_code in KEYS and pd.notna(hour.get(x.id))]  # fmt: skip
        made = ensure_series(s, wanted)
        for site in sites:
            means = {}
            for x in site.series:
                if (site.id, x.parameter_code, Period.MONTH) in made and x.period is Period.HOUR:
                    sid = made[(site.id, x.parameter_code, Period.MONTH)].id
                    rows.append(dict(series_id=sid, time=month, period="month", value=float(hour[x.id]),
                                     raw_value=float(hour[x.id]), source="rollup:day:28/28"))  # fmt: skip
                    means[KEYS[x.parameter_code]] = float(hour[x.id])
            if site.region_code.startswith("3301"):
                sections.append(SectionPeriod(site.code, site.attrs["water_body"], means))
    store.append(pd.DataFrame(rows), "water")
    report = compute_indices(store, engine, month.to_pydatetime(), t1)
    cities = {r[:4] for r in _regions(engine)}  # 舟山 has no national automatic section
    assert report.written["cwqi"] == len(cities) == 10
    [cwqi] = _stored(engine, store, CWQI, "CWQI330100", "month")["value"].tolist()
    # the ranking's computation on request (targets.ranking, 环办监测〔2017〕51号)
    assert round(cwqi, 4) == water_figures(sections).cwqi and len(sections) >= 3
    with pytest.raises(UnknownSite, match="unknown site code.*NOPE"):
        compute_indices(store, engine, t0, t1, sites=["NOPE"])
    with pytest.raises(BadRange, match="no time zone"):
        compute_indices(store, engine, datetime(2026, 2, 4), t1)


def _regions(engine) -> set[str]:
    with session_scope(engine) as s:
        return set(s.scalars(select(Site.region_code).where(Site.kind == SiteKind.WATER_SECTION)))


def test_the_job_runs_on_the_recent_window(engine, tmp_path):
    """The job over its window: the hours of the last two days and their CST days; a second run
    (or one after a kill between writes) finds them stored and writes nothing."""
    settings = Settings(data_dir=tmp_path, secret_key="x" * 32)
    store = ObservationStore(settings.observations_dir)
    with session_scope(engine) as s:
        seed_regions(s)
        site = Site(code="T01A", name="T01A", kind=SiteKind.AIR_STATION,
                    control_level=ControlLevel.NATIONAL, region_code="330106")  # fmt: skip
        s.add(site)
        s.flush()
        [pm] = ensure_series(s, [(site.id, "a34004", Period.HOUR, "µg/m³")]).values()
        sid = pm.id
    now = pd.Timestamp(utcnow()).floor("h")
    hours = [now - pd.Timedelta(hours=h) for h in (1, 2, 3, 24 * 5)]  # the last is out of window
    store.append(pd.DataFrame({"series_id": sid, "time": hours, "period": "hour",
                               "value": 80.0, "raw_value": 80.0}), "air")  # fmt: skip
    message = run_indices(JobContext(settings=settings, engine=engine))
    # three hours; their day has < 20 valid hours: no daily value (GB 3095-2012 Table 4), no row
    assert message == "6 index rows written (aqi 3, aqi-primary 3, cwqi 0, water-class 0)"
    # PM2.5 1-h 80 on the 24-h table: HJ 633-2026 Table 3 (60–115 → 100–150) 50/55·20 + 100
    # = 118.2 → 119 (the demo's and today's edition)
    rows = _stored(engine, store, AQI, "T01A", "hour")
    assert rows["value"].tolist() == [119.0] * 3 and set(rows["source"]) == {"index:aqi:HJ633-2026"}
    again = run_indices(JobContext(settings=settings, engine=engine))
    assert again == "0 index rows written (aqi 0, aqi-primary 0, cwqi 0, water-class 0)"
    assert CWQI == "idx-cwqi"


def test_daily_water_class_from_the_rollups_daily_means(engine, tmp_path):
    """A section's day class comes from its daily mean series (the roll-ups'), its hour class
    from the samples: NH3-N 0.4 mg/L at 08:00 CST is class II (0.15 < 0.4 ≤ 0.5, GB 3838-2002
    Table 1), 1.2 at 12:00 class IV, the day's mean 0.8 class III (0.5 < 0.8 ≤ 1.0)."""
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        seed_regions(s)
        site = Site(code="W01", name="W01", kind=SiteKind.WATER_SECTION,
                    control_level=ControlLevel.PROVINCIAL, region_code="330106",
                    attrs={"water_body": "river"})  # fmt: skip
        s.add(site)
        s.flush()
        made = ensure_series(s, [(site.id, "w21003", p, "mg/L") for p in (Period.HOUR, Period.DAY)])
        hour_id, day_id = (
            made[(site.id, "w21003", Period.HOUR)].id,
            made[(site.id, "w21003", Period.DAY)].id,
        )
    day0 = pd.Timestamp("2026-05-31 16:00", tz="UTC")  # 2026-06-01 00:00 CST
    store.append(pd.DataFrame({
        "series_id": [hour_id, hour_id, day_id],
        "time": [day0 + pd.Timedelta(hours=8), day0 + pd.Timedelta(hours=12), day0],
        "period": ["hour", "hour", "day"], "value": [0.4, 1.2, 0.8], "raw_value": [0.4, 1.2, 0.8],
    }), "water")  # fmt: skip
    n = indices_for_partition(store, engine, "water", date(2026, 6, 1), sites=["W01"])
    n += indices_for_partition(store, engine, "water", date(2026, 5, 31), sites=["W01"])
    assert n == 3
    assert _stored(engine, store, WATER_CLASS, "W01", "hour")["value"].tolist() == [2.0, 4.0]
    day = _stored(engine, store, WATER_CLASS, "W01", "day")
    assert day["value"].tolist() == [3.0] and day["time"].tolist() == [day0]
    # the city's CWQI needs the month's means (none stored here): no row, no error
    assert (
        compute_indices(
            store, engine, day0.to_pydatetime(), (day0 + pd.Timedelta(days=1)).to_pydatetime()
        ).rows_written
        == 0
    )
