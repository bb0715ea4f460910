"""The audit chain read back: its head, and a streaming walk that verifies it.

The walk reads the log in id order, :data:`BATCH` rows at a time (keyset pages: constant memory
whatever the size of the table), and hands the rows to the pure
:func:`qingshan.audit.chain.verify_rows`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.audit.chain import GENESIS, BreakKind, ChainBreak, ChainReport, ChainRow, verify_rows
from qingshan.audit.errors import BadAnchor
from qingshan.audit.models import AuditLog

#: rows read per query of the walk
BATCH = 5000

_COLUMNS = (
    AuditLog.id,
    AuditLog.at,
    AuditLog.actor,
    AuditLog.action,
    AuditLog.entity,
    AuditLog.entity_id,
    AuditLog.before,
    AuditLog.after,
    AuditLog.prev_hash,
    AuditLog.hash,
)
_ANCHOR = re.compile(r"^\s*(\d+)\s*:\s*([0-9a-fA-F]{64})\s*$")


@dataclass(frozen=True)
class AuditHead:
    """The last row of the audit log: what an operator writes down or publishes (as
    :attr:`anchor`, ``ID:HASH``) so that even a rewrite of the whole chain shows."""

    id: int
    hash: str
    at: datetime

    @property
    def anchor(self) -> str:
        return f"{self.id}:{self.hash}"


def parse_anchor(text: str) -> tuple[int, str]:
    """``ID:HASH`` (a published head) as (id, lowercase hash); anything else raises
    :class:`BadAnchor`."""
    m = _ANCHOR.match(text)
    if m is None:
        raise BadAnchor(
            f"bad anchor {text!r}: expected ID:HASH, a row id and its 64-hex-digit hash "
            "(as `qingshan audit head` prints it)",
            anchor=text,
        )
    return int(m.group(1)), m.group(2).lower()


def get_head(session: Session) -> AuditHead | None:
    """The last row of the audit log (None when it is empty)."""
    row = session.execute(
        select(AuditLog.id, AuditLog.hash, AuditLog.at).order_by(AuditLog.id.desc()).limit(1)
    ).first()
    return None if row is None else AuditHead(row.id, row.hash, row.at)


def count_rows(session: Session, from_id: int | None = None) -> int:
    """The number of audit rows (with an id of at least ``from_id``)."""
    query = select(func.count()).select_from(AuditLog)
    if from_id is not None:
        query = query.where(AuditLog.id >= from_id)
    return session.scalar(query) or 0


def read_chain_rows(
    session: Session,
    from_id: int | None = None,
    *,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> Iterator[ChainRow]:
    """The audit rows in id order from ``from_id``, read ``batch`` at a time; ``progress`` is
    told the size of each batch read."""
    after = None if from_id is None else from_id - 1
    while True:
        query = select(*_COLUMNS).order_by(AuditLog.id).limit(batch)
        if after is not None:
            query = query.where(AuditLog.id > after)
        rows = session.execute(query).all()
        if not rows:
            return
        yield from (ChainRow(*row) for row in rows)
        if progress is not None:
            progress(len(rows))
        after = rows[-1].id


def verify_audit_log(
    session: Session,
    *,
    from_id: int | None = None,
    anchors: Sequence[tuple[int, str]] = (),
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> ChainReport:
    """Verify the audit log's chain from its first row (or from ``from_id``, trusting the row
    before it), then that each anchor ``(id, hash)`` (a head published earlier) is still in it.

    Returns the :class:`~qingshan.audit.chain.ChainReport` of the walk: the rows verified, the
    head, and the first broken row (an anchor that no longer matches is reported as
    ``rewritten``: the chain was rebuilt from that row or earlier).
    """
    prev_id, prev_hash = None, GENESIS
    if from_id is not None:
        before = session.execute(
            select(AuditLog.id, AuditLog.hash)
            .where(AuditLog.id < from_id)
            .order_by(AuditLog.id.desc())
            .limit(1)
        ).first()
        if before is not None:
            prev_id, prev_hash = before.id, before.hash

    def locate(digest: str) -> int | None:
        return session.scalar(
            select(AuditLog.id).where(AuditLog.hash == digest).order_by(AuditLog.id).limit(1)
        )

    report = verify_rows(
        read_chain_rows(session, from_id, batch=batch, progress=progress),
        prev_hash=prev_hash,
        prev_id=prev_id,
        locate=locate,
    )
    if not report.ok:
        return report
    for anchor_id, anchor_hash in sorted(anchors):
        stored = session.scalar(select(AuditLog.hash).where(AuditLog.id == anchor_id))
        if stored != anchor_hash:
            found = "it is missing" if stored is None else f"its hash is now {stored}"
            broken = ChainBreak(
                anchor_id,
                BreakKind.REWRITTEN,
                f"row {anchor_id} was published with hash {anchor_hash}, {found}: the log was "
                f"rewritten from row {anchor_id} or earlier",
            )
            return ChainReport(report.rows, report.head_id, report.head_hash, broken)
    return report
