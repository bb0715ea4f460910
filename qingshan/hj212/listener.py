"""The HJ 212 TCP listener: frames in, device auth, journal (fsync) and then the answer.

For each frame (HJ 212-2017 §6.1–6.5): parse; look the MN up in the device table; check PW and
the device's CRC variant; append the frame to the :class:`~qingshan.hj212.journal.Journal` and,
only once the journal has fsynced it, send the 9014 data answer if the packet asked for one
(Flag A = 1). Notifications (1013, 2012, 2022) get a 9013 answer. Rejected frames (bad frame,
unknown MN, wrong PW, CRC variant not enabled) are never journaled: they go to ``on_reject``
with the reason, and the device gets no answer, so it keeps its data and sends it again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from qingshan.hj212.codec import Packet, data_answer, notify_answer, parse
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.errors import AuthenticationError, CRCMismatchError, HJ212Error
from qingshan.hj212.framing import FrameReader
from qingshan.hj212.journal import Journal
from qingshan.hj212.registry import DeviceAuth, RejectRecord, StatusDelta

log = logging.getLogger("qingshan.hj212.listener")

ALL_VARIANTS = frozenset(CrcVariant)
#: notifications answered with 9013 (Table 9)
NOTIFY_CNS = frozenset({"1013", "2012", "2022"})
#: answers and heartbeats: counted, not journaled
NOT_JOURNALED = frozenset({"9011", "9012", "9013", "9014", "9015"})


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


@dataclass
class ListenerStats:
    connections: int = 0
    frames: int = 0
    journaled: int = 0
    acked: int = 0
    rejected: int = 0


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
    """

    def __init__(
        self,
        journal: Journal,
        devices: Mapping[str, DeviceAuth],
        on_reject: Callable[[RejectRecord], None] | None = None,
    ) -> None:
        self.journal = journal
        journal.on_commit = self._committed
        self.devices = devices
        self.on_reject = on_reject
        self.status = StatusBook()
        self.stats = ListenerStats()
        self._server: asyncio.Server | None = None
        self._conns: set[_Connection] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self, host: str = "127.0.0.1", port: int = 9212) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self), host, port, reuse_address=True, backlog=4096
        )

    async def stop(self) -> None:
        """Stop accepting, close every connection (answers already queued are sent)."""
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
        log.info("rejected frame from %s MN=%s: %s", peer, mn, exc.message)
        if self.on_reject is not None:
            self.on_reject(
                RejectRecord(
                    received_at=datetime.now(UTC), mn=mn, peer=peer,
                    reason=exc.reason, message=exc.message[:500],
                    frame=None if frame is None else frame[:2000].decode("utf-8", "replace"),
                )
            )  # fmt: skip

    def handle(self, conn: _Connection, frame: bytes, now: datetime, now_us: int) -> None:
        """One frame: check it (frame, CRC, header, CP — the CP is only checked here; the
        journal keeps the frame and ingest parses the CP), authenticate, journal, answer."""
        self.stats.frames += 1
        try:
            packet = parse(frame, ALL_VARIANTS, cp=False)
        except HJ212Error as exc:
            self.reject(_mn_of(frame), conn.peer, exc, frame)
            return
        device = self.devices.get(packet.mn or "")
        if device is None or not device.enabled:
            what = "unknown" if device is None else "disabled"
            err: HJ212Error = AuthenticationError(
                f"{what} device MN={packet.mn}", packet=frame, clause="6.3.2 Table 3"
            )
            return self.reject(packet.mn, conn.peer, err, frame)
        if packet.pw != device.password:
            err = AuthenticationError(
                f"wrong PW for MN={packet.mn}", packet=frame, clause="6.3.2 Table 3"
            )
            return self.reject(packet.mn, conn.peer, err, frame)
        if packet.crc_variant not in device.variants:
            err = CRCMismatchError(
                f"CRC is {packet.crc_variant}, not enabled for MN={packet.mn}",
                packet=frame,
                clause="Appendix A",
            )
            return self.reject(packet.mn, conn.peer, err, frame)
        self.status.seen(packet, conn.peer, now)
        cn = packet.cn
        variant = packet.crc_variant or CrcVariant.HJ212
        if cn in NOT_JOURNALED:
            if cn == "9015" and packet.flag.ack_needed:
                conn.write(data_answer(packet, variant))
            return
        if cn in NOTIFY_CNS:
            conn.write(notify_answer(packet, variant))
            return
        self.stats.journaled += 1
        if packet.flag & 1:  # answer needed: sent by _committed once the batch is fsynced
            self.journal.append(frame, now_us, (conn, data_answer(packet, variant)))
        else:
            self.journal.append(frame, now_us)

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
    __slots__ = ("server", "reader", "transport", "peer", "open")

    def __init__(self, server: Listener) -> None:
        self.server = server
        self.reader = FrameReader()
        self.transport: asyncio.Transport | None = None
        self.peer = "?"
        self.open = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # a stream server's transport
        info = transport.get_extra_info("peername")
        self.peer = f"{info[0]}:{info[1]}" if info else "?"
        self.open = True
        self.server._conns.add(self)
        self.server.stats.connections += 1

    def data_received(self, data: bytes) -> None:
        reader = self.reader.feed(data)
        now_us = time.time_ns() // 1000
        now = datetime.fromtimestamp(now_us / 1e6, UTC)
        handle = self.server.handle
        for frame in reader:
            handle(self, frame, now, now_us)
        if reader.errors:
            for exc in reader.errors:
                self.server.reject(None, self.peer, exc, None)
            reader.errors.clear()

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
        self.server._conns.discard(self)
