"""Helpers of the browser tests."""

from __future__ import annotations


def login_as(page, server_url: str, user: tuple[str, str]) -> None:
    """Log ``page``'s browser context in through the API (the answer sets the cookie)."""
    username, password = user
    r = page.request.post(
        f"{server_url}/api/v1/auth/login", form={"username": username, "password": password}
    )
    assert r.ok, r.text()
