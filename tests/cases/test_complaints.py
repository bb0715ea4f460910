"""Public complaints (群众举报) on SQLite and PostgreSQL: intake through the core (new case,
joining an open duplicate, relapse), the tracking number and the secret (hash only), the
public history, the bad inputs (nothing half-stored), the rate limit, and the public pages."""

# ruff: noqa: F811  (the fixtures of .sources_world are imported by name)
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from qingshan.cases import service
from qingshan.cases.complaint_guard import ComplaintGuard, TooManyComplaints
from qingshan.cases.complaint_models import CaseComplaint
from qingshan.cases.complaint_status import ComplaintNotFound, public_request, track_complaint
from qingshan.cases.complaints import ComplaintInput, Photo, secret_hash, submit_complaint
from qingshan.cases.errors import BadCaseInput, EvidenceRejected, EvidenceTooLarge
from qingshan.cases.models import CaseEventRow, CaseFile, CaseRecord, CaseSource
from qingshan.cases.workflow import CaseState
from qingshan.db.engine import session_scope

from .sources_world import (  # noqa: F401  (fixtures)
    HAISHU,
    NOW,
    SHANGHAI,
    XIHU,
    limits_for,
    login,
    png_bytes,
    sources_client,
    sources_world,
    user,
)

S = CaseState


def _inp(**kw) -> ComplaintInput:
    base = dict(
        category="air_pollution", description="化工厂夜间排放刺鼻气味，持续两小时",
        longitude=XIHU[0], latitude=XIHU[1], region_code="330106", place="西湖区转塘街道",
        contact_phone="0571-88888888",
    )  # fmt: skip
    return ComplaintInput(**(base | kw))


def _submit(s, tmp_path, *, now=NOW, **kw):
    return submit_complaint(s, _inp(**kw), limits=limits_for(tmp_path), max_photos=3, now=now)


def _counts(s) -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        s.scalar(select(func.count()).select_from(t))
        for t in (CaseRecord, CaseComplaint, CaseFile, CaseEventRow)
    )


def test_a_complaint_becomes_a_case_with_a_tracking_number_and_a_secret(
    engine, sources_world, tmp_path
):
    with session_scope(engine) as s:
        r = _submit(s, tmp_path, photos=[Photo("现场.png", png_bytes())])
        assert re.fullmatch(r"JB20260302[2-9A-HJ-NP-Z]{6}", r.tracking_no)
        assert re.fullmatch(r"([2-9A-HJ-NP-Z]{4}-){3}[2-9A-HJ-NP-Z]{4}", r.secret)
        assert r.outcome == "new"
        case = s.get_one(CaseRecord, r.case_id)
        assert (case.source, case.category, case.severity, case.state, case.region_code) == (
            "complaint", "air_pollution", "general", S.REGISTERED, "330106",
        )  # fmt: skip
        assert case.title == "群众举报·大气污染：化工厂夜间排放刺鼻气味，持续两小时"
        assert case.unit_id == sources_world.dept_unit  # routed by the core
        row = s.scalars(select(CaseComplaint)).one()
        assert row.secret_hash == secret_hash(r.secret) and r.secret not in str(row.secret_hash)
        assert row.secret_hash != r.secret and len(row.secret_hash) == 64
        src = s.scalars(select(CaseSource)).one()
        assert (src.source, src.source_key) == ("complaint", r.tracking_no)
        f = s.get_one(CaseFile, row.file_ids[0])
        assert (f.case_id, f.media_type, f.filename) == (case.id, "image/png", "现场.png")
        assert (tmp_path / "evidence" / f.sha256[:2] / f.sha256[2:4] / f.sha256).exists()
        # the audit log never holds the hash of the secret
        from qingshan.audit.models import AuditLog

        audit = s.scalars(select(AuditLog).where(AuditLog.entity == "case_complaint")).one()
        assert "secret_hash" not in (audit.after or {}) and audit.actor == "system"


def test_tracking_needs_the_number_and_the_secret(engine, sources_world, tmp_path):
    with session_scope(engine) as s:
        r = _submit(s, tmp_path)
    with session_scope(engine) as s:
        got = track_complaint(s, r.tracking_no.lower(), r.secret.replace("-", " ").lower())
        assert (got.state, got.status, got.description) == (
            S.REGISTERED, "open", "化工厂夜间排放刺鼻气味，持续两小时",
        )  # fmt: skip
        assert [(e.event, e.state) for e in got.events] == [("register", "registered")]
        for number, secret in (
            (r.tracking_no, "AAAA-BBBB-CCCC-DDDD"),
            ("JB20260302XXXXXX", r.secret),
        ):
            with pytest.raises(
                ComplaintNotFound, match=r"no complaint with this tracking number and secret"
            ):
                track_complaint(s, number, secret)
        public = public_request(s, r.tracking_no)
        assert public.description == "" and public.place == "" and public.events == []


