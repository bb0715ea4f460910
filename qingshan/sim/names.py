"""Invented names and identifiers: enterprises, sections, stations, credit codes, permits.

Enterprise names join a city, a two-character trade name drawn from syllable lists and an
industry word; they are generated, never taken from a register. Credit codes have the shape of
GB 32100-2015 统一社会信用代码 (18 characters, valid check characters, checked by the archive's
validator :func:`qingshan.archive.credit_code.validate_credit_code`) with a random organisation
part; permit numbers follow the 排污许可证 shape (credit code + 3-digit sequence +
``P``).
"""

from __future__ import annotations

import numpy as np

from qingshan.archive.credit_code import credit_code_check, org_code_check, validate_credit_code

__all__ = [
    "INDUSTRY_WORDS",
    "credit_code",
    "credit_code_check",
    "enterprise_name",
    "org_code_check",
    "permit_number",
    "place_name",
    "section_name",
    "trade_name",
]

_FIRST = "澄岚泓璟霁溯沐翎岫汀芷蘅渟瑾珩琮瀚骁昶曦旻朔烨煦湛"
_SECOND = "源泽川禾越峤嵘汀涵岳昇祺瑞辰宸衡溪澜霖岱钧熙铭锦"

INDUSTRY_WORDS = {
    "thermal_power": ("热电", "发电", "能源"),
    "cement": ("水泥", "建材"),
    "paper": ("纸业", "造纸"),
    "dyeing": ("印染", "染整", "纺织印染"),
    "chemical": ("化工", "化学", "精细化工"),
}

_PLACE_A = "东西南北上下前后新旧大小长白青石"
_PLACE_B = "塘桥埠港湾浦渡溪湖岭畈坞村垟"
_RIVERS = {
    "330100": ("钱塘江", "富春江", "东苕溪", "京杭运河", "浦阳江", "分水江", "新安江"),
    "330200": ("甬江", "奉化江", "姚江", "剡江", "县江"),
    "330300": ("瓯江", "飞云江", "鳌江", "楠溪江", "温瑞塘河"),
    "330400": ("京杭运河", "长山河", "海盐塘", "平湖塘", "红旗塘"),
    "330500": ("西苕溪", "东苕溪", "頔塘", "长兴港", "泗安塘"),
    "330600": ("曹娥江", "浦阳江", "浙东运河", "新昌江", "澄潭江"),
    "330700": ("婺江", "武义江", "东阳江", "兰江", "永康江"),
    "330800": ("衢江", "常山港", "江山港", "乌溪江", "灵山港"),
    "330900": ("定海塘", "岑港河", "洋山河"),
    "331000": ("椒江", "灵江", "永宁江", "始丰溪", "金清港"),
    "331100": ("瓯江", "好溪", "松阴溪", "小溪", "龙泉溪"),
}
_SUFFIX = ("桥", "闸", "渡", "大桥", "水文站", "断面")


def trade_name(rng: np.random.Generator) -> str:
    """A two-character invented trade name (字号)."""
    return _FIRST[rng.integers(len(_FIRST))] + _SECOND[rng.integers(len(_SECOND))]


def enterprise_name(rng: np.random.Generator, city_name: str, industry: str) -> str:
    """An invented enterprise name, e.g. ``"绍兴澄源印染有限公司"``."""
    words = INDUSTRY_WORDS[industry]
    return f"{city_name}{trade_name(rng)}{words[rng.integers(len(words))]}有限公司"


def place_name(rng: np.random.Generator) -> str:
    """An invented two-character place name, e.g. ``"南埠"``."""
    return _PLACE_A[rng.integers(len(_PLACE_A))] + _PLACE_B[rng.integers(len(_PLACE_B))]


def section_name(rng: np.random.Generator, city_code: str, lake: bool) -> tuple[str, str]:
    """An invented section name and its river (or lake) name."""
    if lake:
        place, kind = place_name(rng), ("湖" if rng.random() < 0.4 else "水库")
        body = place if kind == "湖" and place.endswith("湖") else place + kind  # 南湖, not 南湖湖
        return f"{body}{('中心', '坝前', '取水口')[rng.integers(3)]}", body
    rivers = _RIVERS[city_code]
    river = rivers[rng.integers(len(rivers))]
    return f"{river}{place_name(rng)}{_SUFFIX[rng.integers(len(_SUFFIX))]}", river


def credit_code(rng: np.random.Generator, county_code: str) -> str:
    """An 18-character 统一社会信用代码-shaped code: ``91`` + county + organisation code + check."""
    body = "".join(str(d) for d in rng.integers(0, 10, 8))
    first17 = "91" + county_code + body + org_code_check(body)
    return validate_credit_code(first17 + credit_code_check(first17)).code


def permit_number(credit: str, seq: int = 1) -> str:
    """A 排污许可证编号: credit code + 3-digit sequence + ``P``."""
    return f"{credit}{seq:03d}P"
