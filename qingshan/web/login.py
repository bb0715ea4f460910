"""登录 and 退出: the login page, logout, and the redirect of a page that needs a login."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.security import TOKEN_COOKIE
from qingshan.accounts.service import revoke_token
from qingshan.api.cookies import clear_login_cookie
from qingshan.api.deps import SettingsDep
from qingshan.db.engine import get_engine, session_scope
from qingshan.web.auth import LoginRequired, OptionalViewer, safe_next
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, viewer: OptionalViewer, settings: SettingsDep, next: str | None = None
) -> Response:
    """登录 page: a form that posts to ``POST /api/v1/auth/login``, then returns to ``next``;
    beside it, when single sign-on is configured, 使用<provider>登录 (:mod:`qingshan.web.oidc`)."""
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
        "oidc": settings.oidc_display_name if settings.oidc_enabled else None,
    }
    return render(request, "login.html", context, viewer=viewer)


@router.api_route("/logout", methods=["GET", "POST"])
def logout(request: Request, settings: SettingsDep) -> Response:
    """退出登录: revoke the login cookie's token, clear the cookie, go to the login page."""
    token = request.cookies.get(TOKEN_COOKIE)
    if token:
        engine = getattr(request.app.state, "engine", None) or get_engine(settings.db_url)
        with session_scope(engine) as session:
            revoke_token(session, token, settings.signing_key)
    response = RedirectResponse("/login?reason=logged_out", status_code=303)
    clear_login_cookie(response, settings)
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
            clear_login_cookie(response, request.app.state.settings)
        return response
