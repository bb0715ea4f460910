"""What the record of an enterprise holds against it (findings), from every domain, and the
compliance strip built from them (EPA ECHO's Detailed Facility Report has the same strip by
quarter).

The archive's own findings come from its tables: violations found at inspections (a violation
of category ``monitoring_fraud`` is confirmed data fraud) and administrative penalties. The
others come from domains above the archive through :class:`EnterpriseRecordSources`, a protocol
published here and implemented by the registry (:func:`qingshan.platform.app.providers`):

- QC's exceedance events of the current verdicts → ``exceedance``;
- the cases of the enterprise (电子督办, complaints, inspections) → ``overdue_case`` (a case past
  its deadline: closed after it, or still open after it), ``relapsed_case`` (a case reopened as
  反弹), ``data_fraud`` (a case of category ``monitoring_fraud``: QC's fraud patterns, suspected);
- QC's effective transmission rate of the outlets.

The kinds are the ones the credit rule deducts for (:mod:`qingshan.enforcement.credit` reads
them through :func:`enterprise_findings`). Pure where it can be: :func:`case_findings` and
:func:`compliance_strip` take values, not sessions.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Penalty, Violation
from qingshan.archive.records import PENALTY_KINDS, VIOLATION_CATEGORIES
from qingshan.monitoring.models import Site, SiteKind
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, as_cst, utcnow

__all__ = [
    "FindingKind",
    "RANK",
    "Finding",
    "CaseRef",
    "EnterpriseRecordSources",
    "CreditGrade",
    "CreditSummary",
    "CarbonCard",
    "CarbonSummary",
    "WasteCard",
    "WasteSummary",
    "FRAUD_CATEGORY",
    "case_findings",
    "StripCell",
    "compliance_strip",
    "month_starts",
    "quarter_starts",
    "window",
    "archive_findings",
    "enterprise_findings",
    "transmission_rate",
]

_OUTLETS = (SiteKind.GAS_OUTLET, SiteKind.WATER_OUTLET)
#: the case / violation category of monitoring-data falsification (数据造假)
FRAUD_CATEGORY = "monitoring_fraud"


class FindingKind(enum.StrEnum):
    EXCEEDANCE = "exceedance"  # 超标
    VIOLATION = "violation"  # 违法行为
    PENALTY = "penalty"  # 行政处罚
    RELAPSED_CASE = "relapsed_case"  # 问题反弹
    OVERDUE_CASE = "overdue_case"  # 整改逾期
    DATA_FRAUD = "data_fraud"  # 数据造假


#: how bad a kind is in the compliance strip (higher is worse): exceedance < violation
#: (penalty) < overdue case (relapse) < data fraud
RANK: Mapping[FindingKind, int] = {
    FindingKind.EXCEEDANCE: 1,
    FindingKind.VIOLATION: 2,
    FindingKind.PENALTY: 2,
    FindingKind.RELAPSED_CASE: 3,
    FindingKind.OVERDUE_CASE: 3,
    FindingKind.DATA_FRAUD: 4,
}


@dataclass(frozen=True)
class Finding:
    """One fact of an enterprise's record.

    Attributes
    ----------
    kind : FindingKind
    key : str — what it is, unique in the record: ``"qc_event:55"``, ``"case:12"``,
        ``"violation:3"``, ``"penalty:2"``
    time : datetime — when it happened [UTC, tz-aware]
    title : str — one line, Chinese
    ref_url : str or None — where the page links it (``/cases/12``, ``/qc/outlets/<code>``,
        ``/enterprises/<id>#violation-3``)
    category : str or None — a violation's or case's category
    amount : float or None — a penalty's fine [CNY]
    site_id : int or None; parameter_code : str or None — the outlet and pollutant, if any
    confirmed : bool — data fraud established (an inspection's violation) rather than suspected
        from the data (a QC pattern's case)
    """

    kind: FindingKind
    key: str
    time: datetime
    title: str
    ref_url: str | None = None
    category: str | None = None
    amount: float | None = None
    site_id: int | None = None
    parameter_code: str | None = None
    confirmed: bool = False


@dataclass(frozen=True)
class CaseRef:
    """A case of the enterprise as the archive shows it (given by the cases domain)."""

    id: int
    number: str | None
    title: str
    state: str
    source: str
    category: str
    site_id: int | None
    occurred_at: datetime
    registered_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    relapse_count: int
    is_open: bool

    @property
    def url(self) -> str:
        return f"/cases/{self.id}"


class EnterpriseRecordSources(Protocol):
    """What other domains know of an enterprise, for its file and its findings. Implemented
    by the registry with the cases' and QC's public service functions."""

    def cases(self, session: Session, scope: Scope, enterprise_id: int) -> list[CaseRef]:
        """Every case of the enterprise in ``scope``, newest first."""
        ...

    def exceedances(
        self, session: Session, scope: Scope, site_codes: Sequence[str]
    ) -> list[Finding]:
        """The exceedance events (``kind=exceedance``) of the outlets' current QC verdicts."""
        ...

    def transmission(
        self,
        session: Session,
        store: ObservationStore,
        site_ids: Sequence[int],
        start: datetime,
        end: datetime,
    ) -> dict[str, Any]:
        """有效传输率 of the outlets over [start, end): ``expected``, ``reported``, ``valid``,
        ``transmission_rate``, ``validity_rate``, ``effective_rate`` [0–1 or None]."""
        ...


@dataclass(frozen=True)
class CreditGrade:
    """An enterprise's current credit grade, as the credit domain computed it."""

    grade: str  # the rule's grade key
    name: str  # 环保诚信企业 …
    name_en: str
    colour: str  # green blue yellow red black
    score: float | None
    reasons: list[str] = field(default_factory=list)
    rule_version: str = ""
    evaluated_on: date | None = None
    weights_confirmed: bool = False
    #: the grade history, newest first: {"since": date, "grade", "name", "name_en", "colour",
    #: "score"}; ``url``: the credit domain's page of the grade (reasons with links, the rule)
    history: list[dict] = field(default_factory=list)
    url: str | None = None


class CreditSummary(Protocol):
    """The credit section of the enterprise page: the grade or None (未评价). Implemented by
    the credit domain (the registry hands it over)."""

    def __call__(self, session: Session, enterprise_id: int) -> CreditGrade | None: ...


@dataclass(frozen=True)
class CarbonCard:
    """The carbon account in short (碳账户), as the carbon domain computed it: the latest year
    with results, its total [tCO2], intensity [tCO2/10^4 yuan], the 碳效码 grade (1..5 or None),
    level, colour and method label, the warnings counted, and the account's page."""

    year: int
    total_tco2: float
    intensity: float | None
    grade: int | None
    level: str | None
    colour: str | None
    method: str
    warnings: int
    months: int
    url: str


class CarbonSummary(Protocol):
    """The carbon section of the enterprise page: the card or None (no account). Implemented
    by the carbon domain (the registry hands it over); scoped like the page."""

    def __call__(self, session: Session, scope: Scope, enterprise_id: int) -> CarbonCard | None: ...


@dataclass(frozen=True)
class WasteCard:
    """The hazardous-waste ledger in short (危废台账), as the waste domain computed it: the year,
    the HJ 1259-2022 management tier [U] (``key`` 重点监管 / ``simplified`` 简化管理 /
    ``registered`` 登记管理, None without a plan), generated, transferred out on manifests,
    utilised or disposed on site and stored at the year's end [t], the waste codes, the
    manifests of the year (all and not yet closed), storage alerts (固废法 2020 Art. 81) and the
    balance months that did not close, and the waste pages' link."""

    year: int
    tier: str | None
    generated_t: float
    transferred_t: float
    self_handled_t: float
    stored_t: float
    codes: tuple[str, ...]
    manifests: int
    open_manifests: int
    storage_alerts: int
    unbalanced_months: int
    url: str


class WasteSummary(Protocol):
    """The hazardous-waste section of the enterprise page: the card or None (not a producer,
    transporter or facility). Implemented by the waste domain; scoped like the page."""

    def __call__(self, session: Session, scope: Scope, enterprise_id: int) -> WasteCard | None: ...


def case_findings(cases: Sequence[CaseRef], *, now: datetime) -> list[Finding]:
    """The findings a list of cases holds (pure): ``data_fraud`` for a case of category
    :data:`FRAUD_CATEGORY` (suspected, at its ``occurred_at``); ``overdue_case`` for a case
    whose deadline passed before it was closed, or that is still open after it (at the
    deadline); ``relapsed_case`` for a case reopened as 反弹 (at its registration: the cases
    domain does not give the time of each relapse)."""
    out: list[Finding] = []
    for c in cases:
        if c.category == FRAUD_CATEGORY:
            out.append(
                Finding(FindingKind.DATA_FRAUD, f"case:{c.id}", c.occurred_at,
                        f"数据造假特征：{c.title}", c.url, c.category, site_id=c.site_id)
            )  # fmt: skip
        if c.due_at is not None:
            ended = c.closed_at if not c.is_open else None
            late = (ended is not None and ended > c.due_at) or (ended is None and c.is_open
                                                                and now > c.due_at)  # fmt: skip
            if late:
                out.append(
                    Finding(FindingKind.OVERDUE_CASE, f"case:{c.id}:overdue", c.due_at,
                            f"整改逾期：{c.title}", c.url, c.category, site_id=c.site_id)
                )  # fmt: skip
        if c.relapse_count > 0:
            out.append(
                Finding(FindingKind.RELAPSED_CASE, f"case:{c.id}:relapse", c.registered_at,
                        f"问题反弹 ×{c.relapse_count}：{c.title}", c.url, c.category,
                        site_id=c.site_id)
            )  # fmt: skip
    return out


@dataclass(frozen=True)
class StripCell:
    """One period of the compliance strip: its label, first and next-period day [CST dates],
    the worst finding kind (None: nothing found), the count by kind and where it links (the
    worst finding's page; several at once: its first)."""

    label: str
    start: date
    end: date
    worst: FindingKind | None
    counts: dict[str, int]
    link: str | None
    titles: list[str]


def month_starts(today: date, n: int) -> list[date]:
    """The first days of the ``n`` months ending with ``today``'s month, oldest first."""
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def quarter_starts(today: date, n: int) -> list[date]:
    """The first days of the ``n`` quarters ending with ``today``'s quarter, oldest first."""
    y, q = today.year, (today.month - 1) // 3
    out = []
    for _ in range(n):
        out.append(date(y, 3 * q + 1, 1))
        y, q = (y, q - 1) if q > 0 else (y - 1, 3)
    return out[::-1]


def _next(start: date, months: int) -> date:
    m = start.month - 1 + months
    return date(start.year + m // 12, m % 12 + 1, 1)


def compliance_strip(
    findings: Sequence[Finding], *, today: date, freq: str = "quarter", periods: int = 12
) -> list[StripCell]:
    """The last ``periods`` quarters (``freq="quarter"``) or months (``"month"``) ending with
    ``today``'s [CST date], each with the worst finding inside it (by :data:`RANK`; findings
    are placed by their CST date)."""
    if freq not in ("quarter", "month"):
        raise ValueError(f"freq must be 'quarter' or 'month', got {freq!r}")
    step = 3 if freq == "quarter" else 1
    starts = quarter_starts(today, periods) if step == 3 else month_starts(today, periods)
    days = sorted(((as_cst(f.time).date(), f) for f in findings), key=lambda t: t[0])
    cells = []
    for s in starts:
        e = _next(s, step)
        inside = [f for d, f in days if s <= d < e]
        worst = max(inside, key=lambda f: (RANK[f.kind], f.time), default=None)
        counts: dict[str, int] = {}
        for f in inside:
            counts[f.kind.value] = counts.get(f.kind.value, 0) + 1
        label = f"{s.year}Q{(s.month - 1) // 3 + 1}" if step == 3 else f"{s:%Y-%m}"
        cells.append(
            StripCell(label, s, e, None if worst is None else worst.kind, counts,
                      None if worst is None else worst.ref_url,
                      [f.title for f in sorted(inside, key=lambda f: -RANK[f.kind])][:8])
        )  # fmt: skip
    return cells


def window(today: date, months: int) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the ``months`` CST months ending with ``today``'s."""
    first = month_starts(today, months)[0]
    end = _next(date(today.year, today.month, 1), 1)
    return (
        datetime(first.year, first.month, 1, tzinfo=CST),
        datetime(end.year, end.month, 1, tzinfo=CST),
    )


def archive_findings(
    session: Session, enterprise_id: int, since: datetime, until: datetime
) -> list[Finding]:
    """The archive's own findings in [since, until): violations (``violation``; category
    ``monitoring_fraud`` gives a confirmed ``data_fraud``) and penalties (``penalty``, at the
    decision's date, 00:00 CST)."""
    out: list[Finding] = []
    for v in session.scalars(
        select(Violation).where(
            Violation.enterprise_id == enterprise_id,
            Violation.found_at >= since,
            Violation.found_at < until,
        )
    ):
        fraud = v.category == FRAUD_CATEGORY
        out.append(
            Finding(FindingKind.DATA_FRAUD if fraud else FindingKind.VIOLATION,
                    f"violation:{v.id}", v.found_at,
                    f"{VIOLATION_CATEGORIES.get(v.category, (v.category,))[0]}"
                    + (f"：{v.description}" if v.description else ""),
                    f"/enterprises/{enterprise_id}#violation-{v.id}", v.category,
                    site_id=v.site_id, parameter_code=v.parameter_code, confirmed=fraud)
        )  # fmt: skip
    d0, d1 = as_cst(since).date(), as_cst(until).date()
    for p in session.scalars(
        select(Penalty).where(
            Penalty.enterprise_id == enterprise_id,
            Penalty.decided_on >= d0,
            Penalty.decided_on <= d1,
            Penalty.status != "revoked",
        )
    ):
        t = datetime(p.decided_on.year, p.decided_on.month, p.decided_on.day, tzinfo=CST)
        if not since <= t < until:
            continue
        kind = PENALTY_KINDS.get(p.kind, (p.kind,))[0]
        amount = "" if p.amount_yuan is None else f" {p.amount_yuan:,.0f} 元"
        out.append(
            Finding(FindingKind.PENALTY, f"penalty:{p.id}", t,
                    f"行政处罚（{kind}{amount}）{p.decision_no}",
                    f"/enterprises/{enterprise_id}#penalty-{p.id}", p.kind,
                    amount=p.amount_yuan)
        )  # fmt: skip
    return out


def enterprise_findings(
    session: Session,
    enterprise_id: int,
    since: datetime,
    until: datetime,
    sources: EnterpriseRecordSources,
    *,
    scope: Scope | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Every finding of the enterprise's record in [``since``, ``until``) [UTC], by time: the
    archive's (:func:`archive_findings`), QC's exceedance events and the cases' (overdue,
    relapsed, data fraud; :func:`case_findings`) through ``sources``. ``scope`` defaults to
    the province (a job, the credit rating); a route passes the viewer's."""
    scope = scope or Scope("330000", Role.PROVINCE, username="system")
    now = now or utcnow()
    codes = list(
        session.scalars(
            select(Site.code)
            .where(Site.enterprise_id == enterprise_id, Site.kind.in_(_OUTLETS))
            .order_by(Site.code)
        )
    )
    found = archive_findings(session, enterprise_id, since, until)
    found += sources.exceedances(session, scope, codes)
    found += case_findings(sources.cases(session, scope, enterprise_id), now=now)
    return sorted((f for f in found if since <= f.time < until), key=lambda f: (f.time, f.key))


def transmission_rate(
    session: Session,
    store: ObservationStore,
    enterprise_id: int,
    start: datetime,
    end: datetime,
    sources: EnterpriseRecordSources,
) -> dict[str, Any]:
    """有效传输率 of the enterprise's outlets over [start, end) [UTC] (QC's rule, through
    ``sources``): ``transmission_rate``, ``validity_rate``, ``effective_rate`` [0–1, None when
    nothing was expected] with ``expected``, ``reported``, ``valid`` hours."""
    ids = list(
        session.scalars(
            select(Site.id).where(Site.enterprise_id == enterprise_id, Site.kind.in_(_OUTLETS))
        )
    )
    return sources.transmission(session, store, ids, start, end)
