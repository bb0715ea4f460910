"""audit chain: prev_hash and hash on audit_log (tamper evidence), existing rows chained

Each audit row carries the hash of the row before it (``prev_hash``; 64 zeros for the first)
and its own hash over its content and ``prev_hash`` (:mod:`qingshan.audit.chain` documents the
serialisation). The rows already in the table are chained here in id order, so an upgraded
database verifies (``qingshan audit verify``). ``prev_hash`` is unique: two rows can never chain
onto the same predecessor.

Revision ID: 0005_audit_chain
Revises: 0004_sessions
Create Date: 2026-12-07 09:00:00
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
from alembic import op

import qingshan.db.base

revision: str = "0005_audit_chain"
down_revision: str | None = "0004_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
BATCH = 1000

_audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", qingshan.db.base.UTCDateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("before", sa.JSON()),
    sa.column("after", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _row_hash(row, prev_hash: str) -> str:
    """A frozen copy of ``qingshan.audit.chain.row_hash`` as of this revision (a migration
    never changes with the code); tests/audit/test_chain.py checks that the rows chained here
    verify."""
    payload = {
        "id": row.id,
        "at": row.at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z",
        "actor": row.actor,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "before": row.before,
        "after": row.after,
        "prev_hash": prev_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _chain_existing_rows() -> None:
    bind = op.get_bind()
    t = _audit_log
    update = (
        t.update()
        .where(t.c.id == sa.bindparam("b_id"))
        .values(prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash"))
    )
    prev, last_id = GENESIS, None
    while True:
        query = sa.select(
            t.c.id, t.c.at, t.c.actor, t.c.action, t.c.entity, t.c.entity_id, t.c.before, t.c.after
        ).order_by(t.c.id)
        if last_id is not None:
            query = query.where(t.c.id > last_id)
        rows = bind.execute(query.limit(BATCH)).all()
        if not rows:
            return
        params = []
        for row in rows:
            digest = _row_hash(row, prev)
            params.append({"b_id": row.id, "b_prev": prev, "b_hash": digest})
            prev = digest
        bind.execute(update, params)
        last_id = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_rows()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index("uq_audit_log_prev_hash", ["prev_hash"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("uq_audit_log_prev_hash")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
