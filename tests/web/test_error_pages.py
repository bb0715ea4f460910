"""Error pages: pages get HTML in the site's layout and language, the API keeps JSON."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from qingshan.accounts.models import Role
from qingshan.accounts.security import TOKEN_COOKIE, create_token
from qingshan.accounts.service import create_user
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.web.errors import is_page
from qingshan.web.i18n import LANG_COOKIE

PASSWORD = "error-pages-password"


@pytest.fixture
def app(tmp_path):
    app = create_app(Settings(data_dir=tmp_path, demo=True, scheduler=False))

    @app.get("/boom-page")
    def boom_page() -> None:
        raise RuntimeError("secret internals of a bug")

    @app.get("/api/v1/boom")
    def boom_api() -> None:
        raise RuntimeError("secret internals of a bug")

    return app


@pytest.fixture
def client(app):
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def logged_in(engine, app_settings):
    """A client logged in as a province user (cookie), on a migrated test database."""
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "zj", PASSWORD, Role.PROVINCE, "330000", display_name="省厅")
    with TestClient(create_app(app_settings)) as c:
        r = c.post("/api/v1/auth/login", data={"username": "zj", "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c


def _main(html: str) -> str:
    """The visible text of the page's <main>."""
    main = html.split('<main class="qs-main">', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<style.*?</style>", " ", main, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def _is_html_page(response, status: int, lang: str = "zh-CN") -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert f'<html lang="{lang}">' in html
    assert 'class="qs-nav"' in html and 'class="qs-footer"' in html  # the site's layout
    assert f'data-status="{status}"' in html
    assert 'id="qs-errpage-home" href="/"' in html or 'href="/" id="qs-errpage-home"' in html
    assert '{"detail"' not in html and "Traceback" not in html


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/nonexistent", True),
        ("/qc/outlets/X", True),
        ("/", True),
        ("/api/v1/health", False),
        ("/api", False),
        ("/static/vendor/x.js", False),
        ("/static", False),
        ("/apiary", True),
    ],
)
def test_page_or_api_by_path(path, expected):
    request = Request({"type": "http", "path": path, "query_string": b"", "headers": []})
    assert is_page(request) is expected


def test_missing_page_is_html_in_chinese(client):
    r = client.get("/nonexistent")
    _is_html_page(r, 404)
    text = _main(r.text)
    assert "404" in text and "页面不存在" in text
    assert "本站没有 /nonexistent 这个页面" in text
    assert "返回首页" in text
    assert "<title>404 页面不存在 · 青山</title>" in r.text


def test_missing_page_in_english_by_query_and_cookie(client):
    r = client.get("/nonexistent?lang=en")
    _is_html_page(r, 404, lang="en")
    assert "Page not found" in r.text
    assert "There is no page at /nonexistent" in _main(r.text)
    assert r.cookies[LANG_COOKIE] == "en"
    again = client.get("/no/such/page")  # the cookie keeps English
    _is_html_page(again, 404, lang="en")


def test_back_link_only_to_this_site(client):
    r = client.get("/nonexistent", headers={"referer": "http://testserver/water?lang=en"})
    assert 'href="/water?lang=en" id="qs-errpage-back"' in r.text
    r = client.get("/nonexistent", headers={"referer": "https://evil.example/x"})
    assert "qs-errpage-back" not in r.text


def test_api_keeps_json(client):
    r = client.get("/api/v1/nonexistent")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
    r = client.get("/api/v1/archive/enterprises?limit=9999")
    assert r.status_code in (401, 422)
    assert r.headers["content-type"] == "application/json"


def test_static_miss_is_not_a_page(client):
    r = client.get("/static/vendor/nope.js")
    assert r.status_code == 404
    assert not r.headers["content-type"].startswith("text/html")


def test_method_not_allowed_on_a_page(client):
    r = client.post("/map")
    _is_html_page(r, 405)
    assert "不支持的请求方式" in r.text
    assert r.headers["allow"] == "GET"


def test_bad_query_on_outlet_page_names_parameter_and_range(logged_in):
    r = logged_in.get("/qc/outlets/X?days=90")
    _is_html_page(r, 422)
    text = _main(r.text)
    assert "请求参数有误" in text
    assert "地址中的参数不符合要求" in text
    assert 'data-param="days"' in r.text
    assert "days 查询参数 90 大于允许的最大值 1 至 31" in text
    assert 'id="qs-user"' in r.text  # still the logged-in layout


def test_bad_query_in_english(logged_in):
    logged_in.cookies.set(LANG_COOKIE, "en")
    r = logged_in.get("/qc/outlets/X?days=abc")
    _is_html_page(r, 422, lang="en")
    assert "days query abc must be a whole number 1 to 31" in _main(r.text)
    r = logged_in.get("/qc/outlets/X?days=0")
    assert "days query 0 below the smallest allowed value 1 to 31" in _main(r.text)


def test_api_bad_query_keeps_the_422_body(logged_in):
    r = logged_in.get("/api/v1/archive/enterprises?limit=9999")
    assert r.status_code == 422
    [error] = r.json()["detail"]
    assert error["loc"] == ["query", "limit"] and error["ctx"] == {"le": 500}


def test_server_error_page_has_no_traceback(client):
    r = client.get("/boom-page")
    _is_html_page(r, 500)
    assert "服务器内部错误" in r.text and "错误已记入日志" in r.text
    assert "secret internals" not in r.text and "RuntimeError" not in r.text


def test_server_error_of_the_api_is_not_a_page(client):
    r = client.get("/api/v1/boom")
    assert r.status_code == 500
    assert r.text == "Internal Server Error"


# -------------------------------------------------- a database without its tables (never migrated)


def test_api_answers_503_when_the_database_is_not_set_up(client):
    r = client.get("/api/v1/air/stations/latest")
    assert r.status_code == 503
    body = r.json()
    assert body["error"] == "DatabaseNotReady"
    assert body["context"]["table"] == "site"
    assert "is not set up (no table 'site'): run `qingshan db upgrade`" in body["detail"]
    assert "`qingshan sim build`" in body["detail"]


def test_page_answers_503_html_when_the_database_is_not_set_up(app, client):
    settings = app.state.settings
    token = create_token("zj", settings.signing_key, timedelta(minutes=5))
    client.cookies.set(TOKEN_COOKIE, token)
    r = client.get("/devices")
    _is_html_page(r, 503)
    assert "服务暂不可用" in r.text
    assert "no table" in _main(r.text) and "qingshan db upgrade" in _main(r.text)
