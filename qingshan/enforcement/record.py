"""What the enforcement domain reads from and writes to the domains below it, through their
public service functions only: the archive's directory, findings, transmission rate and
inspections (:mod:`qingshan.archive.service`, :mod:`qingshan.archive.findings`,
:mod:`qingshan.archive.records`), the cases' intake (:mod:`qingshan.cases.service`) and QC's
events (:mod:`qingshan.qc.records`, :mod:`qingshan.qc.outlet`).

:class:`RecordSources` implements the archive's
:class:`~qingshan.archive.findings.EnterpriseRecordSources` from the cases' and QC's public
functions, so that the credit job and the demo (which do not run inside the web application)
read an enterprise's record exactly as its page does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.findings import (
    CaseRef,
    EnterpriseRecordSources,
    FindingKind,
    enterprise_findings,
)
from qingshan.archive.findings import (
    Finding as ArchiveFinding,
)
from qingshan.archive.records import ViolationInput, record_inspection
from qingshan.archive.service import EnterpriseEntry, enterprise_directory
from qingshan.cases.service import CaseDraft, CaseFilter, list_cases, register_case
from qingshan.cases.workflow import OPEN_STATES
from qingshan.enforcement.credit import CreditRule, Finding
from qingshan.enforcement.ratings import EnterpriseRecord
from qingshan.enforcement.transmission import transmission_by_enterprise
from qingshan.errors import NotFound
from qingshan.qc.outlet import outlet_transmission
from qingshan.qc.records import outlet_events
from qingshan.qc.supervision import transmission_rates
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_cst

__all__ = [
    "EnterpriseEntry",
    "enterprise_directory",
    "RecordSources",
    "PROVINCE",
    "credit_finding",
    "gather_records",
    "record_spot_inspection",
    "open_spot_check_case",
]

#: the scope the scheduler reads the record in (the whole province)
PROVINCE = Scope(region_code="330000", role=Role.PROVINCE, username="scheduler")


class RecordSources:
    """The archive's ``EnterpriseRecordSources`` from the cases' and QC's public functions: an
    enterprise's cases, its outlets' exceedance events and transmission rate (the registry gives
    this one to the pages; the credit job and the demo use it directly)."""

    def cases(self, session: Session, scope: Scope, enterprise_id: int) -> list[CaseRef]:
        out: list[CaseRef] = []
        page = 1
        while True:
            found = list_cases(session, scope, CaseFilter(enterprise_id=enterprise_id),
                               page=page, per_page=200)  # fmt: skip
            out += [
                CaseRef(c.id, c.number, c.title, c.state.value, c.source, c.category, c.site_id,
                        c.occurred_at, c.registered_at, c.due_at, c.closed_at, c.relapse_count,
                        c.state in OPEN_STATES)
                for c in found.items
            ]  # fmt: skip
            if page * found.per_page >= found.total:
                return out
            page += 1

    def exceedances(
        self, session: Session, scope: Scope, site_codes: Sequence[str]
    ) -> list[ArchiveFinding]:
        out: list[ArchiveFinding] = []
        for code in site_codes:
            try:
                events = outlet_events(session, scope, code)
            except NotFound:
                continue
            out += [
                ArchiveFinding(FindingKind.EXCEEDANCE, f"qc_event:{e.id}", e.start,
                               f"{code} {e.parameter_code} 超标 {e.max_multiple:.2f} 倍（{e.periods} 时段）",
                               f"/qc/outlets/{code}", site_id=e.site_id,
                               parameter_code=e.parameter_code)
                for e in events
            ]  # fmt: skip
        return out

    def transmission(
        self,
        session: Session,
        store: ObservationStore,
        site_ids: Sequence[int],
        start: datetime,
        end: datetime,
    ) -> dict[str, Any]:
        expected = reported = valid = exempt = 0
        for site_id in site_ids:
            r = outlet_transmission(session, store, site_id, start, end)
            expected += r["expected"]
            reported += r["reported"]
            valid += r["valid"]
            exempt += r["exempt"]
        return transmission_rates(expected, reported, valid, exempt=exempt)


def credit_finding(f: ArchiveFinding) -> Finding:
    """The rule's view of an archive finding (its CST date, link, category, amount)."""
    return Finding(
        kind=f.kind.value, key=f.key, occurred=as_cst(f.time).date(), title=f.title,
        link=f.ref_url, category=f.category, amount=f.amount, confirmed=f.confirmed,
    )  # fmt: skip


