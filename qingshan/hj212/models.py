"""Tables of the HJ 212 intake: the device registry, per-device status and rejects.

A device is a data logger identified by its MN (HJ 212-2017 Table 3) and authenticated by its
PW. Status counters are written by the listener; online/offline and lag are derived from them
when read (:func:`qingshan.hj212.registry.status_rows`), never stored.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class CrcMode(enum.StrEnum):
    """The checksum a device sends: HJ 212 Appendix A, or a vendor variant (opt-in per MN)."""

    HJ212 = "hj212"
    MODBUS = "modbus"
    MODBUS_SWAPPED = "modbus-swapped"


class Device(Base):
    """A registered data logger (数采仪)."""

    __tablename__ = "hj212_device"
    __audit_exclude__ = ("password",)

    id: Mapped[int] = mapped_column(primary_key=True)
    mn: Mapped[str] = mapped_column(String(32), unique=True)
    password: Mapped[str] = mapped_column(String(32))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    #: 0 = HJ/T 212-2005, 1 = HJ 212-2017, 2 = HJ 212-2025 (Flag >> 2); the edition it speaks
    protocol_version: Mapped[int] = mapped_column(Integer, default=1)
    crc: Mapped[CrcMode] = mapped_column(
        Enum(CrcMode, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=CrcMode.HJ212,
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str | None] = mapped_column(String(128))
    #: per-device unit overrides and other options, e.g. {"units": {"a00000": "m3/h"}}
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DeviceStatus(Base):
    """Counters the listener keeps per MN (one row per device, upserted)."""

    __tablename__ = "hj212_device_status"
    __audited__ = False

    mn: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seen: Mapped[datetime | None]
    last_data_time: Mapped[datetime | None]
    last_peer: Mapped[str | None] = mapped_column(String(64))
    packets: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    #: {"2051": 1440, ...}
    packets_by_cn: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    #: {"bad_crc": 3, "auth": 1, ...}
    errors: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class Reject(Base):
    """A frame the listener refused, with the reason (never stored as data)."""

    __tablename__ = "hj212_reject"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    mn: Mapped[str | None] = mapped_column(String(32), index=True)
    peer: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    frame: Mapped[str | None] = mapped_column(Text)
