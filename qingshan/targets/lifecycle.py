"""The progress report's lifecycle (declared, pure).

States: ``submitted`` (报送, by a city or the lead department) → ``accepted`` (审核通过, by the
province) or ``returned`` (退回, with a reason) → a returned report is ``resubmit``-ted with new
figures → an accepted report is ``audited`` (审计/核查, by the province; final). Only accepted
and audited reports count towards progress. An illegal step raises
:class:`~qingshan.targets.errors.IllegalReportStep` naming the event and the state.
"""

from __future__ import annotations

import enum
from types import MappingProxyType

from qingshan.targets.errors import BadReport, IllegalReportStep

__all__ = ["ReportState", "ReportEvent", "TRANSITIONS", "COUNTED", "fire", "events_from"]


class ReportState(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    AUDITED = "audited"


class ReportEvent(enum.StrEnum):
    ACCEPT = "accept"
    RETURN = "return"
    RESUBMIT = "resubmit"
    AUDIT = "audit"


#: (state, event) → next state
TRANSITIONS = MappingProxyType(
    {
        (ReportState.SUBMITTED, ReportEvent.ACCEPT): ReportState.ACCEPTED,
        (ReportState.SUBMITTED, ReportEvent.RETURN): ReportState.RETURNED,
        (ReportState.RETURNED, ReportEvent.RESUBMIT): ReportState.SUBMITTED,
        (ReportState.ACCEPTED, ReportEvent.AUDIT): ReportState.AUDITED,
    }
)
#: the states whose figures count towards a target's progress
COUNTED = frozenset({ReportState.ACCEPTED, ReportState.AUDITED})
#: events the province takes (review and audit); resubmission is the reporter's
REVIEW_EVENTS = frozenset({ReportEvent.ACCEPT, ReportEvent.RETURN, ReportEvent.AUDIT})


def events_from(state: ReportState) -> list[ReportEvent]:
    """The events allowed in ``state``."""
    return [e for (s, e) in TRANSITIONS if s == state]


def fire(state: ReportState | str, event: ReportEvent | str, *, reason: str = "") -> ReportState:
    """The state after ``event`` in ``state``; returning needs a ``reason``."""
    state, event = ReportState(state), ReportEvent(event)
    nxt = TRANSITIONS.get((state, event))
    if nxt is None:
        raise IllegalReportStep(event.value, state.value, [e.value for e in events_from(state)])
    if event is ReportEvent.RETURN and not reason.strip():
        raise BadReport("reason", "a returned report says why")
    return nxt
