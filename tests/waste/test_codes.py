"""Codes of the National Hazardous Waste List: validation by date, categories, characteristics,
exemptions — with real rows of the 2021 附表 and 附录."""

from datetime import date

import pytest

from qingshan.waste.codes import (
    Edition,
    categories,
    characteristics,
    edition_on,
    entries,
    normalise_code,
    parse_hazard,
    validate_code,
)
from qingshan.waste.errors import (
    MalformedWasteCode,
    UnknownStage,
    UnknownWasteCategory,
    UnknownWasteCode,
    WasteError,
)
from qingshan.waste.exemptions import Stage, exemptions, is_exempt, rows

IN_2021 = date(2023, 6, 30)
IN_2025 = date(2026, 3, 1)


@pytest.mark.parametrize(
    "on, edition",
    [
        (date(2020, 12, 31), Edition.E2016),
        (date(2021, 1, 1), Edition.E2021),
        (date(2024, 12, 31), Edition.E2021),
        (date(2025, 1, 1), Edition.E2025),
    ],
)
def test_edition_is_chosen_by_the_record_date(on, edition):
    assert edition_on(on) is edition


@pytest.mark.parametrize(
    "code, category, name, hazard",
    [
        (
            "900-041-49",
            "HW49",
            "含有或沾染毒性、感染性危险废物的废弃包装物、容器、过滤吸附介质",
            "T/In",
        ),
        (
            "900-249-08",
            "HW08",
            "其他生产、销售、使用过程中产生的废矿物油及沾染矿物油的废弃包装物",
            "T,I",
        ),
        ("900-214-08", "HW08", None, "T,I"),
        ("336-064-17", "HW17", None, "T/C"),
        ("772-002-18", "HW18", "生活垃圾焚烧飞灰", "T"),
        ("772-005-18", "HW18", "固体废物焚烧处置过程中废气处理产生的废活性炭", "T"),
        ("261-151-50", "HW50", None, "T"),
        ("900-052-31", "HW31", "废铅蓄电池及废铅蓄电池拆解过程中产生的废铅板、废铅膏和酸液", "T,C"),
        ("841-004-01", "HW01", "化学性废物", "T/C/I/R"),
        ("072-001-08", "HW08", None, "T"),
    ],
)
def test_frequent_codes_validate_in_2021_with_their_row(code, category, name, hazard):
    got = validate_code(code, IN_2021)
    assert got.code == code and got.category == category
    assert got.edition is Edition.E2021 and got.table_edition is Edition.E2021
    assert got.provisional is False
    assert got.entry is not None and got.entry.hazard == hazard
    if name is not None:
        assert got.name == name


def test_eight_digits_without_hyphens_are_accepted_and_stored_with_hyphens():
    assert normalise_code(" 90004149 ") == "900-041-49"
    assert validate_code("33606417", IN_2021).code == "336-064-17"


@pytest.mark.parametrize("bad", ["900-41-49", "9000414", "HW49", "900-041-4x", "", "900_041_49"])
def test_malformed_code_names_the_expected_pattern(bad):
    with pytest.raises(MalformedWasteCode, match=r"expected NNN-NNN-NN"):
        validate_code(bad, IN_2021)


@pytest.mark.parametrize("code", ["900-041-41", "336-064-42", "900-000-43", "261-151-44"])
def test_categories_41_to_44_do_not_exist(code):
    with pytest.raises(
        UnknownWasteCategory, match=r"unknown category HW4[1-4] \(HW41–HW44 do not exist\)"
    ):
        validate_code(code, IN_2021)


def test_category_beyond_50_or_00_is_unknown():
    with pytest.raises(UnknownWasteCategory, match=r"unknown category HW51;.*HW45–HW50"):
        validate_code("900-041-51", IN_2021)
    with pytest.raises(UnknownWasteCategory, match=r"unknown category HW00"):
        validate_code("900-041-00", IN_2021)


def test_unknown_code_names_the_edition_in_force():
    with pytest.raises(UnknownWasteCode, match=r"not in .* 2021 edition, in force on 2023-06-30"):
        validate_code("900-041-08", IN_2021)
    # 2016 medical-waste prefix 831: gone from the 2021 list (841 since GB/T 4754-2017)
    with pytest.raises(UnknownWasteCode, match=r"831-001-01 is not in .* 2021 edition"):
        validate_code("831-001-01", IN_2021)


def test_2025_dates_use_the_2021_table_provisionally_and_say_so():
    got = validate_code("900-041-49", IN_2025)
    assert got.edition is Edition.E2025
    assert got.table_edition is Edition.E2021
    assert got.provisional is True
    assert got.characteristics == {"T", "In"}
    with pytest.raises(
        UnknownWasteCode,
        match=r"2025 edition.*not fully transcribed: checked against the 2021 table",
    ):
        validate_code("900-041-08", IN_2025)


