"""The waste pages through the app (issue #18), on the manifest tests' world (a producer in
西湖区, carriers in 余杭 and 北仑, a facility in 北仑 licensed for HW08 with 600 t/yr): a manifest
created on the producer's form and signed by each party on its own page until it is closed
(the form offered only to the party whose turn it is), the list's filters and scope, the
overview's KPIs and flows for province, city and county accounts, the facilities' capacity use,
a refused quantity, and the enterprise file's waste card.

Worked figures: 12 t of 900-249-08 shipped, 11.8 t received (−1.7 %, inside the 5 % tolerance);
the facility's capacity use 11.8 / 600 = 1.97 %; the one transfer runs 杭州市 → 宁波市. The
producer declares 20 t generated this month, 2 t utilised on site.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.timeutil import as_cst, utcnow
from qingshan.waste import ledger_service
from qingshan.waste.ledger_service import DeclarationIn

from .manifest_world import PASSWORD, PROVINCE, build_world, users


@pytest.fixture
def client(engine, app_settings):
    from qingshan.platform.app import create_app

    with session_scope(engine) as s:
        w = build_world(s)
        users(s, w)
        for name, role, region in (("province", Role.PROVINCE, "330000"),
                                   ("hangzhou", Role.CITY, "330100"),
                                   ("xihu", Role.COUNTY, "330106")):  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
    with TestClient(create_app(app_settings)) as c:
        c.world = w  # type: ignore[attr-defined]
        yield c


def _login(client, user: str) -> None:
    client.cookies.clear()
    r = client.post("/api/v1/auth/login", data={"username": user, "password": PASSWORD})
    assert r.status_code == 200, r.text


def _config(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="qs-config">(.*?)</script>', html, re.S)
    assert m is not None
    return json.loads(m.group(1))


def _today() -> str:
    return as_cst(utcnow()).date().isoformat()


def _create(client) -> int:
    w = client.world
    _login(client, "producer1")
    r = client.post("/waste/manifests/new", data={
        "waste_code": "900-249-08", "quantity_t": "12", "transfer_on": _today(),
        "receiver_id": str(w.facility), "t1": str(w.carrier1), "t2": str(w.carrier2),
    }, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    m = re.match(r"/waste/manifests/(\d+)\?done=created", r.headers["location"])
    assert m is not None
    return int(m.group(1))


def _sign(client, user: str, mid: int, action: str, **extra: str) -> None:
    _login(client, user)
    page = client.get(f"/waste/manifests/{mid}").text
    assert f'data-action="{action}"' in page, f"{user} is not offered {action}"
    r = client.post(f"/waste/manifests/{mid}/sign", data={"action": action, **extra},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text


def _walk(client, mid: int, received: str = "11.8") -> None:
    _sign(client, "producer1", mid, "submit")
    for carrier in ("carrier1", "carrier2"):
        _sign(client, carrier, mid, "pickup")
        _sign(client, carrier, mid, "handover")
    _sign(client, "facility1", mid, "receive", quantity_t=received)


def test_a_manifest_is_created_and_signed_by_each_party_on_its_page(client):
    mid = _create(client)
    page = client.get(f"/waste/manifests/{mid}?done=created").text
    assert 'id="qs-ws-state" data-state="draft"' in page and "联单已创建" in page
    _login(client, "carrier1")  # not yet its turn: it sees who is awaited, no form
    page = client.get(f"/waste/manifests/{mid}").text
    assert "data-action=" not in page and "等待签章：移出人" in page
    _walk(client, mid)
    _login(client, "producer1")
    page = client.get(f"/waste/manifests/{mid}").text
    assert 'data-state="received"' in page and "11.800" in page
    assert 'id="qs-ws-received">11.800</dd>' in page  # −1.7 %: inside the tolerance, unmarked
    actions = re.findall(r'<li data-action="(\w+)" data-party="([\w:]+)"', page)
    assert actions == [("submit", "producer"), ("pickup", "transporter:1"),
                       ("handover", "transporter:1"), ("pickup", "transporter:2"),
                       ("handover", "transporter:2"), ("receive", "receiver")]  # fmt: skip
    _sign(client, "producer1", mid, "close")
    page = client.get(f"/waste/manifests/{mid}?lang=en").text
    assert 'data-state="closed"' in page and "The manifest is finished" in page
    assert page.count('<li data-action="') == 7 and "Signed by producer1" in page


def test_signing_out_of_turn_or_a_bad_quantity_is_refused_on_the_page(client):
    mid = _create(client)
    _login(client, "carrier1")
    r = client.post(f"/waste/manifests/{mid}/sign", data={"action": "pickup"})
    assert r.status_code == 409 and 'id="qs-ws-error"' in r.text
    _login(client, "outsider1")
    assert client.get(f"/waste/manifests/{mid}").status_code == 404
    r = client.post(f"/waste/manifests/{mid}/sign", data={"action": "submit"})
    assert r.status_code == 404
    _sign(client, "producer1", mid, "submit")
    for carrier in ("carrier1", "carrier2"):
        _sign(client, carrier, mid, "pickup")
        _sign(client, carrier, mid, "handover")
    _login(client, "facility1")
    r = client.post(f"/waste/manifests/{mid}/sign", data={"action": "receive", "quantity_t": "x"})
    assert r.status_code == 422 and "&#39;x&#39;" in r.text
    r = client.post(f"/waste/manifests/{mid}/sign", data={"action": "receive", "quantity_t": "-1"})
    assert r.status_code == 422 and 'data-state="in_transit"' in r.text


def test_an_unknown_code_on_the_form_is_refused_and_the_form_kept(client):
    w = client.world
    _login(client, "producer1")
    r = client.post("/waste/manifests/new", data={
        "waste_code": "999-999-99", "quantity_t": "3", "transfer_on": _today(),
        "receiver_id": str(w.facility), "t1": str(w.carrier1)})  # fmt: skip
    assert r.status_code == 422 and 'id="qs-ws-error"' in r.text
    assert 'value="999-999-99"' in r.text
    _login(client, "province")
    r = client.get("/waste/manifests/new")
    assert r.status_code == 403 and "只有移出人（产废单位）账号可新建联单" in r.text


def test_the_list_filters_by_state_and_shows_only_the_viewers_manifests(client):
    first, second = _create(client), _create(client)
    _walk(client, first)
    _login(client, "province")
    page = client.get("/waste/manifests").text
    assert "共 2 张" in page
    page = client.get("/waste/manifests?state=received").text
    assert "共 1 张" in page and f'data-id="{first}"' in page and f'data-id="{second}"' not in page
    assert "共 0 张" in client.get("/waste/manifests?state=closed").text
    _login(client, "carrier2")  # a party of both
    assert "共 2 张" in client.get("/waste/manifests").text
    _login(client, "outsider1")
    page = client.get("/waste/manifests").text
    assert "共 0 张" in page and "没有符合条件的联单" in page


def test_the_overview_shows_kpis_flows_and_facilities_by_region(client):
    w = client.world
    mid = _create(client)
    _walk(client, mid)
    _login(client, "province")
    r = client.get("/waste")
    assert r.status_code == 200
    cfg = _config(r.text)
    assert [f["name"] for f in cfg["facilities"]] == ["北仑危废处置中心", "镇海焚烧厂"]
    assert cfg["flows"] == [{"from": "330100", "to": "330200", "t": 11.8,
                             "fromName": "杭州市", "toName": "宁波市"}]  # fmt: skip
    assert len(re.findall(r'<tr data-region="33\d{4}">', r.text)) == 11
    assert 'data-kpi="utilisation_rate"' in r.text and "目标 ≥ 98% (main.2)" in r.text
    _login(client, "hangzhou")
    r = client.get("/waste")
    assert "危险废物监管 · 杭州市" in r.text and _config(r.text)["facilities"] == []
    assert 'data-region="330106"' in r.text and 'data-region="330206"' not in r.text
    assert (
        '<tr data-from="330100" data-to="330200"><td>杭州市 → 宁波市</td><td class="num">11.8</td>'
        in r.text
    )
    _login(client, "xihu")
    r = client.get("/waste?lang=en")
    assert "Hazardous waste · Xihu District" in r.text and "data-region=" not in r.text
    _login(client, "producer1")
    r = client.get("/waste", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/waste/manifests")
    assert w.facility > 0


def test_facilities_show_capacity_use(client):
    w = client.world
    _walk(client, _create(client))
    _login(client, "province")
    page = client.get("/waste/facilities").text
    row = re.search(r'<tr data-facility="\d+">.*?北仑危废处置中心.*?</tr>', page, re.S)
    assert row is not None
    assert "600" in row.group(0) and "11.8" in row.group(0)
    assert re.search(r'data-use="0\.019666', row.group(0)) and "2.0%" in row.group(0)
    _login(client, "xihu")
    assert "辖区内无利用处置单位" in client.get("/waste/facilities").text
    assert w.facility > 0


def test_the_enterprise_file_shows_the_waste_card(client, engine):
    w = client.world
    month = as_cst(utcnow()).date().replace(day=1)
    with session_scope(engine) as s:
        ledger_service.declare(s, PROVINCE, DeclarationIn(
            enterprise_id=w.producer, month=month, waste_code="900-249-08",
            generated_t=20.0, self_utilised_t=2.0), actor="test")  # fmt: skip
    _walk(client, _create(client))
    _login(client, "province")
    page = client.get(f"/enterprises/{w.producer}").text
    card = page[page.index('id="qs-waste-card"') :][:1500]
    assert "产生 <b>20.0</b> t" in card and "自行利用处置 2.0 t" in card
    assert "联单 1 张（未办结 1）" in card and f"/waste/manifests?e={w.producer}" in card
    page = client.get(f"/enterprises/{w.outsider}").text
    assert 'id="qs-waste-none"' in page


def test_the_new_manifest_tab_and_page_are_for_producers_only(client):
    # the producer sees the tab and the form; a carrier (GB/T 4754 5435) and the facility
    # (licensed, no management plan) get neither: the page and the API answer 403
    _login(client, "producer1")
    assert 'id="qs-ws-tab-new"' in client.get("/waste/manifests").text
    assert 'id="qs-ws-newform"' in client.get("/waste/manifests/new").text
    w = client.world
    body = {"receiver_id": w.facility, "transporter_ids": [w.carrier1],
            "waste_code": "900-249-08", "quantity_t": 1.0, "transfer_on": _today()}  # fmt: skip
    for user, own in (("carrier1", w.carrier1), ("facility1", w.facility)):
        _login(client, user)
        assert 'id="qs-ws-tab-new"' not in client.get("/waste/manifests").text
        r = client.get("/waste/manifests/new")
        assert r.status_code == 403 and "只有移出人（产废单位）账号可新建联单" in r.text
        r = client.post("/waste/manifests/new", data={"waste_code": "900-249-08"})
        assert r.status_code == 403 and 'id="qs-ws-newform"' not in r.text
        r = client.post("/api/v1/waste/manifests", json=body | {"producer_id": own})
        assert r.status_code == 403 and "acts for no waste producer" in r.json()["detail"]
    _login(client, "province")  # a bureau creates through the API or a paper entry, not here
    assert 'id="qs-ws-tab-new"' not in client.get("/waste/manifests").text
    assert client.get("/waste/manifests/new").status_code == 403


def test_the_province_records_an_approval_and_the_list_shows_what_is_left(client):
    w = client.world
    form = {"number": "浙环危转〔2026〕21号", "authority": "浙江省生态环境厅",
            "approved_on": _today(), "producer_id": str(w.producer),
            "receiver_id": str(w.facility), "dest_region": "320583",
            "waste_codes": "900-249-08，HW49", "approved_t": "30"}  # fmt: skip
    _login(client, "hangzhou")
    r = client.post("/waste/approvals", data=form)
    assert r.status_code == 403 and "仅省级生态环境主管部门账号可登记" in r.text
    assert 'id="qs-ws-a-form"' not in client.get("/waste/approvals").text
    _login(client, "province")
    r = client.post("/waste/approvals", data=form | {"dest_region": "330206"})
    assert r.status_code == 422 and "needs no cross-province approval" in r.text
    assert 'value="浙环危转〔2026〕21号"' in r.text  # the form is kept
    r = client.post("/waste/approvals", data=form, follow_redirects=False)
    assert r.status_code == 303
    # the producer ships 12 t citing it (the destination comes from the approval)
    _login(client, "producer1")
    r = client.post("/waste/manifests/new", data={
        "waste_code": "900-249-08", "quantity_t": "12", "transfer_on": _today(),
        "receiver_id": str(w.facility), "t1": str(w.carrier1),
        "approval_ref": "浙环危转〔2026〕21号"}, follow_redirects=False)  # fmt: skip
    mid = int(r.headers["location"].split("/")[-1].split("?")[0])
    _sign(client, "producer1", mid, "submit")
    page = client.get("/waste/approvals").text  # the producer sees the approval naming it
    row = re.search(r'<tr data-approval="\d+" data-remaining="([\d.]+)">', page)
    assert row is not None and float(row.group(1)) == 18.0
    assert "320583（省外）" in page  # a destination the province's geography does not hold
    r = client.get("/api/v1/waste/approvals")
    (a,) = r.json()
    assert (a["approved_t"], a["shipped_t"], a["remaining_t"], a["waste_codes"]) == (
        30.0, 12.0, 18.0, ["900-249-08", "HW49"])  # fmt: skip
    assert client.get(f"/api/v1/waste/manifests/{mid}").json()["dest_region"] == "320583"
    _login(client, "xihu")  # the producer's county sees it; a stranger city does not
    assert len(client.get("/api/v1/waste/approvals").json()) == 1


def test_overdue_manifests_are_flagged_on_the_list_the_page_and_the_overview(client, engine):
    # arrived Wed 30 Sep 2026, never received: 5 working days (国庆 off, Sat 10 Oct worked) end
    # Tue 13 Oct (危险废物转移管理办法 2021 Art. 18)
    from datetime import UTC, date, datetime

    from qingshan.timeutil import CST
    from qingshan.waste.manifest_service import create_manifest, sign

    w = client.world
    at = datetime(2026, 9, 30, 10, tzinfo=CST).astimezone(UTC)
    with session_scope(engine) as s:
        m = create_manifest(s, w.owner(w.producer), w.draft(transporter_ids=(w.carrier1,),
                            transfer_on=date(2026, 9, 30)), actor="producer1", at=at)  # fmt: skip
        for who, action in ((w.producer, "submit"), (w.carrier1, "pickup"),
                            (w.carrier1, "handover")):  # fmt: skip
            sign(s, w.owner(who), m.id, action, at=at)
    _login(client, "province")
    page = client.get("/waste/manifests?overdue=yes").text
    assert f'data-id="{m.id}"' in page and 'class="qs-ws-bad qs-ws-overdue"' in page
    assert "待接收确认已逾期：应于 2026-10-13 前确认" in page  # the badge's title
    assert 'class="qs-ws-bad qs-ws-overdue"' not in client.get("/waste/manifests?state=draft").text
    detail = client.get(f"/waste/manifests/{m.id}").text
    assert 'id="qs-ws-overdue"' in detail and "2026-10-13" in detail
    overview = client.get("/waste?year=2026").text
    assert re.search(r'id="qs-ws-overdue-count".*?data-value="1"', overview, re.S)
    assert client.get(f"/api/v1/waste/manifests/{m.id}").json()["overdue"] == [
        {"kind": "receipt", "due": "2026-10-13", "open": True}
    ]
