"""Device registry rules (taking a session): add, update, delete, CSV import, status, rejects.

Devices authenticate by MN + PW (HJ 212-2017 Table 3). Online/offline and lag are derived from
the status counters when read, never stored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from qingshan.errors import decode_table_text, describe_read_error
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.errors import (
    DeviceExists,
    DeviceImportError,
    DeviceNotFound,
    FieldError,
    HJ212Error,
    UnknownSite,
)
from qingshan.hj212.models import CrcMode, Device, DeviceStatus, Reject
from qingshan.hj212.sm4 import parse_key
from qingshan.monitoring.models import Site

#: a device not heard from for this long is offline (twice the longest usual interval, 1 h)
OFFLINE_AFTER = timedelta(minutes=10)
#: characters that delimit HJ 212 fields, never inside an MN or a PW
_SEPARATORS = ";=&, "
#: ids are INTEGER columns (32 bits on PostgreSQL)
_MAX_ID = 2**31 - 1
CSV_COLUMNS = ("mn", "password", "site", "crc", "protocol_version", "name", "enabled")
#: control characters a refused frame may carry (a wrong SM4 key decrypts to noise) that a TEXT
#: column must not hold (PostgreSQL refuses NUL) and a page must not print: kept as ``\xNN``
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class StatusDelta(TypedDict):
    """One device's counters since the listener's last flush
    (:meth:`~qingshan.hj212.listener.StatusBook.drain`), added by :func:`write_status`."""

    packets: int
    rejected: int
    by_cn: dict[str, int]
    errors: dict[str, int]
    last_seen: datetime | None
    last_data_time: datetime | None
    last_peer: str | None


class RejectRecord(TypedDict):
    """A frame the listener refused (one :class:`~qingshan.hj212.models.Reject` row)."""

    received_at: datetime
    mn: str | None
    peer: str
    reason: str
    message: str
    frame: str | None


@dataclass(frozen=True, slots=True)
class DeviceAuth:
    """What the listener needs to accept a device's frames."""

    mn: str
    password: str
    variants: frozenset[CrcVariant]
    enabled: bool
    site_id: int | None
    key: bytes | None = None  # SM4 key of the data area (HJ 212-2025 §6.4.2)


def _site_id(session: Session, site: str | int | None) -> int | None:
    if site is None or site == "":
        return None
    text = str(site)
    row = session.scalar(select(Site).where(Site.code == text))
    if row is None and text.isdigit() and int(text) <= _MAX_ID:
        row = session.get(Site, int(text))
    if row is None:
        raise UnknownSite(f"unknown site {text!r} (by code or id)", site=text)
    return row.id


def _printable_ascii(text: str, *, space: bool = False) -> bool:
    return all(("!" <= c <= "~") or (space and c == " ") for c in text)


def _check_mn(mn: str) -> str:
    mn = (mn or "").strip()
    if not mn or len(mn) > 32 or not _printable_ascii(mn) or any(c in mn for c in _SEPARATORS):
        raise FieldError(
            f"bad MN {mn!r}: 1–32 printable ASCII characters without ';', '=', '&', ',' or "
            "spaces (HJ 212-2017 Table 3)",
            field="MN",
            clause="6.3.2 Table 3",
        )
    return mn


def _check_pw(pw: str) -> str:
    if (
        not pw
        or len(pw) > 32
        or not _printable_ascii(pw, space=True)
        or any(c in pw for c in ";=&,")
    ):
        raise FieldError(
            "bad password: 1–32 printable ASCII characters without ';', '=', '&' or ','",
            field="PW",
            clause="6.3.2 Table 3",
        )
    return pw


