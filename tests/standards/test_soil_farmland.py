"""GB 15618-2018 farmland soil: pH bands, screening / control values, §5 levels, categories.

The table cells are tagged MC in :mod:`qingshan.standards.soil_farmland_tables` (agreeing
secondary sources, not read in the standard's own text here), so the expectations below take
the values from the data and test the behaviour around them: every pH band edge, each side of
every screening and control value, the row chosen for each land use, and bad input.
"""

from decimal import Decimal

import pytest

from qingshan.standards.errors import InvalidValue, UnknownIndicator, UnknownKeyError
from qingshan.standards.soil_farmland import (
    CATEGORY_NAMES,
    ITEMS,
    LAND_USES,
    LEVEL_NAMES,
    PH_BAND_LABELS,
    PH_BANDS,
    control_value,
    farmland_category,
    judge_farmland,
    ph_band,
    screening_value,
)
from qingshan.standards.soil_farmland_tables import (
    CONTROL,
    CONTROLLED,
    SCREENING,
    SCREENING_CONFIDENCE,
    TABLE2_SCREENING,
)

#: a pH inside each band, and each band's upper edge (in the band: "pH≤5.5", "5.5<pH≤6.5" …)
MID = (5.0, 6.0, 7.0, 8.0)
EPS = Decimal("0.000001")


def _row(item: str, land_use: str) -> str:
    rows = SCREENING[item]
    if "all" in rows:
        return "all"
    if item == "Cu":
        return "orchard" if land_use == "orchard" else "other"
    return "paddy" if land_use == "paddy" else "other"


# ---------------------------------------------------------------- pH bands


@pytest.mark.parametrize(
    ("ph", "band"),
    [
        (0, "pH<=5.5"),
        (4.2, "pH<=5.5"),
        (5.5, "pH<=5.5"),  # "pH≤5.5": 5.5 belongs to the first band
        ("5.5", "pH<=5.5"),
        (Decimal("5.500001"), "5.5<pH<=6.5"),
        (5.51, "5.5<pH<=6.5"),
        (6.5, "5.5<pH<=6.5"),  # "5.5<pH≤6.5"
        (6.500001, "6.5<pH<=7.5"),
        (7.5, "6.5<pH<=7.5"),  # "6.5<pH≤7.5"
        (7.500001, "pH>7.5"),  # "pH>7.5"
        (14, "pH>7.5"),
    ],
)
def test_ph_band_edges_as_the_table_writes_them(ph, band):
    assert ph_band(ph) == band


def test_band_labels_are_the_printed_headings():
    assert [PH_BAND_LABELS[b] for b in PH_BANDS] == ["pH≤5.5", "5.5<pH≤6.5", "6.5<pH≤7.5", "pH>7.5"]


@pytest.mark.parametrize(
    "ph", [-0.01, 14.01, 15, -1, float("nan"), float("inf"), None, "acid", True]
)
def test_ph_outside_0_14_or_not_a_number_refused(ph):
    with pytest.raises(InvalidValue) as err:
        ph_band(ph)
    assert err.value.field == "pH"
    with pytest.raises(InvalidValue) as err:
        judge_farmland("Cd", 0.1, ph, "paddy")
    assert err.value.field == "pH"


def test_ph_out_of_range_message_names_value():
    with pytest.raises(InvalidValue, match=r"pH 14\.5 is outside 0–14"):
        ph_band(14.5)


# ---------------------------------------------------------------- screening and control


CASES = [
    (item, lu, b) for item in SCREENING for lu in ("paddy", "other", "orchard") for b in range(4)
]


@pytest.mark.parametrize(("item", "land_use", "band"), CASES)
def test_each_side_of_every_screening_value(item, land_use, band):
    ph = MID[band]
    s = Decimal(SCREENING[item][_row(item, land_use)][band])
    j = judge_farmland(item, s, ph, land_use)
    assert j.screening == float(s)
    assert j.level == "within_screening"  # §5.1 "等于或者低于" the screening value
    assert j.ph_band == PH_BANDS[band]
    j = judge_farmland(item, s - EPS, ph, land_use)
    assert j.level == "within_screening"
    j = judge_farmland(item, s + EPS, ph, land_use)
    assert j.level == "over_screening"  # "高于" the screening value
    assert judge_farmland(item, 0, ph, land_use).level == "within_screening"


