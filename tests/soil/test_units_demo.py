"""The demo's key soil-supervised units on the small demo province: dozens of units, the demo
enterprise account owning one; some overdue checks, some exceeding samples, some missing reports,
every record synthetic; the soil-units cases opened; a second seeding adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.sim.demo_soil_units import seed_demo_soil_units
from qingshan.soil.units import service as svc
from qingshan.soil.units.models import SoilUnit, SoilUnitSample
from qingshan.timeutil import as_cst, utcnow

PROVINCE = Scope("330000", Role.PROVINCE, username="province")


def test_demo_soil_units(small_demo_dir) -> None:
    engine = get_engine(Settings(data_dir=small_demo_dir).db_url)
    today = as_cst(utcnow()).date()
    with session_scope(engine) as s:
        rows = svc.unit_list(s, PROVINCE, today=today)
        assert len(rows) >= 40
        assert sum(r.overdue for r in rows) >= 1 and sum(1 for r in rows if r.exceeding) >= 2
        assert sum(1 for r in rows if r.reports_missing) >= 1
        assert {r.worst_soil for r in rows} >= {"within_screening", "over_screening"}
        assert svc.overdue_checks(s, PROVINCE, today) >= 1
        own = s.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
        assert own in {r.unit.enterprise_id for r in rows}
        assert all(u.synthetic for u in s.scalars(select(SoilUnit)))
        assert all(x.synthetic for x in s.scalars(select(SoilUnitSample)))
        assert s.scalar(select(func.count()).select_from(CaseRecord)
                        .where(CaseRecord.source == "soil")) >= 3  # fmt: skip
        n = s.scalar(select(func.count()).select_from(SoilUnitSample))
    assert seed_demo_soil_units(engine, now=utcnow(), sink=CASES_SINK) is None
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(SoilUnitSample)) == n
