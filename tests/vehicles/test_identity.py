"""Plates (GA 36-2018 format [MC]) and VINs (GB 16735 / ISO 3779 check digit): hand-worked cases."""

from __future__ import annotations

import pytest

from qingshan.vehicles.errors import PlateInvalid, VinInvalid
from qingshan.vehicles.identity import (
    check_plate,
    check_vin,
    plate_problem,
    plate_problems,
    vin_check_digit,
    vin_problems,
)


@pytest.mark.parametrize(
    ("plate", "kind"),
    [
        ("浙A12345", "ordinary"),
        ("浙BZ9X8Y", "ordinary"),
        ("浙AD12345", "new_energy_small"),  # D: pure electric, serial position 1
        ("浙AFK1234", "new_energy_small"),  # F: not purely electric; serial 2 may be a letter
        ("浙A12345D", "new_energy_large"),  # large: 5 digits, then D/F
        ("沪C00001F", "new_energy_large"),
    ],
)
def test_valid_plates_and_their_kind(plate, kind):
    assert check_plate(plate) == kind


@pytest.mark.parametrize(
    ("plate", "position", "match"),
    [
        ("浙A1234", 0, r"length: 6 characters; an ordinary plate has 7, a new-energy plate 8"),
        ("A123456", 1, r"position 1: 'A' is not a province abbreviation"),
        ("浙112345", 2, r"position 2: '1' is not an issuing-authority letter"),
        ("浙A1O345", 4, r"position 4: 'O' is not a serial character .*\(I and O are never used\)"),
        ("浙AI2345", 3, r"position 3: 'I'"),
        ("浙AA12345", 3, r"position 3: 'A' is not an energy letter \(DF\) or a digit"),
        ("浙ADI1234", 4, r"position 4: 'I'"),
        ("浙AD1234F", 8, r"position 8: 'F' is not a digit \(small new-energy plate"),
        ("浙A1234DF", 7, r"position 7: 'D' is not a digit \(large new-energy plate"),
        ("浙A123456", 8, r"position 8: '6' is not an energy letter \(DF\) — large"),
        ("沪A1234学", 7, r"special-use plates"),
    ],
)
def test_invalid_plates_name_the_position(plate, position, match):
    with pytest.raises(PlateInvalid, match=match) as info:
        check_plate(plate)
    assert info.value.position == position


def test_reserved_energy_letters_only_when_asked():
    with pytest.raises(PlateInvalid, match="position 3"):
        check_plate("浙AA12345")
    assert check_plate("浙AA12345", extended_energy_letters=True) == "new_energy_small"


def test_plate_type_must_match_the_plate():
    assert plate_problem("浙A12345", "small") == ""
    assert plate_problem("浙A12345", "large") == ""
    assert plate_problem("浙AD12345", "small") == (
        "plate '浙AD12345' is a new_energy_small plate, but plate_type is 'small'"
    )
    assert plate_problem("浙A12345", "tractor").startswith("plate_type 'tractor': not one of small")
    assert list(plate_problems(["浙A12345", None, "浙A1234"])) == [
        "",
        "plate: missing",
        "plate '浙A1234': length: 6 characters; an ordinary plate has 7, a new-energy plate 8",
    ]


def test_vin_check_digit_worked_examples():
    # 49 CFR 565.15 Table V: 1G4AH59H?5G118341 — products 8 49 24 5 32 15 18 80 0 45 56 7 6 40 12 12 2
    # = 411; 411 = 37·11 + 4 → 4
    assert vin_check_digit("1G4AH59H05G118341") == "4"
    # 1M8GDM9A?KP042788: values 1 4 8 7 4 4 9 1 · 2 7 0 4 2 7 8 8, products sum 351; 351 = 31·11 + 10 → X
    assert vin_check_digit("1M8GDM9A0KP042788") == "X"
    # a Chinese WMI, by hand: L3·8 F6·7 V5·6 2·5 A1·4 2·3 1·2 K2·10 · 7·9 3·8 1·7 2·6 3·5 4·4 5·3 6·2
    # = 24+42+30+10+4+6+2+20+63+24+7+12+15+16+15+12 = 302; 302 = 27·11 + 5 → 5
    assert vin_check_digit("LFV2A21K073123456") == "5"
    check_vin("LFV2A21K573123456")
    check_vin("1M8GDM9AXKP042788")


@pytest.mark.parametrize(
    ("vin", "position", "match"),
    [
        ("LFV2A21K57312345", 0, r"length: 16 characters; a VIN has 17"),
        (
            "LFV2A21K5731234O6",
            16,
            r"position 16: 'O' is not a VIN character .*\(I, O and Q are never used\)",
        ),
        ("lFV2A21K573123456", 1, r"position 1: 'l' is not a VIN character"),
        (
            "LFV2A21K673123456",
            9,
            r"position 9: check digit is '6', the other 16 characters give '5'",
        ),
    ],
)
def test_invalid_vins_name_the_position(vin, position, match):
    with pytest.raises(VinInvalid, match=match) as info:
        check_vin(vin)
    assert info.value.position == position


def test_check_digit_optional_for_iso_3779_vins():
    check_vin("LFV2A21K673123456", require_check_digit=False)
    with pytest.raises(VinInvalid, match="position 3: 'Q'"):
        check_vin("LFQ2A21K673123456", require_check_digit=False)
    assert list(vin_problems(["LFV2A21K573123456", 5])) == ["", "vin: missing"]
