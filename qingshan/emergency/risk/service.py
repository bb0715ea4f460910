"""The risk area's rules with a session (issue #22): declarations and their review, the HJ 941-2018
grade computed from them (never typed in), emergency plans with their filing and review dates,
drills, the ``emergency-plans`` job and the ``emergency.plans_current`` KPI.

Who may do what:
- an enterprise account declares for the enterprises it acts for (:func:`declare`); a county or
  city officer of the enterprise's region may declare for it too;
- a county or city officer reviews (:func:`review`): approving computes and stores the grade; the
  province reads;
- plans and drills are filed by the enterprise or a county/city officer; every officer of the
  region reads; an enterprise reads its own.

Plans: filed within 20 working days of signing (环发〔2015〕4号 [MC], shown as late when not);
reviewed at least every 3 years [U] — a plan without its review date is refused. A plan is
``expired`` after its review date, ``expiring`` within :data:`EXPIRING_DAYS` of it, else
``current``; a newer revision supersedes the older one.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry import Point
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.findings import FindingKind, archive_findings
from qingshan.archive.service import EnterpriseEntry, directory_entry, entry_in_scope
from qingshan.cases.service import EvidenceLimits, store_evidence
from qingshan.db.engine import session_scope
from qingshan.emergency.risk import grading
from qingshan.emergency.risk.errors import RiskError
from qingshan.emergency.risk.models import EmergencyDrill, EmergencyPlan, RiskDeclaration, RiskGrade
from qingshan.errors import NotFound, PermissionDenied
from qingshan.jobs.job import JobContext
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.timeutil import utcnow
from qingshan.waste.approval import add_working_days
from qingshan.zones.layers import LayerKind
from qingshan.zones.service import zone_index
from qingshan.zones.siting import gauss_kruger_epsg, project_metres, widen

__all__ = [
    "EXPIRING_DAYS",
    "FILING_WORKING_DAYS",
    "REVIEW_YEARS",
    "PROVINCE",
    "RiskRow",
    "PlanRow",
    "parse_chemicals",
    "declare",
    "review",
    "regrade",
    "risk_list",
    "enterprise_detail",
    "declarations_pending",
    "file_plan",
    "plan_status",
    "plans",
    "record_drill",
    "plans_due",
    "run_emergency_plans",
    "plans_current_share",
]

#: the job lists plans whose review date falls within this many days (brief of issue #22)
EXPIRING_DAYS = 60
#: 环发〔2015〕4号 (企业事业单位突发环境事件应急预案备案管理办法（试行）) Art. 14 [MC]: filed within
#: 20 working days of the plan being signed
FILING_WORKING_DAYS = 20
#: 环发〔2015〕4号 Art. 12 [U]: a plan is reviewed at least every 3 years
REVIEW_YEARS = 3
PROVINCE = Scope("330000", Role.PROVINCE, username="system")
_OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
_WRITERS = (Role.CITY, Role.COUNTY)
_HIGH = ("较大", "重大")


def _entry(session: Session, scope: Scope, enterprise_id: int) -> EnterpriseEntry:
    entry = directory_entry(session, enterprise_id)
    if entry is None or not entry_in_scope(entry, scope):
        raise NotFound(f"enterprise {enterprise_id}: no such enterprise in your region")
    return entry


def _may_write(scope: Scope, what: str) -> None:
    if scope.role not in (*_WRITERS, Role.ENTERPRISE):
        raise PermissionDenied(f"{what}: for the enterprise or a county/city officer")


# ---------------------------------------------------------------- declarations


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        if not value:
            return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def check_chemicals(rows: Sequence[Mapping[str, Any]]) -> list[grading.Chemical]:
    """Validate declared rows (``substance``, ``max_stock_t``, ``place``): every bad row is
    named (row number, field, value; an unknown substance with its closest matches) in one
    :class:`RiskError`; nothing is stored when any row is bad."""
    problems: list[str] = []
    out: list[grading.Chemical] = []
    if not rows:
        raise RiskError("chemicals: no row declared", field="chemicals")
    for i, row in enumerate(rows, start=1):
        name = str(row.get("substance") or "").strip()
        qty = _number(row.get("max_stock_t"))
        sub = None
        if not name:
            problems.append(f"row {i}: substance: missing")
        else:
            try:
                sub = grading.find_substance(name)
            except RiskError as exc:
                problems.append(f"row {i}: {exc}")
        if qty is None:
            problems.append(f"row {i}: max_stock_t: missing")
        elif math.isnan(qty) or math.isinf(qty):
            problems.append(f"row {i}: max_stock_t: {row.get('max_stock_t')!r} is not a number")
        elif qty < 0:
            problems.append(f"row {i}: max_stock_t: {qty:g} t is negative")
        if sub is not None and qty is not None and not math.isnan(qty) and qty >= 0:
            out.append(grading.Chemical(sub.key, qty, str(row.get("place") or "").strip()))
    if problems:
        raise RiskError(f"{len(problems)} bad row(s): " + "; ".join(problems),
                        field="chemicals", problems=problems)  # fmt: skip
    return out


_COLUMNS = {
    "substance": ("substance", "物质", "物质名称", "风险物质", "名称", "cas"),
    "max_stock_t": (
        "max_stock_t",
        "最大存在量",
        "最大存在总量",
        "最大储存量(t)",
        "最大存在量(t)",
        "数量",
    ),
    "place": ("place", "位置", "存放位置", "所在单元", "储存位置"),
}


def parse_chemicals(data: bytes, filename: str) -> list[dict[str, Any]]:
    """The rows of a CSV (UTF-8 or GB 18030) or Excel file with the columns substance /
    max_stock_t / place (or their Chinese headers 物质名称 / 最大存在量 / 存放位置)."""
    name = filename.lower()
    try:
        if name.endswith((".xlsx", ".xls")):
            frame = pd.read_excel(io.BytesIO(data), dtype=str)
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
            frame = pd.read_csv(io.StringIO(text), dtype=str)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise RiskError(f"file {filename!r}: not a readable CSV or Excel table ({exc})",
                        field="file") from exc  # fmt: skip
    cols = {str(c).strip().lower(): c for c in frame.columns}
    mapping: dict[str, Any] = {}
    for key, aliases in _COLUMNS.items():
        for a in aliases:
            if a.lower() in cols:
                mapping[key] = cols[a.lower()]
                break
    missing = [k for k in ("substance", "max_stock_t") if k not in mapping]
    if missing:
        raise RiskError(f"file {filename!r}: column(s) {', '.join(missing)} missing "
                        f"(found: {', '.join(map(str, frame.columns))})", field="file")  # fmt: skip
    rows = []
    for rec in frame.to_dict("records"):
        rows.append({k: (None if pd.isna(rec[c]) else rec[c]) for k, c in mapping.items()})
    return rows


def declare(session: Session, scope: Scope, enterprise_id: int, rows: Sequence[Mapping[str, Any]],
            m_items: Mapping[str, Any] | None = None, *, pop_5km: int | None = None,
            pop_500m: int | None = None, actor: str, now: datetime | None = None,
            synthetic: bool = False) -> RiskDeclaration:  # fmt: skip
    """Store a declaration (status ``submitted``) after checking every row and the M items
    (:func:`grading.m_score` names an unknown item or option)."""
    _may_write(scope, "declaring risk substances")
    entry = _entry(session, scope, enterprise_id)
    chems = check_chemicals(rows)
    items = {"process": dict((m_items or {}).get("process") or {}),
             "controls": dict((m_items or {}).get("controls") or {})}  # fmt: skip
    for medium in grading.MEDIA:
        grading.m_score(items, medium)
    for label, v in (("pop_5km", pop_5km), ("pop_500m", pop_500m)):
        if v is not None and v < 0:
            raise RiskError(f"{label}: {v} people is negative", field=label)
    items["population"] = {"pop_5km": pop_5km, "pop_500m": pop_500m}
    row = RiskDeclaration(
        enterprise_id=enterprise_id, region_code=entry.region_code,
        chemicals=[{"substance": c.substance, "max_stock_t": c.max_stock_t, "place": c.place}
                   for c in chems],
        m_items=items, status="submitted", submitted_by=actor,
        submitted_at=now or utcnow(), review_note="", synthetic=synthetic,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _distance_m(session: Session, lon: float, lat: float, kind: LayerKind,
                reach_m: float, on: date) -> tuple[float | None, str]:  # fmt: skip
    """Straight-line distance [m] from the point to the nearest feature of ``kind`` in force on
    ``on`` within ``reach_m`` (Gauss–Krüger plane), and its name; (None, "") if none."""
    pt = Point(lon, lat)
    box = widen(pt.bounds, reach_m)
    index = zone_index(session, PROVINCE, on, bbox=box, kind=kind)
    if not index.features:
        return None, ""
    epsg = gauss_kruger_epsg(lon)
    p = project_metres(pt, epsg)
    best: tuple[float | None, str] = (None, "")
    for feat, geom in zip(index.features, index.geometries, strict=True):
        d = float(project_metres(geom, epsg).distance(p))
        if d <= reach_m and (best[0] is None or d < best[0]):
            best = (d, feat.name or feat.code)
    return best


def _inputs(session: Session, decl: RiskDeclaration, entry: EnterpriseEntry,
            now: datetime) -> tuple[grading.GradeInputs, dict[str, Any]]:  # fmt: skip
    spec = grading.table()["e_water"]
    today = now.date()
    ws_m = rl_m = None
    ws_name = rl_name = ""
    located = entry.longitude is not None and entry.latitude is not None
    if located:
        assert entry.longitude is not None and entry.latitude is not None
        ws_m, ws_name = _distance_m(session, entry.longitude, entry.latitude,
                                    LayerKind.WATER_SOURCE, spec["water_source_m"], today)  # fmt: skip
        rl_m, rl_name = _distance_m(session, entry.longitude, entry.latitude,
                                    LayerKind.RED_LINE, spec["red_line_m"], today)  # fmt: skip
    since = now - timedelta(days=365 * grading.table()["penalty_adjustment"]["years"] + 1)
    penalties = [f for f in archive_findings(session, entry.id, since, now)
                 if f.kind is FindingKind.PENALTY]  # fmt: skip
    pop = dict(decl.m_items.get("population") or {})
    inputs = grading.GradeInputs(
        chemicals=tuple(grading.Chemical(c["substance"], float(c["max_stock_t"]), c.get("place", ""))
                        for c in decl.chemicals),
        m_items=decl.m_items, pop_5km=pop.get("pop_5km"), pop_500m=pop.get("pop_500m"),
        water_source_m=ws_m, water_source_name=ws_name, red_line_m=rl_m, red_line_name=rl_name,
        penalised_3y=bool(penalties),
        penalty_basis="、".join(f.title for f in penalties[:3]),
    )  # fmt: skip
    stored = {
        "declaration_id": decl.id, "chemicals": decl.chemicals, "m_items": decl.m_items,
        "location": {"longitude": entry.longitude, "latitude": entry.latitude,
                     "located": located},
        "water_source": {"distance_m": ws_m, "name": ws_name},
        "red_line": {"distance_m": rl_m, "name": rl_name},
        "penalties_3y": [f.title for f in penalties],
    }  # fmt: skip
    return inputs, stored


def _grade(session: Session, decl: RiskDeclaration, entry: EnterpriseEntry, *, actor: str,
           now: datetime) -> RiskGrade:  # fmt: skip
    inputs, stored = _inputs(session, decl, entry, now)
    result = grading.grade(inputs)
    row = RiskGrade(
        enterprise_id=decl.enterprise_id, region_code=decl.region_code, declaration_id=decl.id,
        level=result.level, notation=result.notation, inputs=stored, result=result.as_dict(),
        grading_version=result.version, computed_at=now, computed_by=actor,
        synthetic=decl.synthetic,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def review(session: Session, scope: Scope, declaration_id: int, *, approve: bool,
           note: str = "", actor: str, now: datetime | None = None) -> RiskGrade | None:  # fmt: skip
    """A county or city officer approves (the grade is computed and stored) or returns (with a
    note) a submitted declaration."""
    if scope.role not in _WRITERS:
        raise PermissionDenied("reviewing a declaration: for a county or city officer")
    decl = session.get(RiskDeclaration, declaration_id)
    if decl is None:
        raise NotFound(f"declaration {declaration_id}")
    entry = _entry(session, scope, decl.enterprise_id)
    if decl.status != "submitted":
        raise RiskError(f"declaration {declaration_id}: already {decl.status}", field="status")
    if not approve and not note.strip():
        raise RiskError("note: say why the declaration is returned", field="note")
    now = now or utcnow()
    decl.status = "approved" if approve else "returned"
    decl.reviewed_by, decl.reviewed_at, decl.review_note = actor, now, note.strip()
    session.flush()
    return _grade(session, decl, entry, actor=actor, now=now) if approve else None


def regrade(session: Session, scope: Scope, enterprise_id: int, *, actor: str,
            now: datetime | None = None) -> RiskGrade:  # fmt: skip
    """Compute the grade again from the newest approved declaration (the zones or the archive's
    penalties changed); a new row, the old ones kept."""
    if scope.role not in _WRITERS:
        raise PermissionDenied("regrading: for a county or city officer")
    entry = _entry(session, scope, enterprise_id)
    decl = session.scalar(select(RiskDeclaration).where(
        RiskDeclaration.enterprise_id == enterprise_id, RiskDeclaration.status == "approved",
    ).order_by(RiskDeclaration.id.desc()).limit(1))  # fmt: skip
    if decl is None:
        raise RiskError(f"enterprise {enterprise_id}: no approved declaration to grade from",
                        field="enterprise_id")  # fmt: skip
    return _grade(session, decl, entry, actor=actor, now=now or utcnow())


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class RiskRow:
    """One graded enterprise in the risk list."""

    enterprise_id: int
    name: str
    region_code: str
    industry: str
    level: str
    notation: str
    computed_at: datetime
    plan_status: str  # current | expiring | expired | none


def _latest_grades(session: Session, scope: Scope) -> list[RiskGrade]:
    newest = (select(func.max(RiskGrade.id)).where(scope.where(RiskGrade.region_code,
              RiskGrade.enterprise_id)).group_by(RiskGrade.enterprise_id))  # fmt: skip
    return list(session.scalars(select(RiskGrade).where(RiskGrade.id.in_(newest))
                                .order_by(RiskGrade.enterprise_id)))  # fmt: skip


def _current_plans(session: Session, scope: Scope) -> dict[int, EmergencyPlan]:
    rows = session.scalars(select(EmergencyPlan).where(
        scope.where(EmergencyPlan.region_code, EmergencyPlan.enterprise_id),
        EmergencyPlan.superseded.is_(False)).order_by(EmergencyPlan.id))  # fmt: skip
    return {p.enterprise_id: p for p in rows}


def risk_list(session: Session, scope: Scope, *, today: date, level: str | None = None,
              region: str | None = None) -> list[RiskRow]:  # fmt: skip
    """The graded enterprises of the scope with their current level and plan status."""
    if level is not None and level not in grading.LEVELS:
        raise RiskError(f"level: {level!r} is not one of {', '.join(grading.LEVELS)}",
                        field="level")  # fmt: skip
    plans_by = _current_plans(session, scope)
    out = []
    for g in _latest_grades(session, scope):
        if level and g.level != level:
            continue
        if region and not g.region_code.startswith(region.rstrip("0") or region):
            continue
        entry = directory_entry(session, g.enterprise_id)
        p = plans_by.get(g.enterprise_id)
        out.append(RiskRow(g.enterprise_id, entry.name if entry else str(g.enterprise_id),
                           g.region_code, entry.industry if entry else "", g.level, g.notation,
                           g.computed_at, plan_status(p, today) if p else "none"))  # fmt: skip
    order = {lv: i for i, lv in enumerate(reversed(grading.LEVELS))}
    return sorted(out, key=lambda r: (order[r.level], r.region_code, r.enterprise_id))


def declarations_pending(session: Session, scope: Scope) -> list[RiskDeclaration]:
    """Submitted declarations awaiting review in the scope."""
    return list(session.scalars(select(RiskDeclaration).where(
        scope.where(RiskDeclaration.region_code, RiskDeclaration.enterprise_id),
        RiskDeclaration.status == "submitted").order_by(RiskDeclaration.id)))  # fmt: skip


def enterprise_detail(session: Session, scope: Scope, enterprise_id: int) -> dict[str, Any]:
    """One enterprise's grade (with inputs and basis), declarations, plans and drills."""
    if scope.role not in (*_OFFICERS, Role.ENTERPRISE):
        raise PermissionDenied("risk records: for officers and the enterprise")
    entry = _entry(session, scope, enterprise_id)
    grades = list(session.scalars(select(RiskGrade).where(RiskGrade.enterprise_id == enterprise_id)
                                  .order_by(RiskGrade.id.desc())))  # fmt: skip
    decls = list(session.scalars(select(RiskDeclaration).where(
        RiskDeclaration.enterprise_id == enterprise_id).order_by(RiskDeclaration.id.desc())))  # fmt: skip
    plan_rows = list(session.scalars(select(EmergencyPlan).where(
        EmergencyPlan.enterprise_id == enterprise_id).order_by(EmergencyPlan.id.desc())))  # fmt: skip
    drills = list(session.scalars(select(EmergencyDrill).where(
        EmergencyDrill.enterprise_id == enterprise_id).order_by(EmergencyDrill.held_on.desc())))  # fmt: skip
    return {"enterprise": entry, "grade": grades[0] if grades else None, "history": grades[1:],
            "declarations": decls, "plans": plan_rows, "drills": drills}  # fmt: skip


