"""Groundwater service on a real database and a real observation store: wells registered as
monitoring sites, samples classed by GB/T 14848-2017 and written as observations, the class
counts, a well's file (class history, yearly class, series), bad input refused with nothing
stored (pH outside 0–14, an unknown indicator, a well outside the writer's region), and the
prevention zones (polygons checked, a GeoJSON import all or nothing)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import LatestValue, Series, Site
from qingshan.soil.groundwater import service as svc
from qingshan.soil.groundwater.errors import GroundwaterError, ImportRejected
from qingshan.soil.groundwater.models import GroundwaterSample, GroundwaterZone
from qingshan.soil.groundwater.service import SampleRow
from qingshan.soil.groundwater.wells import WellInput
from qingshan.soil.groundwater.zoning import ZoneInput
from qingshan.standards.groundwater import classify_groundwater
from qingshan.timeseries.store import ObservationStore

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
ZONE = {"type": "Polygon", "coordinates": [[[120.10, 30.25], [120.14, 30.25], [120.14, 30.29],
                                            [120.10, 30.29], [120.10, 30.25]]]}  # fmt: skip


def _wells(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
        svc.register_well(s, PROVINCE, WellInput("GW-XH-01", "西湖区1号井", "330106", 120.12,
                                                 30.26, "national", "phreatic", 18.0))  # fmt: skip
        svc.register_well(s, PROVINCE, WellInput("GW-NB-01", "海曙区1号井", "330203", 121.50,
                                                 29.87, "provincial", "confined", 60.0))  # fmt: skip


def _cls(**values: float) -> str:
    """The class GB/T 14848-2017's data give (most cells are MC/U, docs/standards-groundwater.md:
    the expectations follow the data, the comments give the table's values)."""
    return classify_groundwater(values).klass


