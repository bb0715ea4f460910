"""Platform → logger commands (HJ 212-2017 §6.1–6.2, Appendix C; HJ 212-2025): the request
frames, the lifecycle of one request, and the book of requests a listener has in flight.

The exchange (§6.1, App. C.1–C.22)::

    platform  QN=q;ST=<logger's ST>;CN=<cn>;PW;MN;Flag=5;CP=&&…&&        (request, A = 1)
    logger    QN=q;ST=91;CN=9011;…;CP=&&QnRtn=1&&                         (request answer)
    logger    QN=q;ST=32;CN=1011;…;CP=&&SystemTime=…&&  or history uploads with new QNs
    logger    QN=q;ST=91;CN=9012;…;CP=&&ExeRtn=1&&                        (execution result)

A notification (2012 stop real-time data, App. C.11) gets 9013 instead. Timeouts (§6.2): no
request answer within the device's timeout → resend (same QN) up to its resend count, then the
command has timed out ("通讯不可用"); after the request answer, nothing (a data frame, the
response or the result) within the timeout → it has timed out too (§6.2.2, no resend).

Pure: the clock comes in as ``now`` (timezone-aware UTC); frames out are bytes for the caller
to send. :class:`CommandBook` is what a listener keeps; the database side is
:mod:`qingshan.hj212.command_service`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final

from qingshan.hj212.codec import encode, encode_segment, parse_segment
from qingshan.hj212.cp import format_time, parse_time
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.errors import CommandError, CommandStateError, HJ212Error, TimestampError
from qingshan.hj212.packet import Packet
from qingshan.hj212.sm4 import encrypt_frame, needs_encryption
from qingshan.timeutil import CST

__all__ = [
    "BACKFILL_CNS", "BACKFILL_MAX_SPAN", "EXE_RTN", "FINAL", "KIND_CN", "QN_RTN", "TRANSITIONS",
    "Command", "CommandBook", "CommandKind", "CommandState", "Event", "next_state",
    "request_frame", "request_segment",
]  # fmt: skip


class CommandKind(enum.StrEnum):
    """What a user can ask a logger (HJ 212-2017 Appendix C)."""

    TIME_GET = "time-get"  # 1011 提取现场机时间 (C.2)
    TIME_SET = "time-set"  # 1012 设置现场机时间 (C.3)
    BACKFILL = "backfill"  # 2051/2061/2031 history data of a period, 补传 (C.20–C.22, C.47–C.50)
    RTD_START = "rtd-start"  # 2011 取污染物实时数据 (C.10)
    RTD_STOP = "rtd-stop"  # 2012 停止察看污染物实时数据, a notification (C.11)
    TIMEOUTS = "timeouts"  # 1000 设置超时时间及重发次数 (C.1)


#: the CN of each kind but back-fill (whose CN is the data's: :data:`BACKFILL_CNS`)
KIND_CN: Final[Mapping[CommandKind, str]] = MappingProxyType(
    {CommandKind.TIME_GET: "1011", CommandKind.TIME_SET: "1012", CommandKind.RTD_START: "2011",
     CommandKind.RTD_STOP: "2012", CommandKind.TIMEOUTS: "1000"}
)  # fmt: skip
#: back-fill CNs and their observation period; 2011 with a period is HJ 212-2025 only [U]
#: (``caoyiliang/HJ212``: a 2011 request with BeginTime/EndTime returns that period's records)
BACKFILL_CNS: Final[Mapping[str, str]] = MappingProxyType(
    {"2051": "min", "2061": "hour", "2031": "day", "2011": "rtd"}
)
#: the longest period one back-fill asks for (the logger sends one frame per record)
BACKFILL_MAX_SPAN: Final[Mapping[str, timedelta]] = MappingProxyType(
    {"2011": timedelta(hours=1), "2051": timedelta(days=1), "2061": timedelta(days=31),
     "2031": timedelta(days=366)}
)  # fmt: skip
#: notifications: answered with 9013, no 9011/9012 (Table 9, C.11)
NOTIFICATIONS: Final = frozenset({"2012"})

#: QnRtn, HJ 212-2017 §6.6.3 Table 7
QN_RTN: Final[Mapping[int, str]] = MappingProxyType(
    {1: "准备执行请求", 2: "请求被拒绝", 3: "PW 错误", 4: "MN 错误", 5: "ST 错误", 6: "Flag 错误",
     7: "QN 错误", 8: "CN 错误", 9: "CRC 校验错误", 100: "未知错误"}
)  # fmt: skip
#: ExeRtn, HJ 212-2017 §6.6.2 Table 6
EXE_RTN: Final[Mapping[int, str]] = MappingProxyType(
    {1: "执行成功", 2: "执行失败，但不知道原因", 3: "命令请求条件错误", 4: "通讯超时",
     5: "系统繁忙不能执行", 6: "系统故障", 100: "没有数据"}
)  # fmt: skip


class CommandState(enum.StrEnum):
    QUEUED = "queued"  # 待发送: waiting for the listener that holds the logger's connection
    SENT = "sent"  # 已发送: waiting for the request answer 9011
    ANSWERED = "answered"  # 执行中: QnRtn = 1, waiting for data, response, 9012
    SUCCEEDED = "succeeded"  # 成功: ExeRtn = 1 (9013 for a notification)
    FAILED = "failed"  # 失败: ExeRtn ≠ 1
    REFUSED = "refused"  # 拒绝: QnRtn ≠ 1
    TIMED_OUT = "timed_out"  # 超时: no answer after the resends, or nothing after 9011
    UNDELIVERED = "undelivered"  # 未送达: no live connection before it expired
    CANCELLED = "cancelled"  # 已取消: cancelled while queued


#: states a command never leaves
FINAL: Final = frozenset(
    {CommandState.SUCCEEDED, CommandState.FAILED, CommandState.REFUSED, CommandState.TIMED_OUT,
     CommandState.UNDELIVERED, CommandState.CANCELLED}
)  # fmt: skip


class Event(enum.StrEnum):
    SEND = "send"  # a listener claimed it and wrote the request
    RESEND = "resend"  # no 9011 within the timeout, resends left (§6.2.1)
    ACCEPT = "accept"  # 9011 QnRtn = 1
    REFUSE = "refuse"  # 9011 QnRtn ≠ 1
    PROGRESS = "progress"  # a data frame or the response of the request
    SUCCEED = "succeed"  # 9012 ExeRtn = 1
    FAIL = "fail"  # 9012 ExeRtn ≠ 1
    NOTIFIED = "notified"  # 9013 to a notification
    TIMEOUT = "timeout"  # no 9011 after the resends (§6.2.1), or nothing after it (§6.2.2)
    EXPIRE = "expire"  # still queued when it expired: no listener held the connection
    CANCEL = "cancel"  # a user withdrew it before it was sent
    LOST = "lost"  # in flight long past its deadline: the listener that held it is gone


_S, _E = CommandState, Event
#: (state, event) → next state; any other pair is an illegal step
TRANSITIONS: Final[Mapping[tuple[CommandState, Event], CommandState]] = MappingProxyType(
    {
        (_S.QUEUED, _E.SEND): _S.SENT,
        (_S.QUEUED, _E.EXPIRE): _S.UNDELIVERED,
        (_S.QUEUED, _E.CANCEL): _S.CANCELLED,
        (_S.SENT, _E.RESEND): _S.SENT,
        (_S.SENT, _E.ACCEPT): _S.ANSWERED,
        (_S.SENT, _E.REFUSE): _S.REFUSED,
        (_S.SENT, _E.NOTIFIED): _S.SUCCEEDED,
        (_S.SENT, _E.SUCCEED): _S.SUCCEEDED,  # a 9012 whose 9011 was lost
        (_S.SENT, _E.FAIL): _S.FAILED,
        (_S.SENT, _E.TIMEOUT): _S.TIMED_OUT,
        (_S.SENT, _E.LOST): _S.TIMED_OUT,
        (_S.ANSWERED, _E.PROGRESS): _S.ANSWERED,
        (_S.ANSWERED, _E.SUCCEED): _S.SUCCEEDED,
        (_S.ANSWERED, _E.FAIL): _S.FAILED,
        (_S.ANSWERED, _E.TIMEOUT): _S.TIMED_OUT,
        (_S.ANSWERED, _E.LOST): _S.TIMED_OUT,
    }
)


def next_state(state: CommandState | str, event: Event | str) -> CommandState:
    """The state after ``event``; :class:`CommandStateError` (naming both) if not allowed."""
    try:
        return TRANSITIONS[(CommandState(state), Event(event))]
    except (KeyError, ValueError):
        raise CommandStateError(
            f"a command in state {state!s} cannot take event {event!s}",
            event=str(event),
            state=str(state),
        ) from None


@dataclass
class Command:
    """One command as a listener follows it (its ``hj212_command`` row, claimed).

    ``params``: ``begin``/``end`` (UTC ISO) of a back-fill, ``system_time`` (UTC ISO) to set,
    ``overtime``/``recount`` to set, ``pol_id``. ``overtime`` [s] and ``recount`` are the
    device's timeout and resends (§6.2, Table 1).
    """

    id: int
    mn: str
    kind: CommandKind
    cn: str
    params: dict[str, Any] = field(default_factory=dict)
    overtime: float = 10.0
    recount: int = 3
    state: CommandState = CommandState.QUEUED
    qn: str | None = None
    attempts: int = 0
    qn_rtn: int | None = None
    exe_rtn: int | None = None
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    sent_at: datetime | None = None
    answered_at: datetime | None = None
    finished_at: datetime | None = None
    deadline: datetime | None = None
    frame: bytes = b""

    def step(self, event: Event, now: datetime) -> None:
        """Apply ``event`` at ``now`` (raises :class:`CommandStateError` if not allowed)."""
        self.state = next_state(self.state, event)
        if event in (Event.SEND, Event.RESEND):
            self.attempts += 1
            self.sent_at = self.sent_at or now
        if event is Event.ACCEPT:
            self.answered_at = now
        if self.state in FINAL:
            self.finished_at = now
            self.deadline = None
        else:
            self.deadline = now + timedelta(seconds=self.overtime)

    def update(self) -> dict[str, Any]:
        """What changed, as the listener reports it (JSON values; times UTC ISO)."""

        def iso(t: datetime | None) -> str | None:
            return None if t is None else t.isoformat()

        return {
            "id": self.id, "state": self.state.value, "qn": self.qn, "attempts": self.attempts,
            "qn_rtn": self.qn_rtn, "exe_rtn": self.exe_rtn, "result": dict(self.result),
            "error": self.error, "sent_at": iso(self.sent_at), "answered_at": iso(self.answered_at),
            "finished_at": iso(self.finished_at), "deadline_at": iso(self.deadline),
        }  # fmt: skip


# ------------------------------------------------------------------------------ frames


def _cst(iso: str) -> str:
    return format_time(datetime.fromisoformat(iso))


def request_cp(command: Command, now: datetime) -> dict[str, object]:
    """The CP values of a request (App. C.1–C.3, C.10, C.11, C.20–C.22). Times are CST
    ``YYYYMMDDhhmmss``; ``EndTime`` is the start of the last period asked for (C.20: begin =
    end asks for one record)."""
    p = command.params
    cp: dict[str, object] = {}
    if p.get("pol_id"):
        cp["PolId"] = p["pol_id"]
    if command.kind is CommandKind.TIME_SET:
        cp["SystemTime"] = _cst(p["system_time"]) if p.get("system_time") else format_time(now)
    elif command.kind is CommandKind.TIMEOUTS:
        cp["OverTime"], cp["ReCount"] = int(p["overtime"]), int(p["recount"])
    elif command.kind is CommandKind.BACKFILL:
        cp["BeginTime"], cp["EndTime"] = _cst(p["begin"]), _cst(p["end"])
    return cp


def request_segment(
    command: Command, *, qn: str, st: str, pw: str, version: int = 1, now: datetime
) -> str:
    """The data segment of the request: the logger's ST, ``Flag`` = edition + A (5 for
    HJ 212-2017, 9 for 2025, 1 for 2005), the request's QN."""
    cp = request_cp(command, now)
    if version == 0 and "BeginTime" in cp:  # HJ/T 212-2005: BeginTime=…,EndTime=…
        text = f"BeginTime={cp.pop('BeginTime')},EndTime={cp.pop('EndTime')}"
        rest = ";".join(f"{k}={v}" for k, v in cp.items())
        return encode_segment(qn=qn, st=st, cn=command.cn, pw=pw, mn=command.mn,
                              flag=1, cp=";".join(x for x in (rest, text) if x))  # fmt: skip
    return encode_segment(
        qn=qn, st=st, cn=command.cn, pw=pw, mn=command.mn, flag=(version << 2) | 1, cp=cp
    )


