"""The audit hash chain on a real database, SQLite and PostgreSQL (issue 9, item 14): what the
listener writes verifies; an edit, a deletion or an insertion by raw SQL is named; a database
upgraded with audit rows in it verifies; concurrent writers never fork the chain."""

import threading
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import JSON, Engine, event, insert, select, text
from sqlalchemy.exc import IntegrityError

from qingshan.audit import acting_as
from qingshan.audit.chain import GENESIS, BreakKind, row_hash
from qingshan.audit.log import record_event
from qingshan.audit.models import AuditLog
from qingshan.audit.service import get_head, read_chain_rows, verify_audit_log
from qingshan.db.base import UTCDateTime
from qingshan.db.engine import session_scope
from qingshan.db.migrate import alembic_config, upgrade
from qingshan.hj212.registry import add_device, delete_device, update_device


def _verify(engine: Engine, **kwargs):
    with session_scope(engine) as s:
        return verify_audit_log(s, **kwargs)


def _write_some(engine: Engine, n: int = 3) -> None:
    """Audited changes: ``n`` devices created, one changed, one deleted, a login."""
    with acting_as("admin"), session_scope(engine) as s:
        for i in range(n):
            add_device(s, f"MN{i:04d}", f"pw-{i}", name=f"锅炉{i}号")
    with acting_as("admin"), session_scope(engine) as s:
        update_device(s, "MN0000", password="pw-new", name="一号锅炉")
        delete_device(s, "MN0001")
    with session_scope(engine) as s:
        record_event(s, "login", "app_user", "1", actor="alice", detail={"address": "10.0.0.1"})


def _sql(engine: Engine, statement: str, **params) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def _stored(engine: Engine, id_: int) -> dict:
    with engine.connect() as conn:
        row = conn.execute(select(AuditLog.__table__).where(AuditLog.id == id_)).one()
    return row._asdict()


def test_a_chain_written_by_audited_changes_verifies(engine):
    _write_some(engine)
    with session_scope(engine) as s:  # several flushes in one transaction, one savepoint undone
        add_device(s, "MN0100", "pw")
        s.flush()
        with pytest.raises(RuntimeError), s.begin_nested():
            add_device(s, "MN0101", "pw")
            s.flush()
            raise RuntimeError("undo the savepoint")
        update_device(s, "MN0100", name="after the savepoint")
    report = _verify(engine)
    assert report.ok, report.broken
    assert report.rows == 8  # 3 creates, update, delete, login, create, update
    with session_scope(engine) as s:
        rows = list(read_chain_rows(s, batch=3))  # pages of 3
        head = get_head(s)
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert head is not None and (head.id, head.hash) == (report.head_id, report.head_hash)
    assert (report.head_id, report.head_hash) == (rows[-1].id, rows[-1].hash)
    assert [r.action for r in rows] == [*["create"] * 3, "update", "delete", "login", "create",
                                        "update"]  # fmt: skip


