"""空间管控 pages in Debian's Chromium (issue #20): the layers page's import (a file with one
broken feature is refused with the feature named in the problem table and nothing stored; a
good file is listed and drawn), the siting check by typed coordinates inside a red line
(禁止 with the red-line notice's clause) and its print view, the English page, and who sees
what (a county officer has no import form; an enterprise account no nav item and a 403).

Layers: the hand-drawn squares of ``tests/zones/cases.py`` near 西湖 (control units U1/U2, red
line R1 [120.20, 120.30] × [30.20, 30.30], water-source zone W1), seeded by the province."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from zones.cases import R1, U1, U2, W1, fc, feature, square

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.zones import service
from qingshan.zones.layers import LayerKind

from .conftest import running_server
from .helpers import login_as, new_page

pytestmark = pytest.mark.e2e


PASSWORD = "e2e-zones-pass"
RED_LINE_CLAUSE = "红线内（自然保护地核心保护区外）禁止开发性、生产性建设活动"


def seed_layers(session) -> None:
    """U1/U2 (Hangzhou's control units), R1 (the province's red line), W1 (a source zone)."""
    scope = Scope("330000", Role.PROVINCE, username="province")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for kind, name, region, feats in (
        (LayerKind.CONTROL_UNIT, "杭州市环境管控单元", "330100", [U1, U2]),
        (LayerKind.RED_LINE, "浙江省生态保护红线", "330000", [R1]),
        (LayerKind.WATER_SOURCE, "饮用水水源保护区", "330100", [W1]),
    ):
        meta = service.LayerMeta(kind, name, "2024", region, date(2024, 1, 1), synthetic=True)
        service.import_layer(session, scope, meta, fc(feats), "seed.geojson", actor="province",
                             now=now)  # fmt: skip


@pytest.fixture(scope="module")
def zones_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("zones")
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        ent = Enterprise(credit_code="91330106MA2E2EZ01A", name="西湖精细化工",
                         industry=Industry.CHEMICAL, industry_code="2614", region_code="330106")  # fmt: skip
        s.add(ent)
        s.flush()
        for name, role, region, eid in (("province", Role.PROVINCE, "330000", None),
                                        ("hangzhou", Role.CITY, "330100", None),
                                        ("xihu", Role.COUNTY, "330106", None),
                                        ("enterprise", Role.ENTERPRISE, "330106", ent.id)):  # fmt: skip
            create_user(s, name, PASSWORD, role, region, enterprise_id=eid)
        seed_layers(s)
    engine.dispose()
    with running_server(data_dir) as url:
        yield url, data_dir


def _as(browser, url: str, user: str, width: int = 1600, height: int = 1000):
    page = new_page(browser, width, height)
    login_as(page, url, (user, PASSWORD))
    return page


def _upload(page, tmp_path, name: str, body: bytes, layer_name: str) -> None:
    path = tmp_path / name
    path.write_bytes(body)
    form = page.locator("#qs-zn-import-form")
    form.locator("input[name='file']").set_input_files(str(path))
    form.locator("select[name='kind']").select_option("park")
    form.locator("input[name='name']").fill(layer_name)
    form.locator("input[name='version']").fill("2024")
    with page.expect_navigation():
        form.locator("button[type='submit']").click()


def test_import_refuses_a_broken_feature_then_takes_a_good_file(browser, zones_site, tmp_path):
    url, _ = zones_site
    page = _as(browser, url, "hangzhou")
    page.goto(f"{url}/zones/layers")
    assert page.locator("nav.qs-nav a[href='/zones/layers']").inner_text() == "空间管控"
    page.wait_for_selector("#qs-zn-map[data-ready='1']")
    assert page.locator("#qs-zn-map").get_attribute("data-features") == "4"
    good = feature(square(120.00, 30.35, 120.05, 30.40), code="YQ-01", name="西湖科技园")
    # feature 2 crosses itself (a bow tie): the whole file is refused
    bow = {"type": "Polygon", "coordinates": [[[120.1, 30.35], [120.15, 30.4], [120.15, 30.35],
                                               [120.1, 30.4], [120.1, 30.35]]]}  # fmt: skip
    _upload(page, tmp_path, "parks-bad.geojson",
            fc([good, feature(bow, code="YQ-02", name="坏园区")]), "杭州市园区")  # fmt: skip
    row = page.locator("#qs-zn-problems tbody tr")
    assert row.count() == 1
    assert row.get_attribute("data-feature") == "2"
    assert row.get_attribute("data-field") == "geometry"
    assert "YQ-02" in row.inner_text() and "Self-intersection" in row.inner_text()
    assert page.locator("#qs-zn-layers tr[data-kind='park']").count() == 0  # nothing imported

    _upload(page, tmp_path, "parks.geojson", fc([good]), "杭州市园区")
    assert "1" in page.locator("#qs-zn-done").inner_text()
    assert "CGCS2000" in page.locator("#qs-zn-done").inner_text()  # no crs: assumed, said so
    park = page.locator("#qs-zn-layers tr[data-kind='park']")
    assert park.count() == 1 and "杭州市园区" in park.inner_text()
    page.wait_for_selector("#qs-zn-map[data-ready='1']")
    assert page.locator("#qs-zn-map").get_attribute("data-features") == "5"
    assert [e for e in page.qs_errors if "422" not in e] == []  # the refused file's page is a 422
    page.context.close()


def test_siting_in_a_red_line_is_prohibited_and_prints(browser, zones_site):
    url, _ = zones_site
    page = _as(browser, url, "xihu")
    page.goto(f"{url}/zones/siting")
    assert page.locator("#qs-zn-import-form").count() == 0
    page.wait_for_selector("#qs-zn-map[data-ready='1']")
    box = page.locator("#qs-zn-map").bounding_box()
    for dx in (-40, 40, 0):  # three clicks on the map: three corners in the box
        page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + abs(dx))
    lines = page.input_value("#qs-zn-coords").splitlines()
    assert len(lines) == 3
    lon, lat = (float(v) for v in lines[0].split(","))
    assert 117.9 < lon < 123.3 and 26.9 < lat < 31.3  # Zhejiang, longitude first
    page.fill("#qs-zn-coords", "120.25, 30.25")
    page.fill("#qs-zn-industry", "C2614")
    with page.expect_navigation():
        page.click("#qs-zn-submit")
    assert page.locator("#qs-zn-verdict").get_attribute("data-verdict") == "prohibited"
    assert page.locator(".qs-zn-verdict-word").inner_text() == "禁止"
    assert RED_LINE_CLAUSE in page.locator("#qs-zn-deciding").inner_text()
    hit = page.locator("#qs-zn-hits .qs-zn-hit[data-kind='red_line']")
    assert hit.count() == 1
    # 0.05° of longitude from the east and west edges at 30.25° N: 0.05 × 111.32 km × cos 30.25°
    # ≈ 4.81 km (the north/south edges are 5.55 km away)
    assert 4790 < float(hit.locator(".qs-zn-boundary").get_attribute("data-boundary-m")) < 4830
    assert page.locator("#qs-zn-near tbody tr").count() == 0  # nothing else within 1 km
    with page.expect_navigation():
        page.click("#qs-zn-print")
    assert page.url.endswith("/zones/siting/print")
    assert page.locator(".qs-zn-verdict-word").inner_text() == "禁止"
    assert "120.250000, 30.250000" in page.locator("#qs-zn-print-coords").inner_text()
    assert "xihu" in page.locator("#qs-zn-print-account").inner_text()
    layers = page.locator("#qs-zn-print-layers").inner_text()
    assert "浙江省生态保护红线" in layers and "2024-01-01" in layers
    # a county officer's layers page: no import form, and a POST is refused
    page.goto(f"{url}/zones/layers")
    assert page.locator("#qs-zn-import-form").count() == 0
    r = page.request.post(f"{url}/zones/layers", multipart={"kind": "park"})
    assert r.status == 403
    assert page.qs_errors == []
    page.context.close()


def test_bad_site_errors_and_english_page(browser, zones_site):
    url, _ = zones_site
    page = _as(browser, url, "hangzhou", 390, 844)
    page.goto(f"{url}/zones/siting?lang=en")
    assert page.locator("h1").inner_text() == "Project siting check"
    page.fill("#qs-zn-coords", "30.25, 120.25")  # latitude first: outside Zhejiang
    page.fill("#qs-zn-industry", "C2614")
    with page.expect_navigation():
        page.click("#qs-zn-submit")
    err = page.locator("#qs-zn-error")
    assert err.get_attribute("data-field") == "site"
    assert err.inner_text().startswith("The site is not usable: site: outside Zhejiang")
    page.fill("#qs-zn-coords", "120.25, 30.25")
    page.fill("#qs-zn-industry", "C99")
    with page.expect_navigation():
        page.click("#qs-zn-submit")
    assert page.locator("#qs-zn-error").get_attribute("data-field") == "industry"
    assert "division 99 is not in section C" in page.locator("#qs-zn-error").inner_text()
    page.context.close()


def test_enterprise_account_has_no_zones(browser, zones_site):
    url, _ = zones_site
    page = _as(browser, url, "enterprise")
    r = page.goto(f"{url}/zones/layers")
    assert r is not None and r.status == 403
    assert page.locator("nav.qs-nav a[href='/zones/layers']").count() == 0
    assert page.request.get(f"{url}/zones/siting").status == 403
    page.context.close()


def test_site_file_upload(browser, zones_site, tmp_path):
    url, _ = zones_site
    page = _as(browser, url, "province")
    site = {"type": "Feature", "properties": {},
            "geometry": square(120.02, 30.22, 120.03, 30.23)}  # fmt: skip
    path = tmp_path / "site.geojson"
    path.write_text(json.dumps(site))
    page.goto(f"{url}/zones/siting")
    page.set_input_files("#qs-zn-site-file", str(path))
    page.fill("#qs-zn-industry", "2614")
    with page.expect_navigation():
        page.click("#qs-zn-submit")
    # U1 admits C2614 under conditions (the longer prefix beats its C26 ban), U2 has no rule
    assert page.locator("#qs-zn-verdict").get_attribute("data-verdict") == "conditional"
    assert (
        "单元准入清单 空间布局约束 第1条（园区内）" in page.locator("#qs-zn-deciding").inner_text()
    )
    assert page.locator(".qs-zn-nodecide").count() >= 1
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    page.set_input_files("#qs-zn-site-file", str(bad))
    with page.expect_navigation():
        page.click("#qs-zn-submit")
    assert "not GeoJSON" in page.locator("#qs-zn-error").inner_text()
    page.context.close()
