"""HJ 212 intake benchmarks.

1. Codec: packets/s of :func:`qingshan.hj212.codec.parse` (frame, length, Appendix A CRC, all
   fields) on a mixed corpus, against a plain regular-expression parser written here (the way
   HJ 212 parsers are usually written: one regex for the frame, ``split`` for the fields, the
   Appendix A CRC as a per-byte loop). Goal ≥ 50,000 packets/s with the CRC checked.
2. Listener: sustained acknowledged packets/s and p50/p99 answer latency with 2,000 simulated
   loggers on loopback (open loop, fixed rate each), journal fsynced before every answer. The
   listener runs as ``qingshan listen`` in its own process. Goal ≥ 10,000/s, p99 < 50 ms; the
   ``peer`` column holds the goal.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from qingshan.hj212.codec import encode, encode_segment, parse
from qingshan.hj212.crc import _T
from qingshan.hj212.logger_sim import PROFILES, LoggerSpec, build_packet, make_specs, run_load


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


def bench_listener(quick: bool) -> list[dict]:
    from qingshan.db.engine import make_engine, session_scope
    from qingshan.db.migrate import upgrade
    from qingshan.geo.models import Region, RegionLevel
    from qingshan.hj212.registry import add_device
    from qingshan.monitoring.models import ControlLevel, Site, SiteKind

    loggers = 200 if quick else 2000
    rate = 5.0  # packets/s per logger → 10,000/s offered with 2,000 loggers
    duration = 2.0 if quick else 10.0
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
    port = _free_port()
    env = {**os.environ, "QINGSHAN_DATA_DIR": str(root),
           "QINGSHAN_DATABASE_URL": f"sqlite:///{root / 'qingshan.db'}"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "qingshan.cli", "listen", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        try:
            import uvloop

            result = uvloop.run(run_load("127.0.0.1", port, specs, rate=rate, duration=duration))
        except ImportError:
            result = asyncio.run(run_load("127.0.0.1", port, specs, rate=rate, duration=duration))
    finally:
        proc.terminate()
        proc.wait(120)
    label = (
        f"{loggers} loggers x {rate:g}/s for {duration:g} s, journal fsync before ack; "
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
    ]  # fmt: skip


def run(quick: bool) -> list[dict]:
    return [bench_codec(quick), *bench_listener(quick)]


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row)
