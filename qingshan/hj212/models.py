"""Tables of the HJ 212 intake: the device registry, per-device status, rejects and the
platform → logger commands.

A device is a data logger identified by its MN (HJ 212-2017 Table 3) and authenticated by its
PW. Status counters are written by the listener; online/offline and lag are derived from them
when read (:func:`qingshan.hj212.registry.status_rows`), never stored. A command
(:class:`Command`) is one request of HJ 212-2017 Appendix C sent to a logger, with its state
(:class:`~qingshan.hj212.commands.CommandState`).
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
    __audit_exclude__ = ("password", "sm4_key")

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
    #: SM4 key of the data area (HJ 212-2025 §6.4.2), 32 hex digits; None: frames in plaintext.
    #: Write-only: never shown back, redacted in the audit trail.
    sm4_key: Mapped[str | None] = mapped_column(String(32))
    #: request timeout [s] and resends of a platform request (HJ 212-2017 §6.2, Table 1: 10 s, 3)
    overtime: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    recount: Mapped[int] = mapped_column(Integer, default=3, server_default="3")


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


class Command(Base):
    """A platform → logger request (HJ 212-2017 §6.1, Appendix C) and where it stands.

    Made by a user (state ``queued``); the listener that holds the logger's connection claims
    it, sends it (``sent``, with a fresh QN) and follows the answers: 9011 ``QnRtn``
    (``answered`` or ``refused``), data or a response, 9012 ``ExeRtn`` (``succeeded`` or
    ``failed``), or nothing (``timed_out`` after ``recount`` resends); a command no listener
    could deliver before ``expires_at`` is ``undelivered``. The transitions are declared in
    :mod:`qingshan.hj212.commands`.
    """

    __tablename__ = "hj212_command"

    id: Mapped[int] = mapped_column(primary_key=True)
    mn: Mapped[str] = mapped_column(String(32), index=True)
    #: what was asked: time-get, time-set, backfill, rtd-start, rtd-stop, timeouts
    kind: Mapped[str] = mapped_column(String(16))
    cn: Mapped[str] = mapped_column(String(4))
    #: the request's CP values: begin/end (UTC ISO) of a back-fill, system_time, overtime …
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), index=True)
    qn: Mapped[str | None] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    overtime: Mapped[int] = mapped_column(Integer)
    recount: Mapped[int] = mapped_column(Integer)
    qn_rtn: Mapped[int | None] = mapped_column(Integer)
    exe_rtn: Mapped[int | None] = mapped_column(Integer)
    #: data frames received for it (back-fill), the logger's SystemTime (time-get) …
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    #: who asked (username, cli:<user>) and from where (web, api, cli, qc-gap)
    created_by: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    #: the listener process that claimed it (host:pid)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: when the listener gives up waiting for the next answer (timeout)
    deadline_at: Mapped[datetime | None]
