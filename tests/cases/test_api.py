"""/api/v1/cases: login required, no public accounts, scoped by region and enterprise; the
loop through the API; the QC outlet's cases through the cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qingshan.cases import service
from qingshan.db.engine import session_scope

from .conftest import NOW, auth, make_draft


@pytest.fixture
def cases(engine, world):
    """Three cases: 西湖 at the power plant, 滨江 at the paper mill, 宁波 海曙 without one."""
    with session_scope(engine) as s:
        a = service.register_case(s, make_draft(world), actor="t", now=NOW).case.id
        b = service.register_case(s, make_draft(world, region_code="330108", enterprise_id=world.ent2,
                                                title="滨江废水"), actor="t", now=NOW).case.id  # fmt: skip
        c = service.register_case(s, make_draft(world, region_code="330203", enterprise_id=None,
                                                title="海曙噪声", category="noise"), actor="t", now=NOW).case.id  # fmt: skip
    return a, b, c


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("zj", {0, 1, 2}),  # the province: everything
        ("hz", {0, 1}),  # 杭州: its counties
        ("nb", {2}),
        ("xihu", {0}),  # a county: itself
        ("binjiang", {1}),
        ("owner", {0}),  # an enterprise: its own
        ("group", {0, 1}),  # an account acting for both plants
    ],
)
def test_the_list_is_scoped(client, cases, username, visible):
    r = client.get("/api/v1/cases", headers=auth(client, username))
    assert r.status_code == 200, r.text
    assert {i["id"] for i in r.json()["items"]} == {cases[i] for i in visible}
    assert sum(r.json()["counts"].values()) == len(visible)
    for i, case_id in enumerate(cases):
        got = client.get(f"/api/v1/cases/{case_id}", headers=auth(client, username))
        assert got.status_code == (200 if i in visible else 404)


def test_anonymous_and_public_accounts_have_no_access(client, cases):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/api/v1/cases/{cases[0]}").status_code == 401
    page = client.get(f"/cases/{cases[0]}", follow_redirects=False)
    assert page.status_code in (302, 303, 307)
    assert page.headers["location"].endswith(f"next=%2Fcases%2F{cases[0]}")
    r = client.get("/api/v1/cases", headers=auth(client, "citizen"))
    assert r.status_code == 403 and "needs province, city, county, enterprise" in r.text
    page = client.get("/cases")  # the citizen's login cookie: no case pages either
    assert page.status_code == 403 and "text/html" in page.headers["content-type"]


def test_filters_search_and_pages(client, cases):
    h = auth(client, "zj")
    assert client.get("/api/v1/cases?category=noise", headers=h).json()["total"] == 1
    assert client.get("/api/v1/cases?region=330100", headers=h).json()["total"] == 2
    assert client.get("/api/v1/cases?q=滨江", headers=h).json()["items"][0]["id"] == cases[1]
    page = client.get("/api/v1/cases?per_page=2&page=2", headers=h).json()
    assert (page["total"], len(page["items"]), page["page"]) == (3, 1, 2)
    assert client.get("/api/v1/cases?state=closed", headers=h).json()["counts"]["registered"] == 3
    assert client.get("/api/v1/cases?per_page=500", headers=h).status_code == 422
    r = client.get("/api/v1/cases?region=330200", headers=auth(client, "hz"))
    assert r.status_code == 403  # a filter outside the scope
    pts = client.get("/api/v1/cases/points", headers=h).json()
    assert {p["id"] for p in pts} == set(cases)


def test_the_loop_through_the_api(client, cases):
    case_id = cases[0]

    def act(user, event, **body):
        return client.post(
            f"/api/v1/cases/{case_id}/actions/{event}", json=body, headers=auth(client, user)
        )

    r = act("xihu", "assign", due_at=(NOW - timedelta(days=1)).isoformat())
    assert r.status_code == 409 and "is in the past" in r.json()["detail"]
    assert act("xihu", "assign").json()["state"] == "assigned"
    assert act("owner", "start").json()["state"] == "rectifying"
    r = act("owner", "close")
    assert r.status_code == 403 and "role enterprise may not close" in r.json()["detail"]
    assert act("owner", "submit", reason="整改完成").json()["state"] == "submitted"
    detail = client.get(f"/api/v1/cases/{case_id}", headers=auth(client, "dept")).json()
    assert detail["actions"] == ["return", "sign", "merge", "cancel", "note"]
    assert detail["signer_capacities"] == ["department"]
    assert act("dept", "sign", capacity="department").json()["state"] == "submitted"
    r = act("dept", "sign", capacity="government")
    assert r.status_code == 409 and "may not sign as government" in r.json()["detail"]
    assert act("gov", "sign", capacity="government").json()["state"] == "accepted"
    r = act("xihu", "return", reason="x")
    assert (
        r.status_code == 409
        and "event 'return' is not allowed in state 'accepted'" in r.json()["detail"]
    )
    assert act("xihu", "close").json()["state"] == "closed"
    detail = client.get(f"/api/v1/cases/{case_id}", headers=auth(client, "zj")).json()
    assert [e["event"] for e in detail["events"]] == [
        "register", "assign", "start", "submit", "sign", "sign", "accept", "close"]  # fmt: skip
    assert [(x["capacity"], x["username"]) for x in detail["signoffs"]] == [
        ("department", "dept"), ("government", "gov")]  # fmt: skip


def test_register_duplicates_units_and_signers(client, world, cases):
    body = {"source": "complaint", "category": "air_pollution", "title": "夜间异味",
            "region_code": "330106", "occurred_at": NOW.isoformat(),
            "location": {"longitude": 120.1001, "latitude": 30.2501}}  # fmt: skip
    dups = client.post("/api/v1/cases/duplicates", json=body, headers=auth(client, "xihu")).json()
    assert [d["case"]["id"] for d in dups] == [cases[0]] and dups[0]["reasons"] == ["nearby"]
    r = client.post("/api/v1/cases", json=body, headers=auth(client, "xihu"))
    assert r.status_code == 201 and r.json()["outcome"] == "new"
    assert client.post("/api/v1/cases", json=body, headers=auth(client, "owner")).status_code == 403
    assert client.post("/api/v1/cases", json=body | {"region_code": "330203"},
                       headers=auth(client, "xihu")).status_code == 403  # fmt: skip
    r = client.post("/api/v1/cases/units", headers=auth(client, "hz"),
                    json={"name": "滨江区生态环境分局", "kind": "department", "region_code": "330108"})  # fmt: skip
    assert r.status_code == 201
    assert client.post("/api/v1/cases/units", headers=auth(client, "xihu"),
                       json={"name": "x", "kind": "department", "region_code": "330106"}).status_code == 403  # fmt: skip
    r = client.post("/api/v1/cases/signers", headers=auth(client, "hz"),
                    json={"username": "binjiang", "capacity": "government", "region_code": "330108"})  # fmt: skip
    assert r.status_code == 201 and r.json()["granted_by"] == "hz"
    r = client.post("/api/v1/cases/signers", headers=auth(client, "hz"),
                    json={"username": "nb", "capacity": "government", "region_code": "330100"})  # fmt: skip
    assert r.status_code == 409 and "no account 'nb' in your region" in r.text
    bad = client.post(
        "/api/v1/cases", json=body | {"enterprise_id": 99999}, headers=auth(client, "xihu")
    )
    assert bad.status_code == 409 and "no enterprise 99999" in bad.text
    bad = client.post("/api/v1/cases", json=body | {"location": {"longitude": 120.1}},
                      headers=auth(client, "xihu"))  # fmt: skip
    assert bad.status_code == 422  # a point needs both coordinates (the schema says so)
