"""The catalogue: sizes at both scales, real sites present, identifiers well formed."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from qingshan.archive.models import Industry
from qingshan.sim.catalog import build_catalogue
from qingshan.sim.cities import CITIES
from qingshan.sim.limits import SOURCE_TYPES
from qingshan.sim.names import credit_code_check, org_code_check
from qingshan.sim.scale import SCALES, get_scale

from .conftest import small_catalogue


@pytest.fixture(scope="module")
def full():
    return build_catalogue(SCALES["full"], np.random.default_rng([2021, 0]), date(2026, 6, 1))


def test_full_scale_meets_the_sizes(full):
    kinds = full.sites["kind"].value_counts()
    assert kinds["air_station"] >= 100
    assert kinds["water_section"] >= 160
    assert kinds["drinking_water_source"] >= 11
    assert len(full.enterprises) >= 500
    assert set(full.enterprises["industry"]) == {i.value for i in Industry}
    assert kinds["gas_outlet"] > 300 and kinds["water_outlet"] > 300


def test_small_scale_sizes(catalogue):
    kinds = catalogue.sites["kind"].value_counts()
    assert kinds["air_station"] == 53 + len(CITIES)
    assert kinds["water_section"] == 47 + 2 * len(CITIES)
    assert kinds["drinking_water_source"] == len(CITIES)
    assert len(catalogue.enterprises) == 3 * len(CITIES)
    assert set(catalogue.enterprises["region_code"].str[:4]) == {c[:4] for c in CITIES}


def test_catalogue_is_deterministic(catalogue):
    again = small_catalogue()
    assert again.sites.drop(columns="gen").equals(catalogue.sites.drop(columns="gen"))
    assert again.enterprises.equals(catalogue.enterprises)
    other = small_catalogue(seed=7)
    assert not other.enterprises["name"].equals(catalogue.enterprises["name"])


def test_real_stations_keep_code_name_coordinates(catalogue):
    sites = catalogue.sites.set_index("code")
    s = sites.loc["1223A"]
    assert (s["name"], s["kind"], s["control_level"], s["region_code"]) == (
        "滨江",
        "air_station",
        "national",
        "330108",  # 滨江区: the county its coordinates lie in (issue #13)
    )
    assert (s["longitude"], s["latitude"]) == (120.211, 30.21)
    assert "replayed_from" in s["attrs"]
    assert "estimated" in sites.loc["1238A"]["attrs"]["coordinates"]  # missing in the list
    assert "replayed_from" not in sites.loc["1238A"]["attrs"]  # no 2019 data published


def test_every_section_has_a_target_class(full):
    water = full.sites[full.sites["kind"].isin(["water_section", "drinking_water_source"])]
    assert water["attrs"].map(lambda a: a["target_class"]).isin([2, 3, 4]).all()
    assert set(water["attrs"].map(lambda a: a["water_body"])) == {"river", "lake"}
    national = water[water["control_level"] == "national"]
    assert len(national) == 47 and national["code"].is_unique


def test_sites_lie_in_zhejiang(full):
    assert full.sites["longitude"].between(118.0, 123.0).all()
    assert full.sites["latitude"].between(27.0, 31.3).all()
    assert full.sites["code"].is_unique


def test_credit_codes_are_gb32100_shaped(full):
    codes = full.enterprises["credit_code"]
    assert codes.is_unique and (codes.str.len() == 18).all()
    for code in codes:
        assert code[:2] == "91" and code[2:4] == "33"
        assert org_code_check(code[8:16]) == code[16]
        assert credit_code_check(code[:17]) == code[17]
    # the worked example of GB 32100-2015
    assert credit_code_check("91350100M000100Y4") == "3"
    assert full.enterprises["name"].is_unique
    assert full.enterprises["name"].str.endswith("有限公司").all()


def test_permits_and_limits(full):
    assert len(full.permits) == len(full.enterprises)
    assert (full.permits["valid_to"] > full.permits["valid_from"]).all()
    assert full.permits["number"].str.fullmatch(r"[0-9A-Z]{18}\d{3}P").all()
    outlets = full.sites[full.sites["kind"].isin(["gas_outlet", "water_outlet"])]
    for site in outlets.head(50).itertuples():
        st = SOURCE_TYPES[site.attrs["source_type"]]
        got = full.limits[full.limits["site_code"] == site.code]
        assert dict(zip(got["parameter_code"], got["limit"], strict=True)) == dict(st.limits)
        if site.kind == "gas_outlet":
            assert site.attrs["reference_o2"] == st.reference_o2
    assert set(full.limits["standard"].str[:7]) >= {"GB 1322", "GB 4915", "GB 3544"}


def test_unknown_scale_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown scale 'huge'; valid: small, full"):
        get_scale("huge")
