"""The layers' vocabulary and the structured rules (pure, no I/O).

- Layer kinds: ``control_unit`` (环境管控单元), ``red_line`` (生态保护红线), ``water_source``
  (饮用水水源保护区), ``park`` (园区).
- Control-unit types (生态环境分区管控, 《"三线一单"编制技术指南（试行）》 2017):
  优先保护单元, 重点管控单元, 一般管控单元; each unit carries a requirement list (生态环境准入清单)
  in four dimensions: 空间布局约束, 污染物排放管控, 环境风险防控, 资源开发效率要求.
- Water-source protection levels (HJ 338-2018 饮用水水源保护区划分技术规范, §4): 一级, 二级, 准保护区.

A :class:`Rule` is the only thing that decides a verdict: a GB/T 4754-2017 industry-code prefix
(``""`` = every industry), a verdict and the clause it rests on; optionally only for projects
that discharge pollutants. A requirement's free text is shown to the officer, never decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class LayerKind(StrEnum):
    CONTROL_UNIT = "control_unit"
    RED_LINE = "red_line"
    WATER_SOURCE = "water_source"
    PARK = "park"
    #: 禁止使用高排放非道路移动机械区域 (大气污染防治法 2018 第一百一十四条 [MC]: cities may
    #: designate zones where high-emission non-road machinery is prohibited); ``level`` holds the
    #: newest prohibited engine stage (GB 20891) — that stage and every older one are prohibited
    LOW_EMISSION = "low_emission"


UNIT_TYPES = ("优先保护", "重点管控", "一般管控")
#: non-road diesel engine stages, oldest first (GB 20891-2007 China I, II; GB 20891-2014 China
#: III, IV); a low-emission zone's ``level`` is one of the first three
NONROAD_STAGES = ("国I", "国II", "国III", "国IV")


def prohibited_stages(level: str | None) -> tuple[str, ...]:
    """The engine stages a low-emission zone of ``level`` prohibits: ``level`` and older
    (``"国II"`` → 国I, 国II); ValueError for a level that is not a stage before 国IV."""
    if level not in NONROAD_STAGES[:-1]:
        raise ValueError(f"{level!r} is not one of {', '.join(NONROAD_STAGES[:-1])} "
                         "(the newest prohibited stage)")  # fmt: skip
    return NONROAD_STAGES[: NONROAD_STAGES.index(level) + 1]


LEVELS = ("一级", "二级", "准保护区")
DIMENSIONS = ("空间布局约束", "污染物排放管控", "环境风险防控", "资源开发效率要求")


class Verdict(StrEnum):
    PERMITTED = "permitted"
    CONDITIONAL = "conditional"
    PROHIBITED = "prohibited"


#: severity order: the most severe verdict of all touched features decides
SEVERITY = {Verdict.PERMITTED: 0, Verdict.CONDITIONAL: 1, Verdict.PROHIBITED: 2}

#: GB/T 4754-2017: a section letter (门类 A–T), then 2 (大类), 3 (中类) or 4 (小类) digits
INDUSTRY_RE = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")


#: GB/T 4754-2017 sections (门类) by their first and last division (大类)
SECTIONS = (("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52),
            ("G", 53, 60), ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72),
            ("M", 73, 75), ("N", 76, 79), ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90),
            ("S", 91, 96), ("T", 97, 97))  # fmt: skip


def check_industry(code: str) -> str:
    """``code`` normalised to section letter + digits (``4411`` → ``D4411``, GB/T 4754-2017
    sections by division), or ValueError naming the expected form."""
    c = code.strip().upper()
    if c[:1].isdigit() and len(c) >= 2:
        division = int(c[:2])
        letter = next((s for s, lo, hi in SECTIONS if lo <= division <= hi), None)
        if letter is not None:
            c = letter + c
    if not INDUSTRY_RE.match(c):
        raise ValueError(f"industry {code!r} is not a GB/T 4754-2017 code (a section letter "
                         f"A–T and 2–4 digits, or 2–4 digits, e.g. C2614 or 2614)")  # fmt: skip
    if len(c) > 1 and not any(s == c[0] and lo <= int(c[1:3]) <= hi for s, lo, hi in SECTIONS):
        raise ValueError(
            f"industry {code!r}: division {c[1:3]} is not in section {c[0]} (GB/T 4754-2017)"
        )
    return c


@dataclass(frozen=True)
class Rule:
    """One structured admission rule: ``prefix`` of the GB/T 4754-2017 code it applies to
    (``""`` every industry), ``verdict``, ``clause`` (the source), and ``discharging_only``
    (applies only to a project that discharges pollutants)."""

    prefix: str
    verdict: Verdict
    clause: str
    discharging_only: bool = False

    def applies(self, industry: str, discharges: bool) -> bool:
        return industry.startswith(self.prefix) and (discharges or not self.discharging_only)


def rule_from_json(d: Any, where: str = "rule") -> Rule:
    """A :class:`Rule` from its JSON object, or ValueError naming the bad key."""
    if not isinstance(d, dict):
        raise ValueError(f"{where}: a rule is an object with prefix, verdict, clause")
    prefix = str(d.get("prefix", "")).strip().upper()
    if prefix:
        try:
            prefix = check_industry(prefix)
        except ValueError as exc:
            raise ValueError(f"{where}.prefix: {exc}") from None
    try:
        verdict = Verdict(str(d.get("verdict")))
    except ValueError:
        raise ValueError(f"{where}.verdict: {d.get('verdict')!r} is not one of "
                         f"{', '.join(v.value for v in Verdict)}") from None  # fmt: skip
    clause = str(d.get("clause") or "").strip()
    if not clause:
        raise ValueError(f"{where}.clause: missing (every rule names its source)")
    return Rule(prefix, verdict, clause, bool(d.get("discharging_only", False)))


def rule_to_json(r: Rule) -> dict[str, Any]:
    return {"prefix": r.prefix, "verdict": r.verdict.value, "clause": r.clause,
            "discharging_only": r.discharging_only}  # fmt: skip


_WPL = "水污染防治法 (2017 修正)"
_RED = "关于加强生态保护红线管理的通知（试行） (自然资源部 生态环境部 国家林草局 2022-08) 二(一)"

#: The rules of law every feature of a kind/level carries, whatever the imported attributes.
#: D461 = 自来水生产和供应 (GB/T 4754-2017), the water-supply projects Art. 65 exempts;
#: A = 农、林、牧、渔业: residents' farming, grazing and fishing without enlarging land use are
#: among the red line's limited activities (reviewed: conditional).
STATUTORY: dict[tuple[LayerKind, str | None], tuple[Rule, ...]] = {
    (LayerKind.WATER_SOURCE, "一级"): (
        Rule("", Verdict.PROHIBITED, f"{_WPL} 第六十五条: 一级保护区内禁止新建、改建、扩建与供水设施和保护水源无关的建设项目"),
        Rule("D461", Verdict.CONDITIONAL, f"{_WPL} 第六十五条: 与供水设施和保护水源有关的建设项目"),
    ),
    (LayerKind.WATER_SOURCE, "二级"): (
        Rule("", Verdict.PROHIBITED, f"{_WPL} 第六十六条: 二级保护区内禁止新建、改建、扩建排放污染物的建设项目", True),
        Rule("", Verdict.CONDITIONAL, f"{_WPL} 第六十六条: 不排放污染物的项目须采取防止污染饮用水水体的措施"),
    ),
    (LayerKind.WATER_SOURCE, "准保护区"): (
        Rule("", Verdict.CONDITIONAL, f"{_WPL} 第六十七条 [条号待核]: 禁止新建、扩建对水体污染严重的建设项目；改建不得增加排污量"),
    ),
    (LayerKind.RED_LINE, None): (
        Rule("", Verdict.PROHIBITED, f"{_RED}: 红线内（自然保护地核心保护区外）禁止开发性、生产性建设活动"),
        Rule("A", Verdict.CONDITIONAL, f"{_RED}: 原住民和其他合法权益主体在不扩大现有用地规模前提下的种植、放牧、捕捞、养殖"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class ZoneFeature:
    """One polygon of a layer as the siting check sees it (geometry held separately)."""

    feature_id: int
    layer_id: int
    layer_kind: LayerKind
    layer_name: str
    layer_version: str
    code: str
    name: str
    unit_type: str | None = None
    level: str | None = None
    site_code: str | None = None
    requirements: dict[str, list[str]] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    def all_rules(self) -> tuple[Rule, ...]:
        """The feature's own rules, then the statutory rules of its kind and level."""
        key = (self.layer_kind, self.level if self.layer_kind is LayerKind.WATER_SOURCE else None)
        return self.rules + STATUTORY.get(key, ())
