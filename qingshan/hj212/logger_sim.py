"""Simulated data loggers (数采仪): real-time, minute and hourly HJ 212-2017 packets over TCP.

Values are plausible for the outlet or station type, with data flags (mostly N, now and then
M/C/D), reconnects after a dropped link, and optional faults (bad CRC, garbage bytes, a slow
link). A logger answers the platform's requests as HJ 212-2017 §6.1 and Appendix C describe
(9011, then the response or the history data, then 9012; 9013 to a notification), and with a
key (HJ 212-2025 §6.4.2) it encrypts its data areas and decrypts the platform's.
:func:`build_packet` and :func:`answer_request` are pure (they take the time and a random
generator); :class:`SimLogger` does the I/O. :func:`run_load` drives many loggers at a fixed
rate for load tests.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from qingshan.hj212.codec import Packet, encode, encode_segment, parse
from qingshan.hj212.cp import format_time, parse_time
from qingshan.hj212.crc import CrcVariant
from qingshan.hj212.errors import HJ212Error
from qingshan.hj212.framing import FrameReader
from qingshan.hj212.sm4 import decrypt_frame, encrypt_frame, needs_encryption

#: typical factors and (mean, relative spread) per ST system code (Appendix B)
PROFILES: dict[str, dict[str, tuple[float, float]]] = {
    "31": {"a21026": (35.0, 0.3), "a21002": (80.0, 0.25), "a34013": (8.0, 0.4),
           "a19001": (9.5, 0.1), "a01012": (55.0, 0.05), "a00000": (120.0, 0.1)},
    "32": {"w01018": (40.0, 0.3), "w21003": (3.0, 0.4), "w01001": (7.2, 0.03),
           "w00000": (15.0, 0.2)},
    "22": {"a34004": (35.0, 0.5), "a34002": (60.0, 0.4), "a21026": (8.0, 0.4),
           "a21004": (30.0, 0.4), "a05024": (90.0, 0.4), "a21005": (0.7, 0.3)},
    "21": {"w01001": (7.5, 0.03), "w01009": (7.0, 0.15), "w01019": (3.5, 0.3),
           "w21003": (0.4, 0.5), "w21011": (0.12, 0.4)},
}  # fmt: skip
_FLAGS = ("N",) * 96 + ("M", "C", "D", "F")


@dataclass
class LoggerSpec:
    mn: str
    password: str
    st: str = "31"
    codes: dict[str, tuple[float, float]] = field(default_factory=dict)
    crc: CrcVariant = CrcVariant.HJ212
    version: int = 1
    key: bytes | None = None  # SM4 key: data areas of 2xxx frames encrypted (HJ 212-2025)

    def __post_init__(self) -> None:
        if not self.codes:
            self.codes = PROFILES.get(self.st, PROFILES["31"])


def build_packet(
    spec: LoggerSpec, cn: str, data_time: datetime, rng: random.Random, *,
    ack: bool = True, qn_time: datetime | None = None, seq: int = 0,
) -> bytes:  # fmt: skip
    """One data frame (2011 real-time, 2051 minute, 2061 hourly, 2031 daily) for ``spec``.

    ``data_time`` is the sampling instant (2011) or the start of the period (UTC); QN is the
    send time with milliseconds, made unique per logger by ``seq``.
    """
    qn_base = (qn_time or data_time).astimezone(UTC) + timedelta(milliseconds=seq % 1000)
    suffix = "Rtd" if cn == "2011" else "Avg"
    groups: list[dict[str, object]] = [{"DataTime": format_time(data_time)}]
    for code, (mean, spread) in spec.codes.items():
        value = max(0.0, rng.gauss(mean, mean * spread))
        group: dict[str, object] = {}
        if cn != "2011":
            group[f"{code}-Min"] = round(value * 0.8, 3)
        group[f"{code}-{suffix}"] = round(value, 3)
        if cn != "2011":
            group[f"{code}-Max"] = round(value * 1.2, 3)
        group[f"{code}-Flag"] = rng.choice(_FLAGS)
        groups.append(group)
    segment = encode_segment(
        qn=format_time(qn_base, millis=True), st=spec.st, cn=cn, pw=spec.password, mn=spec.mn,
        flag=(spec.version << 2) | (1 if ack else 0), cp=groups,
    )  # fmt: skip
    return _seal(spec, cn, encode(segment, spec.crc))


def _seal(spec: LoggerSpec, cn: str, frame: bytes) -> bytes:
    """The frame as the logger sends it: encrypted if it has a key and ``cn`` is encrypted."""
    if spec.key is not None and needs_encryption(cn):
        return encrypt_frame(frame, spec.key)
    return frame


@dataclass
class CommandBehaviour:
    """How a simulated logger treats the platform's requests: ``ignore`` the first n (no
    answer at all, as over a lost link), answer 9011 with ``qn_rtn``, end with 9012 ``exe_rtn``
    (None: never) after ``delay`` seconds; ``clock_offset`` [s] is its clock minus the real
    time."""

    ignore: int = 0
    qn_rtn: int = 1
    exe_rtn: int | None = 1
    delay: float = 0.0
    clock_offset: float = 0.0


#: the history CNs a logger answers with one upload per period, and the period's step
_HISTORY = {"2051": timedelta(minutes=1), "2061": timedelta(hours=1), "2031": timedelta(days=1),
            "2011": timedelta(seconds=30)}  # fmt: skip


def answer_request(
    spec: LoggerSpec,
    request: Packet,
    now: datetime,
    rng: random.Random,
    behaviour: CommandBehaviour | None = None,
) -> tuple[list[bytes], list[bytes]]:
    """A logger's answer to a platform request (HJ 212-2017 §6.1, App. C.1–C.22):
    (the request answer 9011 — or 9013 to the notification 2012 —, then the response or
    history uploads and the execution result 9012). ``request`` is parsed with its CP."""
    b = behaviour or CommandBehaviour()
    flag = spec.version << 2

    def frame(cn: str, cp: dict[str, object], st: str = "91", qn: str | None = None) -> bytes:
        segment = encode_segment(qn=qn or request.qn, st=st, cn=cn, pw=spec.password,
                                 mn=spec.mn, flag=flag, cp=cp)  # fmt: skip
        return _seal(spec, cn, encode(segment, spec.crc))

    cn, fields = request.cn or "", request.fields
    if cn == "2012":
        return [frame("9013", {})], []
    first = [frame("9011", {"QnRtn": b.qn_rtn})]
    if b.qn_rtn != 1:
        return first, []
    then: list[bytes] = []
    exe = b.exe_rtn
    clock = now + timedelta(seconds=b.clock_offset)
    if cn == "1011":
        then.append(frame("1011", {"SystemTime": format_time(clock)}, st=spec.st))
    elif cn in _HISTORY and "BeginTime" in fields and "EndTime" in fields:
        t, end = (
            parse_time(fields["BeginTime"], "BeginTime"),
            parse_time(fields["EndTime"], "EndTime"),
        )
        seq = 0
        while t <= end and t <= now:
            seq += 1
            then.append(build_packet(spec, cn, t, rng, ack=False, qn_time=now, seq=seq))
            t += _HISTORY[cn]
        if not then and exe == 1:
            exe = 100  # 没有数据 (Table 6)
    if exe is None:
        return first, then
    return first, [*then, frame("9012", {"ExeRtn": exe})]


def corrupt(frame: bytes, kind: str, rng: random.Random) -> bytes:
    """A fault: ``bad_crc`` (last CRC digit changed), ``garbage`` (noise before the frame)."""
    if kind == "bad_crc":
        digit = frame[-3:-2]
        return frame[:-3] + (b"0" if digit != b"0" else b"1") + frame[-2:]
    if kind == "garbage":
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))) + frame
    return frame


@dataclass
class SimStats:
    sent: int = 0
    acked: int = 0
    reconnects: int = 0
    latencies: list[float] = field(default_factory=list)  # [s]
    requests: list[str] = field(default_factory=list)  # the CN of each platform request


class SimLogger:
    """One simulated logger: sends real-time data every ``rtd_interval`` seconds, minute data
    after each minute and hourly data after each hour, and waits for each 9014 answer
    (10 s timeout, §6.4 Table 1), reconnecting with back-off when the link drops. It answers
    the platform's requests (:func:`answer_request`, as ``commands`` says)."""

    def __init__(
        self, spec: LoggerSpec, host: str, port: int, *, rtd_interval: float = 30.0,
        faults: float = 0.0, slow: bool = False, seed: int | None = None,
        commands: CommandBehaviour | None = None,
    ) -> None:  # fmt: skip
        self.spec = spec
        self.host, self.port = host, port
        self.rtd_interval = rtd_interval
        self.faults = faults
        self.slow = slow
        self.rng = random.Random(seed if seed is not None else hash(spec.mn))
        self.stats = SimStats()
        self.commands = commands or CommandBehaviour()
        self._seq = 0
        self._acks: asyncio.Queue[bytes] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()

    def _due(self, now: datetime, last: datetime | None) -> list[tuple[str, datetime]]:
        out = [("2011", now.replace(microsecond=0))]
        minute = now.replace(second=0, microsecond=0)
        if last is not None and minute > last.replace(second=0, microsecond=0):
            out.append(("2051", minute - timedelta(minutes=1)))
            hour = minute.replace(minute=0)
            if hour > last.replace(minute=0, second=0, microsecond=0):
                out.append(("2061", hour - timedelta(hours=1)))
        return out

    async def run(self, stop: asyncio.Event) -> None:
        last: datetime | None = None
        backoff = 1.0
        while not stop.is_set():
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), 10
                )
            except (OSError, TimeoutError):
                await _sleep(stop, backoff)
                backoff = min(backoff * 2, 60)
                continue
            backoff = 1.0
            self._acks = asyncio.Queue()
            rx = asyncio.create_task(self._receive(reader, writer))
            try:
                while not stop.is_set():
                    now = datetime.now(UTC)
                    for cn, when in self._due(now, last):
                        await self._send(reader, writer, cn, when, now)
                    last = now
                    await _sleep(stop, self.rtd_interval)
            except (OSError, TimeoutError, asyncio.IncompleteReadError):
                self.stats.reconnects += 1
            finally:
                for task in (rx, *self._tasks):
                    task.cancel()
                await asyncio.gather(rx, *self._tasks, return_exceptions=True)
                writer.close()
                try:
                    await writer.wait_closed()
                except OSError:
                    pass

    async def _send(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        cn: str,
        when: datetime,
        now: datetime,
    ) -> None:
        self._seq += 1
        frame = build_packet(self.spec, cn, when, self.rng, qn_time=now, seq=self._seq)
        fault = self.faults and self.rng.random() < self.faults
        if fault:
            frame = corrupt(frame, self.rng.choice(("bad_crc", "garbage")), self.rng)
        if self.slow:
            for i in range(0, len(frame), 16):
                writer.write(frame[i : i + 16])
                await writer.drain()
                await asyncio.sleep(0.01)
        else:
            writer.write(frame)
        t0 = time.perf_counter()
        self.stats.sent += 1
        if fault and frame.startswith(b"##") and frame[-3:-2] != b"\r":
            return  # a bad frame gets no answer
        await asyncio.wait_for(self._acks.get(), 10)
        self.stats.acked += 1
        self.stats.latencies.append(time.perf_counter() - t0)

    async def _receive(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read the platform's frames: answers (9013/9014) for :meth:`_send`, requests to
        :meth:`_request`."""
        frames = FrameReader()
        while True:
            data = await reader.read(65536)
            if not data:
                return
            for raw in frames.feed(data):
                try:
                    packet = parse(self._plain(raw), {self.spec.crc})
                except HJ212Error:
                    continue
                if packet.cn in ("9013", "9014"):
                    self._acks.put_nowait(raw)
                elif packet.st != "91":
                    task = asyncio.create_task(self._request(packet, writer))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)

    def _plain(self, frame: bytes) -> bytes:
        if self.spec.key is None or b"CP=&&" not in frame:
            return frame
        try:
            parse(frame, {self.spec.crc}, cp=False)
            return frame
        except HJ212Error:
            return decrypt_frame(frame, self.spec.key)

    async def _request(self, request: Packet, writer: asyncio.StreamWriter) -> None:
        self.stats.requests.append(request.cn or "")
        if self.commands.ignore > 0:
            self.commands.ignore -= 1
            return
        first, then = answer_request(self.spec, request, datetime.now(UTC), self.rng,
                                     self.commands)  # fmt: skip
        for frame in first:
            writer.write(frame)
        if self.commands.delay:
            await asyncio.sleep(self.commands.delay)
        for frame in then:
            writer.write(frame)
            await writer.drain()
        if request.cn == "1012" and "SystemTime" in request.fields:
            told = parse_time(request.fields["SystemTime"], "SystemTime")
            self.commands.clock_offset = (told - datetime.now(UTC)).total_seconds()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass


def make_specs(count: int, prefix: str = "SIM", password: str = "123456") -> list[LoggerSpec]:
    """``count`` logger specs with MNs ``<prefix>000001…``, alternating stack and outfall."""
    sts = ("31", "32", "22", "21")
    return [
        LoggerSpec(mn=f"{prefix}{i:06d}", password=password, st=sts[i % 4]) for i in range(count)
    ]


async def run_load(
    host: str, port: int, specs: list[LoggerSpec], *, rate: float, duration: float,
    cn: str = "2011",
) -> dict[str, float]:  # fmt: skip
    """Open-loop load: every logger sends ``rate`` packets/s for ``duration`` s on its own
    connection and the answers are timed. Frames are built before the clock starts.

    Returns
    -------
    dict
        sent, acked, elapsed [s], acked_per_s (acks over first send → last ack), p50_ms,
        p99_ms, errors.
    """
    rng = random.Random(1)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    per = max(1, int(rate * duration))
    frames = {
        s.mn: [build_packet(s, cn, base + timedelta(seconds=k), rng, seq=k) for k in range(per)]
        for s in specs
    }  # fmt: skip
    latencies: list[float] = []
    counts = {"sent": 0, "acked": 0, "errors": 0}
    marks = {"first_send": float("inf"), "last_ack": 0.0}

    async def one(spec: LoggerSpec, offset: float) -> None:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            counts["errors"] += 1
            return
        sent_at: list[float] = []

        async def receive() -> None:
            k = 0
            while k < per:
                await reader.readuntil(b"\r\n")
                now = time.perf_counter()
                latencies.append(now - sent_at[k])
                marks["last_ack"] = max(marks["last_ack"], now)
                counts["acked"] += 1
                k += 1

        rx = asyncio.create_task(receive())
        try:
            await asyncio.sleep(offset)
            start = time.perf_counter()
            for k, frame in enumerate(frames[spec.mn]):
                delay = start + k / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent_at.append(time.perf_counter())
                marks["first_send"] = min(marks["first_send"], sent_at[-1])
                writer.write(frame)
                counts["sent"] += 1
            await asyncio.wait_for(rx, 60)
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            counts["errors"] += 1
            rx.cancel()
            await asyncio.gather(rx, return_exceptions=True)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass

    t0 = time.perf_counter()
    await asyncio.gather(*(one(s, i / len(specs) / rate) for i, s in enumerate(specs)))
    elapsed = time.perf_counter() - t0
    latencies.sort()

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3
            if latencies
            else float("nan")
        )

    busy = max(marks["last_ack"] - marks["first_send"], 1e-9)
    return {
        **counts, "elapsed": elapsed, "acked_per_s": counts["acked"] / busy,
        "p50_ms": pct(0.50), "p99_ms": pct(0.99),
    }  # fmt: skip
