"""Security headers on every response (pages, API, static files), as a plain ASGI middleware.

The Content-Security-Policy admits scripts, styles, fonts, images and connections from this
site only. Pages carry their configuration in ``<script type="application/json">`` (data, not
executed, so CSP allows it) and run no inline script. Inline *styles* are allowed
(``'unsafe-inline'`` in ``style-src`` only): ECharts, Swagger UI and Redoc set them, and a style
cannot run code. The API documentation pages (FastAPI's Swagger UI page) start with one inline
script: those fixed pages, and only they, get the SHA-256 of their inline scripts added.

HSTS is sent only when the site is served over HTTPS (``Settings.secure_cookie``: on unless
demo mode or ``QINGSHAN_COOKIE_SECURE=0``), with ``max-age`` = ``QINGSHAN_HSTS_SECONDS``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

_INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S
)


def _script_hashes(html: bytes) -> list[str]:
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def csp_with_hashes(html: bytes) -> str:
    """:data:`CSP` admitting the inline scripts of ``html`` (for fixed pages only)."""
    hashes = _script_hashes(html)
    if not hashes:
        return CSP
    return CSP.replace("script-src 'self'", "script-src 'self' " + " ".join(hashes))


class SecurityHeaders:
    """Add the security headers to every HTTP response that does not set them itself.

    ``fixed_pages``: paths of pages without any request data in them whose inline scripts are
    admitted by hash (the API documentation).
    """

    def __init__(
        self, app: ASGIApp, *, hsts_seconds: int = 0, fixed_pages: Iterable[str] = ()
    ) -> None:
        self.app = app
        self.fixed_pages = frozenset(fixed_pages)
        headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
            (b"x-content-type-options", b"nosniff"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if hsts_seconds > 0:
            headers.append((b"strict-transport-security", f"max-age={hsts_seconds}".encode()))
        self.headers = headers

    def _add(self, message: Message, csp: str | None = None) -> None:
        raw = list(message.get("headers", []))
        present = {k.lower() for k, _ in raw}
        for key, value in self.headers:
            if key not in present:
                if key == b"content-security-policy" and csp is not None:
                    value = csp.encode()
                raw.append((key, value))
        message["headers"] = raw

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") not in self.fixed_pages:

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    self._add(message)
                await send(message)

            await self.app(scope, receive, send_with_headers)
            return

        # a fixed page: hold the answer back to hash its inline scripts
        start: Message | None = None
        body = b""

        async def buffer(message: Message) -> None:
            nonlocal start, body
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                body += message.get("body", b"")
                if message.get("more_body", False):
                    return
                assert start is not None
                self._add(start, csp_with_hashes(body))
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, buffer)
