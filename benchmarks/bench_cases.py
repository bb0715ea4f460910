"""Case list and statistics endpoints under load (issue #11).

100,000 cases (``BENCH_CASES_N``) spread over the province's counties by population, over the
states, categories and sources, registered over a year, inserted in bulk; the real server
(``uvicorn --factory qingshan.platform.app:create_app``, ``BENCH_CASES_WORKERS`` worker
processes, default 2) on loopback; 50 concurrent clients (``BENCH_CASES_CLIENTS``) with their
own keep-alive connections, logged in as the province, a city (杭州) and a county (西湖).

Two loads per endpoint and database, ``BENCH_CASES_SECONDS`` (default 15) each:

- ``paced``: each client sends a request, waits for the answer, then waits until a second has
  passed since it sent it (50 users at one request a second each, 50 req/s offered): the latency
  a bureau sees on a busy day;
- ``closed``: each client sends its next request as soon as the answer is in: the throughput
  the server sustains, and the latency when 50 requests are always waiting.

Endpoints: ``GET /api/v1/cases`` (first page of 50 with the total and the counts by state; the
province's, a city's with a state filter, the province's overdue ones) and
``GET /api/v1/cases/stats`` (the province's, a city's; served from memory for 30 s after the
first computation, ``cached_case_stats``; the ``(cold, no cache)`` rows time the computation
itself, ``case_stats`` in process, one at a time). On SQLite and on PostgreSQL (``BENCH_PG_URL``,
whose public schema is dropped, else a throwaway cluster from the Debian binaries, as
``scripts/with-postgres.sh`` starts one). Goal: p95 < 200 ms on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import insert, text

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.cases.counts import recount_cases
from qingshan.cases.models import CaseRecord
from qingshan.cases.stats import case_stats
from qingshan.cases.workflow import CaseState
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import CITY_CODES, children, seed_regions
from qingshan.sim.population import POPULATION_2020

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-123"
USERS = {
    "zj": (Role.PROVINCE, "330000"),
    "hz": (Role.CITY, "330100"),
    "xh": (Role.COUNTY, "330106"),
}
#: state → share of the cases (a year's mix: most closed, some in every open state)
STATE_MIX = {
    "closed": 0.62, "rectifying": 0.12, "assigned": 0.06, "submitted": 0.05, "registered": 0.05,
    "accepted": 0.02, "reopened": 0.02, "cancelled": 0.04, "merged": 0.02,
}  # fmt: skip
CATEGORIES = ("noise", "air_pollution", "water_pollution", "solid_waste", "emission_exceedance",
              "monitoring_fraud", "ecology", "soil", "radiation", "other")  # fmt: skip
SOURCES = ("complaint", "qc_exceedance", "qc_pattern", "inspection", "central_inspection",
           "patrol", "remote_sensing", "video", "electricity", "big_data")  # fmt: skip
ENDPOINTS = (
    ("list province", "zj", "/api/v1/cases?per_page=50"),
    ("list city rectifying", "hz", "/api/v1/cases?per_page=50&state=rectifying"),
    ("list province overdue", "zj", "/api/v1/cases?per_page=50&overdue=true"),
    ("stats province", "zj", "/api/v1/cases/stats"),
    ("stats city", "hz", "/api/v1/cases/stats"),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cases(n: int, now: datetime, seed: int = 11) -> list[dict]:
    """``n`` case rows: counties by population, states by :data:`STATE_MIX`, a year of
    registrations, deadlines 7–60 days after dispatch."""
    rng = np.random.default_rng(seed)
    counties, weights = [], []
    for city in CITY_CODES:
        kids = children(city)
        for c in kids:
            counties.append(c.code)
            weights.append(POPULATION_2020[city] / len(kids))
    w = np.array(weights) / sum(weights)
    states = list(STATE_MIX)
    sp = np.array([STATE_MIX[s] for s in states])
    region = rng.choice(len(counties), size=n, p=w)
    state = rng.choice(len(states), size=n, p=sp / sp.sum())
    reg = now - timedelta(days=365) * rng.random(n)
    rows = []
    for i in range(n):
        st = states[state[i]]
        t = reg[i]
        assigned = t + timedelta(days=float(rng.uniform(0.1, 3))) if st != "registered" else None
        due = assigned + timedelta(days=float(rng.choice([7, 15, 30, 60]))) if assigned else None
        closed = (
            (due - timedelta(days=float(rng.uniform(0, 6)))) if st == "closed" and due else None
        )
        if closed is not None and closed > now:
            closed = now - timedelta(hours=1)
        rows.append(
            dict(
                number=f"{counties[region[i]]}-B-{i + 1:07d}", source=SOURCES[i % len(SOURCES)],
                category=CATEGORIES[(i * 7) % len(CATEGORIES)], severity="general",
                state=CaseState(st), title=f"基准测试案件 {i + 1}", description="",
                region_code=counties[region[i]], place="", occurred_at=t, registered_at=t,
                registered_by="bench", assigned_at=assigned, due_at=due, closed_at=closed,
                round=1 if st in ("submitted", "accepted", "closed") else 0, escalation_level=0,
                relapse_count=0, updated_at=closed or t,
            )
        )  # fmt: skip
    return rows


def load(url: str, n: int) -> float:
    """Migrate ``url``, add the accounts and ``n`` cases; seconds taken."""
    t0 = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        for name, (role, region) in USERS.items():
            create_user(s, name, PASSWORD, role, region)
    rows = make_cases(n, datetime.now(UTC))
    with engine.begin() as conn:
        for i in range(0, n, 5000):
            conn.execute(insert(CaseRecord), rows[i : i + 5000])
    with session_scope(engine) as s:  # the bulk insert bypassed the ORM's case_count upkeep
        recount_cases(s)
    # the steady state of a table in use: statistics gathered, PostgreSQL's visibility map set
    # (autovacuum's work), so that the covering indexes serve index-only scans
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    return time.perf_counter() - t0


@contextmanager
def server(
    url: str,
    data_dir: Path,
    workers: int,
    env_extra: dict[str, str] | None = None,
    code: Path = ROOT,
) -> Iterator[str]:
    """The app served from ``code`` (a checkout of the package; another commit's for a
    baseline) on a free loopback port; yields its base URL."""
    port = _free_port()
    env = os.environ | {
        "QINGSHAN_DATA_DIR": str(data_dir), "QINGSHAN_DATABASE_URL": url,
        "QINGSHAN_SECRET_KEY": "bench-secret-key-0123456789abcdef", "QINGSHAN_SCHEDULER": "0",
        "QINGSHAN_HJ212_LISTENER": "0", **(env_extra or {}),
    }  # fmt: skip
    if code != ROOT:  # ahead of the editable install's finder, which appends itself
        env["PYTHONPATH"] = str(code)
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "qingshan.platform.app:create_app",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--log-level", "warning", "--no-access-log"]  # fmt: skip
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=code, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError((data_dir / "server.log").read_text(errors="replace"))
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


async def _load(
    base: str,
    token: str,
    path: str | tuple[str, ...],
    clients: int,
    seconds: float,
    paced: bool,
    headers: dict[str, str] | None = None,
):
    """``clients`` concurrent clients requesting ``path`` for ``seconds``: latencies [s],
    errors, seconds taken. Several paths (a page's API calls) are requested together, as a
    browser does, and one latency is the time until the last of them is in."""
    paths = (path,) if isinstance(path, str) else path
    lat: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}", **(headers or {})}

    async def client(k: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as c:
            await asyncio.sleep(k / clients if paced else 0)  # paced: spread the first requests
            while True:  # at least one round, however long the clients took to start
                t0 = time.monotonic()
                answers = await asyncio.gather(
                    *(c.get(p) for p in paths), return_exceptions=True
                )  # a timeout counts as an error, its time as taken
                dt = time.monotonic() - t0
                errors += sum(isinstance(r, BaseException) or r.status_code != 200 for r in answers)
                lat.append(dt)
                if time.monotonic() >= stop:
                    break
                if paced:
                    await asyncio.sleep(max(0.0, 1.0 - dt))

    t0 = time.monotonic()
    await asyncio.gather(*(client(k) for k in range(clients)))
    return lat, errors, time.monotonic() - t0


def _pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q)) if xs else float("nan")


def measure(base: str, backend: str, clients: int, seconds: float) -> list[dict]:
    tokens = {}
    for name in USERS:
        r = httpx.post(f"{base}/api/v1/auth/login", data={"username": name, "password": PASSWORD})
        r.raise_for_status()
        tokens[name] = r.json()["access_token"]
    rows = []
    for label, user, path in ENDPOINTS:
        httpx.get(base + path, headers={"Authorization": f"Bearer {tokens[user]}"}, timeout=60)
        for mode in ("paced", "closed"):
            lat, errors, took = asyncio.run(
                _load(base, tokens[user], path, clients, seconds, mode == "paced")
            )
            rows.append(
                {
                    "backend": backend, "endpoint": label, "load": mode, "clients": clients,
                    "requests": len(lat), "errors": errors, "p50_ms": _pct(lat, 50),
                    "p95_ms": _pct(lat, 95), "throughput_rps": len(lat) / took,
                }
            )  # fmt: skip
    return rows


def cold_stats(url: str, repeat: int = 5) -> list[dict]:
    """The statistics computed (no cache), one at a time, in process [ms]."""
    engine = make_engine(url)
    out = []
    for label, scope in (("province", Scope("330000", Role.PROVINCE)),
                         ("city", Scope("330100", Role.CITY))):  # fmt: skip
        times = []
        for _ in range(repeat):
            with session_scope(engine) as s:
                t0 = time.perf_counter()
                case_stats(s, scope)
                times.append(time.perf_counter() - t0)
        out.append((label, statistics.median(times) * 1000))
    engine.dispose()
    return out


@contextmanager
def postgres() -> Iterator[str | None]:
    url = os.environ.get("BENCH_PG_URL")  # its public schema is dropped and made again
    if url:
        yield url
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins:
        yield None
        return
    pgbin = bins[-1].parent
    d = Path(tempfile.mkdtemp(prefix="qingshan-bench-pg."))
    d.chmod(0o755)
    port = _free_port()
    root = os.getuid() == 0

    def as_pg(cmd: str) -> None:
        full = ["su", "postgres", "-s", "/bin/sh", "-c", cmd] if root else ["sh", "-c", cmd]
        subprocess.run(full, check=True, capture_output=True)

    if root:
        shutil.chown(d, "postgres")
    try:
        as_pg(f"{pgbin}/initdb -D {d}/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8")
        as_pg(f"{pgbin}/pg_ctl -D {d}/data -o '-p {port} -k {d} -c listen_addresses=127.0.0.1 "
              f"-c fsync=off -c max_connections=200' -l {d}/pg.log -w start")  # fmt: skip
        as_pg(f"{pgbin}/createdb -h 127.0.0.1 -p {port} -U postgres qingshan_bench")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/qingshan_bench"
    finally:
        subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c",
                        f"{pgbin}/pg_ctl -D {d}/data -m immediate stop"] if root else
                       ["sh", "-c", f"{pgbin}/pg_ctl -D {d}/data -m immediate stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(d, ignore_errors=True)


def run(quick: bool = False) -> list[dict]:
    n = int(os.environ.get("BENCH_CASES_N", 5_000 if quick else 100_000))
    clients = int(os.environ.get("BENCH_CASES_CLIENTS", 10 if quick else 50))
    seconds = float(os.environ.get("BENCH_CASES_SECONDS", 3 if quick else 15))
    workers = int(os.environ.get("BENCH_CASES_WORKERS", 2))
    backends = os.environ.get("BENCH_CASES_BACKENDS", "sqlite,postgresql").split(",")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="qingshan-bench-cases.") as tmp, postgres() as pg:
        for backend in backends:
            if backend == "sqlite":
                url = f"sqlite:///{tmp}/cases.db"
            elif pg is None:
                print("bench_cases: no PostgreSQL binaries: PostgreSQL skipped")
                continue
            else:
                url = pg
                with make_engine(url).begin() as conn:  # a fresh database each run
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            loaded = load(url, n)
            print(f"bench_cases: {n:,} cases on {backend} loaded in {loaded:.1f} s")
            data_dir = Path(tmp) / backend
            data_dir.mkdir()
            with server(url, data_dir, workers) as base:
                rows += measure(base, backend, clients, seconds)
            for label, ms in cold_stats(url):
                rows.append({"backend": backend, "endpoint": f"stats {label} (cold, no cache)",
                             "load": "1 at a time", "clients": 1, "requests": 5, "errors": 0,
                             "p50_ms": ms, "p95_ms": None, "throughput_rps": None})  # fmt: skip
    return rows
