"""Error pages: a browser asking for a page that is missing, or with a bad query, gets an HTML
page in the site's layout and language, not the API's JSON.

"Page or API" is decided by the path: everything outside ``/api/`` and ``/static/`` is a page.
The API keeps its JSON answers (FastAPI's for 404 and 422, :mod:`qingshan.api.errors` for domain
errors) and ``/static/`` misses stay plain 404s. A 422 page names each bad parameter, the value
given, what is wrong with it and what is allowed (the range declared on the route). A 500 page
says that the error was logged and shows no traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException

from qingshan.accounts.security import TOKEN_COOKIE
from qingshan.api.errors import as_domain_error, database_error_handler, domain_error_handler
from qingshan.db.errors import DatabaseError
from qingshan.errors import QingshanError
from qingshan.web.auth import Viewer, get_viewer
from qingshan.web.i18n import LABELS, get_lang, translator
from qingshan.web.render import render

log = logging.getLogger(__name__)

#: path prefixes that are not pages: their errors keep the API's / Starlette's answers
NOT_PAGES = ("/api/", "/static/")


def is_page(request: Request) -> bool:
    """Whether ``request`` asks for a page of the dashboard (not the API, not a static file)."""
    path = request.url.path
    return not any(path.startswith(p) or path == p.rstrip("/") for p in NOT_PAGES)


def install_error_pages(app: FastAPI) -> None:
    """Answer errors of pages with :func:`error_page`; other paths keep their answers.

    Installed after :func:`qingshan.api.errors.install_error_handlers` (it replaces the domain
    error handler with one that delegates to it for the API).
    """

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if not is_page(request):
            return await http_exception_handler(request, exc)
        detail = exc.detail if isinstance(exc.detail, str) else None
        return await error_page(request, exc.status_code, detail=detail, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if not is_page(request):
            return await request_validation_exception_handler(request, exc)
        return await error_page(request, 422, problems=list(_problems(request, exc)))

    @app.exception_handler(QingshanError)
    async def _domain(request: Request, exc: QingshanError) -> Response:
        if not is_page(request):
            return await domain_error_handler(request, exc)
        # a database that failed cannot tell who is logged in
        viewer = not isinstance(exc, DatabaseError)
        return await error_page(request, exc.status_code, detail=exc.message, viewer=viewer)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        if not is_page(request):
            return await database_error_handler(request, exc)
        domain = as_domain_error(request, exc)
        if domain is None:
            raise exc  # a real failure: the 500 handler below answers, and it is logged
        return await error_page(request, domain.status_code, detail=domain.message, viewer=False)

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception) -> Response:
        # Starlette logs the exception with its traceback after this answer
        if not is_page(request):
            return PlainTextResponse("Internal Server Error", status_code=500)
        return await error_page(request, 500, viewer=False)


async def error_page(
    request: Request,
    status: int,
    *,
    detail: str | None = None,
    problems: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
    viewer: bool = True,
) -> Response:
    """The HTML error page for ``status`` in the site's layout and the visitor's language.

    ``detail`` is a message shown under the explanation (a domain error's, or an HTTP error's
    own detail); ``problems`` the bad parameters of a 422; ``viewer=False`` skips reading the
    login (when the database is what failed).
    """
    lang = get_lang(request)
    t = translator(lang)
    family = f"{status // 100}xx"
    title_key = f"error.title.{status}" if f"error.title.{status}" in LABELS else None
    explain_key = f"error.explain.{status}" if f"error.explain.{status}" in LABELS else None
    if detail is not None and detail in (_phrase(status), ""):
        detail = None  # Starlette's default detail is the status phrase: nothing to add
    context = {
        "status": status,
        "error_title": t(title_key or f"error.title.{family}"),
        "explanation": t(explain_key or f"error.explain.{family}").format(path=request.url.path),
        "detail": detail,
        "problems": problems or [],
        "back": _back(request),
    }
    try:
        who = await _viewer(request) if viewer else None
        response = render(request, "error.html", context, viewer=who)
    except Exception:  # the error page must answer even when rendering fails
        log.exception("error page for %s could not be rendered", request.url.path)
        return HTMLResponse(
            f"<!doctype html><title>{status}</title><h1>{status}</h1>"
            '<p><a href="/">青山 Qingshan</a></p>',
            status_code=status,
            headers=headers,
        )
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


async def _viewer(request: Request) -> Viewer | None:
    """The logged-in user for the top bar, or None (also when reading the login fails)."""
    settings = getattr(request.app.state, "settings", None)
    if settings is None or not request.cookies.get(TOKEN_COOKIE):
        return None
    try:
        return await run_in_threadpool(get_viewer, request, settings)
    except Exception:  # an error page shows a visitor rather than fail
        return None


def _back(request: Request) -> str | None:
    """The page the visitor came from (same site only), for the "back" link."""
    referer = request.headers.get("referer")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.url.netloc:
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    back = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if back == str(request.url.path) + _query(request) else back


def _query(request: Request) -> str:
    return f"?{request.url.query}" if request.url.query else ""


# ----------------------------------------------------------------------------- 422 problems

#: pydantic error type → reason label
_REASONS = {
    "missing": "missing",
    "int_parsing": "int",
    "int_from_float": "int",
    "int_type": "int",
    "float_parsing": "number",
    "float_type": "number",
    "decimal_parsing": "number",
    "bool_parsing": "bool",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_type": "date",
    "datetime_parsing": "datetime",
    "datetime_from_date_parsing": "datetime",
    "datetime_type": "datetime",
    "greater_than": "too_small",
    "greater_than_equal": "too_small",
    "less_than": "too_large",
    "less_than_equal": "too_large",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "too_short": "too_short",
    "too_long": "too_long",
    "string_pattern_mismatch": "pattern",
    "enum": "choice",
    "literal_error": "choice",
}


def _problems(request: Request, exc: RequestValidationError) -> Iterator[dict[str, str]]:
    """One row per bad parameter: where, its name, the value given, what is wrong, what is
    allowed (from the route's declaration: ``Query(3, ge=1, le=31)`` → "1 to 31")."""
    t = translator(get_lang(request))
    fields = _declared(request)
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc else ""
        name = ".".join(loc[1:]) or where
        reason = _REASONS.get(error.get("type", ""), "other")
        given = error.get("input")
        yield {
            "where": t(f"error.loc.{where}") if f"error.loc.{where}" in LABELS else where,
            "name": name,
            "given": t("error.none_given") if reason == "missing" or given is None else str(given),
            "problem": t(f"error.reason.{reason}"),
            "allowed": _allowed(fields.get(name), error, t),
            "message": str(error.get("msg", "")),
        }


def _declared(request: Request) -> dict[str, Any]:
    """The route's declared parameters by name (its own and its dependencies')."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    out: dict[str, Any] = {}
    stack = [dependant] if dependant is not None else []
    while stack:
        d = stack.pop()
        for group in ("path_params", "query_params", "header_params", "cookie_params"):
            for field in getattr(d, group, ()):
                out.setdefault(field.alias, field)
        stack.extend(getattr(d, "dependencies", ()))
    return out


def _allowed(field: Any, error: dict[str, Any], t: Any) -> str:
    """What the parameter accepts, e.g. "1 to 31", "≥ 0", "a, b" or the pattern; '' if open."""
    bounds: dict[str, Any] = {}
    pattern = None
    for meta in getattr(getattr(field, "field_info", None), "metadata", ()):
        for key in ("ge", "gt", "le", "lt", "min_length", "max_length"):
            value = getattr(meta, key, None)
            if value is not None:
                bounds[key] = value
        pattern = getattr(meta, "pattern", None) or pattern
    ctx = error.get("ctx") or {}
    for key in ("ge", "gt", "le", "lt"):
        if key in ctx:
            bounds.setdefault(key, ctx[key])
    lo = bounds.get("ge", bounds.get("gt"))
    hi = bounds.get("le", bounds.get("lt"))
    if "ge" in bounds and "le" in bounds:
        return t("error.range").format(lo=lo, hi=hi)
    parts = []
    if lo is not None:
        parts.append(f"{'≥' if 'ge' in bounds else '>'} {lo}")
    if hi is not None:
        parts.append(f"{'≤' if 'le' in bounds else '<'} {hi}")
    if parts:
        return ", ".join(parts)
    if "expected" in ctx:
        return str(ctx["expected"])
    if pattern:
        return str(pattern)
    return ""
