"""Enterprise marks (企业标记): time intervals the enterprise declares, with who, when and proof.

Mark kinds follow 生态环境部公告2022年第21号 《污染物排放自动监测设备标记规则》 (in force 2023-01-01)
and the thermal-power 工况 marks of its pilot (执法函〔2020〕21号; Guangxi 2021 interpretation):
停运, 启炉, 停炉, 故障, 维护, 校准, 并网, 解列. Which kinds make data invalid is a rule-pack entry
(``validity.invalidating_marks``): "标记为无效的自动监测数据，不作为超标判定依据".

This module is pure: marks in, masks out. Storage is :mod:`qingshan.qc.models`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.qc.errors import MarkEndsBeforeStart, MarkOverlap, UnknownMarkKind
from qingshan.qc.flags import utc_index

__all__ = ["MARK_KINDS", "STOP_KINDS", "MarkInterval", "validate_marks", "mark_mask", "lateness"]

#: kind → (Chinese label, English gloss)
MARK_KINDS: dict[str, str] = {
    "停运": "unit out of operation (stopped)",
    "启炉": "boiler / kiln start-up",
    "停炉": "boiler / kiln shut-down",
    "故障": "fault or accident (故障/事故)",
    "维护": "equipment maintenance",
    "校准": "calibration",
    "并网": "start-up until grid connection / energy supply",
    "解列": "shut-down after grid disconnection",
}
#: kinds during which the unit does not produce (for 标停未停 and the O2/flow state checks)
STOP_KINDS: frozenset[str] = frozenset({"停运", "停炉"})


@dataclass(frozen=True)
class MarkInterval:
    """One mark: ``[start, end)`` UTC on a site, optionally limited to one parameter."""

    kind: str
    start: datetime
    end: datetime
    site: str | int | None = None
    parameter: str | None = None  # None = the whole outlet
    created_by: str | None = None
    created_at: datetime | None = None
    proof: Sequence[str] = field(default_factory=tuple)
    id: int | None = None

    def label(self) -> str:
        return (
            f"#{self.id} {self.kind}"
            if self.id is not None
            else f"{self.kind} {self.start}–{self.end}"
        )


def _ts(v: object) -> pd.Timestamp:
    t = pd.Timestamp(v)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def validate_marks(marks: Iterable[MarkInterval]) -> list[MarkInterval]:
    """Check kinds, end after start, and no overlap on the same site and parameter scope.

    Marks touching end-to-start (``a.end == b.start``) do not overlap. A whole-outlet mark
    overlaps every parameter's marks on that outlet.

    Raises
    ------
    UnknownMarkKind, MarkEndsBeforeStart, MarkOverlap
    """
    marks = list(marks)
    for m in marks:
        if m.kind not in MARK_KINDS:
            raise UnknownMarkKind(m.kind, list(MARK_KINDS))
        if _ts(m.end) <= _ts(m.start):
            raise MarkEndsBeforeStart(m.kind, m.start, m.end)
    by_site: dict[object, list[MarkInterval]] = {}
    for m in marks:
        by_site.setdefault(m.site, []).append(m)
    for group in by_site.values():
        group.sort(key=lambda m: _ts(m.start))
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if _ts(b.start) >= _ts(a.end):
                    break
                if a.parameter is None or b.parameter is None or a.parameter == b.parameter:
                    raise MarkOverlap(b.kind, b.start, b.end, a.label())
    return marks


def mark_mask(
    times: pd.DatetimeIndex | pd.Series | npt.ArrayLike,
    marks: Iterable[MarkInterval],
    kinds: Iterable[str] | None = None,
    *,
    parameter: str | None = None,
) -> npt.NDArray[np.bool_]:
    """True where ``times`` fall inside a mark ``[start, end)`` of one of ``kinds`` (all if None)
    that applies to ``parameter`` (whole-outlet marks apply to every parameter).

    O((n + m) log n): each mark is two binary searches and a difference-array update.
    """
    t = utc_index(times).as_unit("ns").asi8
    order = np.argsort(t, kind="stable")
    ts = t[order]
    diff = np.zeros(ts.size + 1, dtype=np.int32)
    wanted = None if kinds is None else set(kinds)
    for m in marks:
        if wanted is not None and m.kind not in wanted:
            continue
        if m.parameter is not None and parameter is not None and m.parameter != parameter:
            continue
        lo = np.searchsorted(ts, _ts(m.start).value, side="left")
        hi = np.searchsorted(ts, _ts(m.end).value, side="left")
        diff[lo] += 1
        diff[hi] -= 1
    inside_sorted = np.cumsum(diff[:-1]) > 0
    out = np.empty_like(inside_sorted)
    out[order] = inside_sorted
    return out


def lateness(mark: MarkInterval) -> pd.Timedelta | None:
    """How long after the marked period began the mark was entered (created_at − start); a
    mark entered after the data (e.g. a 停产 mark the next morning over night-time exceedances)
    is a red flag (qc-rules.md §3, lateness audit)."""
    if mark.created_at is None:
        return None
    return _ts(mark.created_at) - _ts(mark.start)
