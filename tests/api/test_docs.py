"""The API's documentation pages load their assets from the package, never from another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qingshan.config import Settings
from qingshan.platform.app import create_app

VENDOR = Path(__file__).resolve().parents[2] / "qingshan" / "web" / "static" / "vendor"


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(Settings(data_dir=tmp_path, demo=True, scheduler=False)))


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize(
    ("path", "scripts"),
    [
        ("/api/v1/docs", ["/static/vendor/swagger-ui/swagger-ui-bundle.js"]),
        ("/api/v1/redoc", ["/static/vendor/redoc/redoc.standalone.js"]),
    ],
)
def test_docs_pages_reference_only_local_assets(client, path, scripts):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    urls = _asset_urls(html)
    assert set(scripts) <= set(urls)
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "http://" not in html and "https://" not in html
    assert "/api/v1/openapi.json" in html


def test_swagger_ui_has_no_validator_badge(client):
    assert '"validatorUrl": null' in client.get("/api/v1/docs").text


def test_oauth2_redirect_page(client):
    response = client.get("/api/v1/docs/oauth2-redirect")
    assert response.status_code == 200 and "oauth2" in response.text.lower()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "text/javascript"),
        ("/static/vendor/swagger-ui/swagger-ui.css", "text/css"),
        ("/static/vendor/redoc/redoc.standalone.js", "text/javascript"),
        ("/static/favicon.svg", "image/svg+xml"),
    ],
)
def test_docs_assets_are_served(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == content_type
    assert len(response.content) > 100


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_vendored_assets_ship_their_licence(name):
    folder = VENDOR / name
    assert (folder / "LICENSE").is_file()
    version = (folder / "VERSION.txt").read_text()
    assert {"swagger-ui": "Apache License 2.0", "redoc": "MIT License"}[name] in version


def test_openapi_schema_still_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "青山 Qingshan API"
