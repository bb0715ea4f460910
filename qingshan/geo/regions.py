"""Zhejiang's administrative regions: the province, its 11 cities and 90 county-level divisions.

Codes are those of GB/T 2260 (中华人民共和国行政区划代码) as published by the Ministry of Civil
Affairs, current since the 2021 adjustments: in Hangzhou 江干区 (330104) merged into 上城区
(330102), 下城区 (330103) into 拱墅区 (330105), and 临平区 (330113) and 钱塘区 (330114) were
created; 龙港市 (330383) split from 苍南县 in 2019; 玉环市 (331083) replaced 玉环县 in 2017.

A code's prefix is its scope (the design's region-scope rule): the province 330000 covers every
code 33xxxx, a city 330100 covers 3301xx, a county covers only itself.

Everything here is pure data except :func:`seed_regions`, which writes the table to the
``region`` relational table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from qingshan.geo.errors import BadRegionCode, NotACity, UnknownRegion
from qingshan.geo.models import Region, RegionLevel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PROVINCE_CODE = "330000"
_CODE_RE = re.compile(r"^\d{6}$")


@dataclass(frozen=True, slots=True)
class RegionRecord:
    """One administrative region: GB/T 2260 code, Chinese and English names, level, parent."""

    code: str
    name: str
    name_en: str
    level: RegionLevel
    parent_code: str | None


# (code, name, name_en) per city, then its county-level divisions (区/县/县级市).
_CITIES: tuple[tuple[str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("330100", "杭州市", "Hangzhou", (
        ("330102", "上城区", "Shangcheng District"),
        ("330105", "拱墅区", "Gongshu District"),
        ("330106", "西湖区", "Xihu District"),
        ("330108", "滨江区", "Binjiang District"),
        ("330109", "萧山区", "Xiaoshan District"),
        ("330110", "余杭区", "Yuhang District"),
        ("330111", "富阳区", "Fuyang District"),
        ("330112", "临安区", "Lin'an District"),
        ("330113", "临平区", "Linping District"),
        ("330114", "钱塘区", "Qiantang District"),
        ("330122", "桐庐县", "Tonglu County"),
        ("330127", "淳安县", "Chun'an County"),
        ("330182", "建德市", "Jiande City"),
    )),
    ("330200", "宁波市", "Ningbo", (
        ("330203", "海曙区", "Haishu District"),
        ("330205", "江北区", "Jiangbei District"),
        ("330206", "北仑区", "Beilun District"),
        ("330211", "镇海区", "Zhenhai District"),
        ("330212", "鄞州区", "Yinzhou District"),
        ("330213", "奉化区", "Fenghua District"),
        ("330225", "象山县", "Xiangshan County"),
        ("330226", "宁海县", "Ninghai County"),
        ("330281", "余姚市", "Yuyao City"),
        ("330282", "慈溪市", "Cixi City"),
    )),
    ("330300", "温州市", "Wenzhou", (
        ("330302", "鹿城区", "Lucheng District"),
        ("330303", "龙湾区", "Longwan District"),
        ("330304", "瓯海区", "Ouhai District"),
        ("330305", "洞头区", "Dongtou District"),
        ("330324", "永嘉县", "Yongjia County"),
        ("330326", "平阳县", "Pingyang County"),
        ("330327", "苍南县", "Cangnan County"),
        ("330328", "文成县", "Wencheng County"),
        ("330329", "泰顺县", "Taishun County"),
        ("330381", "瑞安市", "Rui'an City"),
        ("330382", "乐清市", "Yueqing City"),
        ("330383", "龙港市", "Longgang City"),
    )),
    ("330400", "嘉兴市", "Jiaxing", (
        ("330402", "南湖区", "Nanhu District"),
        ("330411", "秀洲区", "Xiuzhou District"),
        ("330421", "嘉善县", "Jiashan County"),
        ("330424", "海盐县", "Haiyan County"),
        ("330481", "海宁市", "Haining City"),
        ("330482", "平湖市", "Pinghu City"),
        ("330483", "桐乡市", "Tongxiang City"),
    )),
    ("330500", "湖州市", "Huzhou", (
        ("330502", "吴兴区", "Wuxing District"),
        ("330503", "南浔区", "Nanxun District"),
        ("330521", "德清县", "Deqing County"),
        ("330522", "长兴县", "Changxing County"),
        ("330523", "安吉县", "Anji County"),
    )),
    ("330600", "绍兴市", "Shaoxing", (
        ("330602", "越城区", "Yuecheng District"),
        ("330603", "柯桥区", "Keqiao District"),
        ("330604", "上虞区", "Shangyu District"),
        ("330624", "新昌县", "Xinchang County"),
        ("330681", "诸暨市", "Zhuji City"),
        ("330683", "嵊州市", "Shengzhou City"),
    )),
    ("330700", "金华市", "Jinhua", (
        ("330702", "婺城区", "Wucheng District"),
        ("330703", "金东区", "Jindong District"),
        ("330723", "武义县", "Wuyi County"),
        ("330726", "浦江县", "Pujiang County"),
        ("330727", "磐安县", "Pan'an County"),
        ("330781", "兰溪市", "Lanxi City"),
        ("330782", "义乌市", "Yiwu City"),
        ("330783", "东阳市", "Dongyang City"),
        ("330784", "永康市", "Yongkang City"),
    )),
    ("330800", "衢州市", "Quzhou", (
        ("330802", "柯城区", "Kecheng District"),
        ("330803", "衢江区", "Qujiang District"),
        ("330822", "常山县", "Changshan County"),
        ("330824", "开化县", "Kaihua County"),
        ("330825", "龙游县", "Longyou County"),
        ("330881", "江山市", "Jiangshan City"),
    )),
    ("330900", "舟山市", "Zhoushan", (
        ("330902", "定海区", "Dinghai District"),
        ("330903", "普陀区", "Putuo District"),
        ("330921", "岱山县", "Daishan County"),
        ("330922", "嵊泗县", "Shengsi County"),
    )),
    ("331000", "台州市", "Taizhou", (
        ("331002", "椒江区", "Jiaojiang District"),
        ("331003", "黄岩区", "Huangyan District"),
        ("331004", "路桥区", "Luqiao District"),
        ("331022", "三门县", "Sanmen County"),
        ("331023", "天台县", "Tiantai County"),
        ("331024", "仙居县", "Xianju County"),
        ("331081", "温岭市", "Wenling City"),
        ("331082", "临海市", "Linhai City"),
        ("331083", "玉环市", "Yuhuan City"),
    )),
    ("331100", "丽水市", "Lishui", (
        ("331102", "莲都区", "Liandu District"),
        ("331121", "青田县", "Qingtian County"),
        ("331122", "缙云县", "Jinyun County"),
        ("331123", "遂昌县", "Suichang County"),
        ("331124", "松阳县", "Songyang County"),
        ("331125", "云和县", "Yunhe County"),
        ("331126", "庆元县", "Qingyuan County"),
        ("331127", "景宁畲族自治县", "Jingning She Autonomous County"),
        ("331181", "龙泉市", "Longquan City"),
    )),
)  # fmt: skip


def _build() -> MappingProxyType[str, RegionRecord]:
    rows = [RegionRecord(PROVINCE_CODE, "浙江省", "Zhejiang", RegionLevel.PROVINCE, None)]
    for city_code, name, name_en, counties in _CITIES:
        rows.append(RegionRecord(city_code, name, name_en, RegionLevel.CITY, PROVINCE_CODE))
        rows.extend(
            RegionRecord(code, cname, cname_en, RegionLevel.COUNTY, city_code)
            for code, cname, cname_en in counties
        )
    return MappingProxyType({r.code: r for r in rows})


REGIONS: MappingProxyType[str, RegionRecord] = _build()
"""All regions by code, parents before children (province, then each city and its counties).