# ---------------------------------------------------------------- plans and drills


def plan_status(plan: EmergencyPlan, today: date) -> str:
    """``superseded``, ``expired`` (review date passed), ``expiring`` (within
    :data:`EXPIRING_DAYS`) or ``current``."""
    if plan.superseded:
        return "superseded"
    if plan.review_due < today:
        return "expired"
    if plan.review_due <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "current"


def filing_due(signed_on: date) -> date:
    """The last day to file a plan signed on ``signed_on``: 20 working days (环发〔2015〕4号 [MC])."""
    return add_working_days(signed_on, FILING_WORKING_DAYS)


def _parse_day(value: Any, name: str, *, required: bool) -> date | None:
    if value is None or value == "":
        if required:
            raise RiskError(f"{name}: missing", field=name)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise RiskError(f"{name}: {value!r} is not a date (YYYY-MM-DD)", field=name) from None


def file_plan(session: Session, scope: Scope, enterprise_id: int, *, title: str,
              signed_on: Any, review_due: Any, filed_on: Any = None, filing_bureau: str = "",
              filing_no: str = "", files: Iterable[tuple[str, bytes]] = (),
              limits: EvidenceLimits | None = None, actor: str, now: datetime | None = None,
              synthetic: bool = False) -> EmergencyPlan:  # fmt: skip
    """File a plan (a new revision supersedes the enterprise's current one). Refused: no title,
    no signing date, no review date (a plan must say when it is reviewed), a review date not
    after signing or more than 3 years after it [U], filed before signing. The documents are
    stored with the cases' evidence helpers (content-addressed, type and size checked) before
    any row is written."""
    _may_write(scope, "filing a plan")
    entry = _entry(session, scope, enterprise_id)
    if not title.strip():
        raise RiskError("title: missing", field="title")
    signed = _parse_day(signed_on, "signed_on", required=True)
    due = _parse_day(review_due, "review_due", required=True)
    filed = _parse_day(filed_on, "filed_on", required=False)
    assert signed is not None and due is not None
    if due <= signed:
        raise RiskError(f"review_due: {due} is not after signed_on {signed}", field="review_due")
    latest = date(signed.year + REVIEW_YEARS, signed.month, min(signed.day, 28))
    if due > latest:
        raise RiskError(f"review_due: {due} is more than {REVIEW_YEARS} years after signing "
                        f"({signed}); plans are reviewed at least every {REVIEW_YEARS} years",
                        field="review_due")  # fmt: skip
    if filed is not None and filed < signed:
        raise RiskError(f"filed_on: {filed} is before signed_on {signed}", field="filed_on")
    stored = []
    for name, data in files:
        if limits is None:
            raise RiskError("files: no evidence store configured", field="files")
        sniffed = store_evidence(data, limits=limits)
        stored.append({"name": Path(name).name, "sha256": sniffed.sha256, "size": sniffed.size,
                       "media_type": sniffed.media_type})  # fmt: skip
    now = now or utcnow()
    prev = session.scalar(select(EmergencyPlan).where(
        EmergencyPlan.enterprise_id == enterprise_id, EmergencyPlan.superseded.is_(False))
        .order_by(EmergencyPlan.id.desc()).limit(1))  # fmt: skip
    plan = EmergencyPlan(
        enterprise_id=enterprise_id, region_code=entry.region_code, title=title.strip(),
        signed_on=signed, filed_on=filed, filing_bureau=filing_bureau.strip(),
        filing_no=filing_no.strip(), review_due=due,
        revision=(prev.revision + 1) if prev else 1, supersedes_id=prev.id if prev else None,
        superseded=False, files=stored, created_by=actor, created_at=now, synthetic=synthetic,
    )  # fmt: skip
    if prev is not None:
        prev.superseded = True
    session.add(plan)
    session.flush()
    return plan


