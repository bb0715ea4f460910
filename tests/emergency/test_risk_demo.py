"""The demo's risk enterprises on the small demo province: at least 40 declared and graded by the
service (most 一般, some 较大; every grade's notation begins with its level, every record
synthetic), declarations awaiting review for the county account, plans with some expiring and
expired, an expired 较大/重大 plan's case of source emergency; a second seeding adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.emergency.risk import service as svc
from qingshan.emergency.risk.models import RiskDeclaration, RiskGrade
from qingshan.sim.demo_emergency_risk import seed_demo_emergency_risk
from qingshan.timeutil import utcnow

PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")


def test_demo_risk(small_demo_dir) -> None:
    settings = Settings(data_dir=small_demo_dir)
    engine = get_engine(settings.db_url)
    today = utcnow().date()
    with session_scope(engine) as s:
        rows = svc.risk_list(s, PROVINCE, today=today)
        levels = [r.level for r in rows]
        assert len(rows) >= 40
        assert levels.count("一般") > len(rows) / 2 and levels.count("较大") >= 1
        assert all(r.notation.startswith(r.level + "[") for r in rows)
        assert all(g.synthetic for g in s.scalars(select(RiskGrade)))
        assert (
            len(svc.declarations_pending(s, XIHU)) + len(svc.declarations_pending(s, PROVINCE)) >= 2
        )
        plans = svc.plans(s, PROVINCE, today=today)
        statuses = {p.status for p in plans}
        assert len(plans) > 0.7 * len(rows) and {"current", "expiring", "expired"} <= statuses
        cases = [p.plan.expired_case_id for p in plans if p.plan.expired_case_id]
        assert cases and all(s.get(CaseRecord, c).source == "emergency" for c in cases)
        n = s.scalar(select(func.count()).select_from(RiskDeclaration))
    assert seed_demo_emergency_risk(engine, now=utcnow(), sink=CASES_SINK) is None
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(RiskDeclaration)) == n
