"""The demo's hazardous-waste province (issue #18), written through the waste services: the
transporters and facilities of :mod:`qingshan.sim.demo_waste_plan` added as demo enterprises
(facilities registered with their licences), the producers' annual plans, twelve months of
declarations and storage lots, collection points in most counties, and the manifests of the
year signed party by party at their historical times (a fifth of the last month's shipments
moved into the past week and left part-way, so every state shows). Planted for the checks to find: two receipts confirmed nine days after arrival (逾期:
past the five working days of 危险废物转移管理办法 2021 Art. 18), three receipts short by 15 % (cases through
the sink), one lot stored past its year, one submission to a facility not licensed for the
code (refused, the draft kept), one producer that declares and never ships with no stock
growing (the dumping pattern, found by the balance check run on the last full month). Three
demo accounts act for a producer, a transporter and a facility. Once per database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

import numpy as np
from sqlalchemy import Engine, func, select

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.archive.service import enterprise_directory, forget_directory
from qingshan.db.engine import session_scope
from qingshan.errors import QingshanError
from qingshan.qc.supervision import CaseSink
from qingshan.sim.demo_carbon import demo_months
from qingshan.sim.demo_waste_plan import FACILITIES, TRANSPORTERS, WastePlanned, plan_waste
from qingshan.sim.names import credit_code
from qingshan.timeutil import CST, as_cst
from qingshan.waste import approval_service, facility_service, ledger_service, manifest_service
from qingshan.waste.approval_service import ApprovalSpec
from qingshan.waste.facility_service import FacilitySpec
from qingshan.waste.ledger_service import DeclarationIn
from qingshan.waste.manifest_service import ManifestDraft
from qingshan.waste.models import WasteFacility, WasteManifest

__all__ = ["WASTE_ACCOUNTS", "DemoWaste", "seed_demo_waste"]

#: the waste demo accounts: username → what they act for (enterprise role)
WASTE_ACCOUNTS = {
    "waste-producer": "producer",
    "waste-carrier": "transporter",
    "waste-facility": "facility",
}
#: planted short receipts: received = shipped × this (beyond the 5 % tolerance)
SHORT = 0.85
PROVINCE = Scope(region_code="330000", role=Role.PROVINCE, username="demo")
#: the out-of-province facility: its archive record (the archive holds only the province's
#: enterprises) in 长兴县, its plant in 江苏省宜兴市 (GB/T 2260 320282), where its manifests go
CROSS_FACILITY = ("330522", "宜兴苏浙危废处置有限公司", "320282")
#: how many producers (湖州 first, then 嘉兴) ship across the provincial line
CROSS_PRODUCERS = 2


def _operator(enterprise_id: int) -> str:
    """The username the demo's past signatures of an enterprise carry (its 经办人's account)."""
    return f"op{enterprise_id:04d}"


@dataclass(frozen=True)
class DemoWaste:
    """What the waste demo wrote (counts) and how long it took [s]."""

    producers: int
    transporters: int
    facilities: int
    declarations: int
    lots: int
    manifests: int
    signatures: int
    points: int
    refused: int
    balance_cases: int
    seconds: float
    #: cross-province approvals recorded, manifests citing them
    approvals: int = 0
    cross_province: int = 0

    def __str__(self) -> str:
        return (
            f"{self.producers} producers, {self.transporters} transporters, {self.facilities} "
            f"facilities, {self.declarations} declarations, {self.lots} storage lots, "
            f"{self.manifests} manifests ({self.signatures} signatures, {self.refused} refused), "
            f"{self.points} collection points, {self.approvals} cross-province approvals "
            f"({self.cross_province} manifests), {self.balance_cases} balance findings "
            f"in {self.seconds:.1f} s"
        )


def _at(d: date, hour: float) -> datetime:
    """``d`` at ``hour`` China time (past 24: the next days), as UTC."""
    return (datetime.combine(d, dtime(0), tzinfo=CST) + timedelta(hours=hour)).astimezone(UTC)


def _add_enterprises(session, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """The transporters and facilities as archive enterprises (near an enterprise of their
    county, or the county's first one's city); returns their ids in list order."""
    near: dict[str, tuple[float, float]] = {}
    for code, lon, lat in session.execute(
        select(Enterprise.region_code, Enterprise.longitude, Enterprise.latitude)
        .where(Enterprise.longitude.is_not(None))
        .order_by(Enterprise.id)
    ):
        near.setdefault(code, (lon, lat))
        near.setdefault(code[:4], (lon, lat))

    def add(county: str, name: str, industry_code: str) -> int:
        lon, lat = near.get(county) or near.get(county[:4]) or (120.15, 30.28)
        e = Enterprise(
            credit_code=credit_code(rng, county), name=name, industry=Industry.CHEMICAL,
            industry_code=industry_code, region_code=county, address=name,
            longitude=round(lon + float(rng.uniform(-0.03, 0.03)), 5),
            latitude=round(lat + float(rng.uniform(-0.03, 0.03)), 5),
            key_unit=industry_code == "7724", key_categories=["risk"] if industry_code == "7724" else [],
            contacts=[], status="operating",
        )  # fmt: skip
        session.add(e)
        session.flush()
        return e.id

    # GB/T 4754-2017: 5435 危险货物道路运输, 7724 危险废物治理
    carriers = [add(county, name, "5435") for county, name in TRANSPORTERS]
    plants = [add(f.county, f.name, "7724") for f in FACILITIES]
    return carriers, plants


def seed_demo_waste(
    engine: Engine, *, now: datetime, sink: CaseSink | None = None, password: str,
    seed: int = 2026,
) -> DemoWaste | None:  # fmt: skip
    """Write the waste demo (None when facilities exist already)."""
    started = time.monotonic()
    rng = np.random.default_rng([seed, 18])
    months = demo_months(now)
    today = as_cst(now).date()
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(WasteFacility)):
            return None
        ents = [e for e in enterprise_directory(session, "330000") if e.status != "closed"]
        plan = plan_waste(ents, months)
        carriers, plants = _add_enterprises(session, rng)
        forget_directory(session)
        valid_from = date(months[0].year - 2, 1, 1)
        for i, f in enumerate(FACILITIES):
            facility_service.register_facility(session, PROVINCE, FacilitySpec(
                enterprise_id=plants[i], licence_no=f"浙危废经第{3300 + i:04d}号",
                licence_valid_from=valid_from if i != 3 else months[0],
                licence_valid_to=date(today.year + 3, 12, 31),
                capacity_t_per_year=f.capacity_t, codes=f.codes, methods=f.methods))  # fmt: skip
        decls, lots = _ledger(session, plan, months, today)
        points = _points(session, plan, carriers, months)
        cross = _cross_province(session, plan, months, today, rng)
        manifests, signatures, refused = _manifests(
            session, plan, months, carriers, plants, today, sink, cross
        )
        _facility_processing(session, [*plants, *cross.receivers()], months, today)
        balance = 0
        if sink is not None:
            run = ledger_service.run_balance_checks(session, sink, months[-1])
            balance = int(getattr(run, "cases", 0) or 0) if not isinstance(run, int) else run
        _accounts(session, plan, carriers, plants, password)
        cited = int(session.scalar(select(func.count()).select_from(WasteManifest)
                                   .where(WasteManifest.approval_ref.is_not(None))) or 0)  # fmt: skip
    return DemoWaste(
        producers=len(plan.producers), transporters=len(carriers),
        facilities=len(plants) + len(cross.receivers()),
        approvals=sum(len(v) for v in (cross.approvals or {}).values()),
        cross_province=cited,
        declarations=decls, lots=lots, manifests=manifests, signatures=signatures,
        points=points, refused=refused, balance_cases=balance,
        seconds=time.monotonic() - started,
    )  # fmt: skip


def _facility_processing(session, plants: list[int], months: list[date], today: date) -> int:
    """Each facility declares what it utilised or disposed of each month: what it received on
    manifests that month, its stock unchanged — so its balance (received = processed + Δstock,
    :func:`~qingshan.waste.balance.facility_balance`) closes and only the planted patterns are
    found."""
    received: dict[tuple[int, date, str], float] = {}
    for year in sorted({m.year for m in months}):
        tr = manifest_service.transfers_frame(session, PROVINCE, year)
        for rid, month, code, q in zip(tr["receiver_id"], tr["month"], tr["waste_code"],
                                       tr["received_t"], strict=True):  # fmt: skip
            if int(rid) in plants and month in months and q == q and q > 0:
                key = (int(rid), month, str(code))
                received[key] = received.get(key, 0.0) + float(q)
    decls = [DeclarationIn(enterprise_id=rid, month=m, waste_code=code, generated_t=0.0,
                           self_disposed_t=round(q, 3))
             for (rid, m, code), q in sorted(received.items())]  # fmt: skip
    if not decls:
        return 0
    return ledger_service.declare_many(session, PROVINCE, decls, actor="demo", source="sim",
                                       today=today)  # fmt: skip


def _ledger(session, plan: WastePlanned, months: list[date], today: date) -> tuple[int, int]:
    """Plans, monthly declarations and the storage lots (one per month and code, put in on the
    month's first day; the shipments take them out). The dumping producer stores nothing."""
    decls: list[DeclarationIn] = []
    lots = 0
    shares = {(p.enterprise.id, c): share for p in plan.producers for c, _, share in p.codes}
    by_year: dict[tuple[int, int], dict[str, float]] = {}
    for (eid, code), gen in plan.generation.items():
        share = shares[(eid, code)]
        for i, m in enumerate(months):
            g = gen[i]
            decls.append(DeclarationIn(enterprise_id=eid, month=m, waste_code=code,
                                       generated_t=g, self_utilised_t=round(g * share, 3)))  # fmt: skip
            yearly = by_year.setdefault((eid, m.year), {})
            yearly[code] = round(yearly.get(code, 0.0) + g, 3)
    for (eid, year), lines in sorted(by_year.items()):
        ledger_service.file_plan(session, PROVINCE, eid, year, lines, actor="demo")
    n = ledger_service.declare_many(session, PROVINCE, decls, actor="demo", source="sim",
                                    today=today)  # fmt: skip
    plan_lots: dict[tuple[int, str, int], int] = {}
    for (eid, code), gen in plan.generation.items():
        if eid == plan.dumping_id:
            continue
        share = shares[(eid, code)]
        for i, m in enumerate(months):
            q = round(gen[i] * (1 - share), 3)
            if q <= 0:
                continue
            plan_lots[(eid, code, i)] = ledger_service.add_storage_lot(
                session, PROVINCE, eid, code, m, q
            )
            lots += 1
    if plan.late_storage_id is not None:  # kept past its year (固废法 2020 Art. 81)
        code = next(
            p.codes[0][0] for p in plan.producers if p.enterprise.id == plan.late_storage_id
        )
        ledger_service.add_storage_lot(session, PROVINCE, plan.late_storage_id, code,
                                       today - timedelta(days=380), 3.6,
                                       note="演示：超期贮存")  # fmt: skip
        lots += 1
    session.info["demo_waste.lots"] = plan_lots
    return n, lots


def _points(session, plan: WastePlanned, carriers: list[int], months: list[date]) -> int:
    for k, (county, (carrier, members)) in enumerate(sorted(plan.points.items())):
        ledger_service.add_collection_point(
            session, PROVINCE, region_code=county, operator_id=carriers[carrier],
            name=f"小微产废企业集中收运点{k + 1:02d}", started_on=months[0] - timedelta(days=90),
            members=members,
        )  # fmt: skip
    return len(plan.points)


@dataclass(frozen=True)
class _Cross:
    """The cross-province part of the demo: the facility's enterprise id, and per producer its
    approvals as (number, last valid day), oldest first."""

    facility_id: int | None = None
    approvals: dict[int, list[tuple[str, date]]] | None = None

    def receivers(self) -> list[int]:
        return [] if self.facility_id is None else [self.facility_id]

    def approval_for(self, producer_id: int, on: date) -> str | None:
        """The number of the producer's approval in force on ``on`` (None: not a cross one)."""
        for number, valid_to in (self.approvals or {}).get(producer_id, []):
            if on <= valid_to:
                return number
        return None


def _cross_province(session, plan: WastePlanned, months: list[date], today: date,
                    rng: np.random.Generator) -> _Cross:  # fmt: skip
    """Two producers (湖州 first, then 嘉兴; not the accounts' producer nor a planted one) ship
    to a facility across the line in 江苏宜兴, under the province's approvals (危险废物转移管理
    办法 2021 Art. 27): one for the first half-year (its requested period ends with month 6),
    a renewal from month 7 (twelve months); each for the producer's codes and 1.2 × what it
    generates in the period and the three months before (lots stored then ship in it)."""
    skip = {_account_producer(plan), plan.dumping_id, plan.late_storage_id}
    chosen = sorted((p for p in plan.producers
                     if p.enterprise.region_code[:4] in ("3305", "3304")
                     and p.enterprise.id not in skip and not p.small),
                    key=lambda p: (p.enterprise.region_code[:4] != "3305", p.enterprise.id)
                    )[:CROSS_PRODUCERS]  # fmt: skip
    if not chosen:
        return _Cross()
    county, name, plant = CROSS_FACILITY
    e = Enterprise(
        credit_code=credit_code(rng, county), name=name, industry=Industry.CHEMICAL,
        industry_code="7724", region_code=county, address="江苏省宜兴市", longitude=119.82,
        latitude=31.34, key_unit=True, key_categories=["risk"], contacts=[], status="operating",
    )  # fmt: skip
    session.add(e)
    session.flush()
    forget_directory(session)
    categories = sorted({f"HW{c[-2:]}" for p in chosen for c, _, _ in p.codes})
    facility_service.register_facility(session, PROVINCE, FacilitySpec(
        enterprise_id=e.id, licence_no="苏危废经第320282001号",
        licence_valid_from=date(months[0].year - 2, 1, 1),
        licence_valid_to=date(today.year + 3, 12, 31), capacity_t_per_year=6000.0,
        codes=tuple(categories), methods=("D10", "R9")))  # fmt: skip
    approvals: dict[int, list[tuple[str, date]]] = {}
    half = len(months) // 2
    for k, p in enumerate(chosen, start=1):
        eid = p.enterprise.id
        codes = tuple(c for c, _, _ in p.codes)
        for part, (first, last) in enumerate(((0, half), (half, len(months))), start=1):
            # a shipment may take out lots stored up to a few months before: 3 months more
            generated = sum(sum(plan.generation[(eid, c)][max(0, first - 3) : last]) for c in codes)
            approved_on = months[first] - timedelta(days=10)
            ends = (months[half] - timedelta(days=1)) if part == 1 else None
            view = approval_service.record_approval(session, PROVINCE, ApprovalSpec(
                number=f"浙环危转〔{approved_on.year}〕{k * 10 + part}号",
                authority="浙江省生态环境厅", approved_on=approved_on, producer_id=eid,
                receiver_id=e.id, waste_codes=codes,
                approved_t=max(1.0, round(1.2 * generated + 0.5)), requested_to=ends,
                dest_region=plant), actor="demo", at=_at(approved_on, 10.0))  # fmt: skip
            approvals.setdefault(eid, []).append((view.number, view.valid_to))
    return _Cross(facility_id=e.id, approvals=approvals)


def _manifests(
    session, plan: WastePlanned, months: list[date], carriers: list[int], plants: list[int],
    today: date, sink: CaseSink | None, cross: _Cross | None = None,
) -> tuple[int, int, int]:  # fmt: skip
    """Every shipment as a manifest signed in turn at its day's hours; a fifth of the last
    month's shipments are moved into the past week and stop part-way (submitted, in transit,
    received); three receipts short; one refused submission."""
    lots: dict[tuple[int, str, int], int] = session.info.pop("demo_waste.lots", {})
    quantities = {
        k: round(float(plan.generation[(k[0], k[1])][k[2]]), 3) for k in lots
    }  # the lot's tonnage is the month's generation less what was handled on site
    shares = {(p.enterprise.id, c): share for p in plan.producers for c, _, share in p.codes}
    n = signatures = refused = 0
    mine = _account_producer(plan)  # the waste accounts' producer: its last ones under way
    short = {len(plan.shipments) // 4, len(plan.shipments) // 2, 3 * len(plan.shipments) // 4}
    late = {len(plan.shipments) // 3, 2 * len(plan.shipments) // 3}
    for j, s in enumerate(plan.shipments):
        share = shares[(s.producer_id, s.code)]
        on = s.on
        last = (on.year, on.month) == (months[-1].year, months[-1].month)
        if last and (j % 5 == 0 or s.producer_id == mine):
            on = today - timedelta(days=1 + j % 7)  # a fifth of the last ones under way
        ids = [
            lots[(s.producer_id, s.code, i)] for i in s.lots if (s.producer_id, s.code, i) in lots
        ]
        q = round(sum(quantities[(s.producer_id, s.code, i)] * (1 - share) for i in s.lots), 3)
        if q <= 0:
            continue
        producer = Scope(region_code="330000", role=Role.ENTERPRISE, enterprise_id=s.producer_id,
                         username=_operator(s.producer_id))  # fmt: skip
        approval = None if cross is None else cross.approval_for(s.producer_id, on)
        receiver = plants[s.facility] if approval is None or cross is None else cross.facility_id
        assert receiver is not None
        view = manifest_service.create_manifest(
            session, producer,
            ManifestDraft(producer_id=s.producer_id, receiver_id=receiver,
                          transporter_ids=tuple(carriers[t] for t in s.transporters),
                          waste_code=s.code, quantity_t=q, transfer_on=on,
                          approval_ref=approval),
            actor="demo", at=_at(on, 8.5),
        )  # fmt: skip
        n += 1
        age = (today - on).days
        steps: list[tuple[Scope, str, float, dict]] = [(producer, "submit", 9.0, {})]
        carrier = Scope(region_code="330000", role=Role.ENTERPRISE,
                        enterprise_id=carriers[s.transporters[0]],
                        username=_operator(carriers[s.transporters[0]]))  # fmt: skip
        plant = Scope(region_code="330000", role=Role.ENTERPRISE, enterprise_id=receiver,
                      username=_operator(receiver))  # fmt: skip
        received = q if j not in short else round(q * SHORT, 3)
        received = round(received * (1 + float(rng_noise(j))), 3) if j not in short else received
        if age > 3 or j % 3:
            steps.append((carrier, "pickup", 10.0, {}))
        # planted: two receipts confirmed nine days after arrival, past the five working days
        # of 危险废物转移管理办法 2021 Art. 18 (flagged 逾期 from the signature times)
        delay = 24.0 * 9 if j in late and age > 14 else 0.0
        if age > 5 or (age > 3 and j % 2):
            steps.append((carrier, "handover", 15.0, {}))
            steps.append((plant, "receive", 16.0 + delay, {"quantity_t": received}))
        if age > 10:
            steps.append((producer, "close", 33.0 + delay, {}))
        for who, action, hour, extra in steps:
            manifest_service.sign(session, who, view.id, action, sink=sink,
                                  at=_at(on, hour), **extra)  # fmt: skip
            signatures += 1
        if any(a == "handover" for _, a, _, _ in steps):
            for lot_id in ids:
                ledger_service.take_out_lot(session, PROVINCE, lot_id, on)
    # the unlicensed attempt: spent SCR catalyst (HW50) offered to a facility without HW50
    power = next((p for p in plan.producers if any(c == "772-007-50" for c, _, _ in p.codes)), None)
    if power is not None:
        producer = Scope(region_code="330000", role=Role.ENTERPRISE,
                         enterprise_id=power.enterprise.id,
                         username=_operator(power.enterprise.id))  # fmt: skip
        on = today - timedelta(days=9)
        view = manifest_service.create_manifest(
            session, producer,
            ManifestDraft(producer_id=power.enterprise.id, receiver_id=plants[0],
                          transporter_ids=(carriers[0],), waste_code="772-007-50",
                          quantity_t=4.2, transfer_on=on),
            actor="demo", at=_at(on, 9.0),
        )  # fmt: skip
        n += 1
        try:
            manifest_service.sign(session, producer, view.id, "submit", sink=sink,
                                  at=_at(on, 9.2))  # fmt: skip
        except QingshanError:
            refused += 1
    return n, signatures, refused


def rng_noise(j: int) -> float:
    """A receipt's weighing difference within the tolerance (±1.5 %), fixed by the index."""
    return ((j * 7919) % 31 - 15) / 1000.0


def _account_producer(plan: WastePlanned) -> int:
    """The producer the ``waste-producer`` account acts for: the one with the most shipments
    by the first transporter to the first facility (so the three accounts share manifests)."""
    counts: dict[int, int] = {}
    for s in plan.shipments:
        if s.facility == 0 and s.transporters == (0,):
            counts[s.producer_id] = counts.get(s.producer_id, 0) + 1
    if not counts:
        return plan.producers[0].enterprise.id
    return max(sorted(counts), key=lambda i: counts[i])


def _accounts(session, plan: WastePlanned, carriers: list[int], plants: list[int],
              password: str) -> None:  # fmt: skip
    """The three waste accounts: a Hangzhou producer whose shipments go to the first
    facility by the first transporter, that transporter, that facility."""
    producer = _account_producer(plan)
    region = next(p.enterprise.region_code for p in plan.producers if p.enterprise.id == producer)
    who = {
        "waste-producer": (producer, region, "产废企业用户"),
        "waste-carrier": (carriers[0], TRANSPORTERS[0][0], "运输企业用户"),
        "waste-facility": (plants[0], FACILITIES[0].county, "处置企业用户"),
    }
    for username, (eid, county, display) in who.items():
        if session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(session, username, password, Role.ENTERPRISE, county,
                        enterprise_id=eid, display_name=display)  # fmt: skip
