"""Dependencies of every route: settings, a session acting as the caller, the caller, scope.

``SessionDep`` commits when the route returns and rolls back on error; changes made through it
are audited under the caller's username.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.errors import AuthenticationFailed
from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import PUBLIC_SCOPE, Scope
from qingshan.accounts.security import read_token
from qingshan.accounts.service import scope_of
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.errors import PermissionDenied
from qingshan.timeseries.store import ObservationStore

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _username(request: Request, settings: Settings, token: str | None) -> str | None:
    token = token or request.cookies.get("qingshan_token")
    return read_token(token, settings.signing_key) if token else None


def get_session(
    request: Request, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Iterator[Session]:
    engine = getattr(request.app.state, "engine", None) or get_engine(settings.db_url)
    with session_scope(engine) as session:
        session.info["actor"] = _username(request, settings, token) or "anonymous"
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_optional_user(session: SessionDep) -> User | None:
    username = session.info["actor"]
    if username == "anonymous":
        return None
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise AuthenticationFailed(f"account {username!r} no longer exists or is disabled")
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise AuthenticationFailed("not logged in: POST /api/v1/auth/login for a token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_scope(user: OptionalUser) -> Scope:
    """The caller's scope; anonymous callers get the public scope."""
    return PUBLIC_SCOPE if user is None else scope_of(user)


ScopeDep = Annotated[Scope, Depends(get_scope)]


def require_roles(*roles: Role):
    """A dependency admitting only users with one of ``roles``."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise PermissionDenied(
                f"role {user.role.value} may not do this (needs {', '.join(r.value for r in roles)})"
            )
        return user

    return Depends(check)


def get_store(settings: SettingsDep) -> ObservationStore:
    """The observation store of the settings' data directory."""
    return ObservationStore(settings.observations_dir)


StoreDep = Annotated[ObservationStore, Depends(get_store)]
