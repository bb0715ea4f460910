"""The audit log: one row per change of an audited entity (who, when, what, before, after),
chained by hashes (:mod:`qingshan.audit.chain`) so that an edited, deleted or inserted row shows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base
from qingshan.timeutil import utcnow


class AuditLog(Base):
    __tablename__ = "audit_log"
    __audited__ = False
    # two rows never chain onto the same predecessor, whatever a writer does
    __table_args__ = (Index("uq_audit_log_prev_hash", "prev_hash", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete | login | …
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    #: the hash of the row before (in id order); 64 zeros for the first row
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of this row's content and prev_hash (:func:`qingshan.audit.chain.row_hash`)
    hash: Mapped[str] = mapped_column(String(64))
