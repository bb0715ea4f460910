"""The demo's incidents: one past incident with its whole record (closed, re-judged 较大 with the
city leading, orders all done, two points with 48 readings each in the observation store, the
report), one open incident responding in 西湖; labelled synthetic; a second build adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.emergency.incidents import service as svc
from qingshan.emergency.incidents.models import EmergencyIncident, EmergencyIncidentLog
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.sim.demo_emergency_incidents import seed_demo_emergency_incidents
from qingshan.timeseries.store import ObservationStore

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")


def test_demo_incidents(engine, tmp_path) -> None:
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        seed_regions(s)
        s.add(Enterprise(credit_code="91330109MA20000001", name="演示化工", industry=Industry.CHEMICAL,
                         region_code="330109", longitude=120.2645, latitude=30.1853))  # fmt: skip
        s.add(Site(code="W-XS-1", name="萧山某断面", kind=SiteKind.WATER_SECTION,
                   control_level=ControlLevel.PROVINCIAL, region_code="330109",
                   longitude=120.2900, latitude=30.1900))  # fmt: skip
    assert seed_demo_emergency_incidents(engine, store, now=NOW) is not None
    assert seed_demo_emergency_incidents(engine, store, now=NOW) is None
    with session_scope(engine) as s:
        rows = s.scalars(select(EmergencyIncident).order_by(EmergencyIncident.id)).all()
        assert [(r.stage, r.synthetic) for r in rows] == [("closed", True), ("responding", True)]
        past = rows[0]
        assert (past.level, past.lead_tier, past.region_code) == ("III", "city", "330109")
        n = s.scalar(select(func.count()).where(EmergencyIncidentLog.incident_id == past.id))
        assert n >= 15
        entries = svc.timeline(s, past)
        assert [e.entry.at for e in entries] == sorted(e.entry.at for e in entries)
        assert all(e.done is not None for e in entries if e.entry.kind == "order")
        points = svc.point_readings(s, store, past)
        assert [len(p.values) for p in points] == [48, 48]
        assert all(p.exceeding > 0 and p.last < p.point.standard_value for p in points)
        assert [a.code for a in svc.affected(s, PROVINCE, past)] == ["W-XS-1"]
        _, data = svc.incident_report(s, store, PROVINCE, past.id, now=NOW)
        assert data[:2] == b"PK"
