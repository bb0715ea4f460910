"""一企一档 in Debian's Chromium on the small demo: search the list on the server, open an
enterprise from its name, and follow its compliance strip to a case."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import login_as

pytestmark = pytest.mark.e2e

PROVINCE = ("province", "qingshan-demo")


def test_search_open_and_follow_the_strip_to_a_case(demo_server_url, page):
    login_as(page, demo_server_url, PROVINCE)
    # an enterprise whose strip links a case: found through the API, searched through the page
    r = page.request.get(f"{demo_server_url}/api/v1/archive/enterprises?sort=cases&limit=50")
    target = None
    for e in r.json()["items"]:
        f = page.request.get(f"{demo_server_url}/api/v1/archive/enterprises/{e['id']}").json()
        cells = [
            c
            for c in f["strip_months"] + f["strip_quarters"]
            if (c["link"] or "").startswith("/cases/")
        ]
        if cells:
            target = (e, cells[0])
            break
    assert target is not None, "no demo enterprise has a case in its compliance strip"
    ent, cell = target
    page.goto(f"{demo_server_url}/enterprises")
    page.wait_for_selector('.qs-page[data-ready="1"]')
    page.fill("#qs-search", ent["credit_code"])
    row = page.locator(f'#qs-enterprises tbody tr[data-id="{ent["id"]}"]')
    expect(row).to_have_count(1, timeout=10_000)
    expect(page.locator("#qs-enterprises tbody tr")).to_have_count(1)
    row.locator("a.qs-ent-link").click()
    page.wait_for_url(re.compile(rf"/enterprises/{ent['id']}$"))
    expect(page.locator("h1")).to_have_text(ent["name"], timeout=15_000)
    # 年度排放量 arrives after the page shows: the section fills in, without an error
    emissions = page.locator("#qs-emissions")
    expect(emissions).not_to_have_attribute("aria-busy", "true", timeout=30_000)
    expect(emissions.locator(".qs-alert-bad")).to_have_count(0)
    expect(emissions.locator(".qs-defer-body")).not_to_contain_text(
        "正在按小时数据核算"
    )  # fmt: skip
    # the demo rates every enterprise: the grade the API gives, never 未评价
    expect(page.locator("#qs-credit-none")).to_have_count(0)
    grade = f["credit"]["name"]
    expect(page.locator("#qs-credit .qs-credit-card").first).to_have_text(grade)
    strip = "#qs-strip-months" if cell in f["strip_months"] else "#qs-strip-quarters"
    link = page.locator(f'{strip} li[data-label="{cell["label"]}"] a')
    expect(link).to_have_attribute("href", cell["link"])
    link.click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    expect(page.locator("#qs-case")).to_be_visible()