@dataclass(frozen=True)
class PlanRow:
    """A plan as the plans page lists it."""

    plan: EmergencyPlan
    enterprise: str
    status: str
    level: str | None
    filing_due: date
    filed_late: bool


def plans(session: Session, scope: Scope, *, today: date, status: str | None = None,
          region: str | None = None) -> list[PlanRow]:  # fmt: skip
    """The scope's plans (not superseded), with status, the enterprise's level and whether it
    was filed late; filtered by ``status`` (current | expiring | expired)."""
    if status not in (None, "", "current", "expiring", "expired"):
        raise RiskError(f"status: {status!r} is not current, expiring or expired", field="status")
    levels = {g.enterprise_id: g.level for g in _latest_grades(session, scope)}
    out = []
    for p in _current_plans(session, scope).values():
        st = plan_status(p, today)
        if status and st != status:
            continue
        if region and not p.region_code.startswith(region.rstrip("0") or region):
            continue
        entry = directory_entry(session, p.enterprise_id)
        due = filing_due(p.signed_on)
        out.append(PlanRow(p, entry.name if entry else str(p.enterprise_id), st,
                           levels.get(p.enterprise_id), due,
                           p.filed_on is not None and p.filed_on > due))  # fmt: skip
    rank = {"expired": 0, "expiring": 1, "current": 2}
    return sorted(out, key=lambda r: (rank[r.status], r.plan.review_due, r.plan.id))


