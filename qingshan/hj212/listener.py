"""The HJ 212 TCP listener: frames in, device auth, journal (fsync) and then the answer.

For each frame (HJ 212-2017 §6.1–6.5): parse; look the MN up in the device table; check PW and
the device's CRC variant; append the frame to the :class:`~qingshan.hj212.journal.Journal` and,
only once the journal has fsynced it, send the 9014 data answer if the packet is an upload that
asked for one (Flag A = 1; :func:`answers_with_data`). Notifications (1013, 2012, 2022) get a
9013 answer. Rejected frames (bad frame, unknown MN, wrong PW, CRC variant not enabled) are
never journaled: they go to ``on_reject`` with the reason, and the device gets no answer, so
it keeps its data and sends it again.

Abuse is bounded by :class:`ListenerLimits`: a connection is closed after ``max_garbage_bytes``
bytes or ``max_bad_frames`` rejected frames without a valid frame, or after ``idle_timeout``
seconds without a byte; connections beyond ``max_connections`` in total or
``max_connections_per_address`` from one address are refused (closed at once). Rejects go to a
bounded :class:`RejectQueue` that counts what it drops.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol, cast

from qingshan.hj212.codec import Packet, data_answer, notify_answer, parse
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.errors import (
    AuthenticationError,
    CRCMismatchError,
    DecryptionError,
    HJ212Error,
)
from qingshan.hj212.framing import FrameReader
from qingshan.hj212.journal import Journal
from qingshan.hj212.registry import DeviceAuth, RejectRecord, StatusDelta
from qingshan.hj212.sm4 import decrypt_frame

log = logging.getLogger("qingshan.hj212.listener")

ALL_VARIANTS = frozenset(CrcVariant)
#: notifications answered with 9013 (Table 9)
NOTIFY_CNS = frozenset({"1013", "2012", "2022"})
#: answers and heartbeats: counted, not journaled
NOT_JOURNALED = frozenset({"9011", "9012", "9013", "9014", "9015"})
#: control-command uploads answered with 9014 besides the data commands 2000-2999
#: (Table 9; App. C.39-C.44)
DATA_UPLOADS = frozenset({"3019", "3020"})


def answers_with_data(cn: str | None) -> bool:
    """Whether an upload with A = 1 gets the 9014 data answer: the data commands 2000-2999
    (§6.6.5.1; App. C.14-C.29, notifications 2012/2022 aside) and 3019/3020. A logger's
    1011/1061/1063/3015/3017/3018 frames are responses inside a platform request (§6.1,
    App. C.2): the platform waits for the 9012 that follows, and answers none of them."""
    return cn is not None and (cn[:1] == "2" or cn in DATA_UPLOADS)


#: rejected frames logged one line each, per second (all are counted and queued as rejects)
LOG_REJECTS_PER_SECOND = 20


@dataclass
class _Counters:
    packets: int = 0
    rejected: int = 0
    by_cn: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    last_seen: datetime | None = None
    last_data_time: datetime | None = None
    last_peer: str | None = None


class StatusBook:
    """Per-device counters since the last :meth:`drain` (pure bookkeeping, no I/O)."""

    def __init__(self) -> None:
        self._by_mn: dict[str, _Counters] = {}

    def _get(self, mn: str) -> _Counters:
        c = self._by_mn.get(mn)
        if c is None:
            c = self._by_mn[mn] = _Counters()
        return c

    def seen(self, packet: Packet, peer: str, now: datetime) -> None:
        c = self._get(packet.mn or "")
        c.packets += 1
        cn = packet.cn or "?"
        c.by_cn[cn] = c.by_cn.get(cn, 0) + 1
        c.last_seen = now
        c.last_peer = peer
        if packet.data_time is not None and (
            c.last_data_time is None or packet.data_time > c.last_data_time
        ):
            c.last_data_time = packet.data_time

    def error(self, mn: str, reason: str) -> None:
        c = self._get(mn)
        c.rejected += 1
        c.errors[reason] = c.errors.get(reason, 0) + 1

    def drain(self) -> dict[str, StatusDelta]:
        out = {
            mn: StatusDelta(
                packets=c.packets, rejected=c.rejected, by_cn=c.by_cn, errors=c.errors,
                last_seen=c.last_seen, last_data_time=c.last_data_time, last_peer=c.last_peer,
            )
            for mn, c in self._by_mn.items()
        }  # fmt: skip
        self._by_mn = {}
        return out

    def dropped(self, mn: str, count: int = 1) -> None:
        """Rejects of ``mn`` not recorded (the reject queue was full): ``errors["rejects_dropped"]``."""
        c = self._get(mn)
        c.errors["rejects_dropped"] = c.errors.get("rejects_dropped", 0) + count


class RejectQueue:
    """The rejects waiting for the next flush, at most ``maxlen``; beyond, a reject is only
    counted (:attr:`dropped` since the last :meth:`drain`, :attr:`dropped_total` ever)."""

    def __init__(self, maxlen: int, status: StatusBook | None = None) -> None:
        self.maxlen = maxlen
        self.status = status
        self._items: list[RejectRecord] = []
        self.dropped = 0
        self.dropped_total = 0

    def append(self, record: RejectRecord) -> None:
        if len(self._items) < self.maxlen:
            self._items.append(record)
            return
        self.dropped += 1
        self.dropped_total += 1
        if self.status is not None and record["mn"]:
            self.status.dropped(record["mn"])

    def __len__(self) -> int:
        return len(self._items)

    def drain(self) -> tuple[list[RejectRecord], int]:
        """(the queued rejects, how many were dropped since the last drain); both reset."""
        items, dropped = self._items, self.dropped
        self._items, self.dropped = [], 0
        return items, dropped


@dataclass(frozen=True, slots=True)
class ListenerLimits:
    """What one peer may cost the listener (``QINGSHAN_HJ212_*`` settings)."""

    max_connections: int = 10_000
    max_connections_per_address: int = 256
    idle_timeout: float = 900.0  # [s] without a byte
    max_garbage_bytes: int = 64 * 1024  # bytes received since the last valid frame
    max_bad_frames: int = 16  # rejected frames (or framing errors) since the last valid frame


@dataclass
class ListenerStats:
    connections: int = 0
    frames: int = 0
    journaled: int = 0
    acked: int = 0
    rejected: int = 0
    refused: int = 0  # connections over the caps, closed at once
    closed_garbage: int = 0  # closed after too many bytes or frames without a valid one
    closed_idle: int = 0


class CommandHook(Protocol):
    """Where the answers to the platform's commands go (a
    :class:`~qingshan.hj212.commands.CommandBook`): every valid frame of an MN in ``waiting``."""

    @property
    def waiting(self) -> Container[str]: ...

    def observe(self, packet: Packet, now: datetime) -> None: ...


def _mn_of(frame: bytes) -> str | None:
    at = frame.find(b"MN=")
    if at < 0:
        return None
    end = frame.find(b";", at)
    return frame[at + 3 : end if end > 0 else at + 35][:32].decode("utf-8", "replace")


class Listener:
    """asyncio TCP server for data loggers.

    Parameters
    ----------
    journal : Journal
        Started journal (:meth:`Journal.start`); answers wait for its fsync.
    devices : mapping of MN to DeviceAuth
        The device table; may be replaced through :attr:`devices` while running.
    on_reject : callable, optional
        Called with a dict (received_at, mn, peer, reason, message, frame) per rejected frame.
    limits : ListenerLimits, optional
        Connection caps, idle timeout and the garbage budget of a connection.
    """

    def __init__(
        self,
        journal: Journal,
        devices: Mapping[str, DeviceAuth],
        on_reject: Callable[[RejectRecord], None] | None = None,
        limits: ListenerLimits | None = None,
    ) -> None:
        self.journal = journal
        journal.on_commit = self._committed
        self.devices = devices
        self.on_reject = on_reject
        self.limits = limits or ListenerLimits()
        self.status = StatusBook()
        self.stats = ListenerStats()
        self._server: asyncio.Server | None = None
        self._conns: set[_Connection] = set()
        self._per_address: Counter[str] = Counter()
        #: the platform's commands: answers go to it, requests go out by :meth:`send_to`
        self.commands: CommandHook | None = None
        self._by_mn: dict[str, _Connection] = {}  # the live connection of each MN
        self._sweeper: asyncio.Task[None] | None = None
        self._reported = (0, 0, 0)
        self._log_window = 0.0
        self._logged = 0

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(
        self, host: str = "127.0.0.1", port: int = 9212, *, reuse_port: bool = False
    ) -> None:
        """Listen on ``host:port``; ``reuse_port`` (``SO_REUSEPORT``) lets several listener
        processes share the port, the kernel spreading new connections among them."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self), host, port, reuse_address=True, backlog=4096,
            reuse_port=reuse_port or None,
        )  # fmt: skip
        self._sweeper = loop.create_task(self._sweep(), name="hj212-idle")

    async def _sweep(self) -> None:
        """Close idle connections; log what the limits did since the last round."""
        period = max(0.05, min(self.limits.idle_timeout / 4, 10.0))
        while True:
            await asyncio.sleep(period)
            self.close_idle(time.monotonic())
            self._report()

    def close_idle(self, now: float) -> int:
        """Close the connections silent for ``idle_timeout`` s at monotonic time ``now``."""
        cutoff = now - self.limits.idle_timeout
        idle = [c for c in self._conns if c.last_active < cutoff]
        for conn in idle:
            conn.close()
        self.stats.closed_idle += len(idle)
        return len(idle)

    def _report(self) -> None:
        s = self.stats
        now = (s.refused, s.closed_garbage, s.closed_idle)
        if now != self._reported:
            refused, garbage, idle = (a - b for a, b in zip(now, self._reported, strict=True))
            log.warning(
                "HJ 212 limits: %d connections refused over the caps, %d closed without a "
                "valid frame, %d closed idle",
                refused, garbage, idle,
            )  # fmt: skip
            self._reported = now

    async def stop(self) -> None:
        """Stop accepting, close every connection (answers already queued are sent)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            try:
                await self._sweeper
            except asyncio.CancelledError:
                pass
            self._sweeper = None
            self._report()
        if self._server is not None:
            self._server.close()
            for conn in list(self._conns):
                conn.close()
            await self._server.wait_closed()
            self._server = None

    # ------------------------------------------------------------------ per frame
    def reject(self, mn: str | None, peer: str, exc: HJ212Error, frame: bytes | None) -> None:
        self.stats.rejected += 1
        if mn:
            self.status.error(mn, exc.reason)
        now = time.monotonic()
        if now - self._log_window >= 1.0:
            self._log_window, self._logged = now, 0
        if self._logged < LOG_REJECTS_PER_SECOND:  # a flood does not become a flood of lines
            self._logged += 1
            log.info("rejected frame from %s MN=%s: %s", peer, mn, exc.message)
        if self.on_reject is not None:
            self.on_reject(
                RejectRecord(
                    received_at=datetime.now(UTC), mn=mn, peer=peer,
                    reason=exc.reason, message=exc.message[:500],
                    frame=None if frame is None else frame[:2000].decode("utf-8", "backslashreplace"),
                )
            )  # fmt: skip

    def handle(self, conn: _Connection, frame: bytes, now: datetime, now_us: int) -> bool:
        """One frame: check it (frame, CRC, header, CP — the CP is only checked here; the
        journal keeps the frame and ingest parses the CP), authenticate, journal, answer.
        Returns whether the frame was valid (accepted from a known, enabled device)."""
        self.stats.frames += 1
        try:
            packet = parse(frame, ALL_VARIANTS, cp=False)
        except HJ212Error as exc:
            frame, found, exc = self._plaintext(frame, exc)
            if found is None:
                self.reject(_mn_of(frame), conn.peer, exc, frame)
                return False
            packet = found
        device = self.devices.get(packet.mn or "")
        if device is None or not device.enabled:
            what = "unknown" if device is None else "disabled"
            err: HJ212Error = AuthenticationError(
                f"{what} device MN={packet.mn}", packet=frame, clause="6.3.2 Table 3"
            )
            self.reject(packet.mn, conn.peer, err, frame)
            return False
        if packet.pw != device.password:
            err = AuthenticationError(
                f"wrong PW for MN={packet.mn}", packet=frame, clause="6.3.2 Table 3"
            )
            self.reject(packet.mn, conn.peer, err, frame)
            return False
        if packet.crc_variant not in device.variants:
            err = CRCMismatchError(
                f"CRC is {packet.crc_variant}, not enabled for MN={packet.mn}",
                packet=frame,
                clause="Appendix A",
            )
            self.reject(packet.mn, conn.peer, err, frame)
            return False
        self.status.seen(packet, conn.peer, now)
        if conn.mn != packet.mn:  # this connection is where the MN's commands go
            conn.mn, conn.st = packet.mn, packet.st
            self._by_mn[device.mn] = conn
        hook = self.commands
        if hook is not None and packet.mn in hook.waiting:
            hook.observe(packet, now)
        cn = packet.cn
        variant = packet.crc_variant or CrcVariant.HJ212
        if cn in NOT_JOURNALED:
            if cn == "9015" and packet.flag.ack_needed:
                conn.write(data_answer(packet, variant))
            return True
        if cn in NOTIFY_CNS:
            conn.write(notify_answer(packet, variant))
            return True
        self.stats.journaled += 1
        if packet.flag & 1 and answers_with_data(cn):  # sent by _committed after the fsync
            self.journal.append(frame, now_us, (conn, data_answer(packet, variant)))
        else:
            self.journal.append(frame, now_us)
        return True

    def _plaintext(self, frame: bytes, exc: HJ212Error) -> tuple[bytes, Packet | None, HJ212Error]:
        """(frame, packet, error) of a frame that did not parse: decrypted with its device's
        SM4 key (HJ 212-2025 §6.4.2) when the device has one — the plaintext frame is what is
        checked, journaled and answered — else the frame as it came and ``exc``."""
        device = self.devices.get(_mn_of(frame) or "")
        if device is None or device.key is None:
            return frame, None, exc
        try:
            plain = decrypt_frame(frame, device.key)
            return plain, parse(plain, ALL_VARIANTS, cp=False), exc
        except HJ212Error as err:
            return (
                frame,
                None,
                DecryptionError(
                    f"not a valid frame once SM4-decrypted with the key of MN={device.mn} (a wrong "
                    f"key?): {err.message}",
                    packet=frame,
                    clause="HJ 212-2025 6.4.2",
                ),
            )

    def send_to(self, mn: str, frame: bytes) -> bool:
        """Write a platform request to the live connection of ``mn``; False if there is none."""
        conn = self._by_mn.get(mn)
        return conn is not None and conn.write(frame)

    def station_of(self, mn: str) -> str | None:
        """The ST of the last frame on ``mn``'s live connection (a request is sent with it)."""
        conn = self._by_mn.get(mn)
        return None if conn is None else conn.st

    def _committed(self, acks: list[tuple[_Connection, bytes]]) -> None:
        """The journal fsynced a batch: send its answers (to connections still open)."""
        sent = 0
        for conn, answer in acks:
            transport = conn.transport
            if conn.open and transport is not None:
                transport.write(answer)
                sent += 1
        self.stats.acked += sent


