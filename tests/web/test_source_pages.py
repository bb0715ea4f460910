"""污染源 and 排口数据质控 pages without a browser: navigation, login, templates, labels."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from jinja2 import FileSystemLoader

from qingshan.config import Settings
from qingshan.platform.app import NAV, create_app
from qingshan.qc.flags import Flag
from qingshan.web.i18n import translate
from qingshan.web.legend import QC_FLAG_COLORS, qc_flag_legend
from qingshan.web.render import get_templates


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(Settings(data_dir=tmp_path, demo=True, scheduler=False)))


def test_nav_has_pollution_sources_behind_login():
    [group] = [g for g in NAV if any(n.path == "/enterprises" for n in g.items)]
    assert translate(group.label, "zh") == "污染源监管"  # the menu it is in
    [item] = [n for n in group.items if n.path == "/enterprises"]
    assert item.login and translate(item.label, "zh") == "污染源"
    assert item.is_active("/enterprises") and item.is_active("/qc/outlets/X1")
    assert not item.is_active("/water")


@pytest.mark.parametrize("path", ["/enterprises", "/qc/outlets/GAS1?days=7"])
def test_pages_need_a_login(client, path):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?reason=required&next=%2F")


def test_outlet_template_is_the_dashboards():
    """qc_outlet.html lives with the other templates: no loader patched at run time."""
    env = get_templates().env
    assert isinstance(env.loader, FileSystemLoader)
    assert env.get_template("qc_outlet.html").filename.endswith(
        "qingshan/web/templates/qc_outlet.html"
    )
    assert not hasattr(env, "_qc_loader")


def test_flag_legend_follows_the_flag_enum():
    legend = qc_flag_legend("zh")
    assert [e["flag"] for e in legend] == ["pass", "suspect", "fail", "missing", "not_evaluated"]
    assert [e["name"] for e in legend] == ["通过", "可疑", "无效", "缺失", "未评估"]
    assert {e["flag"] for e in legend} == {f.label for f in Flag} == set(QC_FLAG_COLORS)
    for f in Flag:  # the dashboard's words are the QC package's
        assert translate(f"qc.flag.{f.label}", "zh") == f.label_zh
    assert [e["name"] for e in qc_flag_legend("en")][:3] == ["Pass", "Suspect", "Invalid"]
