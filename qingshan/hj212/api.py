"""``/api/v1/hj212``: the device registry (CRUD), device status and rejected frames.

Reading needs a logged-in user; changing the registry needs a province or city account. Every
answer is scoped like the rest of the API: a device belongs to the region of the site it is
bound to, so a user sees (and may change) the devices of sites within their scope. Devices
bound to no site, and rejected frames of no known device (未知设备), are seen by
province-wide accounts only. A device out of scope is reported exactly as a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import scope_of
from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, require_roles
from qingshan.hj212 import registry
from qingshan.hj212.errors import DeviceNotFound
from qingshan.hj212.models import Device, Reject
from qingshan.hj212.schemas import (
    DeviceCreate,
    DevicePublic,
    DeviceStatusPublic,
    DeviceUpdate,
    RejectPublic,
)
from qingshan.monitoring.models import Site
from qingshan.monitoring.service import get_site

router = APIRouter(prefix="/hj212", tags=["hj212 数据传输"])
Admin = require_roles(Role.PROVINCE, Role.CITY)


class DeviceStatusScoped(DeviceStatusPublic):
    """Device status with the bound site (code, name, region) 绑定点位."""

    site_code: str | None = None
    site_name: str | None = None
    region_code: str | None = None


def _public(device: Device) -> DevicePublic:
    return DevicePublic.model_validate(device, from_attributes=True)


def _sees_unbound(scope: Scope) -> bool:
    """Province-wide accounts see devices bound to no site and frames of unknown MNs."""
    return scope.role is not Role.ENTERPRISE and len(scope.prefix) <= 2


def _visible(
    session: Session, scope: Scope
) -> dict[str, tuple[str | None, str | None, str | None]]:
    """MN → (site code, site name, region code) of every device within ``scope``."""
    stmt = select(Device.mn, Site.code, Site.name, Site.region_code).outerjoin(
        Site, Site.id == Device.site_id
    )
    in_scope = scope.where(Site.region_code, Site.enterprise_id)
    stmt = stmt.where(or_(in_scope, Device.site_id.is_(None)) if _sees_unbound(scope) else in_scope)
    return {mn: (code, name, region) for mn, code, name, region in session.execute(stmt)}


def _check_visible(session: Session, scope: Scope, mn: str) -> None:
    registry.get_device(session, mn)
    if mn not in _visible(session, scope):
        raise DeviceNotFound(f"no device with MN={mn}", mn=mn)


def _check_site(session: Session, scope: Scope, site: str | None) -> None:
    """A device may only be bound to a site within the caller's scope."""
    if site is None or site == "":
        return
    row = session.scalar(select(Site).where(Site.code == str(site)))
    if row is None and str(site).isdigit():
        row = session.get(Site, int(site))
    if row is not None:
        get_site(session, scope, row.code)  # NotFound when out of scope


@router.get("/devices", response_model=list[DevicePublic])
def list_devices(session: SessionDep, user: CurrentUser) -> list[DevicePublic]:
    """Registered data loggers 数采仪列表 (within the caller's scope)."""
    visible = _visible(session, scope_of(user))
    return [_public(d) for d in registry.list_devices(session) if d.mn in visible]


@router.post("/devices", response_model=DevicePublic, status_code=201, dependencies=[Admin])
def create_device(body: DeviceCreate, session: SessionDep, scope: ScopeDep) -> DevicePublic:
    """Register a data logger 注册数采仪."""
    _check_site(session, scope, body.site)
    device = registry.add_device(
        session, body.mn, body.password, site=body.site, crc=body.crc.value,
        protocol_version=body.protocol_version, name=body.name, enabled=body.enabled,
    )  # fmt: skip
    return _public(device)


@router.get("/devices/{mn}", response_model=DevicePublic)
def get_device(mn: str, session: SessionDep, user: CurrentUser) -> DevicePublic:
    _check_visible(session, scope_of(user), mn)
    return _public(registry.get_device(session, mn))


@router.patch("/devices/{mn}", response_model=DevicePublic, dependencies=[Admin])
def update_device(
    mn: str, body: DeviceUpdate, session: SessionDep, scope: ScopeDep
) -> DevicePublic:
    _check_visible(session, scope, mn)
    _check_site(session, scope, body.site)
    changes = body.model_dump(exclude_unset=True)
    if "crc" in changes and changes["crc"] is not None:
        changes["crc"] = changes["crc"].value
    return _public(registry.update_device(session, mn, **changes))


@router.delete("/devices/{mn}", status_code=204, dependencies=[Admin])
def delete_device(mn: str, session: SessionDep, scope: ScopeDep) -> None:
    _check_visible(session, scope, mn)
    registry.delete_device(session, mn)


def _scoped_status(session: Session, scope: Scope) -> list[DeviceStatusScoped]:
    visible = _visible(session, scope)
    out = []
    for r in registry.status_rows(session, datetime.now(UTC)):
        if r["mn"] in visible:
            code, name, region = visible[r["mn"]]
            out.append(DeviceStatusScoped(**r, site_code=code, site_name=name, region_code=region))
    return out


@router.get("/status", response_model=list[DeviceStatusScoped])
def device_status(session: SessionDep, user: CurrentUser) -> list[DeviceStatusScoped]:
    """Per-device status 设备状态 within the caller's scope: online, last seen, lag, packets by
    CN, error counts, bound site."""
    return _scoped_status(session, scope_of(user))


@router.get("/devices/{mn}/status", response_model=DeviceStatusScoped)
def one_device_status(mn: str, session: SessionDep, user: CurrentUser) -> DeviceStatusScoped:
    scope = scope_of(user)
    _check_visible(session, scope, mn)
    return next(r for r in _scoped_status(session, scope) if r.mn == mn)


@router.get("/rejects", response_model=list[RejectPublic])
def rejects(
    session: SessionDep, user: CurrentUser, mn: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[RejectPublic]:  # fmt: skip
    """Rejected frames with reasons 拒收记录 (newest first), of the devices in scope."""
    scope = scope_of(user)
    query = select(Reject).order_by(Reject.id.desc()).limit(limit)
    if mn is not None:
        query = query.where(Reject.mn == mn)
    if not _sees_unbound(scope):
        query = query.where(Reject.mn.in_(list(_visible(session, scope))))
    return [RejectPublic.model_validate(r, from_attributes=True) for r in session.scalars(query)]
