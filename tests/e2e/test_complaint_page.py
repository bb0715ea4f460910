"""公众举报 in Debian's Chromium, as a member of the public (no login): the place picked on the
map, the category's question, a photo; the receipt's tracking number and secret; the tracking
page reads the complaint's state and history with them."""

from __future__ import annotations

import pytest

from qingshan.sim.images import tiny_png

pytestmark = pytest.mark.e2e

SCREENSHOTS = "/tmp/qingshan-complaint-{}.png"


def test_file_a_complaint_on_the_map_and_track_it(server_url, page):
    page.goto(f"{server_url}/complaints/new")
    page.wait_for_selector("#qs-pick-map[data-ready]", timeout=20_000)
    page.select_option("#qs-category", "noise")
    assert page.is_visible("fieldset[data-category=noise]")
    assert not page.is_visible("fieldset[data-category=air_pollution]")
    page.check("input[name='attr.PERIOD'][value=night]")
    page.fill("#qs-description", "凌晨两点工地仍在打桩，噪声扰民")
    # a click on the map marks the place: 西湖区 转塘 (120.10, 30.25)
    x, y = page.evaluate("() => window.qsPickMap.convertToPixel({geoIndex: 0}, [120.10, 30.25])")
    box = page.locator("#qs-pick-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    lon, lat = float(page.input_value("#qs-lon")), float(page.input_value("#qs-lat"))
    assert abs(lon - 120.10) < 0.02 and abs(lat - 30.25) < 0.02
    assert "杭州市" in page.inner_text("#qs-picked")
    # the counties of the other cities are no longer offered
    assert (
        page.locator("#qs-county optgroup[data-city='330200']").get_attribute("disabled")
        is not None
    )
    page.select_option("#qs-county", "330106")
    page.fill("#qs-place", "之江路工地")
    page.set_input_files(
        "#qs-photos", files=[{"name": "工地.png", "mimeType": "image/png", "buffer": tiny_png(128)}]
    )
    page.screenshot(path=SCREENSHOTS.format("form"), full_page=True)
    page.click("#qs-submit")
    page.wait_for_selector("#qs-receipt", timeout=20_000)
    number = page.inner_text("#qs-tracking-no").strip()
    secret = page.inner_text("#qs-secret").strip()
    assert number.startswith("JB") and len(secret) == 19
    assert page.get_attribute("#qs-receipt", "data-outcome") == "new"
    page.screenshot(path=SCREENSHOTS.format("receipt"), full_page=True)

    page.click("#qs-to-track")
    assert page.input_value("#qs-track-no") == number
    page.fill("#qs-track-secret", "AAAA-BBBB-CCCC-DDDD")
    page.click("#qs-track-submit")
    assert "举报编号或查询码不正确" in page.inner_text("#qs-track-error")
    page.fill("#qs-track-no", number.lower())
    page.fill("#qs-track-secret", secret.replace("-", ""))
    page.click("#qs-track-submit")
    page.wait_for_selector("#qs-track-result")
    assert page.get_attribute("#qs-track-result", "data-status") == "open"
    assert page.inner_text("#qs-track-state") == "已受理"
    assert page.inner_text("#qs-track-description") == "凌晨两点工地仍在打桩，噪声扰民"
    events = page.locator("#qs-track-history li")
    assert events.count() == 1 and events.nth(0).get_attribute("data-event") == "register"
    assert "登记受理" in events.nth(0).inner_text()
    page.screenshot(path=SCREENSHOTS.format("track"), full_page=True)
    # the wrong secret's page is a 404 (the browser logs it); nothing else went wrong
    assert [e for e in page.qs_errors if "status of 404" not in e] == []