def test_2016_codes_are_recognised_by_pattern_only():
    old = validate_code("831-001-01", date(2019, 5, 1))
    assert old.edition is Edition.E2016 and old.entry is None and old.provisional is True
    assert old.category == "HW01" and old.characteristics == frozenset()
    with pytest.raises(UnknownWasteCategory, match="HW42"):
        validate_code("900-044-42", date(2019, 5, 1))
    with pytest.raises(MalformedWasteCode):
        validate_code("900-44-49", date(2019, 5, 1))


def test_900_000_codes_for_wastes_identified_by_testing():
    got = validate_code("900-000-08", IN_2021)
    assert got.identified_by_testing is True and got.entry is None and got.category == "HW08"
    with pytest.raises(UnknownWasteCategory, match="HW41"):
        validate_code("900-000-41", IN_2021)


def test_categories_and_entries():
    cats = categories()
    assert len(cats) == 46 and cats["HW31"] == "含铅废物"
    assert categories(IN_2025) == cats  # the 2025 names are not transcribed yet
    hw01 = entries("HW01", IN_2021)
    assert [e.code for e in hw01] == [f"841-00{i}-01" for i in range(1, 6)]
    assert [e.hazard for e in hw01] == ["In", "In", "In", "T/C/I/R", "T"]
    assert len(entries("hw08", IN_2021)) == 32
    with pytest.raises(UnknownWasteCategory, match="HW43"):
        entries("HW43", IN_2021)


def test_characteristics_of_real_rows():
    assert characteristics("261-057-34", IN_2021) == {"C", "T"}
    assert characteristics("193-003-35", IN_2021) == {"C", "R"}
    assert characteristics("900-000-49", IN_2021) == frozenset()
    assert parse_hazard("T，I") == {"T", "I"}
    with pytest.raises(ValueError, match="unknown hazard characteristic 'X'"):
        parse_hazard("T/X")


def test_errors_share_the_package_base():
    with pytest.raises(WasteError):
        validate_code("nope", IN_2021)


# --- exemption list (2021 附录) -------------------------------------------------------------


def test_lead_battery_is_exempt_in_transport_only():
    # item 18: 未破损的废铅蓄电池, 运输, 运输工具满足防雨、防渗漏、防遗撒要求
    assert is_exempt("900-052-31", Stage.TRANSPORT, IN_2021) is True
    assert is_exempt("900-052-31", "utilisation", IN_2021) is False
    (row,) = exemptions("900-052-31", "运输", IN_2021)
    assert row.item == 18
    assert row.condition == "运输工具满足防雨、防渗漏、防遗撒要求。"
    assert row.content == "不按危险废物进行运输。"


def test_oily_rags_are_exempt_in_every_stage_when_not_sorted():
    # item 24: 废弃的含油抹布、劳保用品, 全部环节, 未分类收集
    for stage in Stage:
        if stage is not Stage.ALL:
            assert is_exempt("900-041-49", stage, IN_2021)
    (row,) = exemptions("900041-49", Stage.DISPOSAL, IN_2021)
    assert row.item == 24 and row.condition == "未分类收集。"


def test_fly_ash_exempt_in_transport_and_disposal_not_in_collection():
    # item 12: 772-002-18 运输 and 处置 (landfill per GB 16889; cement kiln per GB 30485 / HJ 662)
    assert is_exempt("772-002-18", "运输", IN_2021)
    disposal = exemptions("772-002-18", "处置", IN_2021)
    assert len(disposal) == 2 and all(r.item == 12 for r in disposal)
    assert any("GB16889" in r.condition for r in disposal)
    assert any("GB30485" in r.condition for r in disposal)
    assert not is_exempt("772-002-18", "收集", IN_2021)


def test_category_rows_cover_their_codes():
    # items 20 and 21: HW34 / HW35 仅具有腐蚀性危险特性的废酸（碱）, 利用
    acid = exemptions("261-057-34", "利用", IN_2021)
    assert {r.item for r in acid} == {20} and len(acid) == 2
    assert is_exempt("900-352-35", "利用", IN_2021)
    assert not is_exempt("261-057-34", "处置", IN_2021)


def test_listed_codes_without_a_row_are_not_exempt():
    assert not is_exempt("336-064-17", "运输", IN_2021)


def test_the_exemption_rows_of_2025_are_provisional():
    later = rows(IN_2025)
    assert later and all(r.provisional for r in later)
    assert not any(r.provisional for r in rows(IN_2021))
    assert {r.item for r in rows(IN_2021)} == set(range(1, 33))


def test_unknown_stage_lists_the_valid_ones():
    with pytest.raises(UnknownStage, match=r"unknown stage '贮存'; valid: 收集 \(collection\)"):
        is_exempt("900-052-31", "贮存", IN_2021)
