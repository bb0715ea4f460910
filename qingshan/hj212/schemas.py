"""API shapes of the HJ 212 intake (the device password is write-only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from qingshan.api.limits import NoNul
from qingshan.hj212.models import CrcMode

#: an MN as the registry stores it (``device.mn`` is 32 characters); the registry checks the
#: rest of HJ 212-2017 Table 3 (printable ASCII, no separators)
MN = Annotated[str, StringConstraints(min_length=1, max_length=32), NoNul]
#: a site code or id to bind a device to (``site.code`` is 32 characters)
SiteRef = Annotated[str, StringConstraints(max_length=32), NoNul]
Password = Annotated[str, StringConstraints(min_length=1, max_length=32), NoNul]
Name = Annotated[str, StringConstraints(max_length=128), NoNul]


class DeviceCreate(BaseModel):
    mn: MN = Field(description="MN 设备唯一标识")
    password: Password = Field(description="PW 访问密码")
    site: SiteRef | None = Field(None, description="site code (or id) 点位")
    crc: CrcMode = CrcMode.HJ212
    protocol_version: int = Field(1, ge=0, le=2, description="0 = 2005, 1 = 2017, 2 = 2025")
    name: Name | None = None
    enabled: bool = True


class DeviceUpdate(BaseModel):
    password: Password | None = None
    site: SiteRef | None = None
    crc: CrcMode | None = None
    protocol_version: int | None = Field(None, ge=0, le=2)
    name: Name | None = None
    enabled: bool | None = None


class DevicePublic(BaseModel):
    mn: str
    site_id: int | None
    crc: CrcMode
    protocol_version: int
    name: str | None
    enabled: bool


class DeviceStatusPublic(BaseModel):
    mn: str
    name: str | None
    site_id: int | None
    enabled: bool
    online: bool
    last_seen: datetime | None
    last_data_time: datetime | None
    lag_seconds: float | None
    packets: int
    rejected: int
    packets_by_cn: dict[str, int]
    errors: dict[str, int]
    last_peer: str | None


class RejectPublic(BaseModel):
    id: int
    received_at: datetime
    mn: str | None
    peer: str | None
    reason: str
    message: str
    frame: str | None


class DeviceStatusScoped(DeviceStatusPublic):
    """Device status with the bound site (code, name, region) 绑定点位."""

    site_code: str | None = None
    site_name: str | None = None
    region_code: str | None = None
