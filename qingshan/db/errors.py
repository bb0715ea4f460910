"""Errors of the relational store, and the mapping of SQLAlchemy's errors to them.

:func:`not_ready_error` recognises the errors of a database that was never migrated, or is at an
older revision — SQLite's ``no such table`` / ``no such column``, PostgreSQL's ``undefined_table``
(SQLSTATE 42P01) / ``undefined_column`` (42703) — and turns them into one
:class:`DatabaseNotReady` that names what is missing and the command that builds it. The edges
use it: :func:`qingshan.db.engine.session_scope`, the CLI's ``main()`` and the API's handler.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from qingshan.errors import QingshanError

#: what to run when the database lacks tables (``qingshan sim build`` migrates as well)
SETUP_HINT = (
    "run `qingshan db upgrade` to create its tables, or `qingshan sim build` for the demo province"
)

_PG_UNDEFINED_TABLE = "42P01"
_PG_UNDEFINED_COLUMN = "42703"
_SQLITE_TABLE = re.compile(r"no such table: ([\w.\"]+)")
_SQLITE_COLUMN = re.compile(r"no such column: ([\w.\"]+)|has no column named ([\w\"]+)")
_PG_TABLE = re.compile(r'relation "([^"]+)" does not exist')
_PG_COLUMN = re.compile(r"column ([\w.\"]+) does not exist")


class DatabaseError(QingshanError):
    """The relational store is unreachable, unmigrated or refused an operation."""

    status_code = 503


class DatabaseNotReady(DatabaseError):
    """The database lacks a table or column the code needs: never migrated, or migrated to an
    older revision. ``context``: ``table`` or ``column``, and ``url`` (without password)."""


def _safe_url(url: str | URL | None) -> str | None:
    if url is None:
        return None
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # a URL we cannot parse is left out of the message
        return None


def not_ready_error(exc: BaseException, url: str | URL | None = None) -> DatabaseNotReady | None:
    """The :class:`DatabaseNotReady` that ``exc`` (a SQLAlchemy error) means, or None when it
    is not the error of a missing table or column. ``url`` is the database's, for the message."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    text = str(orig)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    where = _safe_url(url)
    db = f"the database {where}" if where else "the database"
    table = column = None
    if sqlstate == _PG_UNDEFINED_TABLE or (sqlstate is None and "no such table" in text):
        match = _PG_TABLE.search(text) or _SQLITE_TABLE.search(text)
        table = match.group(1).strip('"') if match else "?"
    elif sqlstate == _PG_UNDEFINED_COLUMN or (
        sqlstate is None and ("no such column" in text or "has no column named" in text)
    ):
        match = _PG_COLUMN.search(text) or _SQLITE_COLUMN.search(text)
        column = next((g for g in match.groups() if g), "?").strip('"') if match else "?"
    else:
        return None
    if table is not None:
        return DatabaseNotReady(
            f"{db} is not set up (no table {table!r}): {SETUP_HINT}", table=table, url=where
        )
    return DatabaseNotReady(
        f"{db} is at an older revision (no column {column!r}): "
        "run `qingshan db upgrade` to migrate it",
        column=column,
        url=where,
    )
