"""Zero-direct-discharge zones (污水零直排区) of the industrial-park class: the declared lifecycle
and the construction tasks as data (pure; issue #20, plan item 12.2).

Zhejiang launched 污水零直排区 in 2018 — sewage intercepted into sewers, collected, treated and
discharged to standard, "晴天不排水，雨天无污水"; the building units are 工业园区（工业集聚区）类,
生活小区类 and 其他类; this module holds the first (shared/reference/zones-emergency.md §1.1).
The workflow (§1.4, [U]: the reference gives it from secondary sources; the provincial
《城镇"污水零直排区"建设技术规范》 part 评估与验收, in force 2022-03-22, and Huzhou DB3305/T
114.1-2019 part 1 hold the procedure): survey and rectification → 自查 (self-check, the county)
→ 市级复核 (city review) → 省级验收 (provincial acceptance); units that relapse (反复) are
downgraded.

States (:class:`ParkState`): ``building`` 建设中 → ``self_checked`` 自查通过 → ``city_passed``
市级复核通过 → ``accepted`` 省级验收通过. A failed step (any of the three, result ``fail``)
returns the park to ``rectifying`` 整改中, from which it self-checks again; an accepted park
that relapses is ``downgraded`` 反复降级 and goes the whole way again. A passing step needs
every construction task at 100 %. An illegal step raises :class:`IllegalParkStep` (HTTP 409)
naming the event, the state and the allowed events.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from qingshan.errors import IllegalStep
from qingshan.zones.errors import ZoneError
from qingshan.zones.geoio import ZHEJIANG_BBOX

__all__ = [
    "ParkType",
    "ParkLevel",
    "ParkState",
    "ParkEvent",
    "StepResult",
    "TASK_KINDS",
    "TRANSITIONS",
    "EVENT_ROLES",
    "IllegalParkStep",
    "BadPark",
    "events_from",
    "fire",
    "check_percent",
    "park_boundary",
]


class BadPark(ZoneError):
    """Bad input for a park, a task, a progress report or a step; ``field`` names it (422)."""


class IllegalParkStep(IllegalStep, ZoneError):
    """An acceptance event the park's state does not allow (409), or a passing step while a
    construction task is below 100 %."""

    status_code = 409

    def __init__(self, event: str, state: str, allowed: Sequence[str] = (), *,
                 why: str = "") -> None:  # fmt: skip
        IllegalStep.__init__(self, event, state, allowed)
        if why:
            self.message = f"{self.message}: {why}"
            self.args = (self.message,)
        self.field = "event"


class ParkType(enum.StrEnum):
    """The industrial-park class of building unit (建设单元, reference §1.1)."""

    PARK = "park"  # 工业园区
    CLUSTER = "cluster"  # 工业集聚区


class ParkLevel(enum.StrEnum):
    """The park's level (开发区/园区 级别)."""

    NATIONAL = "national"  # 国家级
    PROVINCIAL = "provincial"  # 省级
    CITY = "city"  # 市级
    COUNTY = "county"  # 县级


class ParkState(enum.StrEnum):
    BUILDING = "building"  # 建设中
    SELF_CHECKED = "self_checked"  # 自查通过，待市级复核
    CITY_PASSED = "city_passed"  # 市级复核通过，待省级验收
    ACCEPTED = "accepted"  # 省级验收通过
    RECTIFYING = "rectifying"  # 整改中 (a step failed)
    DOWNGRADED = "downgraded"  # 反复降级 (an accepted park relapsed)


class ParkEvent(enum.StrEnum):
    SELF_CHECK = "self_check"  # 自查 (county)
    CITY_REVIEW = "city_review"  # 市级复核 (city)
    PROVINCIAL_ACCEPTANCE = "provincial_acceptance"  # 省级验收 (province)
    RELAPSE = "relapse"  # 反复 (city or province): downgrades an accepted park


