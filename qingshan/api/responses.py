"""The error answers every operation may give, documented in the OpenAPI schema.

Every domain error is answered by :func:`qingshan.api.errors.domain_error_response` as
:class:`ErrorBody`; FastAPI's own request validation answers 422 with ``HTTPValidationError``.
:data:`ERROR_RESPONSES` is given to every router by the registry
(:func:`qingshan.platform.app.create_app`), so a client generated from the schema knows them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["ErrorBody", "ERROR_RESPONSES"]


class ErrorBody(BaseModel):
    """A domain error: its type, a message naming what is wrong, and its context."""

    error: str = Field(description="the error's type, e.g. NotFound, OutOfScope")
    detail: str = Field(description="what is wrong, in one sentence")
    context: dict[str, Any] = Field(description="the values the message names")


class DetailBody(BaseModel):
    """An HTTP error of the framework itself (a body that cannot be parsed, a wrong method)."""

    detail: str


class ValidationProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationBody(BaseModel):
    """FastAPI's answer to a request that does not match the operation's parameters."""

    detail: list[ValidationProblem]


#: status → description of the error answers common to every operation
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody | DetailBody, "description": "a request that cannot be read"},
    401: {"model": ErrorBody | DetailBody, "description": "not logged in, or the token is invalid"},
    403: {"model": ErrorBody | DetailBody, "description": "the role or scope does not allow it"},
    404: {"model": ErrorBody | DetailBody, "description": "not found (or out of the scope)"},
    409: {"model": ErrorBody, "description": "conflicts with what is stored"},
    413: {"model": ErrorBody | DetailBody, "description": "the request is larger than allowed"},
    422: {
        "model": ErrorBody | ValidationBody,
        "description": "a parameter or body the domain's rules refuse",
    },
    429: {"model": ErrorBody | DetailBody, "description": "too many requests: try again later"},
    503: {"model": ErrorBody, "description": "the database is unreachable or not set up"},
}
