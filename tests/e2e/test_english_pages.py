"""No Chinese left on the English pages (issue #13, defect 6), in Debian's Chromium: every shown
text and tooltip of the main pages is scanned for CJK characters, leaving out only the proper
names and the data's own words, which the pages mark (``data-proper-name``, ``lang="zh-CN"``,
``.qs-user-text``). Standards' citations (表3 特别排放限值), source types (燃气轮机组), units
(无量纲) and the QC rule pack are translated."""

from __future__ import annotations

import pytest

from qingshan.web.glossary import gloss

from .helpers import login_as
from .seed import ENTERPRISE_USER, PROVINCE_USER

pytestmark = pytest.mark.e2e

#: shown text and tooltips with Chinese characters, outside the marked proper names
SCAN = r"""() => {
  const cjk = /[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]/;
  const keep = "[data-proper-name], [lang^=zh], .qs-user-text";
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement, text = n.nodeValue.trim();
    if (!text || !cjk.test(text) || !el || el.closest(keep + ", script, style")) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    out.push(el.tagName + "." + el.className + ": " + text.slice(0, 80));
  }
  for (const el of document.querySelectorAll("[title], [placeholder], [aria-label]")) {
    if (el.closest(keep)) continue;
    for (const a of ["title", "placeholder", "aria-label"]) {
      const v = el.getAttribute(a);
      if (v && cjk.test(v)) out.push("@" + a + " " + el.tagName + ": " + v.slice(0, 80));
    }
  }
  return out;
}"""


def _scan(page, url: str, ready: str | None = None) -> list[str]:
    page.goto(url)
    if ready:
        page.wait_for_selector(ready, timeout=20_000)
    page.wait_for_load_state("networkidle")
    return page.evaluate(SCAN)


def test_the_glossary():
    assert gloss("GB 13271-2014 表3 特别排放限值", "en") == (
        "GB 13271-2014 Table 3 special emission limits"
    )
    assert gloss("燃煤发电锅炉（超低排放）", "en") == "coal-fired power boiler (ultra-low emission)"
    assert gloss("无量纲", "en") == "dimensionless"
    assert gloss("GB 13271-2014 表3 特别排放限值", "zh") == "GB 13271-2014 表3 特别排放限值"
    assert gloss("杭州青山热电有限公司", "en") == "杭州青山热电有限公司"  # a name stays


def test_the_main_pages_in_english_have_no_chinese_left(server_url, page):
    login_as(page, server_url, PROVINCE_USER)
    ent = page.request.get(f"{server_url}/api/v1/archive/enterprises?q=青山热电").json()
    ent_id = ent["items"][0]["id"]
    pages = {
        "/map": "#qs-map[data-ready]",
        "/enterprises": '.qs-page[data-ready="1"]',
        f"/enterprises/{ent_id}": None,
        "/qc/outlets/E2EGAS01": '#qs-qc[data-ready="1"]',
        "/qc/outlets/E2EWAT01": '#qs-qc[data-ready="1"]',
        "/complaints/new": None,
        "/cases/stats": None,
    }
    left = {}
    for path, ready in pages.items():
        found = _scan(page, f"{server_url}{path}?lang=en", ready)
        if found:
            left[path] = found
    assert left == {}
    # what used to be left: the standard and the source type, translated on the outlet page
    page.goto(f"{server_url}/qc/outlets/E2EGAS01?lang=en")
    page.wait_for_selector('#qs-qc[data-ready="1"]', timeout=20_000)
    assert page.inner_text("#qs-source") == "coal-fired power boiler (ultra-low emission)"
    assert page.inner_text("#qs-rule").startswith("Thermal power · ")
    assert "discharge permit" in page.inner_text("#qc-events")


def test_the_enterprise_sees_its_pages_in_english(server_url, page):
    login_as(page, server_url, ENTERPRISE_USER)
    for path in ("/enterprises", "/qc/outlets/E2EGAS01"):
        ready = '.qs-page[data-ready="1"]' if path == "/enterprises" else '#qs-qc[data-ready="1"]'
        assert _scan(page, f"{server_url}{path}?lang=en", ready) == [], path
