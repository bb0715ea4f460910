"""``/api/v1/hj212``: the device registry (CRUD), device status, rejected frames and the
platform → logger commands.

Reading needs a logged-in user; changing the registry needs a province or city account. Every
answer is scoped like the rest of the API: a device belongs to the region of the site it is
bound to, so a user sees (and may change) the devices of sites within their scope. Devices
bound to no site, and rejected frames of no known device (未知设备), are seen by
province-wide accounts only. A device out of scope is reported exactly as a missing one.

Commands (HJ 212-2017 Appendix C: get/set the logger's time, back-fill 补传 of a period,
real-time data on/off, timeouts) are made, read and cancelled by province and city accounts,
for the devices in their scope; ``POST /sites/{code}/backfill`` asks the loggers of a site for
the periods the store lacks (QC's gaps).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qingshan.accounts.models import Role
from qingshan.accounts.service import scope_of
from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, StoreDep, require_roles
from qingshan.api.limits import Id, SiteCode
from qingshan.hj212 import command_service, registry, service
from qingshan.hj212.models import Device
from qingshan.hj212.schemas import (
    MN,
    CommandCreate,
    CommandPublic,
    DeviceCreate,
    DevicePublic,
    DeviceStatusScoped,
    DeviceUpdate,
    RejectPublic,
    SiteBackfill,
)
from qingshan.timeutil import as_utc

router = APIRouter(prefix="/hj212", tags=["hj212 数据传输"])
Admin = require_roles(Role.PROVINCE, Role.CITY)


def _public(device: Device) -> DevicePublic:
    return DevicePublic.of(device)


@router.get("/devices", response_model=list[DevicePublic])
def list_devices(session: SessionDep, user: CurrentUser) -> list[DevicePublic]:
    """Registered data loggers 数采仪列表 (within the caller's scope)."""
    return [_public(d) for d in service.list_visible_devices(session, scope_of(user))]


@router.post("/devices", response_model=DevicePublic, status_code=201, dependencies=[Admin])
def create_device(body: DeviceCreate, session: SessionDep, scope: ScopeDep) -> DevicePublic:
    """Register a data logger 注册数采仪."""
    service.check_site_in_scope(session, scope, body.site)
    device = registry.add_device(
        session, body.mn, body.password, site=body.site, crc=body.crc.value,
        protocol_version=body.protocol_version, name=body.name, enabled=body.enabled,
        sm4_key=body.sm4_key or None,
    )  # fmt: skip
    return _public(device)


@router.get("/devices/{mn}", response_model=DevicePublic)
def get_device(mn: MN, session: SessionDep, user: CurrentUser) -> DevicePublic:
    return _public(service.get_visible_device(session, scope_of(user), mn))


@router.patch("/devices/{mn}", response_model=DevicePublic, dependencies=[Admin])
def update_device(mn: MN, body: DeviceUpdate, session: SessionDep, scope: ScopeDep) -> DevicePublic:
    service.get_visible_device(session, scope, mn)
    service.check_site_in_scope(session, scope, body.site)
    changes = body.model_dump(exclude_unset=True)
    if "crc" in changes and changes["crc"] is not None:
        changes["crc"] = changes["crc"].value
    return _public(registry.update_device(session, mn, **changes))


@router.delete("/devices/{mn}", status_code=204, dependencies=[Admin])
def delete_device(mn: MN, session: SessionDep, scope: ScopeDep) -> None:
    service.get_visible_device(session, scope, mn)
    registry.delete_device(session, mn)


@router.get("/status", response_model=list[DeviceStatusScoped])
def device_status(session: SessionDep, user: CurrentUser) -> list[DeviceStatusScoped]:
    """Per-device status 设备状态 within the caller's scope: online, last seen, lag, packets by
    CN, error counts, bound site."""
    return service.scoped_status(session, scope_of(user))


@router.get("/devices/{mn}/status", response_model=DeviceStatusScoped)
def one_device_status(mn: MN, session: SessionDep, user: CurrentUser) -> DeviceStatusScoped:
    return service.device_status(session, scope_of(user), mn)


@router.get("/rejects", response_model=list[RejectPublic])
def rejects(
    session: SessionDep, user: CurrentUser, mn: Annotated[MN | None, Query()] = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[RejectPublic]:  # fmt: skip
    """Rejected frames with reasons 拒收记录 (newest first), of the devices in scope."""
    return [
        RejectPublic.model_validate(r, from_attributes=True)
        for r in service.scoped_rejects(session, scope_of(user), mn, limit)
    ]


# ------------------------------------------------------------------ platform → logger commands


@router.get("/commands", response_model=list[CommandPublic], dependencies=[Admin])
def list_commands(
    session: SessionDep, scope: ScopeDep, mn: Annotated[MN | None, Query()] = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[CommandPublic]:  # fmt: skip
    """Commands to the loggers in scope 命令记录 (newest first), with their state."""
    return [CommandPublic.of(c) for c in command_service.list_commands(session, scope, mn, limit)]


@router.post(
    "/devices/{mn}/commands", response_model=CommandPublic, status_code=201, dependencies=[Admin]
)
def create_command(
    mn: MN, body: CommandCreate, session: SessionDep, scope: ScopeDep
) -> CommandPublic:
    """Send a command to a logger 下发命令: queued until the listener holding its connection
    sends it; then sent → answered (9011) → succeeded/failed (9012), or refused, timed out,
    undelivered (no connection)."""
    service.get_visible_device(session, scope, mn)
    row = command_service.create_command(
        session, mn, body.kind, actor=scope.username, origin="api", cn=body.cn,
        begin=None if body.begin is None else as_utc(body.begin),
        end=None if body.end is None else as_utc(body.end),
        system_time=None if body.system_time is None else as_utc(body.system_time),
    )  # fmt: skip
    return CommandPublic.of(row)


@router.post("/commands/{command_id}/cancel", response_model=CommandPublic, dependencies=[Admin])
def cancel_command(command_id: Id, session: SessionDep, scope: ScopeDep) -> CommandPublic:
    """Withdraw a command not sent yet 取消 (409 once it has been sent)."""
    return CommandPublic.of(command_service.cancel_command(session, scope, command_id))


@router.post(
    "/sites/{code}/backfill", response_model=list[CommandPublic], status_code=201,
    dependencies=[Admin],
)  # fmt: skip
def site_backfill(
    code: SiteCode, body: SiteBackfill, session: SessionDep, scope: ScopeDep, store: StoreDep
) -> list[CommandPublic]:
    """请求补传: back-fill requests to the site's loggers for the periods of [start, end) that
    none of its series of that period has (QC's gaps); an empty list when there is no gap."""
    made = command_service.request_site_backfill(
        session, scope, store, code, as_utc(body.start), as_utc(body.end), actor=scope.username,
        period=body.period, missing_only=body.missing_only,
    )  # fmt: skip
    return [CommandPublic.of(c) for c in made]
