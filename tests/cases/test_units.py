"""责任单位与签字人: province and city accounts keep the units (department or government,
region, categories; add, edit, deactivate) and the signer attribute (grant, revoke) of their
region — the service's errors named, the page's forms round trip, the API — on SQLite and
PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from qingshan.accounts.errors import OutOfScope
from qingshan.accounts.service import scope_of
from qingshan.cases import service
from qingshan.cases.errors import BadCaseInput, CaseConflict, CaseNotFound, NotPermitted
from qingshan.cases.models import CaseSigner
from qingshan.cases.workflow import Capacity
from qingshan.db.engine import session_scope

from .conftest import NOW, PASSWORD, auth, make_draft, user


def test_units_are_kept_within_the_region_with_named_errors(engine, world):
    with session_scope(engine) as s:
        hz = scope_of(user(s, "hz"))
        unit = service.add_unit_in_scope(s, hz, " 滨江区住建局 ", "department", "330108", ["noise"])
        assert (unit.name, unit.categories, unit.active) == ("滨江区住建局", ["noise"], True)
        gov = service.add_unit_in_scope(s, hz, "滨江区人民政府", "government", "330108")
        assert gov.categories == ["*"]  # a government answers for every category
        with pytest.raises(BadCaseInput, match=r"categories: a department needs the categories it is competent for"):  # fmt: skip
            service.add_unit_in_scope(s, hz, "滨江区水利局", "department", "330108", [])
        with pytest.raises(BadCaseInput, match=r"category: unknown category 'smell'; one of"):
            service.add_unit_in_scope(s, hz, "滨江区水利局", "department", "330108", ["smell"])
        with pytest.raises(CaseConflict, match=r"330108 already has a unit named '滨江区住建局'"):
            service.add_unit_in_scope(s, hz, "滨江区住建局", "department", "330108", ["*"])
        with pytest.raises(OutOfScope, match=r"region 330203 is outside the scope 330100 of hz"):
            service.add_unit_in_scope(s, hz, "海曙区环保局", "department", "330203", ["*"])
        with pytest.raises(BadCaseInput, match=r"kind: 'bureau': department or government"):
            service.add_unit_in_scope(s, hz, "x", "bureau", "330108", ["*"])
        with pytest.raises(BadCaseInput, match=r"name: must not be empty"):
            service.add_unit_in_scope(s, hz, "  ", "department", "330108", ["*"])
        with pytest.raises(NotPermitted, match=r"xihu: only province and city accounts keep units"):
            service.add_unit_in_scope(s, scope_of(user(s, "xihu")), "x", "department", "330106", ["*"])  # fmt: skip
        # a routed case goes to the competent department, then no more once it is deactivated
        noise = make_draft(world, category="noise", region_code="330108", enterprise_id=world.ent2)
        assert service.route_unit(s, "330108", "noise").id == unit.id
        service.update_unit_in_scope(s, hz, unit.id, active=False)
        assert service.route_unit(s, "330108", "noise").id == gov.id
        case = service.register_case(s, noise, actor="hz", now=NOW).case
        assert case.unit_id == gov.id
        service.update_unit_in_scope(s, hz, unit.id, active=True, name="滨江区建设局",
                                     categories=["noise", "solid_waste"])  # fmt: skip
        assert (unit.name, unit.categories, unit.active) == ("滨江区建设局", ["noise", "solid_waste"], True)  # fmt: skip
        with pytest.raises(CaseNotFound, match=f"no case unit {world.dept_unit}"):
            service.update_unit_in_scope(s, scope_of(user(s, "nb")), world.dept_unit, active=False)  # fmt: skip
        units = service.units_in_scope(s, hz)
        assert [u.name for u in units] == ["西湖区生态环境分局", "西湖区人民政府", "滨江区建设局", "滨江区人民政府"]  # fmt: skip
        assert service.open_cases_per_unit(s, [u.id for u in units]) == {gov.id: 1}


def test_signers_are_granted_and_revoked_within_the_region(engine, world):
    with session_scope(engine) as s:
        hz, zj = scope_of(user(s, "hz")), scope_of(user(s, "zj"))
        with pytest.raises(CaseConflict, match=r"binjiang \(330108\) does not see the cases of 330106"):  # fmt: skip
            service.grant_signer_in_scope(s, hz, "binjiang", "department", "330106")
        with pytest.raises(OutOfScope, match=r"region 330203 is outside the scope 330100"):
            service.grant_signer_in_scope(s, hz, "binjiang", "department", "330203")
        with pytest.raises(CaseConflict, match=r"no account 'nb' in your region"):
            service.grant_signer_in_scope(s, hz, "nb", "department", "330108")
        with pytest.raises(BadCaseInput, match=r"owner \(enterprise\) cannot sign acceptances"):
            service.grant_signer_in_scope(s, hz, "owner", "department", "330106")
        with pytest.raises(BadCaseInput, match=r"capacity: 'mayor': department or government"):
            service.grant_signer_in_scope(s, hz, "binjiang", "mayor", "330108")
        g = service.grant_signer_in_scope(s, hz, "binjiang", "department", "330108")
        grants = service.signers_in_scope(s, hz)
        assert [(x.region_code, x.capacity.value, x.username) for x in grants] == [
            ("330100", "government", "hz"),
            ("330106", "department", "dept"),
            ("330106", "government", "gov"),
            ("330108", "department", "binjiang"),
        ]
        # 滨江 has a department signer and 杭州's government signer covers it; 宁波 nobody
        unsigned = service.unsigned_regions(grants, service.regions_under("330100"))
        assert "330108" not in unsigned and unsigned["330102"] == [Capacity.DEPARTMENT]
        province = service.unsigned_regions(service.signers_in_scope(s, zj), ["330200", "330203"])
        assert province == {"330200": list(Capacity), "330203": list(Capacity)}
        with pytest.raises(CaseNotFound, match=f"no case signer entitlement {g.id}"):
            service.revoke_signer_in_scope(s, scope_of(user(s, "nb")), g.id)
        gone = service.revoke_signer_in_scope(s, hz, g.id)
        assert (gone.username, gone.capacity) == ("binjiang", Capacity.DEPARTMENT)
        assert s.get(CaseSigner, g.id) is None


def _login(client, username: str) -> None:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200


def test_the_page_adds_edits_deactivates_grants_and_revokes(client, engine, world):
    _login(client, "xihu")
    assert client.get("/cases/units").status_code == 403  # a county does not keep them
    _login(client, "hz")
    page = client.get("/cases/units")
    assert page.status_code == 200 and "杭州市责任单位与验收签字人" in page.text
    assert 'href="/cases/units"' in client.get("/cases").text  # linked from the case list
    assert "西湖区生态环境分局" in page.text and 'data-user="dept"' in page.text
    assert 'id="qs-unsigned"' in page.text and '<li data-region="330102">' in page.text
    # a department without a category: the error, the form keeps what was typed
    r = client.post("/cases/units/add", data={"name": "滨江区水利局", "kind": "department",
                                              "region_code": "330108"})  # fmt: skip
    assert r.status_code == 422
    assert "a department needs the categories it is competent for" in r.text
    assert 'value="滨江区水利局"' in r.text
    r = client.post("/cases/units/add", data={"name": "滨江区水利局", "kind": "department",
                                              "region_code": "330108",
                                              "categories": ["water_pollution", "ecology"]},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/cases/units?done=added#qs-units"
    page = client.get(r.headers["location"])
    assert "已新增责任单位" in page.text
    uid = int(re.search(r'<tr id="qs-unit-(\d+)" data-id="\d+" data-active="true">\s*<td class="qs-unit-name">滨江区水利局', page.text).group(1))  # fmt: skip
    r = client.post(f"/cases/units/{uid}/edit", data={"name": "滨江区水利局", "categories": []})
    assert r.status_code == 422 and "a department needs the categories" in r.text
    client.post(f"/cases/units/{uid}/edit", data={"active": "0"})
    page = client.get("/cases/units?lang=en")
    assert f'<tr id="qs-unit-{uid}" data-id="{uid}" data-active="false"' in page.text
    assert "Responsible units" in page.text
    # a signer for a region outside the city, then for 滨江
    r = client.post("/cases/signers/grant", data={"username": "binjiang", "capacity": "department",
                                                  "region_code": "330203"})  # fmt: skip
    assert r.status_code == 403 and "region 330203 is outside the scope 330100 of hz" in r.text
    r = client.post("/cases/signers/grant", data={"username": "binjiang", "capacity": "department",
                                                  "region_code": "330108"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    with session_scope(engine) as s:
        g = s.scalar(select(CaseSigner).where(CaseSigner.region_code == "330108"))
        assert (g.capacity, g.granted_by) == (Capacity.DEPARTMENT, "hz")
        gid = g.id
    page = client.get("/cases/units")
    assert 'data-user="binjiang" data-capacity="department" data-region="330108"' in page.text
    r = client.post(f"/cases/signers/{gid}/revoke", follow_redirects=False)
    assert r.status_code == 303 and 'data-user="binjiang"' not in client.get("/cases/units").text


def test_the_api_keeps_units_and_signers(client, world):
    h = auth(client, "hz")
    r = client.post("/api/v1/cases/units", headers=h,
                    json={"name": "滨江区环保局", "kind": "department", "region_code": "330108",
                          "categories": []})  # fmt: skip
    assert r.status_code == 422 and '"categories"' in r.text  # the schema: at least one
    r = client.patch(f"/api/v1/cases/units/{world.dept_unit}", headers=h,
                     json={"active": False, "categories": ["air_pollution"]})  # fmt: skip
    assert r.status_code == 200
    assert (r.json()["active"], r.json()["categories"]) == (False, ["air_pollution"])
    assert client.patch(f"/api/v1/cases/units/{world.dept_unit}", headers=auth(client, "nb"),
                        json={"active": True}).status_code == 404  # fmt: skip
    assert client.patch(f"/api/v1/cases/units/{world.dept_unit}", headers=auth(client, "xihu"),
                        json={"active": True}).status_code == 403  # fmt: skip
    grants = client.get("/api/v1/cases/signers", headers=h).json()
    assert [(g["username"], g["capacity"], g["role"]) for g in grants] == [
        ("hz", "government", "city"), ("dept", "department", "county"),
        ("gov", "government", "county"),
    ]  # fmt: skip
    assert client.get("/api/v1/cases/signers", headers=auth(client, "nb")).json() == []
    assert client.delete(f"/api/v1/cases/signers/{grants[1]['id']}",
                         headers=auth(client, "nb")).status_code == 404  # fmt: skip
    assert client.delete(f"/api/v1/cases/signers/{grants[1]['id']}", headers=h).status_code == 204
    assert len(client.get("/api/v1/cases/signers", headers=h).json()) == 2