def request_frame(
    command: Command,
    *,
    qn: str,
    st: str,
    pw: str,
    version: int = 1,
    now: datetime,
    key: bytes | None = None,
    variant: CrcVariant = CrcVariant.HJ212,
) -> bytes:
    """The request as sent: framed, and with its data area SM4-encrypted when the device has a
    key and the CN is one that is encrypted (HJ 212-2025 §6.4.4 [U])."""
    frame = encode(request_segment(command, qn=qn, st=st, pw=pw, version=version, now=now), variant)
    if key is not None and needs_encryption(command.cn):
        frame = encrypt_frame(frame, key)
    return frame


# ------------------------------------------------------------------------------ the book


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.strip().isdigit() else None


class CommandBook:
    """The commands a listener has in flight, at most one per MN (a logger answers one request
    at a time). The listener calls :meth:`observe` with each frame of an MN in
    :attr:`waiting`; a timer calls :meth:`tick`. Changes are collected for :meth:`drain`."""

    def __init__(self) -> None:
        self._by_mn: dict[str, Command] = {}
        #: MNs with a command in flight (the listener's cheap test before :meth:`observe`)
        self.waiting: set[str] = set()
        self._dirty: dict[int, Command] = {}
        self._last_qn: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._by_mn)

    @property
    def changed(self) -> bool:
        """Whether there are changes :meth:`drain` has not returned yet."""
        return bool(self._dirty)

    def busy(self, mn: str) -> bool:
        return mn in self._by_mn

    def get(self, mn: str) -> Command | None:
        return self._by_mn.get(mn)

    def new_qn(self, mn: str, now: datetime) -> str:
        """A QN (``YYYYMMDDhhmmsszzz``, CST) for ``now``, later than the MN's previous one."""
        qn = format_time(now, millis=True)
        last = self._last_qn.get(mn)
        if last is not None and qn <= last:
            after = datetime.strptime(last, "%Y%m%d%H%M%S%f").replace(tzinfo=CST)
            qn = format_time(after + timedelta(milliseconds=1), millis=True)
        self._last_qn[mn] = qn
        return qn

    def start(self, command: Command, frame: bytes, now: datetime) -> None:
        """``command`` was claimed and its request ``frame`` (with ``command.qn``) is being sent."""
        if command.mn in self._by_mn:
            raise CommandError(f"MN={command.mn} already has a command in flight", mn=command.mn)
        command.frame = frame
        command.step(Event.SEND, now)
        self._by_mn[command.mn] = command
        self.waiting.add(command.mn)
        self._dirty[command.id] = command

    def _finish(self, command: Command) -> None:
        self._dirty[command.id] = command
        if command.state in FINAL:
            del self._by_mn[command.mn]
            self.waiting.discard(command.mn)

    def observe(self, packet: Packet, now: datetime) -> None:
        """A frame from an MN with a command in flight (parsed without its CP)."""
        command = self._by_mn.get(packet.mn or "")
        if command is None:
            return
        try:
            full = parse_segment(packet.segment)
        except HJ212Error:
            return
        qn = full.qn or full.fields.get("QN")  # HJ/T 212-2005 answers carry QN in the CP
        cn = full.cn
        if qn == command.qn and cn in ("9011", "9012", "9013"):
            self._answer(command, cn, full, now)
        elif cn == command.cn and command.state is CommandState.ANSWERED:
            self._progress(command, full, qn, now)
        else:
            return
        self._finish(command)

    def _answer(self, command: Command, cn: str | None, full: Packet, now: datetime) -> None:
        state = command.state
        if cn == "9011" and state is CommandState.SENT:
            command.qn_rtn = _int(full.fields.get("QnRtn"))
            ok = command.qn_rtn == 1
            if not ok:
                command.error = f"QnRtn={command.qn_rtn}: {QN_RTN.get(command.qn_rtn or 0, '?')}"
            command.step(Event.ACCEPT if ok else Event.REFUSE, now)
        elif cn == "9012" and state in (CommandState.SENT, CommandState.ANSWERED):
            command.exe_rtn = _int(full.fields.get("ExeRtn"))
            ok = command.exe_rtn == 1
            if not ok:
                text = EXE_RTN.get(command.exe_rtn or 0, "?")
                command.error = f"ExeRtn={command.exe_rtn}: {text}"
            command.step(Event.SUCCEED if ok else Event.FAIL, now)
        elif cn == "9013" and command.cn in NOTIFICATIONS and state is CommandState.SENT:
            command.step(Event.NOTIFIED, now)

    def _progress(self, command: Command, full: Packet, qn: str | None, now: datetime) -> None:
        result = command.result
        if command.kind is CommandKind.TIME_GET:
            if qn != command.qn or "SystemTime" not in full.fields:
                return
            text = full.fields["SystemTime"]
            try:
                logger = parse_time(text, "SystemTime")
            except TimestampError:
                result["system_time_raw"] = text[:32]
            else:
                result["system_time"] = logger.isoformat()
                # the logger's clock minus ours when its answer came [s]
                result["offset_seconds"] = round((logger - now).total_seconds(), 1)
        else:
            result["packets"] = int(result.get("packets", 0)) + 1
            if full.data_time is not None:
                t = full.data_time.isoformat()
                result["first"] = min(result.get("first", t), t)
                result["last"] = max(result.get("last", t), t)
        command.step(Event.PROGRESS, now)

    def tick(self, now: datetime) -> list[tuple[str, bytes]]:
        """Apply the timeouts at ``now``: returns the (MN, frame) requests to send again."""
        resend: list[tuple[str, bytes]] = []
        for command in list(self._by_mn.values()):
            if command.deadline is None or now < command.deadline:
                continue
            if command.state is CommandState.SENT and command.attempts <= command.recount:
                command.step(Event.RESEND, now)
                resend.append((command.mn, command.frame))
                self._dirty[command.id] = command
                continue
            if command.state is CommandState.SENT:
                command.error = (
                    f"no request answer 9011 after {command.attempts} sends, "
                    f"{command.overtime:g} s each (§6.2.1)"
                )
            else:
                command.error = (
                    f"nothing from the logger for {command.overtime:g} s after the request "
                    "answer (§6.2.2)"
                )
            command.step(Event.TIMEOUT, now)
            self._finish(command)
        return resend

    def drain(self) -> list[dict[str, Any]]:
        """The changes since the last call (:meth:`Command.update` of each changed command)."""
        out = [c.update() for c in self._dirty.values()]
        self._dirty = {}
        return out

    def abandon(self, now: datetime, reason: str) -> None:
        """The listener stops: every command in flight times out with ``reason``."""
        for command in list(self._by_mn.values()):
            command.error = reason
            command.step(Event.LOST, now)
            self._finish(command)
