"""The sites area's rules with a session (issue #24): the register of contaminated construction
land — sites created and updated with their boundary checked, stages moved by the rule of
:mod:`.stages` into an insert-only history, samples judged by GB 36600-2018 (JSON rows or a
CSV/.xlsx file, every bad row named, nothing half-stored), the plan per site (一地一策), the
safe-use rate (:mod:`.safe_use`) and the overview's figures.

Who may do what: officers (province, city, county) read the sites of their region; province and
city officers write any site of their region, a county officer those of its county (its own);
enterprise and public accounts have no access.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import directory_entry, entry_in_scope
from qingshan.errors import NotFound, PermissionDenied
from qingshan.geo.counties import county_at
from qingshan.geo.regions import REGIONS
from qingshan.soil.groundwater import service as groundwater
from qingshan.soil.sites import stages as st
from qingshan.soil.sites.boundary import parse_boundary
from qingshan.soil.sites.errors import SiteError
from qingshan.soil.sites.landuse import land_category
from qingshan.soil.sites.models import SitePlanItem, SiteSample, SiteStage, SoilSite
from qingshan.soil.sites.safe_use import ReuseRecord, SafeUse, safe_use_rate
from qingshan.soil.sites.samples import check_samples, item_key, parse_sample_table
from qingshan.soil.units import service as units
from qingshan.tablefile import parse_date
from qingshan.timeutil import utcnow

__all__ = [
    "OFFICERS",
    "PLAN_STATUSES",
    "SiteFile",
    "check_reader",
    "create_site",
    "update_site",
    "list_sites",
    "get_site",
    "site_file",
    "move_stage",
    "add_samples",
    "import_samples",
    "add_plan_item",
    "set_plan_status",
    "safe_use",
    "stage_counts",
    "wells_by_class",
    "overdue_unit_checks",
]

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
PLAN_STATUSES = ("planned", "in_progress", "done")
#: 统一社会信用代码 (GB 32100-2015 §4: 18 characters of 0-9 and A-Z without I, O, S, V, Z)
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_TEXT = {"code": 40, "name": 200, "former_use": 200, "industry": 64, "party_name": 200}


def check_reader(scope: Scope) -> None:
    """Officers only (:class:`PermissionDenied` for enterprise and public accounts)."""
    if scope.role not in OFFICERS:
        raise PermissionDenied("contaminated sites are for province, city and county officers")


def _site(session: Session, scope: Scope, site_id: int) -> SoilSite:
    check_reader(scope)
    site = session.get(SoilSite, site_id)
    if site is None or not _in_scope(scope, site.region_code):
        raise NotFound(f"site {site_id}: no such site in your region")
    return site


def _in_scope(scope: Scope, code: str) -> bool:
    p = scope.prefix
    return code.startswith(p) if len(p) < 6 else code == scope.region_code


# ---------------------------------------------------------------- sites


def _text(data: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = data.get(key)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise SiteError(f"{key}: missing", field=key)
    if len(text) > _TEXT.get(key, 500):
        raise SiteError(f"{key}: longer than {_TEXT[key]} characters", field=key)
    return text


def _date(data: Mapping[str, Any], key: str) -> date | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except ValueError as exc:
        raise SiteError(f"{key}: {exc}", field=key) from None


def _number(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise SiteError(f"{key}: {value!r} is not a number", field=key) from None
    if not x > 0 or x == float("inf"):
        raise SiteError(f"{key}: {x:g} must be a positive number", field=key)
    return x


def _party(session: Session, scope: Scope, data: Mapping[str, Any]) -> tuple[int | None, str, str]:
    eid = data.get("enterprise_id")
    if eid not in (None, ""):
        try:
            eid = int(eid)
        except (TypeError, ValueError):
            raise SiteError(f"enterprise_id: {eid!r} is not a whole number",
                            field="enterprise_id") from None  # fmt: skip
        entry = directory_entry(session, eid)
        if entry is None or not entry_in_scope(entry, scope):
            raise SiteError(f"enterprise_id: {eid} is not an enterprise of your region",
                            field="enterprise_id")  # fmt: skip
        return eid, entry.name, entry.credit_code
    name = _text(data, "party_name")
    uscc = _text(data, "party_uscc").upper()
    if not name:
        raise SiteError("party_name: missing (the responsible party: an enterprise of the archive "
                        "or a name with its 统一社会信用代码)", field="party_name")  # fmt: skip
    if uscc and not _USCC.match(uscc):
        raise SiteError(f"party_uscc: {uscc!r} is not an 18-character 统一社会信用代码",
                        field="party_uscc")  # fmt: skip
    return None, name, uscc


def _risk(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise SiteError("risk: not a mapping (target_risk, target_hq, levels, summary)",
                        field="risk")  # fmt: skip
    out: dict[str, Any] = {}
    for key in ("target_risk", "target_hq"):
        v = value.get(key)
        if v not in (None, ""):
            try:
                x = float(v)
            except (TypeError, ValueError):
                raise SiteError(f"risk.{key}: {v!r} is not a number", field=f"risk.{key}") from None
            if not 0 < x <= 10:
                raise SiteError(f"risk.{key}: {x:g} is outside (0, 10]", field=f"risk.{key}")
            out[key] = x
    levels = value.get("levels") or {}
    if not isinstance(levels, Mapping):
        raise SiteError("risk.levels: not a mapping of item → mg/kg", field="risk.levels")
    out["levels"] = {}
    for name, v in levels.items():
        key = item_key(str(name))
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise SiteError(f"risk.levels.{key}: {v!r} is not a number",
                            field="risk.levels") from None  # fmt: skip
        if x < 0:
            raise SiteError(f"risk.levels.{key}: {x:g} mg/kg is negative", field="risk.levels")
        out["levels"][key] = x
    summary = str(value.get("summary") or "").strip()
    if len(summary) > 2000:
        raise SiteError("risk.summary: longer than 2000 characters", field="risk.summary")
    out["summary"] = summary
    return out


def _apply(session: Session, scope: Scope, site: SoilSite, data: Mapping[str, Any], *,
           creating: bool) -> None:  # fmt: skip
    """Check every field given (all required ones when creating) and set them on ``site``."""
    if creating or "name" in data:
        site.name = _text(data, "name", required=True)
    if creating or "boundary" in data:
        b = parse_boundary(data.get("boundary"))
        where = county_at(b.lon, b.lat, tolerance_km=0.0)
        if where is None:
            raise SiteError(f"boundary: the site ({b.lon:.4f}, {b.lat:.4f}) lies in no county of "
                            "Zhejiang", field="boundary")  # fmt: skip
        given = _text(data, "region_code") or str(where)
        if given != where:
            raise SiteError(f"region_code: the boundary lies in county {where}, not {given}",
                            field="region_code")  # fmt: skip
        if not _in_scope(scope, str(where)):
            raise PermissionDenied(f"county {where} is outside your region {scope.region_code}")
        site.boundary, site.area_m2, site.lon, site.lat = b.geometry, b.area_m2, b.lon, b.lat
        site.region_code = str(where)
    if creating or "area_declared_m2" in data:
        site.area_declared_m2 = _number(data, "area_declared_m2")
    for key in ("former_use", "industry"):
        if creating or key in data:
            setattr(site, key, _text(data, key))
    if creating or {"enterprise_id", "party_name", "party_uscc"} & set(data):
        site.enterprise_id, site.party_name, site.party_uscc = _party(session, scope, data)
    if creating or "planned_use" in data:
        use = _text(data, "planned_use", required=True)
        site.land_category = land_category(use)
        site.planned_use = use
    if creating or "pollutants" in data:
        pol = data.get("pollutants") or []
        if isinstance(pol, str):
            pol = [p for p in re.split(r"[,，;；、\s]+", pol) if p]
        site.pollutants = sorted({item_key(str(p)) for p in pol})
    if creating or "risk" in data:
        site.risk = _risk(data.get("risk"))
    for key in ("listed_on", "reused_on"):
        if creating or key in data:
            setattr(site, key, _date(data, key))
    if creating or "documents" in data:
        docs = data.get("documents") or []
        out = []
        for i, d in enumerate(docs, start=1):
            if not isinstance(d, Mapping) or not str(d.get("title") or "").strip():
                raise SiteError(f"documents: item {i} has no title", field="documents")
            out.append({"title": str(d["title"]).strip()[:200],
                        "kind": str(d.get("kind") or "").strip()[:40],
                        "on": str(_date(d, "on") or "")})  # fmt: skip
        site.documents = out


def create_site(session: Session, scope: Scope, data: Mapping[str, Any], *, actor: str,
                now: datetime | None = None, synthetic: bool = False) -> SoilSite:  # fmt: skip
    """Register a site at its first stage (``stage``, default ``investigation``; the history
    gets its first row). Every field is checked before anything is stored; a code already on
    the register is refused naming it."""
    check_reader(scope)
    now = now or utcnow()
    code = _text(data, "code", required=True)
    if session.scalar(select(SoilSite.id).where(SoilSite.code == code)) is not None:
        raise SiteError(f"code: {code!r} is already on the register", field="code")
    stage = st.check_stage(_text(data, "stage") or "investigation")
    site = SoilSite(code=code, stage=stage, created_by=actor, created_at=now, updated_by=actor,
                    updated_at=now, synthetic=synthetic)  # fmt: skip
    _apply(session, scope, site, data, creating=True)
    session.add(site)
    session.flush()
    on = _date(data, "stage_on") or site.listed_on or now.date()
    session.add(SiteStage(site_id=site.id, stage=stage, previous=None, moved_on=on,
                          reason=_text(data, "stage_reason"), moved_by=actor, moved_at=now,
                          synthetic=synthetic))  # fmt: skip
    session.flush()
    return site


def update_site(session: Session, scope: Scope, site_id: int, data: Mapping[str, Any], *,
                actor: str, now: datetime | None = None) -> SoilSite:  # fmt: skip
    """Change the fields given (the stage moves only through :func:`move_stage`); each is
    checked as on creation. A bad field leaves the stored site as it was."""
    site = _site(session, scope, site_id)
    for key in ("stage", "code", "id"):
        if key in data:
            raise SiteError(f"{key}: cannot be changed here"
                            + (" (move the stage with /stage)" if key == "stage" else ""),
                            field=key)  # fmt: skip
    before = {c: getattr(site, c) for c in SoilSite.__table__.columns.keys()}
    try:
        _apply(session, scope, site, data, creating=False)
    except Exception:
        for c, v in before.items():
            setattr(site, c, v)
        raise
    site.updated_by, site.updated_at = actor, now or utcnow()
    session.flush()
    return site


def list_sites(session: Session, scope: Scope, *, stage: str | None = None,
               region: str | None = None, category: int | None = None,
               q: str | None = None) -> list[SoilSite]:  # fmt: skip
    """The sites of the scope's region, by county and code; filtered by stage, county or city
    (``region``), land category and a text in the code, name or responsible party."""
    check_reader(scope)
    stmt = select(SoilSite).where(scope.where(SoilSite.region_code))
    if stage:
        stmt = stmt.where(SoilSite.stage == st.check_stage(stage))
    if region:
        if region not in REGIONS:
            raise SiteError(f"region: {region!r} is not a region code", field="region")
        rs = Scope(region, Role.COUNTY)
        stmt = stmt.where(rs.where(SoilSite.region_code))
    if category is not None:
        if category not in (1, 2):
            raise SiteError(f"category: {category!r} is not 1 or 2", field="category")
        stmt = stmt.where(SoilSite.land_category == category)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(SoilSite.code.like(like) | SoilSite.name.like(like)
                          | SoilSite.party_name.like(like))  # fmt: skip
    return list(session.scalars(stmt.order_by(SoilSite.region_code, SoilSite.code)))


def get_site(session: Session, scope: Scope, site_id: int) -> SoilSite:
    """One site of the scope's region (404 otherwise)."""
    return _site(session, scope, site_id)


