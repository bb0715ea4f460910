"""The enterprise portal (企业服务, issue #23): one home for an enterprise account's monthly
routine — "最多跑一次". Everything is read and done through the owning domains' services:

- the file (一企一档: outlets with their newest values against the permit, permit and limits,
  penalties, cases) — :func:`qingshan.archive.enterprise_file.get_enterprise_file`;
- QC: the outlets' exceedance events and marks (自行标记) — :mod:`qingshan.qc.records` (a mark
  is entered exactly as the outlet page's form enters it, re-judging the verdicts it touches);
  a mark's proof files go to the cases evidence store (:func:`qingshan.cases.service.store_evidence`)
  and the mark names them ``evidence:<sha256>``;
- cases: the enterprise's open cases with the actions the workflow allows it now
  (:func:`qingshan.cases.service.available_actions`), evidence and the action itself through
  :func:`qingshan.cases.service.add_evidence` and :func:`qingshan.cases.service.act`;
- the bureau's notices (:func:`qingshan.portal.notices.service.notices_for`), the year's
  emission-rights balances (:func:`qingshan.portal.rights.service.balances`) and the EIA file
  (:func:`qingshan.portal.eia.service.records_for`).

Every action is done ``acting_as`` the account (the audit log names it). Scope: an enterprise
account reaches only :attr:`Scope.enterprises`; a requested enterprise outside it is reported
exactly as a missing one.

The compliance certificate (合规证明): :func:`certificate_facts` computes what it states (the
enterprise, the period, its outlets and the CST days on which any of them had an exceedance
event of a current QC verdict, the cases open at issue, the penalties decided in the period);
:func:`issue_certificate` draws the PDF (:mod:`.certificate`), stores it in the evidence store
and records the facts with the PDF's SHA-256 under a random verification code (96 bits,
:func:`secrets.token_urlsafe`); :func:`verify` reads them back for the public page.
"""

from __future__ import annotations

import calendar
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.enterprise_file import get_enterprise_file
from qingshan.archive.findings import CreditSummary, EnterpriseRecordSources
from qingshan.archive.schemas import EnterpriseFile
from qingshan.archive.service import OutletCounts, enterprise_names
from qingshan.audit.log import acting_as
from qingshan.cases import service as cases
from qingshan.cases.workflow import CaseEvent
from qingshan.errors import NotFound, PermissionDenied, QingshanError
from qingshan.monitoring.models import Period, Site
from qingshan.monitoring.service import get_series_of_sites, get_site, read_observations
from qingshan.portal.eia.service import EiaRecords
from qingshan.portal.eia.service import records_for as eia_records_for
from qingshan.portal.enterprise.certificate import render_certificate
from qingshan.portal.enterprise.models import PortalCertificate
from qingshan.portal.notices.service import NoticeView, notices_for
from qingshan.portal.rights.service import Balance
from qingshan.portal.rights.service import balances as rights_balances
from qingshan.qc import records as qc_records
from qingshan.qc.supervision import CaseSink
from qingshan.tablefile import formula_safe, write_workbook
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_cst, as_utc, utcnow

__all__ = [
    "ENTERPRISE_EVENTS",
    "PortalHome",
    "OutletView",
    "CaseView",
    "enterprise_choices",
    "pick_enterprise",
    "home",
    "mark_outlet",
    "answer_case",
    "export_month",
    "month_range",
    "certificate_facts",
    "issue_certificate",
    "certificate_pdf",
    "verify",
]

#: the case events an enterprise may take from the portal (整改, 申请验收, 补充材料); which of
#: them is offered on a case is the workflow's answer now (:func:`cases.available_actions`)
ENTERPRISE_EVENTS = (CaseEvent.START, CaseEvent.SUBMIT, CaseEvent.NOTE)
#: the live chart's window
CHART_HOURS = 24
#: exceedance events shown on the home: those ending in the last … days
RECENT_EVENT_DAYS = 7


