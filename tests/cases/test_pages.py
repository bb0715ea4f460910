"""The case pages: the list (filters in the address, counts by state, server-side pages), the
case (its history and only the viewer's actions as forms), the forms' round trip, uploads."""

from __future__ import annotations

import re

import pytest

from qingshan.cases import service
from qingshan.db.engine import session_scope

from .conftest import NOW, PASSWORD, make_draft

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def case_id(engine, world):
    with session_scope(engine) as s:
        for i in range(30):
            service.register_case(s, make_draft(world, title=f"扬尘 {i}", category="air_pollution"),
                                  actor="t", now=NOW)  # fmt: skip
        return service.register_case(s, make_draft(world, title="夜间噪声扰民", category="noise"),
                                     actor="t", now=NOW).case.id  # fmt: skip


def login(client, username):
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200


def test_the_list_pages_filters_and_counts(client, case_id):
    login(client, "xihu")
    r = client.get("/cases")
    assert r.status_code == 200 and "问题清单" in r.text
    assert len(re.findall(r'<tr data-id="', r.text)) == 25  # a page
    assert "第 1 / 2 页，共 31 件" in r.text and 'href="/cases?page=2"' in r.text
    r = client.get("/cases?category=noise")
    assert re.findall(r'<tr data-id="(\d+)"', r.text) == [str(case_id)]
    assert 'data-state="registered"' in r.text and "共 1 件" in r.text
    r = client.get("/cases?state=closed&lang=en")
    assert "No case matches." in r.text and "Registered" in r.text
    assert 'id="qs-config"' in r.text and "<script>" not in r.text  # CSP: no inline script


def test_the_case_shows_only_the_viewers_actions(client, case_id):
    login(client, "owner")
    r = client.get(f"/cases/{case_id}")
    assert r.status_code == 200 and "夜间噪声扰民" in r.text
    # registered: the enterprise may only add a note until the case is dispatched
    assert re.findall(r'class="qs-action" data-event="(\w+)"', r.text) == ["note"]
    login(client, "xihu")
    r = client.get(f"/cases/{case_id}")
    assert re.findall(r'class="qs-action" data-event="(\w+)"', r.text) == [
        "assign",
        "merge",
        "cancel",
        "note",
    ]


def test_forms_walk_the_case_and_show_errors(client, world, case_id):
    login(client, "xihu")
    r = client.post(f"/cases/{case_id}/act", data={"event": "assign", "due_at": "2020-01-01T10:00"})
    assert r.status_code == 409 and "is in the past" in r.text and 'id="qs-action-error"' in r.text
    r = client.post(f"/cases/{case_id}/act", data={"event": "assign"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(
        f"/cases/{case_id}?done=assign"
    )
    assert "已办理：交办" in client.get(r.headers["location"]).text
    login(client, "owner")
    client.post(f"/cases/{case_id}/act", data={"event": "start"})
    up = client.post(f"/cases/{case_id}/upload", files={"file": ("现场.png", PNG, "image/png")},
                     follow_redirects=False)  # fmt: skip
    assert up.status_code == 303
    page = client.get(f"/cases/{case_id}").text
    file_id = re.search(r'name="evidence_ids" value="(\d+)"', page).group(1)
    r = client.post(f"/cases/{case_id}/act", data={"event": "submit", "reason": "已安装隔音屏",
                                                   "evidence_ids": [file_id]})  # fmt: skip
    assert r.status_code == 200 and "申请验收" in r.text
    login(client, "dept")
    page = client.get(f"/cases/{case_id}").text
    assert '<option value="department">' in page and '<option value="government">' not in page
    client.post(f"/cases/{case_id}/act", data={"event": "sign", "capacity": "department"})
    login(client, "gov")
    client.post(f"/cases/{case_id}/act", data={"event": "sign", "capacity": "government"})
    login(client, "xihu")
    page = client.post(f"/cases/{case_id}/act", data={"event": "close"}).text
    assert 'data-state="closed"' in page
    events = re.findall(r'<li data-event="(\w+)"', page)
    assert events == ["register", "assign", "start", "submit", "sign", "sign", "accept", "close"]
    assert f"/api/v1/cases/files/{file_id}" in page


def test_uploads_are_checked(client, case_id):
    login(client, "xihu")
    r = client.post(
        f"/cases/{case_id}/upload", files={"file": ("x.png", b"GIF89a....", "image/png")}
    )
    assert r.status_code == 415 and "the file&#39;s content is an unrecognised type" in r.text
