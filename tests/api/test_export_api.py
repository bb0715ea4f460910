"""POST /api/v1/export/table: a table the page shows, as an Excel workbook or a CSV file —
bounds, 422 naming the field, who may call it, the file's name."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.api.export import MAX_COLUMNS, MAX_ROWS
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.tablefile import read_csv_rows

URL = "/api/v1/export/table"
SAME = {"Sec-Fetch-Site": "same-origin"}
TABLE = {
    "title": "杭州市数据时效 · 分区县",
    "columns": ["区县", "站点数", "PM2.5（μg/m³）", "备注"],
    "rows": [["西湖区", 3, 35.5, "=cmd|' /C calc'!A0"], ["上城区", 2, None, "-"]],
}


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "city", "city-password-1", Role.CITY, "330100")
    with TestClient(create_app(app_settings)) as c:
        yield c


def _name(r) -> str:
    return unquote(r.headers["content-disposition"].split("filename*=UTF-8''")[1])


def test_xlsx_keeps_numbers_and_chinese(client):
    r = client.post(URL, json=TABLE, headers=SAME)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert r.headers["cache-control"] == "no-store"
    name = _name(r)
    assert name.startswith("杭州市数据时效 · 分区县-") and name.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.title == "杭州市数据时效 · 分区县"
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows == [
        TABLE["columns"],
        ["西湖区", 3, 35.5, "=cmd|' /C calc'!A0"],
        ["上城区", 2, None, "-"],
    ]
    assert ws["D2"].data_type == "s" and ws["C2"].data_type == "n"


def test_csv_has_bom_and_the_formula_guard(client):
    r = client.post(URL, json={**TABLE, "format": "csv"}, headers=SAME)
    assert r.status_code == 200
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert _name(r).endswith(".csv")
    assert read_csv_rows(r.content) == [
        TABLE["columns"],
        ["西湖区", "3", "35.5", "'=cmd|' /C calc'!A0"],
        ["上城区", "2", "", "'-"],
    ]


def test_signed_in_or_same_origin(client):
    # a script elsewhere (no session, another origin): refused
    r = client.post(URL, json=TABLE, headers={"Origin": "https://evil.example"})
    assert r.status_code == 401 and "log in" in r.json()["detail"]
    assert client.post(URL, json=TABLE).status_code == 401
    # the site's own page, by its Origin
    assert client.post(URL, json=TABLE, headers={"Origin": "http://testserver"}).status_code == 200
    # a signed-in client (bearer token) from anywhere
    tok = client.post(
        "/api/v1/auth/login", data={"username": "city", "password": "city-password-1"}
    )
    client.cookies.clear()
    auth = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    assert client.post(URL, json=TABLE, headers=auth).status_code == 200


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({**TABLE, "rows": [["a"]] * (MAX_ROWS + 1)}, "rows", "at most 20000"),
        ({**TABLE, "columns": ["c"] * (MAX_COLUMNS + 1)}, "columns", "at most 60"),
        ({**TABLE, "columns": []}, "columns", "at least 1"),
        ({**TABLE, "title": ""}, "title", "at least 1"),
        ({**TABLE, "format": "pdf"}, "format", "'xlsx' or 'csv'"),
        ({**TABLE, "rows": [[{"x": 1}]]}, "rows", "valid"),
        (
            {**TABLE, "rows": [[1, 2, 3, 4, 5]]},
            "body",
            "rows[0] has 5 cells, more than the 4 columns",
        ),
        ({"title": "t", "columns": ["a"], "rows": [], "extra": 1}, "extra", "not permitted"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(client, body, field, words):
    r = client.post(URL, json=body, headers=SAME)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(field in [str(p) for p in d["loc"]] and words in d["msg"] for d in detail), detail


def test_not_json_is_422(client):
    r = client.post(URL, content=b"{not json", headers={**SAME, "Content-Type": "application/json"})
    assert r.status_code == 422


def test_body_over_the_setting_is_413(engine, app_settings):
    settings = app_settings.model_copy(update={"export_max_bytes": 2048})
    with TestClient(create_app(settings)) as c:
        r = c.post(URL, json={**TABLE, "rows": [["x" * 100] * 4] * 10}, headers=SAME)
        assert r.status_code == 413
        assert "QINGSHAN_EXPORT_MAX_BYTES" in r.json()["detail"]
        assert c.post(URL, json=TABLE, headers=SAME).status_code == 200