@pytest.mark.parametrize(("item", "band"), [(i, b) for i in CONTROL for b in range(4)])
def test_each_side_of_every_control_value(item, band):
    ph = MID[band]
    c = Decimal(CONTROL[item][band])
    for land_use in ("paddy", "other"):
        j = judge_farmland(item, c, ph, land_use)
        assert j.control == float(c)
        assert j.level == "over_screening"  # §5.2: above screening, "等于或者低于" control
        assert judge_farmland(item, c + EPS, ph, land_use).level == "over_control"  # §5.3
        assert judge_farmland(item, c - EPS, ph, land_use).level == "over_screening"
    assert control_value(item, ph) == float(c)


@pytest.mark.parametrize("item", [i for i in ITEMS if i not in CONTROL])
def test_items_without_control_value_never_over_control(item):
    assert control_value(item, 6.0) is None
    j = judge_farmland(item, 1e6, 6.0, "paddy")
    assert j.control is None
    assert j.level == "over_screening"


@pytest.mark.parametrize(("band", "ph"), list(enumerate((5.5, 6.5, 7.5, 7.6))))
def test_edge_ph_selects_the_lower_band_column(band, ph):
    """At pH 5.5, 6.5 and 7.5 exactly the column of the band the edge belongs to is used."""
    assert screening_value("Cd", ph, "paddy") == float(SCREENING["Cd"]["paddy"][band])
    assert control_value("Pb", ph) == float(CONTROL["Pb"][band])


def test_controlled_items_are_the_five_of_table3():
    assert set(CONTROLLED) == {"Cd", "Hg", "As", "Pb", "Cr"}
    assert set(SCREENING) == {"Cd", "Hg", "As", "Pb", "Cr", "Cu", "Ni", "Zn"}
    assert set(TABLE2_SCREENING) == {"hch", "ddt", "benzo_a_pyrene"}
    assert all(ITEMS[k].basic for k in SCREENING)
    assert not any(ITEMS[k].basic for k in TABLE2_SCREENING)


# ---------------------------------------------------------------- land uses


@pytest.mark.parametrize("item", ["Cd", "Hg", "As", "Pb", "Cr"])
def test_paddy_versus_other_rows(item):
    for band, ph in enumerate(MID):
        paddy = Decimal(SCREENING[item]["paddy"][band])
        other = Decimal(SCREENING[item]["other"][band])
        assert screening_value(item, ph, "paddy") == float(paddy)
        assert screening_value(item, ph, "other") == float(other)
        assert screening_value(item, ph, "orchard") == float(other)  # an orchard is not paddy
        assert screening_value(item, ph, "rotation") == float(min(paddy, other))  # Table 1 note 2
        if paddy != other:  # a value between the two rows: within one, over the other
            v = max(paddy, other)
            lower_row = "paddy" if paddy < other else "other"
            higher_row = "other" if lower_row == "paddy" else "paddy"
            assert judge_farmland(item, v, ph, lower_row).level == "over_screening"
            assert judge_farmland(item, v, ph, higher_row).level == "within_screening"


def test_paddy_and_other_rows_differ_somewhere():
    """The land use matters: each of the five has a band where the rows differ."""
    for item in ("Cd", "Hg", "As", "Pb", "Cr"):
        assert SCREENING[item]["paddy"] != SCREENING[item]["other"], item


def test_copper_orchard_row():
    for band, ph in enumerate(MID):
        orchard = float(SCREENING["Cu"]["orchard"][band])
        other = float(SCREENING["Cu"]["other"][band])
        assert screening_value("Cu", ph, "orchard") == orchard
        assert screening_value("Cu", ph, "paddy") == other
        assert screening_value("Cu", ph, "other") == other
        assert screening_value("Cu", ph, "rotation") == other


@pytest.mark.parametrize("item", ["Ni", "Zn", "hch", "ddt", "benzo_a_pyrene"])
def test_items_without_land_use_split(item):
    for ph in MID:
        values = {screening_value(item, ph, lu) for lu in LAND_USES}
        assert len(values) == 1


@pytest.mark.parametrize("item", ["hch", "ddt", "benzo_a_pyrene"])
def test_table2_items_independent_of_ph(item):
    expected = float(TABLE2_SCREENING[item])
    assert {screening_value(item, ph, "paddy") for ph in (0, 5.5, 7.0, 14)} == {expected}


def test_every_row_is_tagged():
    for item, rows in SCREENING.items():
        assert set(SCREENING_CONFIDENCE[item]) == set(rows)
        assert set(SCREENING_CONFIDENCE[item].values()) <= {"confirmed", "MC", "U"}


