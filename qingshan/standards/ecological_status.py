"""Ecological status index (EI): HJ 192-2015 《生态环境状况评价技术规范》.

- **EI** (HJ 192-2015 §5.2, 生态环境状况指数): ``EI = 0.35 × 生物丰度指数 + 0.25 × 植被覆盖指数
  + 0.15 × 水网密度指数 + 0.15 × (100 − 土地胁迫指数) + 0.10 × (100 − 污染负荷指数)
  + 环境限制指数``. The five sub-indices are 0–100 (each normalised to 100 by its coefficient,
  Appendix B). The environmental restriction index (环境限制指数) is a constraint (约束性指标):
  it does not add points but caps and lowers the grade when the region had a serious
  environmental event or a notified pollution / damage / violation (Table 5 of the standard);
  :func:`assess` applies it.
- **Grades** (§5.3.1, 生态环境状况分级): 优 EI ≥ 75, 良 55 ≤ EI < 75, 一般 35 ≤ EI < 55,
  较差 20 ≤ EI < 35, 差 EI < 20.
- **Change** (§5.3.2, 生态环境状况变化度分级), ΔEI = after − before: 无明显变化 |ΔEI| < 1,
  略微变化 1 ≤ |ΔEI| < 3, 明显变化 3 ≤ |ΔEI| < 8, 显著变化 |ΔEI| ≥ 8, each 变好 (ΔEI > 0) or
  变差 (ΔEI < 0). If the EI fluctuates over the periods, the region's ecology is sensitive
  (生态环境敏感); the fluctuation is graded on the same |ΔEI| edges: 稳定, 波动, 较大波动,
  剧烈波动 (:func:`ei_fluctuation`).

Confidence of each number is in :data:`CONFIDENCE` and ``docs/standards-ecological-status.md``;
the clause and table numbers cited (§5.2, §5.3.1, §5.3.2, Table 5) come from secondary sources and
are unverified (U) — the standard's own text was not reachable from here.
Arithmetic is exact: inputs are read as decimals (``Decimal(str(x))``), so a weighted sum that
is 75 on paper is 75, not 74.99999999999999, and the edges fall where the text puts them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from qingshan.standards.errors import InvalidValue, UnknownKeyError

__all__ = [
    "EISubIndices", "WEIGHTS", "INVERTED", "GRADES", "GRADE_NAMES", "GRADE_EDGES",
    "CHANGE_MAGNITUDES", "CHANGE_NAMES", "CHANGE_EDGES", "DIRECTIONS", "FLUCTUATIONS",
    "FLUCTUATION_NAMES", "RESTRICTIONS", "RESTRICTION_NAMES", "NAMES_ZH", "CONFIDENCE",
    "EIChange", "EIAssessment", "ecological_index", "ei_grade", "ei_change", "ei_fluctuation",
    "restricted_grade", "assess", "sub_indices_from_mapping",
]  # fmt: skip

_CLAUSE = "HJ 192-2015"

#: HJ 192-2015 §5.2 weights of the five sub-indices (Table 4 / the EI formula)
WEIGHTS: MappingProxyType[str, float] = MappingProxyType(
    {
        "biological_abundance": 0.35,
        "vegetation_cover": 0.25,
        "water_network_density": 0.15,
        "land_stress": 0.15,
        "pollution_load": 0.10,
    }
)
_W = {k: Decimal(str(v)) for k, v in WEIGHTS.items()}
#: sub-indices that enter the EI as (100 − index): a higher stress or load is worse
INVERTED = ("land_stress", "pollution_load")

NAMES_ZH = MappingProxyType(
    {
        "biological_abundance": "生物丰度指数",
        "vegetation_cover": "植被覆盖指数",
        "water_network_density": "水网密度指数",
        "land_stress": "土地胁迫指数",
        "pollution_load": "污染负荷指数",
        "restriction": "环境限制指数",
        "ei": "生态环境状况指数",
    }
)

GRADES = ("excellent", "good", "fair", "poor", "bad")
GRADE_NAMES = MappingProxyType(
    {
        "excellent": ("优", "excellent"),
        "good": ("良", "good"),
        "fair": ("一般", "fair"),
        "poor": ("较差", "poor"),
        "bad": ("差", "bad"),
    }
)
#: lower edges (inclusive, "≥") of excellent, good, fair, poor; below the last is "bad"
GRADE_EDGES = ("75", "55", "35", "20")

CHANGE_MAGNITUDES = ("no_obvious", "slight", "obvious", "significant")
CHANGE_NAMES = MappingProxyType(
    {
        "no_obvious": ("无明显变化", "no obvious change"),
        "slight": ("略微变化", "slight change"),
        "obvious": ("明显变化", "obvious change"),
        "significant": ("显著变化", "significant change"),
    }
)
#: lower edges (inclusive, "≤ |ΔEI|") of slight, obvious, significant change
CHANGE_EDGES = ("1", "3", "8")
DIRECTIONS = MappingProxyType({"better": ("变好", "better"), "worse": ("变差", "worse")})

FLUCTUATIONS = ("stable", "fluctuating", "large_fluctuation", "severe_fluctuation")
FLUCTUATION_NAMES = MappingProxyType(
    {
        "stable": ("稳定", "stable"),
        "fluctuating": ("波动", "fluctuating"),
        "large_fluctuation": ("较大波动", "large fluctuation"),
        "severe_fluctuation": ("剧烈波动", "severe fluctuation"),
    }
)

#: HJ 192-2015 Table 5 (环境限制指数约束内容): restriction key → effect on the grade.
#: ``"downgrade"``: the grade drops one level (生态环境级别降1级); ``"cap_downgrade"``: it may
#: not be 优 or 良, and drops one level (不能为"优"和"良"，且级别降1级).
RESTRICTIONS: MappingProxyType[str, str | None] = MappingProxyType(
    {
        "none": None,
        "especially_major_incident": "cap_downgrade",  # 特大环境事件
        "major_incident": "cap_downgrade",  # 重大环境事件
        "large_incident": "downgrade",  # 较大环境事件
        "general_incident": "downgrade",  # 一般环境事件
        "pollution_notified": "cap_downgrade",  # 环境保护部通报的环境污染事件
        "ecological_damage_notified": "cap_downgrade",  # 环境保护部通报的生态破坏事件
        "violation_notified": "downgrade",  # 环境保护部通报的生态环境违法案件
        "regional_approval_restriction": "downgrade",  # 被纳入区域限批范围
    }
)
RESTRICTION_NAMES = MappingProxyType(
    {
        "none": ("无", "none"),
        "especially_major_incident": (
            "特大突发环境事件",
            "especially major environmental incident",
        ),
        "major_incident": ("重大突发环境事件", "major environmental incident"),
        "large_incident": ("较大突发环境事件", "large environmental incident"),
        "general_incident": ("一般突发环境事件", "general environmental incident"),
        "pollution_notified": ("通报的环境污染事件", "notified pollution event"),
        "ecological_damage_notified": ("通报的生态破坏事件", "notified ecological damage"),
        "violation_notified": ("通报的生态环境违法案件", "notified violation case"),
        "regional_approval_restriction": ("区域限批", "regional approval restriction"),
    }
)

#: confidence of each rule: "confirmed" (read in HJ 192-2015's text), "MC" (agreeing secondary
#: sources), "U" (unverified); what was searched is in docs/standards-ecological-status.md.
#: ``restriction_effects``: the two effects (降1级; 不能为优和良且降1级) as a public implementation
#: applies them; ``restriction_events``: which event carries which effect.
CONFIDENCE = MappingProxyType(
    {
        "weights": "MC",
        "formula": "MC",
        "grades": "MC",
        "change_classes": "MC",
        "fluctuation": "U",
        "restriction_effects": "MC",
        "restriction_events": "U",
    }
)


def _dec(field: str, value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise InvalidValue(f"{field} must be a number, got {value!r} ({_CLAUSE})",
                           field=field, value=value, clause=_CLAUSE)  # fmt: skip
    if isinstance(value, Decimal):
        d = value
    else:
        try:
            d = Decimal(str(value).strip())
        except (InvalidOperation, ValueError, TypeError) as exc:
            raise InvalidValue(f"{field} must be a number, got {value!r} ({_CLAUSE})",
                               field=field, value=value, clause=_CLAUSE) from exc  # fmt: skip
    if not d.is_finite():
        raise InvalidValue(f"{field} must be a finite number, got {value!r} ({_CLAUSE})",
                           field=field, value=value, clause=_CLAUSE)  # fmt: skip
    return d


@dataclass(frozen=True, slots=True)
class EISubIndices:
    """The sub-indices of HJ 192-2015 §5.2 for one region and period.

    Attributes
    ----------
    biological_abundance, vegetation_cover, water_network_density, land_stress, pollution_load :
        float, 0–100 (生物丰度、植被覆盖、水网密度、土地胁迫、污染负荷指数). Outside 0–100 is
        refused with :class:`InvalidValue` naming the field.
    restriction : str or tuple of str
        The environmental restriction index (环境限制指数) as HJ 192-2015 Table 5 defines it: the
        events that constrain the grade, keys of :data:`RESTRICTIONS` (``"none"`` by default).
    """

    biological_abundance: float
    vegetation_cover: float
    water_network_density: float
    land_stress: float
    pollution_load: float
    restriction: str | tuple[str, ...] = "none"

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name == "restriction":
                continue
            d = _dec(f.name, getattr(self, f.name))
            if d < 0 or d > 100:
                raise InvalidValue(
                    f"{f.name} ({NAMES_ZH[f.name]}) {getattr(self, f.name)} is outside 0–100 "
                    f"({_CLAUSE} §5.2)",
                    field=f.name, value=getattr(self, f.name), clause=f"{_CLAUSE} §5.2",
                )  # fmt: skip
        _restriction_keys(self.restriction)

    @property
    def restrictions(self) -> tuple[str, ...]:
        """The restriction keys, ``"none"`` dropped."""
        return _restriction_keys(self.restriction)


def _restriction_keys(restriction: object) -> tuple[str, ...]:
    if restriction is None:
        return ()
    keys: Iterable[object] = (restriction,) if isinstance(restriction, str) else restriction  # type: ignore[assignment]
    try:
        out = tuple(keys)
    except TypeError:
        raise UnknownKeyError("environmental restriction", restriction, RESTRICTIONS) from None
    good: list[str] = []
    for k in out:
        if not isinstance(k, str) or k not in RESTRICTIONS:
            raise UnknownKeyError("environmental restriction", k, RESTRICTIONS)
        if k != "none":
            good.append(k)
    return tuple(good)


def _ei_exact(sub: EISubIndices) -> Decimal:
    total = Decimal(0)
    for k, w in _W.items():
        v = _dec(k, getattr(sub, k))
        total += w * ((Decimal(100) - v) if k in INVERTED else v)
    return total


def ecological_index(sub: EISubIndices) -> float:
    """EI from the sub-indices (HJ 192-2015 §5.2), 0–100.

    ``0.35·BA + 0.25·VC + 0.15·WND + 0.15·(100 − LS) + 0.10·(100 − PL)``, computed exactly. The
    restriction index adds no points; it constrains the grade (:func:`assess`).
    """
    if not isinstance(sub, EISubIndices):
        raise InvalidValue(
            f"expected EISubIndices, got {type(sub).__name__}", field="sub", value=repr(sub)
        )
    return float(_ei_exact(sub))


def _grade_index(ei: object) -> int:
    d = _dec("ei", ei)
    if d < 0 or d > 100:
        raise InvalidValue(f"ei {ei} is outside 0–100 ({_CLAUSE} §5.3.1)",
                           field="ei", value=ei, clause=f"{_CLAUSE} §5.3.1")  # fmt: skip
    for i, edge in enumerate(GRADE_EDGES):
        if d >= Decimal(edge):
            return i
    return 4


def ei_grade(ei: float) -> str:
    """Grade of an EI (HJ 192-2015 §5.3.1): ``"excellent"`` (优, EI ≥ 75), ``"good"`` (良,
    55 ≤ EI < 75), ``"fair"`` (一般, 35 ≤ EI < 55), ``"poor"`` (较差, 20 ≤ EI < 35), ``"bad"``
    (差, EI < 20). An EI outside 0–100 is refused."""
    return GRADES[_grade_index(ei)]


def restricted_grade(grade: str, restriction: str | Sequence[str] = "none") -> str:
    """The grade after the environmental restriction index (HJ 192-2015 Table 5).

    ``"downgrade"`` events lower the grade one level; ``"cap_downgrade"`` events lower it one
    level and it may not be 优 or 良 (so 优 and 良 both become 一般). Several events: the strongest
    applies once. 差 stays 差.
    """
    if grade not in GRADES:
        raise UnknownKeyError("EI grade", grade, GRADES)
    effects = {RESTRICTIONS[k] for k in _restriction_keys(restriction)}
    i = GRADES.index(grade)
    if "cap_downgrade" in effects:
        return GRADES[max(min(i + 1, 4), GRADES.index("fair"))]
    if "downgrade" in effects:
        return GRADES[min(i + 1, 4)]
    return grade


@dataclass(frozen=True, slots=True)
class EIAssessment:
    """EI of one region and period (HJ 192-2015 §5).

    Attributes
    ----------
    ei : float
        The weighted sum, 0–100.
    index_grade : str
        The grade of the number alone (:func:`ei_grade`).
    grade : str
        The grade after the restriction index (:func:`restricted_grade`).
    restrictions : tuple of str
    """

    ei: float
    index_grade: str
    grade: str
    restrictions: tuple[str, ...]

    @property
    def grade_zh(self) -> str:
        return GRADE_NAMES[self.grade][0]


def assess(sub: EISubIndices) -> EIAssessment:
    """EI, its grade and the grade after the environmental restriction index."""
    ei = ecological_index(sub)
    g = ei_grade(ei)
    return EIAssessment(ei, g, restricted_grade(g, sub.restrictions), sub.restrictions)


@dataclass(frozen=True, slots=True)
class EIChange:
    """Change of the EI between two periods (HJ 192-2015 §5.3.2).

    Attributes
    ----------
    delta : float
        ΔEI = after − before.
    magnitude : str
        ``"no_obvious"`` (|ΔEI| < 1), ``"slight"`` (1 ≤ |ΔEI| < 3), ``"obvious"``
        (3 ≤ |ΔEI| < 8), ``"significant"`` (|ΔEI| ≥ 8).
    direction : str or None
        ``"better"`` (ΔEI > 0) or ``"worse"`` (ΔEI < 0); None for no obvious change.
    """

    delta: float
    magnitude: str
    direction: str | None

    @property
    def name_zh(self) -> str:
        """As published: 无明显变化, 略微变好, 明显变差, 显著变好 …"""
        if self.direction is None:
            return CHANGE_NAMES[self.magnitude][0]
        return CHANGE_NAMES[self.magnitude][0].replace("变化", DIRECTIONS[self.direction][0])


def _magnitude_index(delta: Decimal) -> int:
    a = abs(delta)
    i = 0
    for edge in CHANGE_EDGES:
        if a >= Decimal(edge):
            i += 1
    return i


def ei_change(before: float, after: float) -> EIChange:
    """Change class of ΔEI = ``after`` − ``before`` (HJ 192-2015 §5.3.2), computed exactly.

    Both EIs must be 0–100 (field ``"before"`` / ``"after"`` named when not).
    """
    b, a = _dec("before", before), _dec("after", after)
    for name, d, raw in (("before", b, before), ("after", a, after)):
        if d < 0 or d > 100:
            raise InvalidValue(f"{name} EI {raw} is outside 0–100 ({_CLAUSE} §5.3.2)",
                               field=name, value=raw, clause=f"{_CLAUSE} §5.3.2")  # fmt: skip
    delta = a - b
    mag = CHANGE_MAGNITUDES[_magnitude_index(delta)]
    direction = None if mag == "no_obvious" else ("better" if delta > 0 else "worse")
    return EIChange(float(delta), mag, direction)


def ei_fluctuation(series: Sequence[float]) -> str | None:
    """Fluctuation class of an EI series (HJ 192-2015 §5.3.2; tagged U, see :data:`CONFIDENCE`).

    A series fluctuates when its consecutive changes ΔEI change sign (up, then down, or the
    reverse); then the region's ecology is sensitive (生态环境敏感) and the class is that of the
    largest consecutive |ΔEI| on the change edges: ``"stable"`` (< 1), ``"fluctuating"``
    (1 ≤ · < 3), ``"large_fluctuation"`` (3 ≤ · < 8), ``"severe_fluctuation"`` (≥ 8). A series
    that only rises or only falls (or stays flat) does not fluctuate: None — use
    :func:`ei_change` for its trend. Needs at least three periods.
    """
    vals = [_dec(f"series[{i}]", v) for i, v in enumerate(series)]
    if len(vals) < 3:
        raise InvalidValue(
            f"an EI fluctuation needs at least three periods, got {len(vals)}",
            field="series", value=len(vals), clause=f"{_CLAUSE} §5.3.2",
        )  # fmt: skip
    for i, d in enumerate(vals):
        if d < 0 or d > 100:
            raise InvalidValue(f"series[{i}] EI {series[i]} is outside 0–100",
                               field=f"series[{i}]", value=series[i], clause=_CLAUSE)  # fmt: skip
    deltas = [b - a for a, b in zip(vals, vals[1:], strict=False)]
    signs = [d > 0 for d in deltas if d != 0]
    if all(signs) or not any(signs):
        return None
    return FLUCTUATIONS[max(_magnitude_index(d) for d in deltas)]


def sub_indices_from_mapping(values: Mapping[str, object]) -> EISubIndices:
    """Build :class:`EISubIndices` from a mapping (CSV row, JSON), naming a missing field."""
    names = [f.name for f in fields(EISubIndices)]
    for n in names[:5]:
        if (
            n not in values
            or values[n] is None
            or (
                isinstance(values[n], float) and math.isnan(values[n])  # type: ignore[arg-type]
            )
        ):
            raise InvalidValue(f"{n} ({NAMES_ZH[n]}) is missing", field=n, value=None,
                               clause=f"{_CLAUSE} §5.2")  # fmt: skip
    kwargs = {n: values[n] for n in names if n in values}
    return EISubIndices(**kwargs)  # type: ignore[arg-type]
