"""0009_cases_from_qc: QC's supervision cases move into the case tables with their history,
on SQLite and PostgreSQL (upgrade from the previous head with rows present)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect, select

from qingshan.cases.models import CaseEventRow, CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.db.base import UTCDateTime
from qingshan.db.engine import session_scope
from qingshan.db.migrate import alembic_config, current_revision, head_revision, upgrade
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Site, SiteKind
from qingshan.qc.supervision import CaseReport

OPENED = datetime(2026, 2, 1, 3, 0, tzinfo=UTC)
OLD = sa.table(
    "qc_supervision_case",
    sa.column("id", sa.Integer), sa.column("event_key", sa.String), sa.column("site_id", sa.Integer),
    sa.column("parameter_code", sa.String), sa.column("title", sa.String),
    sa.column("status", sa.String), sa.column("opened_at", UTCDateTime()),
    sa.column("judgement_id", sa.Integer), sa.column("evidence", sa.JSON),
)  # fmt: skip


def _downgrade(engine, revision: str) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_qc_supervision_cases_become_cases_with_their_history(engine):
    _downgrade(engine, "0008_cases")
    assert "qc_supervision_case" in inspect(engine).get_table_names()
    with session_scope(engine) as s:
        seed_regions(s)
        site = Site(code="GAS1", name="一号锅炉排口", kind=SiteKind.GAS_OUTLET,
                    control_level=ControlLevel.ENTERPRISE, region_code="330106",
                    longitude=120.1, latitude=30.2)  # fmt: skip
        s.add(site)
        s.flush()
        site_id = site.id
    evidence = {
        "event": {"start": "2026-02-01T01:00:00+00:00", "max_multiple": 1.2, "periods": 3},
        "parts": [{"window_start": "2026-01-31T16:00:00+00:00", "periods": 3}],
        "rejudged": [7],
    }
    with engine.begin() as conn:
        conn.execute(
            OLD.insert(),
            [
                dict(event_key=f"{site_id}:a21026:2026-02-01T01:00:00+00:00", site_id=site_id,
                     parameter_code="a21026", title="超标督办 a21026 超标1.20倍", status="open",
                     opened_at=OPENED, judgement_id=None, evidence=evidence),
                dict(event_key=f"{site_id}:a21002:2026-01-05T01:00:00+00:00", site_id=site_id,
                     parameter_code="a21002", title="超标督办 a21002 超标0.10倍", status="closed",
                     opened_at=OPENED, judgement_id=None,
                     evidence={"event": {"max_multiple": 0.1}}),
            ],
        )  # fmt: skip
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert "qc_supervision_case" not in inspect(engine).get_table_names()
    with session_scope(engine) as s:
        cases = s.scalars(select(CaseRecord).order_by(CaseRecord.id)).all()
        assert [(c.state.value, c.severity, c.category, c.source) for c in cases] == [
            ("registered", "major", "emission_exceedance", "qc_exceedance"),
            ("closed", "general", "emission_exceedance", "qc_exceedance"),
        ]
        first = cases[0]
        assert (first.region_code, first.site_id, first.parameter_code) == (
            "330106",
            site_id,
            "a21026",
        )
        assert first.number == f"330106-2026-{first.id:06d}"
        assert first.registered_at == OPENED
        assert first.occurred_at == datetime(2026, 2, 1, 1, 0, tzinfo=UTC)
        assert (first.longitude, first.latitude) == (120.1, 30.2)
        src = s.scalars(select(CaseSource).where(CaseSource.case_id == first.id)).one()
        assert src.source_key == f"{site_id}:a21026:2026-02-01T01:00:00+00:00"
        assert src.payload["rejudged"] == [7] and src.payload["parts"] == evidence["parts"]
        history = s.scalars(
            select(CaseEventRow).order_by(CaseEventRow.case_id, CaseEventRow.seq)
        ).all()
        assert [(h.case_id, h.event, h.from_state, h.to_state) for h in history] == [
            (first.id, "register", None, "registered"),
            (cases[1].id, "register", None, "registered"),
            (cases[1].id, "close", "registered", "closed"),
        ]
        assert history[0].detail["migrated_from"] == "qc_supervision_case"
        # QC reporting the migrated event again finds its case
        report = CaseReport(
            source="qc_exceedance", source_key=src.source_key, region_code="330106",
            category="emission_exceedance", severity="major", title="超标督办 again",
            occurred_at=first.occurred_at, site_id=site_id, evidence={"event": {}},
        )  # fmt: skip
        assert CASES_SINK.open_case(s, report) == first.id
        assert s.scalar(select(sa.func.count()).select_from(CaseRecord)) == 2


def test_downgrade_gives_the_cases_back(engine):
    with session_scope(engine) as s:
        seed_regions(s)
        site = Site(code="GAS1", name="排口", kind=SiteKind.GAS_OUTLET,
                    control_level=ControlLevel.ENTERPRISE, region_code="330106")  # fmt: skip
        s.add(site)
        s.flush()
        report = CaseReport(
            source="qc_exceedance", source_key=f"{site.id}:a21026:x", region_code="330106",
            category="emission_exceedance", severity="general", title="超标督办",
            occurred_at=OPENED, site_id=site.id, parameter_code="a21026",
            evidence={"event": {"max_multiple": 0.2}},
        )  # fmt: skip
        CASES_SINK.open_case(s, report)
    _downgrade(engine, "0008_cases")
    with engine.connect() as conn:
        rows = conn.execute(sa.select(OLD.c.event_key, OLD.c.status, OLD.c.evidence)).all()
    assert [(k.split(":", 1)[1], st) for k, st, _ in rows] == [("a21026:x", "open")]
    upgrade(engine)
