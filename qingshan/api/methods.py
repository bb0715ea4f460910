"""``405 Method Not Allowed`` answers list every method the path supports (RFC 9110 §15.5.6).

Starlette answers with the methods of the first route whose path matches, so ``OPTIONS
/api/v1/users`` said ``Allow: GET`` although ``POST`` is served too. This middleware rewrites the
``Allow`` header of a 405 on an API path with the methods the OpenAPI schema documents for it;
the body is left as it is.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PARAM = re.compile(r"\\\{[^/]+?\\\}")

_Paths = tuple[tuple[re.Pattern[str], frozenset[str]], ...]
# Per app, held weakly: an ``lru_cache`` keyed by the app kept up to four dropped apps alive,
# each with its routes, validators and OpenAPI schema (~50k objects), for the process's life.
_PATHS: WeakKeyDictionary[FastAPI, _Paths] = WeakKeyDictionary()


def _paths(app: FastAPI) -> _Paths:
    """(path pattern, methods) of every documented path of ``app``."""
    if (cached := _PATHS.get(app)) is not None:
        return cached
    out = []
    for path, item in app.openapi()["paths"].items():
        pattern = re.compile("^" + _PARAM.sub("[^/]+", re.escape(path)) + "$")
        out.append((pattern, frozenset(m.upper() for m in item)))
    _PATHS[app] = paths = tuple(out)
    return paths


def allowed_methods(app: FastAPI, path: str) -> frozenset[str]:
    """The methods documented for ``path`` (empty when it is not an API path), of the most
    specific documented path it matches: ``/cases/handover`` is that literal path's, not
    ``/cases/{case_id}``'s."""
    matches = [(pattern, methods) for pattern, methods in _paths(app) if pattern.match(path)]
    if not matches:
        return frozenset()
    return min(matches, key=lambda m: m[0].pattern.count("[^/]+"))[1]


class AllowHeaderMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allowed = allowed_methods(scope["app"], scope["path"])
                if allowed:
                    headers = [
                        (k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"
                    ]
                    value = ", ".join(sorted(allowed)).encode()
                    message = {**message, "headers": [*headers, (b"allow", value)]}
            await send(message)

        await self.app(scope, receive, send_with_allow)
