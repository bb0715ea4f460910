"""EIA approvals and permit applications with a session (issue #23, area eia).

- :func:`records_for` — one enterprise's approvals, applications, current permit and warnings
  (the contract function the enterprise portal reads);
- :func:`record_approval` (a form) and :func:`import_approvals` (CSV / Excel: every bad row
  named, nothing stored unless every row is good);
- :func:`record_application` — a 排污许可 application as a service record;
  :func:`service_statistics` — the "最多跑一次" figures by region and month;
- :func:`warnings` — the computed warnings of :func:`~.rules.warnings_for` in a scope;
  :func:`open_warning_case` opens a case (source ``big_data``: a computed cross-check of two
  registers, 大数据分析) for one, once.

Who may do what: county, city and province officers record approvals and applications in
their region and read them; an enterprise account reads its own (:attr:`Scope.enterprises`);
the public reads nothing here. Every write is audited as the acting user.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.industry_codes import industry_codes
from qingshan.archive.service import (
    PARAMETER_SYMBOLS,
    EnterpriseEntry,
    PermitBrief,
    cached_directory,
    current_permits,
    directory_entry,
    entry_in_scope,
)
from qingshan.audit.log import acting_as
from qingshan.config import get_settings
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.counties import county_at
from qingshan.portal.eia import rules
from qingshan.portal.eia.errors import EiaError
from qingshan.portal.eia.models import EiaApproval, EiaWarningCase, PermitApplication
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.standards.pollutant_codes import POLLUTANT_CODES
from qingshan.tablefile import (
    RowProblem,
    TableFileError,
    cell_text,
    column_letter,
    find_header,
    header_key,
    is_blank,
    looks_like_xlsx,
    parse_date,
    parse_number,
    read_csv_rows,
    read_workbook,
)
from qingshan.timeutil import utcnow

__all__ = [
    "ApprovalInput",
    "ApplicationInput",
    "EiaRecords",
    "WarningRow",
    "records_for",
    "check_approval",
    "record_approval",
    "record_approvals",
    "import_approvals",
    "list_approvals",
    "record_application",
    "list_applications",
    "service_statistics",
    "warnings",
    "open_warning_case",
    "pollutant_code",
]

_OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
#: symbol (COD, NH3-N, SO2, NOx …) → HJ 212-2017 code, for totals written as symbols
_SYMBOL_CODES = {v.upper(): k for k, v in PARAMETER_SYMBOLS.items()}
#: how a pollutant reads in a warning: its usual symbol (SO2, COD …), else its HJ 212 name (烟尘)
_POLLUTANT_NAMES = {c: PARAMETER_SYMBOLS.get(c) or p.name for c, p in POLLUTANT_CODES.items()}


@dataclass(frozen=True)
class ApprovalInput:
    """An approval as a form or an import row gives it (text as typed; checked by
    :func:`check_approval`)."""

    enterprise_id: int
    project: str
    longitude: float
    latitude: float
    industry_code: str
    doc_type: str
    approval_no: str
    authority: str
    approved_on: date
    conditions: Sequence[str] = ()
    totals: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ApplicationInput:
    enterprise_id: int
    kind: str
    submitted_on: date
    provided: Sequence[str] = ()  # material keys handed in
    accepted_on: date | None = None
    decided_on: date | None = None
    decision: str | None = None
    trips: int = 0
    permit_number: str | None = None
    note: str = ""


@dataclass(frozen=True)
class EiaRecords:
    """One enterprise's EIA file: approvals (newest first), applications (newest first), the
    current permit (None: none on file) and the warnings now."""

    enterprise_id: int
    enterprise: str
    approvals: list[EiaApproval]
    applications: list[PermitApplication]
    permit: PermitBrief | None
    warnings: list[rules.Warning]


@dataclass(frozen=True)
class WarningRow:
    warning: rules.Warning
    enterprise: str
    region_code: str
    case_id: int | None


def pollutant_code(text: str) -> str:
    """An HJ 212-2017 code from a code (w01018) or a usual symbol (COD, NH3-N, SO2, NOx);
    :class:`EiaError` naming the accepted ones otherwise."""
    t = str(text).strip()
    if t in POLLUTANT_CODES:
        return t
    code = _SYMBOL_CODES.get(t.upper().replace("₃", "3").replace("₂", "2"))
    if code is None:
        raise EiaError(f"pollutant {t!r}: an HJ 212-2017 code or one of "
                       f"{', '.join(sorted(_SYMBOL_CODES))}", field="totals")  # fmt: skip
    return code


def _entry(session: Session, scope: Scope, enterprise_id: int) -> EnterpriseEntry:
    entry = directory_entry(session, enterprise_id)
    if entry is None or not entry_in_scope(entry, scope):
        raise NotFound(f"enterprise {enterprise_id}: no such enterprise in your region")
    return entry


def _officer(scope: Scope, what: str) -> None:
    if scope.role not in _OFFICERS:
        raise PermissionDenied(f"{what}: for an officer of the bureau")


# ---------------------------------------------------------------- reading


def records_for(session: Session, scope: Scope, enterprise_id: int) -> EiaRecords:
    """The EIA approvals and permit applications of one enterprise (the portal contract):
    :class:`NotFound` unless the enterprise is in ``scope`` (an enterprise account: one it acts
    for)."""
    entry = _entry(session, scope, enterprise_id)
    approvals = list(session.scalars(
        select(EiaApproval).where(EiaApproval.enterprise_id == enterprise_id)
        .order_by(EiaApproval.approved_on.desc(), EiaApproval.id.desc())))  # fmt: skip
    apps = list(session.scalars(
        select(PermitApplication).where(PermitApplication.enterprise_id == enterprise_id)
        .order_by(PermitApplication.submitted_on.desc(), PermitApplication.id.desc())))  # fmt: skip
    permit = current_permits(session, [enterprise_id]).get(enterprise_id)
    return EiaRecords(enterprise_id, entry.name, approvals, apps, permit,
                      _warnings_of(entry, approvals, permit))  # fmt: skip


def _warnings_of(
    entry: EnterpriseEntry, approvals: Sequence[EiaApproval], permit: PermitBrief | None
) -> list[rules.Warning]:
    facts = [rules.ApprovalFacts(a.approval_no, a.approved_on, dict(a.totals or {}))
             for a in approvals]  # fmt: skip
    pf = (
        None if permit is None else rules.PermitFacts(permit.number, permit.valid_from, permit.caps)
    )
    return rules.warnings_for(entry.id, entry.status, facts, pf, _POLLUTANT_NAMES)


def list_approvals(session: Session, scope: Scope, *, limit: int = 500) -> list[EiaApproval]:
    """The approvals in ``scope``, newest first."""
    q = (select(EiaApproval).where(scope.where(EiaApproval.region_code, EiaApproval.enterprise_id))
         .order_by(EiaApproval.approved_on.desc(), EiaApproval.id.desc()).limit(limit))  # fmt: skip
    return list(session.scalars(q))


def list_applications(
    session: Session, scope: Scope, *, limit: int = 500
) -> list[PermitApplication]:
    """The permit applications in ``scope``, newest first."""
    q = (select(PermitApplication)
         .where(scope.where(PermitApplication.region_code, PermitApplication.enterprise_id))
         .order_by(PermitApplication.submitted_on.desc(), PermitApplication.id.desc())
         .limit(limit))  # fmt: skip
    return list(session.scalars(q))


# ---------------------------------------------------------------- approvals


def check_approval(inp: ApprovalInput, entry: EnterpriseEntry | None) -> list[tuple[str, str]]:
    """(field, what is wrong) of an approval; empty when it may be stored."""
    bad: list[tuple[str, str]] = []
    if entry is None:
        bad.append(("enterprise", f"no enterprise {inp.enterprise_id} in the archive"))
    if not 2 <= len(inp.project.strip()) <= 200:
        bad.append(("project", "a project name of 2–200 characters"))
    if (
        not (-180 <= inp.longitude <= 180 and -90 <= inp.latitude <= 90)
        or county_at(inp.longitude, inp.latitude) is None
    ):
        bad.append(("location", f"({inp.longitude}, {inp.latitude}) is not in Zhejiang"))
    if inp.industry_code.strip() not in industry_codes():
        bad.append(("industry_code", f"{inp.industry_code!r} is not a GB/T 4754-2017 小类 code"))
    if inp.doc_type not in rules.DOC_TYPES:
        bad.append(("doc_type", f"{inp.doc_type!r}: one of {', '.join(rules.DOC_TYPES)} "
                                "(报告书 / 报告表 / 登记表)"))  # fmt: skip
    else:
        problem = rules.check_approval_no(inp.approval_no, inp.doc_type, inp.approved_on)
        if problem:
            bad.append(("approval_no", problem))
    if not 2 <= len(inp.authority.strip()) <= 64:
        bad.append(("authority", "the approving authority, 2–64 characters"))
    for code, t in inp.totals.items():
        if code not in POLLUTANT_CODES:
            bad.append(("totals", f"{code!r} is not an HJ 212-2017 code"))
        elif not 0 <= float(t) < 1e7:
            bad.append(("totals", f"{code}: {t} t/a is not a number ≥ 0"))
    if inp.doc_type == "registration" and inp.totals:
        bad.append(("totals", "a 登记表 approves no totals"))
    return bad


def _doc_type(text: str) -> str:
    t = cell_text(text)
    for key, (zh, en) in rules.DOC_TYPES.items():
        if t in (key, zh, zh[4:], en) or t == zh[-3:]:
            return key
    return t


def _store_approval(
    session: Session, inp: ApprovalInput, entry: EnterpriseEntry, permit: PermitBrief | None,
    *, actor: str, now: datetime, origin: str, synthetic: bool,
) -> EiaApproval:  # fmt: skip
    row = EiaApproval(
        enterprise_id=entry.id, region_code=entry.region_code, project=inp.project.strip(),
        longitude=float(inp.longitude), latitude=float(inp.latitude),
        industry_code=inp.industry_code.strip(), doc_type=inp.doc_type,
        approval_no=rules.normalise_approval_no(inp.approval_no), authority=inp.authority.strip(),
        approved_on=inp.approved_on, conditions=[c.strip() for c in inp.conditions if c.strip()],
        totals={k: float(v) for k, v in inp.totals.items()},
        permit_id=None if permit is None else permit.id, origin=origin, synthetic=synthetic,
        created_by=actor, created_at=now,
    )  # fmt: skip
    session.add(row)
    return row


def _taken(session: Session, numbers: Iterable[str]) -> set[str]:
    nos = list(numbers)
    if not nos:
        return set()
    return set(session.scalars(select(EiaApproval.approval_no)
                               .where(EiaApproval.approval_no.in_(nos))))  # fmt: skip


def record_approval(
    session: Session, scope: Scope, inp: ApprovalInput, *, now: datetime | None = None,
    origin: str = "form", synthetic: bool = False,
) -> EiaApproval:  # fmt: skip
    """Store one approval after checking it (:class:`EiaError` naming every bad field), linked
    to the enterprise's current permit."""
    _officer(scope, "recording an EIA approval")
    entry = _entry(session, scope, inp.enterprise_id)
    bad = check_approval(inp, entry)
    no = rules.normalise_approval_no(inp.approval_no)
    if not bad and _taken(session, [no]):
        bad.append(("approval_no", f"{no} is on file already"))
    if bad:
        raise EiaError("; ".join(f"{f}: {m}" for f, m in bad), field=bad[0][0],
                       problems=[f"{f}: {m}" for f, m in bad])  # fmt: skip
    permit = current_permits(session, [entry.id]).get(entry.id)
    with acting_as(scope.username):
        row = _store_approval(session, inp, entry, permit, actor=scope.username,
                              now=now or utcnow(), origin=origin, synthetic=synthetic)  # fmt: skip
        session.flush()
    return row


