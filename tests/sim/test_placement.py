"""Every demo site in the county its coordinates lie in; approximate positions marked and
spread; basins and names of the sections (issue #13, defects 2 and 7)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pytest

from qingshan.geo.counties import county_at
from qingshan.geo.regions import REGIONS, RegionLevel
from qingshan.sim.catalog import build_catalogue
from qingshan.sim.cities import CITIES
from qingshan.sim.placement import disambiguate, pull_inside, spread_in_city, whole_city
from qingshan.sim.reference import read_national_water_sections, read_water_section_places
from qingshan.sim.scale import SCALES


@pytest.fixture(scope="module")
def sites():
    cat = build_catalogue(SCALES["full"], np.random.default_rng([2021, 0]), date(2026, 6, 1))
    return cat.sites.set_index("code", drop=False)


def test_every_site_is_in_the_county_of_its_coordinates(sites):
    found = county_at(sites["longitude"].to_numpy(), sites["latitude"].to_numpy())
    assert list(sites["region_code"]) == list(found)
    assert all(REGIONS[c].level is RegionLevel.COUNTY for c in sites["region_code"])


def test_national_stations_get_their_county(sites):
    assert sites.loc["1223A", "region_code"] == "330108"  # 滨江 station, 滨江区
    assert sites.loc["1226A", "region_code"] == "330114"  # 下沙, 钱塘区 since 2021
    xihu = sites[(sites["region_code"] == "330106") & (sites["kind"] == "air_station")]
    assert sorted(xihu["name"]) == ["云栖", "卧龙桥", "西溪"]


def test_sites_stay_in_their_city(sites):
    city = sites["gen"].map(lambda g: g["city"])
    assert (sites["region_code"].str[:4] == city.str[:4]).all()


def test_outlets_share_their_enterprise_county(sites):
    outlets = sites[sites["kind"].isin(["gas_outlet", "water_outlet"])]
    assert (outlets["region_code"] == outlets["enterprise_code"].str[2:8]).all()


def test_placement_marks(sites):
    air = sites[(sites["kind"] == "air_station") & (sites["control_level"] == "national")]
    marks = Counter(a["placement"] for a in air["attrs"])
    assert marks == {"exact": 51, "approximate": 2}  # two lack coordinates in the CNEMC list
    assert sites.loc["1238A", "attrs"]["placement"] == "approximate"
    national = sites[(sites["kind"] == "water_section") & (sites["control_level"] == "national")]
    assert {a["placement"] for a in national["attrs"]} == {"approximate"}
    provincial = sites[sites["control_level"] == "provincial"]
    assert not any("placement" in a for a in provincial["attrs"])  # synthetic: exact as made


def test_jiekou_lies_at_the_anhui_border(sites):
    jiekou = sites[sites["name"] == "街口(鸠坑口)"].iloc[0]
    assert jiekou["region_code"] == "330127"  # 淳安县
    assert jiekou["longitude"] < 118.8 and 29.6 < jiekou["latitude"] < 29.8
    assert "安徽-浙江省交界新安江鸠坑口断面" in jiekou["attrs"]["location"]


def test_named_places_sit_in_their_named_county():
    places = read_water_section_places()
    names = set(read_national_water_sections()["name"])
    assert set(places.index) <= names
    for name, row in places.iterrows():
        county = REGIONS[county_at(row["lon"], row["lat"], tolerance_km=0.0)]
        assert row["place"].startswith(county.name), (name, county.name)


def test_no_two_sections_stack(sites):
    water = sites[sites["kind"].isin(["water_section", "drinking_water_source"])]
    positions = list(zip(water["longitude"], water["latitude"], strict=True))
    assert len(set(positions)) == len(positions)
    hz = water[water["region_code"].str.startswith("3301")]
    assert len(hz) >= 19
    assert hz["longitude"].min() < 119.0 and hz["longitude"].max() > 120.0  # 淳安 … 余杭
    assert len(set(hz["region_code"])) >= 7


def test_spread_is_deterministic_and_inside():
    city = CITIES["330100"]
    first = [spread_in_city(city, i, 12) for i in range(12)]
    assert first == [spread_in_city(city, i, 12) for i in range(12)]
    assert len(set(first)) == 12
    for lon, lat in first:
        assert str(county_at(lon, lat, tolerance_km=0.0)).startswith("3301")


def test_pull_inside():
    hz = CITIES["330100"]
    assert pull_inside(hz, 120.13, 30.25) == (120.13, 30.25)  # 西湖: inside, untouched
    lon, lat = pull_inside(hz, 120.16 + 0.8, 30.27 + 0.4)  # 嘉兴 / 杭州湾
    assert str(county_at(lon, lat, tolerance_km=0.0)).startswith("3301")
    zs = CITIES["330900"]
    lon, lat = pull_inside(zs, 122.21 + 0.3, 29.99 - 0.3)  # open sea
    assert str(county_at(lon, lat, tolerance_km=0.0)).startswith("3309")
    mid = whole_city(hz)
    assert 119.3 < mid.lon < 119.8  # the middle of 杭州, not its north-east core


def test_grand_canal_sections_are_in_the_canal_system(sites):
    water = sites[sites["kind"] == "water_section"]
    canal = water[water["attrs"].map(lambda a: a.get("river") == "京杭运河")]
    assert len(canal) > 0
    assert {a["basin"] for a in canal["attrs"]} == {"运河水系"}
    basins = Counter(a["basin"] for a in water["attrs"])
    assert all(b.endswith(("流域", "水系", "诸河", "河流")) for b in basins)


def test_section_names_are_distinguishable(sites):
    water = sites[sites["kind"].isin(["water_section", "drinking_water_source"])]
    assert water["name"].is_unique, water["name"][water["name"].duplicated()].tolist()
    assert not water["name"].str.contains("湖湖").any()


def test_disambiguate_by_county():
    assert disambiguate(["南湖坝前", "南湖坝前", "溪口"], ["330109", "330110", "330213"]) == [
        "萧山区南湖坝前",
        "余杭区南湖坝前",
        "溪口",
    ]
    assert disambiguate(["甲", "甲"], ["330106", "330106"]) == ["西湖区甲", "西湖区甲（2）"]


def test_planned_cases_lie_in_their_county():
    from datetime import UTC, datetime

    from qingshan.sim.case_plans import EnterpriseRow, plan_cases

    plant = EnterpriseRow(1, "杭州青山纸业有限公司", "330106", 120.13, 30.25)
    plans = plan_cases(
        np.random.default_rng([2021, 12]), now=datetime(2026, 6, 1, tzinfo=UTC), enterprises=[plant]
    )
    drafts = [p.draft for p in plans if p.draft.enterprise_id is None]
    assert len(drafts) > 100
    found = county_at([d.longitude for d in drafts], [d.latitude for d in drafts], tolerance_km=0)
    assert list(found) == [d.region_code for d in drafts]