def record_drill(session: Session, scope: Scope, enterprise_id: int, *, held_on: Any,
                 scenario: str, participants: int, findings: str = "",
                 plan_id: int | None = None, actor: str, now: datetime | None = None,
                 synthetic: bool = False) -> EmergencyDrill:  # fmt: skip
    """Record a drill (date, scenario, participants ≥ 1, findings)."""
    _may_write(scope, "recording a drill")
    entry = _entry(session, scope, enterprise_id)
    held = _parse_day(held_on, "held_on", required=True)
    assert held is not None
    now = now or utcnow()
    if held > now.date():
        raise RiskError(f"held_on: {held} is in the future", field="held_on")
    if not scenario.strip():
        raise RiskError("scenario: missing", field="scenario")
    if participants < 1:
        raise RiskError(f"participants: {participants} (at least 1)", field="participants")
    if plan_id is not None:
        plan = session.get(EmergencyPlan, plan_id)
        if plan is None or plan.enterprise_id != enterprise_id:
            raise RiskError(f"plan_id: {plan_id} is not a plan of enterprise {enterprise_id}",
                            field="plan_id")  # fmt: skip
    row = EmergencyDrill(enterprise_id=enterprise_id, region_code=entry.region_code,
                         plan_id=plan_id, held_on=held, scenario=scenario.strip(),
                         participants=participants, findings=findings.strip(),
                         created_by=actor, created_at=now, synthetic=synthetic)  # fmt: skip
    session.add(row)
    session.flush()
    return row