# ---------------------------------------------------------------- exactness and bad input


def test_float_noise_does_not_cross_a_screening_value():
    s = Decimal(SCREENING["Cd"]["other"][0])
    noisy = float(s - Decimal("0.1")) + 0.1  # e.g. 0.2 + 0.1 = 0.30000000000000004
    assert judge_farmland("Cd", noisy, 5.0, "other").level == "within_screening"
    assert judge_farmland("Cd", str(s), 5.0, "other").level == "within_screening"


def test_unknown_item_names_close_matches():
    with pytest.raises(UnknownIndicator) as err:
        judge_farmland("Cd2", 0.1, 6.0, "paddy")
    assert "Cd" in err.value.near
    with pytest.raises(UnknownIndicator):
        farmland_category({"Cd": 0.1, "lead": 10}, 6.0, "paddy")


def test_unknown_land_use_refused():
    with pytest.raises(UnknownKeyError, match="land use 'upland'"):
        judge_farmland("Cd", 0.1, 6.0, "upland")


@pytest.mark.parametrize("value", [-0.01, float("nan"), None, "a lot", float("inf"), True])
def test_bad_content_refused_naming_the_item(value):
    with pytest.raises(InvalidValue) as err:
        judge_farmland("Pb", value, 6.0, "paddy")
    assert err.value.field == "Pb"


# ---------------------------------------------------------------- category per sample


def _at(item, band, land_use="paddy", *, over=Decimal(0)):
    return Decimal(SCREENING[item][_row(item, land_use)][band]) + over


def test_category_priority_protection():
    sample = {k: _at(k, 1) for k in SCREENING} | {
        k: Decimal(v) for k, v in TABLE2_SCREENING.items()
    }
    r = farmland_category(sample, 6.0, "paddy")
    assert r.category == "priority_protection"
    assert r.deciding == ()
    assert r.monitor == ()
    assert [j.item for j in r.judgements] == [k for k in ITEMS if k in sample]
    assert r.name_zh == "优先保护类"


def test_category_safe_use_names_the_deciding_items():
    sample = {"Cd": _at("Cd", 1, over=EPS), "As": _at("As", 1, over=EPS), "Pb": Decimal(1)}
    r = farmland_category(sample, 6.0, "paddy")
    assert r.category == "safe_use"
    assert r.deciding == ("Cd", "As")
    assert CATEGORY_NAMES[r.category][0] == "安全利用类"


def test_category_safe_use_up_to_the_control_value():
    sample = {"Hg": Decimal(CONTROL["Hg"][2])}  # equal to the control value: still safe use
    assert farmland_category(sample, 7.0, "other").category == "safe_use"


def test_category_strict_control():
    sample = {
        "Cd": Decimal(CONTROL["Cd"][3]) + EPS,
        "Pb": _at("Pb", 3, over=EPS),
        "Cr": Decimal(CONTROL["Cr"][3]) * 2,
    }
    r = farmland_category(sample, 8.0, "paddy")
    assert r.category == "strict_control"
    assert r.deciding == ("Cd", "Cr")
    assert r.name_zh == "严格管控类"


def test_items_without_control_value_are_monitored_not_deciding():
    sample = {"Cd": Decimal("0"), "Cu": _at("Cu", 0, "orchard", over=EPS), "ddt": Decimal("5")}
    r = farmland_category(sample, 5.0, "orchard")
    assert r.category == "priority_protection"
    assert r.monitor == ("Cu", "ddt")


def test_same_sample_differs_by_land_use():
    """A Cd content between the paddy and other screening values (pH 6.5<pH≤7.5)."""
    paddy, other = (Decimal(SCREENING["Cd"][r][2]) for r in ("paddy", "other"))
    v = max(paddy, other)
    cats = {lu: farmland_category({"Cd": v}, 7.0, lu).category for lu in ("paddy", "other")}
    assert set(cats.values()) == {"priority_protection", "safe_use"}


def test_empty_sample_refused():
    with pytest.raises(InvalidValue, match="at least one item"):
        farmland_category({}, 6.0, "paddy")


def test_one_bad_value_refuses_the_sample():
    with pytest.raises(InvalidValue) as err:
        farmland_category({"Cd": 0.1, "Hg": -1}, 6.0, "paddy")
    assert err.value.field == "Hg"


def test_level_names_zh_en():
    assert LEVEL_NAMES["over_control"][0] == "超过风险管制值"
    assert set(LEVEL_NAMES) == {"within_screening", "over_screening", "over_control"}
