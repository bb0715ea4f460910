"""Biodiversity surveys (issue #25): species records in Darwin Core shape — refused without a
place or a date, or outside Zhejiang; the import all or nothing naming every bad row; the
protected (2021 lists) and invasive (2022 list) flags; the Darwin Core CSV with the real term
names; the survey areas' status from their dates and the KPI of plan target 9.1."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.ecology.biodiversity import lists
from qingshan.ecology.biodiversity import service as svc
from qingshan.ecology.biodiversity.models import EcoOccurrence
from qingshan.ecology.biodiversity.progress import area_status, progress
from qingshan.ecology.biodiversity.records import Known, check_record
from qingshan.ecology.errors import EcologyError, ImportRejected
from qingshan.ecology.table import RowError
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.platform.kpis import kpi_registry
from qingshan.targets.kpi import Period

PROVINCE = Scope("330000", Role.PROVINCE, username="zj")
QINGYUAN = Scope("331126", Role.COUNTY, username="qy")
TODAY = date(2026, 12, 7)
HEAD = ("occurrenceID,scientificName,vernacularName,class,eventDate,decimalLatitude,"
        "decimalLongitude,individualCount,recordedBy,basisOfRecord,locationID\n")  # fmt: skip
AREA = {"code": "ZJ-BD-01", "name": "百山祖", "ecosystem": "forest",
        "geometry": {"type": "Polygon", "coordinates": [[[119.15, 27.72], [119.25, 27.72],
                     [119.25, 27.80], [119.15, 27.80], [119.15, 27.72]]]}, "area_km2": 80}  # fmt: skip


def _rec(**kw):
    return {"occurrence_id": "A1", "scientific_name": "Syrmaticus ellioti", "event_date": "2026-05-03",
            "lat": 27.76, "lon": 119.20} | kw  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "key", "match"),
    [({"event_date": ""}, "event_date", "eventDate is required: a record without a date is refused"),
     ({"lat": None}, "lat", "decimalLatitude is required: a record without a place is refused"),
     ({"lon": " "}, "lon", "decimalLongitude is required: a record without a place is refused"),
     ({"lon": 116.40, "lat": 39.90}, "lon", r"\(116\.4, 39\.9\) lies outside Zhejiang"),
     ({"event_date": "2027-01-02"}, "event_date", "eventDate 2027-01-02 is after today 2026-12-07"),
     ({"event_date": "May 2026"}, "event_date", "eventDate: 'May 2026' is not a date"),
     ({"basis_of_record": "Seen"}, "basis_of_record", "basisOfRecord 'Seen' is not one of"),
     ({"individual_count": -2}, "individual_count", "individualCount -2 is not a whole number"),
     ({"survey_area": "ZJ-X"}, "survey_area", "no survey area 'ZJ-X' in your region")],
)  # fmt: skip
def test_a_record_without_place_or_date_or_outside_zhejiang_is_refused(cells, key, match):
    with pytest.raises(RowError, match=match) as e:
        check_record(_rec(**cells), Known(today=TODAY))
    assert e.value.key == key


def test_a_record_is_placed_in_its_county_and_takes_an_interval_date():
    r = check_record(_rec(event_date="2026-05-01/2026-05-03"), Known(today=TODAY))
    assert r["region_code"] == "331126" and r["event_date"] == date(2026, 5, 1)
    assert r["basis_of_record"] == "HumanObservation" and r["taxon_rank"] == "species"


def test_lists_flag_protected_and_invasive_names():
    (f,) = lists.flag_of("Mergus squamatus Gould, 1864")  # authorship ignored
    assert (f.kind, f.level, f.name_zh) == ("protected", "I", "中华秋沙鸭")
    (f,) = lists.flag_of("Solidago canadensis L.")
    assert (f.kind, f.name_zh, f.confidence) == ("invasive", "加拿大一枝黄花", "confirmed")
    (f,) = lists.flag_of("Taxus wallichiana var. mairei")
    assert (f.level, f.list_key) == ("I", "protected_plants_2021")
    assert lists.flag_of("Pycnonotus sinensis") == ()
    assert {i.key for i in lists.lists()} == {"protected_animals_2021", "protected_plants_2021",
                                              "invasive_2022"}  # fmt: skip


def test_status_follows_the_dates():
    assert area_status(None, None, TODAY) == "planned"
    assert area_status(date(2026, 12, 8), None, TODAY) == "planned"
    assert area_status(date(2026, 3, 1), None, TODAY) == "surveying"
    assert area_status(date(2026, 3, 1), date(2026, 12, 7), TODAY) == "done"
    p = progress(["done", "planned", "done", "surveying"])
    assert (p.done, p.total, p.share_done) == (2, 4, 50.0)


def _csv(*rows: str) -> bytes:
    return (HEAD + "\n".join(rows) + "\n").encode()


def test_import_flags_export_and_kpi(session):
    seed_regions(session)
    area_id = svc.save_area(session, PROVINCE, AREA | {"started_on": date(2026, 3, 1)})
    bad = _csv("A1,Syrmaticus ellioti,白颈长尾雉,Aves,2026-05-03,27.76,119.20,2,调查组,HumanObservation,ZJ-BD-01",
               "A2,Solidago canadensis,加拿大一枝黄花,Magnoliopsida,,27.75,119.21,40,调查组,HumanObservation,ZJ-BD-01",
               "A3,Mergus squamatus,中华秋沙鸭,Aves,2026-01-10,,,6,调查组,HumanObservation,ZJ-BD-01",
               "A4,Muntiacus crinifrons,黑麂,Mammalia,2026-02-01,31.23,121.47,1,调查组,MachineObservation,ZJ-BD-01")  # fmt: skip
    with pytest.raises(ImportRejected) as e:
        svc.import_records(session, PROVINCE, bad, max_bytes=1 << 20, today=TODAY)
    text = "\n".join(e.value.problems)
    assert "row 3, column E (eventDate): eventDate is required" in text
    assert "row 4, column F (decimalLatitude): decimalLatitude is required" in text
    assert "row 5, column G (decimalLongitude): (121.47, 31.23) lies outside Zhejiang" in text
    assert e.value.rows == [3, 4, 5]
    assert session.scalar(select(func.count()).select_from(EcoOccurrence)) == 0
    good = _csv("A1,Syrmaticus ellioti,白颈长尾雉,Aves,2026-05-03,27.76,119.20,2,调查组,HumanObservation,ZJ-BD-01",
                "A2,Solidago canadensis,加拿大一枝黄花,Magnoliopsida,2026-06-01,27.75,119.21,40,调查组,HumanObservation,ZJ-BD-01",
                "A3,Pycnonotus sinensis,白头鹎,Aves,2026-06-02,27.74,119.22,3,调查组,HumanObservation,ZJ-BD-01")  # fmt: skip
    r = svc.import_records(session, QINGYUAN, good, max_bytes=1 << 20, today=TODAY)
    assert (r.created, r.updated) == (3, 0)
    d = svc.area_detail(session, QINGYUAN, area_id, on=TODAY)
    assert (d["status"], d["species"], d["protected"], d["invasive"]) == ("surveying", 3, 1, 1)
    assert d["species_list"][0]["scientific_name"] == "Syrmaticus ellioti"  # protected first
    assert d["species_list"][1]["invasive"] is True
    heads, rows = svc.export_dwc(session, QINGYUAN, area_id=area_id)
    assert heads[:4] == ("occurrenceID", "basisOfRecord", "eventDate", "scientificName")
    assert {"decimalLatitude", "decimalLongitude", "coordinateUncertaintyInMeters", "class",
            "order", "individualCount", "locationID", "geodeticDatum"} <= set(heads)  # fmt: skip
    first = dict(zip(heads, rows[0], strict=True))
    assert first["occurrenceID"] == "A1" and first["county"] == "庆元县"
    assert first["locationID"] == "ZJ-BD-01" and "国家I级重点保护" in first["occurrenceRemarks"]
    # KPI of plan 9.1: none done yet, then one once its survey finished
    kpi = kpi_registry().get("ecology.survey_areas_done")
    v = kpi.value(session, "330000", Period(date(2026, 1, 1), TODAY))
    assert v is not None and v.value == 0 and "已完成 0 / 1" in v.basis
    svc.set_area_dates(session, PROVINCE, area_id, started_on=date(2026, 3, 1),
                       finished_on=date(2026, 11, 30), today=TODAY)  # fmt: skip
    v = kpi.value(session, "331100", Period(date(2026, 1, 1), TODAY))
    assert v is not None and v.value == 1
    assert kpi.value(session, "330100", Period(date(2026, 1, 1), TODAY)) is None


def test_area_rules(session):
    seed_regions(session)
    with pytest.raises(PermissionDenied, match="set by province and city officers"):
        svc.save_area(session, QINGYUAN, AREA)
    area_id = svc.save_area(session, PROVINCE, AREA)
    with pytest.raises(
        EcologyError, match="finished_on 2026-03-01 is before started_on 2026-04-01"
    ):
        svc.set_area_dates(session, PROVINCE, area_id, started_on=date(2026, 4, 1),
                           finished_on=date(2026, 3, 1), today=TODAY)  # fmt: skip
    with pytest.raises(EcologyError, match="started_on is missing"):
        svc.set_area_dates(session, PROVINCE, area_id, started_on=None,
                           finished_on=date(2026, 3, 1), today=TODAY)  # fmt: skip
    with pytest.raises(EcologyError, match="lies outside Zhejiang"):
        svc.save_area(session, PROVINCE, AREA | {"code": "X", "geometry": {"type": "Polygon",
                      "coordinates": [[[116.3, 39.9], [116.5, 39.9], [116.5, 40.0], [116.3, 39.9]]]}})  # fmt: skip
    with pytest.raises(PermissionDenied):
        svc.list_areas(session, Scope("330000", Role.PUBLIC))
    # a county officer records in the county only
    with pytest.raises(ImportRejected, match="outside your region 330106"):
        svc.import_records(session, Scope("330106", Role.COUNTY), _csv(
            "B1,Sus scrofa,野猪,Mammalia,2026-05-03,27.76,119.20,2,调查组,HumanObservation,"),
            max_bytes=1 << 20, today=TODAY)  # fmt: skip
