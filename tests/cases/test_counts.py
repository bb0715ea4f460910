"""``case_count`` (the cases per region and state the case list's counts read) stays exact
through every way a case changes — registration, the loop to 销号, return, relapse, merge,
cancel, a rolled-back action, a delete, the migration over existing cases, a bulk insert
followed by a recount — and the list's counts read from it equal the cases counted, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, insert, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases import service
from qingshan.cases.counts import count_drift, recount_cases, state_counts
from qingshan.cases.errors import GuardFailed
from qingshan.cases.models import CaseCount, CaseRecord
from qingshan.cases.queries import _clauses
from qingshan.cases.workflow import CaseState
from qingshan.db.engine import session_scope
from qingshan.db.migrate import alembic_config, upgrade

from .conftest import NOW, make_draft, user

S = CaseState
PROVINCE = Scope("330000", Role.PROVINCE)
HANGZHOU = Scope("330100", Role.CITY)
XIHU = Scope("330106", Role.COUNTY)


def _counted(s, scope: Scope, f: service.CaseFilter = service.CaseFilter()) -> dict[str, int]:
    """The counts by state as counting the cases gives them (the list's slow path)."""
    rows = s.execute(
        select(CaseRecord.state, func.count())
        .where(*_clauses(scope, f, now=NOW, with_state=False))
        .group_by(CaseRecord.state)
    ).all()
    out = {st.value: 0 for st in S}
    out.update({S(st).value: n for st, n in rows})
    return out


def _kept(s) -> dict[tuple[str, str], int]:
    return {
        (r, S(st).value): n
        for r, st, n in s.execute(select(CaseCount.region_code, CaseCount.state, CaseCount.n))
        if n
    }


def _walk(s, world) -> dict[str, int]:
    """Seven cases through every kind of change; their ids by name."""

    def new(**kw):
        return service.register_case(s, make_draft(world, **kw), actor="xihu", now=NOW).case

    xihu, owner = user(s, "xihu"), user(s, "owner")
    a, b, c, d = new(), new(title="b"), new(title="c"), new(title="d", category="noise")
    e = new(title="e", region_code="330108", enterprise_id=world.ent2)
    f = new(title="f", region_code="330203", enterprise_id=None, longitude=None, latitude=None)
    for case in (a, b, c):
        service.assign_case(s, xihu, case.id, now=NOW)
        service.start_rectification(s, owner, case.id, now=NOW)
    service.submit_for_acceptance(s, owner, a.id, reason="已整改", now=NOW)
    service.return_case(s, xihu, a.id, reason="未达标", now=NOW)
    service.submit_for_acceptance(s, owner, a.id, reason="再次整改", now=NOW)
    service.sign_acceptance(s, user(s, "dept"), a.id, "department", now=NOW)
    service.sign_acceptance(s, user(s, "gov"), a.id, "government", now=NOW)
    service.close_case(s, xihu, a.id, now=NOW)
    later = NOW + timedelta(days=40)
    relapse = service.register_case(s, make_draft(world, title="又冒黑烟"), actor="xihu", now=later)
    assert relapse.outcome == "relapse" and relapse.case.id == a.id
    service.merge_case(s, xihu, d.id, b.id, reason="同一问题", now=later)
    service.cancel_case(s, user(s, "nb"), f.id, reason="误报", now=later)
    return {"a": a.id, "b": b.id, "c": c.id, "d": d.id, "e": e.id, "f": f.id}


def test_the_counts_follow_every_change_and_equal_the_cases(engine, world):
    with session_scope(engine) as s:
        ids = _walk(s, world)
        # read within the transaction that made the changes: its own changes are counted
        assert count_drift(s) == {}
        assert _kept(s) == {
            ("330106", "reopened"): 1, ("330106", "rectifying"): 2, ("330106", "merged"): 1,
            ("330108", "registered"): 1, ("330203", "cancelled"): 1,
        }  # fmt: skip
        assert s.get(CaseRecord, ids["a"]).state is S.REOPENED
    with session_scope(engine) as s:
        for scope in (PROVINCE, HANGZHOU, XIHU, Scope("330200", Role.CITY)):
            for f in (
                service.CaseFilter(),
                service.CaseFilter(state=S.RECTIFYING),
                service.CaseFilter(open_only=True),
                service.CaseFilter(region_code=scope.region_code),
            ):
                page = service.list_cases(s, scope, f, now=NOW)
                assert page.counts == _counted(s, scope, f), (scope, f)
                assert page.total == len(
                    s.scalars(select(CaseRecord.id).where(*_clauses(scope, f, now=NOW))).all()
                )
        city = service.list_cases(s, HANGZHOU, service.CaseFilter(region_code="330108"), now=NOW)
        assert (city.total, city.counts["registered"]) == (1, 1)
        opened = service.list_cases(s, PROVINCE, service.CaseFilter(open_only=True), now=NOW)
        assert opened.counts["cancelled"] == opened.counts["merged"] == 0 and opened.total == 4
        # filters the table does not keep are counted from the cases, alike
        noise = service.list_cases(s, PROVINCE, service.CaseFilter(category="noise"), now=NOW)
        assert noise.counts["merged"] == 1 and noise.total == 1
        # an enterprise's scope counts its own cases only
        owner = service.list_cases(
            s, Scope("330106", Role.ENTERPRISE, enterprise_id=world.ent), now=NOW
        )
        assert owner.total == 4 and owner.counts["rectifying"] == 2


def test_a_refused_or_rolled_back_change_leaves_the_counts(engine, world):
    with session_scope(engine) as s:
        case = service.register_case(s, make_draft(world), actor="xihu", now=NOW).case
        case_id = case.id
    with session_scope(engine) as s:
        with pytest.raises(GuardFailed):
            service.assign_case(s, user(s, "xihu"), case_id, due_at=NOW - timedelta(days=1), now=NOW)  # fmt: skip
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        service.assign_case(s, user(s, "xihu"), case_id, now=NOW)
        assert state_counts(s, "3301")["assigned"] == 1  # seen inside the transaction
        raise RuntimeError("the request fails after the action")
    with session_scope(engine) as s:
        assert state_counts(s, "3301") == {**{st.value: 0 for st in S}, "registered": 1}
        assert count_drift(s) == {}
    with session_scope(engine) as s:
        for table in ("case_source", "case_event"):
            s.execute(CaseRecord.metadata.tables[table].delete())
        s.delete(s.get(CaseRecord, case_id))
        s.flush()
        assert _kept(s) == {} and count_drift(s) == {}


def test_the_migration_counts_the_cases_there_and_recount_repairs_a_bulk_insert(engine, world):
    def downgrade(revision: str) -> None:
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)

    with session_scope(engine) as s:
        _walk(s, world)
        before = _kept(s)
    downgrade("0013_enforcement")
    upgrade(engine)
    with session_scope(engine) as s:
        assert _kept(s) == before and count_drift(s) == {}
    row = dict(
        source="patrol", category="noise", severity="general", state=S.ASSIGNED, title="批量",
        description="", region_code="330102", place="", occurred_at=NOW, registered_at=NOW,
        registered_by="bulk", round=0, escalation_level=0, relapse_count=0, updated_at=NOW,
    )  # fmt: skip
    with engine.begin() as conn:  # a bulk write bypassing the ORM: not counted …
        conn.execute(insert(CaseRecord), [row, row | {"state": S.CLOSED}])
    with session_scope(engine) as s:
        assert count_drift(s) == {("330102", "assigned"): (0, 1), ("330102", "closed"): (0, 1)}
        assert recount_cases(s) == 7  # … until recounted
        assert count_drift(s) == {} and state_counts(s, "330102")["closed"] == 1