# ---------------------------------------------------------------- the job and the KPI


def plans_due(session: Session, today: date) -> tuple[list[PlanRow], list[PlanRow]]:
    """(expiring within :data:`EXPIRING_DAYS`, expired) plans of the province."""
    rows = plans(session, PROVINCE, today=today)
    return ([r for r in rows if r.status == "expiring"], [r for r in rows if r.status == "expired"])


def open_expired_cases(session: Session, sink: CaseSink, today: date, now: datetime) -> int:
    """One case (source ``emergency``) per expired plan of a 较大/重大 enterprise, once: the
    case id is kept on the plan and the report's key is the plan's id."""
    opened = 0
    for r in plans_due(session, today)[1]:
        if r.level not in _HIGH or r.plan.expired_case_id is not None:
            continue
        p = r.plan
        report = CaseReport(
            source="emergency", source_key=f"emergency-plan-expired:{p.id}",
            region_code=p.region_code, category="other",
            severity="serious" if r.level == "重大" else "general",
            title=f"{r.enterprise} 突发环境事件应急预案已过评估期 ({r.level}风险企业)",
            occurred_at=now, enterprise_id=p.enterprise_id,
            description=(f"预案《{p.title}》签署于 {p.signed_on}, 应于 {p.review_due} 前评估修订 "
                         f"(每{REVIEW_YEARS}年至少一次); 企业风险等级 {r.level}."),
            evidence={"plan_id": p.id, "review_due": p.review_due.isoformat(), "level": r.level},
        )  # fmt: skip
        p.expired_case_id = sink.open_case(session, report)
        opened += 1
    session.flush()
    return opened


