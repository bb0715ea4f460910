"""Bounds on what a request may ask of the platform (issue 9): a request body size limit
(middleware) and the bounded types routes and schemas share, so that a value the database or
the calendar cannot hold is refused at the edge with a 422 naming it, never a 500.

- :data:`Id` / :data:`Offset`: integers that fit their database column (32-bit ids, 64-bit
  offsets);
- :data:`AwareTime`: a datetime with a timezone and a year within :data:`MIN_YEAR`–:data:`MAX_YEAR`
  (:data:`Time` allows a naive one, read as China Standard Time by the route);
- :data:`NoNul` with a ``max_length``: a string without NUL bytes and no longer than its column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qingshan.geo.regions import REGIONS

MAX_INT64 = 2**63 - 1
#: ids are INTEGER columns: 32 bits on PostgreSQL
MAX_ID = 2**31 - 1
#: the years a measurement, a mark or a query range may fall in
MIN_YEAR, MAX_YEAR = 1900, 2200

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="a database id")]
#: a GB/T 2260 code of Zhejiang's province, cities or counties: the schema lists them
if TYPE_CHECKING:
    RegionCode: TypeAlias = str
else:
    RegionCode = Literal[tuple(REGIONS)]
Offset = Annotated[int, Field(ge=0, le=MAX_INT64)]


def _year_in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs a timezone (e.g. 2026-03-01T10:00:00+08:00 or …Z)")
    return value


_YEARS_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-"
_YEARS_RE = re.compile(_YEARS_PATTERN)


def _iso_text(value: object) -> object:
    """Text as ISO 8601 writes it (``2026-03-01…``), not a number of seconds or days since
    1970 (which pydantic would otherwise read: ``time=0.5`` was 1970-01-01T00:00:00Z)."""
    if isinstance(value, str | bytes):
        text = value.decode() if isinstance(value, bytes) else value
        if not _YEARS_RE.match(text):
            raise ValueError("an ISO 8601 date or time with a year 1900–2200, e.g. 2026-03-01")
    elif isinstance(value, int | float):
        raise ValueError("an ISO 8601 date or time, not a number")
    return value


#: the schema's readers learn the calendar's years (1900–2200) from this pattern
_YEARS = Field(json_schema_extra={"pattern": _YEARS_PATTERN})
#: a datetime of the platform's calendar, naive allowed (the route says how it is read)
Time = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_year_in_range), _YEARS]
#: a datetime with a timezone, within the platform's calendar
AwareTime = Annotated[
    datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_aware),
    AfterValidator(_year_in_range),
    _YEARS,
]
#: a calendar day of the platform's years (YYYY-MM-DD; the route says in which time zone)
Day = Annotated[date, BeforeValidator(_iso_text), AfterValidator(_year_in_range), _YEARS]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain a NUL byte")
    return value


#: add to a string type: no NUL byte (PostgreSQL's text cannot hold one)
NoNul = AfterValidator(_no_nul)


#: a site code (``site.code`` is 32 characters)
SiteCode = Annotated[str, StringConstraints(min_length=1, max_length=32), AfterValidator(_no_nul)]


def _too_large_detail(max_bytes: int, setting: str = "max_request_bytes") -> str:
    return (
        f"the request body is larger than the limit of {max_bytes} bytes "
        f"(setting QINGSHAN_{setting.upper()})"
    )


class BodySizeLimit:
    """Refuse a request whose body is larger than ``max_bytes`` with a 413, by its
    Content-Length at once and by counting what arrives otherwise (chunked bodies).

    ``larger``: (path pattern, limit) pairs for routes that take files (an evidence upload):
    a path matching a pattern gets that limit instead (its own setting names it)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        larger: Sequence[tuple[str, int, str]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = [(re.compile(p), n, setting) for p, n, setting in larger]

    def _limit(self, path: str) -> tuple[int, str]:
        for pattern, n, setting in self.larger:
            if pattern.fullmatch(path):
                return n, setting
        return self.max_bytes, "max_request_bytes"

    def _too_large(self, limit: int, setting: str) -> JSONResponse:
        return JSONResponse(
            status_code=413,
            content={
                "error": "RequestTooLarge",
                "detail": _too_large_detail(limit, setting),
                "context": {"limit": limit, "setting": setting},
            },
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self._limit(scope.get("path", ""))
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._too_large(limit, setting)(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge(limit, setting)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except _BodyTooLarge:
            if started:
                raise
            await self._too_large(limit, setting)(scope, receive, send)


class _BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a streamed body passes the limit (FastAPI lets an
    HTTPException through its body parsing)."""

    def __init__(self, max_bytes: int, setting: str = "max_request_bytes") -> None:
        super().__init__(413, _too_large_detail(max_bytes, setting))