@dataclass
class OutletView:
    code: str
    name: str
    kind: str
    latest_time: datetime | None
    values: list[Any]
    exceeding: bool
    events: list[Any]  # recent exceedance events (EventPublic)
    marks: list[Any]  # QC's marks (qc.records.outlet_marks)
    chart: dict[str, Any]  # {"times": [...], "series": [{"code", "name", "values", "limit"}]}


@dataclass
class CaseView:
    id: int
    number: str | None
    title: str
    state: str
    due_at: datetime | None
    actions: list[str]


@dataclass
class PortalHome:
    enterprise_id: int
    file: EnterpriseFile
    outlets: list[OutletView]
    cases: list[CaseView]
    certificates: list[PortalCertificate]
    notices: list[NoticeView] = field(default_factory=list)
    balances: list[Balance] = field(default_factory=list)
    eia: EiaRecords | None = None


def _check_enterprise_account(scope: Scope) -> None:
    if scope.role is not Role.ENTERPRISE or not scope.enterprises:
        raise PermissionDenied("企业服务 is for enterprise accounts bound to an enterprise")


def enterprise_choices(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """The enterprises the account acts for, (id, name) by name."""
    _check_enterprise_account(scope)
    names = enterprise_names(session, scope.enterprises)
    return sorted(names.items(), key=lambda kv: kv[1])


def pick_enterprise(scope: Scope, requested: int | None) -> int:
    """The enterprise to show: ``requested`` when the account acts for it, else its first."""
    _check_enterprise_account(scope)
    if requested is None:
        return scope.enterprise_id if scope.enterprise_id is not None else min(scope.enterprises)
    if requested not in scope.enterprises:
        raise NotFound(f"no enterprise {requested} in your scope", enterprise_id=requested)
    return requested


def _chart(
    session: Session, scope: Scope, store: ObservationStore | None, outlet: Any, now: datetime
) -> dict[str, Any]:
    out: dict[str, Any] = {"times": [], "series": []}
    if store is None or outlet.latest_time is None:
        return out
    end = outlet.latest_time + timedelta(hours=1)
    start = end - timedelta(hours=CHART_HOURS)
    times = pd.date_range(start, end, freq="h", inclusive="left", tz="UTC")
    out["times"] = [as_cst(t.to_pydatetime()).strftime("%m-%d %H:00") for t in times]
    for v in outlet.values:
        if v.limit is None:
            continue
        try:
            _s, _ser, frame = read_observations(session, scope, store, outlet.code,
                                                v.parameter_code, Period.HOUR, start, end)  # fmt: skip
        except QingshanError:
            continue
        by_time = {} if frame.empty else dict(zip(pd.to_datetime(frame["time"], utc=True),
                                                  frame["value"], strict=True))  # fmt: skip
        values = [by_time.get(t) for t in times]
        out["series"].append({
            "code": v.parameter_code, "name": v.symbol or v.name, "unit": v.unit,
            "limit": v.limit,
            "values": [None if x is None or pd.isna(x) else round(float(x), 3) for x in values],
        })  # fmt: skip
    return out


def home(
    session: Session,
    scope: Scope,
    user: User,
    enterprise_id: int,
    *,
    now: datetime,
    counts: OutletCounts,
    sources: EnterpriseRecordSources,
    credit: CreditSummary,
    store: ObservationStore | None,
) -> PortalHome:
    """The portal home of ``enterprise_id`` (one the account acts for) at ``now`` [UTC]."""
    eid = pick_enterprise(scope, enterprise_id)
    f = get_enterprise_file(session, scope, eid, now=now, counts=counts, sources=sources,
                            credit=credit, store=None, with_emissions=False)  # fmt: skip
    since = now - timedelta(days=RECENT_EVENT_DAYS)
    outlets = []
    for o in f.outlets:
        events = [
            e for e in qc_records.outlet_events(session, scope, o.code) if as_utc(e.end) >= since
        ]
        marks = qc_records.outlet_marks(session, scope, o.code)[-5:]
        outlets.append(OutletView(code=o.code, name=o.name, kind=o.kind,
                                  latest_time=o.latest_time, values=o.values,
                                  exceeding=o.exceeding, events=events, marks=marks,
                                  chart=_chart(session, scope, store, o, now)))  # fmt: skip
    page = cases.list_cases(session, scope, cases.CaseFilter(enterprise_id=eid, open_only=True),
                            per_page=50, now=now)  # fmt: skip
    case_views = []
    for c in page.items:
        allowed = [ev.value for ev in cases.available_actions(session, user, c)
                   if ev in ENTERPRISE_EVENTS]  # fmt: skip
        case_views.append(CaseView(id=c.id, number=c.number, title=c.title, state=c.state.value,
                                   due_at=c.due_at, actions=allowed))  # fmt: skip
    certs = list(session.scalars(
        select(PortalCertificate).where(PortalCertificate.enterprise_id == eid)
        .order_by(PortalCertificate.issued_at.desc()).limit(5)
    ))  # fmt: skip
    h = PortalHome(enterprise_id=eid, file=f, outlets=outlets, cases=case_views,
                   certificates=certs)  # fmt: skip
    h.notices = notices_for(session, scope, limit=10)
    h.balances = rights_balances(session, scope, year=as_cst(now).year, enterprise_id=eid)
    h.eia = eia_records_for(session, scope, eid)
    return h


def mark_outlet(
    session: Session,
    store: ObservationStore,
    scope: Scope,
    user: User,
    code: str,
    *,
    kind: str,
    start: datetime,
    end: datetime,
    reason: str,
    proofs: Sequence[tuple[bytes, str]],
    limits: cases.EvidenceLimits,
    max_days: int | None,
    sink: CaseSink | None,
) -> Any:
    """自行标记: a mark on one of the account's outlets (QC checks kind, order, overlap and
    length and re-judges the verdicts it touches), each proof file (bytes, filename) stored in
    the cases evidence store first and named on the mark as ``evidence:<sha256>:<filename>``."""
    _check_enterprise_account(scope)
    with acting_as(user.username):
        proof = []
        for data, filename in proofs:
            sniffed = cases.store_evidence(data, limits=limits)
            proof.append(f"evidence:{sniffed.sha256}:{(filename or 'file')[-120:]}")
        return qc_records.mark_outlet(session, store, scope, user, code, kind=kind, start=start,
                                      end=end, reason=reason, proof=proof, max_days=max_days,
                                      sink=sink)  # fmt: skip


def answer_case(
    session: Session,
    scope: Scope,
    user: User,
    case_id: int,
    *,
    event: str,
    reason: str,
    files: Sequence[tuple[bytes, str]],
    limits: cases.EvidenceLimits,
    now: datetime | None = None,
) -> Any:
    """Answer a case: upload the evidence files and take ``event`` (整改 start, 申请验收 submit,
    补充材料 note) — only when the workflow offers it to this account now."""
    _check_enterprise_account(scope)
    try:
        ev = CaseEvent(event)
    except ValueError:
        raise QingshanError(f"event: {event!r} is not one of "
                            f"{', '.join(e.value for e in ENTERPRISE_EVENTS)}") from None  # fmt: skip
    case = cases.get_case(session, scope, case_id)
    if ev not in ENTERPRISE_EVENTS or ev not in cases.available_actions(session, user, case):
        raise PermissionDenied(f"the case {case.number or case.id} does not allow {ev.value} now "
                               f"(state {case.state.value})")  # fmt: skip
    with acting_as(user.username):
        ids = [cases.add_evidence(session, scope, case_id, data, name, limits=limits,
                                  actor=user.username, now=now).id
               for data, name in files]  # fmt: skip
        inp = cases.ActionInput(reason=reason, evidence_ids=tuple(ids))
        return cases.act(session, user, case_id, ev, inp, now=now)


def month_range(month: str) -> tuple[date, date]:
    """``YYYY-MM`` → (first day, last day); a clear error otherwise."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise QingshanError(f"month: {month!r} is not a month like 2026-11") from None
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _cst_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = datetime(first.year, first.month, first.day, tzinfo=CST)
    end = datetime(last.year, last.month, last.day, tzinfo=CST) + timedelta(days=1)
    return start, end


def export_month(
    session: Session, scope: Scope, store: ObservationStore, enterprise_id: int, month: str
) -> tuple[str, bytes]:
    """The account's outlets' hourly series of ``month`` (CST) as an .xlsx (one sheet per
    outlet: time, then each parameter's value and QC flag), written by the house helper
    (text that a spreadsheet would run as a formula is stored as text)."""
    eid = pick_enterprise(scope, enterprise_id)
    first, last = month_range(month)
    start, end = _cst_bounds(first, last)
    names = enterprise_names(session, [eid])
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {}
    sites = list(session.scalars(select(Site).where(
        Site.enterprise_id == eid, scope.where(Site.region_code, Site.enterprise_id)
    ).order_by(Site.code)))  # fmt: skip
    series = get_series_of_sites(session, sites)
    for site in sites:
        get_site(session, scope, site.code)
        cols: dict[str, pd.Series] = {}
        headers = ["时间 time (CST)"]
        for s in series[site.id]:
            if s.period is not Period.HOUR:
                continue
            frame = store.query([s.id], start, end, period="hour", columns=["value", "qc_flag"])
            if frame.empty:
                continue
            idx = pd.to_datetime(frame["time"], utc=True)
            cols[f"{s.parameter_code} {s.unit}".strip()] = pd.Series(
                frame["value"].to_numpy(), index=idx
            )
            cols[f"{s.parameter_code} QC"] = pd.Series(frame["qc_flag"].to_numpy(), index=idx)
        table = pd.DataFrame(cols).sort_index() if cols else pd.DataFrame()
        headers += [formula_safe(c) for c in table.columns]
        rows = [[as_cst(t.to_pydatetime()).strftime("%Y-%m-%d %H:%M"),
                 *(None if pd.isna(v) else formula_safe(v) for v in r)]
                for t, r in zip(table.index, table.itertuples(index=False), strict=True)]  # fmt: skip
        sheets[site.code[:31]] = (headers, rows)
    if not sheets:
        sheets["无数据 no data"] = (["说明 note"], [["no outlet in your scope"]])
    name = names.get(eid, str(eid))
    return f"{name}-{month}-监测数据.xlsx", write_workbook(sheets, widths={"时间 time (CST)": 18})


def certificate_facts(
    session: Session,
    scope: Scope,
    enterprise_id: int,
    first: date,
    last: date,
    *,
    now: datetime,
    counts: OutletCounts,
    sources: EnterpriseRecordSources,
    credit: CreditSummary,
    synthetic: bool = False,
) -> dict[str, Any]:
    """What a certificate of ``enterprise_id`` for [``first``, ``last``] (CST days) states,
    computed from the archive, QC and cases at ``now``; nothing typed in."""
    eid = pick_enterprise(scope, enterprise_id)
    if last < first:
        raise QingshanError(f"period: {last} is before {first}")
    today = as_cst(now).date()
    if first > today:
        raise QingshanError(f"period: {first} is in the future")
    last = min(last, today)
    f = get_enterprise_file(session, scope, eid, now=now, counts=counts, sources=sources,
                            credit=credit, store=None, with_emissions=False)  # fmt: skip
    start, end = _cst_bounds(first, last)
    all_days: set[date] = set()
    outlets = []
    for o in f.outlets:
        days: set[date] = set()
        for e in qc_records.outlet_events(session, scope, o.code):
            a, b = max(as_utc(e.start), start), min(as_utc(e.end), end)
            if a >= b:
                continue
            d, stop = as_cst(a).date(), as_cst(b - timedelta(microseconds=1)).date()
            while d <= stop:
                days.add(d)
                d += timedelta(days=1)
        all_days |= days
        outlets.append({"code": o.code, "name": o.name,
                        "exceedance_dates": [d.isoformat() for d in sorted(days)]})  # fmt: skip
    in_force = [p for p in f.permits if p.status in ("valid", "expiring")]
    open_cases = [
        c for c in f.cases if c.closed_at is None and c.state not in ("cancelled", "merged")
    ]
    penalties = [{"decision_no": p.decision_no, "decided_on": p.decided_on.isoformat(),
                  "kind": p.kind, "amount_yuan": p.amount_yuan, "status": p.status}
                 for p in f.penalties if first <= p.decided_on <= last]  # fmt: skip
    clean = not all_days and not open_cases and not penalties
    statement = (
        "经核查，该企业在证明期间内未发生在线监测超标，无未办结督办案件，无行政处罚。"
        if clean
        else "该企业在证明期间内的超标、案件与处罚情况如上所列。"
    ) + "本证明由青山平台据一企一档、数据质控与电子督办记录自动计算生成。"
    return {
        "enterprise_id": eid, "enterprise_name": f.name, "credit_code": f.credit_code,
        "period_start": first.isoformat(), "period_end": last.isoformat(),
        "permit_number": in_force[0].number if in_force else None,
        "outlets": outlets, "exceedance_days": len(all_days),
        "open_cases": len(open_cases),
        "open_case_numbers": [c.number or str(c.id) for c in open_cases],
        "penalties": penalties, "compliant": clean, "statement": statement,
        "issued_cst": as_cst(now).strftime("%Y-%m-%d %H:%M"), "synthetic": synthetic,
    }  # fmt: skip


def issue_certificate(
    session: Session,
    scope: Scope,
    user: User,
    enterprise_id: int,
    first: date,
    last: date,
    *,
    verify_base: str,
    limits: cases.EvidenceLimits,
    now: datetime | None = None,
    counts: OutletCounts,
    sources: EnterpriseRecordSources,
    credit: CreditSummary,
    synthetic: bool = False,
) -> tuple[PortalCertificate, bytes]:
    """Issue a compliance certificate: the facts (:func:`certificate_facts`), the PDF with its
    verification code, the PDF kept in the evidence store and the record (facts, digest)."""
    now = now or utcnow()
    facts = certificate_facts(session, scope, enterprise_id, first, last, now=now, counts=counts,
                              sources=sources, credit=credit, synthetic=synthetic)  # fmt: skip
    code = secrets.token_urlsafe(12)  # 96 random bits, 16 URL-safe characters
    pdf = render_certificate(facts, code=code, issued_at=now,
                             verify_url=f"{verify_base.rstrip('/')}/verify/{code}")  # fmt: skip
    with acting_as(user.username):
        cases.store_evidence(pdf, limits=limits)
        cert = PortalCertificate(
            code=code, enterprise_id=facts["enterprise_id"],
            region_code=_region_of(session, scope, facts["enterprise_id"]),
            period_start=date.fromisoformat(facts["period_start"]),
            period_end=date.fromisoformat(facts["period_end"]), facts=facts,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(), pdf_size=len(pdf), issued_at=now,
            issued_by=user.username, synthetic=synthetic,
        )  # fmt: skip
        session.add(cert)
        session.flush()
    return cert, pdf


def _region_of(session: Session, scope: Scope, enterprise_id: int) -> str:
    from qingshan.archive.service import directory_entry

    entry = directory_entry(session, enterprise_id)
    return entry.region_code if entry is not None else scope.region_code


def certificate_pdf(
    session: Session, scope: Scope, code: str, *, limits: cases.EvidenceLimits
) -> tuple[PortalCertificate, bytes]:
    """An issued certificate of the account's enterprises and its stored PDF bytes."""
    _check_enterprise_account(scope)
    cert = session.scalar(select(PortalCertificate).where(PortalCertificate.code == code))
    if cert is None or cert.enterprise_id not in scope.enterprises:
        raise NotFound(f"no certificate {code!r} of your enterprises", code=code)
    path = cases.stored_evidence_path(limits.root, cert.pdf_sha256)
    return cert, path.read_bytes()


def verify(session: Session, code: str) -> PortalCertificate | None:
    """The certificate of a verification code, or None (the public check: no login)."""
    code = code.strip()
    if not code or len(code) > 32:
        return None
    return session.scalar(select(PortalCertificate).where(PortalCertificate.code == code))
