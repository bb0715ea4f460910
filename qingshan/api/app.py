"""The FastAPI application factory. Nothing is built at import time: call :func:`create_app`.

Each domain contributes a router in ``qingshan/<domain>/api.py`` (an ``APIRouter`` named
``router``), listed in :data:`ROUTERS`; they are mounted under ``/api/v1``. Dashboard pages come
from :mod:`qingshan.web`.
"""

from __future__ import annotations

import importlib
from contextlib import asynccontextmanager

from fastapi import FastAPI

from qingshan import __version__
from qingshan.config import Settings, get_settings

API_PREFIX = "/api/v1"

#: modules exposing ``router``; mounted under /api/v1 in this order
ROUTERS: list[str] = [
    "qingshan.api.health",
    "qingshan.accounts.api",
    "qingshan.geo.api",
    "qingshan.monitoring.api",
    "qingshan.monitoring.water_api",
    "qingshan.hj212.api",
    "qingshan.standards.api",
    "qingshan.qc.api",
    "qingshan.archive.api",
]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the platform's web application (API + dashboard) for ``settings``."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from qingshan.api.runtime import start_runtime

        async with start_runtime(app, settings):
            yield

    app = FastAPI(
        title="青山 Qingshan API",
        version=__version__,
        description="生态环境保护综合协同管理平台 API",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        lifespan=lifespan,
    )
    app.state.settings = settings
    from qingshan.api.errors import install_error_handlers

    install_error_handlers(app)
    for module in ROUTERS:
        app.include_router(importlib.import_module(module).router, prefix=API_PREFIX)
    from qingshan.web.routes import mount_web

    mount_web(app)
    return app
