"""Zhejiang's regions: codes (GB/T 2260, 2021+), the scope rule, errors, seeding."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from qingshan.geo.errors import BadRegionCode, GeoError, NotACity, UnknownRegion
from qingshan.geo.models import Region, RegionLevel
from qingshan.geo.regions import (
    CITY_CODES,
    REGIONS,
    children,
    city_of,
    get_region,
    in_scope,
    scope_prefix,
    seed_regions,
)


def test_counts():
    levels = [r.level for r in REGIONS.values()]
    assert levels.count(RegionLevel.PROVINCE) == 1
    assert levels.count(RegionLevel.CITY) == 11
    # 37 districts + 20 county-level cities + 33 counties
    assert levels.count(RegionLevel.COUNTY) == 90
    counties = [r for r in REGIONS.values() if r.level is RegionLevel.COUNTY]
    assert sum(r.name.endswith("区") for r in counties) == 37
    assert sum(r.name.endswith("市") for r in counties) == 20
    assert sum(r.name.endswith("县") for r in counties) == 33


def test_cities():
    assert CITY_CODES == tuple(f"33{i:02d}00" for i in range(1, 12))
    assert [REGIONS[c].name for c in CITY_CODES] == [
        "杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市",
        "金华市", "衢州市", "舟山市", "台州市", "丽水市",
    ]  # fmt: skip
    assert [len(children(c)) for c in CITY_CODES] == [13, 10, 12, 7, 5, 6, 9, 6, 4, 9, 9]


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("330102", "上城区"),  # absorbed 江干区 in 2021
        ("330105", "拱墅区"),  # absorbed 下城区 in 2021
        ("330113", "临平区"),
        ("330114", "钱塘区"),
        ("330383", "龙港市"),
        ("331083", "玉环市"),
        ("331127", "景宁畲族自治县"),
    ],
)
def test_current_codes(code, name):
    assert get_region(code).name == name


@pytest.mark.parametrize("gone", ["330103", "330104", "330185", "331021"])
def test_abolished_codes_are_unknown(gone):
    with pytest.raises(UnknownRegion, match="not a county-level division of"):
        get_region(gone)


def test_records_are_immutable():
    with pytest.raises(TypeError):
        REGIONS["330100"] = REGIONS["330200"]  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGIONS["330100"].name = "x"  # type: ignore[misc]


def test_parents_and_names():
    for r in REGIONS.values():
        assert r.name and r.name_en
        if r.level is RegionLevel.CITY:
            assert r.parent_code == "330000"
        elif r.level is RegionLevel.COUNTY:
            assert r.parent_code == r.code[:4] + "00"


def test_city_of():
    assert city_of("330113").code == "330100"
    assert city_of("330100").code == "330100"
    assert city_of("331127").name == "丽水市"
    with pytest.raises(NotACity, match="330000 .*is the province"):
        city_of("330000")


def test_children():
    assert [r.code for r in children("330000")] == list(CITY_CODES)
    assert children("330102") == ()
    assert [r.code for r in children("330900")] == ["330902", "330903", "330921", "330922"]


@pytest.mark.parametrize(
    ("code", "scope", "expected"),
    [
        ("330102", "330000", True),
        ("331127", "330000", True),
        ("330100", "330000", True),
        ("330102", "330100", True),
        ("330100", "330100", True),
        ("330203", "330100", False),
        ("330102", "330102", True),
        ("330105", "330102", False),
        ("330100", "330102", False),
        ("320102", "330000", False),  # Nanjing, not Zhejiang
    ],
)
def test_in_scope(code, scope, expected):
    assert in_scope(code, scope) is expected


def test_scope_prefix():
    assert scope_prefix("330000") == "33"
    assert scope_prefix("330100") == "3301"
    assert scope_prefix("330113") == "330113"


@pytest.mark.parametrize("bad", ["3301", "33010a", "", "3301000", 330100, None])
def test_bad_format(bad):
    with pytest.raises(BadRegionCode, match="expected six digits"):
        get_region(bad)


def test_unknown_city_lists_cities():
    with pytest.raises(
        UnknownRegion, match=r"not a city of 浙江省; valid city codes: 330100 杭州市"
    ):
        get_region("331200")


def test_outside_zhejiang():
    with pytest.raises(UnknownRegion, match="outside Zhejiang"):
        get_region("320100")


def test_unknown_county_lists_its_city():
    with pytest.raises(UnknownRegion, match=r"舟山市 330900; valid codes: 330902 定海区"):
        get_region("330999")


def test_scope_must_be_known():
    with pytest.raises(UnknownRegion):
        in_scope("330102", "331200")
    with pytest.raises(BadRegionCode):
        in_scope("3301", "330000")


def test_errors_share_a_base():
    assert issubclass(BadRegionCode, GeoError) and issubclass(UnknownRegion, GeoError)
    assert UnknownRegion.status_code == 404


def test_seed_regions_idempotent(session):
    assert seed_regions(session) == 102
    session.flush()
    assert session.scalar(select(func.count()).select_from(Region)) == 102
    assert seed_regions(session) == 0
    row = session.get(Region, "330113")
    assert (row.name, row.level, row.parent_code) == ("临平区", RegionLevel.COUNTY, "330100")
    row.name = "旧名"
    session.flush()
    assert seed_regions(session) == 1
    assert session.get(Region, "330113").name == "临平区"