@dataclass
class SiteFile:
    """A site with its stage history (oldest first), samples (newest first) and plan items."""

    site: SoilSite
    stages: list[SiteStage]
    samples: list[SiteSample]
    plan: list[SitePlanItem]
    levels: dict[str, int] = field(default_factory=dict)


def site_file(session: Session, scope: Scope, site_id: int) -> SiteFile:
    """Everything the site's page shows."""
    site = _site(session, scope, site_id)
    stages = list(session.scalars(select(SiteStage).where(SiteStage.site_id == site.id)
                                  .order_by(SiteStage.moved_on, SiteStage.id)))  # fmt: skip
    samples = list(session.scalars(select(SiteSample).where(SiteSample.site_id == site.id)
                                   .order_by(SiteSample.sampled_on.desc(), SiteSample.point,
                                             SiteSample.depth_m)))  # fmt: skip
    plan = list(session.scalars(select(SitePlanItem).where(SitePlanItem.site_id == site.id)
                                .order_by(SitePlanItem.deadline, SitePlanItem.id)))  # fmt: skip
    levels: dict[str, int] = {}
    for s in samples:
        levels[s.level] = levels.get(s.level, 0) + 1
    return SiteFile(site, stages, samples, plan, levels)


# ---------------------------------------------------------------- stages