def record_approvals(
    session: Session, scope: Scope, inputs: Sequence[ApprovalInput], *,
    now: datetime | None = None, origin: str = "import", synthetic: bool = False,
) -> list[EiaApproval]:  # fmt: skip
    """Store many approvals at once (the demo, a register read elsewhere): every one is checked
    as :func:`record_approval` does, and none is stored unless all are good (:class:`EiaError`
    naming each bad one by its position)."""
    _officer(scope, "recording EIA approvals")
    problems: list[str] = []
    good: list[tuple[ApprovalInput, EnterpriseEntry]] = []
    seen: set[str] = set()
    for k, inp in enumerate(inputs, 1):
        entry = directory_entry(session, inp.enterprise_id)
        if entry is not None and not entry_in_scope(entry, scope):
            entry = None
        bad = check_approval(inp, entry)
        no = rules.normalise_approval_no(inp.approval_no)
        if no in seen:
            bad.append(("approval_no", f"{no} repeats"))
        seen.add(no)
        problems += [f"approval {k}: {f}: {m}" for f, m in bad]
        if not bad and entry is not None:
            good.append((inp, entry))
    problems += [f"approval_no: {no} is on file already" for no in sorted(_taken(session, seen))]
    if problems:
        raise EiaError(f"{len(problems)} problem(s), nothing stored — " + "; ".join(problems[:5]),
                       field="approvals", problems=problems)  # fmt: skip
    now = now or utcnow()
    permits = current_permits(session, {e.id for _, e in good})
    with acting_as(scope.username):
        out = [_store_approval(session, inp, e, permits.get(e.id), actor=scope.username, now=now,
                               origin=origin, synthetic=synthetic) for inp, e in good]  # fmt: skip
        session.flush()
    return out


