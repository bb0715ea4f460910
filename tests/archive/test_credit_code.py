"""GB 32100-2015 统一社会信用代码: shape → outer check (rejects, naming the expected
character) → inner GB 11714-1997 check (warns) → authority and type (warn). The worked examples
are those of shared/reference/enterprise.md §1.3 (checked by computation there)."""

from __future__ import annotations

import pytest

from qingshan.archive.credit_code import (
    WEIGHTS,
    credit_code_check,
    org_code_check,
    validate_credit_code,
)
from qingshan.archive.errors import InvalidCreditCode


def test_weights_are_powers_of_three_mod_31():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize(
    ("code", "kind", "region", "org"),
    [
        ("91110000600037341L", "91", "110000", "600037341"),
        ("913304007429141869", "91", "330400", "742914186"),
        ("91310115MA1K3BTP2B", "91", "310115", "MA1K3BTP2"),
        ("121200004013590816", "12", "120000", "401359081"),
        ("Y1330100MA2GC0LW6A", "Y1", "330100", "MA2GC0LW6"),  # starts with a letter
    ],
)
def test_worked_examples_pass_both_checks(code, kind, region, org):
    c = validate_credit_code(code)
    assert (c.code, c.entity_type, c.region_code, c.org_code) == (code, kind, region, org)
    assert c.warnings == ()


def test_the_worked_sums():
    # 91110000600037341L: Σ = 538, 538 mod 31 = 11, (31 − 11) mod 31 = 20 → L
    assert credit_code_check("91110000600037341") == "L"
    # inner: body 60003734, Σ = 109, 109 mod 11 = 10, 11 − 10 = 1
    assert org_code_check("60003734") == "1"
    assert org_code_check("MA1K3BTP") == "2"  # letters A = 10 … Z = 35 (M = 22)


def test_a_wrong_check_character_is_refused_naming_the_expected_one():
    with pytest.raises(InvalidCreditCode, match=r"position 18\) is 'N', expected 'L'"):
        validate_credit_code("91110000600037341N")


def test_lower_case_and_blanks_are_accepted():
    assert validate_credit_code("  91310115ma1k3btp2b ").code == "91310115MA1K3BTP2B"


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("91110000600037341", "17 characters, not 18"),
        ("9111000060003734IL", r"position 17 is 'I', not one of"),
        ("911100A0600037341L", "position 7 is 'A': positions 3–8 are the region code"),
        ("", "0 characters"),
    ],
)
def test_shape_errors_say_what_is_wrong(code, why):
    with pytest.raises(InvalidCreditCode, match=why):
        validate_credit_code(code)


def test_an_inner_check_failure_is_a_warning():
    # 91110000600037342P: inner check character should be 1; the outer one recomputed
    code = "9111000060003734" + "2"
    code += credit_code_check(code)
    assert code == "91110000600037342P"
    c = validate_credit_code(code)
    assert len(c.warnings) == 1
    assert "fails its GB 11714-1997 check: position 17 is '2', expected '1'" in c.warnings[0]


def test_unknown_authority_and_region_warn():
    first = "A1330100MA2GC0LW6"
    c = validate_credit_code(first + credit_code_check(first), known_regions=frozenset({"330000"}))
    assert any("registration authority 'A'" in w for w in c.warnings)
    assert any("region 330100" in w for w in c.warnings)