def move_stage(session: Session, scope: Scope, site_id: int, stage: str, *, on: Any = None,
               reason: str = "", actor: str, now: datetime | None = None,
               synthetic: bool = False) -> SiteStage:  # fmt: skip
    """Move the site to ``stage`` (the rule of :func:`.stages.check_move`): one step forward,
    or backwards with a reason. The history gets a row; nothing changes when refused. A move
    dated before the current stage's own date is refused too."""
    site = _site(session, scope, site_id)
    now = now or utcnow()
    st.check_move(site.stage, stage, reason)
    moved_on = _date({"on": on}, "on") or now.date()
    last = session.scalar(select(SiteStage).where(SiteStage.site_id == site.id)
                          .order_by(SiteStage.moved_on.desc(), SiteStage.id.desc()).limit(1))  # fmt: skip
    if last is not None and moved_on < last.moved_on:
        raise SiteError(f"on: {moved_on} is before the move to {last.stage!r} on {last.moved_on}",
                        field="on")  # fmt: skip
    if len(reason) > 2000:
        raise SiteError("reason: longer than 2000 characters", field="reason")
    row = SiteStage(site_id=site.id, stage=stage, previous=site.stage, moved_on=moved_on,
                    reason=reason.strip(), moved_by=actor, moved_at=now, synthetic=synthetic)  # fmt: skip
    session.add(row)
    site.stage, site.updated_by, site.updated_at = stage, actor, now
    session.flush()
    return row


