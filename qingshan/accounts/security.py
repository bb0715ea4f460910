"""Password hashing (Argon2id) and signed access tokens (JWT, HS256)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qingshan.accounts.errors import InvalidToken
from qingshan.timeutil import utcnow

#: the HttpOnly cookie that carries the access token (set by ``POST /api/v1/auth/login``, read
#: by the API's dependencies and by the pages)
TOKEN_COOKIE = "qingshan_token"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_dummy(password: str) -> bool:
    """Verify ``password`` against a hash no one knows: an unknown username costs the same
    time as a known one (no enumeration by timing). Always False."""
    verify_password(password, _dummy_hash())
    return False


@dataclass(frozen=True)
class TokenClaims:
    username: str
    jti: str
    expires_at: datetime


def create_token(username: str, key: str, ttl: timedelta) -> str:
    """A signed token for ``username`` with an expiry and a unique id (``jti``, revocable)."""
    now = utcnow()
    claims = {"sub": username, "iat": now, "exp": now + ttl, "jti": secrets.token_urlsafe(16)}
    return jwt.encode(claims, key, algorithm="HS256")


def read_token_claims(token: str, key: str) -> TokenClaims:
    """The claims of a token; :class:`InvalidToken` if forged, expired, or lacking ``exp``,
    ``sub`` or ``jti``."""
    try:
        claims = jwt.decode(
            token, key, algorithms=["HS256"], options={"require": ["exp", "sub", "jti"]}
        )
        return TokenClaims(
            username=str(claims["sub"]),
            jti=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired: log in again") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid token: {exc}") from exc


def read_token(token: str, key: str) -> str:
    """The username a token was issued to; :class:`InvalidToken` if forged or expired."""
    return read_token_claims(token, key).username