Source: GB/T 2260 codes as published by the Ministry of Civil Affairs (民政部 县以上行政区划代码),
2021 and later. Immutable."""

CITY_CODES: tuple[str, ...] = tuple(c for c, *_ in _CITIES)
"""The 11 cities of Zhejiang, 330100 (杭州) … 331100 (丽水)."""


def _check_format(code: object) -> str:
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise BadRegionCode(
            f"region code {code!r} is not a GB/T 2260 code: expected six digits, e.g. "
            "'330000' (浙江省), '330100' (杭州市), '330102' (上城区)",
            code=code,
        )
    return code


def get_region(code: str) -> RegionRecord:
    """The region with GB/T 2260 ``code``.

    Raises
    ------
    BadRegionCode
        ``code`` is not six digits.
    UnknownRegion
        ``code`` names no region of Zhejiang; the message lists the valid codes at the level
        where the code goes wrong (the 11 cities, or the counties of its city).
    """
    _check_format(code)
    record = REGIONS.get(code)
    if record is not None:
        return record
    if not code.startswith("33"):
        raise UnknownRegion(
            f"region code {code!r} is outside Zhejiang: Qingshan covers 330000 (浙江省) only",
            code=code,
        )
    city_code = code[:4] + "00"
    city = REGIONS.get(city_code)
    if city is None or code.endswith("00"):
        valid = ", ".join(f"{c} {REGIONS[c].name}" for c in CITY_CODES)
        raise UnknownRegion(
            f"region code {code!r} is not a city of 浙江省; valid city codes: {valid}",
            code=code,
        )
    valid = ", ".join(f"{r.code} {r.name}" for r in children(city_code))
    raise UnknownRegion(
        f"region code {code!r} is not a county-level division of {city.name} {city.code}; "
        f"valid codes: {valid}",
        code=code,
        city=city.code,
    )


def children(code: str) -> tuple[RegionRecord, ...]:
    """The direct children of region ``code``: the cities of the province, the counties of a
    city, nothing for a county. An unknown code raises as :func:`get_region` does."""
    get_region(code)
    return tuple(r for r in REGIONS.values() if r.parent_code == code)


def city_of(code: str) -> RegionRecord:
    """The city that region ``code`` lies in (a city is its own city).

    Raises :class:`NotACity` for the province, which lies in no city.
    """
    record = get_region(code)
    if record.level is RegionLevel.PROVINCE:
        raise NotACity(
            f"region {code} ({record.name}) is the province: it lies in no city", code=code
        )
    if record.level is RegionLevel.CITY:
        return record
    assert record.parent_code is not None
    return REGIONS[record.parent_code]


def scope_prefix(scope_code: str) -> str:
    """The code prefix a scope covers: '33' for 330000, '3301' for 330100, the code itself for
    a county. ``column.startswith(scope_prefix(scope))`` is the SQL form of :func:`in_scope`."""
    record = get_region(scope_code)
    if record.level is RegionLevel.PROVINCE:
        return scope_code[:2]
    if record.level is RegionLevel.CITY:
        return scope_code[:4]
    return scope_code


def in_scope(code: str, scope_code: str) -> bool:
    """Whether region ``code`` lies within ``scope_code`` by the prefix rule.

    330000 covers every 33xxxx code, 330100 covers 3301xx, a county covers only itself.
    ``scope_code`` must be a known region; ``code`` must be six digits (it need not be in the
    table: a code from elsewhere is simply not in scope).
    """
    _check_format(code)
    return code.startswith(scope_prefix(scope_code))


def overlaps(code: str, other: str) -> bool:
    """Whether regions ``code`` and ``other`` share ground: one contains the other."""
    return in_scope(code, other) or in_scope(other, code)


def seed_regions(session: Session) -> int:
    """Insert or update every region of :data:`REGIONS` in the ``region`` table; idempotent.

    Returns the number of rows inserted or changed (0 when the table was already current).
    Parents are flushed before their children so the foreign key holds on every backend.
    """

    existing = {r.code: r for r in session.query(Region).all()}
    changed = 0
    for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
        for rec in REGIONS.values():
            if rec.level is not level:
                continue
            row = existing.get(rec.code)
            if row is None:
                session.add(
                    Region(
                        code=rec.code,
                        name=rec.name,
                        name_en=rec.name_en,
                        level=rec.level,
                        parent_code=rec.parent_code,
                    )
                )
                changed += 1
            elif (row.name, row.name_en, row.level, row.parent_code) != (
                rec.name,
                rec.name_en,
                rec.level,
                rec.parent_code,
            ):
                row.name, row.name_en = rec.name, rec.name_en
                row.level, row.parent_code = rec.level, rec.parent_code
                changed += 1
        session.flush()
    return changed
