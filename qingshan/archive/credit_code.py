"""统一社会信用代码 (unified social credit code): GB 32100-2015, with its embedded organisation
code (GB 11714-1997). Pure: strings in, a result or an error out.

The check, in the order the reference gives it (``shared/reference/enterprise.md`` §1.4):

1. **Shape** — 18 characters: positions 1–2 from the 31-character set, 3–8 digits (the GB/T 2260
   region code), 9–18 from the set (GB 32100-2015, 代码结构; reference §1.1 — the set has no I, O, S,
   V, Z).
   Failure rejects.
2. **Outer check character** (position 18) — ``C18 = SET[(31 − Σ vᵢ·wᵢ mod 31) mod 31]`` with
   ``wᵢ = 3^(i−1) mod 31`` over positions 1–17 and ``vᵢ`` the character's place in the set
   (GB 32100-2015, 校验码; reference §1.1, checked by computation on the worked examples of
   §1.3). Failure rejects, naming the expected character.
3. **Inner check character** (position 17) — the organisation code's own check (GB 11714-1997,
   校验码; reference §1.2): weights 3 7 9 10 5 8 4 2 on positions 9–16, letters valued A = 10 … Z = 35,
   ``c9 = 11 − Σ mod 11`` (10 → X, 11 → 0). Failure is a **warning**: legacy organisation codes
   that fail it are said to exist (reference §1.2, not confirmed).
4. **Authority and type** (positions 1–2, reference §1.5 [MC]) and the **region** (positions
   3–8): unknown values are warnings, never rejections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType

from qingshan.archive.errors import InvalidCreditCode

__all__ = [
    "CHARSET",
    "WEIGHTS",
    "ORG_WEIGHTS",
    "AUTHORITIES",
    "ENTITY_TYPES",
    "CreditCode",
    "credit_code_check",
    "org_code_check",
    "validate_credit_code",
]

#: GB 32100-2015 character set: 31 characters without I, O, S, V, Z, valued 0–30 in this order
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: GB 32100-2015 weights of positions 1–17: 3^(i−1) mod 31
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
#: GB 11714-1997 weights of the organisation code's 8 body characters
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

#: position 1, 登记管理部门代码 (reference §1.5 [MC]; later additions [U] warn)
AUTHORITIES: MappingProxyType[str, str] = MappingProxyType(
    {"1": "机构编制", "5": "民政", "9": "工商（市场监管）", "Y": "其他"}
)
#: positions 1–2, 机构类别代码 (reference §1.5 [MC])
ENTITY_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "11": "机关",
        "12": "事业单位",
        "13": "中央编办直管群众团体",
        "19": "其他",
        "51": "社会团体",
        "52": "民办非企业单位",
        "53": "基金会",
        "59": "其他",
        "91": "企业",
        "92": "个体工商户",
        "93": "农民专业合作社",
    }
)


@dataclass(frozen=True)
class CreditCode:
    """A code that passed the shape and the outer check, with what it says and the warnings.

    Attributes
    ----------
    code : str — the 18 characters, upper case
    authority : str — position 1 (``"9"``); ``authority_name`` its name or None
    entity_type : str — positions 1–2 (``"91"``); ``entity_type_name`` its name or None
    region_code : str — positions 3–8 (GB/T 2260)
    org_code : str — positions 9–17 (GB 11714-1997 organisation code with its check character)
    warnings : tuple of str — inner check failed, unknown authority or type
    """

    code: str
    authority: str
    authority_name: str | None
    entity_type: str
    entity_type_name: str | None
    region_code: str
    org_code: str
    warnings: tuple[str, ...] = field(default=())


def credit_code_check(first17: str) -> str:
    """The GB 32100-2015 check character (position 18) of the first 17 characters.

    >>> credit_code_check("91110000600037341")
    'L'
    """
    if len(first17) != 17 or any(c not in CHARSET for c in first17):
        raise InvalidCreditCode(
            f"need 17 characters of {CHARSET} to compute a check character, got {first17!r}",
            code=first17,
        )
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check(body: str) -> str:
    """The GB 11714-1997 check character of an 8-character organisation code body (digits
    and letters A = 10 … Z = 35).

    >>> org_code_check("60003734")
    '1'
    """
    if len(body) != 8 or not body.isascii() or not body.isalnum():
        raise InvalidCreditCode(f"an organisation code body is 8 digits or letters, got {body!r}")
    total = sum(int(c, 36) * w for c, w in zip(body.upper(), ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def _shape_problem(code: str) -> str:
    if len(code) != 18:
        return f"it has {len(code)} characters, not 18"
    for i, c in enumerate(code, start=1):
        if 3 <= i <= 8 and not c.isdigit():
            return f"position {i} is {c!r}: positions 3–8 are the region code, digits only"
        if c not in CHARSET:
            return f"position {i} is {c!r}, not one of {CHARSET} (no I, O, S, V, Z)"
    return "it does not have the GB 32100-2015 shape"  # pragma: no cover


def validate_credit_code(text: str, *, known_regions: frozenset[str] | None = None) -> CreditCode:
    """Check a 统一社会信用代码 (GB 32100-2015) and say what it holds.

    Parameters
    ----------
    text : str
        The code; surrounding blanks are removed and letters taken in upper case.
    known_regions : frozenset of str, optional
        GB/T 2260 codes to accept in positions 3–8 without a warning (default: no region
        check). Retired district codes stay valid in old registrations: a miss warns only.

    Returns
    -------
    CreditCode

    Raises
    ------
    InvalidCreditCode
        The shape is wrong (the message says which position), or position 18 is not the check
        character (the message names the expected one).
    """
    code = text.strip().upper()
    if not _SHAPE.match(code):
        raise InvalidCreditCode(
            f"统一社会信用代码 {code!r} is not valid (GB 32100-2015): {_shape_problem(code)}",
            code=code,
        )
    expected = credit_code_check(code[:17])
    if code[17] != expected:
        raise InvalidCreditCode(
            f"统一社会信用代码 {code!r} is not valid (GB 32100-2015): its check character "
            f"(position 18) is {code[17]!r}, expected {expected!r}",
            code=code,
            expected=expected,
        )
    warnings = []
    inner = org_code_check(code[8:16])
    if code[16] != inner:
        warnings.append(
            f"the organisation code {code[8:17]} fails its GB 11714-1997 check: position 17 is "
            f"{code[16]!r}, expected {inner!r} (a legacy code may; please verify)"
        )
    authority, kind = code[0], code[:2]
    if authority not in AUTHORITIES:
        warnings.append(f"registration authority {authority!r} (position 1) is not one of 1 5 9 Y")
    elif kind not in ENTITY_TYPES and authority != "Y":
        warnings.append(f"entity type {kind!r} (positions 1–2) is not a known type")
    if known_regions is not None and code[2:8] not in known_regions:
        warnings.append(f"region {code[2:8]} (positions 3–8) is not a known region code")
    return CreditCode(
        code=code,
        authority=authority,
        authority_name=AUTHORITIES.get(authority),
        entity_type=kind,
        entity_type_name=ENTITY_TYPES.get(kind),
        region_code=code[2:8],
        org_code=code[8:17],
        warnings=tuple(warnings),
    )
