"""gzip of the app's text answers (issue #14, the page budget): a browser's request gets the
counties' GeoJSON gzipped, decoding to the same document; a client without gzip, a small answer,
an HTML page and an Excel file are sent as they are."""

from __future__ import annotations

import gzip
import json

import pytest
from fastapi.testclient import TestClient

from qingshan.config import Settings
from qingshan.platform.app import create_app

COUNTIES = "/api/v1/geo/zhejiang-counties.geojson"


@pytest.fixture
def client(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, demo=True, scheduler=False))
    return TestClient(app)  # no lifespan: the geo routes and the docs need no database


def _raw(client, path: str, encoding: str, **headers: str):
    """The answer's headers and its bytes as they came over the wire (not decoded)."""
    with client.stream("GET", path, headers={"Accept-Encoding": encoding, **headers}) as r:
        return r.status_code, r.headers, b"".join(r.iter_raw())


def test_geojson_gzipped_decodes_to_the_same_document(client):
    status, plain_headers, plain = _raw(client, COUNTIES, "identity")
    assert status == 200 and "content-encoding" not in plain_headers
    assert int(plain_headers["content-length"]) == len(plain) > 600_000  # 90 counties' outlines
    status, headers, body = _raw(client, COUNTIES, "gzip, deflate, br")
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    assert int(headers["content-length"]) == len(body) < len(plain) / 3
    assert json.loads(gzip.decompress(body)) == json.loads(plain)
    assert len(json.loads(plain)["features"]) == 90


def test_the_etag_still_answers_304_when_gzipped(client):
    _, headers, _ = _raw(client, COUNTIES, "gzip")
    status, again, body = _raw(client, COUNTIES, "gzip", **{"If-None-Match": headers["etag"]})
    assert status == 304 and body == b""


def test_small_answers_and_html_pages_are_not_compressed(client):
    status, headers, body = _raw(client, "/api/v1/health", "gzip")
    assert status == 200 and len(body) < 1024 and "content-encoding" not in headers
    status, headers, body = _raw(client, "/login", "gzip")  # its CSP may hash the body
    assert status == 200 and len(body) > 1024 and "content-encoding" not in headers
    assert headers["content-type"].startswith("text/html") and b"<html" in body.lower()


def test_json_lists_are_compressed(client):
    status, headers, body = _raw(client, "/api/v1/regions", "gzip")
    assert status == 200 and headers["content-encoding"] == "gzip"
    rows = json.loads(gzip.decompress(body))
    assert len(rows) == 102 and rows[0]["name"] == "浙江省"
