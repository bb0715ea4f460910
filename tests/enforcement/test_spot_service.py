"""Spot checks over the database (issue #12): plans, the draw stored with its inputs file and
hash, verify, exclusions from the roster and recent tasks, too few inspectors storing nothing,
results recorded in the archive with a case for a violation; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qingshan.db.engine import session_scope
from qingshan.enforcement import service
from qingshan.enforcement.errors import (
    BadEnforcementInput,
    EnforcementConflict,
    TooFewInspectors,
)
from qingshan.enforcement.models import SpotCheckDraw, SpotCheckTask
from qingshan.errors import PermissionDenied

from .conftest import NOW, officer


def plan(s, who="hz", region="330100", period="2026Q4"):
    return service.create_plan(s, officer(who), item_code="HZ-KEY-Q", region_code=region,
                               period=period, actor=who, now=NOW)  # fmt: skip


def test_a_draw_is_stored_with_its_file_hash_and_tasks(engine, world):
    with session_scope(engine) as s:
        p = plan(s)
        d = service.draw_plan(s, officer("hz"), p.id, actor="hz", now=NOW, seed=2021)
        draw_id, plan_id = d.id, p.id
    with session_scope(engine) as s:
        d = s.get(SpotCheckDraw, draw_id)
        inputs = json.loads(d.inputs)
        # key units of 杭州 by county: 西湖 6 of 8, 滨江 3 of 4, 余杭 3 of 4; 25 %: 2, 1, 1
        assert inputs["population"] == {"330106": 6, "330108": 3, "330110": 3}
        assert d.result["quotas"] == {"330106": 2, "330108": 1, "330110": 1}
        assert d.seed == 2021 and d.inputs.endswith("\n")
        tasks = service.plan_tasks(s, plan_id)
        assert len(tasks) == 4 and all(len(t.inspector_ids) == 2 for t in tasks)
        # the same-county rule: nobody inspects in the county of their own unit
        county = {i: c for c, ids in world.inspectors.items() for i in ids}
        assert all(county[i] != t.region_code for t in tasks for i in t.inspector_ids)
        # 宁波's inspectors are outside the plan's region
        assert not set(world.inspectors["330200"]) & {i for t in tasks for i in t.inspector_ids}
        v = service.verify_draw(s, draw_id)
        assert v.ok and v.tasks == 4
        assert service.draw_inputs_file(s, draw_id) == d.inputs.encode()


def test_verify_a_kept_file_and_an_altered_one(engine, world):
    with session_scope(engine) as s:
        d = service.draw_plan(s, officer("hz"), plan(s).id, actor="hz", now=NOW, seed=7)
        data = service.draw_inputs_file(s, d.id)
        assert service.verify_file(s, data).ok  # finds the draw by the plan in the file
        obj = json.loads(data)
        obj["candidates"][0]["weight"] = 9.0
        from qingshan.enforcement.draw import canonical

        v = service.verify_file(s, canonical(obj))
        assert not v.ok and not v.hash_matches
        cid = obj["candidates"][0]["id"]
        assert v.differences[0].startswith(f"candidates[id={cid}].weight: ")


def test_a_plan_is_drawn_once_and_an_enterprise_once_per_item_and_period(engine, world):
    with session_scope(engine) as s:
        p = plan(s)
        service.draw_plan(s, officer("hz"), p.id, actor="hz", now=NOW, seed=1)
        with pytest.raises(EnforcementConflict, match=rf"plan {p.id} was drawn already"):
            service.draw_plan(s, officer("hz"), p.id, actor="hz", now=NOW)
        first = {t.enterprise_id for t in service.plan_tasks(s, p.id)}
        # 西湖's own plan for the same item and quarter: the drawn ones are not candidates
        p2 = plan(s, who="xihu", region="330106")
        d2 = service.draw_plan(s, officer("xihu"), p2.id, actor="xihu", now=NOW, seed=1)
        inputs = json.loads(d2.inputs)
        assert inputs["already_drawn"] == {"330106": 2}
        assert first.isdisjoint({c["id"] for c in inputs["candidates"]})
        assert d2.result["quotas"] == {"330106": 0}


def test_recent_tasks_and_declared_conflicts_exclude_inspectors(engine, world):
    with session_scope(engine) as s:
        d = service.draw_plan(s, officer("hz"), plan(s, period="2026Q3").id, actor="hz",
                              now=NOW - timedelta(days=60), seed=3)  # fmt: skip
        earlier = {t.enterprise_id: set(t.inspector_ids) for t in service.plan_tasks(s, d.plan_id)}
        d2 = service.draw_plan(s, officer("hz"), plan(s).id, actor="hz", now=NOW, seed=3)
        excl = json.loads(d2.inputs)["exclusions"]
        for ent, ids in earlier.items():
            assert {int(i) for i, r in excl[str(ent)].items() if r == "recent_inspection"} == ids


def test_too_few_inspectors_is_refused_and_nothing_is_stored(engine, world):
    with session_scope(engine) as s:
        p = plan(s)
        # only the city's two inspectors and 西湖's remain: 西湖's tasks then have 2 (city),
        # 滨江's 4; a conflict of one city inspector with every enterprise leaves 西湖 with 1
        from qingshan.enforcement.models import Inspector

        city = s.get(Inspector, world.inspectors["330100"][0])
        city.conflicts = [{"enterprise_id": e, "reason": "declared"}
                          for e in world.enterprises["330106"]]  # fmt: skip
        for r in ("330108", "330110"):
            for i in world.inspectors[r]:
                s.get(Inspector, i).active = False
        s.flush()
        with pytest.raises(
            TooFewInspectors,
            match=r"too few eligible inspectors \(2 needed per "
            r"task\) for 2 of 4 drawn enterprises: enterprise \d+ \(330106\): 1 "
            r"eligible of 4 on the roster, excluded: 1 conflict, 2 same_county",
        ):
            service.draw_plan(s, officer("hz"), p.id, actor="hz", now=NOW, seed=5)
        assert s.scalar(select(func.count()).select_from(SpotCheckDraw)) == 0
        assert s.scalar(select(func.count()).select_from(SpotCheckTask)) == 0


def test_who_may_plan_and_draw(engine, world):
    with session_scope(engine) as s:
        with pytest.raises(PermissionDenied, match=r"region 330100 is outside your region 330106"):
            plan(s, who="xihu", region="330100")
        with pytest.raises(PermissionDenied, match=r"region 330100 is outside your region 330200"):
            plan(s, who="nb")
        p = plan(s)
        with pytest.raises(PermissionDenied, match=r"region 330100 is outside your region 330106"):
            service.draw_plan(s, officer("xihu"), p.id, actor="xihu", now=NOW)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"period": "2026H2"}, r"period: '2026H2' is not a quarter period YYYYQn"),
        ({"period": "2026Q5"}, r"is not a quarter period"),
        ({"item_code": "NOPE"}, r"no spot-check item 'NOPE' \(items: HZ-KEY-Q\)"),
        ({"region_code": "339999"}, r"region_code: "),
        ({"period": "2024Q1"}, r"period: 2024Q1 ended more than a year ago"),
    ],
)
def test_bad_plans_are_named(engine, world, kw, message):
    with session_scope(engine) as s:
        args = dict(item_code="HZ-KEY-Q", region_code="330100", period="2026Q4") | kw
        with pytest.raises((BadEnforcementInput, Exception), match=message):
            service.create_plan(s, officer("hz"), **args, actor="hz", now=NOW)


def test_results_are_recorded_in_the_archive_and_a_violation_opens_a_case(engine, world):
    from qingshan.cases.models import CaseRecord

    with session_scope(engine) as s:
        d = service.draw_plan(s, officer("hz"), plan(s).id, actor="hz", now=NOW, seed=11)
        t1, t2 = service.plan_tasks(s, d.plan_id)[:2]
        day = date(2026, 11, 10)
        service.record_result(s, officer("hz"), t1.id, service.ResultInput("compliant", day),
                              actor="hz", now=NOW)  # fmt: skip
        r = service.ResultInput("violation", day, findings="雨水排口发现暗管", violation_category="bypass",
                                severity="serious")  # fmt: skip
        task = service.record_result(s, officer("hz"), t2.id, r, actor="hz", now=NOW)
        assert task.case_id is not None and task.inspection_id is not None
        case = s.get(CaseRecord, task.case_id)
        assert case.source == "inspection" and case.enterprise_id == t2.enterprise_id
        assert case.severity == "serious"
        with pytest.raises(EnforcementConflict, match=rf"the result of task {t2.id} is recorded"):
            service.record_result(s, officer("hz"), t2.id, r, actor="hz", now=NOW)


@pytest.mark.parametrize(
    ("inp", "message"),
    [
        (dict(outcome="maybe"), r"outcome: 'maybe'; one of compliant, violation, closed, not_found"),
        (dict(outcome="violation", findings="x"), r"violation_category: a violation needs"),
        (dict(outcome="violation", violation_category="bypass"), r"findings: a violation needs"),
        (dict(outcome="compliant", checked_on=date(2026, 11, 11)), r"checked_on: 2026-11-11 is not between"),
        (dict(outcome="violation", findings="x", violation_category="noise_x"), r"category"),
    ],
)  # fmt: skip
def test_bad_results_store_nothing(engine, world, inp, message):
    from qingshan.archive.errors import ArchiveError

    with session_scope(engine) as s:
        d = service.draw_plan(s, officer("hz"), plan(s).id, actor="hz", now=NOW, seed=11)
        task = service.plan_tasks(s, d.plan_id)[0]
        r = service.ResultInput(**({"checked_on": date(2026, 11, 10)} | inp))
        with pytest.raises((BadEnforcementInput, EnforcementConflict, ArchiveError), match=message):
            service.record_result(s, officer("hz"), task.id, r, actor="hz", now=NOW)
        assert task.outcome is None and task.inspection_id is None
