# ruff: noqa: F811  (the fixtures of .sources_world are imported by name)
"""On-site inspection findings (现场检查) registered by officers, on SQLite and PostgreSQL: the
case and its files, the duplicate candidates shown first (join or register anew), bad input
and scope refused with nothing stored; the page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from qingshan.accounts.errors import OutOfScope
from qingshan.cases import service
from qingshan.cases.complaints import Photo
from qingshan.cases.errors import BadCaseInput, EvidenceRejected, NotPermitted
from qingshan.cases.inspections import InspectionInput, inspection_duplicates, register_inspection
from qingshan.cases.models import CaseEventRow, CaseFile, CaseRecord
from qingshan.cases.workflow import CaseState
from qingshan.db.engine import session_scope

from .sources_world import (  # noqa: F401  (fixtures)
    NOW,
    XIHU,
    limits_for,
    login,
    png_bytes,
    sources_client,
    sources_world,
    user,
)


def _inp(**kw) -> InspectionInput:
    base = dict(
        category="emission_exceedance", severity="serious", title="锅炉烟囱冒黑烟",
        region_code="330106", description="现场可见黑烟，脱硫塔停运", enterprise="杭州西湖热电有限公司",
        place="转塘街道", longitude=XIHU[0], latitude=XIHU[1],
    )  # fmt: skip
    return InspectionInput(**(base | kw))


def _count(s) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        s.scalar(select(func.count()).select_from(t)) for t in (CaseRecord, CaseFile, CaseEventRow)
    )


def test_an_officer_registers_a_finding_with_its_files(engine, sources_world, tmp_path):
    with session_scope(engine) as s:
        files = [Photo("黑烟.png", png_bytes()), Photo("笔录.pdf", b"%PDF-1.7 record")]
        reg = register_inspection(
            s, user(s, "xihu"), _inp(files=files), limits=limits_for(tmp_path), now=NOW
        )
        c = reg.case
        assert (reg.outcome, c.source, c.category, c.severity, c.enterprise_id, c.registered_by) == (
            "new", "inspection", "emission_exceedance", "serious", sources_world.ent, "xihu",
        )  # fmt: skip
        got = s.scalars(
            select(CaseFile).where(CaseFile.case_id == c.id).order_by(CaseFile.id)
        ).all()
        assert [(f.filename, f.media_type, f.uploaded_by) for f in got] == [
            ("黑烟.png", "image/png", "xihu"), ("笔录.pdf", "application/pdf", "xihu"),
        ]  # fmt: skip


def test_duplicates_are_shown_first_and_the_officer_joins_one(engine, sources_world, tmp_path):
    with session_scope(engine) as s:
        first = register_inspection(
            s, user(s, "xihu"), _inp(), limits=limits_for(tmp_path), now=NOW
        ).case
        second = _inp(title="再次检查仍冒黑烟", longitude=120.101, latitude=30.2505, enterprise="")
        [dup] = inspection_duplicates(s, user(s, "hz"), second, now=NOW)
        assert dup.case.id == first.id and dup.reasons == ("nearby",) and dup.distance_m < 200
        reg = register_inspection(s, user(s, "hz"), second, limits=limits_for(tmp_path),
                                  join_case_id=first.id, now=NOW)  # fmt: skip
        assert (reg.outcome, reg.case.id) == ("attached", first.id)
        with pytest.raises(
            BadCaseInput, match=r"join: case 999 is not a candidate of this finding"
        ):
            register_inspection(
                s, user(s, "hz"), second, limits=limits_for(tmp_path), join_case_id=999, now=NOW
            )
        other = register_inspection(s, user(s, "hz"), second, limits=limits_for(tmp_path), now=NOW)
        assert other.outcome == "new" and other.case.id != first.id


@pytest.mark.parametrize(
    ("who", "kw", "error", "match"),
    [
        ("xihu", dict(enterprise="不存在的公司"), BadCaseInput,
         r"enterprise: '不存在的公司' names no enterprise of the archive"),
        ("xihu", dict(region_code="330203", longitude=None, latitude=None, enterprise=""), OutOfScope,
         r"region 330203 is outside the scope 330106 of xihu"),
        ("xihu", dict(category="smog"), BadCaseInput, r"category: unknown category 'smog'; one of emission_exceedance"),
        ("xihu", dict(title=" "), BadCaseInput, r"title: must not be empty"),
        ("xihu", dict(longitude=121.47, latitude=31.23, region_code=None), BadCaseInput,
         r"location: the point \(121\.47000, 31\.23000\) lies outside Zhejiang province"),
        ("xihu", dict(files=[Photo("a.exe", b"MZ\x90\x00")]), EvidenceRejected,
         r"file 'a\.exe': the file's content is an unrecognised type"),
        ("nb", dict(), OutOfScope, r"region 330106 is outside the scope 330200 of nb"),
    ],
)  # fmt: skip
def test_bad_findings_are_refused_and_nothing_is_stored(
    engine, sources_world, tmp_path, who, kw, error, match
):
    with session_scope(engine) as s:
        before = _count(s)
        with pytest.raises(error, match=match):
            register_inspection(s, user(s, who), _inp(**kw), limits=limits_for(tmp_path), now=NOW)
        assert _count(s) == before
    assert not (tmp_path / "evidence").exists()


def test_an_enterprise_account_registers_no_inspection(engine, sources_world, tmp_path):
    from qingshan.accounts.models import Role
    from qingshan.accounts.service import create_user

    with session_scope(engine) as s:
        owner = create_user(s, "owner", "owner-pass-123", Role.ENTERPRISE, "330106",
                            enterprise_id=sources_world.ent)  # fmt: skip
        with pytest.raises(
            NotPermitted, match=r"owner \(enterprise\) does not register inspections"
        ):
            register_inspection(s, owner, _inp(), limits=limits_for(tmp_path), now=NOW)


def test_the_inspection_page(sources_client, engine):
    login(sources_client, "xihu")
    listing = sources_client.get("/cases").text  # the case list leads to the form
    assert 'href="/cases/inspections/new"' in listing and 'href="/cases/handover"' not in listing
    page = sources_client.get("/cases/inspections/new")
    assert (
        page.status_code == 200 and "现场检查登记" in page.text and 'id="qs-pick-map"' in page.text
    )
    assert 'value="330203"' not in page.text  # only the counties of the officer's scope
    form = {"category": "noise", "severity": "general", "title": "夜间施工", "region_code": "330106",
            "longitude": "120.1", "latitude": "30.25"}  # fmt: skip
    r = sources_client.post("/cases/inspections/new", data=form, follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(
        r"/cases/\d+\?done=register", r.headers["location"]
    )
    r = sources_client.post("/cases/inspections/new", data=form | {"title": "又见夜间施工"})
    assert r.status_code == 200 and 'id="qs-duplicates"' in r.text and "夜间施工" in r.text
    case_id = int(re.search(r'value="join:(\d+)"', r.text).group(1))
    r = sources_client.post("/cases/inspections/new", data=form | {"decision": f"join:{case_id}"},
                            follow_redirects=False)  # fmt: skip
    assert r.headers["location"] == f"/cases/{case_id}?done=attach"
    r = sources_client.post("/cases/inspections/new", data=form | {"longitude": "121.47", "latitude": "31.23",
                                                                   "region_code": "", "decision": "new"})  # fmt: skip
    assert r.status_code == 422 and "lies outside Zhejiang province" in r.text
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1
        case = s.get_one(CaseRecord, case_id)
        assert case.state is CaseState.REGISTERED
        service.assign_case(s, user(s, "xihu"), case_id)  # the page's case is an ordinary case
    login(sources_client, "zj")
    assert sources_client.get("/cases/inspections/new").status_code == 200
    assert 'href="/cases/handover"' in sources_client.get("/cases").text
