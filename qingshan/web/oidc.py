"""使用统一身份认证登录: single sign-on through the government's OpenID Connect identity provider.

``GET /login/oidc`` sends the browser to the provider's authorization endpoint (authorization
code with PKCE, a fresh ``state`` and ``nonce``); ``GET /login/oidc/callback`` takes the code
back, checks the state, redeems the code at the token endpoint and has Authlib verify the ID
token (signature against the provider's JWKS, ``iss``, ``aud``, ``exp``, ``nonce``). The claims
become an account through :func:`qingshan.accounts.oidc.login_oidc`, and the browser gets the same
login cookie as a password login. Both routes answer 404 unless ``QINGSHAN_OIDC_ISSUER`` is set.

Between the two requests the state, nonce, PKCE verifier and the page to return to live in a
short-lived (10 min) HttpOnly cookie signed with a key derived from ``QINGSHAN_SECRET_KEY``,
sent only to ``/login/oidc`` (no server-side session is needed). Every failure is an error page
and an audit row (``login_failed``, method ``oidc``); no session is made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx2  # the HTTP client Authlib's Starlette integration uses
import jwt
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from joserfc.errors import JoseError
from sqlalchemy import Engine

from qingshan.accounts.oidc import (
    IdentityProviderUnavailable,
    SingleSignOnFailed,
    login_oidc,
    record_failure,
)
from qingshan.accounts.service import issue_token
from qingshan.api.cookies import set_login_cookie
from qingshan.api.deps import ClientAddress, SettingsDep
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.timeutil import utcnow
from qingshan.web.auth import safe_next
from qingshan.web.errors import error_page
from qingshan.web.i18n import get_lang, translator

router = APIRouter(include_in_schema=False)

#: the cookie that carries the pending sign-in between the two routes
STATE_COOKIE = "qingshan_oidc"
STATE_PATH = "/login/oidc"
STATE_TTL = timedelta(minutes=10)
_STATE_AUDIENCE = "qingshan-oidc-state"
#: how long a call to the identity provider may take [s]
PROVIDER_TIMEOUT = 10.0


@dataclass(frozen=True)
class Pending:
    """A sign-in started by this browser: what the callback must find again."""

    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    next: str


def _state_key(settings: Settings) -> str:
    """A key of its own for the state cookie: a state cookie is never a login token."""
    return hmac.new(
        settings.signing_key.encode(), b"qingshan-oidc-state", hashlib.sha256
    ).hexdigest()


def _write_pending(pending: Pending, settings: Settings) -> str:
    claims = {
        "aud": _STATE_AUDIENCE,
        "exp": utcnow() + STATE_TTL,
        "st": pending.state,
        "nc": pending.nonce,
        "cv": pending.code_verifier,
        "ru": pending.redirect_uri,
        "nx": pending.next,
    }
    return jwt.encode(claims, _state_key(settings), algorithm="HS256")


def _read_pending(cookie: str | None, settings: Settings) -> Pending | None:
    """The pending sign-in of the state cookie; None when there is none, or it is forged or
    older than :data:`STATE_TTL`."""
    if not cookie:
        return None
    try:
        c = jwt.decode(
            cookie,
            _state_key(settings),
            algorithms=["HS256"],
            audience=_STATE_AUDIENCE,
            options={"require": ["exp", "aud"]},
        )
        return Pending(c["st"], c["nc"], c["cv"], c["ru"], safe_next(c["nx"]))
    except (jwt.PyJWTError, KeyError, TypeError):
        return None


def _client(request: Request, settings: Settings) -> StarletteOAuth2App:
    """The application's client of the identity provider (made at first use); 404 when single
    sign-on is not configured."""
    if not settings.oidc_enabled:
        raise HTTPException(status_code=404)
    client = getattr(request.app.state, "oidc_client", None)
    if client is None:
        assert settings.oidc_issuer is not None and settings.oidc_client_secret is not None
        oauth = OAuth()
        client = oauth.register(
            "idp",
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret.get_secret_value(),
            server_metadata_url=settings.oidc_issuer.rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.oidc_scopes,
                "code_challenge_method": "S256",
                "timeout": PROVIDER_TIMEOUT,
            },
        )
        request.app.state.oidc_client = client
    return client


async def _metadata(client: StarletteOAuth2App, settings: Settings) -> dict[str, Any]:
    """The provider's discovery document, fetched once; its ``issuer`` must be the one
    configured (OpenID Connect Discovery 1.0, section 4.3)."""
    try:
        metadata = await client.load_server_metadata()
    except (httpx2.HTTPError, ValueError) as exc:
        raise IdentityProviderUnavailable(
            f"the identity provider {settings.oidc_issuer} could not be reached: {exc}"
        ) from exc
    if metadata.get("issuer") != settings.oidc_issuer:
        client.server_metadata.pop("_loaded_at", None)  # fetch it again next time
        raise IdentityProviderUnavailable(
            f"the discovery document of {settings.oidc_issuer} names issuer "
            f"{metadata.get('issuer')!r}, not the one configured"
        )
    return metadata


@router.get("/login/oidc")
async def oidc_start(request: Request, settings: SettingsDep, next: str | None = None) -> Response:
    """Start a sign-in at the identity provider; afterwards the browser returns to ``next``."""
    client = _client(request, settings)
    await _metadata(client, settings)
    redirect_uri = str(request.url_for("oidc_callback"))
    try:
        started = await client.create_authorization_url(redirect_uri)
    except (httpx2.HTTPError, AuthlibBaseError, RuntimeError) as exc:
        raise IdentityProviderUnavailable(
            f"no sign-in could be started at {settings.oidc_issuer}: {exc}"
        ) from exc
    pending = Pending(
        state=started["state"],
        nonce=started["nonce"],
        code_verifier=started["code_verifier"],
        redirect_uri=redirect_uri,
        next=safe_next(next),
    )
    response = RedirectResponse(started["url"], status_code=302)
    response.set_cookie(
        STATE_COOKIE,
        _write_pending(pending, settings),
        max_age=int(STATE_TTL.total_seconds()),
        path=STATE_PATH,
        httponly=True,
        secure=settings.secure_cookie,
        samesite="lax",  # sent on the provider's top-level redirect back
    )
    return response


async def _verified_claims(
    client: StarletteOAuth2App, request: Request, pending: Pending | None, settings: Settings
) -> dict[str, Any]:
    """The claims of the ID token the provider issued for this browser's pending sign-in,
    verified by Authlib; :class:`SingleSignOnFailed` for anything that does not hold."""
    params = request.query_params
    if params.get("error"):
        raise SingleSignOnFailed(
            f"the identity provider refused the sign-in: {params['error']}"
            + (f" ({params['error_description']})" if params.get("error_description") else "")
        )
    if pending is None:
        raise SingleSignOnFailed(
            "no sign-in was started in this browser, or it is older than 10 minutes: start again"
        )
    if not secrets.compare_digest(params.get("state", ""), pending.state):
        raise SingleSignOnFailed(
            "the state returned by the identity provider is not this browser's: start again"
        )
    code = params.get("code")
    if not code:
        raise SingleSignOnFailed("the identity provider returned no authorization code")
    await _metadata(client, settings)
    try:
        token = await client.fetch_access_token(
            redirect_uri=pending.redirect_uri, code=code, code_verifier=pending.code_verifier
        )
        if "id_token" not in token:
            raise SingleSignOnFailed("the identity provider returned no ID token")
        userinfo = await client.parse_id_token(token, nonce=pending.nonce)
    except JoseError as exc:
        raise SingleSignOnFailed(f"the ID token was refused: {exc}") from exc
    except AuthlibBaseError as exc:
        raise SingleSignOnFailed(f"the identity provider refused the code: {exc}") from exc
    except httpx2.HTTPError as exc:
        raise SingleSignOnFailed(f"the identity provider's token endpoint failed: {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise SingleSignOnFailed(
            f"the identity provider's answer could not be read: {exc!r}"
        ) from exc
    return dict(userinfo)


def _engine(request: Request, settings: Settings) -> Engine:
    return getattr(request.app.state, "engine", None) or get_engine(settings.db_url)


def _audit_failure(
    request: Request, settings: Settings, exc: SingleSignOnFailed, address: str
) -> None:
    with session_scope(_engine(request, settings)) as session:
        record_failure(session, exc, address=address)


def _sign_in(request: Request, settings: Settings, claims: dict[str, Any], address: str) -> str:
    """The account of ``claims`` (found, created or refreshed) and a login token for it."""
    assert settings.oidc_issuer is not None
    with session_scope(_engine(request, settings)) as session:
        user = login_oidc(
            session,
            claims,
            issuer=settings.oidc_issuer,
            role_claim=settings.oidc_role_claim,
            region_claim=settings.oidc_region_claim,
            provision=settings.oidc_provision_users,
            address=address,
        )
        return issue_token(user, settings.signing_key, settings.token_ttl_minutes)


async def _refused(request: Request, settings: Settings, exc: SingleSignOnFailed) -> Response:
    t = translator(get_lang(request))
    detail = f"{t('login.oidc_failed')}{t('punct.colon')}{exc.message}"
    response = await error_page(request, exc.status_code, detail=detail)
    response.delete_cookie(
        STATE_COOKIE, path=STATE_PATH, httponly=True, secure=settings.secure_cookie
    )
    return response


@router.get("/login/oidc/callback", name="oidc_callback")
async def oidc_callback(
    request: Request, settings: SettingsDep, address: ClientAddress
) -> Response:
    """Finish a sign-in: verify the provider's answer, sign the account in, return to the page
    the sign-in started from."""
    client = _client(request, settings)
    pending = _read_pending(request.cookies.get(STATE_COOKIE), settings)
    try:
        claims = await _verified_claims(client, request, pending, settings)
    except SingleSignOnFailed as exc:
        await run_in_threadpool(_audit_failure, request, settings, exc, address)
        return await _refused(request, settings, exc)
    assert pending is not None
    try:
        token = await run_in_threadpool(_sign_in, request, settings, claims, address)
    except SingleSignOnFailed as exc:  # refused by the account rules, audited there
        return await _refused(request, settings, exc)
    response = RedirectResponse(pending.next, status_code=303)
    set_login_cookie(response, token, settings)
    response.delete_cookie(
        STATE_COOKIE, path=STATE_PATH, httponly=True, secure=settings.secure_cookie
    )
    return response
