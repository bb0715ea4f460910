"""The enterprise file (一企一档, ``/enterprises/{id}``): identity, permit versions with their
outlets, limits and caps, live values against the limits, the compliance strip of the last 12
quarters and 12 months, the findings, inspections, penalties, cases, annual emissions against
the caps, the transmission rate and the credit grade — read in one call, scoped (an enterprise
out of scope is reported exactly as a missing one)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.credit_code import validate_credit_code
from qingshan.archive.emissions import annual_emissions
from qingshan.archive.errors import EnterpriseNotFound, InvalidCreditCode
from qingshan.archive.findings import (
    CreditSummary,
    EnterpriseRecordSources,
    case_findings,
    compliance_strip,
    enterprise_findings,
    window,
)
from qingshan.archive.industry_codes import industry_codes
from qingshan.archive.models import (
    INDUSTRY_NAMES,
    Enterprise,
    EnterpriseChange,
    Inspection,
    Penalty,
    Permit,
    PermitCap,
    PermitLimit,
    PermitOutlet,
    Violation,
)
from qingshan.archive.records import VIOLATION_CATEGORIES
from qingshan.archive.schemas import (
    CapPublic,
    CasePublicRef,
    ChangePublic,
    CreditPublic,
    EmissionPublic,
    EnterpriseFile,
    FindingPublic,
    InspectionPublic,
    LimitPublic,
    PenaltyPublic,
    PermitVersionPublic,
    StripCellPublic,
    ViolationPublic,
)
from qingshan.archive.service import (
    OUTLET_KINDS,
    OutletCounts,
    outlets_with_values,
    parameter_label,
    permit_status,
)
from qingshan.geo.regions import get_region
from qingshan.monitoring.models import Site
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import as_cst

__all__ = ["get_enterprise_file", "STRIP_PERIODS"]

#: cells of each compliance strip
STRIP_PERIODS = 12


def _permits(session: Session, ent_id: int, today: date, codes: dict[int, str]) -> list:
    permits = list(
        session.scalars(
            select(Permit)
            .where(Permit.enterprise_id == ent_id)
            .order_by(Permit.superseded_by_id.is_not(None), Permit.valid_from.desc(), Permit.id)
        )
    )
    ids = [p.id for p in permits]
    outlets: dict[int, list[str]] = defaultdict(list)
    limits: dict[int, list[LimitPublic]] = defaultdict(list)
    caps: dict[int, list[CapPublic]] = defaultdict(list)
    for po in session.scalars(select(PermitOutlet).where(PermitOutlet.permit_id.in_(ids))):
        outlets[po.permit_id].append(codes.get(po.site_id, str(po.site_id)))
    for pl in session.scalars(
        select(PermitLimit).where(PermitLimit.permit_id.in_(ids)).order_by(PermitLimit.id)
    ):
        info = parameter_label(pl.parameter_code)
        limits[pl.permit_id].append(
            LimitPublic(site_code=codes.get(pl.site_id, str(pl.site_id)),
                        parameter_code=pl.parameter_code, name=info.name, name_en=info.name_en,
                        limit=pl.limit, unit=pl.unit, averaging=pl.averaging,
                        standard=pl.standard)
        )  # fmt: skip
        if codes.get(pl.site_id) and codes[pl.site_id] not in outlets[pl.permit_id]:
            outlets[pl.permit_id].append(codes[pl.site_id])
    for c in session.scalars(select(PermitCap).where(PermitCap.permit_id.in_(ids))):
        info = parameter_label(c.parameter_code)
        caps[c.permit_id].append(
            CapPublic(parameter_code=c.parameter_code, name=info.name, name_en=info.name_en,
                      tonnes_per_year=c.tonnes_per_year)
        )  # fmt: skip
    return [
        (p, PermitVersionPublic(
            id=p.id, number=p.number, version=p.version, category=p.category.value,
            valid_from=p.valid_from, valid_to=p.valid_to,
            status="superseded" if p.superseded_by_id else permit_status(p, today),
            reason=p.reason, outlets=sorted(outlets[p.id]), limits=limits[p.id], caps=caps[p.id]))
        for p in permits
    ]  # fmt: skip


def _emissions(session, store, sites, permits, today: date) -> list[EmissionPublic]:
    current = [pub for _, pub in permits if pub.status != "superseded" and pub.caps]
    if not current or store is None:
        return []
    caps = {c.parameter_code: c.tonnes_per_year for c in current[0].caps}
    out = []
    for year in (today.year - 1, today.year):
        start = date(year, 1, 1)
        end = min(date(year + 1, 1, 1), today + timedelta(days=1))
        for e in annual_emissions(session, store, [s.id for s in sites], caps, start, end):
            info = parameter_label(e.parameter_code)
            out.append(
                EmissionPublic(parameter_code=e.parameter_code, name=info.name,
                               name_en=info.name_en, year=year, start=e.start, end=e.end,
                               tonnes=round(e.tonnes, 3), cap=e.cap,
                               share=None if e.share is None else round(e.share, 4),
                               coverage=round(e.coverage, 4), basis=e.basis)
            )  # fmt: skip
    return out


def _enterprise(session: Session, scope: Scope, enterprise_id: int) -> Enterprise:
    ent = session.scalar(
        select(Enterprise).where(
            Enterprise.id == enterprise_id, scope.where(Enterprise.region_code, Enterprise.id)
        )
    )
    if ent is None:
        raise EnterpriseNotFound(f"no enterprise {enterprise_id} in your scope",
                                 enterprise_id=enterprise_id)  # fmt: skip
    return ent


def _outlets(session: Session, enterprise_id: int) -> list[Site]:
    return list(
        session.scalars(
            select(Site)
            .where(Site.enterprise_id == enterprise_id, Site.kind.in_(OUTLET_KINDS))
            .order_by(Site.code)
        )
    )


def enterprise_emissions(
    session: Session, scope: Scope, enterprise_id: int, *, now: datetime, store: ObservationStore
) -> list[EmissionPublic]:
    """The annual emissions of ``enterprise_id`` (last year and this year to ``now``) against
    the caps of its permit in force — the section the enterprise page loads after it shows."""
    ent = _enterprise(session, scope, enterprise_id)
    today = as_cst(now).date()
    sites = _outlets(session, ent.id)
    permits = _permits(session, ent.id, today, {s.id: s.code for s in sites})
    return _emissions(session, store, sites, permits, today)


def get_enterprise_file(
    session: Session,
    scope: Scope,
    enterprise_id: int,
    *,
    now: datetime,
    counts: OutletCounts,
    sources: EnterpriseRecordSources,
    credit: CreditSummary,
    store: ObservationStore | None = None,
    with_emissions: bool = True,
) -> EnterpriseFile:
    """The file of ``enterprise_id`` in ``scope`` at ``now`` [UTC]; ``store`` (the observation
    store) gives the annual emissions and the transmission rate (left out when None).
    ``with_emissions=False`` leaves the annual emissions out (the page loads them after it
    shows, :func:`enterprise_emissions`: a year of hourly values takes seconds to read)."""
    ent = _enterprise(session, scope, enterprise_id)
    today = as_cst(now).date()
    sites = _outlets(session, ent.id)
    codes = {s.id: s.code for s in sites}
    outlets = outlets_with_values(session, sites, counts)
    permits = _permits(session, ent.id, today, codes)
    since, until = window(today, 36)
    cases = sources.cases(session, scope, ent.id)
    found = enterprise_findings(session, ent.id, since, until, sources, scope=scope, now=now)
    overdue = {f.key.split(":")[1] for f in case_findings(cases, now=now)
               if f.kind.value == "overdue_case"}  # fmt: skip
    violations: dict[int | None, list[ViolationPublic]] = defaultdict(list)
    for v in session.scalars(
        select(Violation).where(Violation.enterprise_id == ent.id).order_by(Violation.found_at)
    ):
        zh, en = VIOLATION_CATEGORIES.get(v.category, (v.category, v.category))
        violations[v.inspection_id].append(
            ViolationPublic(id=v.id, found_at=v.found_at, category=v.category, category_name=zh,
                            category_name_en=en, description=v.description,
                            site_code=codes.get(v.site_id) if v.site_id else None,
                            parameter_code=v.parameter_code)
        )  # fmt: skip
    inspections = [
        InspectionPublic(id=i.id, kind=i.kind.value, source=i.source, source_ref=i.source_ref,
                         inspected_at=i.inspected_at, inspectors=list(i.inspectors),
                         summary=i.summary, violations=violations.get(i.id, []))
        for i in session.scalars(select(Inspection).where(Inspection.enterprise_id == ent.id)
                                 .order_by(Inspection.inspected_at.desc()))
    ]  # fmt: skip
    penalties = [
        PenaltyPublic(id=p.id, decision_no=p.decision_no, legal_basis=p.legal_basis, kind=p.kind,
                      amount_yuan=p.amount_yuan, decided_on=p.decided_on, status=p.status,
                      violation_id=p.violation_id)
        for p in session.scalars(select(Penalty).where(Penalty.enterprise_id == ent.id)
                                 .order_by(Penalty.decided_on.desc()))
    ]  # fmt: skip
    transmission = None
    if store is not None and sites:
        transmission = sources.transmission(
            session, store, [s.id for s in sites], now - timedelta(days=30), now
        )
    grade = credit(session, ent.id)
    county, city = get_region(ent.region_code), get_region(ent.region_code[:4] + "00")
    ic = industry_codes().get(ent.industry_code or "")
    try:
        warnings = list(validate_credit_code(ent.credit_code).warnings)
    except InvalidCreditCode as exc:  # stored before the check existed
        warnings = [str(exc)]

    def strip(freq: str) -> list[StripCellPublic]:
        return [
            StripCellPublic(label=c.label, start=c.start, end=c.end,
                            worst=None if c.worst is None else c.worst.value, counts=c.counts,
                            link=c.link, titles=c.titles)
            for c in compliance_strip(found, today=today, freq=freq, periods=STRIP_PERIODS)
        ]  # fmt: skip

    return EnterpriseFile(
        id=ent.id, name=ent.name, credit_code=ent.credit_code, credit_code_warnings=warnings,
        industry=ent.industry, industry_name=INDUSTRY_NAMES[ent.industry],
        industry_code=ent.industry_code, industry_code_name=None if ic is None else ic.name,
        industry_code_name_en=None if ic is None else ic.name_en,
        region_code=ent.region_code, region_name=county.name, region_name_en=county.name_en,
        city_name=city.name, city_name_en=city.name_en, address=ent.address,
        longitude=ent.longitude, latitude=ent.latitude, key_unit=ent.key_unit,
        key_categories=list(ent.key_categories or []), contacts=list(ent.contacts or []),
        status=ent.status, permits=[pub for _, pub in permits],
        outlets=[outlets[s.id] for s in sites],
        strip_quarters=strip("quarter"), strip_months=strip("month"),
        findings=[FindingPublic(kind=f.kind.value, key=f.key, time=f.time, title=f.title,
                                ref_url=f.ref_url, confirmed=f.confirmed)
                  for f in reversed(found)],
        inspections=inspections, penalties=penalties,
        cases=[CasePublicRef(id=c.id, number=c.number, title=c.title, state=c.state,
                             category=c.category, registered_at=c.registered_at, due_at=c.due_at,
                             closed_at=c.closed_at, overdue=str(c.id) in overdue,
                             relapse_count=c.relapse_count, url=c.url) for c in cases],
        emissions=_emissions(session, store, sites, permits, today) if with_emissions else [],
        transmission=transmission,
        credit=None if grade is None else CreditPublic(
            grade=grade.grade, name=grade.name, name_en=grade.name_en, colour=grade.colour,
            score=grade.score, reasons=list(grade.reasons), rule_version=grade.rule_version,
            evaluated_on=grade.evaluated_on, weights_confirmed=grade.weights_confirmed,
            history=list(grade.history), url=grade.url),
        history=[ChangePublic(at=h.at, actor=h.actor, changes=h.changes, reason=h.reason)
                 for h in session.scalars(select(EnterpriseChange)
                                          .where(EnterpriseChange.enterprise_id == ent.id)
                                          .order_by(EnterpriseChange.at.desc()).limit(50))],
    )  # fmt: skip
