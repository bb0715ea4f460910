"""The enforcement API and pages (issue #12) on SQLite and PostgreSQL: credit lists scoped by
role, the rule public, plans, a draw with its published inputs file and verification, results,
too few inspectors answered 409 with nothing stored, the public listing without login."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from qingshan.db.engine import session_scope
from qingshan.enforcement import service
from qingshan.enforcement.models import Inspector, SpotCheckDraw
from qingshan.timeutil import as_cst, utcnow

from .conftest import NOW, auth

#: the routes run on the real clock: the running quarter and today (CST)
TODAY = as_cst(utcnow()).date()
QUARTER = f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"


def _recompute(engine):
    with session_scope(engine) as s:
        service.recompute_credit(s, now=NOW)


def test_credit_api_scoped(client, engine, world):
    _recompute(engine)
    for user, total in (("zj", 18), ("hz", 16), ("xihu", 8), ("nb", 2), ("ent", 1)):
        r = client.get("/api/v1/credit/ratings", headers=auth(client, user))
        assert r.status_code == 200, r.text
        assert r.json()["total"] == total, user
    client.cookies.clear()
    h = auth(client, "hz")
    client.cookies.clear()
    body = client.get("/api/v1/credit/ratings?grade=trustworthy&region=330108", headers=h).json()
    assert body["total"] == 4 and body["weights_confirmed"] is False
    assert [g["colour"] for g in body["by_grade"]] == ["green", "blue", "yellow", "red"]
    e = world.enterprises["330106"][0]
    detail = client.get(f"/api/v1/credit/ratings/{e}", headers=h).json()
    assert detail["grade"] == "trustworthy" and detail["history"][0]["score"] == 100
    assert (
        client.get(
            f"/api/v1/credit/ratings/{world.enterprises['330203'][0]}", headers=h
        ).status_code
        == 404
    )
    r = client.get("/api/v1/credit/ratings?grade=black", headers=h)
    assert r.status_code == 422  # the schema lists the rule's grades
    r = client.get("/api/v1/credit/ratings?region=330203", headers=h)
    assert r.status_code == 403 and "outside your region 330100" in r.json()["detail"]
    assert client.get("/api/v1/credit/ratings").status_code == 401
    rule = client.get("/api/v1/credit/rule").json()  # public
    assert rule["weights_confirmed"] is False and rule["grades"][0]["name"] == "诚信"


def test_recompute_on_demand(client, world):
    h = auth(client, "xihu")
    client.cookies.clear()
    r = client.post("/api/v1/credit/recompute", headers=h)
    assert r.status_code == 200 and r.json()["rated"] == 8  # the county's own
    r = client.post("/api/v1/credit/recompute", headers=auth(client, "ent"))
    assert r.status_code == 403


def test_plan_draw_verify_results_and_publication(client, engine, world):
    h = auth(client, "hz")
    client.cookies.clear()
    r = client.post("/api/v1/spot-checks/plans", headers=h,
                    json={"item_code": "HZ-KEY-Q", "region_code": "330100", "period": QUARTER})  # fmt: skip
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["title"] == f"杭州市{QUARTER}重点排污单位日常监管双随机抽查计划"
    assert plan["draw"] is None
    r = client.post(f"/api/v1/spot-checks/plans/{plan['id']}/draw", headers=h, json={"seed": 42})
    assert r.status_code == 201, r.text
    draw = r.json()
    assert draw["seed"] == 42 and draw["quotas"] == {"330106": 2, "330108": 1, "330110": 1}
    again = client.post(f"/api/v1/spot-checks/plans/{plan['id']}/draw", headers=h)
    assert again.status_code == 409 and "was drawn already" in again.json()["detail"]
    # public: the inputs file hashes to the published hash, and verify re-runs it
    f = client.get(f"/api/v1/spot-checks/draws/{draw['id']}/inputs.json")
    assert f.status_code == 200 and hashlib.sha256(f.content).hexdigest() == draw["inputs_sha256"]
    v = client.get(f"/api/v1/spot-checks/draws/{draw['id']}/verify").json()
    assert v["ok"] is True and v["tasks"] == 4
    detail = client.get(f"/api/v1/spot-checks/plans/{plan['id']}", headers=h).json()
    task = detail["task_list"][0]
    r = client.post(f"/api/v1/spot-checks/tasks/{task['id']}/result", headers=h,
                    json={"outcome": "violation", "checked_on": TODAY.isoformat(),
                          "findings": "雨水排口发现暗管", "violation_category": "bypass"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "violation" and r.json()["case_id"] is not None
    r = client.post(f"/api/v1/spot-checks/tasks/{task['id']}/result", headers=h,
                    json={"outcome": "compliant", "checked_on": TODAY.isoformat()})  # fmt: skip
    assert r.status_code == 409
    public = client.get("/api/v1/spot-checks/public").json()
    assert [p["id"] for p in public] == [plan["id"]]
    assert public[0]["draw"]["inputs_sha256"] == draw["inputs_sha256"]
    assert len(public[0]["task_list"]) == 4
    assert client.get("/api/v1/spot-checks/plans", headers=auth(client, "ent")).status_code == 403


def test_too_few_inspectors_is_409_and_stores_nothing(client, engine, world):
    with session_scope(engine) as s:
        for i in s.scalars(select(Inspector)):
            i.active = i.region_code == "330106"  # only 西湖's two, who may not inspect 西湖
    h = auth(client, "hz")
    client.cookies.clear()
    plan = client.post("/api/v1/spot-checks/plans", headers=h,
                       json={"item_code": "HZ-KEY-Q", "region_code": "330100", "period": QUARTER}).json()  # fmt: skip
    r = client.post(f"/api/v1/spot-checks/plans/{plan['id']}/draw", headers=h)
    assert r.status_code == 409
    assert "too few eligible inspectors (2 needed per task)" in r.json()["detail"]
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(SpotCheckDraw)) == 0


def test_pages(client, engine, world):
    _recompute(engine)
    assert client.get("/credit", follow_redirects=False).status_code in (302, 303, 307)
    r = client.get("/spot-checks", follow_redirects=False)  # visitors: the public listing
    assert r.status_code == 303 and r.headers["location"] == "/spot-checks/public"
    r = client.get("/spot-checks/public?lang=en")
    assert r.status_code == 200 and "Double-random spot checks: public listing" in r.text
    auth(client, "hz")  # the login cookie
    r = client.get("/credit?lang=zh")
    assert r.status_code == 200 and "杭州市企业环境信用评价" in r.text
    assert "官方指标权重" in r.text and r.text.count('data-enterprise="') == 16
    r = client.get("/credit?grade=poor&lang=en")
    assert r.status_code == 200 and "No rating yet." in r.text
    client.get("/credit?lang=zh")
    e = world.enterprises["330106"][0]
    r = client.get(f"/credit/{e}")
    assert r.status_code == 200 and "等级变化记录" in r.text
    r = client.get("/spot-checks")
    assert r.status_code == 200 and "HZ-KEY-Q" in r.text
    r = client.post("/spot-checks/plans", data={"item_code": "HZ-KEY-Q", "region_code": "330100",
                                                "period": QUARTER}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = r.headers["location"]
    assert 'id="qs-draw-button"' in client.get(page).text
    r = client.post(page + "/draw", follow_redirects=False)
    assert r.status_code == 303
    html = client.get(page).text
    assert 'data-drawn="yes"' in html and "复核通过" in html and html.count('data-task="') == 4
    r = client.post("/spot-checks/plans", data={"item_code": "HZ-KEY-Q", "region_code": "330100",
                                                "period": QUARTER})  # fmt: skip
    assert r.status_code == 200 and "already covers HZ-KEY-Q" in r.text  # shown on the page
