"""Writing the pollution-source archive (一企一档): enterprises (every change kept as a history
row), permit versions with their outlets, limits and annual caps, inspections with the
violations found, administrative penalties and their status. Each function validates all of
its input before it writes anything, so that a refused call stores nothing; the caller's
transaction commits.

Rules:

- **Enterprise**: the 统一社会信用代码 passes GB 32100-2015 (:mod:`.credit_code`), and no other
  enterprise has it; the GB/T 4754-2017 code is one of the table's (:mod:`.industry_codes`); the
  region is a known county; every change writes an :class:`EnterpriseChange` (who, when, field →
  [old, new], why) besides the audit row.
- **Permit** (排污许可证, 《排污许可管理条例》2021): a change is a new version of the same number
  (``version + 1``; the previous version is superseded). A version's validity must not overlap
  another current permit of the enterprise unless it supersedes that permit. Concentration
  limits are in the unit HJ 212-2017 Appendix B gives the pollutant
  (:data:`qingshan.standards.pollutant_codes.POLLUTANT_CODES`); annual caps are in t/a and only
  for pollutants with a discharged mass (Appendix B 排放量 unit, :data:`DISCHARGE_UNITS`).
- **Inspection** (on-site 现场 or remote 非现场) with the violations found;
  :func:`record_inspection` is what the double-random spot checks record through.
- **Penalty** (行政处罚): kind, legal basis, amount [CNY] for fines, date; its status moves only
  along :data:`PENALTY_TRANSITIONS`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.archive.credit_code import validate_credit_code
from qingshan.archive.errors import (
    ArchiveConflict,
    BadArchiveInput,
    EnterpriseNotFound,
)
from qingshan.archive.industry_codes import get_industry_code
from qingshan.archive.models import (
    Enterprise,
    EnterpriseChange,
    Industry,
    Inspection,
    InspectionKind,
    Penalty,
    Permit,
    PermitCap,
    PermitCategory,
    PermitLimit,
    PermitOutlet,
    Violation,
)
from qingshan.errors import NotFound
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import get_region
from qingshan.monitoring.models import Site, SiteKind
from qingshan.standards.discharge import MASS_TO_KG
from qingshan.standards.pollutant_codes import DISCHARGE_UNITS, POLLUTANT_CODES
from qingshan.timeutil import utcnow

__all__ = [
    "KEY_CATEGORIES",
    "STATUSES",
    "VIOLATION_CATEGORIES",
    "PENALTY_KINDS",
    "PENALTY_STATUSES",
    "PENALTY_TRANSITIONS",
    "INSPECTION_SOURCES",
    "EnterpriseInput",
    "LimitInput",
    "CapInput",
    "PermitInput",
    "ViolationInput",
    "create_enterprise",
    "update_enterprise",
    "issue_permit",
    "record_inspection",
    "record_violation",
    "record_penalty",
    "set_penalty_status",
    "published_penalties",
    "normalise_unit",
]

#: 重点排污单位 categories (《重点排污单位名录管理规定（试行）》环办监测〔2017〕86号 [U]: water,
#: air, soil, noise, environmental risk); key → (zh, en)
KEY_CATEGORIES: Mapping[str, tuple[str, str]] = {
    "water": ("水环境", "water"),
    "air": ("大气环境", "air"),
    "soil": ("土壤环境", "soil"),
    "noise": ("声环境", "noise"),
    "risk": ("环境风险", "environmental risk"),
}
#: enterprise status → (zh, en)
STATUSES: Mapping[str, tuple[str, str]] = {
    "operating": ("在产", "operating"),
    "suspended": ("停产", "suspended"),
    "closed": ("关闭", "closed"),
}
#: violation category → (zh, en)
VIOLATION_CATEGORIES: Mapping[str, tuple[str, str]] = {
    "exceedance": ("超标排放", "discharge above the limits"),
    "no_permit": ("无证排污", "discharge without a permit"),
    "permit_breach": ("未按证排污", "discharge not as permitted"),
    "bypass": ("暗管偷排", "hidden pipe or bypass"),
    "monitoring_fraud": ("监测数据造假", "falsified monitoring data"),
    "facility_idle": ("治污设施不正常运行", "treatment facilities not run"),
    "records": ("台账或执行报告不规范", "records or reports incomplete"),
    "hazardous_waste": ("危险废物违规处置", "hazardous waste mishandled"),
    "eia": ("未批先建", "built without an approved EIA"),
    "other": ("其他", "other"),
}
#: inspection source → (zh, en)
INSPECTION_SOURCES: Mapping[str, tuple[str, str]] = {
    "routine": ("日常检查", "routine"),
    "spot_check": ("双随机抽查", "double-random spot check"),
    "complaint": ("信访投诉核查", "complaint"),
    "special": ("专项执法", "special campaign"),
}
#: penalty kind → (zh, en); ``fine`` and ``daily_fine`` carry an amount
PENALTY_KINDS: Mapping[str, tuple[str, str]] = {
    "warning": ("警告", "warning"),
    "fine": ("罚款", "fine"),
    "daily_fine": ("按日连续处罚", "daily fine"),
    "confiscation": ("没收违法所得", "confiscation"),
    "restriction": ("限制生产、停产整治", "production restricted or suspended"),
    "revocation": ("吊销许可证", "permit revoked"),
}
_AMOUNT_KINDS = frozenset({"fine", "daily_fine"})
#: penalty status → (zh, en)
PENALTY_STATUSES: Mapping[str, tuple[str, str]] = {
    "decided": ("已作出决定", "decided"),
    "reconsideration": ("行政复议中", "under reconsideration"),
    "litigation": ("行政诉讼中", "in litigation"),
    "enforcement": ("申请强制执行", "enforcement applied for"),
    "executed": ("已执行", "executed"),
    "revoked": ("已撤销", "revoked"),
}
#: the penalty's lifecycle: status → the statuses it may move to
PENALTY_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "decided": frozenset({"reconsideration", "litigation", "enforcement", "executed", "revoked"}),
    "reconsideration": frozenset({"decided", "litigation", "revoked"}),
    "litigation": frozenset({"decided", "revoked"}),
    "enforcement": frozenset({"executed"}),
    "executed": frozenset(),
    "revoked": frozenset(),
}
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")
_UNIT_SPELLINGS = {"mg/m3": "mg/m³", "mg/nm3": "mg/m³", "mg/nm³": "mg/m³", "mg/l": "mg/L"}


def _bad(fieldname: str, value: object, allowed: str) -> BadArchiveInput:
    return BadArchiveInput(f"{fieldname} {value!r} is not valid: {allowed}",
                           field=fieldname, value=value)  # fmt: skip


def _one_of(fieldname: str, value: str, allowed: Mapping[str, Any]) -> str:
    if value not in allowed:
        raise _bad(fieldname, value, f"one of {', '.join(allowed)}")
    return value


def normalise_unit(unit: str) -> str:
    """A unit as HJ 212-2017 Appendix B writes it (``mg/m3`` → ``mg/m³``)."""
    u = unit.strip()
    return _UNIT_SPELLINGS.get(u.lower(), u)


@dataclass
class EnterpriseInput:
    """An enterprise's file (what :func:`create_enterprise` stores)."""

    credit_code: str
    name: str
    industry: str
    region_code: str
    industry_code: str | None = None
    address: str = ""
    longitude: float | None = None
    latitude: float | None = None
    key_categories: list[str] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    status: str = "operating"


