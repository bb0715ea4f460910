"""The one place domain errors become HTTP responses: ``{"error": type, "detail": message,
"context": {...}}`` with the error's ``status_code``.

SQLAlchemy's error of a database without its tables (never migrated, or at an older revision)
is mapped here too, to :class:`qingshan.db.errors.DatabaseNotReady`: a 503 that says what to
run. Any other database error stays a 500 (a bug, logged with its traceback).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError

from qingshan.db.errors import not_ready_error
from qingshan.errors import QingshanError


def _jsonable(value: object) -> object:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


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
    if domain is None:
        raise exc  # a real database failure: a 500, with its traceback in the log
    return domain_error_response(domain)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(QingshanError, domain_error_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
