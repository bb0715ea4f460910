"""Enterprise accounts reach their emergency pages (issue #22 follow-up): the 环境应急 menu item
is shown to them too and lands on /emergency/risk (their declarations, grade and plans); the
emergency tab bar shows an enterprise only the tabs it may open (incidents — its own —, risk,
plans, and the radiation register of the sources it holds) and each of those answers 200, while
the officers' tabs it may not open (resources, gas) answer 403; officers see all six tabs."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

PASSWORD = "em-nav-password"
ALL_TABS = ["/emergency/incidents", "/emergency/risk", "/emergency/plans", "/emergency/resources",
            "/emergency/gas", "/emergency/radiation"]  # fmt: skip
ENTERPRISE_TABS = ["/emergency/incidents", "/emergency/risk", "/emergency/plans",
                   "/emergency/radiation/sources"]  # fmt: skip


def _tabs(html: str) -> list[str]:
    m = re.search(r'<nav class="qs-em-nav".*?</nav>', html, re.S)
    assert m is not None
    return re.findall(r'href="([^"]+)"', m.group(0))


def _menu(html: str) -> list[str]:
    return re.findall(r'href="(/emergency[^"]*)"', html.split('<nav class="qs-em-nav"')[0])


def test_enterprise_menu_and_tabs(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        e = Enterprise(credit_code="91330106MA2NAV001A", name="西湖化工（测试）",
                       industry=Industry.CHEMICAL, industry_code="2614", region_code="330106",
                       longitude=120.1, latitude=30.25)  # fmt: skip
        s.add(e)
        s.flush()
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=e.id)
        create_user(s, "xihu", PASSWORD, Role.COUNTY, "330106")
    with TestClient(create_app(app_settings)) as c:

        def login(name: str) -> None:
            c.cookies.clear()
            r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text

        login("ent")
        r = c.get("/emergency", follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (303, "/emergency/risk")
        page = c.get("/emergency/risk")
        assert page.status_code == 200
        assert "/emergency/risk" in _menu(page.text)  # the top menu's 环境应急 item
        assert _tabs(page.text) == ENTERPRISE_TABS
        for href in ENTERPRISE_TABS:
            r = c.get(href)
            assert r.status_code == 200, (href, r.text[:300])
            assert _tabs(r.text) == ENTERPRISE_TABS, href
        for href in ("/emergency/resources", "/emergency/gas"):
            assert c.get(href).status_code == 403, href
        login("xihu")
        page = c.get("/emergency/incidents")
        assert _tabs(page.text) == ALL_TABS
        assert "/emergency/incidents" in _menu(page.text)
