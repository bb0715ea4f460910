"""The stages of an incident (pure core): a small state machine.

reported (接报) → verified (核实) → responding (应急响应) → [monitoring (跟踪监测)] →
recovering (应急终止/后期处置) → closed (结案). Definitions (docs/emergency-incidents.md §Stages):

- ``reported``: the first report is received and recorded; facts as reported; level 初判.
- ``verified``: an officer has verified the report (on site or with the reporter); the level is
  judged on the verified facts and the response at that level can start.
- ``responding``: the response of the level is launched (国办函〔2014〕119号 §4: 分级响应);
  orders are given and carried out; temporary monitoring points are set up.
- ``monitoring`` (optional): the source is cut off and under control; emergency monitoring goes
  on until the readings are back within the standard.
- ``recovering``: the response is terminated (应急终止, §4.4 [MC]); aftercare, damage
  assessment and investigation (后期工作, §5 [MC]).
- ``closed``: the record is closed; the incident report is generated. Nothing follows.

A step not in :data:`NEXT` is refused with :class:`IllegalIncidentStage`, naming the current
and the requested stage.
"""

from __future__ import annotations

from types import MappingProxyType

from qingshan.emergency.incidents.errors import BadIncident, IllegalIncidentStage

__all__ = ["NEXT", "STAGES", "advance", "is_open"]

STAGES = ("reported", "verified", "responding", "monitoring", "recovering", "closed")

#: the stages each stage may go to
NEXT: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "reported": ("verified",),
    "verified": ("responding",),
    "responding": ("monitoring", "recovering"),
    "monitoring": ("recovering",),
    "recovering": ("closed",),
    "closed": (),
})  # fmt: skip


def advance(current: str, requested: str) -> str:
    """``requested`` if it may follow ``current``; else :class:`IllegalIncidentStage`."""
    if requested not in STAGES:
        raise BadIncident(f"stage {requested!r} is not one of {', '.join(STAGES)}", field="stage")
    if requested not in NEXT[current]:
        raise IllegalIncidentStage(current, requested, NEXT[current])
    return requested


def is_open(stage: str) -> bool:
    return stage != "closed"
