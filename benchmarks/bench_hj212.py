"""HJ 212 intake benchmarks.

1. Codec: packets/s of :func:`qingshan.hj212.codec.parse` (frame, length, Appendix A CRC, all
   fields) on a mixed corpus, against a plain regular-expression parser written here (the way
   HJ 212 parsers are usually written: one regex for the frame, ``split`` for the fields, the
   Appendix A CRC as a per-byte loop). Goal ≥ 50,000 packets/s with the CRC checked.
2. Listener: sustained acknowledged packets/s and p50/p99 answer latency with 2,000 simulated
   loggers on loopback (open loop, fixed rate each), journal fsynced before every answer. The
   listener runs as ``qingshan listen`` in its own process. Goal ≥ 10,000/s, p99 < 50 ms; the
   ``peer`` column holds the goal.
3. Listener under a garbage flood (issue 9, item 12): the same loggers' p99 while 4 connections
   from another process send garbage as fast as they can (random bytes and frames with a bad
   CRC, reconnecting whenever the listener closes them). ``BENCH_HJ212_FLOOD=0`` skips it.
4. Listener on a busy machine (issue 10): the same loggers while ``BENCH_HJ212_HOGS`` processes
   (default: twice the cores) spin on the CPU at the listener's priority — the foreign load —
   once with one listener process and once with ``BENCH_HJ212_PROCESSES`` (default 4) sharing
   the port (``qingshan listen --processes``, ``SO_REUSEPORT``); ``BENCH_HJ212_ROUNDS`` rounds
   alternate the two. ``BENCH_HJ212_BUSY=0`` skips it; ``BENCH_HJ212_BUSY_RATE`` sets the rate
   per logger (default the same as 2.).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qingshan.hj212.codec import encode, encode_segment, parse
from qingshan.hj212.crc import _T
from qingshan.hj212.logger_sim import PROFILES, LoggerSpec, build_packet, make_specs


def corpus(n: int) -> list[bytes]:
    """A mixed corpus: real-time, minute and hourly data of stacks, outfalls and stations,
    2005-style packets, the Appendix A command and Chinese log text."""
    rng = random.Random(42)
    specs = [LoggerSpec(f"0100{i:020d}", "123456", st=st) for i, st in enumerate(PROFILES)]
    base = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for k in range(n):
        kind = k % 10
        spec = specs[k % len(specs)]
        if kind < 5:
            out.append(build_packet(spec, "2011", base + timedelta(seconds=30 * k), rng, seq=k))
        elif kind < 8:
            out.append(build_packet(spec, "2051", base + timedelta(minutes=k), rng, seq=k))
        elif kind == 8:
            out.append(build_packet(spec, "2061", base + timedelta(hours=k), rng, seq=k))
        else:
            out.append(
                encode(
                    encode_segment(
                        qn="20260101000000000", st="32", cn="3020", pw="123456", mn=spec.mn,
                        cp=f"DataTime=20260101000000;PolId=w01018;i11001-Info=//日志 {k}：仪器运行正常//",
                    )
                )
            )  # fmt: skip
    return out


_FRAME = re.compile(rb"^##(\d{4})(.*)([0-9A-Fa-f]{4})\r?\n?$", re.S)
_CP = re.compile(r"CP=&&(.*)&&$", re.S)


def crc_byte_loop(data: bytes) -> int:
    """Appendix A CRC as the usual table-driven per-byte loop."""
    reg = 0xFFFF
    for byte in data:
        reg = _T[(reg >> 8) ^ byte]
    return reg


def regex_parse(frame: bytes) -> dict:
    """The peer: a plain regex parser (frame regex, split fields, per-byte Appendix A CRC)."""
    m = _FRAME.match(frame)
    if m is None:
        raise ValueError("bad frame")
    body = m.group(2)
    if int(m.group(1)) != len(body) or crc_byte_loop(body) != int(m.group(3), 16):
        raise ValueError("bad length or CRC")
    text = body.decode("utf-8")
    cp = _CP.search(text)
    header = dict(item.split("=", 1) for item in text[: cp.start()].split(";") if item)
    values = {}
    for item in re.split(r"[;,]", cp.group(1)):
        if "=" in item:
            k, v = item.split("=", 1)
            values[k] = v
    header["CP"] = values
    return header


def _rate(fn, frames: list[bytes], seconds: float) -> float:
    """Packets per CPU second of this process (one core; robust to other load)."""
    count = 0
    t0 = time.process_time()
    while True:
        for f in frames:
            fn(f)
        count += len(frames)
        elapsed = time.process_time() - t0
        if elapsed >= seconds:
            return count / elapsed


def bench_codec(quick: bool) -> dict:
    frames = corpus(2000)
    for f in frames:  # both accept the whole corpus
        parse(f)
        regex_parse(f)
    seconds = 0.5 if quick else 3.0
    ours = _rate(parse, frames, seconds)
    peer = _rate(regex_parse, frames, seconds)
    return {
        "benchmark": "hj212 codec parse (CRC checked), mixed corpus",
        "ours": round(ours), "peer": round(peer), "unit": "packets/s",
        "ratio": round(ours / peer, 2),
    }  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def blast(host: str, port: int, frames: list[list[bytes]], rate: float) -> dict:
    """Open-loop load from pre-encoded frames: logger ``i`` sends ``frames[i][k]`` at
    ``start + i / (n * rate) + k / rate`` on its own connection. One thread, non-blocking
    sockets and epoll, no asyncio: a few µs per packet, so that the client measures the
    server, not itself. Latency = time the answer is read − time the frame was sent.

    Returns sent, acked, errors, acked_per_s (over first send → last answer), p50_ms, p99_ms.
    """
    import select
    from collections import deque

    n = len(frames)
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=30)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        socks.append(s)
    fds = {s.fileno(): i for i, s in enumerate(socks)}
    ep = select.epoll()
    for fd in fds:
        ep.register(fd, select.EPOLLIN)
    sent_at = [deque() for _ in range(n)]
    tails = [b""] * n
    per = len(frames[0])
    # the send schedule, sorted: (due time offset, logger)
    schedule = sorted(((i / (n * rate) + k / rate), i) for i in range(n) for k in range(per))
    nxt = [0] * n
    latencies: list[float] = []
    sent = acked = errors = 0
    clock = time.perf_counter
    start = clock() + 0.05
    j, total = 0, len(schedule)
    deadline = start + schedule[-1][0] + 30.0
    last_ack = 0.0
    while acked + errors < total:
        now = clock()
        if now > deadline:
            break
        while j < total and start + schedule[j][0] <= now:
            i = schedule[j][1]
            frame = frames[i][nxt[i]]
            nxt[i] += 1
            j += 1
            try:
                if socks[i].send(frame) != len(frame):
                    errors += 1  # loopback: a short send means the server stopped reading
                    continue
            except OSError:
                errors += 1
                continue
            sent_at[i].append(clock())
            sent += 1
        wait = 0.05 if j >= total else max(0.0, start + schedule[j][0] - clock())
        events = ep.poll(min(wait, 0.05))
        if not events:
            continue
        now = clock()
        for fd, _ev in events:
            i = fds[fd]
            try:
                data = socks[i].recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                ep.unregister(fd)
                errors += len(sent_at[i])
                sent_at[i].clear()
                continue
            if tails[i]:
                data = tails[i] + data
            lines = data.count(b"\n")
            tails[i] = data[data.rfind(b"\n") + 1 :]
            q = sent_at[i]
            for _ in range(lines):
                latencies.append(now - q.popleft())
            acked += lines
            last_ack = now
    ep.close()
    for s in socks:
        s.close()
    latencies.sort()

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3
            if latencies
            else float("nan")
        )

    busy = max(last_ack - start, 1e-9)
    return {"sent": sent, "acked": acked, "errors": total - acked,
            "acked_per_s": acked / busy, "p50_ms": pct(0.50), "p99_ms": pct(0.99)}  # fmt: skip


def _garbage(rng: random.Random) -> bytes:
    """1 MiB of abuse: random bytes and well-formed frames whose CRC is wrong."""
    bad = [f[:-6] + b"0000\r\n" for f in corpus(200)]
    out = bytearray()
    while len(out) < 1 << 20:
        out += rng.randbytes(4096) if rng.random() < 0.5 else rng.choice(bad)
    return bytes(out)


def flood(host: str, port: int, connections: int, stop, counters) -> None:
    """Send garbage on ``connections`` connections until ``stop`` is set (a process of its
    own); reconnect when the listener closes one. ``counters`` = [bytes sent, connections]."""
    import threading

    data = _garbage(random.Random(7))

    def one() -> None:
        rng = random.Random()
        while not stop.is_set():
            try:
                with socket.create_connection((host, port), timeout=2) as s:
                    with counters.get_lock():
                        counters[1] += 1
                    while not stop.is_set():
                        cut = rng.randrange(0, len(data) - (1 << 16))
                        s.sendall(data[cut : cut + (1 << 16)])
                        with counters.get_lock():
                            counters[0] += 1 << 16
            except OSError:
                time.sleep(0.01)

    threads = [threading.Thread(target=one, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _setup(loggers: int) -> tuple[Path, list[LoggerSpec], dict[str, str]]:
    """A data directory with a SQLite database holding ``loggers`` devices, each on an outlet;
    the environment of a listener on it."""
    from qingshan.db.engine import make_engine, session_scope
    from qingshan.db.migrate import upgrade
    from qingshan.geo.models import Region, RegionLevel
    from qingshan.hj212.registry import add_device
    from qingshan.monitoring.models import ControlLevel, Site, SiteKind

    root = Path(tempfile.mkdtemp(prefix="bench-hj212-"))
    engine = make_engine(f"sqlite:///{root / 'qingshan.db'}")
    upgrade(engine)
    specs = make_specs(loggers)
    with session_scope(engine) as s:
        s.add(Region(code="330000", name="浙江省", name_en="Zhejiang", level=RegionLevel.PROVINCE))
        s.flush()
        for spec in specs:
            site = Site(code=spec.mn, name=spec.mn, kind=SiteKind.GAS_OUTLET,
                        control_level=ControlLevel.ENTERPRISE, region_code="330000", attrs={})  # fmt: skip
            s.add(site)
            s.flush()
            add_device(s, spec.mn, spec.password, site=site.id)
    engine.dispose()
    env = {**os.environ, "QINGSHAN_DATA_DIR": str(root),
           "QINGSHAN_DATABASE_URL": f"sqlite:///{root / 'qingshan.db'}"}  # fmt: skip
    # every logger connects from 127.0.0.1 here: room for all of them and the flood
    env.setdefault("QINGSHAN_HJ212_MAX_CONNECTIONS_PER_ADDRESS", str(loggers + 64))
    return root, specs, env


def _listen(env: dict[str, str], port: int, processes: int = 1) -> subprocess.Popen:
    """``qingshan listen`` on ``port`` (``--processes`` when more than one), once it answers."""
    more = ["--processes", str(processes)] if processes > 1 else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "qingshan.cli", "listen", "--port", str(port), *more],
        env=env, stdout=subprocess.PIPE if more else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    if more:  # one line once every process listens
        assert proc.stdout is not None
        proc.stdout.readline()
        return proc
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return proc


def bench_listener(quick: bool) -> list[dict]:
    loggers = 200 if quick else 2000
    rate = float(os.environ.get("BENCH_HJ212_RATE", 5.5))  # per logger: 11,000/s offered
    duration = 2.0 if quick else float(os.environ.get("BENCH_HJ212_SECONDS", 10.0))
    root, specs, env = _setup(loggers)
    port = _free_port()
    proc = _listen(env, port)
    try:
        rng = random.Random(1)
        base = datetime(2026, 1, 1, tzinfo=UTC)
        per = max(1, int(rate * duration))
        frames = [
            [build_packet(s, "2011", base + timedelta(seconds=k), rng, seq=k) for k in range(per)]
            for s in specs
        ]
        spy = None
        if os.environ.get("BENCH_HJ212_PYSPY"):  # profile the listener: py-spy raw stacks
            spy = subprocess.Popen(
                ["py-spy", "record", "--subprocesses", "-r", "200", "-f", "raw", "-p", str(proc.pid),
                 "-o", os.environ["BENCH_HJ212_PYSPY"], "-d", str(int(duration) + 2)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(1.0)
        result = blast("127.0.0.1", port, frames, rate)
        if spy is not None:
            spy.wait(60)
        flooded = None
        if os.environ.get("BENCH_HJ212_FLOOD", "1") != "0":
            import multiprocessing as mp

            ctx = mp.get_context("spawn")
            stop, counters = ctx.Event(), ctx.Array("q", 2)
            attacker = ctx.Process(target=flood, args=("127.0.0.1", port, 4, stop, counters))
            attacker.start()
            time.sleep(1.0)  # the flood is on before the loggers start
            t0 = time.perf_counter()
            frames2 = [
                [build_packet(s, "2011", base + timedelta(seconds=per + k), rng, seq=per + k)
                 for k in range(per)]
                for s in specs
            ]  # fmt: skip
            flooded = blast("127.0.0.1", port, frames2, rate)
            elapsed = time.perf_counter() - t0
            stop.set()
            attacker.join(10)
            if attacker.is_alive():
                attacker.kill()
            flooded["flood_mb_s"] = counters[0] / elapsed / 1e6
            flooded["flood_connections"] = counters[1]
    finally:
        proc.terminate()
        proc.wait(120)
    label = (
        f"{loggers} loggers x {rate:g}/s for {duration:g} s (offered {loggers * rate:,.0f}/s), "
        "journal fsync before ack; "
        f"sent {result['sent']}, acked {result['acked']}, errors {result['errors']}"
    )
    goal = 10_000 if not quick else loggers * rate
    return [
        {"benchmark": f"hj212 listener acked packets/s ({label})",
         "ours": round(result["acked_per_s"]), "peer": round(goal), "unit": "packets/s (peer = goal)",
         "ratio": round(result["acked_per_s"] / goal, 2)},
        {"benchmark": "hj212 listener p50 ack latency", "ours": round(result["p50_ms"], 2),
         "peer": 50, "unit": "ms (peer = p99 goal)", "ratio": round(50 / max(result["p50_ms"], 1e-9), 2)},
        {"benchmark": "hj212 listener p99 ack latency", "ours": round(result["p99_ms"], 2),
         "peer": 50, "unit": "ms (peer = goal)", "ratio": round(50 / max(result["p99_ms"], 1e-9), 2)},
    ] + ([] if flooded is None else [
        {"benchmark": (f"hj212 listener p99 ack latency under a garbage flood (4 connections, "
                       f"{flooded['flood_mb_s']:.1f} MB/s offered, {flooded['flood_connections']} "
                       f"connections opened; acked {flooded['acked']}, errors {flooded['errors']})"),
         "ours": round(flooded["p99_ms"], 2), "peer": round(result["p99_ms"], 2),
         "unit": "ms (peer = without flood)",
         "ratio": round(result["p99_ms"] / max(flooded["p99_ms"], 1e-9), 2)},
    ])  # fmt: skip


def _hogs(count: int) -> list[subprocess.Popen]:
    """``count`` processes spinning on the CPU at the default priority (foreign load)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def _stop_all(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(30)


def bench_busy(quick: bool) -> list[dict]:
    """p99 under foreign CPU load: one listener process, then ``BENCH_HJ212_PROCESSES``."""
    loggers = 200 if quick else 2000
    rate = float(os.environ.get("BENCH_HJ212_BUSY_RATE", os.environ.get("BENCH_HJ212_RATE", 5.5)))
    duration = 2.0 if quick else float(os.environ.get("BENCH_HJ212_SECONDS", 10.0))
    hogs = int(os.environ.get("BENCH_HJ212_HOGS", 2 * (os.cpu_count() or 1)))
    many = int(os.environ.get("BENCH_HJ212_PROCESSES", 4))
    rounds = int(os.environ.get("BENCH_HJ212_ROUNDS", 1))
    rng = random.Random(2)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    per = max(1, int(rate * duration))
    out: list[dict] = []
    results: dict[int, list[dict]] = {1: [], many: []}
    for r in range(rounds):
        for processes in (1, many):
            root, specs, env = _setup(loggers)
            frames = [
                [build_packet(s, "2011", base + timedelta(seconds=r * per + k), rng, seq=k)
                 for k in range(per)]
                for s in specs
            ]  # fmt: skip
            port = _free_port()
            proc = _listen(env, port, processes)
            load = os.getloadavg()[0]
            spinning = _hogs(hogs)
            try:
                time.sleep(1.0)  # the foreign load is on before the loggers start
                got = blast("127.0.0.1", port, frames, rate)
            finally:
                _stop_all(spinning)
                proc.terminate()
                proc.wait(180)
                shutil.rmtree(root, ignore_errors=True)
            got["load"] = load
            results[processes].append(got)
    for processes, runs in results.items():
        for got in runs:
            out.append({
                "benchmark": (f"hj212 listener p99 under foreign load ({hogs} spinning processes, "
                              f"{os.cpu_count()} cores, load avg {got['load']:.1f} before), "
                              f"{processes} listener process{'es' if processes > 1 else ''}; "
                              f"{loggers} loggers x {rate:g}/s, acked {got['acked']} of "
                              f"{got['sent']}, p50 {got['p50_ms']:.1f} ms"),
                "ours": round(got["p99_ms"], 1), "peer": 50, "unit": "ms (peer = goal)",
                "ratio": round(50 / max(got["p99_ms"], 1e-9), 3),
            })  # fmt: skip
    return out


def run(quick: bool) -> list[dict]:
    busy = bench_busy(quick) if os.environ.get("BENCH_HJ212_BUSY", "1") != "0" else []
    return [bench_codec(quick), *bench_listener(quick), *busy]


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row)
