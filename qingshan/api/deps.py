"""Dependencies of every route: settings, a session acting as the caller, the caller, scope.

``SessionDep`` commits when the route returns and rolls back on error; changes made through it
are audited under the caller's username.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from qingshan.accounts.errors import AuthenticationFailed
from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope, public_scope
from qingshan.accounts.security import TOKEN_COOKIE, read_token
from qingshan.accounts.service import scope_of, user_for_token
from qingshan.accounts.throttle import LoginGuard
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.errors import ConfigurationError, PermissionDenied
from qingshan.timeseries.store import ObservationStore

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_session(
    request: Request, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Iterator[Session]:
    """A session acting as the caller of the bearer token or the login cookie (a forged or
    expired token is refused here, before the route runs)."""
    token = token or request.cookies.get(TOKEN_COOKIE)
    engine = getattr(request.app.state, "engine", None) or get_engine(settings.db_url)
    with session_scope(engine) as session:
        session.info["actor"] = read_token(token, settings.signing_key) if token else "anonymous"
        session.info["token"] = token
        yield session


#: ``scope="function"``: the session commits when the route function returns, *before* the response
#: is sent. FastAPI's default for a dependency with ``yield`` (≥ 0.118) runs its exit after the
#: response has gone out, so a client could be told "saved" (a 200, or a 303 whose GET then reads
#: the old state) for a commit that fails or has not happened yet.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_optional_user(session: SessionDep, settings: SettingsDep) -> User | None:
    token = session.info["token"]
    return None if token is None else user_for_token(session, token, settings.signing_key)


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise AuthenticationFailed("not logged in: POST /api/v1/auth/login for a token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_scope(user: OptionalUser, settings: SettingsDep) -> Scope:
    """The caller's scope; anonymous callers get the public scope (ambient air and surface
    water; enterprise outlets too if ``settings.public_enterprise_data``)."""
    return public_scope(settings.public_enterprise_data) if user is None else scope_of(user)


ScopeDep = Annotated[Scope, Depends(get_scope)]


def get_login_guard(request: Request, settings: SettingsDep) -> LoginGuard:
    """The application's login guard (rate limits and lockout, in memory: one per app)."""
    guard = getattr(request.app.state, "login_guard", None)
    if guard is None:
        guard = request.app.state.login_guard = LoginGuard(
            per_account=settings.login_rate_per_account,
            per_address=settings.login_rate_per_address,
            lockout_failures=settings.login_lockout_failures,
            lockout_seconds=settings.login_lockout_seconds,
            lockout_max_seconds=settings.login_lockout_max_seconds,
        )
    return guard


LoginGuardDep = Annotated[LoginGuard, Depends(get_login_guard)]


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (behind a proxy: run uvicorn with
    ``--proxy-headers`` and ``--forwarded-allow-ips`` so that this is the client's)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]


def require_roles(*roles: Role):
    """A dependency admitting only users with one of ``roles``."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise PermissionDenied(
                f"role {user.role.value} may not do this (needs {', '.join(r.value for r in roles)})"
            )
        return user

    return Depends(check)


def get_store(request: Request) -> ObservationStore:
    """The application's observation store (one per application, made by the app factory and
    closed on shutdown: its DuckDB connection and footer cache serve every request)."""
    return request.app.state.store


StoreDep = Annotated[ObservationStore, Depends(get_store)]


T = TypeVar("T")


def provided(protocol: type[T]) -> Any:
    """A dependency giving the implementation of ``protocol`` (a Protocol one domain publishes
    and another implements) that the registry handed to the app
    (:func:`qingshan.platform.app.providers`)."""

    def get(request: Request) -> T:
        try:
            return request.app.state.providers[protocol]
        except (AttributeError, KeyError):
            raise ConfigurationError(
                f"no implementation of {protocol.__name__} is registered "
                "(qingshan.platform.app.providers)"
            ) from None

    return Depends(get)
