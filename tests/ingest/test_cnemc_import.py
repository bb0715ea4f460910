"""Importing real CNEMC files: values land in the store exactly as published."""

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.ingest.cnemc import parse_air, parse_water, sniff
from qingshan.ingest.cnemc_import import import_file
from qingshan.ingest.errors import UnknownFormat
from qingshan.monitoring.models import LatestValue, Series, Site, SiteKind
from qingshan.timeseries.store import ObservationStore

DATA = Path(__file__).parents[1] / "data"
SITES = DATA / "china_sites_20190101.csv"
WATER = DATA / "cnemc_surface_water_realtime_20260204.csv"


def test_air_file_is_read_long_with_hj212_codes():
    parsed = parse_air(SITES)
    assert parsed.kind == "sites" and parsed.bad == []
    # station 1001A (万寿西宫), 2019-01-01 hour 0 CST: PM2.5 53 µg/m³ as published
    row = parsed.rows[
        (parsed.rows.site == "1001A")
        & (parsed.rows.parameter == "a34004")
        & (parsed.rows.time == pd.Timestamp("2018-12-31 16:00", tz="UTC"))
    ]
    assert row["value"].tolist() == [53.0]
    assert set(parsed.rows.parameter) == {
        "a34004",
        "a34002",
        "a21026",
        "a21004",
        "a05024",
        "a21005",
    }


def test_bad_rows_are_reported_by_line_and_good_rows_kept(tmp_path):
    f = tmp_path / "china_sites_bad.csv"
    f.write_text(
        "date,hour,type,1001A,1002A\n"
        "20190101,0,PM2.5,53,abc\n"
        "20190101,25,PM10,60,61\n"
        "20190101,1,PM25,1,2\n"
        "20190101,1,SO2,-3,7\n",
        encoding="utf-8",
    )
    parsed = parse_air(f)
    messages = sorted(str(b) for b in parsed.bad)
    assert messages == [
        "line 2: station 1002A: value 'abc' is not a non-negative number",
        "line 3: bad date/hour '20190101'/'25' (want YYYYMMDD and 0–23)",
        "line 4: unknown type 'PM25'; CNEMC types are ['CO', 'NO2', 'O3', 'PM10', 'PM2.5', 'SO2'] and their averages",
        "line 5: station 1001A: value '-3' is not a non-negative number",
    ]
    assert sorted(parsed.rows["value"]) == [7.0, 53.0]


def test_unknown_format_is_named(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(UnknownFormat, match=r"x.csv: header 'a,b,c' is neither a CNEMC air file"):
        sniff(f)


def test_water_table_parses_zhejiang_sections():
    parsed = parse_water(WATER, year=2026)
    zj = parsed.rows[parsed.rows.province == "浙江省"]
    assert zj["site"].nunique() == 47


def test_import_registers_zhejiang_and_skips_the_rest(engine, tmp_path):
    store = ObservationStore(tmp_path / "obs")
    stations = pd.DataFrame(
        {"name": ["滨江"], "city": ["杭州"], "longitude": ["120.211"], "latitude": ["30.21"]},
        index=pd.Index(["1223A"], name="code"),
    )
    with session_scope(engine) as s:
        seed_regions(s)
        report = import_file(s, store, SITES, stations=stations)
    assert report.sites_created == 1
    assert report.skipped["station not registered (pass --stations StationList.csv)"] > 100_000
    with session_scope(engine) as s:
        site = s.scalar(select(Site).where(Site.code == "1223A"))
        assert site.region_code == "330108"  # 滨江区, the county of its coordinates
        assert site.kind is SiteKind.AIR_STATION
        n_series = s.scalar(
            select(func.count()).select_from(Series).where(Series.site_id == site.id)
        )
        assert n_series == 6
        assert s.scalar(select(func.count()).select_from(LatestValue)) == 6
    published = parse_air(SITES).rows
    published = published[published.site == "1223A"]
    assert report.rows_stored == len(published)
    stored = store.query(
        None, pd.Timestamp("2018-12-31", tz="UTC"), pd.Timestamp("2019-01-02", tz="UTC")
    )
    assert len(stored) == len(published)
    assert sorted(stored["value"]) == sorted(published["value"])
    # importing the same file again changes nothing for readers (re-send rule)
    with session_scope(engine) as s:
        import_file(s, store, SITES, stations=stations)
    again = store.query(
        None, pd.Timestamp("2018-12-31", tz="UTC"), pd.Timestamp("2019-01-02", tz="UTC")
    )
    assert len(again) == len(published)


def test_import_water_sections(engine, tmp_path):
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        seed_regions(s)
        report = import_file(s, store, WATER, year=2026)
    assert report.sites_created == 47
    assert report.skipped["outside Zhejiang"] > 0
