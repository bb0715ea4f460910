"""The demo's notices and applications: ten published notices (public, region, one addressed
to the demo enterprise), one withdrawn, one draft, read receipts, three pending applications
that the xihu and hangzhou accounts see; a second run adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.credit_code import credit_code_check
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.portal.notices import service as notices
from qingshan.portal.notices.models import Notice, NoticeRead
from qingshan.portal.onboarding import service as onboarding
from qingshan.portal.onboarding.models import Registration
from qingshan.sim.demo_portal_notices import APPLY_PASSWORD, seed_demo_portal_notices

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


def _code(i: int, region: str) -> str:
    body = f"91{region}MA2DMN{i:03d}"
    return body + credit_code_check(body)


def test_demo_notices(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        ents = [Enterprise(credit_code=_code(i, r), name=f"演示企业{i}", industry=Industry.CHEMICAL,
                           region_code=r)
                for i, r in enumerate(["330106", "330106", "330106", "330105", "330203"])]  # fmt: skip
        s.add_all(ents)
        s.flush()
        for name, role, region in [("province", Role.PROVINCE, "330000"),
                                   ("hangzhou", Role.CITY, "330100"),
                                   ("xihu", Role.COUNTY, "330106"),
                                   ("ningbo", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, "qingshan-demo", role, region)
        create_user(s, "enterprise", "qingshan-demo", Role.ENTERPRISE, "330106",
                    enterprise_id=ents[0].id)  # fmt: skip
    summary = seed_demo_portal_notices(engine, now=NOW)
    assert summary == "11 notices (1 withdrawn, 1 draft), 6 read receipts, 3 applications pending"
    assert seed_demo_portal_notices(engine, now=NOW) is None
    with session_scope(engine) as s:
        states = dict(s.execute(select(Notice.state, func.count()).group_by(Notice.state)).all())
        assert states == {"published": 9, "withdrawn": 1, "draft": 1}
        assert s.scalar(select(func.count()).where(Notice.synthetic.is_(False))) == 0
        ent = Scope("330106", Role.ENTERPRISE, enterprise_id=ents[0].id, username="enterprise",
                    enterprise_ids=frozenset({ents[0].id}))  # fmt: skip
        mine = notices.notices_for(s, ent)
        assert len(mine) == 8  # every published but the officers' one
        assert [v.read_at is None for v in mine[:3]] == [True, True, False]
        assert "关于贵单位整改事项的告知" in [v.title for v in mine]
        assert s.scalar(select(func.count()).select_from(NoticeRead)) == 6
        xihu = Scope("330106", Role.COUNTY, username="xihu")
        hangzhou = Scope("330100", Role.CITY, username="hangzhou")
        assert len(onboarding.pending_registrations(s, xihu)) == 2
        assert len(onboarding.pending_registrations(s, hangzhou)) == 3
        assert onboarding.registration_status(s, "apply-1", APPLY_PASSWORD).state == "pending"
        assert s.scalar(select(func.count()).where(Registration.synthetic.is_(True))) == 3
