"""A local OpenID Connect provider for the tests: a small Starlette app served by uvicorn on a
free port in a thread.

It publishes a discovery document and a JWKS (an RSA key made here), auto-approves the
configured user at ``/authorize`` (redirecting back with a code and the state) and answers
``/token`` with an RS256-signed ID token after checking the client's secret (HTTP Basic), the
code (single use), the redirect URI and the PKCE verifier (S256). Attributes of
:class:`LocalProvider` make it misbehave on purpose: another signing key, another nonce,
another state, an expired token, another issuer in its discovery document.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "qingshan-test"
CLIENT_SECRET = "qingshan-test-secret-0123456789"
KEY_ID = "test-key-1"


@dataclass
class LocalProvider:
    """The provider's state and its deliberate faults (reset by :meth:`reset`)."""

    key: RSAKey
    other_key: RSAKey  # same key id, another key: a forged signature
    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=dict)
    sign_with_other_key: bool = False
    nonce: str | None = None  # None: the nonce of the request
    state: str | None = None  # None: the state of the request
    expires_in: int = 300  # [s] from now; negative: expired
    discovery_issuer: str | None = None  # None: the real issuer
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0

    def reset(self, **claims: Any) -> None:
        self.claims = dict(claims)
        self.sign_with_other_key = False
        self.nonce = self.state = self.discovery_issuer = None
        self.expires_in = 300
        self.codes.clear()
        self.token_requests = 0

    # --------------------------------------------------------------------------- endpoints

    async def discovery(self, request: Request) -> Response:
        base = self.issuer
        return JSONResponse(
            {
                "issuer": self.discovery_issuer or base,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        problems = [
            name
            for name, ok in (
                ("response_type", q.get("response_type") == "code"),
                ("client_id", q.get("client_id") == CLIENT_ID),
                ("scope", "openid" in q.get("scope", "").split()),
                ("code_challenge_method", q.get("code_challenge_method") == "S256"),
                ("code_challenge", bool(q.get("code_challenge"))),
                ("redirect_uri", bool(q.get("redirect_uri"))),
                ("state", bool(q.get("state"))),
                ("nonce", bool(q.get("nonce"))),
            )
            if not ok
        ]
        if problems:
            return JSONResponse({"error": "invalid_request", "bad": problems}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "redirect_uri": q["redirect_uri"],
            "challenge": q["code_challenge"],
            "nonce": q["nonce"],
        }
        back = urlencode({"code": code, "state": self.state or q["state"]})
        return RedirectResponse(f"{q['redirect_uri']}?{back}", status_code=302)

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        form = await request.form()
        grant = self.codes.pop(str(form.get("code")), None)
        if form.get("grant_type") != "authorization_code" or grant is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant", "bad": "redirect_uri"}, 400)
        verifier = str(form.get("code_verifier", ""))
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "bad": "code_verifier"}, 400)
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + self.expires_in,
            "nonce": self.nonce or grant["nonce"],
            **self.claims,
        }
        key = self.other_key if self.sign_with_other_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            }
        )

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
            ]
        )


def make_keys() -> tuple[RSAKey, RSAKey]:
    """The provider's signing key and another with the same key id."""
    return (
        RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"}),
        RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"}),
    )


@contextmanager
def serve_provider() -> Iterator[LocalProvider]:
    """A :class:`LocalProvider` served on 127.0.0.1 at a free port (its ``issuer``)."""
    key, other = make_keys()
    provider = LocalProvider(key=key, other_key=other)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    provider.issuer = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(provider.app(), lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local OpenID Connect provider did not start")
            time.sleep(0.01)
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
