"""The transcribed National Hazardous Waste List: counts and consistency of the data files.

Counts from the list itself: 2021 附表 467 rows (部令第15号; the MEE explainer: "467种"), 46
categories (HW01–HW40, HW45–HW50); 2021 附录 32 items; 2025 edition 470 rows (MEE Q&A [MC]).
"""

import json
import re
from collections import Counter
from importlib import resources

import pytest

from qingshan.waste.codes import CATEGORY_CODES, HAZARDS, Edition, edition_table, parse_hazard


def _raw(name: str) -> dict:
    return json.loads(resources.files("qingshan.waste").joinpath("data", name).read_text("utf-8"))


def test_2021_table_has_the_467_rows_and_46_categories_of_the_list():
    table = edition_table(Edition.E2021)
    assert table.complete is True
    assert table.official_count == 467
    assert len(table.rows) == 467
    assert len({r.category for r in table.rows.values()}) == 46
    assert sorted(table.categories) == list(CATEGORY_CODES)
    assert not {"HW41", "HW42", "HW43", "HW44"} & set(table.categories)


def test_2021_codes_are_unique_and_carry_their_category():
    entries = _raw("hw_list_2021.json")["entries"]
    codes = [e["code"] for e in entries]
    assert len(set(codes)) == len(codes) == 467
    for e in entries:
        assert re.fullmatch(r"\d{3}-\d{3}-\d{2}", e["code"]), e
        assert e["category"] == "HW" + e["code"][-2:], e
        assert e["industry"] and e["name"], e


def test_2021_rows_per_category_as_printed():
    counts = Counter(r.category for r in edition_table(Edition.E2021).rows.values())
    # Worked from the 附表: HW01 五 rows (841-001-01 … 841-005-01), HW11 the largest (85),
    # HW50 44, HW08 32, HW03 one (900-002-03).
    assert counts["HW01"] == 5
    assert counts["HW11"] == 85
    assert counts["HW50"] == 44
    assert counts["HW08"] == 32
    assert counts["HW03"] == 1
    assert sum(counts.values()) == 467


def test_every_hazard_string_parses_into_the_five_characteristics():
    seen: set[str] = set()
    for row in edition_table(Edition.E2021).rows.values():
        parsed = parse_hazard(row.hazard)
        assert parsed and parsed <= set(HAZARDS), row
        seen |= parsed
    assert seen == set(HAZARDS)


def test_category_names_of_2021():
    names = edition_table(Edition.E2021).categories
    assert names["HW01"] == "医疗废物"
    assert names["HW08"] == "废矿物油与含矿物油废物"
    assert names["HW48"] == "有色金属采选和冶炼废物"  # 2016: 有色金属冶炼废物
    assert names["HW49"] == "其他废物"
    assert names["HW50"] == "废催化剂"


def test_prefixes_are_industry_codes_or_900():
    prefixes = {code[:3] for code in edition_table(Edition.E2021).rows}
    assert "900" in prefixes
    assert "831" not in prefixes  # medical waste was 831 in 2016, 841 (GB/T 4754-2017) in 2021
    assert {"841", "336", "772", "261", "251"} <= prefixes


def test_2021_exemption_list_has_32_items():
    raw = _raw("exemptions_2021.json")
    assert raw["official_items"] == 32
    items = sorted({r["item"] for r in raw["rows"]})
    assert items == list(range(1, 33))
    assert all(r["stages"] for r in raw["rows"])
    assert all(r["condition"] and r["content"] for r in raw["rows"])


def test_2025_file_says_it_is_partial_with_its_official_count():
    table = edition_table(Edition.E2025)
    assert table.complete is False
    assert table.official_count == 470
    raw = _raw("hw_list_2025.json")
    assert raw["transcribed_count"] == len(raw["entries"]) == len(table.rows)
    assert "PARTIAL" in raw["method"]


@pytest.mark.parametrize("name", ["hw_list_2021.json", "hw_list_2025.json", "exemptions_2021.json"])
def test_every_data_file_names_its_source_and_licence(name):
    raw = _raw(name)
    assert raw["source"] and raw["licence"] and raw["in_force"]
