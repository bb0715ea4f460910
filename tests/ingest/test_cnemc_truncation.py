"""Truncated, ragged and GBK CNEMC files (issue 9 items 3 and 13): a row that fails validation
is refused with its line and never replaces a stored value; GBK files read as published."""

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.ingest.cnemc import parse_air, parse_water, sniff
from qingshan.ingest.cnemc_import import import_file, read_station_list
from qingshan.ingest.errors import UnknownFormat
from qingshan.monitoring.models import LatestValue, Series, Site
from qingshan.timeseries.store import ObservationStore

DATA = Path(__file__).parents[1] / "data"
SITES = DATA / "china_sites_20190101.csv"
WATER = DATA / "cnemc_surface_water_realtime_20260204.csv"
STATIONS = pd.DataFrame(
    {"name": ["滨江"], "city": ["杭州"], "longitude": ["120.211"], "latitude": ["30.21"]},
    index=pd.Index(["1223A"], name="code"),
)
#: 2019-01-01 07:00 CST, station 1223A (滨江, Hangzhou): PM10 62 µg/m³ on line 110
PM10_LINE = 110
HOUR7 = pd.Timestamp("2018-12-31 23:00", tz="UTC")


def _cut_inside_the_value(tmp_path: Path) -> Path:
    """The real file cut after the "6" of 1223A's PM10 "62" on line 110 (an interrupted
    copy): same name, in another directory."""
    data = SITES.read_bytes()
    lines = data.split(b"\r\n")
    header = lines[0].decode("utf-8-sig").split(",")
    fields = lines[PM10_LINE - 1].split(b",")
    col = header.index("1223A")
    assert fields[2] == b"PM10" and fields[col] == b"62"
    cut = b"\r\n".join(lines[: PM10_LINE - 1]) + b"\r\n" + b",".join(fields[:col]) + b",6"
    out = tmp_path / "cut" / SITES.name
    out.parent.mkdir()
    out.write_bytes(cut)
    return out


def _pm10_at_hour7(engine, store) -> tuple[list[float], float | None]:
    with session_scope(engine) as s:
        sid = s.scalar(
            select(Series.id)
            .join(Site, Site.id == Series.site_id)
            .where(Site.code == "1223A", Series.parameter_code == "a34002")
        )
        latest = s.get(LatestValue, sid)
        latest_value = latest.value if latest else None
    rows = store.query([sid], HOUR7, HOUR7 + pd.Timedelta(hours=1))
    return rows["value"].tolist(), latest_value


def test_a_file_cut_inside_a_value_never_overwrites_the_stored_value(engine, tmp_path):
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        seed_regions(s)
        import_file(s, store, SITES, stations=STATIONS)
    assert _pm10_at_hour7(engine, store)[0] == [62.0]
    cut = _cut_inside_the_value(tmp_path)

    parsed = parse_air(cut)
    assert [str(b) for b in parsed.bad] == [
        f"line {PM10_LINE}: the file ends inside this row (no line break, 225 fields of 1608): "
        "a truncated file; row refused, nothing of it stored"
    ]
    with session_scope(engine) as s:
        report = import_file(s, store, cut, stations=STATIONS)
    assert [b.line for b in report.bad] == [PM10_LINE]
    assert report.rows_stored > 0  # the sound rows before it are read (re-sends: no change)
    values, _ = _pm10_at_hour7(engine, store)
    assert values == [62.0]  # was 6.0 before the fix


def test_a_last_row_with_fewer_fields_is_refused_and_the_rest_read(tmp_path):
    f = tmp_path / "china_sites_short.csv"
    f.write_bytes(
        b"date,hour,type,1001A,1002A\n20190101,0,PM10,62,70\n20190101,1,PM10,61\n"
    )  # a short last row, even with its line break
    parsed = parse_air(f)
    assert [str(b) for b in parsed.bad] == [
        "line 3: 4 fields, the header 5 (a row cut off or broken): row refused, nothing of it "
        "stored"
    ]
    assert parsed.rows["value"].tolist() == [62.0, 70.0]


