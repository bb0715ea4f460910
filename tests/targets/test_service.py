"""The targets service on a migrated database: loading the plan (units through the cases
service, the decomposition), the report lifecycle, scope, and progress."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from qingshan.cases import service as cases
from qingshan.db.engine import session_scope
from qingshan.targets import service
from qingshan.targets.board import progress_board, target_detail
from qingshan.targets.errors import (
    BadReport,
    IllegalReportStep,
    NotPermitted,
    ReportNotFound,
    TargetError,
)
from qingshan.targets.models import Target, TargetReminder, TargetShare, TargetUnit
from qingshan.targets.plan_file import DEFAULT_PLAN, read_plan_file
from qingshan.targets.reminders import reminders_for, send_reminders
from qingshan.targets.status import Status

from .conftest import ENTERPRISE, HANGZHOU, NINGBO, PROVINCE, XIHU

NOW = datetime(2021, 7, 2, 2, tzinfo=UTC)  # 10:00 CST; half of 2021 has passed


def _target(s, code: str) -> Target:
    return s.scalar(select(Target).where(Target.code == code))


def test_loading_the_plan_stores_targets_units_and_shares(engine, loaded):
    assert (loaded.targets, loaded.shares) == (20, 19 * 11)  # 21.1 stays at the province
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Target)) == 20
        units = {u.name for u in cases.list_units(s, "330000") if u.region_code == "330000"}
        assert set(loaded.units_added) == units and "省生态环境厅水生态环境处" in units
        t = _target(s, "13.2")  # 25 black-odorous water bodies: 2 a city, the first 3 cities 3
        shares = dict(s.execute(select(TargetShare.region_code, TargetShare.value)
                                .where(TargetShare.target_id == t.id)).all())  # fmt: skip
        assert (shares["330100"], shares["330300"], shares["330400"]) == (3.0, 3.0, 2.0)
        assert sum(shares.values()) == 25.0 and len(shares) == 11
        t = _target(s, "12.4")  # 20 sections as the file shares them: 衢州 none
        shares = dict(s.execute(select(TargetShare.region_code, TargetShare.value)
                                .where(TargetShare.target_id == t.id)).all())  # fmt: skip
        assert (shares["331000"], shares["330800"], sum(shares.values())) == (4.0, 0.0, 20.0)
        lead = s.scalar(select(TargetUnit.unit_id).where(TargetUnit.target_id == t.id,
                                                         TargetUnit.lead.is_(True)))  # fmt: skip
        assert lead is not None
        # loading again replaces the plan (no reports yet), adding no unit
        again = service.load_plan(s, read_plan_file(DEFAULT_PLAN))
        assert again.units_added == [] and again.targets == 20


def test_the_report_lifecycle(engine, loaded):
    with session_scope(engine) as s:
        t = _target(s, "13.2")
        r = service.submit_report(s, HANGZHOU, t.id, "330100", 1, date(2021, 6, 30),
                                  "萧山一处黑臭水体销号", now=NOW)  # fmt: skip
        assert r.state == "submitted"
        with pytest.raises(BadReport, match="reason: a returned report says why"):
            service.review_report(s, PROVINCE, r.id, "return", "", now=NOW)
        service.review_report(s, PROVINCE, r.id, "return", "缺验收文件", now=NOW)
        assert (r.state, r.review_note, r.reviewed_by) == ("returned", "缺验收文件", "province")
        with pytest.raises(IllegalReportStep,
                           match=r"event 'accept' is not allowed in state 'returned' \(allowed: resubmit\)"):  # fmt: skip
            service.review_report(s, PROVINCE, r.id, "accept", now=NOW)
        with pytest.raises(NotPermitted, match="only the province reviews"):
            service.review_report(s, HANGZHOU, r.id, "accept", now=NOW)
        service.resubmit_report(s, HANGZHOU, r.id, 2, date(2021, 7, 1), "补充验收文件", now=NOW)
        assert (r.state, r.value) == ("submitted", 2.0)
        service.review_report(s, PROVINCE, r.id, "accept", now=NOW)
        service.review_report(s, PROVINCE, r.id, "audit", now=NOW)
        assert (r.state, r.audited_by) == ("audited", "province")
        with pytest.raises(IllegalReportStep, match="'audit' is not allowed in state 'audited' "
                                                    r"\(no event is allowed\)"):  # fmt: skip
            service.review_report(s, PROVINCE, r.id, "audit", now=NOW)
        # counted: 2 of 杭州's 3 water bodies on 2021-07-02 (expected 0.5) → on track
        board = progress_board(s, PROVINCE, as_of=date(2021, 7, 2))
        row = next(x for x in board.rows if x.target.code == "13.2")
        cell = row.cities["330100"]
        assert (cell.value, cell.progress, cell.status) == (2.0, 2 / 3, Status.ON_TRACK)
        assert (row.province.value, row.province.progress) == (2.0, 2 / 25)
        assert row.province.status is Status.BEHIND  # 0.08 < 0.5 − 0.25
        assert row.cities["330200"].status is Status.NO_DATA
        assert (row.reported, row.owing) == (1, 11)
        # 杭州's own board counts its own cells: 13.2 on track, 18 not reported (12.2, computed,
        # has no park record), 21.1 not its
        counts = progress_board(s, HANGZHOU, as_of=date(2021, 7, 2)).counts()
        assert (counts["on_track"], counts["no_data"], sum(counts.values())) == (1, 18, 19)


def test_reports_are_checked(engine, loaded):
    with session_scope(engine) as s:
        t = _target(s, "main.1")
        with pytest.raises(BadReport, match="value: a rate is at most 100 %, got 120"):
            service.submit_report(s, HANGZHOU, t.id, "330100", 120, date(2021, 6, 30), now=NOW)
        with pytest.raises(BadReport, match="as_of: 2021-07-03 is in the future"):
            service.submit_report(s, HANGZHOU, t.id, "330100", 90, date(2021, 7, 3), now=NOW)


def test_scope(engine, loaded):
    with session_scope(engine) as s:
        t = _target(s, "13.2")
        with pytest.raises(NotPermitted, match="county account 'xihu' does not report target 13.2"):
            service.submit_report(s, XIHU, t.id, "330100", 1, date(2021, 6, 1), now=NOW)
        with pytest.raises(NotPermitted, match="does not report target 13.2 for 330200"):
            service.submit_report(s, HANGZHOU, t.id, "330200", 1, date(2021, 6, 1), now=NOW)
        with pytest.raises(NotPermitted, match="does not report target 13.2 for 330000"):
            service.submit_report(s, PROVINCE, t.id, "330000", 1, date(2021, 6, 1), now=NOW)
        tech = _target(s, "21.1")  # kept at the province: its lead department reports
        service.submit_report(s, PROVINCE, tech.id, "330000", 6, date(2021, 6, 30), now=NOW)
        with pytest.raises(NotPermitted):
            service.submit_report(s, HANGZHOU, tech.id, "330100", 1, date(2021, 6, 1), now=NOW)
        r = service.submit_report(s, NINGBO, t.id, "330200", 1, date(2021, 6, 1), now=NOW)
        with pytest.raises(ReportNotFound, match=f"no progress report {r.id}"):
            service.resubmit_report(s, HANGZHOU, r.id, 1, date(2021, 6, 1), now=NOW)  # Ningbo's
        assert [x.region_code for x in target_detail(
            s, HANGZHOU, t.id, as_of=date(2021, 7, 2)).reports] == []  # fmt: skip
        assert progress_board(s, XIHU, as_of=date(2021, 7, 2)).cities == ["330100"]
        assert progress_board(s, HANGZHOU, as_of=date(2021, 7, 2)).cities == ["330100"]
        assert len(progress_board(s, PROVINCE, as_of=date(2021, 7, 2)).cities) == 11
        detail = target_detail(s, XIHU, t.id, as_of=date(2021, 7, 2))
        assert detail.read_only and detail.may_report == [] and detail.reports == []
        with pytest.raises(NotPermitted, match="province, city and county accounts"):
            progress_board(s, ENTERPRISE)


def test_a_plan_with_reports_is_not_replaced(engine, loaded):
    with session_scope(engine) as s:
        t = _target(s, "13.2")
        service.submit_report(s, HANGZHOU, t.id, "330100", 1, date(2021, 6, 1), now=NOW)
        with pytest.raises(TargetError, match="plan zhejiang-2021 is loaded and has progress "
                                              "reports; not replaced"):  # fmt: skip
            service.load_plan(s, read_plan_file(DEFAULT_PLAN))


def test_reminders_once_per_lead_time(engine, loaded):
    with session_scope(engine) as s:
        t = _target(s, "14.1")  # due 2021-06-30: 29 days left on 2021-06-01
        t.metric = "reported"  # computed since the waste ledger (#18); reminders are for reported
        done = service.submit_report(s, HANGZHOU, t.id, "330100", 100, date(2021, 5, 31),
                                     now=datetime(2021, 6, 1, 1, tzinfo=UTC))  # fmt: skip
        service.review_report(s, PROVINCE, done.id, "accept")
        n = send_reminders(s, now=datetime(2021, 6, 1, 1, tzinfo=UTC))
        assert n == 10  # 14.1: the ten cities not at 100 % (杭州 met), 30 days ahead
        assert send_reminders(s, now=datetime(2021, 6, 2, 1, tzinfo=UTC)) == 0
        rows = s.scalars(select(TargetReminder)).all()
        assert {(r.target_id, r.days) for r in rows} == {(t.id, 30)}
        assert "330100" not in {r.region_code for r in rows}
        n7 = send_reminders(s, now=datetime(2021, 6, 24, 1, tzinfo=UTC))
        assert n7 == 10
        assert [r.region_code for _, r in reminders_for(s, NINGBO)] == ["330200"] * 2
