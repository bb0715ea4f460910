"""Opening a 突发环境事件 (the contract other areas call): the level judged from the facts by the
national classification (国办函〔2014〕119号 附件1: 以上 includes the bound), the leading tier,
idempotence on (origin, origin_key), the first log entries, the audit rows, and bad input refused
with nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from qingshan.audit.models import AuditLog
from qingshan.db.engine import session_scope
from qingshan.emergency.incidents import service as svc
from qingshan.emergency.incidents.errors import BadIncident
from qingshan.emergency.incidents.levels import judge
from qingshan.emergency.incidents.models import EmergencyIncident, EmergencyIncidentLog
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.geo.regions import seed_regions

NOW = datetime(2026, 6, 3, 2, 30, tzinfo=UTC)


def _draft(**kw) -> IncidentDraft:
    base = dict(title="园区边界站氯气超标", occurred_at=NOW, region_code="330106",
                origin="gas_alarm", origin_key="alarm-17", longitude=120.12, latitude=30.25)  # fmt: skip
    base.update(kw)
    return IncidentDraft(**base)  # type: ignore[arg-type]


def test_open_incident_judges_level_and_is_idempotent(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
    with session_scope(engine) as s:
        # 10 poisoned: 较大 (III) — "10人以上" includes the bound; the city leads
        first = svc.open_incident(s, _draft(facts={"poisoned": 10, "evacuated": 4999}),
                                  actor="system", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        again = svc.open_incident(s, _draft(facts={"poisoned": 10}), actor="system", now=NOW)
        assert again == first
        inc = s.get(EmergencyIncident, first)
        assert inc is not None
        assert (inc.level, inc.response_level, inc.lead_tier, inc.lead_region_code) == (
            "III", "III", "city", "330100")  # fmt: skip
        assert [b["fact"] for b in inc.level_basis] == ["poisoned"]
        assert inc.stage == "reported"
        assert inc.code == "TF33010620260001"
        log = s.scalars(select(EmergencyIncidentLog).order_by(EmergencyIncidentLog.seq)).all()
        assert [(e.seq, e.kind) for e in log] == [(1, "report"), (2, "level")]
        assert s.scalar(select(func.count()).select_from(EmergencyIncident)) == 1
        audited = s.scalars(
            select(AuditLog.actor).where(AuditLog.entity == "emergency_incident")
        ).all()
        assert audited == ["system"]


@pytest.mark.parametrize(
    ("facts", "level", "tier"),
    [
        ({}, "IV", "county"),  # nothing known: 一般 (附件1 一般(6))
        ({"deaths": 2, "poisoned": 9, "evacuated": 4999}, "IV", "county"),
        ({"direct_loss_yuan": 5_000_000}, "III", "city"),  # 500万元以上
        ({"evacuated": 10_000}, "II", "province"),  # 1万人以上
        ({"deaths": 30}, "I", "province"),  # 30人以上
        ({"water_source_interrupted": "county_city"}, "II", "province"),
        ({"cross_boundary": "city", "deaths": 0}, "III", "city"),
    ],
)
def test_levels_from_facts(facts, level, tier) -> None:
    j = judge(facts)
    assert (j.level, j.info.lead_tier) == (level, tier)


def test_bad_drafts_store_nothing(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
    bad = [
        (_draft(facts={"casualties": 3}), "facts.casualties"),
        (_draft(facts={"deaths": -1}), "facts.deaths"),
        (_draft(facts={"water_source_interrupted": "village"}), "facts.water_source_interrupted"),
        (_draft(region_code="110101"), "region_code"),
        (_draft(title=" "), "title"),
        (_draft(occurred_at=datetime(2026, 6, 3, 2, 30)), "occurred_at"),
        (_draft(longitude=100.0), "longitude"),
    ]
    for draft, field in bad:
        with session_scope(engine) as s, pytest.raises(BadIncident) as err:
            svc.open_incident(s, draft, actor="xihu", now=NOW)
        assert err.value.field == field
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(EmergencyIncident)) == 0
