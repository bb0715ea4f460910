"""Engines and sessions. One engine per URL per process; sessions are short and explicit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qingshan.config import get_settings
from qingshan.db.errors import DatabaseError, not_ready_error

__all__ = ["DatabaseError", "dispose_engines", "get_engine", "make_engine", "session_scope"]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")  # writers wait for each other, up to 30 s
    cur.close()


def _sqlite_savepoint_inside_a_transaction(conn, _name) -> None:
    """Open the transaction before a savepoint when none is open on the SQLite connection.

    pysqlite begins a transaction only before the first INSERT/UPDATE/DELETE; a ``SAVEPOINT``
    sent before that starts the transaction itself, and then its ``RELEASE`` commits (SQLite,
    "SAVEPOINT": releasing the outermost savepoint commits), so a later failure of the same unit
    of work could no longer undo it. With ``BEGIN`` first the savepoint nests in the session's
    transaction, as it does on PostgreSQL; the locks taken are the same (a ``SAVEPOINT`` outside a
    transaction begins a deferred one).
    """
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and not dbapi.in_transaction:
        dbapi.execute("BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` (SQLite file or PostgreSQL), checking it can connect.

    Raises :class:`DatabaseError` naming the URL (without its password) when it cannot.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict = {}
    if url.startswith("postgresql"):
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_savepoint_inside_a_transaction)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise DatabaseError(
            f"cannot connect to the database {engine.url.render_as_string(hide_password=True)}: "
            f"{exc.orig}",
            url=str(engine.url),
        ) from exc
    return engine


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the settings' database), made once."""
    if url is None:
        url = get_settings().db_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def dispose_engines() -> None:
    """Close every engine :func:`get_engine` made (their pooled connections included)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


#: the entry-point group of the model lists (``pyproject.toml``)
MODELS_GROUP = "qingshan.models"


@lru_cache(maxsize=1)
def load_models() -> tuple[str, ...]:
    """Import every installed model list (entry points of :data:`MODELS_GROUP`; Qingshan's is
    :mod:`qingshan.platform.models`, which also registers the audit listener), so that every
    mapper resolves its foreign keys and every change is audited, whatever the entry point of
    the process. ``db`` names no domain: the registry registers itself."""
    found = entry_points(group=MODELS_GROUP)
    if not found:
        raise DatabaseError(
            f"no model list is installed (entry points {MODELS_GROUP!r}): "
            "install the package with `pip install -e .` (`make run` does)"
        )
    return tuple(ep.load().__name__ for ep in found)


@lru_cache(maxsize=8)
def _factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions of ``engine``, once every model is mapped (:func:`load_models`)."""
    load_models()
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    The error of a database without the tables the code needs (never migrated, or at an older
    revision) becomes :class:`qingshan.db.errors.DatabaseNotReady`, which says what to run.
    """
    engine = engine or get_engine()
    session = _factory(engine)()
    try:
        yield session
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        not_ready = not_ready_error(exc, engine.url)
        if not_ready is None:
            raise
        raise not_ready from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