class StepResult(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"


#: construction tasks as data: kind → (中文, English), the items checked at park and enterprise
#: level (shared/reference/zones-emergency.md §1.5: 雨污分流, CCTV 管网排查, repair of defects and
#: misconnections, separate pre-treatment of process wastewater, 一企一管, initial-rainwater
#: pools, online monitoring of outfalls, 入河排污口 rectification, long-term O&M contract)
TASK_KINDS = MappingProxyType(
    {
        "rain_sewage_separation": ("雨污分流", "Rain–sewage separation"),
        "pipe_survey": ("管网排查", "Pipe network survey"),
        "pipe_repair": ("管网修复", "Pipe network repair"),
        "pretreatment": ("预处理", "Pre-treatment"),
        "dedicated_pipe": ("一企一管", "One enterprise, one pipe"),
        "initial_rain_pool": ("初期雨水池", "Initial-rainwater pool"),
        "online_monitoring": ("在线监控", "Online monitoring"),
        "outfall_rectification": ("排口整治", "Outfall rectification"),
        "om_contract": ("长效运维", "Long-term O&M"),
    }
)

_BUILDABLE = (ParkState.BUILDING, ParkState.RECTIFYING, ParkState.DOWNGRADED)

#: (state, event, result) → next state; a relapse has no result
TRANSITIONS = MappingProxyType(
    {
        **{(s, ParkEvent.SELF_CHECK, StepResult.PASS): ParkState.SELF_CHECKED for s in _BUILDABLE},
        **{(s, ParkEvent.SELF_CHECK, StepResult.FAIL): ParkState.RECTIFYING for s in _BUILDABLE},
        (ParkState.SELF_CHECKED, ParkEvent.CITY_REVIEW, StepResult.PASS): ParkState.CITY_PASSED,
        (ParkState.SELF_CHECKED, ParkEvent.CITY_REVIEW, StepResult.FAIL): ParkState.RECTIFYING,
        (ParkState.CITY_PASSED, ParkEvent.PROVINCIAL_ACCEPTANCE, StepResult.PASS): ParkState.ACCEPTED,
        (ParkState.CITY_PASSED, ParkEvent.PROVINCIAL_ACCEPTANCE, StepResult.FAIL): ParkState.RECTIFYING,
        (ParkState.ACCEPTED, ParkEvent.RELAPSE, None): ParkState.DOWNGRADED,
    }
)  # fmt: skip

#: who takes each event: role values of :class:`qingshan.accounts.models.Role`
EVENT_ROLES = MappingProxyType(
    {
        ParkEvent.SELF_CHECK: ("county",),
        ParkEvent.CITY_REVIEW: ("city",),
        ParkEvent.PROVINCIAL_ACCEPTANCE: ("province",),
        ParkEvent.RELAPSE: ("city", "province"),
    }
)


def events_from(state: ParkState | str) -> list[ParkEvent]:
    """The events allowed in ``state`` (each once, in declaration order)."""
    state = ParkState(state)
    out: list[ParkEvent] = []
    for s, e, _ in TRANSITIONS:
        if s == state and e not in out:
            out.append(e)
    return out


def _event(event: ParkEvent | str) -> ParkEvent:
    try:
        return ParkEvent(event)
    except ValueError:
        valid = ", ".join(e.value for e in ParkEvent)
        raise BadPark(f"event: {event!r} is not one of {valid}", field="event") from None


def fire(state: ParkState | str, event: ParkEvent | str, result: StepResult | str | None, *,
         task_percents: Sequence[float] = ()) -> ParkState:  # fmt: skip
    """The state after ``event`` with ``result`` (pass / fail; None for a relapse) in
    ``state``. A passing step needs at least one construction task and every task at 100 %
    (``task_percents`` [%])."""
    state, event = ParkState(state), _event(event)
    if event is ParkEvent.RELAPSE:
        if result is not None and result != "":
            raise BadPark("result: a relapse has no pass/fail result", field="result")
        res = None
    else:
        try:
            res = StepResult(result) if result is not None else None
        except ValueError:
            res = None
        if res is None:
            raise BadPark(f"result: {result!r} is not pass or fail", field="result")
    nxt = TRANSITIONS.get((state, event, res))
    if nxt is None:
        raise IllegalParkStep(event.value, state.value, [e.value for e in events_from(state)])
    if res is StepResult.PASS:
        if not task_percents:
            raise IllegalParkStep(event.value, state.value, why="the park has no construction task")
        short = sum(1 for p in task_percents if p < 100.0)
        if short:
            raise IllegalParkStep(event.value, state.value,
                                  why=f"{short} construction task(s) below 100 %")  # fmt: skip
    return nxt


def check_percent(percent: float) -> float:
    """A task's progress [%]: a finite number 0–100."""
    if not (0.0 <= percent <= 100.0):
        raise BadPark(f"percent: must be 0–100, got {percent:g}", field="percent")
    return float(percent)


def park_boundary(geometry: Any) -> BaseGeometry:
    """A park's boundary from a GeoJSON geometry in lon/lat (CGCS2000 ≈ WGS 84): a valid
    Polygon or MultiPolygon inside Zhejiang's extent (:data:`~qingshan.zones.geoio.ZHEJIANG_BBOX`)."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        got = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise BadPark(f"boundary: a GeoJSON Polygon or MultiPolygon, got {got!r}", field="boundary")
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise BadPark(f"boundary: not a readable geometry ({exc})", field="boundary") from exc
    if geom.is_empty or not geom.is_valid:
        why = "empty" if geom.is_empty else shapely.is_valid_reason(geom)
        raise BadPark(f"boundary: invalid geometry: {why}", field="boundary")
    x0, y0, x1, y1 = geom.bounds
    bx0, by0, bx1, by1 = ZHEJIANG_BBOX
    if not (bx0 <= x0 and x1 <= bx1 and by0 <= y0 and y1 <= by1):
        raise BadPark(f"boundary: outside Zhejiang ({x0:.3f}, {y0:.3f} – {x1:.3f}, {y1:.3f}; "
                      "longitude first, degrees)", field="boundary")  # fmt: skip
    return geom