def add_device(
    session: Session,
    mn: str,
    password: str,
    *,
    site: str | int | None = None,
    crc: str = "hj212",
    protocol_version: int = 1,
    name: str | None = None,
    enabled: bool = True,
    sm4_key: str | None = None,
) -> Device:
    """Register a data logger. Raises DeviceExists, UnknownSite, FieldError."""
    mn = _check_mn(mn)
    if session.scalar(select(Device).where(Device.mn == mn)) is not None:
        raise DeviceExists(f"device MN={mn} is already registered", mn=mn)
    try:
        mode = CrcMode(crc)
    except ValueError:
        raise FieldError(
            f"bad crc {crc!r}: one of {[m.value for m in CrcMode]}", field="crc"
        ) from None
    if protocol_version not in (0, 1, 2):
        raise FieldError(
            f"bad protocol version {protocol_version}: 0 (2005), 1 (2017) or 2 (2025)",
            field="protocol_version",
        )
    device = Device(
        mn=mn, password=_check_pw(password), site_id=_site_id(session, site), crc=mode,
        protocol_version=protocol_version, name=name, enabled=enabled, options={},
        sm4_key=parse_key(sm4_key).hex() if sm4_key else None,
    )  # fmt: skip
    session.add(device)
    session.flush()
    return device


def get_device(session: Session, mn: str) -> Device:
    device = session.scalar(select(Device).where(Device.mn == mn))
    if device is None:
        raise DeviceNotFound(f"no device with MN={mn}", mn=mn)
    return device


#: a request's timeout [s] and resend count (HJ 212-2017 Table 4: OverTime, ReCount ≤ 99)
OVERTIME_RANGE = (1, 99)
RECOUNT_RANGE = (0, 99)


