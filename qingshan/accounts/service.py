"""Account rules: create users, authenticate, issue and read tokens. Functions take a session."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.errors import AccountError, AuthenticationFailed, DuplicateUser
from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.accounts.security import create_token, hash_password, read_token, verify_password
from qingshan.geo.regions import scope_prefix

MIN_PASSWORD_LENGTH = 8

#: the role a region level allows
_ROLE_REGION_LEVEL = {Role.PROVINCE: "province", Role.CITY: "city", Role.COUNTY: "county"}


def _check_role_region(role: Role, region_code: str) -> None:
    prefix_len = len(scope_prefix(region_code))
    level = {2: "province", 4: "city", 6: "county"}[prefix_len]
    expected = _ROLE_REGION_LEVEL.get(role)
    if expected is not None and expected != level:
        raise AccountError(
            f"role {role.value} needs a {expected}-level region code, got {region_code} ({level})"
        )


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    region_code: str,
    *,
    enterprise_id: int | None = None,
    display_name: str = "",
    within: Scope | None = None,
) -> User:
    """Create a user; the password is stored only as an Argon2 hash. With ``within`` (the
    creator's scope) the user's region must lie inside it (:class:`OutOfScope` otherwise)."""
    if within is not None:
        within.check_region(region_code)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    _check_role_region(role, region_code)
    if (role is Role.ENTERPRISE) != (enterprise_id is not None):
        raise AccountError("enterprise users need an enterprise_id, and only they may have one")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DuplicateUser(f"user {username!r} already exists", username=username)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        region_code=region_code,
        enterprise_id=enterprise_id,
        display_name=display_name or username,
    )
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, scope: Scope) -> list[User]:
    """The users of ``scope``'s region, by id."""
    return list(
        session.scalars(select(User).where(scope.where(User.region_code)).order_by(User.id))
    )


def authenticate(session: Session, username: str, password: str) -> User:
    """The user with these credentials; one message for unknown user and wrong password."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(password, user.password_hash):
        raise AuthenticationFailed("wrong username or password")
    return user


def issue_token(user: User, key: str, ttl_minutes: int) -> str:
    return create_token(user.username, key, timedelta(minutes=ttl_minutes))


def user_for_token(session: Session, token: str, key: str) -> User:
    """The active user a token was issued to: the one reading of a token, shared by the API
    (bearer token or cookie) and the pages (cookie).

    Raises :class:`~qingshan.accounts.errors.InvalidToken` when the token is forged or expired
    and :class:`~qingshan.accounts.errors.AuthenticationFailed` when its account no longer exists
    or is disabled.
    """
    username = read_token(token, key)
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise AuthenticationFailed(f"account {username!r} no longer exists or is disabled")
    return user


def scope_of(user: User) -> Scope:
    return Scope(
        region_code=user.region_code,
        role=user.role,
        enterprise_id=user.enterprise_id,
        username=user.username,
    )
