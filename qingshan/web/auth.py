"""Who is looking at a page: the login cookie read for the dashboard.

The JSON API authenticates by bearer token or by the HttpOnly login cookie that
``POST /api/v1/auth/login`` sets (:mod:`qingshan.api.deps`). Pages read the same cookie through
the same :func:`qingshan.accounts.service.user_for_token`, but a page is never answered with a
JSON error: an expired or forged cookie counts as "not logged in" (and is cleared by
:func:`qingshan.web.render.render`), and a page that needs a login redirects to
``/login?next=…`` through :class:`LoginRequired` (:mod:`qingshan.web.login`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from qingshan.accounts.errors import AuthenticationFailed
from qingshan.accounts.models import Role
from qingshan.accounts.scope import PUBLIC_SCOPE, Scope
from qingshan.accounts.security import TOKEN_COOKIE
from qingshan.accounts.service import scope_of, user_for_token
from qingshan.api.deps import SettingsDep
from qingshan.db.engine import get_engine, session_scope


@dataclass(frozen=True)
class Viewer:
    """The logged-in user as the pages need them (no ORM object outlives the session)."""

    username: str
    display_name: str
    role: Role
    region_code: str
    scope: Scope


class LoginRequired(Exception):
    """Raised by :data:`LoggedInViewer` on a page that needs a login; answered with a redirect."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def get_viewer(request: Request, settings: SettingsDep) -> Viewer | None:
    """The user of the login cookie; None when there is none, or it is stale or forged.

    A stale cookie is marked on ``request.state.stale_token`` so the page response clears it
    (otherwise the page's own API calls would fail with 401).
    """
    request.state.stale_token = False
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    engine = getattr(request.app.state, "engine", None) or get_engine(settings.db_url)
    with session_scope(engine) as session:
        try:
            user = user_for_token(session, token, settings.signing_key)
        except AuthenticationFailed:  # forged, expired, or the account is gone
            request.state.stale_token = True
            return None
        return Viewer(
            username=user.username,
            display_name=user.display_name or user.username,
            role=user.role,
            region_code=user.region_code,
            scope=scope_of(user),
        )


OptionalViewer = Annotated[Viewer | None, Depends(get_viewer)]


def get_logged_in_viewer(request: Request, viewer: OptionalViewer) -> Viewer:
    if viewer is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return viewer


LoggedInViewer = Annotated[Viewer, Depends(get_logged_in_viewer)]


def scope_of_viewer(viewer: Viewer | None) -> Scope:
    """The viewer's scope; visitors get the public scope (the whole province, published data)."""
    return PUBLIC_SCOPE if viewer is None else viewer.scope


def safe_next(target: str | None) -> str:
    """``target`` if it is a path of this site, else ``/`` (no open redirect to another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target
