"""0034_lez_case_source: low-emission-zone cases reported under ``big_data`` move to
``vehicle_exhaust`` (reports and cases), other ``big_data`` cases stay, and the next screening
finds its case again instead of opening a second one (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select

from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.db.migrate import alembic_config, current_revision, head_revision, upgrade
from qingshan.geo.regions import seed_regions
from qingshan.qc.supervision import CaseReport

FOUND = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
LEZ_KEY = "vehicles:lez:330106N0042:7:LEZ-01"


def _report(source: str, key: str) -> CaseReport:
    return CaseReport(source=source, source_key=key, region_code="330106",
                      category="air_pollution", severity="general", title=f"报告 {key}",
                      occurred_at=FOUND, group_key=None)  # fmt: skip


def test_lez_cases_move_to_vehicle_exhaust_and_are_found_again(engine):
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0033_emergency_incidents")
    with session_scope(engine) as s:
        seed_regions(s)
        lez = CASES_SINK.open_case(s, _report("big_data", LEZ_KEY))
        other = CASES_SINK.open_case(s, _report("big_data", "bigdata:electricity:77"))
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with session_scope(engine) as s:
        sources = dict(s.execute(select(CaseSource.source_key, CaseSource.source)).all())
        assert sources == {LEZ_KEY: "vehicle_exhaust", "bigdata:electricity:77": "big_data"}
        assert s.get(CaseRecord, lez).source == "vehicle_exhaust"
        assert s.get(CaseRecord, other).source == "big_data"
        assert CASES_SINK.open_case(s, _report("vehicle_exhaust", LEZ_KEY)) == lez
        assert s.scalar(select(CaseRecord.id).where(CaseRecord.id > other)) is None