#: import columns: key → header aliases (Chinese headers as bureaus keep them, then English)
IMPORT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "credit_code"),
    "project": ("项目名称", "project"),
    "longitude": ("经度", "longitude"),
    "latitude": ("纬度", "latitude"),
    "industry_code": ("行业代码", "industry_code"),
    "doc_type": ("文件类型", "doc_type"),
    "approval_no": ("批复文号", "approval_no"),
    "authority": ("审批部门", "authority"),
    "approved_on": ("批复日期", "approved_on"),
    "conditions": ("批复要求", "conditions"),
    "totals": ("批复总量", "totals"),
}
_OPTIONAL = ("conditions", "totals")


def _aliases() -> dict[str, str]:
    out = {}
    for key, names in IMPORT_COLUMNS.items():
        for n in names:
            out[n] = key
            out[n.lower()] = key
    return out


def _read_table(data: bytes, filename: str) -> list[list[Any]]:
    try:
        if looks_like_xlsx(data):
            sheets = read_workbook(data, max_bytes=get_settings().max_file_bytes)
            return next(iter(sheets.values()), [])
        return [list(r) for r in read_csv_rows(data)]
    except TableFileError as exc:
        raise EiaError(f"file {filename!r}: {exc}", field="file") from exc


def _totals(text: str) -> dict[str, float]:
    """``COD:12.5;NH3-N:1.2`` (also ``，；、`` and ``=``/``：``) → {code: t/a}."""
    out: dict[str, float] = {}
    for part in text.replace("；", ";").replace("，", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.replace("：", ":").replace("=", ":").partition(":")
        if not sep:
            raise EiaError(f"total {part!r}: write pollutant:t/a, e.g. COD:12.5", field="totals")
        code = pollutant_code(name)
        out[code] = parse_number(value)
    return out


def import_approvals(
    session: Session, scope: Scope, data: bytes, filename: str, *,
    now: datetime | None = None, origin: str = "import", synthetic: bool = False,
) -> list[EiaApproval]:  # fmt: skip
    """Import approvals from a CSV or .xlsx table (headers :data:`IMPORT_COLUMNS`; a title row
    above the header is fine). Every bad row is named (row, column, what is wrong) in one
    :class:`EiaError`; nothing is stored unless every row is good."""
    _officer(scope, "importing EIA approvals")
    rows = _read_table(data, filename)
    aliases = _aliases()
    h = find_header(rows, "approval_no", aliases)
    if h is None:
        raise EiaError(f"file {filename!r}: no header row with 批复文号 (approval_no) "
                       "in its first 10 rows", field="file")  # fmt: skip
    header = [header_key(c, aliases) for c in rows[h]]
    col = {k: header.index(k) for k in IMPORT_COLUMNS if k in header}
    missing = [IMPORT_COLUMNS[k][0] for k in IMPORT_COLUMNS if k not in col and k not in _OPTIONAL]
    if missing:
        raise EiaError(f"file {filename!r}: column(s) {', '.join(missing)} missing", field="file")
    by_code = {e.credit_code: e for e in cached_directory(session).values()}
    problems: list[RowProblem] = []
    good: list[tuple[ApprovalInput, EnterpriseEntry]] = []
    seen: dict[str, int] = {}
    for i, cells in enumerate(rows[h + 1 :], start=h + 2):
        if all(is_blank(c) for c in cells):
            continue

        def cell(key: str, cells: list[Any] = cells) -> Any:
            j = col.get(key)
            return None if j is None or j >= len(cells) else cells[j]

        def bad(key: str, msg: str, row: int = i) -> None:
            j = col.get(key, 0)
            problems.append(RowProblem("", row, column_letter(j), IMPORT_COLUMNS[key][0], msg))

        n_before = len(problems)
        entry = by_code.get(cell_text(cell("credit_code")).upper())
        if entry is None or not entry_in_scope(entry, scope):
            bad("credit_code", f"{cell_text(cell('credit_code'))!r}: no enterprise with this "
                               "统一社会信用代码 in your region")  # fmt: skip
        parsed: dict[str, Any] = {}
        for key, parse in (("longitude", parse_number), ("latitude", parse_number),
                           ("approved_on", parse_date)):  # fmt: skip
            try:
                parsed[key] = parse(cell(key))
            except ValueError as exc:
                bad(key, str(exc))
        try:
            totals = _totals(cell_text(cell("totals")))
        except (EiaError, ValueError) as exc:
            bad("totals", str(exc))
            totals = {}
        conditions = [c for c in str(cell_text(cell("conditions"))).replace("；", ";").split(";")]
        if len(problems) > n_before or entry is None:
            continue
        inp = ApprovalInput(
            entry.id, cell_text(cell("project")), parsed["longitude"], parsed["latitude"],
            cell_text(cell("industry_code")), _doc_type(cell_text(cell("doc_type"))),
            cell_text(cell("approval_no")), cell_text(cell("authority")), parsed["approved_on"],
            conditions, totals,
        )  # fmt: skip
        for f, m in check_approval(inp, entry):
            bad({"enterprise": "credit_code", "location": "longitude"}.get(f, f), m)
        no = rules.normalise_approval_no(inp.approval_no)
        if no in seen:
            bad("approval_no", f"{no} repeats row {seen[no]}")
        seen.setdefault(no, i)
        if len(problems) == n_before:
            good.append((inp, entry))
    for no in sorted(_taken(session, seen)):
        problems.append(RowProblem("", seen[no], column_letter(col["approval_no"]), "批复文号",
                                   f"{no} is on file already"))  # fmt: skip
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        raise EiaError(f"file {filename!r}: {len(problems)} problem(s), nothing imported — "
                       + "; ".join(map(str, problems[:5])) + (" …" if len(problems) > 5 else ""),
                       field="file", problems=[str(p) for p in problems])  # fmt: skip
    if not good:
        raise EiaError(f"file {filename!r}: no approval rows under the header", field="file")
    now = now or utcnow()
    permits = current_permits(session, {e.id for _, e in good})
    with acting_as(scope.username):
        out = [_store_approval(session, inp, e, permits.get(e.id), actor=scope.username, now=now,
                               origin=origin, synthetic=synthetic) for inp, e in good]  # fmt: skip
        session.flush()
    return out


# ---------------------------------------------------------------- applications


def record_application(
    session: Session, scope: Scope, inp: ApplicationInput, *, now: datetime | None = None,
    synthetic: bool = False,
) -> PermitApplication:  # fmt: skip
    """Store one application (dates in order: submitted ≤ accepted ≤ decided; a decision with
    its date; trips 0–20; materials from :data:`~.rules.MATERIALS`)."""
    _officer(scope, "recording a permit application")
    entry = _entry(session, scope, inp.enterprise_id)
    bad: list[str] = []
    if inp.kind not in rules.APPLICATION_KINDS:
        bad.append(f"kind {inp.kind!r}: one of {', '.join(rules.APPLICATION_KINDS)}")
    unknown = [m for m in inp.provided if m not in rules.MATERIALS]
    if unknown:
        bad.append(f"materials {unknown}: not in the checklist ({', '.join(rules.MATERIALS)})")
    if inp.accepted_on is not None and inp.accepted_on < inp.submitted_on:
        bad.append(f"accepted_on {inp.accepted_on} is before submitted_on {inp.submitted_on}")
    if inp.decided_on is not None and inp.decided_on < (inp.accepted_on or inp.submitted_on):
        bad.append(f"decided_on {inp.decided_on} is before acceptance/submission")
    if (inp.decided_on is None) != (inp.decision is None):
        bad.append("decision and decided_on go together")
    if inp.decision not in (None, "granted", "refused"):
        bad.append(f"decision {inp.decision!r}: granted or refused")
    if not 0 <= inp.trips <= 20:
        bad.append(f"trips {inp.trips}: 0–20")
    if bad:
        raise EiaError("; ".join(bad), field="application", problems=bad)
    needed = [k for k, (_, _, kinds) in rules.MATERIALS.items() if inp.kind in kinds]
    row = PermitApplication(
        enterprise_id=entry.id, region_code=entry.region_code, kind=inp.kind,
        permit_number=(inp.permit_number or "").strip().upper() or None,
        checklist=[{"key": k, "provided": k in set(inp.provided)} for k in needed],
        submitted_on=inp.submitted_on, accepted_on=inp.accepted_on, decided_on=inp.decided_on,
        decision=inp.decision, trips=inp.trips, note=inp.note.strip()[:500], synthetic=synthetic,
        created_by=scope.username, created_at=now or utcnow(),
    )  # fmt: skip
    with acting_as(scope.username):
        session.add(row)
        session.flush()
    return row


def service_statistics(
    session: Session, scope: Scope, *, since: date, until: date, by: str = "region_month"
) -> list[rules.ServiceStat]:
    """The "最多跑一次" figures of the applications submitted in [since, until] in ``scope``:
    grouped by city (``region``), county (``county``), month (``month``, YYYY-MM), city and
    month (``region_month``), or ``all``."""
    if by not in ("region", "county", "month", "region_month", "all"):
        raise EiaError(f"by {by!r}: region, county, month, region_month or all", field="by")
    q = select(PermitApplication.region_code, PermitApplication.submitted_on,
               PermitApplication.decided_on, PermitApplication.trips).where(
        scope.where(PermitApplication.region_code, PermitApplication.enterprise_id),
        PermitApplication.submitted_on >= since, PermitApplication.submitted_on <= until)  # fmt: skip

    def key(region: str, sub: date) -> tuple[str, ...]:
        city, month = region[:4] + "00", sub.strftime("%Y-%m")
        return {"region": (city,), "county": (region,), "month": (month,), "region_month": (city, month),
                "all": ()}[by]  # fmt: skip

    return rules.service_stats((key(r, s), s, d, t) for r, s, d, t in session.execute(q))


# ---------------------------------------------------------------- warnings


def warnings(session: Session, scope: Scope, *, kind: str | None = None) -> list[WarningRow]:
    """The computed warnings of every enterprise in ``scope`` (officers), by enterprise."""
    _officer(scope, "the EIA warnings")
    entries = [e for e in cached_directory(session).values() if entry_in_scope(e, scope)]
    by_ent: dict[int, list[EiaApproval]] = defaultdict(list)
    for a in session.scalars(select(EiaApproval).where(scope.where(EiaApproval.region_code))):
        by_ent[a.enterprise_id].append(a)
    permits = current_permits(session, [e.id for e in entries])
    cases = {c.key: c.case_id for c in session.scalars(select(EiaWarningCase))}
    out = []
    for e in sorted(entries, key=lambda e: (e.region_code, e.id)):
        for w in _warnings_of(e, by_ent.get(e.id, []), permits.get(e.id)):
            if kind is None or w.kind == kind:
                out.append(WarningRow(w, e.name, e.region_code, cases.get(w.key)))
    return out


def open_warning_case(
    session: Session, scope: Scope, key: str, sink: CaseSink, *, now: datetime | None = None
) -> int:
    """Open a case for the warning ``key`` (still standing) — once: the same key again returns
    the case it opened. Source ``big_data`` (大数据分析: two registers compared), category
    ``other``."""
    _officer(scope, "opening a case")
    try:
        enterprise_id = int(key.split(":")[1])
    except (IndexError, ValueError):
        raise NotFound(f"warning {key!r}: no such warning") from None
    known = session.scalar(select(EiaWarningCase).where(EiaWarningCase.key == key))
    if known is not None:
        _entry(session, scope, enterprise_id)
        return known.case_id
    rec = records_for(session, scope, enterprise_id)
    w = next((w for w in rec.warnings if w.key == key), None)
    if w is None:
        raise NotFound(f"warning {key!r}: not standing now")
    entry = _entry(session, scope, enterprise_id)
    now = now or utcnow()
    title = {"no_eia": "在产企业无环评审批", "permit_older": "排污许可证早于最近环评批复，未变更",
             "totals_above": "环评批复总量高于排污许可量"}[w.kind]  # fmt: skip
    report = CaseReport(
        source="big_data", source_key=f"eia:{key}", region_code=entry.region_code,
        category="other", severity="general", title=f"{entry.name} {title}", occurred_at=now,
        enterprise_id=enterprise_id, longitude=entry.longitude, latitude=entry.latitude,
        description=w.detail, evidence={"warning": w.kind, "key": key, "detail": w.detail},
    )  # fmt: skip
    with acting_as(scope.username):
        case_id = sink.open_case(session, report)
        session.add(EiaWarningCase(key=key, enterprise_id=enterprise_id, case_id=case_id,
                                   opened_by=scope.username, opened_at=now))  # fmt: skip
        session.flush()
    return case_id