# ---------------------------------------------------------------- samples


def add_samples(session: Session, scope: Scope, site_id: int, rows: Sequence[Mapping[str, Any]],
                *, actor: str, where: Sequence[str] | None = None, now: datetime | None = None,
                synthetic: bool = False) -> list[SiteSample]:  # fmt: skip
    """Check and judge every row against the site's land category; store all or none."""
    site = _site(session, scope, site_id)
    checked = check_samples(rows, site.land_category, where=where)
    now = now or utcnow()
    out = [SiteSample(site_id=site.id, point=s.point, lon=s.lon, lat=s.lat, depth_m=s.depth_m,
                      unit=s.unit, sampled_on=s.sampled_on, values=s.values,
                      land_category=s.land, level=s.level,
                      over_screening=list(s.over_screening),
                      over_intervention=list(s.over_intervention), created_by=actor,
                      created_at=now, synthetic=synthetic) for s in checked]  # fmt: skip
    session.add_all(out)
    session.flush()
    return out


def import_samples(session: Session, scope: Scope, site_id: int, data: bytes, filename: str, *,
                   max_bytes: int, actor: str) -> list[SiteSample]:  # fmt: skip
    """Samples from a CSV or .xlsx file (see :func:`.samples.parse_sample_table`); the whole
    file is refused naming every bad row."""
    _site(session, scope, site_id)
    rows, where = parse_sample_table(data, filename, max_bytes=max_bytes)
    return add_samples(session, scope, site_id, rows, actor=actor, where=where)


# ---------------------------------------------------------------- plan


