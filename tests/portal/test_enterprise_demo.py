"""The demo's enterprise portal on the small demo province: the demo ``enterprise`` account has
an open case in the enterprise's hands on first start (dispatched, rectifying or submitted —
the workflow offers it 开始整改, 申请验收 or 补充材料), and a second seeding does nothing."""

from __future__ import annotations

from sqlalchemy import select

from qingshan.accounts.models import User
from qingshan.accounts.service import scope_of
from qingshan.cases import service as cases
from qingshan.cases.workflow import CaseEvent, CaseState
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.sim.demo_portal_enterprise import WORKING, seed_demo_portal_enterprise
from qingshan.timeutil import utcnow

EXPECTED = {CaseState.ASSIGNED: CaseEvent.START, CaseState.RECTIFYING: CaseEvent.SUBMIT,
            CaseState.SUBMITTED: CaseEvent.NOTE}  # fmt: skip


def test_demo_enterprise_has_a_case_to_answer(small_demo_dir) -> None:
    engine = get_engine(Settings(data_dir=small_demo_dir).db_url)
    with session_scope(engine) as s:
        user = s.scalar(select(User).where(User.username == "enterprise"))
        page = cases.list_cases(s, scope_of(user), cases.CaseFilter(open_only=True))
        working = [c for c in page.items if c.state in WORKING]
        assert working, [c.state for c in page.items]
        for c in working:  # dispatched: 开始整改; rectifying: 申请验收; submitted: 补充材料
            assert EXPECTED[c.state] in cases.available_actions(s, user, c), c.state
        s.rollback()
    assert seed_demo_portal_enterprise(engine, now=utcnow()) is None