def _cst_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=CST)


def gather_records(
    session: Session,
    entries: Sequence[EnterpriseEntry],
    *,
    as_of: date,
    now: datetime,
    rule: CreditRule,
    sources: EnterpriseRecordSources | None = None,
    store: ObservationStore | None = None,
) -> list[EnterpriseRecord]:
    """The records the rule scores: each enterprise's findings of the rule's window ending on
    ``as_of`` [CST date] and, with a ``store``, its effective transmission rate over the
    rule's ``transmission.months`` ending then (a ``transmission`` finding dated ``as_of``;
    :func:`.transmission.transmission_by_enterprise`, one store query per batch of outlets)."""
    sources = sources or RecordSources()
    until = _cst_start(as_of + timedelta(days=1))
    y, m = divmod(as_of.year * 12 + as_of.month - 1 - rule.window_months, 12)
    since = _cst_start(date(y, m + 1, 1))
    trans = rule.deductions.get("transmission")
    rates: dict[int, dict[str, Any]] = {}
    months = 3 if trans is None else int(trans.get("months", 3))
    if store is not None and trans is not None:
        start = until - timedelta(days=round(30.4375 * months))
        rates = transmission_by_enterprise(session, store, [e.id for e in entries], start, until)
    out = []
    for e in entries:
        found = [credit_finding(f) for f in enterprise_findings(
            session, e.id, since, until, sources, scope=PROVINCE, now=now)]  # fmt: skip
        rate = rates.get(e.id, {}).get("effective_rate")
        if rate is not None:
            found.append(Finding(
                kind="transmission", key="transmission", occurred=as_of,
                title=f"近{months}个月有效传输率 {100 * rate:.1f}%",
                link=f"/enterprises/{e.id}", rate=max(0.0, min(1.0, float(rate)))))  # fmt: skip
        out.append(EnterpriseRecord(e.id, e.region_code, tuple(found)))
    return out


def record_spot_inspection(
    session: Session,
    enterprise_id: int,
    *,
    task_id: int,
    inspected_at: datetime,
    inspectors: Sequence[str],
    summary: str,
    actor: str,
    now: datetime,
    violation_category: str | None = None,
    violation_text: str = "",
) -> int:
    """Record the spot check of task ``task_id`` as an on-site inspection in the archive
    (source ``spot_check``, ``source_ref`` ``spot:<task>``); the inspection's id."""
    violations = ([ViolationInput(category=violation_category, description=violation_text)]
                  if violation_category else [])  # fmt: skip
    insp = record_inspection(
        session, enterprise_id, kind="onsite", inspected_at=inspected_at, inspectors=inspectors,
        actor=actor, source="spot_check", source_ref=f"spot:{task_id}", summary=summary,
        violations=violations, now=now,
    )  # fmt: skip
    return int(insp.id)


def open_spot_check_case(
    session: Session,
    *,
    task_id: int,
    enterprise_id: int,
    region_code: str,
    category: str,
    severity: str,
    title: str,
    description: str,
    occurred_at: datetime,
    evidence: Mapping[str, Any],
    actor: str,
    now: datetime,
) -> int:
    """Open (or find) the case of a spot check's findings: source ``inspection`` (现场检查 /
    双随机), idempotent on ``spot_check:<task>``; its id."""
    draft = CaseDraft(
        source="inspection", category=category, severity=severity, title=title,
        region_code=region_code, occurred_at=occurred_at, description=description,
        enterprise_id=enterprise_id, source_key=f"spot_check:{task_id}", evidence=dict(evidence),
    )  # fmt: skip
    return int(register_case(session, draft, actor=actor, now=now).case.id)
