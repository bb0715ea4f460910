"""A savepoint is part of its session's transaction on every backend.

pysqlite opens no transaction before the first INSERT/UPDATE/DELETE, so a ``SAVEPOINT`` sent
first would itself start the transaction and its ``RELEASE`` would commit: a later failure in the
same unit of work could no longer undo what the savepoint held (SQLite, "SAVEPOINT": "the
outermost savepoint … RELEASE … commits"). :mod:`qingshan.db.engine` opens the transaction first.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.monitoring.models import Parameter


def _param(code: str) -> Parameter:
    return Parameter(code=code, name=code, name_en=code, unit="mg/L")


def _codes(engine) -> list[str]:
    with Session(engine) as s:
        return sorted(s.scalars(select(Parameter.code).where(Parameter.code.like("zz%"))))


def test_a_released_savepoint_is_undone_by_the_sessions_rollback(engine) -> None:
    with Session(engine) as s:
        with s.begin_nested():  # the first statement of the unit of work
            s.add(_param("zz-inside"))
        s.add(_param("zz-after"))
        s.flush()
        s.rollback()  # the unit of work fails after the savepoint was released
    assert _codes(engine) == []


def test_a_savepoint_rolled_back_keeps_what_came_before_and_commits_with_the_session(
    engine,
) -> None:
    with Session(engine) as s:
        s.add(_param("zz-before"))
        s.flush()
        try:
            with s.begin_nested():
                s.add(_param("zz-refused"))
                s.flush()
                raise ValueError("refused")
        except ValueError:
            pass
        with s.begin_nested():
            s.add(_param("zz-kept"))
        s.commit()
    assert _codes(engine) == ["zz-before", "zz-kept"]
