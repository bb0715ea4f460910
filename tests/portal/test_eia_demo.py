"""The demo's EIA approvals and applications on the small demo province: most permitted
enterprises approved (every record synthetic, numbers valid for their type and year), the
warnings computed from them, the demo enterprise account's own file with an approval and an
application, a year of applications with realistic days and trips; a second seeding adds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.portal.eia import rules
from qingshan.portal.eia import service as svc
from qingshan.portal.eia.models import EiaApproval, PermitApplication
from qingshan.sim.demo_portal_eia import seed_demo_portal_eia
from qingshan.timeutil import utcnow

PROVINCE = Scope("330000", Role.PROVINCE, username="province")


def test_demo_eia(small_demo_dir) -> None:
    engine = get_engine(Settings(data_dir=small_demo_dir).db_url)
    with session_scope(engine) as s:
        approvals = list(s.scalars(select(EiaApproval)))
        assert len(approvals) >= 20 and all(a.synthetic for a in approvals)
        assert all(rules.check_approval_no(a.approval_no, a.doc_type, a.approved_on) is None
                   for a in approvals)  # fmt: skip
        kinds = {r.warning.kind for r in svc.warnings(s, PROVINCE)}
        assert "no_eia" in kinds and "permit_older" in kinds
        own = s.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
        rec = svc.records_for(s, Scope("330100", Role.ENTERPRISE, enterprise_id=own,
                                       username="enterprise"), own)  # fmt: skip
        assert rec.approvals and rec.applications and rec.permit is not None
        today = utcnow().date()
        (year,) = svc.service_statistics(s, PROVINCE, since=today - timedelta(days=400),
                                         until=today + timedelta(days=1), by="all")  # fmt: skip
        assert year.applications >= 10 and year.decided >= 0.8 * year.applications
        assert year.median_days is not None and 3 <= year.median_days <= 20
        assert year.one_trip_share is not None and year.one_trip_share > 0.6
        n = s.scalar(select(func.count()).select_from(PermitApplication))
    assert seed_demo_portal_eia(engine, now=utcnow()) is None
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(PermitApplication)) == n
