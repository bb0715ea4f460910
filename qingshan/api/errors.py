"""The one place domain errors become HTTP responses: ``{"error": type, "detail": message,
"context": {...}}`` with the error's ``status_code``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from qingshan.errors import QingshanError


def _jsonable(value: object) -> object:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QingshanError)
    async def _domain_error(_request: Request, exc: QingshanError) -> JSONResponse:
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
