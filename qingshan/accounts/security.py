"""Password hashing (Argon2id) and signed access tokens (JWT, HS256)."""

from __future__ import annotations

from datetime import timedelta

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


def create_token(username: str, key: str, ttl: timedelta) -> str:
    now = utcnow()
    return jwt.encode({"sub": username, "iat": now, "exp": now + ttl}, key, algorithm="HS256")


def read_token(token: str, key: str) -> str:
    """The username a token was issued to; :class:`InvalidToken` if forged or expired."""
    try:
        return jwt.decode(token, key, algorithms=["HS256"])["sub"]
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("token expired: log in again") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"invalid token: {exc}") from exc
