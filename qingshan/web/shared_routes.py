"""Routers included once per process, their routes shared by every application built.

FastAPI (≥ 0.16x) prepares an included route's models and dependencies lazily, on the first request
that reaches it, and keeps them on the included router object. An application that includes its
routers afresh repeats that work (about 5 ms a route, 500 routes) on its first request; a process
that builds many applications — the test suite builds one per test — pays it every time. The
routers here are included into one holder per list, once, and each application takes the holder's
routes, so the work is done once per process.

The routes are included with no ``dependency_overrides_provider``: the platform overrides no
dependency (``app.dependency_overrides`` is not used). Routers with their own startup or shutdown
handlers or lifespan are refused (the holder would drop them).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

__all__ = ["add_shared_routes", "shared_openapi"]

_lock = threading.Lock()
#: (prefix, id of responses, ids of the routers) → (the included routes, the routers: kept alive
#: so that their ids stay theirs)
_included: dict[tuple[Any, ...], tuple[list[BaseRoute], tuple[APIRouter, ...]]] = {}
#: (title, version, the keys of the shared routes) → the OpenAPI document
_schemas: dict[tuple[Any, ...], dict[str, Any]] = {}


def add_shared_routes(
    app: FastAPI,
    routers: Sequence[APIRouter],
    *,
    prefix: str = "",
    responses: dict[int | str, dict[str, Any]] | None = None,
) -> None:
    """Add ``routers`` to ``app`` with ``prefix`` and ``responses``, as ``app.include_router``
    would, sharing the included routes (and their prepared state) with every other application
    of the process that adds the same routers."""
    key = (prefix, id(responses), *(id(r) for r in routers))
    with _lock:
        if key not in _included:
            holder = APIRouter()
            for router in routers:
                if router.on_startup or router.on_shutdown:
                    raise ValueError(f"router {router!r} has startup or shutdown handlers")
                holder.include_router(router, prefix=prefix, responses=responses)
            _included[key] = (list(holder.routes), tuple(routers))
        routes = _included[key][0]
    app.router.routes.extend(routes)
    app.state.shared_route_keys = (*getattr(app.state, "shared_route_keys", ()), key)


def shared_openapi(app: FastAPI) -> dict[str, Any]:
    """``app``'s OpenAPI document, generated once per process for the applications that share
    the same routes (its generation takes seconds). An application's own routes (added by
    ``app.get`` and the like, not shared) must be left out of the schema
    (``include_in_schema=False``): the document is the first such application's."""
    if app.openapi_schema is None:
        key = (app.title, app.version, *getattr(app.state, "shared_route_keys", ()))
        with _lock:
            if key not in _schemas:
                _schemas[key] = FastAPI.openapi(app)
            app.openapi_schema = _schemas[key]
    return app.openapi_schema
