"""The login cookie: set by a password login and a single sign-on, cleared by a logout or when
its token has expired — in one place, so that every path sets the same flags."""

from __future__ import annotations

from starlette.responses import Response

from qingshan.accounts.security import TOKEN_COOKIE
from qingshan.config import Settings


def set_login_cookie(response: Response, token: str, settings: Settings) -> None:
    """HttpOnly, SameSite=Lax, ``Secure`` as :attr:`Settings.secure_cookie` says, living as
    long as the token."""
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        httponly=True,
        secure=settings.secure_cookie,
        samesite="lax",
        max_age=settings.token_ttl_minutes * 60,
    )


def clear_login_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        TOKEN_COOKIE, httponly=True, secure=settings.secure_cookie, samesite="lax"
    )
