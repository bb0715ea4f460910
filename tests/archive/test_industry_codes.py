"""GB/T 4754-2017 小类 codes as data (reference §2, [MC])."""

from __future__ import annotations

import pytest

from qingshan.archive.errors import UnknownIndustryCode
from qingshan.archive.industry_codes import (
    CODES_OF_INDUSTRY,
    DEFAULT_CODES,
    get_industry_code,
    industry_codes,
)
from qingshan.archive.models import Industry


def test_the_table_holds_the_reference_codes():
    codes = industry_codes()
    assert len(codes) == 46
    assert get_industry_code("4412").name == "热电联产"  # new in the 2017 edition
    assert get_industry_code("3360").group == "336"
    assert get_industry_code("7724").division == "77"


def test_every_rule_pack_industry_has_codes_in_the_table():
    assert set(CODES_OF_INDUSTRY) == set(Industry)
    for codes in CODES_OF_INDUSTRY.values():
        for code in codes:
            get_industry_code(code)
    assert DEFAULT_CODES[Industry.CEMENT] == "3011"


def test_an_unknown_code_lists_the_valid_ones():
    with pytest.raises(UnknownIndustryCode, match=r"'9999' is not a GB/T 4754-2017.*valid: 4411"):
        get_industry_code("9999")
