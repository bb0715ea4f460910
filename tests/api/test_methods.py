"""A 405 lists every method the path serves (RFC 9110 §15.5.6), not only the first route's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qingshan.platform.app import create_app


@pytest.fixture
def client(app_settings):
    return TestClient(create_app(app_settings))


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/api/v1/users", "GET, POST"),
        ("/api/v1/hj212/devices/ABC123", "DELETE, GET, PATCH"),
        ("/api/v1/health", "GET"),
        # a literal path beside a parameter's: the literal one
        ("/api/v1/cases/handover", "POST"),
    ],
)
def test_allow_lists_every_method_of_the_path(client, path, allow):
    r = client.options(path)
    assert r.status_code == 405
    assert r.headers["allow"] == allow
    assert r.json() == {"detail": "Method Not Allowed"}


def test_pages_keep_their_error_page(client):
    r = client.put("/map")
    assert r.status_code == 405 and r.headers["content-type"].startswith("text/html")
