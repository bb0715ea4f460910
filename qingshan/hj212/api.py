"""``/api/v1/hj212``: the device registry (CRUD), device status and rejected frames.

Reading needs a logged-in user; changing the registry needs a province or city account.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query

from qingshan.accounts.models import Role
from qingshan.api.deps import CurrentUser, SessionDep, require_roles
from qingshan.hj212 import registry
from qingshan.hj212.schemas import (
    DeviceCreate,
    DevicePublic,
    DeviceStatusPublic,
    DeviceUpdate,
    RejectPublic,
)

router = APIRouter(prefix="/hj212", tags=["hj212 数据传输"])
Admin = require_roles(Role.PROVINCE, Role.CITY)


def _public(device) -> DevicePublic:
    return DevicePublic.model_validate(device, from_attributes=True)


@router.get("/devices", response_model=list[DevicePublic])
def list_devices(session: SessionDep, user: CurrentUser) -> list[DevicePublic]:
    """Registered data loggers 数采仪列表."""
    return [_public(d) for d in registry.list_devices(session)]


@router.post("/devices", response_model=DevicePublic, status_code=201, dependencies=[Admin])
def create_device(body: DeviceCreate, session: SessionDep) -> DevicePublic:
    """Register a data logger 注册数采仪."""
    device = registry.add_device(
        session, body.mn, body.password, site=body.site, crc=body.crc.value,
        protocol_version=body.protocol_version, name=body.name, enabled=body.enabled,
    )  # fmt: skip
    return _public(device)


@router.get("/devices/{mn}", response_model=DevicePublic)
def get_device(mn: str, session: SessionDep, user: CurrentUser) -> DevicePublic:
    return _public(registry.get_device(session, mn))


@router.patch("/devices/{mn}", response_model=DevicePublic, dependencies=[Admin])
def update_device(mn: str, body: DeviceUpdate, session: SessionDep) -> DevicePublic:
    changes = body.model_dump(exclude_unset=True)
    if "crc" in changes and changes["crc"] is not None:
        changes["crc"] = changes["crc"].value
    return _public(registry.update_device(session, mn, **changes))


@router.delete("/devices/{mn}", status_code=204, dependencies=[Admin])
def delete_device(mn: str, session: SessionDep) -> None:
    registry.delete_device(session, mn)


@router.get("/status", response_model=list[DeviceStatusPublic])
def device_status(session: SessionDep, user: CurrentUser) -> list[DeviceStatusPublic]:
    """Per-device status 设备状态: online, last seen, lag, packets by CN, error counts."""
    rows = registry.status_rows(session, datetime.now(UTC))
    return [DeviceStatusPublic(**r) for r in rows]


@router.get("/devices/{mn}/status", response_model=DeviceStatusPublic)
def one_device_status(mn: str, session: SessionDep, user: CurrentUser) -> DeviceStatusPublic:
    registry.get_device(session, mn)
    rows = [r for r in registry.status_rows(session, datetime.now(UTC)) if r["mn"] == mn]
    return DeviceStatusPublic(**rows[0])


@router.get("/rejects", response_model=list[RejectPublic])
def rejects(
    session: SessionDep, user: CurrentUser, mn: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[RejectPublic]:  # fmt: skip
    """Rejected frames with reasons 拒收记录 (newest first)."""
    return [
        RejectPublic.model_validate(r, from_attributes=True)
        for r in registry.list_rejects(session, mn, limit)
    ]