def test_a_ragged_row_inside_the_file_is_refused_by_line(tmp_path):
    f = tmp_path / "china_sites_ragged.csv"
    f.write_text(
        "date,hour,type,1001A\n20190101,0,PM10,62\n20190101,1,PM10,1,2,3\n20190101,2,PM10,64\n"
    )
    parsed = parse_air(f)
    assert [b.line for b in parsed.bad] == [3]
    assert parsed.rows["value"].tolist() == [62.0, 64.0]


def test_a_whole_file_without_its_last_line_break_loses_only_that_row(tmp_path):
    f = tmp_path / "china_sites_nonl.csv"
    f.write_text("date,hour,type,1001A\n20190101,0,PM10,62\n20190101,1,PM10,64")
    parsed = parse_air(f)
    assert [b.line for b in parsed.bad] == [3]
    assert parsed.rows["value"].tolist() == [62.0]


def test_gbk_water_table_reads_as_the_utf8_one(tmp_path):
    gbk = tmp_path / WATER.name
    gbk.write_bytes(WATER.read_text(encoding="utf-8-sig").encode("gbk"))
    assert sniff(gbk) == "water"
    a, b = parse_water(WATER, year=2026), parse_water(gbk, year=2026)
    pd.testing.assert_frame_equal(a.rows, b.rows)
    assert [str(x) for x in a.bad] == [str(x) for x in b.bad]


def test_gbk_station_list_is_read(tmp_path):
    f = tmp_path / "StationList-2019.csv"
    f.write_bytes(
        "监测点编码,监测点名称,城市,经度,纬度\n1223A,滨江,杭州,120.211,30.21\n".encode("gbk")
    )
    stations = read_station_list(f)
    assert stations.loc["1223A", "name"] == "滨江" and stations.loc["1223A", "city"] == "杭州"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \r\n", "the file is empty"),
        (b"PK\x03\x04\x00\x00binary", "a binary file, not CSV text"),
        (b"date,hour,type,1001A\n\xff\xfe\xff\n", "neither UTF-8 nor GBK text (byte 0xff"),
    ],
)
def test_unreadable_files_are_one_line_naming_the_file(tmp_path, content, reason):
    f = tmp_path / "china_sites_x.csv"
    f.write_bytes(content)
    with pytest.raises(UnknownFormat) as info:
        sniff(f)
    assert str(info.value).startswith(f"china_sites_x.csv: cannot read as CSV: {reason}")
    assert "\n" not in str(info.value)


def test_compressed_and_gbk_air_file_reads_as_the_original(tmp_path):
    import gzip

    f = tmp_path / "china_sites_20190101.csv.gz"
    f.write_bytes(gzip.compress(SITES.read_text(encoding="utf-8-sig").encode("gbk")))
    assert sniff(f) == "air"
    pd.testing.assert_frame_equal(parse_air(f).rows, parse_air(SITES).rows)
    broken = tmp_path / "china_sites_broken.csv.gz"
    broken.write_bytes(gzip.compress(SITES.read_bytes())[:5000])
    with pytest.raises(
        UnknownFormat, match=r"china_sites_broken.csv.gz: cannot read as CSV: not a valid .gz file"
    ):
        sniff(broken)


def test_a_cut_water_table_refuses_its_last_row_by_line(tmp_path):
    text = WATER.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    cut = tmp_path / WATER.name
    cut.write_text(
        "\n".join(lines[:10]) + "\n" + lines[10][: len(lines[10]) // 2], encoding="utf-8"
    )
    parsed = parse_water(cut, year=2026)
    assert [b.line for b in parsed.bad] == [11]
    assert "a truncated file" in str(parsed.bad[0])
    whole = parse_water(WATER, year=2026).rows
    first_nine = whole[whole["site"].isin(set(parsed.rows["site"]))]
    assert parsed.rows["site"].nunique() <= 9 and len(parsed.rows) <= len(first_nine)
