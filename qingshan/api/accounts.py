"""/auth/login, /users: accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import OAuth2PasswordRequestForm

from qingshan.accounts import service
from qingshan.accounts.models import Role, User
from qingshan.accounts.schemas import Token, UserCreate, UserPublic
from qingshan.api.cookies import clear_login_cookie, set_login_cookie
from qingshan.api.deps import (
    ClientAddress,
    CurrentUser,
    LoginGuardDep,
    ScopeDep,
    SessionDep,
    SettingsDep,
    require_roles,
)

router = APIRouter(tags=["accounts"])


@router.post("/auth/login", response_model=Token)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    guard: LoginGuardDep,
    address: ClientAddress,
    response: Response,
) -> Token:
    """Exchange username and password for a bearer token (also set as an HttpOnly cookie).
    Rate-limited per account and per address; repeated failures lock the account (429)."""
    user = service.login(session, guard, form.username, form.password, address)
    token = service.issue_token(user, settings.signing_key, settings.token_ttl_minutes)
    set_login_cookie(response, token, settings)
    return Token(access_token=token)


@router.post("/auth/logout", status_code=204)
def logout(session: SessionDep, settings: SettingsDep, response: Response) -> None:
    """Revoke the caller's token (bearer or cookie) and clear the login cookie."""
    token = session.info["token"]
    if token:
        service.revoke_token(session, token, settings.signing_key)
    clear_login_cookie(response, settings)


@router.get("/users/me", response_model=UserPublic)
def me(user: CurrentUser) -> User:
    return user


@router.get("/users", response_model=list[UserPublic])
def list_users(
    session: SessionDep,
    scope: ScopeDep,
    _: User = require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY),
) -> list[User]:
    """Users within the caller's region."""
    return service.list_users(session, scope)


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(
    body: UserCreate,
    session: SessionDep,
    scope: ScopeDep,
    _: User = require_roles(Role.PROVINCE, Role.CITY),
) -> User:
    """Create a user inside the caller's region (province and city administrators)."""
    return service.create_user(session, **body.model_dump(), within=scope)
