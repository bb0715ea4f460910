"""API shapes of the HJ 212 intake (the device password and SM4 key are write-only) and of the
platform → logger commands."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, Strict, StringConstraints

from qingshan.api.limits import NoNul, Time
from qingshan.hj212.commands import CommandKind, CommandState
from qingshan.hj212.models import Command, CrcMode, Device
from qingshan.timeutil import utcnow


def _rule(pattern: str, words: str) -> Any:
    """A string rule checked with a message a person reads (*words*) while the schema still
    publishes the *pattern* for its readers (pydantic's own pattern error would quote the regex)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(words)
        return value

    return (AfterValidator(check), Field(json_schema_extra={"pattern": pattern}))


#: an MN as the registry stores it (``device.mn`` is 32 characters): printable ASCII without
#: the separators ``;`` ``=`` ``&`` ``,`` or spaces (HJ 212-2017 Table 3; the registry's rule)
MN = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32),
    NoNul,
    *_rule(
        r"^[!-%'-+\--:<>-~]+$",
        "printable ASCII without ';', '=', '&', ',' or spaces (HJ 212-2017 Table 3)",
    ),
]
#: a site code or id to bind a device to (``site.code`` is 32 characters)
SiteRef = Annotated[str, StringConstraints(max_length=32), NoNul]
Password = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32),
    NoNul,
    *_rule(r"^[ !-%'-+\--:<>-~]+$", "printable ASCII without ';', '=', '&' or ','"),
]
Name = Annotated[str, StringConstraints(max_length=128), NoNul]
#: an SM4 key as 32 hex digits (HJ 212-2025 §6.4.2); "" removes the device's key
Sm4Key = Annotated[str, StringConstraints(pattern=r"^([0-9A-Fa-f]{32})?$")]
StrictBool = Annotated[bool, Strict()]


def _not_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("an integer, not a boolean")
    return value


#: integers (1.0 too), never booleans: the edition (Flag >> 2), a request's timeout [s] and
#: resends (HJ 212-2017 Table 4: OverTime, ReCount ≤ 99)
Edition = Annotated[int, Field(ge=0, le=2), BeforeValidator(_not_bool)]
Overtime = Annotated[int, Field(ge=1, le=99), BeforeValidator(_not_bool)]
Recount = Annotated[int, Field(ge=0, le=99), BeforeValidator(_not_bool)]


class DeviceCreate(BaseModel):
    mn: MN = Field(description="MN 设备唯一标识")
    password: Password = Field(description="PW 访问密码")
    site: SiteRef | None = Field(None, description="site code (or id) 点位")
    crc: CrcMode = CrcMode.HJ212
    protocol_version: Edition = Field(1, description="0 = 2005, 1 = 2017, 2 = 2025")
    name: Name | None = None
    enabled: StrictBool = True
    sm4_key: Sm4Key | None = Field(None, description="SM4 密钥 (32 hex digits, write-only)")


class DeviceUpdate(BaseModel):
    password: Password | None = None
    site: SiteRef | None = None
    crc: CrcMode | None = None
    protocol_version: Edition | None = None
    name: Name | None = None
    enabled: StrictBool | None = None
    sm4_key: Sm4Key | None = Field(None, description='SM4 密钥, 32 hex digits; "" removes it')
    overtime: Overtime | None = Field(None, description="request timeout 超时时间 [s]")
    recount: Recount | None = Field(None, description="resends 重发次数")


class DevicePublic(BaseModel):
    mn: str
    site_id: int | None
    crc: CrcMode
    protocol_version: int
    name: str | None
    enabled: bool
    sm4: bool = Field(False, description="has an SM4 key (the key itself is never shown)")
    overtime: int = 10
    recount: int = 3

    @classmethod
    def of(cls, device: Device) -> DevicePublic:
        return cls(
            mn=device.mn, site_id=device.site_id, crc=device.crc,
            protocol_version=device.protocol_version, name=device.name, enabled=device.enabled,
            sm4=device.sm4_key is not None, overtime=device.overtime, recount=device.recount,
        )  # fmt: skip


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


class CommandCreate(BaseModel):
    """A request to a logger 下发命令 (HJ 212-2017 Appendix C). Times without a timezone are
    China Standard Time."""

    kind: CommandKind = Field(description="time-get 提取时间 · time-set 校时 · backfill 补传 · "
                              "rtd-start/rtd-stop 实时数据开/关 · timeouts 设置超时重发")  # fmt: skip
    cn: Literal["2011", "2051", "2061", "2031"] | None = Field(
        None, description="back-fill: 2051 minute, 2061 hour, 2031 day (2011: HJ 212-2025)"
    )
    begin: Time | None = Field(None, description="back-fill: the first period's start")
    end: Time | None = Field(None, description="back-fill: the last period's start")
    system_time: Time | None = Field(None, description="time-set: default: the clock")


class SiteBackfill(BaseModel):
    """Back-fill 请求补传 of a site's gaps over [start, end) (what QC found missing)."""

    start: Time
    end: Time
    period: Literal["min", "hour", "day"] = "hour"
    missing_only: StrictBool = Field(True, description="only the periods no series has")


class CommandPublic(BaseModel):
    id: int
    mn: str
    kind: CommandKind
    cn: str
    params: dict[str, Any]
    state: CommandState
    qn: str | None
    attempts: int
    overtime: int
    recount: int
    qn_rtn: int | None
    exe_rtn: int | None
    result: dict[str, Any]
    error: str | None
    created_by: str
    origin: str
    created_at: datetime
    expires_at: datetime
    sent_at: datetime | None
    answered_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, row: Command, now: datetime | None = None) -> CommandPublic:
        """The row as shown: a queued command past its expiry is undelivered (derived; the
        listener writes it at its next round)."""
        out = cls.model_validate(row, from_attributes=True)
        if out.state is CommandState.QUEUED and row.expires_at <= (now or utcnow()):
            out.state = CommandState.UNDELIVERED
        return out
