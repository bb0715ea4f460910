"""The demo's rights ledger on the fixture enterprises: allocations within every cap, the demo
enterprise account's own enterprise holds rights, the ledger reconciles, every movement is
synthetic, and a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.rights_fixtures import NOW, PROVINCE, seed
from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.portal.rights import service
from qingshan.portal.rights.models import RightsMovement
from qingshan.sim.demo_portal_rights import seed_demo_portal_rights


def test_demo_ledger(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        create_user(s, "enterprise", "qingshan-demo", Role.ENTERPRISE, "330203",
                    enterprise_id=ids["宁波化工"])  # fmt: skip
    summary = seed_demo_portal_rights(engine, now=NOW)
    assert summary is not None and summary.startswith("6 allocations")  # 6 capped ledger pollutants
    assert seed_demo_portal_rights(engine, now=NOW) is None
    with session_scope(engine) as s:
        rows = service.balances(s, PROVINCE, year=2026)
        assert all(0 <= b.closing <= b.cap for b in rows if b.cap is not None)
        assert any(b.enterprise_id == ids["宁波化工"] and b.allocated > 0 for b in rows)
        assert service.ledger_totals(s)["balances"] == 0
        assert not s.scalar(select(func.count()).where(RightsMovement.synthetic.is_(False)))
