"""The dashboard's layout, labels and static assets, without a browser."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from qingshan.config import Settings
from qingshan.platform.app import create_app
from qingshan.web.i18n import LABELS, LANG_COOKIE, LANGS, labels_for, translate
from qingshan.web.legend import NO_DATA_COLOR, aqi_legend


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(Settings(data_dir=tmp_path, demo=True, scheduler=False)))


def test_every_label_has_both_languages():
    for key, pair in LABELS.items():
        assert tuple(pair) == LANGS, key
        assert all(pair[lang] for lang in LANGS), key


def test_translate_errors():
    assert translate("aqi.level.1", "zh") == "优"
    assert translate("aqi.level.1", "en") == "Excellent"
    with pytest.raises(KeyError, match="no label 'nope'; define it in qingshan/web/i18n.py"):
        translate("nope", "zh")
    with pytest.raises(KeyError, match="unknown language 'fr'; valid: zh, en"):
        translate("aqi.level.1", "fr")


def test_labels_for_prefixes():
    labels = labels_for(("control.",), "zh")
    assert labels["control.national"] == "国控" and labels["control.provincial"] == "省控"
    assert all(k.startswith("control.") for k in labels)


def test_legend_follows_hj633():
    legend = aqi_legend("zh")
    assert [e["name"] for e in legend] == [
        "优", "良", "轻度污染", "中度污染", "重度污染", "严重污染", "无数据",
    ]  # fmt: skip
    assert [e["color"] for e in legend] == [
        "#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023", NO_DATA_COLOR,
    ]  # fmt: skip
    assert legend[-1]["level"] is None


def _config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="qs-config">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_map_page_chinese_first(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="zh-CN">' in html
    assert "青山" in html and "生态环境保护综合协同管理平台" in html
    assert "北京时间" in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    config = _config(html)
    assert config["geojsonUrl"] == "/api/v1/geo/zhejiang-cities.geojson"
    assert config["layersUrl"] == "/api/v1/air/layers"
    assert config["labels"]["control.national"] == "国控"
    assert LANG_COOKIE not in response.cookies


def test_english_switch_sets_cookie(client):
    response = client.get("/map", params={"lang": "en"})
    assert '<html lang="en">' in response.text
    assert response.cookies[LANG_COOKIE] == "en"
    assert _config(response.text)["labels"]["aqi.level.6"] == "Severely polluted"
    again = client.get("/map")  # the cookie keeps English
    assert "Zhejiang real-time air quality" in again.text
    back = client.get("/map", params={"lang": "zh"})
    assert "浙江省空气质量实时地图" in back.text


def test_unknown_lang_falls_back_to_chinese(client):
    assert '<html lang="zh-CN">' in client.get("/", params={"lang": "fr"}).text


def test_static_assets_with_licences(client):
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200
    assert "Apache License" in client.get("/static/vendor/echarts/LICENSE").text
    assert "Apache ECharts" in client.get("/static/vendor/echarts/NOTICE").text
    assert client.get("/static/js/map.js").status_code == 200
    assert client.get("/static/css/qingshan.css").status_code == 200
