"""Mounting the dashboard on an application: static assets, login, the pages and navigation the
registry (:mod:`qingshan.platform.app`) lists. Names no domain."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from qingshan.web import login
from qingshan.web.errors import install_error_pages
from qingshan.web.render import STATIC_DIR, NavGroup
from qingshan.web.security import SecurityHeaders
from qingshan.web.shared_routes import add_shared_routes

#: the API documentation pages (fixed documents whose inline start-up script CSP admits by hash)
DOC_PAGES = ("/api/v1/docs", "/api/v1/docs/oauth2-redirect")


def mount_web(app: FastAPI, pages: Sequence[APIRouter], nav: Sequence[NavGroup]) -> None:
    """Mount /static, /login and /logout, the page routers ``pages`` and the top navigation's
    menus ``nav`` (read by :func:`qingshan.web.render.render`) on ``app``, and the HTML error pages of
    the pages (:mod:`qingshan.web.errors`; the API keeps its JSON errors), and the security
    headers of every response (:mod:`qingshan.web.security`)."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.state.nav = tuple(nav)
    settings = app.state.settings
    app.add_middleware(
        SecurityHeaders,
        hsts_seconds=settings.hsts_seconds if settings.secure_cookie else 0,
        fixed_pages=DOC_PAGES,
    )
    login.install_login_redirect(app)
    install_error_pages(app)
    add_shared_routes(app, (login.router, *pages))