def test_a_transaction_reads_the_head_once_whatever_its_flushes(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with acting_as("admin"), session_scope(engine) as s:
            for i in range(5):
                add_device(s, f"MN{i:04d}", "pw")  # a flush each
            s.flush()
            record_event(s, "login", "app_user", "1")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    heads = [q for q in statements if q.lstrip().upper().startswith("SELECT audit_log.id,".upper())]
    locks = [q for q in statements if "pg_advisory_xact_lock" in q]
    assert len(heads) == 1, heads
    assert len(locks) == (1 if engine.dialect.name == "postgresql" else 0)
    assert _verify(engine).rows == 6


@pytest.mark.parametrize("column", ["after", "actor"])
def test_a_row_edited_in_the_database_is_named(engine, column):
    _write_some(engine)
    value = '{"password": "(redacted)", "name": "改过"}' if column == "after" else "mallory"
    _sql(engine, f"UPDATE audit_log SET {column} = :v WHERE id = 4", v=value)
    report = _verify(engine)
    assert report.broken is not None
    assert (report.broken.id, report.broken.kind) == (4, BreakKind.EDITED)
    assert report.rows == 3


def test_a_row_deleted_in_the_database_is_named(engine):
    _write_some(engine)
    _sql(engine, "DELETE FROM audit_log WHERE id = 3")
    report = _verify(engine)
    assert report.broken is not None
    assert (report.broken.id, report.broken.kind) == (4, BreakKind.DELETED)
    assert "rows between 2 and 4 were deleted" in report.broken.detail


def test_a_row_forged_onto_a_chained_row_is_refused_by_the_database(engine):
    _write_some(engine)
    row2 = _stored(engine, 2)
    with pytest.raises(IntegrityError):  # row 3 already links to row 2
        _forge(engine, prev_hash=row2["hash"])


def _forge(engine: Engine, prev_hash: str) -> int:
    """Append a forged row linking to ``prev_hash``, its hash computed as the code would."""
    with engine.begin() as conn:
        new_id = conn.execute(text("SELECT max(id) + 1 FROM audit_log")).scalar_one()
        row = dict(
            id=new_id,
            at=datetime(2020, 1, 1, tzinfo=UTC),
            actor="admin",
            action="delete",
            entity="hj212_device",
            entity_id="MN0002",
            before={"mn": "MN0002"},
            after=None,
            prev_hash=prev_hash,
        )
        conn.execute(insert(AuditLog), [row | {"hash": row_hash(**row)}])
    return new_id


def test_a_row_inserted_in_the_database_is_named(engine):
    _write_some(engine)
    row2 = _stored(engine, 2)
    # a DBA can drop the constraint that refuses a second successor; the chain still shows it
    _sql(engine, "DROP INDEX uq_audit_log_prev_hash")
    forged = _forge(engine, prev_hash=row2["hash"])
    report = _verify(engine)
    assert report.broken is not None
    assert (report.broken.id, report.broken.kind) == (forged, BreakKind.INSERTED)
    assert "it links to row 2, which already has a successor" in report.broken.detail


def test_a_rewritten_chain_verifies_but_not_against_its_published_head(engine):
    _write_some(engine)
    with session_scope(engine) as s:
        published = get_head(s)
    assert published is not None
    # the DBA edits row 2 and recomputes every hash from there on: the chain holds again
    _sql(engine, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    with engine.begin() as conn:
        rows = conn.execute(select(AuditLog.__table__).order_by(AuditLog.id)).all()
        prev = rows[0].hash
        for row in rows[1:]:
            fields = row._asdict() | {"prev_hash": prev}
            del fields["hash"]
            prev = row_hash(**fields)
            conn.execute(
                text("UPDATE audit_log SET prev_hash = :p, hash = :h WHERE id = :id"),
                {"p": fields["prev_hash"], "h": prev, "id": row.id},
            )
    assert _verify(engine).ok
    report = _verify(engine, anchors=[(published.id, published.hash)])
    assert report.broken is not None
    assert (report.broken.id, report.broken.kind) == (published.id, BreakKind.REWRITTEN)
    assert f"its hash is now {prev}" in report.broken.detail


def test_a_truncated_tail_shows_against_the_published_head(engine):
    _write_some(engine)
    with session_scope(engine) as s:
        published = get_head(s)
    assert published is not None
    _sql(engine, "DELETE FROM audit_log WHERE id = :id", id=published.id)
    assert _verify(engine).ok  # the chain alone cannot see a cut-off tail
    report = _verify(engine, anchors=[(published.id, published.hash)])
    assert report.broken is not None and report.broken.kind is BreakKind.REWRITTEN
    assert "it is missing" in report.broken.detail


def test_verify_from_a_later_row(engine):
    _write_some(engine)
    assert _verify(engine, from_id=4).rows == 3
    _sql(engine, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    assert _verify(engine, from_id=3).ok  # the row before is trusted, not verified
    assert _verify(engine).broken.id == 2


# -------------------------------------------------------------------------------- migration


def _downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_an_upgraded_database_with_audit_rows_verifies(engine):
    _downgrade(engine, "0004_sessions")
    with engine.connect() as conn:
        assert "hash" not in conn.execute(text("SELECT * FROM audit_log")).keys()
    old = AuditLog.__table__.c
    rows = [
        dict(id=1, at=datetime(2025, 5, 1, 2, 3, 4, 567891, tzinfo=UTC), actor="system",
             action="create", entity="site", entity_id="1", before=None,
             after={"name": "西湖", "attrs": {"mn": "X", "z": [1, 2.5, None]}}),
        dict(id=2, at=datetime(2025, 5, 1, 2, 3, 5, tzinfo=UTC), actor="admin",
             action="update", entity="site", entity_id="1", before={"name": "西湖"},
             after={"name": "西湖区"}),
        dict(id=5, at=datetime(2025, 5, 2, tzinfo=UTC), actor="alice", action="login",
             entity="app_user", entity_id="3", before=None, after={"address": "::1"}),
    ]  # fmt: skip
    with engine.begin() as conn:
        table = _table_0004(old)
        conn.execute(insert(table), rows)
    upgrade(engine)
    report = _verify(engine)
    assert report.ok and report.rows == 3 and report.head_id == 5
    with session_scope(engine) as s:
        first = next(read_chain_rows(s))
    assert first.prev_hash == GENESIS
    with acting_as("admin"), session_scope(engine) as s:
        add_device(s, "MN0001", "pw")  # new rows chain onto the migrated ones
    report = _verify(engine)
    assert report.ok and report.rows == 4 and report.head_id == 6


def _table_0004(columns):
    from sqlalchemy import Column, Integer, MetaData, String, Table

    return Table(
        "audit_log",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime(timezone=True)),
        *(Column(name, String) for name in ("actor", "action", "entity", "entity_id")),
        Column("before", JSON),
        Column("after", JSON),
    )


# ------------------------------------------------------------------------------ concurrency


def test_concurrent_writers_never_fork_the_chain(engine):
    threads, per_thread = 8, 6
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def writer(t: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with acting_as(f"writer{t}"), session_scope(engine) as s:
                    add_device(s, f"MN{t:02d}{i:02d}", "pw")
                    s.flush()
                    update_device(s, f"MN{t:02d}{i:02d}", name=f"t{t} i{i}")
                with session_scope(engine) as s:  # an event alone, no row written before it
                    record_event(s, "login", "app_user", str(t), actor=f"writer{t}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not errors, errors
    report = _verify(engine)
    assert report.ok, report.broken
    assert report.rows == threads * per_thread * 3


def test_a_second_writer_waits_for_the_first_to_commit(engine):
    """While one transaction has appended to the chain and not committed, another's append
    waits for it (PostgreSQL: the advisory lock; SQLite: the writer lock), then chains onto
    its rows."""
    done = threading.Event()

    def second() -> None:
        with acting_as("second"), session_scope(engine) as s:
            add_device(s, "MN0002", "pw")
        done.set()

    with acting_as("first"), session_scope(engine) as s:
        add_device(s, "MN0001", "pw")
        s.flush()
        other = threading.Thread(target=second)
        other.start()
        assert not done.wait(1.0)  # blocked behind the first transaction
    other.join(timeout=60)
    assert done.is_set()
    report = _verify(engine)
    assert report.ok and report.rows == 2
    with session_scope(engine) as s:
        actors = [r.actor for r in read_chain_rows(s)]
    assert actors == ["first", "second"]
