"""cases take over QC's supervision cases: every qc_supervision_case row becomes a case
(case_record, its report in case_source with the evidence and the judgements, its history in
case_event), then qc_supervision_case is dropped

Revision ID: 0009_cases_from_qc
Revises: 0008_cases
Create Date: 2026-12-09 12:00:00
"""

from collections.abc import Sequence
from datetime import UTC, timedelta, timezone

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0009_cases_from_qc"
down_revision: str | None = "0008_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CST = timezone(timedelta(hours=8))
UTC_T = qingshan.db.base.UTCDateTime(timezone=True)

old = sa.table(
    "qc_supervision_case",
    sa.column("id", sa.Integer), sa.column("event_key", sa.String), sa.column("site_id", sa.Integer),
    sa.column("parameter_code", sa.String), sa.column("title", sa.String),
    sa.column("status", sa.String), sa.column("opened_at", UTC_T),
    sa.column("judgement_id", sa.Integer), sa.column("evidence", sa.JSON),
)  # fmt: skip
site = sa.table(
    "site",
    sa.column("id", sa.Integer), sa.column("region_code", sa.String),
    sa.column("enterprise_id", sa.Integer), sa.column("longitude", sa.Float),
    sa.column("latitude", sa.Float), sa.column("name", sa.String), sa.column("code", sa.String),
)  # fmt: skip
record = sa.table(
    "case_record",
    *(sa.column(c, sa.String) for c in ("number", "source", "category", "severity", "state",
                                          "title", "description", "region_code", "parameter_code",
                                          "place", "registered_by")),
    *(sa.column(c, sa.Integer) for c in ("id", "enterprise_id", "site_id", "round",
                                         "escalation_level", "relapse_count", "merged_into_id")),
    sa.column("longitude", sa.Float), sa.column("latitude", sa.Float),
    *(sa.column(c, UTC_T) for c in ("occurred_at", "registered_at", "updated_at", "closed_at")),
)  # fmt: skip
source = sa.table(
    "case_source",
    sa.column("case_id", sa.Integer), sa.column("source", sa.String),
    sa.column("source_key", sa.String), sa.column("group_key", sa.String),
    sa.column("reported_at", UTC_T), sa.column("payload", sa.JSON),
)  # fmt: skip
history = sa.table(
    "case_event",
    sa.column("case_id", sa.Integer), sa.column("seq", sa.Integer), sa.column("event", sa.String),
    sa.column("from_state", sa.String), sa.column("to_state", sa.String),
    sa.column("actor", sa.String), sa.column("at", UTC_T), sa.column("reason", sa.Text),
    sa.column("evidence", sa.JSON), sa.column("detail", sa.JSON),
)  # fmt: skip


def _severity(multiple: float) -> str:
    """A frozen copy of ``qingshan.qc.supervision.exceedance_severity`` as of this revision."""
    return "major" if multiple >= 1.0 else "serious" if multiple >= 0.5 else "general"


