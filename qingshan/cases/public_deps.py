"""Dependencies of the routes the public uses without an account (the complaint pages and
Open311): a session acting as the public — a login cookie, stale or not, plays no part — and
the application's :class:`~.complaint_guard.ComplaintGuard`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from qingshan.api.deps import SettingsDep
from qingshan.cases.complaint_guard import ComplaintGuard
from qingshan.db.engine import get_engine, session_scope

__all__ = ["PublicSession", "GuardDep", "public_session", "get_complaint_guard"]


def public_session(request: Request, settings: SettingsDep) -> Iterator[Session]:
    """A session audited as ``public:<path>`` (commits when the route returns)."""
    engine = getattr(request.app.state, "engine", None) or get_engine(settings.db_url)
    channel = "open311" if request.url.path.startswith("/open311") else "web"
    with session_scope(engine) as session:
        session.info["actor"] = f"public:{channel}"
        yield session


#: committed before the response is sent, as :data:`qingshan.api.deps.SessionDep`
PublicSession = Annotated[Session, Depends(public_session, scope="function")]


def get_complaint_guard(request: Request, settings: SettingsDep) -> ComplaintGuard:
    """The application's complaint guard (in memory: one per application)."""
    guard = getattr(request.app.state, "complaint_guard", None)
    if guard is None:
        guard = request.app.state.complaint_guard = ComplaintGuard(
            settings.complaint_rate_per_address, settings.complaint_lookup_rate_per_address
        )
    return guard


GuardDep = Annotated[ComplaintGuard, Depends(get_complaint_guard)]
