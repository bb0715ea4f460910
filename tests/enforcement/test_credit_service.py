"""Credit over the database (issue #12): grades that follow from the archive's record (through
``enterprise_findings``), a history row only when the grade changes, one-veto from a recorded
violation, scoped lists, the archive's ``CreditSummary``; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.records import ViolationInput, record_inspection, record_penalty
from qingshan.db.engine import session_scope
from qingshan.enforcement import service
from qingshan.enforcement.errors import BadEnforcementInput, EnforcementNotFound
from qingshan.enforcement.models import CreditRating
from qingshan.errors import PermissionDenied
from qingshan.timeutil import CST

from .conftest import NOW, officer

LATER = NOW + timedelta(days=1)


def _penalise(s, ent: int, amount: float, day: date, no: str) -> None:
    record_penalty(s, ent, decision_no=no, legal_basis="《中华人民共和国大气污染防治法》第九十九条",
                   kind="fine", decided_on=day, amount_yuan=amount, actor="test", now=NOW)  # fmt: skip


def _inspect(s, ent: int, category: str, day: date) -> None:
    record_inspection(s, ent, kind="onsite", inspected_at=datetime(day.year, day.month, day.day, 10, tzinfo=CST),
                      inspectors=["甲", "乙"], actor="test", violations=[ViolationInput(category, "现场发现")],
                      now=NOW)  # fmt: skip


def test_grades_follow_from_the_record(engine, world):
    a, b, c = world.enterprises["330106"][:3]
    with session_scope(engine) as s:
        _penalise(s, a, 80_000, date(2026, 5, 1), "杭环罚〔2026〕1号")  # −6 → 94 良好
        _inspect(s, b, "bypass", date(2026, 6, 1))  # one-veto → 不良
        _inspect(s, c, "records", date(2026, 6, 1))  # −5 → 95 诚信
        run = service.recompute_credit(s, now=NOW)
        assert run.rated == 18 and run.changed == 18
        grades = {r.enterprise_id: (r.score, r.grade, r.vetoed) for r in s.scalars(
            select(CreditRating).where(CreditRating.current))}  # fmt: skip
        assert grades[a] == (94.0, "good", False)
        assert grades[b] == (95.0, "poor", True)
        assert grades[c] == (95.0, "trustworthy", False)
        assert grades[world.enterprises["330108"][0]] == (100.0, "trustworthy", False)
        assert run.by_grade == {"trustworthy": 16, "good": 1, "warning": 0, "poor": 1}


def test_history_grows_only_when_the_grade_changes(engine, world):
    a = world.enterprises["330106"][0]
    with session_scope(engine) as s:
        service.recompute_credit(s, now=NOW)
        assert service.recompute_credit(s, now=LATER).changed == 0
        _penalise(s, a, 300_000, date(2026, 11, 1), "杭环罚〔2026〕2号")  # −10 → 90 良好
        run = service.recompute_credit(s, now=LATER)
        assert run.changed == 1
        detail = service.rating_detail(s, officer("hz"), a)
        assert (detail.score, detail.grade, detail.grade_name) == (90.0, "good", "良好")
        assert [h.grade for h in detail.history] == ["good", "trustworthy"]
        assert detail.reasons[0].kind == "penalty" and detail.reasons[0].points == 10
        assert detail.reasons[0].link == f"/enterprises/{a}#penalty-1"
        assert detail.weights_confirmed is False


def test_a_finding_leaves_the_window(engine, world):
    a = world.enterprises["330106"][0]
    with session_scope(engine) as s:
        _penalise(s, a, 1000, date(2025, 11, 20), "杭环罚〔2025〕9号")
        assert service.recompute_credit(s, now=NOW, enterprise_ids=[a]).by_grade["good"] == 0
        detail = service.rating_detail(s, officer("zj"), a)
        assert detail.score == 97.0  # 2025-11-20 is inside the 12 months to 2026-11-10
        later = NOW + timedelta(days=30)
        service.recompute_credit(s, now=later, enterprise_ids=[a])
        assert service.rating_detail(s, officer("zj"), a).score == 100.0


def test_lists_are_scoped_and_filtered(engine, world):
    with session_scope(engine) as s:
        _inspect(s, world.enterprises["330108"][0], "bypass", date(2026, 6, 1))
        service.recompute_credit(s, now=NOW)
        assert service.list_ratings(s, officer("zj")).total == 18
        assert service.list_ratings(s, officer("hz")).total == 16
        assert service.list_ratings(s, officer("xihu")).total == 8
        assert service.list_ratings(s, officer("nb")).total == 2
        ent = Scope("330106", Role.ENTERPRISE, enterprise_id=world.owner_enterprise, username="ent")
        page = service.list_ratings(s, ent)
        assert [i.enterprise_id for i in page.items] == [world.owner_enterprise]
        poor = service.list_ratings(s, officer("hz"), grade="poor")
        assert poor.total == 1 and poor.items[0].region_code == "330108"
        assert {g.grade: g.count for g in poor.by_grade}["trustworthy"] == 15
        assert service.list_ratings(s, officer("hz"), region="330108").total == 4
        assert service.list_ratings(s, officer("zj"), q="企业01").total == 1
        with pytest.raises(BadEnforcementInput, match=r"grade: unknown grade 'black'; one of "):
            service.list_ratings(s, officer("hz"), grade="black")
        with pytest.raises(PermissionDenied, match=r"region 330203 is outside your region"):
            service.list_ratings(s, officer("hz"), region="330203")
        with pytest.raises(EnforcementNotFound, match=r"no credit rating of enterprise"):
            service.rating_detail(s, officer("nb"), world.enterprises["330106"][0])


def test_the_archive_credit_summary(engine, world):
    a = world.enterprises["330106"][1]
    with session_scope(engine) as s:
        assert service.credit_summary(s, a) is None
        _inspect(s, a, "bypass", date(2026, 6, 1))
        service.recompute_credit(s, now=NOW)
        g = service.credit_summary(s, a)
        assert (g.grade, g.name, g.colour, g.score) == ("poor", "环保不良企业", "red", 95.0)
        assert g.reasons == ["−5 2026-06-01 暗管偷排：现场发现（一票否决）"]
        assert g.weights_confirmed is False and g.evaluated_on == date(2026, 11, 10)
        assert g.url == f"/credit/{a}"
        assert [(h["since"], h["grade"], h["name"]) for h in g.history] == [
            (date(2026, 11, 10), "poor", "不良")
        ]


def test_recompute_names_unknown_enterprises(engine, world):
    with session_scope(engine) as s:
        with pytest.raises(EnforcementNotFound, match=r"no enterprise 999"):
            service.recompute_credit(s, now=NOW, enterprise_ids=[999])


def test_a_new_score_within_the_same_grade_updates_the_current_row(engine, world):
    a = world.enterprises["330106"][0]
    with session_scope(engine) as s:
        service.recompute_credit(s, now=NOW)
        _penalise(s, a, 1000, date(2026, 11, 1), "杭环罚〔2026〕3号")  # −3 → 97, still 诚信
        run = service.recompute_credit(s, now=LATER)
        assert (run.changed, run.updated) == (0, 1)
        detail = service.rating_detail(s, officer("zj"), a)
        assert detail.score == 97.0 and len(detail.history) == 1
        assert detail.reasons[0].title.startswith("行政处罚")
