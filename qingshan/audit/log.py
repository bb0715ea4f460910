"""The one listener that writes audit rows.

Every flush of an audited model (``Base.__audited__ = True``) writes one ``audit_log`` row per
created, changed or deleted object, in the same transaction, with the acting user taken from
:func:`acting_as`. Code never writes audit rows of row changes itself; events that change no
row (a login, a failed login) are recorded with :func:`record_event`.
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

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from qingshan.audit.models import AuditLog
from qingshan.timeutil import utcnow

_actor: contextvars.ContextVar[str] = contextvars.ContextVar("qingshan_actor", default="system")

#: the actor the command line acts as; recorded as ``cli:<OS user>`` (:func:`cli_actor`)
CLI = "cli"
#: what an audit row shows for a secret column (``__audit_exclude__``) that changed
REDACTED = "(redacted)"


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