def add_plan_item(session: Session, scope: Scope, site_id: int, *, measure: str,
                  responsible_unit: str, deadline: Any, status: str = "planned",
                  actor: str, now: datetime | None = None,
                  synthetic: bool = False) -> SitePlanItem:  # fmt: skip
    """One measure of the site's plan (一地一策): measure, responsible unit, deadline."""
    site = _site(session, scope, site_id)
    measure, unit = (measure or "").strip(), (responsible_unit or "").strip()
    if not measure:
        raise SiteError("measure: missing", field="measure")
    if not unit:
        raise SiteError("responsible_unit: missing", field="responsible_unit")
    if len(unit) > 200:
        raise SiteError("responsible_unit: longer than 200 characters", field="responsible_unit")
    due = _date({"deadline": deadline}, "deadline")
    if due is None:
        raise SiteError("deadline: missing", field="deadline")
    if status not in PLAN_STATUSES:
        raise SiteError(f"status: {status!r} is not one of {', '.join(PLAN_STATUSES)}",
                        field="status")  # fmt: skip
    now = now or utcnow()
    item = SitePlanItem(site_id=site.id, measure=measure[:2000], responsible_unit=unit,
                        deadline=due, status=status,
                        done_on=now.date() if status == "done" else None, created_by=actor,
                        created_at=now, synthetic=synthetic)  # fmt: skip
    session.add(item)
    session.flush()
    return item


def set_plan_status(session: Session, scope: Scope, site_id: int, item_id: int, status: str, *,
                    on: Any = None, actor: str) -> SitePlanItem:  # fmt: skip
    """Set a plan item's status (``done`` records the day, default today)."""
    site = _site(session, scope, site_id)
    item = session.get(SitePlanItem, item_id)
    if item is None or item.site_id != site.id:
        raise NotFound(f"plan item {item_id}: not an item of site {site_id}")
    if status not in PLAN_STATUSES:
        raise SiteError(f"status: {status!r} is not one of {', '.join(PLAN_STATUSES)}",
                        field="status")  # fmt: skip
    item.status = status
    item.done_on = (_date({"on": on}, "on") or utcnow().date()) if status == "done" else None
    session.flush()
    return item


def overdue(item: SitePlanItem, today: date) -> bool:
    """A plan item not done past its deadline."""
    return item.status != "done" and item.deadline < today


# ---------------------------------------------------------------- figures


def _targets_met(session: Session, ids: Sequence[int]) -> dict[int, date]:
    out: dict[int, date] = {}
    if not ids:
        return out
    rows = session.execute(select(SiteStage.site_id, SiteStage.moved_on)
                           .where(SiteStage.site_id.in_(ids), SiteStage.stage == "removed")
                           .order_by(SiteStage.moved_on))  # fmt: skip
    for sid, on in rows:
        out.setdefault(sid, on)
    return out


def safe_use(session: Session, region_code: str, on: date) -> SafeUse:
    """The safe-use rate (:func:`.safe_use.safe_use_rate`) of the sites of ``region_code``
    (province, city or county) on day ``on``."""
    scope = Scope(region_code, Role.COUNTY)
    sites = list(session.execute(select(SoilSite.id, SoilSite.code, SoilSite.land_category,
                                        SoilSite.reused_on)
                                 .where(scope.where(SoilSite.region_code))))  # fmt: skip
    met = _targets_met(session, [s.id for s in sites])
    recs = [ReuseRecord(s.code, s.land_category, s.reused_on, met.get(s.id)) for s in sites]
    return safe_use_rate(recs, on)


def stage_counts(session: Session, scope: Scope) -> dict[str, int]:
    """Sites of the scope's region by stage (every stage, zeros included)."""
    counts = dict.fromkeys(st.STAGES, 0)
    for site in list_sites(session, scope):
        counts[site.stage] += 1
    return counts


def wells_by_class(session: Session, scope: Scope) -> Mapping[str, int]:
    """Monitoring wells by GB/T 14848-2017 class (I … V, zeros included), from soil.groundwater's
    service."""
    return groundwater.wells_by_class(session, scope)


def overdue_unit_checks(session: Session, scope: Scope, today: date) -> int:
    """How many hidden-danger checks of the key units of the scope are overdue, from soil.units'
    service."""
    return units.overdue_checks(session, scope, today)
