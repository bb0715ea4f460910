"""API shapes of the HJ 212 intake (the device password is write-only)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from qingshan.hj212.models import CrcMode


class DeviceCreate(BaseModel):
    mn: str = Field(min_length=1, max_length=32, description="MN 设备唯一标识")
    password: str = Field(max_length=32, description="PW 访问密码")
    site: str | None = Field(None, description="site code (or id) 点位")
    crc: CrcMode = CrcMode.HJ212
    protocol_version: int = Field(1, ge=0, le=2, description="0 = 2005, 1 = 2017, 2 = 2025")
    name: str | None = None
    enabled: bool = True


class DeviceUpdate(BaseModel):
    password: str | None = Field(None, max_length=32)
    site: str | None = None
    crc: CrcMode | None = None
    protocol_version: int | None = Field(None, ge=0, le=2)
    name: str | None = None
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
