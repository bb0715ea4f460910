"""The one listener that writes audit rows.

Every flush of an audited model (``Base.__audited__ = True``) writes one ``audit_log`` row per
created, changed or deleted object, in the same transaction, with the acting user taken from
:func:`acting_as`. Code never writes audit rows of row changes itself; events that change no
row (a login, a failed login) are recorded with :func:`record_event`.

Rows are chained as they are written (:mod:`qingshan.audit.chain`): each carries the hash of the
row before it. Appends are serialised so that two transactions never chain onto the same row:
on PostgreSQL by a transaction-level advisory lock (:data:`CHAIN_LOCK_KEY`) taken before the
last row is read, on SQLite by the database's one writer lock, held before the last row is read
(the flush has written already, or ``BEGIN IMMEDIATE`` takes it). A transaction reads the last
row once; later flushes in it chain onto what it wrote itself. On PostgreSQL the lock is held
from a transaction's first audited flush to its end, so auditing transactions commit one at a
time (keep them short); ids come from the table's sequence, taken under the lock, so id order is
chain order.
"""

from __future__ import annotations

import contextvars
import enum
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, event, func, insert, inspect, select, text
from sqlalchemy.orm import Session, SessionTransaction

from qingshan.audit.chain import GENESIS, chain_rows
from qingshan.audit.models import AuditLog
from qingshan.timeutil import utcnow

_actor: contextvars.ContextVar[str] = contextvars.ContextVar("qingshan_actor", default="system")

#: the actor the command line acts as; recorded as ``cli:<OS user>`` (:func:`cli_actor`)
CLI = "cli"
#: what an audit row shows for a secret column (``__audit_exclude__``) that changed
REDACTED = "(redacted)"
#: the PostgreSQL advisory lock (``pg_advisory_xact_lock``) serialising appends to the chain
CHAIN_LOCK_KEY = 8174984905431282737  # the bytes b"qsaudit1"
#: ``session.info`` key of (root transaction, last id, last hash) of the chain this transaction
#: appended to
_HEAD = "qingshan_audit_head"


def cli_actor() -> str:
    """``cli:<OS user>``: who ran the command, as far as the operating system knows."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name, no passwd entry (a container's bare uid)
        user = f"uid{os.getuid()}"
    return f"{CLI}:{user}"[:64]


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Attribute every change made inside the block to ``actor`` (a username, or ``system``);
    :data:`CLI` is recorded as ``cli:<OS user>``.

    A session's ``info["actor"]`` (set by the API's session dependency) takes precedence.
    """
    token = _actor.set(cli_actor() if actor == CLI else actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    return _actor.get()


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _columns(obj: Any) -> list[str]:
    excluded = getattr(obj, "__audit_exclude__", ())
    return [a.key for a in inspect(obj).mapper.column_attrs if a.key not in excluded]


def _snapshot(obj: Any, *, before: bool = False) -> dict[str, Any]:
    state = inspect(obj)
    out = {}
    for key in _columns(obj):
        hist = state.attrs[key].history
        if before and hist.deleted:
            value = hist.deleted[0]
        elif before and hist.added:  # changed from an unloaded value: unknown
            value = hist.unchanged[0] if hist.unchanged else None
        else:
            value = state.attrs[key].value
        out[key] = _jsonable(value)
    return out


def _changed_secrets(obj: Any) -> list[str]:
    """The excluded (secret) columns of ``obj`` whose value changed in this flush."""
    state = inspect(obj)
    out = []
    for key in getattr(obj, "__audit_exclude__", ()):
        hist = state.attrs[key].history
        if hist.added and (not hist.deleted or hist.added[0] != hist.deleted[0]):
            out.append(key)
    return out


def _entity_id(obj: Any) -> str:
    state = inspect(obj)
    ident = state.mapper.primary_key_from_instance(obj)
    return ",".join(str(i) for i in ident)


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session: Session, _ctx) -> None:
    rows = []
    actor, now = session.info.get("actor") or current_actor(), utcnow()

    def add(action: str, obj: Any, before: dict | None, after: dict | None) -> None:
        rows.append(
            dict(
                at=now,
                actor=actor,
                action=action,
                entity=obj.__tablename__,
                entity_id=_entity_id(obj),
                before=before,
                after=after,
            )
        )

    for obj in session.new:
        if getattr(obj, "__audited__", False):
            add("create", obj, None, _snapshot(obj))
    for obj in session.dirty:
        if getattr(obj, "__audited__", False) and session.is_modified(
            obj, include_collections=False
        ):
            before, after = _snapshot(obj, before=True), _snapshot(obj)
            changed = {k for k in after if before.get(k) != after[k]}
            secrets = dict.fromkeys(_changed_secrets(obj), REDACTED)
            if changed or secrets:
                add(
                    "update",
                    obj,
                    {k: before[k] for k in changed} | secrets,
                    {k: after[k] for k in changed} | secrets,
                )
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            add("delete", obj, _snapshot(obj), None)
    if rows:
        append_rows(session, rows)


