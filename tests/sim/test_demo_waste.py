"""The demo's hazardous-waste province (:mod:`qingshan.sim.demo_waste`) on a small province:
transporters and licensed facilities added, twelve months of declarations, manifests in every
state signed through the service, and the planted patterns found by the real checks — short
receipts and the dumping pattern as cases through the cases' sink, the late storage as an
overdue alert, the unlicensed submission refused with its draft kept; the three waste
accounts linked to their enterprises. The plan itself (pure): receivers licensed for every
shipment's category, the nearest first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.archive.service import EnterpriseEntry
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_carbon import demo_months
from qingshan.sim.demo_waste import seed_demo_waste
from qingshan.sim.demo_waste_plan import FACILITIES, plan_waste
from qingshan.waste import approval_service, ledger_service, manifest_service
from qingshan.waste.manifest import ManifestState
from qingshan.waste.manifest_service import ManifestFilters
from qingshan.waste.models import WasteDeclaration, WasteFacility, WasteManifest, WasteSignature

NOW = datetime(2026, 12, 6, 21, 50, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
KINDS = [(Industry.THERMAL_POWER, "4411"), (Industry.PAPER, "2211"), (Industry.DYEING, "1713"),
         (Industry.CHEMICAL, "2611"), (Industry.CEMENT, "3011")]  # fmt: skip
COUNTIES = ["330106", "330106", "330109", "330110", "330206", "330604", "330302", "330402"] * 2


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('waste') / 'q.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        n = 0
        for ind, code in KINDS:
            for county in COUNTIES:
                n += 1
                s.add(Enterprise(credit_code=f"91{county}MA2W{n:04d}X", name=f"企业{n}",
                                 industry=ind, industry_code=code, region_code=county))  # fmt: skip
    seeded = seed_demo_waste(engine, now=NOW, sink=CASES_SINK, password="demo-pass")
    assert seeded is not None
    assert seed_demo_waste(engine, now=NOW, sink=CASES_SINK, password="demo-pass") is None
    yield engine, seeded
    engine.dispose()


def test_the_plan_ships_every_waste_to_a_facility_licensed_for_it():
    ents = [EnterpriseEntry(id=i, name=f"e{i}", region_code=c, key_unit=True, status="operating",
                            industry=ind.value, industry_code=code)
            for i, ((ind, code), c) in enumerate(((k, c) for k in KINDS for c in COUNTIES), 1)]  # fmt: skip
    months = demo_months(NOW)
    plan = plan_waste(ents, months)
    assert plan.shipments and all(
        "HW" + s.code[-2:] in FACILITIES[s.facility].codes for s in plan.shipments
    )
    assert {p.enterprise.industry for p in plan.producers} <= {"thermal_power", "paper", "dyeing",
                                                                "chemical"}  # fmt: skip
    assert not any(s.producer_id == plan.dumping_id for s in plan.shipments)
    # a Hangzhou producer ships to the larger Hangzhou facility licensed for its category
    county = {e.id: e.region_code for e in ents}
    hz = [s for s in plan.shipments if county[s.producer_id].startswith("3301")]
    assert hz and all(s.facility == 0 for s in hz if "HW" + s.code[-2:] in FACILITIES[0].codes)
    assert plan_waste(ents, months).shipments == plan.shipments  # seeded


def test_the_demo_writes_through_the_services(demo):
    engine, seeded = demo
    # ten facilities in the province and one across the line (江苏宜兴)
    assert (seeded.transporters, seeded.facilities) == (9, 11)
    with session_scope(engine) as s:
        kinds = dict(s.execute(select(Enterprise.industry_code, func.count())
                               .group_by(Enterprise.industry_code)).all())  # fmt: skip
        assert (kinds["5435"], kinds["7724"]) == (9, 11)
        assert s.scalar(select(func.count()).select_from(WasteFacility)) == 11
        months = {m for (m,) in s.execute(select(WasteDeclaration.month).distinct())}
        assert months == set(demo_months(NOW))
        assert s.scalar(select(func.count()).select_from(WasteManifest)) == seeded.manifests
        assert s.scalar(select(func.count()).select_from(WasteSignature)) == seeded.signatures
        states = {r.state for r in manifest_service.list_manifests(
            s, PROVINCE, ManifestFilters(limit=10000)).items}  # fmt: skip
    assert {ManifestState.DRAFT, ManifestState.SUBMITTED, ManifestState.IN_TRANSIT,
            ManifestState.RECEIVED, ManifestState.CLOSED} <= states  # fmt: skip


def test_the_planted_patterns_are_found(demo):
    engine, seeded = demo
    assert seeded.refused == 1
    with session_scope(engine) as s:
        draft = s.scalars(select(WasteManifest).where(WasteManifest.waste_code == "772-007-50",
                                                      ~WasteManifest.id.in_(select(WasteSignature.manifest_id)))).all()  # fmt: skip
        assert len(draft) == 1
        cases = s.execute(select(CaseRecord.title, CaseRecord.enterprise_id)
                          .where(CaseRecord.source == "waste")).all()  # fmt: skip
        short = [t for t, _ in cases if "联单" in t]
        assert len(short) == 3
        # each facility declares what it processed: its balance closes, no case of its own
        plants = set(s.scalars(select(WasteFacility.enterprise_id)))
        assert [t for t, e in cases if "物料不平衡" in t and e in plants] == []
        alerts = ledger_service.storage_alerts(s, PROVINCE, NOW.date())
        over = [a for a in alerts if a.status == "overdue"]
        assert len(over) == 1 and over[0].days_stored > 365 and over[0].quantity_t == 3.6
    assert seeded.balance_cases >= 1  # the dumping pattern at least


def test_the_three_waste_accounts_act_for_their_enterprises(demo):
    engine, _ = demo
    with session_scope(engine) as s:
        users = {
            u.username: u for u in s.scalars(select(User).where(User.username.like("waste-%")))
        }
        assert sorted(users) == ["waste-carrier", "waste-facility", "waste-producer"]
        assert all(u.role is Role.ENTERPRISE and u.enterprise_id for u in users.values())
        names = dict(s.execute(select(Enterprise.id, Enterprise.name)).all())
        assert names[users["waste-carrier"].enterprise_id] == "杭州绿运危险品运输有限公司"
        assert names[users["waste-facility"].enterprise_id] == "杭州青源危废处置有限公司"
        mine = Scope("330000", Role.ENTERPRISE, enterprise_id=users["waste-producer"].enterprise_id)
        assert manifest_service.list_manifests(s, mine, ManifestFilters()).total > 0


def test_cross_province_manifests_cite_approvals_in_force_with_quantity_left(demo):
    # two producers (嘉兴 here: the small province has no 湖州 one), two approvals each (the
    # first half-year, its renewal); every cross-province manifest cites one and was submitted
    engine, seeded = demo
    assert seeded.approvals == 4 and seeded.cross_province > 0
    with session_scope(engine) as s:
        approvals = approval_service.approvals(s, PROVINCE, on=NOW.date())
        assert len(approvals) == 4 and all(a.remaining_t >= 0 for a in approvals)
        assert sum(a.shipped_t for a in approvals) > 0
        assert sum(a.in_force for a in approvals) == 2  # the renewals
        cross = manifest_service.list_manifests(
            s, PROVINCE, ManifestFilters(cross_province=True, limit=10000))  # fmt: skip
        assert cross.total == seeded.cross_province
        assert all(r.dest_region == "320282" and r.state is not ManifestState.DRAFT
                   for r in cross.items)  # fmt: skip


def test_the_late_receipts_are_flagged(demo):
    # two receipts signed nine days after arrival: past five working days (Art. 18)
    engine, _ = demo
    with session_scope(engine) as s:
        counts = {k: 0 for k in ("receipt_open", "receipt_late", "paper_late", "manifests")}
        for year in {m.year for m in demo_months(NOW)}:
            for k, v in manifest_service.overdue_counts(s, PROVINCE, year, NOW.date()).items():
                counts[k] += v
    assert counts == {"receipt_open": 0, "receipt_late": 2, "paper_late": 0, "manifests": 2}