def _clean_enterprise(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the fields present in ``values``; their stored form."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if k == "credit_code":
            out[k] = validate_credit_code(str(v)).code
        elif k == "name":
            name = " ".join(str(v).split())
            if not 2 <= len(name) <= 128:
                raise _bad("name", v, "2 to 128 characters")
            out[k] = name
        elif k == "industry":
            try:
                out[k] = Industry(v)
            except ValueError:
                raise _bad("industry", v, f"one of {', '.join(Industry)}") from None
        elif k == "industry_code":
            out[k] = None if v in (None, "") else get_industry_code(str(v)).code
        elif k == "region_code":
            try:
                region = get_region(str(v))
            except GeoError as exc:
                raise _bad("region_code", v, str(exc)) from exc
            if region.code.endswith("00"):
                raise _bad("region_code", v, "a county (区/县/市) code, not a city or province")
            out[k] = region.code
        elif k == "address":
            if len(str(v)) > 200:
                raise _bad("address", v, "at most 200 characters")
            out[k] = str(v).strip()
        elif k in ("longitude", "latitude"):
            lo, hi = (73.0, 136.0) if k == "longitude" else (3.0, 54.0)
            if v is not None and not (isinstance(v, int | float) and lo <= float(v) <= hi):
                raise _bad(k, v, f"a WGS-84 {k} in China, {lo}–{hi} degrees")
            out[k] = None if v is None else float(v)
        elif k == "key_categories":
            for c in v or []:
                _one_of("key_categories", c, KEY_CATEGORIES)
            out[k] = [c for c in KEY_CATEGORIES if c in set(v or [])]
            out["key_unit"] = bool(out[k])
        elif k == "contacts":
            contacts = []
            for c in v or []:
                name = str(c.get("name", "")).strip() if isinstance(c, dict) else ""
                phone = str(c.get("phone", "")).strip() if isinstance(c, dict) else ""
                if not name:
                    raise _bad("contacts", c, "each contact has a name")
                if phone and not _PHONE.match(phone):
                    raise _bad("contacts.phone", phone, "digits, spaces, '-' and a leading '+'")
                contacts.append({"name": name, "role": str(c.get("role", "")).strip(),
                                 "phone": phone})  # fmt: skip
            out[k] = contacts
        elif k == "status":
            out[k] = _one_of("status", str(v), STATUSES)
        else:
            raise _bad("field", k, "credit_code, name, industry, industry_code, region_code, "
                       "address, longitude, latitude, key_categories, contacts, status")  # fmt: skip
    return out


def create_enterprise(
    session: Session, data: EnterpriseInput, *, actor: str, now: datetime | None = None,
    reason: str = "建档",
) -> Enterprise:  # fmt: skip
    """Store a new enterprise; :class:`ArchiveConflict` when its credit code is on file."""
    values = _clean_enterprise(vars(data))
    have = session.scalar(
        select(Enterprise.id).where(Enterprise.credit_code == values["credit_code"])
    )  # fmt: skip
    if have is not None:
        raise ArchiveConflict(
            f"统一社会信用代码 {values['credit_code']} is already on file (enterprise {have})",
            field="credit_code", enterprise_id=have,
        )  # fmt: skip
    ent = Enterprise(**values)
    session.add(ent)
    session.flush()
    session.add(EnterpriseChange(enterprise_id=ent.id, at=now or utcnow(), actor=actor,
                                 changes={k: [None, _jsonable(v)] for k, v in values.items()},
                                 reason=reason))  # fmt: skip
    session.flush()
    return ent


def _jsonable(v: Any) -> Any:
    return v.value if isinstance(v, Industry) else v


def update_enterprise(
    session: Session, enterprise_id: int, changes: Mapping[str, Any], *, actor: str,
    reason: str, now: datetime | None = None,
) -> EnterpriseChange | None:  # fmt: skip
    """Change fields of an enterprise's file, keeping a history row (field → [old, new]) with
    ``reason`` (required); None when nothing actually changed."""
    ent = session.get(Enterprise, enterprise_id)
    if ent is None:
        raise EnterpriseNotFound(f"no enterprise {enterprise_id}", enterprise_id=enterprise_id)
    if not reason.strip():
        raise _bad("reason", reason, "say why the file changes (变更原因)")
    values = _clean_enterprise(changes)
    if "credit_code" in values and values["credit_code"] != ent.credit_code:
        other = session.scalar(
            select(Enterprise.id).where(Enterprise.credit_code == values["credit_code"])
        )
        if other is not None:
            raise ArchiveConflict(
                f"统一社会信用代码 {values['credit_code']} is already on file (enterprise {other})",
                field="credit_code", enterprise_id=other,
            )  # fmt: skip
    diff = {}
    for k, v in values.items():
        old = getattr(ent, k)
        if _jsonable(old) != _jsonable(v):
            diff[k] = [_jsonable(old), _jsonable(v)]
            setattr(ent, k, v)
    if not diff:
        return None
    row = EnterpriseChange(enterprise_id=ent.id, at=now or utcnow(), actor=actor, changes=diff,
                           reason=reason.strip())  # fmt: skip
    session.add(row)
    session.flush()
    return row


@dataclass
class LimitInput:
    """A permitted concentration limit: outlet (site code), pollutant (HJ 212-2017 code),
    value [unit], ``averaging`` (hour | day) and the standard applied."""

    site_code: str
    parameter_code: str
    limit: float
    unit: str
    averaging: str = "hour"
    standard: str = ""


@dataclass
class CapInput:
    """A permitted annual emission [t/a] of one pollutant."""

    parameter_code: str
    tonnes_per_year: float


@dataclass
class PermitInput:
    number: str
    valid_from: date
    valid_to: date
    category: str = "key"
    outlets: list[str] = field(default_factory=list)  # site codes
    limits: list[LimitInput] = field(default_factory=list)
    caps: list[CapInput] = field(default_factory=list)
    reason: str = ""


def _check_limit(lim: LimitInput) -> tuple[str, float, str]:
    code = lim.parameter_code.strip()
    p = POLLUTANT_CODES.get(code)
    if p is None:
        raise _bad("parameter_code", code, "an HJ 212-2017 Appendix B code, e.g. a21026, w01018")
    unit = normalise_unit(lim.unit)
    if unit != p.unit:
        raise BadArchiveInput(
            f"the limit of {code} ({p.name}) at {lim.site_code} is in {lim.unit!r}: "
            f"HJ 212-2017 Appendix B gives {p.unit!r} for it",
            field="unit", value=lim.unit, expected=p.unit,
        )  # fmt: skip
    if not isinstance(lim.limit, int | float) or not 0 <= float(lim.limit) < 1e6:
        raise _bad("limit", lim.limit, "a number ≥ 0")
    if lim.averaging not in ("hour", "day"):
        raise _bad("averaging", lim.averaging, "hour or day")
    return code, float(lim.limit), unit


def issue_permit(
    session: Session, enterprise_id: int, data: PermitInput, *, actor: str,
    now: datetime | None = None, supersedes: Sequence[int] = (),
) -> Permit:  # fmt: skip
    """Store a permit version for ``enterprise_id``: a new number starts at version 1; a number
    on file gets ``version + 1`` and supersedes its current version. ``supersedes`` names
    other current permits (ids) of the enterprise that the new one replaces. Refused, storing
    nothing: bad dates, an unknown category, outlets that are not the enterprise's, limits in
    the wrong unit, caps of pollutants without a discharged mass, a number of another
    enterprise, a validity overlapping another current permit that is not superseded."""
    now = now or utcnow()
    if session.get(Enterprise, enterprise_id) is None:
        raise EnterpriseNotFound(f"no enterprise {enterprise_id}", enterprise_id=enterprise_id)
    number = data.number.strip().upper()
    if not 6 <= len(number) <= 32:
        raise _bad("number", data.number, "6 to 32 characters")
    if data.valid_to < data.valid_from:
        raise _bad("valid_to", data.valid_to.isoformat(),
                   f"on or after valid_from {data.valid_from.isoformat()}")  # fmt: skip
    category = PermitCategory(
        _one_of("category", data.category, {c.value: c for c in PermitCategory})
    )
    sites = {
        s.code: s for s in session.scalars(select(Site).where(Site.enterprise_id == enterprise_id))
    }
    codes = list(dict.fromkeys([*data.outlets, *(lim.site_code for lim in data.limits)]))
    for c in codes:
        s = sites.get(c)
        if s is None or s.kind not in (SiteKind.GAS_OUTLET, SiteKind.WATER_OUTLET):
            raise _bad("outlet", c, f"an outlet of enterprise {enterprise_id}: "
                       f"{', '.join(sorted(k for k, v in sites.items() if v.kind in (SiteKind.GAS_OUTLET, SiteKind.WATER_OUTLET))) or 'none on file'}")  # fmt: skip
    limits = [(lim, *_check_limit(lim)) for lim in data.limits]
    seen_caps = set()
    for cap in data.caps:
        if DISCHARGE_UNITS.get(cap.parameter_code) not in MASS_TO_KG:
            raise _bad("cap parameter_code", cap.parameter_code,
                       "a pollutant with a discharged mass in HJ 212-2017 Appendix B")  # fmt: skip
        if not isinstance(cap.tonnes_per_year, int | float) or not 0 <= cap.tonnes_per_year < 1e7:
            raise _bad("tonnes_per_year", cap.tonnes_per_year, "a number of t/a ≥ 0")
        if cap.parameter_code in seen_caps:
            raise _bad("cap parameter_code", cap.parameter_code, "one cap per pollutant")
        seen_caps.add(cap.parameter_code)
    same = list(
        session.scalars(select(Permit).where(Permit.number == number).order_by(Permit.version))
    )
    if same and same[0].enterprise_id != enterprise_id:
        raise ArchiveConflict(f"permit number {number} belongs to enterprise {same[0].enterprise_id}",
                              field="number", value=number)  # fmt: skip
    previous = next((p for p in same if p.superseded_by_id is None), None)
    current = list(session.scalars(select(Permit).where(
        Permit.enterprise_id == enterprise_id, Permit.superseded_by_id.is_(None))))  # fmt: skip
    replaced = {p.id for p in current if p.id in set(supersedes)}
    unknown = set(supersedes) - replaced
    if unknown:
        raise _bad("supersedes", sorted(unknown), "current permits of the enterprise")
    if previous is not None:
        replaced.add(previous.id)
    for p in current:
        if p.id in replaced:
            continue
        if p.valid_from <= data.valid_to and data.valid_from <= p.valid_to:
            raise ArchiveConflict(
                f"permit {number} valid {data.valid_from}–{data.valid_to} overlaps permit "
                f"{p.number} v{p.version} ({p.valid_from}–{p.valid_to}) of the same enterprise: "
                "a new permit must supersede it or start after it ends",
                field="valid_from", permit=p.number,
            )  # fmt: skip
    version = (max(p.version for p in same) + 1) if same else 1
    permit = Permit(enterprise_id=enterprise_id, number=number, version=version, category=category,
                    valid_from=data.valid_from, valid_to=data.valid_to, reason=data.reason.strip(),
                    created_by=actor, created_at=now)  # fmt: skip
    session.add(permit)
    session.flush()
    for p in current:
        if p.id in replaced:
            p.superseded_by_id = permit.id
    session.add_all(PermitOutlet(permit_id=permit.id, site_id=sites[c].id) for c in codes)
    session.add_all(
        PermitLimit(permit_id=permit.id, site_id=sites[lim.site_code].id, parameter_code=code,
                    limit=value, unit=unit, averaging=lim.averaging,
                    standard=lim.standard.strip()[:64] or "排污许可证")
        for lim, code, value, unit in limits
    )  # fmt: skip
    session.add_all(
        PermitCap(permit_id=permit.id, parameter_code=c.parameter_code,
                  tonnes_per_year=float(c.tonnes_per_year))
        for c in data.caps
    )  # fmt: skip
    session.flush()
    return permit


@dataclass
class ViolationInput:
    """A violation found: category (:data:`VIOLATION_CATEGORIES`), what, where."""

    category: str
    description: str = ""
    site_code: str | None = None
    parameter_code: str | None = None


def _enterprise(session: Session, enterprise_id: int) -> Enterprise:
    ent = session.get(Enterprise, enterprise_id)
    if ent is None:
        raise EnterpriseNotFound(f"no enterprise {enterprise_id}", enterprise_id=enterprise_id)
    return ent


def _violation_rows(
    session: Session, ent: Enterprise, items: Sequence[ViolationInput], found_at: datetime,
    actor: str, now: datetime, inspection_id: int | None,
) -> list[Violation]:  # fmt: skip
    sites = {
        s.code: s.id for s in session.scalars(select(Site).where(Site.enterprise_id == ent.id))
    }
    rows = []
    for v in items:
        _one_of("violation category", v.category, VIOLATION_CATEGORIES)
        if v.site_code is not None and v.site_code not in sites:
            raise _bad("violation site_code", v.site_code, f"an outlet of enterprise {ent.id}")
        if v.parameter_code is not None and v.parameter_code not in POLLUTANT_CODES:
            raise _bad("violation parameter_code", v.parameter_code, "an HJ 212-2017 code")
        rows.append(Violation(enterprise_id=ent.id, inspection_id=inspection_id, found_at=found_at,
                              category=v.category, description=v.description.strip(),
                              site_id=None if v.site_code is None else sites[v.site_code],
                              parameter_code=v.parameter_code, created_by=actor,
                              created_at=now))  # fmt: skip
    return rows


def record_inspection(
    session: Session,
    enterprise_id: int,
    *,
    kind: str,
    inspected_at: datetime,
    inspectors: Sequence[str],
    actor: str,
    source: str = "routine",
    source_ref: str | None = None,
    summary: str = "",
    violations: Sequence[ViolationInput] = (),
    now: datetime | None = None,
) -> Inspection:
    """Record an inspection of ``enterprise_id`` (``kind`` onsite | remote; ``source`` routine |
    spot_check | complaint | special, ``source_ref`` what the source calls it, e.g. a spot-check
    task ``"spot:12"``) with the violations found; all or nothing. ``inspected_at`` is UTC
    (tz-aware) and not in the future."""
    now = now or utcnow()
    ent = _enterprise(session, enterprise_id)
    k = InspectionKind(_one_of("kind", kind, {i.value: i for i in InspectionKind}))
    _one_of("source", source, INSPECTION_SOURCES)
    if inspected_at.tzinfo is None:
        raise _bad("inspected_at", inspected_at.isoformat(), "a time with its time zone")
    if inspected_at > now:
        raise _bad("inspected_at", inspected_at.isoformat(), "not in the future")
    names = [" ".join(str(n).split()) for n in inspectors if str(n).strip()]
    if not names:
        raise _bad("inspectors", list(inspectors), "at least one inspector")
    insp = Inspection(enterprise_id=ent.id, kind=k, source=source, source_ref=source_ref,
                      inspected_at=inspected_at, inspectors=names, summary=summary.strip(),
                      created_by=actor, created_at=now)  # fmt: skip
    rows = _violation_rows(session, ent, violations, inspected_at, actor, now, None)
    session.add(insp)
    session.flush()
    for r in rows:
        r.inspection_id = insp.id
    session.add_all(rows)
    session.flush()
    return insp


def record_violation(
    session: Session, enterprise_id: int, item: ViolationInput, *, found_at: datetime,
    actor: str, now: datetime | None = None,
) -> Violation:  # fmt: skip
    """Record a violation found outside an inspection (e.g. from a case's findings)."""
    now = now or utcnow()
    if found_at > now:
        raise _bad("found_at", found_at.isoformat(), "not in the future")
    (row,) = _violation_rows(session, _enterprise(session, enterprise_id), [item], found_at,
                             actor, now, None)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def record_penalty(
    session: Session,
    enterprise_id: int,
    *,
    decision_no: str,
    legal_basis: str,
    kind: str,
    decided_on: date,
    actor: str,
    amount_yuan: float | None = None,
    violation_id: int | None = None,
    now: datetime | None = None,
) -> Penalty:
    """Record an administrative penalty: ``decision_no`` (处罚决定书文号, unique), ``legal_basis``
    (e.g. 《中华人民共和国大气污染防治法》第九十九条), ``kind`` (:data:`PENALTY_KINDS`), the
    amount [CNY] for fines (> 0; none for other kinds), the decision date (not in the future)."""
    now = now or utcnow()
    ent = _enterprise(session, enterprise_id)
    no = " ".join(decision_no.split())
    if not 4 <= len(no) <= 64:
        raise _bad("decision_no", decision_no, "4 to 64 characters")
    basis = " ".join(legal_basis.split())
    if not 2 <= len(basis) <= 200:
        raise _bad("legal_basis", legal_basis, "the law and article, 2 to 200 characters")
    _one_of("kind", kind, PENALTY_KINDS)
    if kind in _AMOUNT_KINDS:
        if amount_yuan is None or not 0 < float(amount_yuan) < 1e10:
            raise _bad("amount_yuan", amount_yuan, f"an amount > 0 CNY for a {kind}")
    elif amount_yuan is not None:
        raise _bad("amount_yuan", amount_yuan, f"no amount for a {kind}")
    if decided_on > now.date():
        raise _bad("decided_on", decided_on.isoformat(), "not in the future")
    if violation_id is not None:
        v = session.get(Violation, violation_id)
        if v is None or v.enterprise_id != ent.id:
            raise _bad("violation_id", violation_id, f"a violation of enterprise {ent.id}")
    if session.scalar(select(func.count()).where(Penalty.decision_no == no)):
        raise ArchiveConflict(f"penalty decision {no} is already on file", field="decision_no")
    row = Penalty(enterprise_id=ent.id, violation_id=violation_id, decision_no=no,
                  legal_basis=basis, kind=kind,
                  amount_yuan=None if amount_yuan is None else float(amount_yuan),
                  decided_on=decided_on, status="decided", created_by=actor,
                  created_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def set_penalty_status(
    session: Session, penalty_id: int, status: str, *, note: str = "", actor: str
) -> Penalty:
    """Move a penalty along :data:`PENALTY_TRANSITIONS`; an illegal step names both states."""
    p = session.get(Penalty, penalty_id)
    if p is None:
        raise NotFound(f"no penalty {penalty_id}", penalty_id=penalty_id)
    _one_of("status", status, PENALTY_STATUSES)
    if status not in PENALTY_TRANSITIONS[p.status]:
        allowed = ", ".join(sorted(PENALTY_TRANSITIONS[p.status])) or "none (final)"
        raise BadArchiveInput(
            f"a penalty cannot go from {p.status} to {status}; from {p.status}: {allowed}",
            field="status", value=status,
        )  # fmt: skip
    p.status = status
    p.status_note = note.strip()
    session.flush()
    return p


def published_penalties(session: Session, *, limit: int = 20) -> list[dict[str, Any]]:
    """The newest administrative penalty decisions for the public (一公开), newest decision
    first: enterprise name and county, decision number, legal basis, kind, amount [CNY], date
    and status. A revoked decision is left out: 《中华人民共和国行政处罚法》(2021) 第四十八条 —
    decisions with a social impact are published, and one revoked is withdrawn from publication.
    ``limit``: 1–100."""
    limit = max(1, min(int(limit), 100))
    rows = session.execute(
        select(Penalty, Enterprise.name, Enterprise.region_code)
        .join(Enterprise, Enterprise.id == Penalty.enterprise_id)
        .where(Penalty.status != "revoked")
        .order_by(Penalty.decided_on.desc(), Penalty.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": p.id,
            "enterprise_name": name,
            "region_code": region,
            "decision_no": p.decision_no,
            "legal_basis": p.legal_basis,
            "kind": p.kind,
            "kind_name": PENALTY_KINDS[p.kind],
            "amount_yuan": p.amount_yuan,
            "decided_on": p.decided_on,
            "status": p.status,
            "status_name": PENALTY_STATUSES[p.status],
        }  # fmt: skip
        for p, name, region in rows
    ]
