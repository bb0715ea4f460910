"""A database without its tables (never migrated, or at an older revision) is one domain error
that says what to run, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from qingshan.db.engine import session_scope
from qingshan.db.errors import DatabaseError, DatabaseNotReady, not_ready_error


def test_missing_table(engine):
    with pytest.raises(DatabaseNotReady, match=r"is not set up \(no table 'no_such_table'\): "
                       r"run `qingshan db upgrade` to create its tables, or `qingshan sim build` "
                       r"for the demo province") as info:  # fmt: skip
        with session_scope(engine) as s:
            s.execute(text("SELECT * FROM no_such_table"))
    assert info.value.context["table"] == "no_such_table"
    assert info.value.status_code == 503
    assert isinstance(info.value, DatabaseError)
    assert isinstance(info.value.__cause__, DBAPIError)


def test_missing_column(engine):
    with pytest.raises(DatabaseNotReady, match=r"is at an older revision \(no column '[\w.]*"
                       r"no_such_column'\): run `qingshan db upgrade` to migrate it"):  # fmt: skip
        with session_scope(engine) as s:
            s.execute(text("SELECT no_such_column FROM site"))


def test_other_database_errors_stay_as_they_are(engine):
    with pytest.raises(DBAPIError):
        with session_scope(engine) as s:
            s.execute(text("SELEC 1"))


def test_not_ready_error_ignores_other_exceptions():
    assert not_ready_error(ValueError("no such table: x")) is None


def test_the_message_hides_the_password():
    exc = OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: site"))
    error = not_ready_error(exc, "postgresql+psycopg://qs:secret@db.example:5432/qingshan")
    assert error is not None and "secret" not in error.message
    assert error.message.startswith(
        "the database postgresql+psycopg://qs:***@db.example:5432/qingshan is not set up"
    )
