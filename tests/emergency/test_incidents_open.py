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
from qingshan.emergency.incidents.levels import LEVELS, criteria, judge, level_info
from qingshan.emergency.incidents.models import EmergencyIncident, EmergencyIncidentLog
from qingshan.emergency.incidents.types import IncidentDraft
from qingshan.geo.regions import seed_regions

NOW = datetime(2026, 6, 3, 2, 30, tzinfo=UTC)
POISONED_III = next(c.threshold for c in criteria() if c.level == "III" and c.fact == "poisoned")


def _draft(**kw) -> IncidentDraft:
    base = dict(title="园区边界站氯气超标", occurred_at=NOW, region_code="330106",
                origin="gas_alarm", origin_key="alarm-17", longitude=120.12, latitude=30.25)  # fmt: skip
    base.update(kw)
    return IncidentDraft(**base)  # type: ignore[arg-type]


def test_open_incident_judges_level_and_is_idempotent(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
    with session_scope(engine) as s:
        # the 较大 (III) poisoned threshold of the data, reached: the city leads
        first = svc.open_incident(s, _draft(facts={"poisoned": POISONED_III, "evacuated": 1}),
                                  actor="system", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        again = svc.open_incident(s, _draft(facts={"poisoned": 1}), actor="system", now=NOW)
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


def _numeric() -> list:
    return [c for c in criteria() if c.op == ">="]


@pytest.mark.parametrize("c", _numeric(), ids=lambda c: f"{c.level}-{c.fact}")
def test_numeric_bounds_from_the_data(c) -> None:
    """Every numeric criterion of the data (MC: thresholds are the data's own, not typed here):
    the threshold itself reaches the level (以上 includes the bound), one below it does not."""
    assert judge({c.fact: c.threshold}).level == c.level
    below = judge({c.fact: c.threshold - 1}).level
    assert LEVELS.index(below) > LEVELS.index(c.level)


def test_choices_and_the_default() -> None:
    assert judge({}).level == "IV" and judge({}).basis == ()  # 附件1 一般(6)
    for c in criteria():
        if c.op == "in":
            j = judge({c.fact: c.values[0]})
            assert j.level == c.level and c in j.basis
    assert level_info("III").lead_tier == "city" and level_info("II").lead_tier == "province"


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
