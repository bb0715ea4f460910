"""The one place domain errors become HTTP responses: ``{"error": type, "detail": message,
"context": {...}}`` with the error's ``status_code``.

SQLAlchemy's error of a database without its tables (never migrated, or at an older revision)
is mapped here too, to :class:`qingshan.db.errors.DatabaseNotReady`: a 503 that says what to
run. A value the database cannot hold (PostgreSQL's DataError: a number out of range, a string
longer than its column, a NUL byte; SQLite's integer overflow) is the caller's bad input, a 422
:class:`ValueOutOfRange` — a last line behind the bounded types of :mod:`qingshan.api.limits`.
Any other database error stays a 500 (a bug, logged with its traceback).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError

from qingshan.db.errors import not_ready_error
from qingshan.errors import QingshanError

_SQLITE_OVERFLOW = "too large to convert to SQLite INTEGER"


class ValueOutOfRange(QingshanError):
    """A value in the request that the database cannot store or compare."""

    status_code = 422


def _jsonable(value: object) -> object:
    """``value`` as JSON: lists (of the rows a refusal names, say) and mappings stay lists and
    objects, a number that JSON cannot write and anything else become text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)


def domain_error_response(exc: QingshanError) -> JSONResponse:
    """The JSON answer to a domain error."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse(
        status_code=exc.status_code,
        content={
            "error": type(exc).__name__,
            "detail": exc.message,
            "context": {k: _jsonable(v) for k, v in exc.context.items()},
        },
        headers=headers,
    )


def as_domain_error(request: Request, exc: DBAPIError) -> QingshanError | None:
    """The domain error a database error means (a database without its tables), or None."""
    settings = getattr(request.app.state, "settings", None)
    return not_ready_error(exc, getattr(settings, "db_url", None))


async def domain_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QingshanError)
    return domain_error_response(exc)


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    domain = as_domain_error(request, exc)
    if domain is None and isinstance(exc, DataError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "bad value"
        domain = ValueOutOfRange(
            f"a value in the request cannot be stored: {reason}", reason=reason
        )
    if domain is None:
        raise exc  # a real database failure: a 500, with its traceback in the log
    return domain_error_response(domain)


async def overflow_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OverflowError)
    if _SQLITE_OVERFLOW not in str(exc):
        raise exc  # not the database's: a bug
    return domain_error_response(
        ValueOutOfRange("a number in the request is out of range (at most 2^63 - 1)")
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(QingshanError, domain_error_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
    app.add_exception_handler(OverflowError, overflow_handler)