def record_event(
    session: Session,
    action: str,
    entity: str,
    entity_id: str,
    *,
    actor: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write one audit row for an event that is not a row change (``login``,
    ``login_failed``, ``logout``), in the session's transaction."""
    append_rows(
        session,
        [
            dict(
                at=utcnow(),
                actor=(actor or session.info.get("actor") or current_actor())[:64],
                action=action[:16],
                entity=entity[:64],
                entity_id=entity_id[:64],
                before=None,
                after={k: _jsonable(v) for k, v in (detail or {}).items()},
            )
        ],
    )


def append_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts of ``at``, ``actor``, ``action``, ``entity``, ``entity_id``,
    ``before``, ``after``) into the audit log in the session's transaction, chained onto its
    last row."""
    conn = session.connection()
    root = session.get_transaction()
    head = session.info.get(_HEAD)
    if head is not None and head[0] is root:
        last_id, prev_hash = head[1], head[2]
    else:
        _lock_chain(conn)
        last = conn.execute(
            select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)
        ).first()
        last_id, prev_hash = (last.id, last.hash) if last is not None else (0, GENESIS)
    ids = _new_ids(conn, len(rows), last_id)
    chained, prev_hash = chain_rows(rows, ids, prev_hash)
    conn.execute(insert(AuditLog), chained)
    session.info[_HEAD] = (root, ids[-1], prev_hash)


def _lock_chain(conn: Connection) -> None:
    """Make this transaction the only one appending to the chain until it ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))
    elif conn.dialect.name == "sqlite":
        # pysqlite begins a transaction only before a write. Without one, the read of the last
        # row and the insert would be two transactions, and another writer could commit between
        # them: take the writer lock first. Inside a transaction nothing can chain onto a stale
        # read: a write after another writer's commit fails (SQLITE_BUSY_SNAPSHOT).
        dbapi = conn.connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _new_ids(conn: Connection, n: int, last_id: int) -> list[int]:
    """``n`` ids for new rows, above every id in the table (``last_id`` is the highest)."""
    if conn.dialect.name != "postgresql":
        return list(range(last_id + 1, last_id + 1 + n))
    # from the table's sequence, taken under the lock (so an insert taking the default id never
    # collides with them); a sequence behind the table (rows inserted with their ids, a restored
    # dump) is moved past its last row first
    ids = sorted(conn.execute(_NEXT_IDS, {"n": n}).scalars())
    if ids[0] <= last_id:
        conn.execute(_SET_ID, {"last": last_id})
        ids = sorted(conn.execute(_NEXT_IDS, {"n": n}).scalars())
    return ids


_SEQUENCE = "pg_get_serial_sequence('audit_log', 'id')"
_NEXT_IDS = text(f"SELECT nextval({_SEQUENCE}) FROM generate_series(1, :n)")
_SET_ID = text(f"SELECT setval({_SEQUENCE}, :last)")


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction: SessionTransaction) -> None:
    # at the end of the transaction, or of a savepoint (whose rows, and PostgreSQL lock, may be
    # rolled back), the next append reads the chain's head again; not at the end of the inner
    # transaction each flush runs in
    if transaction.parent is None or transaction.nested:
        session.info.pop(_HEAD, None)
