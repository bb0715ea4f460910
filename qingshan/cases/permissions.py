"""Who may fire which event (pure): roles per event as data, plus the two rules that depend on
the case — escalation comes from above, signing needs a signer entitlement.

Officers (province, city, county) dispatch, return, close, reopen, merge, cancel; enterprise
users answer their own cases (start, submit, note); the ladder (督办 …) is climbed by an
officer of a higher level than the case's region; acceptance is signed by accounts entitled as
department or government signers for the case's region (``case_signer``), whatever their
role. Events the system fires (``accept``, ``remind``, ``overdue``, ``attach``) no user may.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from qingshan.accounts.models import Role
from qingshan.cases.workflow import CaseEvent
from qingshan.geo.regions import scope_prefix

__all__ = ["OFFICERS", "EVENT_ROLES", "USER_EVENTS", "why_not"]

OFFICERS = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY})

#: the roles that may fire each event a user may fire
EVENT_ROLES: Mapping[CaseEvent, frozenset[Role]] = MappingProxyType(
    {
        CaseEvent.ASSIGN: OFFICERS,
        CaseEvent.START: OFFICERS | {Role.ENTERPRISE},
        CaseEvent.SUBMIT: OFFICERS | {Role.ENTERPRISE},
        CaseEvent.RETURN: OFFICERS,
        CaseEvent.SIGN: OFFICERS,
        CaseEvent.CLOSE: OFFICERS,
        CaseEvent.REOPEN: OFFICERS,
        CaseEvent.MERGE: OFFICERS,
        CaseEvent.CANCEL: OFFICERS,
        CaseEvent.ESCALATE: OFFICERS,
        CaseEvent.NOTE: OFFICERS | {Role.ENTERPRISE},
    }
)
#: the events a user may ask for, in the order the case page offers them
USER_EVENTS = tuple(EVENT_ROLES)


def why_not(
    event: CaseEvent,
    role: Role,
    *,
    user_region: str,
    case_region: str,
    signer: bool = False,
) -> str | None:
    """None when a user of ``role`` in ``user_region`` may fire ``event`` on a case of
    ``case_region`` (scope already checked), else why not."""
    roles = EVENT_ROLES.get(event)
    if roles is None:
        return f"{event.value} is fired by the system, not by a user"
    if role not in roles:
        return f"role {role.value} may not {event.value}"
    if event is CaseEvent.ESCALATE and len(scope_prefix(user_region)) >= len(
        scope_prefix(case_region)
    ):
        return "escalation (督办) comes from a higher level than the case's region"
    if event is CaseEvent.SIGN and not signer:
        return "not entitled to sign acceptances for this region (case_signer)"
    return None
