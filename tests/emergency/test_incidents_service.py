"""An incident through its stages on a migrated database: the stage machine (an out-of-order
stage refused naming both stages), the command log (orders only from the leading tier or above;
a done marking is a new entry, the order never edited), the level re-judged when facts change
(and the leading tier with it), a temporary point with readings in the observation store and
the exceedance against its standard value, the affected sites, and the Word report."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.emergency.incidents import service as svc
from qingshan.emergency.incidents.errors import (
    BadIncident,
    IllegalIncidentStage,
    IncidentNotFound,
    NotLeadingTier,
)
from qingshan.emergency.incidents.levels import criteria
from qingshan.emergency.incidents.models import EmergencyIncidentLog
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.timeseries.store import ObservationStore

T0 = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)
EVACUATED_III = next(c.threshold for c in criteria() if c.level == "III" and c.fact == "evacuated")
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
XIHU = Scope("330106", Role.COUNTY, username="xihu")


def _open(s) -> int:
    seed_regions(s)
    s.add(
        Site(
            code="W-XH-1",
            name="西湖区某断面",
            kind=SiteKind.WATER_SECTION,
            control_level=ControlLevel.PROVINCIAL,
            region_code="330106",
            longitude=120.13,
            latitude=30.26,
        )
    )  # fmt: skip  (≈1.5 km away)
    s.add(
        Site(
            code="W-FAR",
            name="远处断面",
            kind=SiteKind.WATER_SECTION,
            control_level=ControlLevel.PROVINCIAL,
            region_code="330106",
            longitude=120.60,
            latitude=30.26,
        )
    )  # fmt: skip  (≈46 km away)
    draft = IncidentDraft(title="化工企业储罐泄漏进入河道", occurred_at=T0, region_code="330106",
                          origin="report", longitude=120.12, latitude=30.25,
                          facts={"evacuated": 1})  # fmt: skip
    return svc.report_incident(s, XIHU, draft, now=T0)


def test_stages_orders_levels_points_report(engine, tmp_path) -> None:
    store = ObservationStore(tmp_path / "obs")
    with session_scope(engine) as s:
        iid = _open(s)
    with session_scope(engine) as s:
        with pytest.raises(IllegalIncidentStage) as err:
            svc.advance_stage(s, XIHU, iid, "responding", now=T0)
        assert "'responding'" in str(err.value) and "'reported'" in str(err.value)
        svc.advance_stage(s, XIHU, iid, "verified", now=T0 + timedelta(minutes=20))
        svc.advance_stage(s, XIHU, iid, "responding", now=T0 + timedelta(minutes=30))
        order = svc.issue_order(s, XIHU, iid, to_whom="西湖区应急监测队", content="布设下游监测点",
                                due_at=T0 + timedelta(hours=2), now=T0 + timedelta(minutes=31))  # fmt: skip
        with pytest.raises(IncidentNotFound):  # another city neither sees nor commands it
            svc.issue_order(s, NINGBO, iid, to_whom="x", content="y", now=T0)
    with session_scope(engine) as s:
        # evacuation reaches the data's 较大 (III) threshold: the city now leads, the county
        # may no longer give orders
        inc = svc.update_facts(s, XIHU, iid, {"evacuated": EVACUATED_III}, note="扩大疏散",
                               now=T0 + timedelta(hours=1))  # fmt: skip
        assert (inc.level, inc.lead_tier, inc.lead_region_code) == ("III", "city", "330100")
        with pytest.raises(NotLeadingTier):
            svc.issue_order(s, XIHU, iid, to_whom="x", content="y", now=T0 + timedelta(hours=1))
        svc.issue_order(s, HANGZHOU, iid, to_whom="市生态环境局", content="启动Ⅲ级响应",
                        now=T0 + timedelta(hours=1))  # fmt: skip
        svc.mark_done(s, XIHU, iid, order.id, note="已布点", now=T0 + timedelta(hours=1, minutes=5))
        with pytest.raises(BadIncident):
            svc.mark_done(s, XIHU, iid, order.id, now=T0 + timedelta(hours=1, minutes=6))
        point = svc.add_point(s, XIHU, iid, name="下游500米", longitude=120.125, latitude=30.252,
                              parameter="氨氮", standard_value=1.0,
                              standard_label="GB 3838-2002 表1 III类", now=T0 + timedelta(hours=1))  # fmt: skip
        n = svc.add_readings(s, store, XIHU, iid, point.id,
                             "时间,值\n2026-06-03 11:00,3.2\n2026-06-03 12:00,1.4\n2026-06-03 13:00,0.6\n",
                             now=T0 + timedelta(hours=6))  # fmt: skip
        assert n == 3
        with pytest.raises(BadIncident) as bad:
            svc.add_readings(s, store, XIHU, iid, point.id, "2026-06-03 14:00,abc",
                             now=T0 + timedelta(hours=6))  # fmt: skip
        assert "line 1" in str(bad.value)
    with session_scope(engine) as s:
        inc = svc.get_incident(s, PROVINCE, iid)
        [pr] = svc.point_readings(s, store, inc)
        assert (pr.values, pr.exceeding, pr.unit) == ([3.2, 1.4, 0.6], 2, "mg/L")
        hits = svc.affected(s, XIHU, inc)
        assert [h.code for h in hits] == ["W-XH-1"]
        for stage in ("monitoring", "recovering", "closed"):
            svc.advance_stage(s, HANGZHOU, iid, stage, now=T0 + timedelta(days=1))
        with pytest.raises(IllegalIncidentStage) as err:
            svc.advance_stage(s, HANGZHOU, iid, "verified", now=T0 + timedelta(days=1))
        with pytest.raises(IncidentNotFound):
            svc.get_incident(s, NINGBO, iid)
        name, data = svc.incident_report(s, store, PROVINCE, iid, now=T0 + timedelta(days=1))
    assert name.endswith("-report.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    cells = " ".join(
        c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells
    )
    assert "较大（III级）" in text and "启动Ⅲ级响应" in cells and "下游500米" in cells
    with session_scope(engine) as s:
        kinds = [
            e.kind
            for e in s.scalars(select(EmergencyIncidentLog).order_by(EmergencyIncidentLog.seq))
        ]
        assert kinds[:5] == ["report", "level", "stage", "stage", "order"]
        assert kinds.count("done") == 1 and kinds[-1] == "stage"
        assert s.scalar(select(EmergencyIncidentLog.content).where(
            EmergencyIncidentLog.id == order.id)) == "布设下游监测点"  # fmt: skip