def _time(value, default):
    from datetime import datetime

    if not value:
        return default
    t = datetime.fromisoformat(str(value))
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(old, site.c.region_code, site.c.enterprise_id, site.c.longitude,
                  site.c.latitude, site.c.name.label("site_name"), site.c.code.label("site_code"))
        .select_from(old.join(site, site.c.id == old.c.site_id))
        .order_by(old.c.id)
    ).mappings().all()  # fmt: skip
    for r in rows:
        evidence = dict(r["evidence"] or {})
        event = evidence.get("event") or {}
        closed = r["status"] == "closed"
        state = "closed" if closed else "registered"
        opened = r["opened_at"]
        case_id = conn.execute(
            record.insert()
            .values(
                source="qc_exceedance", category="emission_exceedance",
                severity=_severity(float(event.get("max_multiple") or 0.0)), state=state,
                title=r["title"][:200], description=f"{r['site_name']} ({r['site_code']}) 在线监测超标",
                region_code=r["region_code"], enterprise_id=r["enterprise_id"],
                site_id=r["site_id"], parameter_code=r["parameter_code"],
                longitude=r["longitude"], latitude=r["latitude"], place="",
                occurred_at=_time(event.get("start"), opened), registered_at=opened,
                registered_by="qc", round=0, escalation_level=0, relapse_count=0,
                updated_at=opened, closed_at=opened if closed else None,
            )
            .returning(record.c.id)
        ).scalar_one()  # fmt: skip
        number = f"{r['region_code']}-{opened.astimezone(_CST):%Y}-{case_id:06d}"
        conn.execute(record.update().where(record.c.id == case_id).values(number=number))
        conn.execute(
            source.insert().values(
                case_id=case_id, source="qc_exceedance", source_key=r["event_key"],
                group_key=None, reported_at=opened,
                payload={**evidence, "judgement_id": r["judgement_id"]},
            )
        )  # fmt: skip
        migrated = {"migrated_from": "qc_supervision_case", "id": r["id"], "status": r["status"]}
        conn.execute(
            history.insert().values(
                case_id=case_id, seq=1, event="register", from_state=None, to_state="registered",
                actor="qc", at=opened, reason="", evidence=[],
                detail={"source": "qc_exceedance", "source_key": r["event_key"], **migrated},
            )
        )  # fmt: skip
        if closed:
            conn.execute(
                history.insert().values(
                    case_id=case_id, seq=2, event="close", from_state="registered",
                    to_state="closed", actor="qc", at=opened,
                    reason="closed in qc_supervision_case before the case workflow",
                    evidence=[], detail=migrated,
                )
            )  # fmt: skip
    with op.batch_alter_table("qc_supervision_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qc_supervision_case_site_id"))
    op.drop_table("qc_supervision_case")


def downgrade() -> None:
    op.create_table(
        "qc_supervision_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=96), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("parameter_code", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", UTC_T, nullable=False),
        sa.Column("judgement_id", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["judgement_id"], ["qc_judgement.id"], name=op.f("fk_qc_supervision_case_judgement_id_qc_judgement")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_qc_supervision_case_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qc_supervision_case")),
        sa.UniqueConstraint("event_key", name=op.f("uq_qc_supervision_case_event_key")),
    )  # fmt: skip
    with op.batch_alter_table("qc_supervision_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_qc_supervision_case_site_id"), ["site_id"], unique=False
        )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(record.c.site_id, record.c.parameter_code, record.c.title, record.c.state,
                  record.c.registered_at, source.c.source_key, source.c.payload)
        .select_from(record.join(source, source.c.case_id == record.c.id))
        .where(source.c.source == "qc_exceedance", record.c.site_id.is_not(None))
        .order_by(record.c.id)
    ).mappings().all()  # fmt: skip
    for r in rows:
        payload = dict(r["payload"] or {})
        judgement = payload.pop("judgement_id", None)
        conn.execute(
            old.insert().values(
                event_key=r["source_key"][:96], site_id=r["site_id"],
                parameter_code=r["parameter_code"] or "", title=r["title"],
                status="closed" if r["state"] == "closed" else "open",
                opened_at=r["registered_at"], judgement_id=judgement, evidence=payload,
            )
        )  # fmt: skip
    # the reports given back leave the case tables (a case left without report goes too)
    conn.execute(source.delete().where(source.c.source == "qc_exceedance"))
    orphans = (
        sa.select(record.c.id)
        .where(~sa.exists().where(source.c.case_id == record.c.id))
        .scalar_subquery()
    )
    for table in ("case_event", "case_signoff", "case_file"):
        conn.execute(
            sa.text(f"DELETE FROM {table} WHERE case_id NOT IN (SELECT case_id FROM case_source)")
        )
    conn.execute(
        record.update().where(record.c.merged_into_id.in_(orphans)).values(merged_into_id=None)
    )
    conn.execute(record.delete().where(record.c.id.in_(orphans)))
