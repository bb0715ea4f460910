"""Account rules: create users, authenticate, issue and read tokens. Functions take a session."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from qingshan.accounts.errors import (
    AccountError,
    AuthenticationFailed,
    DuplicateUser,
    InvalidToken,
    TooManyAttempts,
)
from qingshan.accounts.models import RevokedToken, Role, User, UserEnterprise
from qingshan.accounts.scope import Scope
from qingshan.accounts.security import (
    create_token,
    hash_password,
    read_token_claims,
    verify_dummy,
    verify_password,
)
from qingshan.accounts.throttle import LoginGuard
from qingshan.audit.log import record_event
from qingshan.geo.regions import scope_prefix
from qingshan.timeutil import utcnow

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
    check_password(password, username)
    _check_role_region(role, region_code)
    if (role is Role.ENTERPRISE) != (enterprise_id is not None):
        raise AccountError("enterprise users need an enterprise_id, and only they may have one")
    if _find_user(session, username) is not None:
        raise DuplicateUser(f"user {username!r} already exists", username=username)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        region_code=region_code,
        enterprise_id=enterprise_id,
        display_name=display_name or username,
    )
    if enterprise_id is not None:
        user.enterprise_links.append(UserEnterprise(enterprise_id=enterprise_id))
    session.add(user)
    session.flush()
    return user


def link_enterprise(session: Session, user: User, enterprise_id: int) -> User:
    """Let the enterprise user ``user`` act for ``enterprise_id`` too (idempotent)."""
    if user.role is not Role.ENTERPRISE:
        raise AccountError(f"{user.username} is not an enterprise user: only they act for one")
    if enterprise_id not in {link.enterprise_id for link in user.enterprise_links}:
        user.enterprise_links.append(UserEnterprise(enterprise_id=enterprise_id))
        session.flush()
    return user


def check_password(password: str, username: str) -> None:
    """The password policy: at least :data:`MIN_PASSWORD_LENGTH` characters, not only
    whitespace, not the username (whatever its case)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if not password.strip():
        raise AccountError("password must not be only spaces")
    if password.strip().lower() == username.strip().lower():
        raise AccountError("password must not be the username")


def _find_user(session: Session, username: str) -> User | None:
    """The user named ``username`` whatever its case (usernames are unique case-insensitively)."""
    return session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def list_users(session: Session, scope: Scope) -> list[User]:
    """The users of ``scope``'s region, by id."""
    return list(
        session.scalars(select(User).where(scope.where(User.region_code)).order_by(User.id))
    )


def authenticate(session: Session, username: str, password: str) -> User:
    """The user with these credentials; one message and the same time (an Argon2 check
    against a dummy hash) for unknown user and wrong password."""
    user = _find_user(session, username)
    if user is None:
        verify_dummy(password)
        raise AuthenticationFailed("wrong username or password")
    if not verify_password(password, user.password_hash) or not user.active:
        raise AuthenticationFailed("wrong username or password")
    return user


def login(session: Session, guard: LoginGuard, username: str, password: str, address: str) -> User:
    """A login attempt from ``address``: failures rate-limited and locked out by ``guard``, audited
    (``login`` or ``login_failed``, whether refused by the guard or by the credentials).

    A failed attempt's audit row is committed before the error is raised, so the caller's
    rollback does not erase it.
    """
    try:
        guard.check(username, address)
        user = authenticate(session, username, password)
    except (AuthenticationFailed, TooManyAttempts) as exc:
        if isinstance(exc, AuthenticationFailed):
            guard.failed(username, address)
        record_event(
            session,
            "login_failed",
            "app_user",
            username,
            actor=username or "anonymous",
            detail={"address": address, "reason": type(exc).__name__},
        )
        session.commit()
        raise
    guard.succeeded(username)
    record_event(
        session,
        "login",
        "app_user",
        str(user.id),
        actor=user.username,
        detail={"address": address},
    )
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
    claims = read_token_claims(token, key)
    if session.get(RevokedToken, claims.jti) is not None:
        raise InvalidToken("token revoked (logged out): log in again")
    user = session.scalar(select(User).where(User.username == claims.username))
    if user is None or not user.active:
        raise AuthenticationFailed(f"account {claims.username!r} no longer exists or is disabled")
    return user


def revoke_token(session: Session, token: str, key: str) -> None:
    """Log out: refuse ``token`` from now on (until it expires; expired revocations are
    dropped here). A forged or expired token is ignored: there is nothing to revoke."""
    try:
        claims = read_token_claims(token, key)
    except InvalidToken:
        return
    session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if session.get(RevokedToken, claims.jti) is None:
        session.add(
            RevokedToken(jti=claims.jti, username=claims.username, expires_at=claims.expires_at)
        )
        record_event(session, "logout", "app_user", claims.username, actor=claims.username)
    session.flush()


def scope_of(user: User) -> Scope:
    return Scope(
        region_code=user.region_code,
        role=user.role,
        enterprise_id=user.enterprise_id,
        username=user.username,
        enterprise_ids=user.enterprise_ids,
    )
