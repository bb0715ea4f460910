"""The demo's complaints and hand-overs (small), seeded through the case service
(:mod:`qingshan.sim.demo_complaints`) into a province of officers, signers, units and one
enterprise per city: real histories, two signatures on every closure, overdue and escalated
cases, and the notices of the last 12 months."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.audit import acting_as
from qingshan.cases import service
from qingshan.cases.models import CaseEventRow, CaseRecord, CaseSignoff, CaseSource
from qingshan.cases.reporting import issued_months
from qingshan.cases.stats import case_stats
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import CITY_CODES, children, seed_regions
from qingshan.sim.demo_complaints import ComplaintSeed, seed_demo_complaints

#: the accounts the demo has: the officers and two signers per city (as sim.demo_cases grants)
OFFICERS = {"province": (Role.PROVINCE, "330000"), "hangzhou": (Role.CITY, "330100"),
            "ningbo": (Role.CITY, "330200"), "xihu": (Role.COUNTY, "330106")}  # fmt: skip
NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def prepare_complaints_demo(engine, *, now=NOW) -> ComplaintSeed:
    """Regions, the officers, a department and a government signer and unit per city, an
    enterprise per city; then :func:`seed_demo_complaints` (small)."""
    with session_scope(engine) as s:
        seed_regions(s)
        for name, (role, region) in OFFICERS.items():
            create_user(s, name, "qingshan-demo", role, region)
        for k, city in enumerate(CITY_CODES):
            s.add(Enterprise(credit_code=f"9133{k:02d}00MA2DEMO{k:02d}X", name=f"演示企业{k}",
                             industry=Industry.PAPER, region_code=children(city)[0].code,
                             longitude=120.0, latitude=29.5))  # fmt: skip
            service.add_unit(s, f"{city}生态环境局", "department", city, ["*"])
            service.add_unit(s, f"{city}人民政府", "government", city)
            for capacity in ("department", "government"):
                u = create_user(s, f"{city}-{capacity}", "qingshan-demo", Role.CITY, city)
                service.grant_signer(s, u, capacity, city, by="test")
    with acting_as("demo"):
        return seed_demo_complaints(engine, now=now, scale="small")


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('complaints') / 'q.db'}")
    upgrade(engine)
    seeded = prepare_complaints_demo(engine)
    assert seeded.built and seeded.skipped == 0 and seeded.notices == 12
    assert not seed_demo_complaints(engine, now=NOW).built  # once per database
    yield engine
    engine.dispose()


def test_the_seeded_cases_have_real_histories(demo_engine):
    with session_scope(demo_engine) as s:
        ids = set(s.scalars(select(CaseSource.case_id).where(CaseSource.source_key.like("demo:%"))))
        assert len(ids) > 100
        sources = Counter(s.scalars(select(CaseRecord.source).where(CaseRecord.id.in_(ids))).all())
        assert sources["complaint"] > 100 and sources["central_inspection"] >= 8
        first = dict(
            s.execute(
                select(CaseEventRow.case_id, CaseEventRow.event).where(
                    CaseEventRow.case_id.in_(ids), CaseEventRow.seq == 1
                )
            ).all()
        )
        assert set(first.values()) == {"register"} and set(first) == ids
        closed = s.scalars(
            select(CaseRecord).where(CaseRecord.id.in_(ids), CaseRecord.state == "closed")
        ).all()
        assert len(closed) > len(ids) / 2
        for c in closed:
            signed = s.execute(
                select(CaseSignoff.capacity, CaseSignoff.username).where(
                    CaseSignoff.case_id == c.id, CaseSignoff.round == c.round
                )
            ).all()
            assert {cap.value for cap, _ in signed} == {"department", "government"}
            assert len({u for _, u in signed}) == 2  # two different accounts
        events = Counter(
            s.scalars(select(CaseEventRow.event).where(CaseEventRow.case_id.in_(ids))).all()
        )
        assert events["return"] > 0 and events["overdue"] > 0 and events["escalate"] > 0
        assert events["remind"] > 0 and events["cancel"] > 0
        months = issued_months(s)
        assert len(months) == 12 and months == sorted(months, reverse=True)
        st = case_stats(s, Scope("330000", Role.PROVINCE))
    assert st.total.total >= len(ids) and st.total.overdue > 0
    assert 0.3 < (st.total.closure_rate or 0) <= 1
    assert sum(1 for r in st.regions if r.total) == 11  # every city has cases
    assert sum(n for _, n, _ in st.trend) > 0
