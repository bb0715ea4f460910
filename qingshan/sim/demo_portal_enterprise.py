"""The demo's enterprise portal (issue #23, area enterprise): the demo ``enterprise`` account
finds a case it can answer on first start. QC opens its enterprise's cases registered (待交办);
the city's officer (the demo's ``hangzhou`` account) dispatches (交办) the newest one to the unit
the cases service routes it to, through the cases service, as an officer would — so the portal
offers 开始整改 / 申请验收 on it. Every record the step touches is already synthetic (the demo's
cases); the dispatch is audited as ``demo``.

Idempotent: nothing is done when the enterprise already has a case dispatched, in
rectification or submitted, or has no registered case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import User
from qingshan.audit.log import acting_as
from qingshan.cases import service as cases
from qingshan.cases.errors import CaseError
from qingshan.cases.models import CaseRecord
from qingshan.cases.workflow import CaseState
from qingshan.db.engine import session_scope

__all__ = ["seed_demo_portal_enterprise"]

ENTERPRISE_ACCOUNT = "enterprise"
OFFICER = "hangzhou"
#: states in which the enterprise has something to do or wait for
WORKING = (CaseState.ASSIGNED, CaseState.RECTIFYING, CaseState.SUBMITTED)


def seed_demo_portal_enterprise(engine: Engine, *, now: datetime) -> str | None:
    """Dispatch the demo enterprise's newest registered case (see the module); what was done,
    or None when nothing was to do."""
    with session_scope(engine) as s, acting_as("demo"):
        ent = s.scalar(select(User).where(User.username == ENTERPRISE_ACCOUNT))
        officer = s.scalar(select(User).where(User.username == OFFICER))
        if ent is None or officer is None or ent.enterprise_id is None:
            return None
        q = select(CaseRecord).where(CaseRecord.enterprise_id == ent.enterprise_id)
        if s.scalar(q.where(CaseRecord.state.in_(WORKING)).limit(1)) is not None:
            return None
        case = s.scalar(q.where(CaseRecord.state == CaseState.REGISTERED)
                        .order_by(CaseRecord.registered_at.desc()).limit(1))  # fmt: skip
        if case is None:
            return None
        try:
            cases.assign_case(s, officer, case.id, reason="演示：交办企业整改", now=now)
        except CaseError as exc:
            return f"case {case.number or case.id} not dispatched: {exc}"
        return f"case {case.number or case.id} dispatched to the enterprise account's enterprise"