def test_samples_are_classed_stored_and_counted(engine, tmp_path) -> None:
    _wells(engine)
    march, sept = _cls(pH=7.2, Mn=0.5, NH3_N=0.3), _cls(pH=7.0, Mn=0.05, NH3_N=0.3)
    ningbo = _cls(pH=7.5, NH3_N=1.8)
    assert len({march, sept, ningbo}) == 3  # IV, III, V as Table 1 reads today
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        # Mn 0.5 mg/L: class IV (Table 1: III ≤ 0.10, IV ≤ 1.50); NH3_N 0.3: III (≤ 0.50)
        n = svc.add_samples(s, store, XIHU, [
            SampleRow("GW-XH-01", date(2026, 3, 10), {"pH": 7.2, "Mn": 0.5, "NH3_N": 0.3}),
            SampleRow("GW-XH-01", date(2026, 9, 10), {"pH": 7.0, "Mn": 0.05, "NH3_N": 0.3}),
        ], actor="xihu", now=NOW)  # fmt: skip
        assert n == 2
        svc.add_samples(s, store, PROVINCE, [SampleRow("GW-NB-01", date(2026, 6, 1),
                                                       {"pH": 7.5, "NH3_N": 1.8})],
                        actor="province", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        counts = svc.wells_by_class(s, PROVINCE)
        expected = {k: 0 for k in ("I", "II", "III", "IV", "V")}
        assert counts == {**expected, sept: 1, ningbo: 1}  # each well by its newest sample
        assert svc.wells_by_class(s, NINGBO) == {**expected, ningbo: 1}
        # the year's class: the worst sample of the year (Xihu's March sample, not September's)
        assert svc.wells_by_year_class(s, PROVINCE, 2026) == {**expected, march: 1, ningbo: 1}
        assert svc.wells_by_year_class(s, PROVINCE, 2025) == expected
        f = svc.well_file(s, store, XIHU, "GW-XH-01")
        assert [x.klass for x in f["samples"]] == [march, sept]
        assert f["samples"][0].deciding == ["Mn"]
        assert f["yearly"] == {2026: march}  # the worst sample of the year
        assert f["series"]["Mn"] == [(date(2026, 3, 10), 0.5), (date(2026, 9, 10), 0.05)]
        assert f["well"].latest_class == sept
        # NH3_N is HJ 212-2017 w21003; Mn has no HJ 212 code → idx-gw-11 (Table 1 item 11)
        codes = set(s.scalars(select(Series.parameter_code)))
        assert {"w21003", "w01001", "idx-gw-11"} <= codes
        assert s.scalar(select(func.count()).select_from(LatestValue)) == 5  # 3 series + 2


def test_bad_samples_refused_nothing_stored(engine, tmp_path) -> None:
    _wells(engine)
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        with pytest.raises(ImportRejected) as err:
            svc.add_samples(s, store, PROVINCE, [
                SampleRow("GW-XH-01", date(2026, 3, 10), {"pH": 7.2}),
                SampleRow("GW-XH-01", date(2026, 4, 10), {"pH": 15.0}),
                SampleRow("GW-XH-01", date(2026, 5, 10), {"Ammonia": 0.2}),
                SampleRow("GW-XX-99", date(2026, 5, 10), {"pH": 7.0}),
            ], actor="province", now=NOW)  # fmt: skip
        msg = str(err.value)
        assert "sample 2 (GW-XH-01): pH: 15.0 is outside 0–14" in msg
        assert "sample 3 (GW-XH-01): indicator 'Ammonia': not a GB/T 14848-2017 indicator" in msg
        assert "sample 4: well 'GW-XX-99' is not a groundwater well" in msg
        with pytest.raises(ImportRejected, match="'nh3_n'.*did you mean NH3_N"):
            svc.add_samples(s, store, PROVINCE, [SampleRow("GW-XH-01", date(2026, 3, 10),
                                                           {"nh3_n": 0.2})],
                            actor="province", now=NOW)  # fmt: skip
        # a county writes its own wells only: Ningbo's well is not one of Xihu's
        with pytest.raises(
            ImportRejected, match="'GW-NB-01' is not a groundwater well of region 330106"
        ):
            svc.add_samples(s, store, XIHU, [SampleRow("GW-NB-01", date(2026, 3, 10), {"pH": 7.0})],
                            actor="xihu", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(GroundwaterSample)) == 0
        assert s.scalar(select(func.count()).select_from(LatestValue)) == 0
    assert store.files("groundwater") == []


def test_sample_import_names_every_bad_row(engine, tmp_path) -> None:
    _wells(engine)
    store = ObservationStore(tmp_path / "obs")
    good = "监测井编号,采样日期,pH,氨氮（以N计）,Mn\nGW-XH-01,2026-03-10,7.1,0.3,0.5\n".encode()
    bad = (b"well_code,sampled_on,pH,NH3_N,Radon\nGW-XH-01,2026-03-10,7.1,x,1\n"
           b"GW-XH-01,,7.1,0.2,\n")  # fmt: skip
    with session_scope(engine) as s:
        with pytest.raises(ImportRejected) as err:
            svc.import_samples(s, store, PROVINCE, bad, actor="p", now=NOW)
        msg = str(err.value)
        assert "row 1, column E (Radon): unknown indicator" in msg
        assert "row 2, column D (NH3_N): 'x' is not a number" in msg
        assert "row 3, column B (sampled_on)" in msg
        assert svc.import_samples(s, store, PROVINCE, good, actor="p", now=NOW) == 1
        got = svc.well_file(s, store, PROVINCE, "GW-XH-01")["samples"][0].klass
        assert got == _cls(pH=7.1, NH3_N=0.3, Mn=0.5)


def test_wells_refused_and_scoped(engine) -> None:
    _wells(engine)
    with session_scope(engine) as s:
        with pytest.raises(GroundwaterError, match="well_type: unknown 'city'"):
            svc.register_well(s, PROVINCE, WellInput("GW-2", "x", "330106", 120.1, 30.2, "city",
                                                     "phreatic", 10))  # fmt: skip
        with pytest.raises(GroundwaterError, match="depth_m: must be a depth"):
            svc.register_well(s, PROVINCE, WellInput("GW-2", "x", "330106", 120.1, 30.2,
                                                     "regional", "phreatic", -3))  # fmt: skip
        with pytest.raises(PermissionDenied):
            svc.list_wells(s, Scope("330000", Role.PUBLIC))
        assert [w.code for w in svc.list_wells(s, NINGBO)] == ["GW-NB-01"]
        assert s.scalar(select(func.count()).select_from(Site)) == 2


def test_zones_checked_and_imported_all_or_nothing(engine) -> None:
    _wells(engine)
    bowtie = {"type": "Polygon", "coordinates": [[[120.1, 30.2], [120.2, 30.3], [120.2, 30.2],
                                                  [120.1, 30.3], [120.1, 30.2]]]}  # fmt: skip
    swapped = {"type": "Polygon", "coordinates": [[[y, x] for x, y in ZONE["coordinates"][0]]]}
    with session_scope(engine) as s:
        z = svc.add_zone(s, PROVINCE, ZoneInput("Z1", "西湖水源保护区", "保护区", "330106", ZONE),
                         actor="p", now=NOW)  # fmt: skip
        assert z.kind == "protection"
        # 0.04° × 0.04° at 30.27° N: 4.44 km × 3.84 km ≈ 17.1 km² (geodesic, WGS 84)
        assert 16.9 < z.area_km2 < 17.3
        with pytest.raises(GroundwaterError, match="invalid polygon — Self-intersection"):
            svc.add_zone(s, PROVINCE, ZoneInput("Z2", "x", "prevention", "330106", bowtie),
                         actor="p", now=NOW)  # fmt: skip
        doc = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": ZONE,
             "properties": {"code": "Z3", "name": "防控区", "kind": "防控区", "region_code": "330106"}},
            {"type": "Feature", "geometry": swapped,
             "properties": {"code": "Z4", "name": "x", "kind": "治理区", "region_code": "330106"}},
            {"type": "Feature", "geometry": ZONE,
             "properties": {"code": "Z5", "name": "x", "kind": "污染区", "region_code": "330106"}},
        ]}  # fmt: skip
        with pytest.raises(ImportRejected) as err:
            svc.import_zones(s, PROVINCE, json.dumps(doc).encode(), actor="p", now=NOW)
        msg = str(err.value)
        assert "feature 2 (Z4): geometry:" in msg and "look swapped" in msg
        assert "feature 3 (Z5): kind: unknown zone kind '污染区'" in msg
    with session_scope(engine) as s:
        assert [z.code for z in svc.list_zones(s, PROVINCE)] == ["Z1"]
        assert s.scalar(select(func.count()).select_from(GroundwaterZone)) == 1
        gj = svc.zones_geojson(svc.list_zones(s, XIHU))
        assert gj["features"][0]["properties"]["kind_zh"] == "保护区"


def test_sample_import_reads_an_xlsx_workbook(engine, tmp_path) -> None:
    from qingshan.tablefile import write_workbook

    _wells(engine)
    store = ObservationStore(tmp_path / "obs")
    data = write_workbook({"采样": (
        ["监测井编号", "采样日期", "pH", "总硬度（以CaCO3计）", "Mn"],
        [["GW-XH-01", date(2026, 3, 10), 7.1, 200, 0.04]],
    )})  # fmt: skip
    with session_scope(engine) as s:
        assert svc.import_samples(s, store, PROVINCE, data, actor="p", now=NOW) == 1
        f = svc.well_file(s, store, PROVINCE, "GW-XH-01")
        assert set(f["series"]) == {"pH", "TotalHardness", "Mn"}
        assert f["samples"][0].klass == _cls(pH=7.1, TotalHardness=200, Mn=0.04)
