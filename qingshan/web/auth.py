"""Who is looking at a page: the login cookie read for the dashboard, /login and /logout.

The JSON API authenticates by bearer token or by the HttpOnly ``qingshan_token`` cookie that
``POST /api/v1/auth/login`` sets (:mod:`qingshan.api.deps`). Pages read the same cookie, but a
page is never answered with a JSON error: an expired or forged cookie counts as "not logged in"
(and is cleared by :func:`qingshan.web.routes.render`), and a page that needs a login
redirects to ``/login?next=…`` through :class:`LoginRequired`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from qingshan.accounts.errors import InvalidToken
from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import PUBLIC_SCOPE, Scope
from qingshan.accounts.security import read_token
from qingshan.accounts.service import scope_of
from qingshan.api.deps import SettingsDep
from qingshan.db.engine import get_engine, session_scope

TOKEN_COOKIE = "qingshan_token"


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
    try:
        username = read_token(token, settings.signing_key)
    except InvalidToken:
        request.state.stale_token = True
        return None
    engine = getattr(request.app.state, "engine", None) or get_engine(settings.db_url)
    with session_scope(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
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


router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, viewer: OptionalViewer, next: str | None = None) -> Response:
    """登录 page: a form that posts to ``POST /api/v1/auth/login``, then returns to ``next``."""
    from qingshan.web.i18n import get_lang, labels_for
    from qingshan.web.routes import API, render

    target = safe_next(next)
    reason = request.query_params.get("reason")
    config = {
        "loginUrl": f"{API}/auth/login",
        "next": target,
        "labels": labels_for(("login.",), get_lang(request)),
    }
    context = {
        "config": config,
        "next": target,
        "reason": reason if reason in ("required", "logged_out", "expired") else None,
        "already": viewer,
    }
    return render(request, "login.html", context, viewer=viewer)


@router.api_route("/logout", methods=["GET", "POST"])
def logout() -> Response:
    """退出登录: clear the login cookie and go to the login page."""
    response = RedirectResponse("/login?reason=logged_out", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, httponly=True, samesite="lax")
    return response


def install_login_redirect(app: FastAPI) -> None:
    """Answer :class:`LoginRequired` with a redirect to the login page (and back afterwards)."""

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        reason = "expired" if getattr(request.state, "stale_token", False) else "required"
        response = RedirectResponse(
            f"/login?reason={reason}&next={quote(exc.path, safe='')}", status_code=303
        )
        if reason == "expired":
            response.delete_cookie(TOKEN_COOKIE, httponly=True, samesite="lax")
        return response