def _check_count(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise FieldError(f"bad {name} {value!r}: an integer {lo}..{hi} (HJ 212-2017 Table 4)",
                         field=name, allowed=f"{lo}..{hi}")  # fmt: skip
    return value


def update_device(session: Session, mn: str, **changes: object) -> Device:
    """Change password, site, crc, protocol_version, name, enabled, sm4_key ("" removes it),
    overtime or recount of a device."""
    device = get_device(session, mn)
    for key, value in changes.items():
        if value is None and key != "site":
            continue
        if key == "password":
            device.password = _check_pw(str(value))
        elif key == "sm4_key":
            device.sm4_key = parse_key(str(value)).hex() if value != "" else None
        elif key == "overtime":
            device.overtime = _check_count("overtime", value, *OVERTIME_RANGE)
        elif key == "recount":
            device.recount = _check_count("recount", value, *RECOUNT_RANGE)
        elif key == "site":
            device.site_id = _site_id(session, None if value is None else str(value))
        elif key == "crc":
            device.crc = CrcMode(str(value))
        elif key in ("protocol_version", "name", "enabled"):
            setattr(device, key, value)
        else:
            raise FieldError(f"cannot change {key!r}", field=key)
    session.flush()
    return device


def delete_device(session: Session, mn: str) -> None:
    session.delete(get_device(session, mn))
    session.flush()


def list_devices(session: Session) -> list[Device]:
    return list(session.scalars(select(Device).order_by(Device.mn)))


def import_devices_csv(session: Session, text: str | bytes) -> list[Device]:
    """Import devices from CSV (header: mn,password[,site,crc,protocol_version,name,enabled]).

    All or nothing: every row is checked; if any fails, nothing is added and
    :class:`DeviceImportError` lists ``(line, message)`` for each bad row. A row with another
    number of fields than the header, and a last row without its line break (a truncated
    file: its password may be cut), are bad rows. Bytes are read as UTF-8 or GBK.
    """
    if isinstance(text, bytes):
        try:
            text = decode_table_text(text)
        except ValueError as exc:  # empty, binary, neither UTF-8 nor GBK
            raise DeviceImportError(
                f"cannot read as CSV: {describe_read_error(exc)[0]}", rows=[]
            ) from exc
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        records: list[tuple[int, list[str]]] = []
        start = reader.line_num + 1
        for rec in reader:
            if rec:  # a blank line is no row
                records.append((start, rec))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DeviceImportError(f"cannot read as CSV: {exc}", rows=[]) from exc
    missing = [c for c in ("mn", "password") if c not in header]
    if missing:
        raise DeviceImportError(
            f"CSV header lacks {missing}; expected columns {list(CSV_COLUMNS)}", rows=[]
        )
    truncated = bool(records) and not text.endswith(("\n", "\r"))
    problems: list[tuple[int, str]] = []
    added: list[Device] = []
    seen: set[str] = set()
    with session.begin_nested() as nested:
        for i, (line, rec) in enumerate(records):
            if truncated and i == len(records) - 1:
                problems.append(
                    (line, "the file ends inside this row (no line break): a truncated file")
                )
                continue
            if len(rec) != len(header):
                problems.append(
                    (line, f"{len(rec)} fields, the header {len(header)} (a row cut off or broken)")
                )
                continue
            row = {k: v.strip() for k, v in zip(header, rec, strict=True) if k}
            try:
                if row["mn"] in seen:
                    raise DeviceExists(f"MN={row['mn']} appears twice in the file")
                seen.add(row["mn"])
                if not row["password"]:
                    raise FieldError("empty password: every device needs its PW (HJ 212-2017)")
                version = row.get("protocol_version") or "1"
                if not version.isdigit():
                    raise FieldError(f"bad protocol_version {version!r}")
                enabled = (row.get("enabled") or "1").lower() not in ("0", "false", "no", "否")
                added.append(
                    add_device(
                        session, row["mn"], row["password"], site=row.get("site") or None,
                        crc=row.get("crc") or "hj212", protocol_version=int(version),
                        name=row.get("name") or None, enabled=enabled,
                    )
                )  # fmt: skip
            except HJ212Error as exc:
                problems.append((line, exc.message))
        if problems:
            nested.rollback()
    if problems:
        detail = "; ".join(f"line {ln}: {msg}" for ln, msg in problems[:20])
        raise DeviceImportError(
            f"{len(problems)} bad row(s), nothing imported: {detail}", rows=problems
        )
    return added


def load_device_table(session: Session) -> dict[str, DeviceAuth]:
    """MN → :class:`DeviceAuth` for the listener. A vendor CRC variant is accepted only for
    devices configured with it; HJ 212 Appendix A is always accepted."""
    out: dict[str, DeviceAuth] = {}
    for d in session.scalars(select(Device)):
        variants = {CrcVariant.HJ212, CrcVariant(d.crc.value if d.crc else "hj212")}
        key = bytes.fromhex(d.sm4_key) if d.sm4_key else None
        out[d.mn] = DeviceAuth(d.mn, d.password, frozenset(variants), d.enabled, d.site_id, key)
    return out


def status_rows(
    session: Session, now: datetime, offline_after: timedelta = OFFLINE_AFTER
) -> list[dict[str, Any]]:
    """Per-device status with derived ``online`` and ``lag_seconds`` (now − last DataTime)."""
    statuses = {s.mn: s for s in session.scalars(select(DeviceStatus))}
    out = []
    for d in list_devices(session):
        s = statuses.get(d.mn)
        last_seen = s.last_seen if s else None
        last_data = s.last_data_time if s else None
        out.append(
            {
                "mn": d.mn, "name": d.name, "site_id": d.site_id, "enabled": d.enabled,
                "online": bool(last_seen and now - last_seen <= offline_after),
                "last_seen": last_seen, "last_data_time": last_data,
                "lag_seconds": (now - last_data).total_seconds() if last_data else None,
                "packets": s.packets if s else 0, "rejected": s.rejected if s else 0,
                "packets_by_cn": dict(s.packets_by_cn) if s else {},
                "errors": dict(s.errors) if s else {}, "last_peer": s.last_peer if s else None,
            }
        )  # fmt: skip
    return out


def write_status(session: Session, deltas: Mapping[str, StatusDelta]) -> None:
    """Add the listener's counter deltas (see :class:`~qingshan.hj212.listener.StatusBook`)."""
    rows: dict[str, DeviceStatus] = {}
    mns = sorted(deltas)
    for at in range(0, len(mns), 500):  # one query per 500 devices
        chunk = mns[at : at + 500]
        rows.update(
            (r.mn, r)
            for r in session.scalars(select(DeviceStatus).where(DeviceStatus.mn.in_(chunk)))
        )
    for mn, delta in deltas.items():
        row = rows.get(mn)
        if row is None:
            row = DeviceStatus(mn=mn, packets=0, rejected=0, packets_by_cn={}, errors={})
            session.add(row)
        row.packets = (row.packets or 0) + delta["packets"]
        row.rejected = (row.rejected or 0) + delta["rejected"]
        by_cn = dict(row.packets_by_cn or {})
        for cn, n in delta["by_cn"].items():
            by_cn[cn] = by_cn.get(cn, 0) + n
        row.packets_by_cn = by_cn
        errors = dict(row.errors or {})
        for reason, n in delta["errors"].items():
            errors[reason] = errors.get(reason, 0) + n
        row.errors = errors
        row.last_seen = _later(row.last_seen, delta["last_seen"])
        row.last_data_time = _later(row.last_data_time, delta["last_data_time"])
        if delta["last_peer"]:
            row.last_peer = delta["last_peer"]
    session.flush()


def _later(old: datetime | None, new: datetime | None) -> datetime | None:
    return old if new is None or (old is not None and new <= old) else new


@dataclass(frozen=True, slots=True)
class RejectRetention:
    """How much of ``hj212_reject`` is kept: at most ``max_rows`` rows, none older than
    ``days`` (``QINGSHAN_HJ212_REJECT_MAX_ROWS``, ``QINGSHAN_HJ212_REJECT_RETENTION_DAYS``)."""

    max_rows: int = 100_000
    days: int = 30


def write_rejects(
    session: Session, rejects: Iterable[RejectRecord], retention: RejectRetention | None = None
) -> int:
    """Add the reject rows; with ``retention``, then delete what it does not keep.
    Returns how many rows were deleted. Control characters in the message and the frame are
    written as ``\\xNN`` (a binary frame is kept readable, and PostgreSQL refuses NUL)."""
    rows = [Reject(**{**r, "message": _printable(r["message"]), "frame": _printable(r["frame"])})
            for r in rejects]  # fmt: skip
    session.add_all(rows)
    session.flush()
    if retention is None or not rows:
        return 0
    return prune_rejects(session, retention, max(r.received_at for r in rows))


def _printable(text: str | None) -> str | None:
    return None if text is None else _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def prune_rejects(session: Session, retention: RejectRetention, now: datetime) -> int:
    """Delete reject rows older than ``retention.days`` before ``now`` and all but the newest
    ``retention.max_rows``; returns how many."""
    old = delete(Reject).where(Reject.received_at < now - timedelta(days=retention.days))
    removed = _rowcount(session.execute(old))
    cutoff = session.scalar(
        select(Reject.id).order_by(Reject.id.desc()).offset(retention.max_rows).limit(1)
    )
    if cutoff is not None:
        removed += _rowcount(session.execute(delete(Reject).where(Reject.id <= cutoff)))
    return removed


def _rowcount(result: object) -> int:
    return int(cast(CursorResult[Any], result).rowcount or 0)


def sites_of_devices(session: Session, mns: Iterable[str]) -> dict[str, Site]:
    """MN → the site each of these devices is bound to (unknown or unbound devices absent)."""
    return {
        mn: site
        for mn, site in session.execute(
            select(Device.mn, Site)
            .join(Site, Site.id == Device.site_id)
            .where(Device.mn.in_(list(mns)))
        )
    }


def list_rejects(session: Session, mn: str | None = None, limit: int = 100) -> list[Reject]:
    query = select(Reject).order_by(Reject.id.desc()).limit(limit)
    if mn is not None:
        query = query.where(Reject.mn == mn)
    return list(session.scalars(query))