def test_the_public_history_follows_the_loop_without_names_or_notes(
    engine, sources_world, tmp_path
):
    with session_scope(engine) as s:
        r = _submit(s, tmp_path)
        cid = r.case_id
        later = NOW + timedelta(hours=1)
        service.assign_case(s, user(s, "xihu"), cid, reason="请西湖分局核查", now=later)
        service.add_note(s, user(s, "xihu"), cid, reason="内部：举报人系竞争对手", now=later)
        service.start_rectification(s, user(s, "xihu"), cid, now=later)
        service.submit_for_acceptance(s, user(s, "xihu"), cid, reason="已更换活性炭", now=later)
        service.sign_acceptance(s, user(s, "dept"), cid, "department", now=later)
        service.sign_acceptance(s, user(s, "gov"), cid, "government", now=later)
    with session_scope(engine) as s:
        got = track_complaint(s, r.tracking_no, r.secret)
        assert [(e.event, e.state) for e in got.events] == [
            ("register", "registered"), ("assign", "assigned"), ("start", "rectifying"),
            ("submit", "submitted"), ("accept", "accepted"),
        ]  # fmt: skip
        assign = got.events[1].detail
        assert assign["unit"] == "西湖区生态环境分局"
        assert assign["due_at"] == (NOW + timedelta(hours=1, days=30)).isoformat()
        text = repr(got)
        for secret_word in ("xihu", "dept", "gov", "竞争对手", "活性炭", "请西湖分局核查", "0571"):
            assert secret_word not in text
        assert (got.status, got.due_at, got.unit_name) == ("closed", None, "西湖区生态环境分局")


def test_a_repeat_complaint_nearby_joins_the_open_case(engine, sources_world, tmp_path):
    with session_scope(engine) as s:
        first = _submit(s, tmp_path)
        near = _submit(s, tmp_path, now=NOW + timedelta(days=1), longitude=120.102,
                       latitude=30.251, description="又闻到那股气味")  # fmt: skip
        other = _submit(s, tmp_path, now=NOW + timedelta(days=1), category="noise",
                        attributes={"PERIOD": "night"})  # fmt: skip
        assert (near.outcome, near.case_id) == ("attached", first.case_id)
        assert other.outcome == "new" and other.case_id != first.case_id
        attach = s.scalars(
            select(CaseEventRow).where(
                CaseEventRow.case_id == first.case_id, CaseEventRow.event == "attach"
            )
        ).one()
        assert attach.detail["source_key"] == near.tracking_no
    with session_scope(engine) as s:
        got = track_complaint(s, near.tracking_no, near.secret)
        assert [e.event for e in got.events] == ["attach"]  # its own arrival, not the earlier past
        assert got.outcome == "attached" and got.case_number == f"330106-2026-{first.case_id:06d}"


def test_a_complaint_naming_the_enterprise_of_a_closed_case_reopens_it(
    engine, sources_world, tmp_path
):
    with session_scope(engine) as s:
        r = _submit(s, tmp_path, enterprise="杭州西湖热电有限公司")
        cid = r.case_id
        assert s.get_one(CaseRecord, cid).enterprise_id == sources_world.ent
        for step in (
            lambda: service.assign_case(s, user(s, "xihu"), cid, now=NOW),
            lambda: service.start_rectification(s, user(s, "xihu"), cid, now=NOW),
            lambda: service.submit_for_acceptance(s, user(s, "xihu"), cid, reason="done", now=NOW),
            lambda: service.sign_acceptance(s, user(s, "dept"), cid, "department", now=NOW),
            lambda: service.sign_acceptance(s, user(s, "gov"), cid, "government", now=NOW),
            lambda: service.close_case(s, user(s, "xihu"), cid, now=NOW),
        ):
            step()
        # four months later, far from the first place: the credit code names the enterprise
        again = _submit(s, tmp_path, now=NOW + timedelta(days=120), enterprise="91330106ma2xihu01a",
                        longitude=120.20, latitude=30.30, region_code=None)  # fmt: skip
        assert (again.outcome, again.case_id) == ("relapse", cid)
        case = s.get_one(CaseRecord, cid)
        assert (case.state, case.relapse_count) == (S.REOPENED, 1)
    with session_scope(engine) as s:
        got = track_complaint(s, again.tracking_no, again.secret)
        assert [(e.event, e.detail) for e in got.events] == [("reopen", {"kind": "relapse"})]
        assert got.status == "open"


