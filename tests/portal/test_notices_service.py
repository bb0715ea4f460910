"""Notices: who reads what (notices_for, public_notices), the lifecycle (draft → published →
withdrawn, never deleted), read receipts, and the errors that name what is wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user, scope_of
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.portal.notices import service as ns
from qingshan.portal.notices.errors import (
    NoticeError,
    NoticeIllegalStep,
    NoticeNotFound,
    NoticeNotPermitted,
)
from qingshan.portal.notices.models import Notice
from qingshan.portal.notices.rules import render_body

PASSWORD = "notices-test-pass"
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def world(engine):
    """Two enterprises (西湖 330106, 宁波海曙 330203) with an account each; officers of the
    province, hangzhou, xihu and ningbo."""
    with session_scope(engine) as s:
        seed_regions(s)
        a = Enterprise(credit_code="91330106MA2NTC0001", name="西湖印染（测试）",
                       industry=Industry.CHEMICAL, region_code="330106")  # fmt: skip
        b = Enterprise(credit_code="91330203MA2NTC0002", name="海曙电镀（测试）",
                       industry=Industry.CHEMICAL, region_code="330203")  # fmt: skip
        s.add_all([a, b])
        s.flush()
        for name, role, region in [("prov", Role.PROVINCE, "330000"), ("hz", Role.CITY, "330100"),
                                   ("xh", Role.COUNTY, "330106"), ("nb", Role.CITY, "330200")]:  # fmt: skip
            create_user(s, name, PASSWORD, role, region)
        create_user(s, "ent_a", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=a.id)
        create_user(s, "ent_b", PASSWORD, Role.ENTERPRISE, "330203", enterprise_id=b.id)
        ids = {"a": a.id, "b": b.id}
    return engine, ids


def _scope(s, username):
    from qingshan.accounts.models import User

    return scope_of(s.scalar(select(User).where(User.username == username)))


def test_who_reads_what(world):
    engine, ids = world
    with session_scope(engine) as s:
        prov, hz, xh = _scope(s, "prov"), _scope(s, "hz"), _scope(s, "xh")
        mk = ns.create_notice
        p1 = mk(s, prov, title="全省公告", audience="public", publish=True, now=T0)
        r1 = mk(s, hz, title="杭州企业通知", audience="region", publish=True,
                now=T0 + timedelta(hours=1))  # fmt: skip
        l1 = mk(s, xh, title="致西湖印染", audience="listed", enterprise_ids=[ids["a"]],
                publish=True, now=T0 + timedelta(hours=2))  # fmt: skip
        o1 = mk(s, xh, title="内部通知", audience="officers", publish=True,
                now=T0 + timedelta(hours=3))  # fmt: skip
        d1 = mk(s, hz, title="草稿", audience="public", now=T0)
        nb = _scope(s, "nb")
        n1 = mk(s, nb, title="宁波企业通知", audience="region", publish=True, now=T0)

    with session_scope(engine) as s:
        titles = lambda views: [v.title for v in views]  # noqa: E731
        ent_a, ent_b = _scope(s, "ent_a"), _scope(s, "ent_b")
        # newest first; the officers' notice, the draft and Ningbo's never reach 西湖印染
        assert titles(ns.notices_for(s, ent_a)) == ["致西湖印染", "杭州企业通知", "全省公告"]
        # both at T0: the later written first
        assert titles(ns.notices_for(s, ent_b)) == ["宁波企业通知", "全省公告"]
        assert "致西湖印染" not in titles(ns.notices_for(s, ent_b))
        # the xihu officer reads its own (all audiences), hangzhou's and the province's
        assert titles(ns.notices_for(s, _scope(s, "xh"))) == [
            "内部通知", "致西湖印染", "杭州企业通知", "全省公告"]  # fmt: skip
        # ningbo's officer does not read hangzhou's or xihu's
        assert set(titles(ns.notices_for(s, _scope(s, "nb")))) == {"全省公告", "宁波企业通知"}
        # the province reads every published one
        assert len(ns.notices_for(s, _scope(s, "prov"))) == 5
        assert titles(ns.public_notices(s)) == ["全省公告"]
        assert titles(ns.notices_for(s, ent_a, limit=1)) == ["致西湖印染"]
        with pytest.raises(NoticeNotFound):
            ns.get_notice(s, ent_b, l1.id)
        with pytest.raises(NoticeNotFound):
            ns.get_notice(s, ent_a, o1.id)
        with pytest.raises(NoticeNotFound):
            ns.get_notice(s, ent_a, d1.id)
        assert ns.get_notice(s, ent_b, n1.id).title == "宁波企业通知"
        assert p1.state == r1.state == "published" and d1.state == "draft"


def test_withdraw_receipts_and_errors(world):
    engine, ids = world
    with session_scope(engine) as s:
        xh, ent_a = _scope(s, "xh"), _scope(s, "ent_a")
        v = ns.create_notice(s, xh, title="  排污许可证延续 提醒 ", body="请于**月底**前提交。",
                             audience="region", now=T0)  # fmt: skip
        assert v.title == "排污许可证延续 提醒" and v.allowed == ["edit", "publish"]
        assert ns.notices_for(s, ent_a) == []
        ns.publish_notice(s, xh, v.id, now=T0)
        seen = ns.mark_read(s, ent_a, v.id, now=T0 + timedelta(minutes=5))
        assert seen.read_at == T0 + timedelta(minutes=5)
        again = ns.mark_read(s, ent_a, v.id, now=T0 + timedelta(hours=5))
        assert again.read_at == T0 + timedelta(minutes=5)  # the first read counts
        assert ns.notices_for(s, ent_a)[0].read_at == T0 + timedelta(minutes=5)
        assert [(r.username, r.read_at) for r in ns.receipts(s, xh, v.id)] == [
            ("ent_a", T0 + timedelta(minutes=5))]  # fmt: skip
        with pytest.raises(NoticeError, match="reason"):
            ns.withdraw_notice(s, xh, v.id, reason="  ")
        with pytest.raises(
            NoticeIllegalStep, match="'publish' is not allowed in state 'published'"
        ):
            ns.publish_notice(s, xh, v.id)
        w = ns.withdraw_notice(s, xh, v.id, reason="发错对象", now=T0 + timedelta(days=1))
        assert w.state == "withdrawn" and w.withdrawn_by == "xh"
        # gone for readers, kept in the record with its receipts
        assert ns.notices_for(s, ent_a) == []
        with pytest.raises(NoticeNotFound):
            ns.mark_read(s, ent_a, v.id)
        assert [n.state for n in ns.list_notices(s, xh)] == ["withdrawn"]
        assert len(ns.receipts(s, xh, v.id)) == 1
        assert s.scalar(select(func.count()).select_from(Notice)) == 1
        # errors name what is wrong
        with pytest.raises(NoticeNotPermitted, match="bureau accounts only"):
            ns.create_notice(s, ent_a, title="x", audience="public")
        with pytest.raises(NoticeNotPermitted, match="outside the scope"):
            ns.create_notice(s, xh, title="x", audience="public", region_code="330200")
        with pytest.raises(NoticeError, match="audience 'everyone' is not one of"):
            ns.create_notice(s, xh, title="x", audience="everyone")
        with pytest.raises(NoticeError, match="needs at least one enterprise"):
            ns.create_notice(s, xh, title="x", audience="listed")
        with pytest.raises(NoticeError, match=r"outside the notice's region 330106"):
            ns.create_notice(s, xh, title="x", audience="listed", enterprise_ids=[ids["b"]])
        with pytest.raises(NoticeError, match="needs a title"):
            ns.create_notice(s, xh, title=" ", audience="public")
        with pytest.raises(NoticeNotFound):
            ns.receipts(s, _scope(s, "nb"), v.id)


def test_body_rendered_safely():
    html = render_body(
        "**注意**\n\n<script>alert(1)</script> [x](javascript:alert(1)) [站](/public)"
    )
    assert "<strong>注意</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and '<a href="/public">站</a>' in html
