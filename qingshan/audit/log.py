"""The one listener that writes audit rows.

Every flush of an audited model (``Base.__audited__ = True``) writes one ``audit_log`` row per
created, changed or deleted object, in the same transaction, with the acting user taken from
:func:`acting_as`. Code never writes audit rows of row changes itself; events that change no
row (a login, a failed login) are recorded with :func:`record_event`.
"""

from __future__ import annotations

import contextvars
import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from qingshan.audit.models import AuditLog
from qingshan.timeutil import utcnow

_actor: contextvars.ContextVar[str] = contextvars.ContextVar("qingshan_actor", default="system")


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Attribute every change made inside the block to ``actor`` (a username, or ``system``).

    A session's ``info["actor"]`` (set by the API's session dependency) takes precedence.
    """
    token = _actor.set(actor)
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
            if changed:
                add(
                    "update",
                    obj,
                    {k: before[k] for k in changed},
                    {k: after[k] for k in changed},
                )
    for obj in session.deleted:
        if getattr(obj, "__audited__", False):
            add("delete", obj, _snapshot(obj), None)
    if rows:
        session.connection().execute(insert(AuditLog), rows)


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
    session.connection().execute(
        insert(AuditLog),
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