def test_a_merged_case_is_followed(engine, sources_world, tmp_path):
    with session_scope(engine) as s:
        a = _submit(s, tmp_path, category="water_pollution", attributes={"WATER": "river"})
        b = _submit(s, tmp_path, category="solid_waste", longitude=HAISHU[0], latitude=HAISHU[1],
                    region_code="330203")  # fmt: skip
        service.merge_case(s, user(s, "zj"), b.case_id, a.case_id, reason="同一问题",
                           now=NOW + timedelta(hours=2))  # fmt: skip
        service.cancel_case(s, user(s, "zj"), a.case_id, reason="经核查不属实",
                            now=NOW + timedelta(hours=3))  # fmt: skip
    with session_scope(engine) as s:
        got = track_complaint(s, b.tracking_no, b.secret)
        assert (got.state, got.status) == (S.CANCELLED, "closed")
        assert [e.event for e in got.events] == ["register", "merge", "cancel"]
        assert "不属实" not in repr(got)  # reasons stay internal


@pytest.mark.parametrize(
    ("kw", "error", "match"),
    [
        (dict(category="emission_exceedance"), BadCaseInput,
         r"service_code: unknown category 'emission_exceedance' for public reports; one of air_pollution"),
        (dict(description="   "), BadCaseInput, r"description: must not be empty"),
        (dict(description="x" * 4001), BadCaseInput, r"description: at most 4000 characters, got 4001"),
        (dict(longitude=SHANGHAI[0], latitude=SHANGHAI[1], region_code=None), BadCaseInput,
         r"location: the point \(121\.47000, 31\.23000\) lies outside Zhejiang province"),
        (dict(region_code="330203"), BadCaseInput,
         r"region_code: 330203 海曙区 is not in 杭州市 330100, where the point"),
        (dict(latitude=None), BadCaseInput, r"location: give both longitude and latitude, or neither"),
        (dict(longitude=None, latitude=None, region_code=None), BadCaseInput,
         r"location: give the location \(longitude and latitude\) or a region"),
        (dict(region_code="310101"), BadCaseInput, r"region_code: region code '310101' is outside Zhejiang"),
        (dict(contact_phone="call me"), BadCaseInput, r"contact_phone: 'call me' is not a phone number"),
        (dict(contact_email="a@b"), BadCaseInput, r"contact_email: 'a@b' is not an e-mail address"),
        (dict(category="noise"), BadCaseInput, r"attribute\[PERIOD\]: required"),
        (dict(attributes={"PERIOD": "night"}), BadCaseInput,
         r"attribute\[PERIOD\]: unknown attribute of air_pollution; known: ENTERPRISE, OBSERVED, KIND"),
        (dict(attributes={"KIND": ["smoke", "fog"]}), BadCaseInput,
         r"attribute\[KIND\]: \['fog'\] not among burning, dust, odour, smoke"),
        (dict(observed_at=NOW + timedelta(hours=1)), BadCaseInput, r"observed_at: .* is in the future"),
        (dict(media_url="ftp://x/y.jpg"), BadCaseInput, r"media_url: an http\(s\) URL"),
        (dict(photos=[Photo("a.pdf", b"%PDF-1.7 ...")]), EvidenceRejected,
         r"photo 'a\.pdf': the file's content is pdf; accepted: jpeg, png"),
        (dict(photos=[Photo("a.png", b"not an image")]), EvidenceRejected,
         r"photo 'a\.png': the file's content is an unrecognised type"),
        (dict(photos=[Photo("big.png", png_bytes() + b"\0" * 1024 * 1024)]), EvidenceTooLarge,
         r"photo 'big\.png': the file has \d+ bytes, more than the limit of 1048576"),
        (dict(photos=[Photo(f"{i}.png", png_bytes()) for i in range(4)]), BadCaseInput,
         r"photos: at most 3 photos, got 4 \(setting QINGSHAN_COMPLAINT_MAX_PHOTOS\)"),
    ],
)  # fmt: skip
def test_bad_complaints_are_refused_and_nothing_is_stored(
    engine, sources_world, tmp_path, kw, error, match
):
    with session_scope(engine) as s:
        before = _counts(s)
        with pytest.raises(error, match=match):
            _submit(s, tmp_path, **kw)
        assert _counts(s) == before
    assert not (tmp_path / "evidence").exists()