def run_emergency_plans(ctx: JobContext, sink: CaseSink, *, now: datetime | None = None) -> str:
    """The ``emergency-plans`` job (daily): the plans expiring within 60 days, the expired ones,
    and a case for each expired plan of a 较大/重大 enterprise (once)."""
    now = now or utcnow()
    today = now.date()
    with session_scope(ctx.engine) as session:
        expiring, expired = plans_due(session, today)
        opened = open_expired_cases(session, sink, today, now)
    names = ", ".join(f"{r.enterprise} ({r.plan.review_due})" for r in expiring[:5])
    return (f"{len(expiring)} plan(s) expiring within {EXPIRING_DAYS} days"
            + (f": {names}{' …' if len(expiring) > 5 else ''}" if names else "")
            + f"; {len(expired)} expired; {opened} case(s) opened")  # fmt: skip


def plans_current_share(session: Session, scope: Scope, today: date) -> tuple[int, int]:
    """(graded enterprises with a current or expiring plan, graded enterprises) in ``scope``."""
    graded = {g.enterprise_id for g in _latest_grades(session, scope)}
    plans_by = _current_plans(session, scope)
    ok = sum(1 for e in graded if e in plans_by and plan_status(plans_by[e], today)
             in ("current", "expiring"))  # fmt: skip
    return ok, len(graded)