class _Connection(asyncio.Protocol):
    __slots__ = ("server", "reader", "transport", "peer", "address", "open", "counted",
                 "last_active", "garbage_bytes", "bad_frames", "mn", "st")  # fmt: skip

    def __init__(self, server: Listener) -> None:
        self.server = server
        self.reader = FrameReader()
        self.transport: asyncio.Transport | None = None
        self.peer = "?"
        self.address = "?"
        self.open = False
        self.counted = False  # in the listener's connection counts
        self.last_active = time.monotonic()
        self.garbage_bytes = 0  # received since the last valid frame
        self.bad_frames = 0  # rejected frames and framing errors since the last valid frame
        self.mn: str | None = None  # the MN of its last valid frame, and that frame's ST
        self.st: str | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a stream server's transport
        info = transport.get_extra_info("peername")
        self.peer = f"{info[0]}:{info[1]}" if info else "?"
        self.address = str(info[0]) if info else "?"
        server = self.server
        limits = server.limits
        if (
            len(server._conns) >= limits.max_connections
            or server._per_address[self.address] >= limits.max_connections_per_address
        ):
            server.stats.refused += 1
            self.transport.abort()  # over the caps: no read, no answer, no reject row
            return
        self.open = True
        self.counted = True
        server._conns.add(self)
        server._per_address[self.address] += 1
        server.stats.connections += 1

    def data_received(self, data: bytes) -> None:
        if not self.open:
            return
        reader = self.reader.feed(data)
        self.last_active = time.monotonic()
        now_us = time.time_ns() // 1000
        now = datetime.fromtimestamp(now_us / 1e6, UTC)
        server = self.server
        handle = server.handle
        limits = server.limits
        garbage = self.garbage_bytes + len(data)
        bad = self.bad_frames
        for frame in reader:
            if handle(self, frame, now, now_us):
                garbage, bad = reader.pending, 0  # a valid frame: the budget starts again
            else:
                bad += 1
                if bad >= limits.max_bad_frames:
                    break  # the rest of this read is not looked at: the connection closes
        if reader.errors:
            bad += len(reader.errors)
            for exc in reader.errors[: max(0, limits.max_bad_frames - self.bad_frames)]:
                server.reject(None, self.peer, exc, None)
            reader.errors.clear()
        self.garbage_bytes, self.bad_frames = garbage, bad
        if garbage > limits.max_garbage_bytes or bad >= limits.max_bad_frames:
            server.stats.closed_garbage += 1
            log.info(
                "closed %s: %d bytes and %d rejected frames without a valid frame",
                self.peer, garbage, bad,
            )  # fmt: skip
            self.open = False  # no more reads, rejects or answers for it
            if self.transport is not None:
                self.transport.close()

    def write(self, data: bytes) -> bool:
        if not self.open or self.transport is None:
            return False
        self.transport.write(data)
        return True

    def close(self) -> None:
        if self.open and self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self.mn is not None and self.server._by_mn.get(self.mn) is self:
            del self.server._by_mn[self.mn]
        if self.counted:
            self.counted = False
            server = self.server
            server._conns.discard(self)
            left = server._per_address[self.address] - 1
            if left > 0:
                server._per_address[self.address] = left
            else:
                del server._per_address[self.address]