def test_the_guard_limits_submissions_and_failed_lookups_per_address():
    guard = ComplaintGuard("2/hour", "1/hour")
    for _ in range(2):
        guard.check_submission("10.0.0.1")
        guard.submitted("10.0.0.1")
    with pytest.raises(TooManyComplaints, match=r"too many complaints from this address") as info:
        guard.check_submission("10.0.0.1")
    assert 0 < info.value.context["retry_after"] <= 3600
    guard.check_submission("10.0.0.2")  # another address is not held up
    guard.check_lookup("10.0.0.1")
    guard.failed_lookup("10.0.0.1")
    with pytest.raises(TooManyComplaints, match=r"too many failed lookups"):
        guard.check_lookup("10.0.0.1")


def _receipt(r) -> tuple[str, str]:
    no = re.search(r'id="qs-tracking-no">([^<]+)<', r.text).group(1)
    secret = re.search(r'id="qs-secret">([^<]+)<', r.text).group(1)
    return no, secret


def test_the_public_form_the_receipt_and_the_tracking_page(sources_client, engine):
    sources_client.cookies.set("qingshan_token", "forged.cookie.value")  # plays no part
    form = sources_client.get("/complaints/new")
    assert (
        form.status_code == 200
        and 'id="qs-pick-map"' in form.text
        and "生态环境问题举报" in form.text
    )
    assert "Report an environmental problem" in sources_client.get("/complaints/new?lang=en").text
    data = {"category": "noise", "description": "工地凌晨施工", "longitude": "120.1", "latitude": "30.25",
            "region_code": "330106", "attr.PERIOD": "night", "contact_phone": "13800000000"}  # fmt: skip
    r = sources_client.post("/complaints/new?lang=zh", data=data,
                            files=[("photos", ("现场.png", png_bytes(), "image/png"))])  # fmt: skip
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    no, secret = _receipt(r)
    assert "查询码只显示这一次" in r.text
    r = sources_client.post("/complaints/track", data={"tracking_no": no, "secret": secret})
    assert r.status_code == 200 and 'data-state="registered"' in r.text and "工地凌晨施工" in r.text
    assert "现场.png" in r.text and "13800000000" not in r.text
    r = sources_client.post("/complaints/track", data={"tracking_no": no, "secret": "WRONG-SECRET"})
    assert r.status_code == 404 and "举报编号或查询码不正确" in r.text
    bad = data | {"longitude": "121.47", "latitude": "31.23", "region_code": ""}
    r = sources_client.post("/complaints/new", data=bad)
    assert r.status_code == 422 and 'data-field="location"' in r.text
    assert "问题位置 — the point (121.47000, 31.23000) lies outside Zhejiang" in r.text
    assert "工地凌晨施工</textarea>" in r.text  # what was typed is kept
    r = sources_client.post(
        "/complaints/new", data=data, files=[("photos", ("a.png", b"GIF89a", "image/png"))]
    )
    assert r.status_code == 415 and 'data-field="photos"' in r.text
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(CaseComplaint)) == 1


def test_the_form_is_rate_limited_per_address(sources_world, app_settings):
    from fastapi.testclient import TestClient

    from qingshan.platform.app import create_app

    settings = app_settings.model_copy(update={"complaint_rate_per_address": "1/hour",
                                               "complaint_lookup_rate_per_address": "1/hour"})  # fmt: skip
    data = {"category": "other", "description": "河边堆满垃圾", "region_code": "330106"}
    with TestClient(create_app(settings)) as client:
        assert client.post("/complaints/new", data=data).status_code == 200
        r = client.post("/complaints/new", data=data)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert "too many complaints from this address" in r.text
        for status in (404, 429):  # one failed lookup, then no more
            assert (
                client.post(
                    "/complaints/track", data={"tracking_no": "JB1", "secret": "x"}
                ).status_code
                == status
            )


def test_another_sources_report_with_the_tracking_number_as_key_is_not_the_complaints(
    engine, sources_world, tmp_path
):
    """A hand-over item numbered like a tracking number, attached to the complaint's case, is
    not the complaint's own arrival: the public history shows only the complaint's events."""
    with session_scope(engine) as s:
        got = _submit(s, tmp_path)
        draft = service.CaseDraft(
            source="central_inspection", category="air_pollution", severity="serious",
            title="督察交办", region_code="330106", occurred_at=NOW, source_key=got.tracking_no,
            join_case_id=got.case_id,
        )  # fmt: skip
        reg = service.register_case(s, draft, actor="zj", now=NOW + timedelta(hours=1))
        assert (reg.outcome, reg.case.id) == ("attached", got.case_id)
    with session_scope(engine) as s:
        assert [e.event for e in track_complaint(s, got.tracking_no, got.secret).events] == [
            "register"
        ]
