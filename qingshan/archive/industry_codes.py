"""GB/T 4754-2017 国民经济行业分类: the 4-digit 小类 codes of the sectors under pollution
supervision, as data (``data/gbt4754_2017.csv``).

Source: ``shared/reference/enterprise.md`` §2, tag **[MC]** — every code and name was found, with
the same name, in a third-party machine-readable table of the 2017 edition (repository
zmshe/capital, ``src/utils/category.js``; cross-check only, not vendored); not checked against
the official text, and the XG1-2019 amendment is not applied [U]. The English names are
Qingshan's translations. The table holds the sectors of the reference, not the 1,380 小类 of the
standard: a code outside it is refused by :func:`get_industry_code` with the valid codes listed,
so that an import cannot store a code the archive cannot name.

The rule-pack :class:`~qingshan.archive.models.Industry` stays beside the code (QC picks its
rule pack from it); :data:`DEFAULT_CODES` gives the usual code of each.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from qingshan.archive.errors import UnknownIndustryCode
from qingshan.archive.models import Industry

__all__ = [
    "EDITION",
    "IndustryCode",
    "industry_codes",
    "get_industry_code",
    "DEFAULT_CODES",
    "CODES_OF_INDUSTRY",
]

EDITION = "GB/T 4754-2017"


@dataclass(frozen=True)
class IndustryCode:
    """One 小类: ``code`` (4 digits), ``name`` (Chinese, as in the standard), ``name_en``,
    ``sector`` (the reference's grouping), ``division`` (大类, 2 digits), ``group`` (中类)."""

    code: str
    name: str
    name_en: str
    sector: str

    @property
    def division(self) -> str:
        return self.code[:2]

    @property
    def group(self) -> str:
        return self.code[:3]


@cache
def industry_codes() -> MappingProxyType[str, IndustryCode]:
    """Code → :class:`IndustryCode` of the table (read once)."""
    text = resources.files("qingshan.archive").joinpath("data/gbt4754_2017.csv").read_text("utf-8")
    rows = {}
    for r in csv.DictReader(text.splitlines()):
        code = r["code"]
        if len(code) != 4 or not code.isdigit() or code in rows:
            raise ValueError(f"gbt4754_2017.csv: bad or repeated code {code!r}")
        rows[code] = IndustryCode(code, r["name"], r["name_en"], r["sector"])
    return MappingProxyType(rows)


def get_industry_code(code: str) -> IndustryCode:
    """The 小类 ``code`` (4 digits, GB/T 4754-2017); :class:`UnknownIndustryCode` listing the
    valid codes when the table has no such code."""
    text = str(code).strip()
    found = industry_codes().get(text)
    if found is None:
        raise UnknownIndustryCode(
            f"industry code {text!r} is not a GB/T 4754-2017 小类 of the archive's table; "
            f"valid: {' '.join(industry_codes())}",
            code=text,
        )
    return found


#: the rule-pack industry → the GB/T 4754-2017 codes that belong to it (reference §2)
CODES_OF_INDUSTRY: MappingProxyType[Industry, tuple[str, ...]] = MappingProxyType(
    {
        Industry.THERMAL_POWER: ("4411", "4412"),
        Industry.CEMENT: ("3011",),
        Industry.PAPER: ("2211", "2212", "2221", "2222", "2223"),
        Industry.DYEING: ("1713", "1723", "1733", "1743", "1752"),
        Industry.CHEMICAL: ("2611", "2612", "2613", "2614", "2619"),
    }
)

#: the usual code of each rule-pack industry
DEFAULT_CODES: MappingProxyType[Industry, str] = MappingProxyType(
    {k: v[0] for k, v in CODES_OF_INDUSTRY.items()}
)
