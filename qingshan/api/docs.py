"""The API's documentation pages: ``/api/v1/docs`` (Swagger UI) and ``/api/v1/redoc`` (Redoc).

FastAPI's own pages load their scripts and styles from a CDN, so on a machine without internet
they are blank. These load them from the package, ``qingshan/web/static/vendor/swagger-ui`` and
``…/vendor/redoc`` (unmodified npm releases with their licences, see the ``VERSION.txt`` beside
them), served under ``/static`` by :func:`qingshan.web.site.mount_web`; no page here asks another
host for anything (no web fonts, no validator badge).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse

VENDOR = "/static/vendor"
SWAGGER_JS = f"{VENDOR}/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = f"{VENDOR}/swagger-ui/swagger-ui.css"
REDOC_JS = f"{VENDOR}/redoc/redoc.standalone.js"
FAVICON = "/static/favicon.svg"


def install_docs(app: FastAPI, prefix: str) -> None:
    """Add ``{prefix}/docs`` (with its OAuth2 redirect page) and ``{prefix}/redoc`` to ``app``.

    ``app`` is made with ``docs_url=None, redoc_url=None`` (FastAPI's CDN pages off) and an
    ``openapi_url``; the assets are the package's own, under ``/static``. The endpoints read
    the app from the request, never from this closure: FastAPI caches facts about endpoint
    functions in module-level LRU caches, so an endpoint holding ``app`` would keep every app
    ever built (and its ~50k objects) alive.
    """
    docs_url, redoc_url = f"{prefix}/docs", f"{prefix}/redoc"
    oauth2_redirect_url = f"{docs_url}/oauth2-redirect"

    def openapi_url(request: Request) -> str:
        return request.scope.get("root_path", "").rstrip("/") + (request.app.openapi_url or "")

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root, app = request.scope.get("root_path", "").rstrip("/"), request.app
        return get_swagger_ui_html(
            openapi_url=openapi_url(request),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=root + SWAGGER_JS,
            swagger_css_url=root + SWAGGER_CSS,
            swagger_favicon_url=root + FAVICON,
            oauth2_redirect_url=root + oauth2_redirect_url,
            init_oauth=app.swagger_ui_init_oauth,
            # validatorUrl None: no badge fetched from validator.swagger.io
            swagger_ui_parameters={"validatorUrl": None} | (app.swagger_ui_parameters or {}),
        )

    @app.get(oauth2_redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(redoc_url, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        title = request.app.title
        return get_redoc_html(
            openapi_url=openapi_url(request),
            title=f"{title} - ReDoc",
            redoc_js_url=root + REDOC_JS,
            redoc_favicon_url=root + FAVICON,
            with_google_fonts=False,
        )
