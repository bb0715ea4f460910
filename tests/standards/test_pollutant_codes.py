import pytest

from qingshan.standards.errors import StandardsError, UnknownPollutantCode
from qingshan.standards.pollutant_codes import (
    CODE_2005_TO_2017,
    CODE_2005_TO_2017_BY_MEDIUM,
    POLLUTANT_CODES,
    medium_of_st,
    normalise_code,
)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("SO2", "a21026"),
        ("PM2.5", "a34004"),
        ("pm10", "a34002"),
        ("O2", "a19001"),
        ("NOx", "a21002"),
        ("a21026", "a21026"),
        ("A21026", "a21026"),
        ("02", "a21026"),
        ("01", "a34013"),
        ("S01", "a19001"),
        ("B02", "a00000"),
        ("B01", "w00000"),
        ("001", "w01001"),
        ("011", "w01018"),
        ("060", "w21003"),
        ("NH3-N", "w21003"),
        ("二氧化硫", "a21026"),
        ("氨氮", "w21003"),
    ],
)
def test_normalise(given, expected):
    assert normalise_code(given) == expected


def test_table_rows():
    so2 = POLLUTANT_CODES["a21026"]
    assert (so2.code, so2.name, so2.unit, so2.code_2005) == ("a21026", "二氧化硫", "mg/m³", "02")
    assert POLLUTANT_CODES["w01001"].name_en == "pH"
    assert all(code == p.code for code, p in POLLUTANT_CODES.items())


def test_2005_map_from_reference():
    expected = {
        "B01": "w00000", "001": "w01001", "011": "w01018", "060": "w21003", "101": "w21011",
        "065": "w21001", "B02": "a00000", "01": "a34013", "02": "a21026", "03": "a21002",
        "S01": "a19001", "S02": "a01011", "S03": "a01012", "S05": "a01014", "S08": "a01013",
    }  # fmt: skip
    for old, new in expected.items():
        assert CODE_2005_TO_2017[old] == new
    assert set(CODE_2005_TO_2017.values()) <= set(POLLUTANT_CODES)


def test_medium_context():
    assert medium_of_st("32") == "water" and medium_of_st("31") == "air"
    assert normalise_code("01", medium="air") == "a34013"
    assert "01" not in CODE_2005_TO_2017_BY_MEDIUM["water"]
    with pytest.raises(UnknownPollutantCode, match=r"unknown pollutant code '01'"):
        # "01" is not a water code; nor any alias
        normalise_code("01", medium="water")


def test_immutable():
    with pytest.raises(TypeError):
        POLLUTANT_CODES["x"] = None  # type: ignore[index]


def test_unknown_lists_near_matches():
    with pytest.raises(
        UnknownPollutantCode, match=r"unknown pollutant code 'SO3'; did you mean .*SO2"
    ):
        normalise_code("SO3")
    with pytest.raises(StandardsError, match=r"valid: "):
        normalise_code("zzzz")
