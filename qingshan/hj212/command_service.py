"""Platform → logger commands in the relational store: make one, list and cancel them (scoped
like the devices), and the listener's side — report changes, expire what nobody delivered,
claim what this process can send — plus the back-fill windows ingest uses and back-fill of a
site's gaps.

A command is made ``queued``. The listener process that holds the logger's connection claims
it (an ``UPDATE … WHERE state = 'queued'``: one claimer wins), sends it and reports every change
(:func:`sync_commands`, called every second through the ingest worker or a thread), so several
listener processes behind one port each deliver the commands of their own connections. The
lifecycle rules are :mod:`qingshan.hj212.commands`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, cast

import pandas as pd
from sqlalchemy import CursorResult, Engine, or_, select, update
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.hj212 import registry
from qingshan.hj212.backfill import (
    PERIOD_STEP,
    BackfillWindow,
    floor_period,
    gap_ranges,
    period_starts,
    split_range,
)
from qingshan.hj212.commands import (
    BACKFILL_CNS,
    BACKFILL_MAX_SPAN,
    FINAL,
    KIND_CN,
    CommandKind,
    CommandState,
    Event,
    next_state,
)
from qingshan.hj212.errors import CommandError, CommandNotFound, DeviceNotFound
from qingshan.hj212.models import Command, Device
from qingshan.hj212.service import _ST_OF_KIND, visible_devices
from qingshan.monitoring.models import Series, Site
from qingshan.monitoring.service import get_site
from qingshan.timeutil import utcnow

#: a queued command no listener has claimed by then is undelivered (the logger is offline)
DELIVER_WITHIN = timedelta(minutes=2)
#: a command in flight this long past its deadline lost its listener (a restart)
LOST_AFTER = timedelta(minutes=5)
#: the CN of a back-fill of each observation period
CN_OF_PERIOD = {period: cn for cn, period in BACKFILL_CNS.items()}
#: at most this many back-fill requests for one site's gaps
MAX_GAP_REQUESTS = 20


class RangeStore(Protocol):
    """What back-fill of gaps reads (an :class:`~qingshan.timeseries.store.ObservationStore`)."""

    def query(
        self,
        series_ids: Iterable[int],
        start: datetime,
        end: datetime,
        period: str | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame: ...


def _aware(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _backfill_params(
    device: Device, cn: str | None, begin: datetime | None, end: datetime | None
) -> tuple[str, dict[str, Any]]:
    if cn is None or cn not in BACKFILL_CNS:
        raise CommandError(
            f"a back-fill asks for data CN {sorted(BACKFILL_CNS)}, not {cn!r}", field="cn"
        )
    if cn == "2011" and device.protocol_version < 2:
        raise CommandError(
            "a 2011 request with a period exists in HJ 212-2025 only; an HJ 212-2017 logger "
            "starts real-time data on 2011 (App. C.10): use rtd-start",
            field="cn",
        )
    if begin is None or end is None:
        raise CommandError("a back-fill needs its period: begin and end", field="begin")
    period = BACKFILL_CNS[cn]
    first, last = floor_period(_aware(begin), period), floor_period(_aware(end), period)
    if last < first:
        raise CommandError(
            f"the back-fill ends ({last.isoformat()}) before it begins ({first.isoformat()})",
            field="end",
        )
    longest = BACKFILL_MAX_SPAN[cn]
    if last - first >= longest:
        raise CommandError(
            f"a back-fill of CN={cn} spans at most {longest}: ask for several shorter ones",
            field="end",
            allowed=str(longest),
        )
    return cn, {"begin": first.isoformat(), "end": last.isoformat()}


def create_command(
    session: Session,
    mn: str,
    kind: CommandKind | str,
    *,
    actor: str,
    origin: str = "api",
    cn: str | None = None,
    begin: datetime | None = None,
    end: datetime | None = None,
    system_time: datetime | None = None,
    now: datetime | None = None,
    deliver_within: timedelta = DELIVER_WITHIN,
) -> Command:
    """Queue a command for the logger ``mn``.

    ``kind`` (:class:`CommandKind`): time-get, time-set (to ``system_time``, or the platform's
    clock when sent), backfill (``cn`` 2051/2061/2031 — 2011 for HJ 212-2025 loggers — from
    ``begin`` to ``end``, both period starts, at most :data:`BACKFILL_MAX_SPAN`), rtd-start,
    rtd-stop, timeouts (sets the logger's OverTime/ReCount to the device's). Raises
    :class:`DeviceNotFound`, :class:`CommandError` (disabled device, bad kind or period).
    """
    now = now or utcnow()
    device = registry.get_device(session, mn)
    if not device.enabled:
        raise CommandError(f"device MN={mn} is disabled: no command is sent to it", mn=mn)
    try:
        kind = CommandKind(kind)
    except ValueError:
        raise CommandError(
            f"unknown command {kind!r}: one of {[k.value for k in CommandKind]}", field="kind"
        ) from None
    params: dict[str, Any] = {}
    if kind is CommandKind.BACKFILL:
        cn, params = _backfill_params(device, cn, begin, end)
    else:
        cn = KIND_CN[kind]
    if kind is CommandKind.TIME_SET and system_time is not None:
        params["system_time"] = _aware(system_time).isoformat()
    if kind is CommandKind.TIMEOUTS:
        params.update(overtime=device.overtime, recount=device.recount)
    row = Command(
        mn=device.mn, kind=kind.value, cn=cn, params=params, state=CommandState.QUEUED.value,
        attempts=0, overtime=device.overtime, recount=device.recount, result={},
        created_by=actor[:64], origin=origin[:16], created_at=now,
        expires_at=now + deliver_within,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _in_scope(session: Session, scope: Scope | None, mn: str | None = None) -> list[str]:
    visible = (
        visible_devices(session, scope)
        if scope is not None
        else set(session.scalars(select(Device.mn)))
    )
    if mn is not None:
        if mn not in visible:
            raise DeviceNotFound(f"no device with MN={mn}", mn=mn)
        return [mn]
    return list(visible)


def list_commands(
    session: Session, scope: Scope | None, mn: str | None = None, limit: int = 50
) -> list[Command]:
    """The newest commands of the devices ``scope`` sees (None: every device; the command
    line), or of ``mn``."""
    mns = _in_scope(session, scope, mn)
    query = select(Command).where(Command.mn.in_(mns)).order_by(Command.id.desc()).limit(limit)
    return list(session.scalars(query))


def get_command(session: Session, scope: Scope | None, command_id: int) -> Command:
    row = session.get(Command, command_id)
    if row is None or (scope is not None and row.mn not in visible_devices(session, scope)):
        raise CommandNotFound(f"no command {command_id}", id=command_id)
    return row


def cancel_command(session: Session, scope: Scope | None, command_id: int) -> Command:
    """Withdraw a queued command (:class:`CommandStateError` once it has been sent)."""
    row = get_command(session, scope, command_id)
    row.state = next_state(row.state, Event.CANCEL).value
    row.finished_at = utcnow()
    session.flush()
    return row


# ------------------------------------------------------------------ the listener's side


def expire_commands(session: Session, now: datetime) -> int:
    """Queued commands past ``expires_at`` → undelivered; commands in flight
    :data:`LOST_AFTER` past their deadline (their listener is gone) → timed out."""
    undelivered = update(Command).where(
        Command.state == CommandState.QUEUED.value, Command.expires_at <= now
    )
    n = _rowcount(session, undelivered.values(state=CommandState.UNDELIVERED.value, finished_at=now,
                           error="no live connection of the logger (离线)"))  # fmt: skip
    lost = update(Command).where(
        Command.state.in_([CommandState.SENT.value, CommandState.ANSWERED.value]),
        Command.deadline_at < now - LOST_AFTER,
    )
    n += _rowcount(session, lost.values(state=CommandState.TIMED_OUT.value, finished_at=now,
                                        error="the listener that sent it stopped"))  # fmt: skip
    return n


def _rowcount(session: Session, statement: Any) -> int:
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount or 0)


def _time(text: object) -> datetime | None:
    return None if text is None else datetime.fromisoformat(str(text))


def apply_updates(session: Session, updates: Iterable[dict[str, Any]], claimer: str) -> None:
    """Write the changes a listener reports (:meth:`~qingshan.hj212.commands.CommandBook.drain`)
    to the commands it claimed. Bookkeeping of the listener, like the device status: written
    by statement, not audited (the user's change — making or cancelling a command — is)."""
    for u in updates:
        session.execute(
            update(Command)
            .where(Command.id == int(u["id"]), Command.claimed_by == claimer)
            .values(
                state=CommandState(u["state"]).value, qn=u["qn"], attempts=int(u["attempts"]),
                qn_rtn=u["qn_rtn"], exe_rtn=u["exe_rtn"], result=dict(u["result"]),
                error=u["error"], sent_at=_time(u["sent_at"]), answered_at=_time(u["answered_at"]),
                finished_at=_time(u["finished_at"]), deadline_at=_time(u["deadline_at"]),
            )
        )  # fmt: skip


def claim_commands(
    session: Session, ids: Iterable[int], claimer: str, now: datetime
) -> list[dict[str, Any]]:
    """Claim the queued commands ``ids`` for ``claimer`` (host:pid); each is claimed by one
    process only. Returns what the listener needs to send them (JSON values)."""
    out = []
    for command_id in ids:
        claim = (
            update(Command)
            .where(Command.id == command_id, Command.state == CommandState.QUEUED.value,
                   Command.expires_at > now)
            .values(state=CommandState.SENT.value, claimed_by=claimer, sent_at=now,
                    deadline_at=now)
        )  # fmt: skip
        if not _rowcount(session, claim):
            continue
        row = session.get(Command, command_id)
        device = session.scalar(select(Device).where(Device.mn == row.mn)) if row else None
        if row is None or device is None:
            continue
        site = session.get(Site, device.site_id) if device.site_id else None
        kind = getattr(site.kind, "value", site.kind) if site else None
        out.append(
            {"id": row.id, "mn": row.mn, "kind": row.kind, "cn": row.cn,
             "params": dict(row.params or {}), "overtime": row.overtime, "recount": row.recount,
             "password": device.password, "version": device.protocol_version,
             "st": _ST_OF_KIND.get(str(kind), "31")}
        )  # fmt: skip
    session.flush()
    return out


def queued_commands(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(id, MN) of the commands waiting to be sent, oldest first."""
    rows = session.execute(
        select(Command.id, Command.mn)
        .where(Command.state == CommandState.QUEUED.value, Command.expires_at > now)
        .order_by(Command.id)
        .limit(1000)
    )
    return [(int(i), str(mn)) for i, mn in rows]


def sync_commands(
    session: Session,
    updates: Sequence[dict[str, Any]],
    claim: Sequence[int],
    claimer: str,
    now: datetime,
) -> dict[str, Any]:
    """One round of a listener: write its ``updates``, expire, claim ``claim``; returns
    ``{"claimed": [...], "queued": [[id, mn], ...]}`` (JSON values)."""
    apply_updates(session, updates, claimer)
    expire_commands(session, now)
    claimed = claim_commands(session, claim, claimer, now) if claim else []
    return {"claimed": claimed, "queued": [list(q) for q in queued_commands(session, now)]}


def sync_with_engine(
    engine: Engine,
    updates: Sequence[dict[str, Any]],
    claim: Sequence[int],
    claimer: str,
    now: datetime,
) -> dict[str, Any]:
    """:func:`sync_commands` in its own transaction."""
    with session_scope(engine) as session:
        return sync_commands(session, updates, claim, claimer, now)


def backfill_windows(session: Session, since: datetime) -> list[BackfillWindow]:
    """The back-fill commands sent and not finished before ``since`` (what ingest marks)."""
    rows = session.scalars(
        select(Command).where(
            Command.kind == CommandKind.BACKFILL.value,
            Command.sent_at.is_not(None),
            or_(Command.finished_at.is_(None), Command.finished_at >= since),
        )
    )
    out = []
    for r in rows:
        if r.sent_at is None or "begin" not in (r.params or {}):
            continue
        out.append(
            BackfillWindow(r.id, r.mn, r.cn, datetime.fromisoformat(r.params["begin"]),
                           datetime.fromisoformat(r.params["end"]), r.sent_at, r.finished_at)
        )  # fmt: skip
    return out


# ------------------------------------------------------------------ back-fill of a site's gaps


def request_site_backfill(
    session: Session,
    scope: Scope,
    store: RangeStore,
    code: str,
    start: datetime,
    end: datetime,
    *,
    actor: str,
    period: str = "hour",
    missing_only: bool = True,
    origin: str = "qc-gap",
) -> list[Command]:
    """Back-fill requests to the loggers of site ``code`` for [``start``, ``end``).

    With ``missing_only`` (hour and day data), only the periods for which none of the site's
    series of that period has a value are asked for, one request per run of missing periods
    (at most :data:`MAX_GAP_REQUESTS`; beyond, one covering the first to the last); a run
    longer than a request may span is cut. Returns the commands made (none: no gap).
    """
    site = get_site(session, scope, code)
    if period not in CN_OF_PERIOD:
        raise CommandError(f"bad period {period!r}: one of {sorted(CN_OF_PERIOD)}", field="period")
    cn = CN_OF_PERIOD[period]
    start, end = _aware(start), _aware(end)
    if end <= start:
        raise CommandError("the range ends before it starts", field="end")
    devices = list(
        session.scalars(select(Device).where(Device.site_id == site.id, Device.enabled.is_(True)))
    )
    if not devices:
        raise CommandError(f"no enabled data logger is bound to site {code}", code=code)
    expected = period_starts(start, end, period)
    if not expected:
        return []
    step = PERIOD_STEP[period]
    ranges = [(expected[0], expected[-1])]
    if missing_only and period in ("hour", "day"):
        ids = list(session.scalars(select(Series.id).where(
            Series.site_id == site.id, Series.period == period)))  # fmt: skip
        present: list[datetime] = []
        if ids:
            frame = store.query(ids, start, end, period=period, columns=["time", "value"])
            if len(frame):
                have = frame[frame["value"].notna()]
                present = [t.to_pydatetime() for t in pd.to_datetime(have["time"], utc=True)]
        ranges = gap_ranges(expected, present, step)
        if len(ranges) > MAX_GAP_REQUESTS:
            ranges = [(ranges[0][0], ranges[-1][1])]
    made = []
    for first, last in ranges:
        for a, b in split_range(first, last, step, BACKFILL_MAX_SPAN[cn]):
            for device in devices:
                made.append(
                    create_command(session, device.mn, CommandKind.BACKFILL, actor=actor,
                                   origin=origin, cn=cn, begin=a, end=b)
                )  # fmt: skip
    return made


def is_final(state: str) -> bool:
    return CommandState(state) in FINAL
