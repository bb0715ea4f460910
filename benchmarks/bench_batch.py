"""A province-year through ``qingshan batch`` — QC, roll-ups and indices, with their writes (#19).

``python -m benchmarks batch`` (``make bench``), or ``python -m benchmarks.bench_batch --scale F
[--days N] [--workers 1 2] [--database-url URL]`` for one run at a chosen size. The scale comes
from ``--scale``, else ``QINGSHAN_BENCH_BATCH_SCALE`` / ``python -m benchmarks --scale F``
(default ``DEFAULT_SCALE``); ``--quick``: 0.002 × 3 days. PostgreSQL: ``--database-url`` or
``QINGSHAN_TEST_POSTGRES_URL`` (``scripts/with-postgres.sh`` gives one) — its ``public`` schema
is dropped and re-created for each run, so give a throw-away database.

Data (seeded, ``SEED``): ``round(20,000 × scale)`` hourly series over ``days`` UTC dates from
2023-01-01 — ``AIR_SHARE`` of them air stations' six pollutant series (HJ 212-2017 codes of
``qingshan.indices.kernel.AIR_CODES``), the rest gas outlets' six series (``GAS_CODES`` of the
simulator: SO2, NOx, particulates, O2, flow, temperature) of a coal-fired boiler
(``coal_boiler_ultralow``, thermal power, reference O2 6 %; no permit: QC judges with the rule
pack's own limits). 20,000 series × 8,760 h ≈ 175 M values. Values are gamma-distributed with a
diurnal cycle, 1 % missing, 0.5 % spikes, 2 % HJ 212 flag ``D``; written one file per stream and
UTC date as ingest writes them.

The sites and series are registered in a fresh database (SQLite in the run's data directory, or
PostgreSQL) through the ORM and :func:`qingshan.monitoring.registry.ensure_series` (the one way
code gets a series id), after the migrations and ``seed_regions``; then
:func:`qingshan.scale.batch.run_batch` runs ``["qc", "rollups", "indices"]`` over the CST days
on a ``LocalCluster`` of 1 and of 2 single-threaded worker processes, each on its own fresh copy
(data directory and database), with every write the batch makes: QC verdicts with events,
daily and monthly means with coverage and latest values, AQI as derived series.

Reported per stage (``BatchReport.kinds``): seconds, partitions, rows read and written, rows/s
(the stage's input rows — the hourly rows of the streams it works on — per second); each
stage's peak RSS per worker (``KindReport.peak_rss``: ``VmHWM`` reset when the stage starts)
and the whole batch's (``BatchReport.peak_rss``); the 1 → 2 workers speed-up per stage; the naive peer — per site
``pandas.read_parquet`` + ``resample("D").mean()`` over the same files, one core — against the
batch's roll-up stage on 1 worker, as a ratio; the store's month scan (all series, first 31
days) in rows/s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from qingshan.indices.kernel import AIR_CODES
from qingshan.timeseries import OBSERVATION_SCHEMA, ObservationStore

SEED = 20261207
FULL_SERIES = 20_000
START = datetime(2023, 1, 1, tzinfo=UTC)
DEFAULT_SCALE = 0.01
"""Scale of ``make bench``: 200 series × 31 d (see ``run``) — a few minutes on this machine."""
AIR_SHARE = 0.8
AIR = list(AIR_CODES)  # six pollutants per station
GAS = ["a21026", "a21002", "a34013", "a19001", "a00000", "a01012"]  # sim.outlets.GAS_CODES
#: gamma scale per code: µg/m³ (CO mg/m³) for air; mg/m³, %, m³/h, °C for the outlet
LEVEL = {
    "a21026": 8.0, "a21004": 30.0, "a21005": 0.8, "a05024": 60.0, "a34002": 70.0,
    "a34004": 40.0,
}  # fmt: skip
GAS_LEVEL = [12.0, 25.0, 3.0, 2.0, 150_000.0, 12.0]  # SO2, NOx, PM [mg/m³], O2 %, flow, T
GAS_BASE = [0.0, 0.0, 0.0, 0.0, 0.0, 40.0]
SOURCE_TYPE = "coal_boiler_ultralow"
REFERENCE_O2 = 6.0  # GB 13223-2011 §5.2 / Table 1 note: boilers' reference O2 6 %
STAGES = ("qc", "rollups", "indices")
#: the hourly streams each stage reads (qingshan.scale.plan.KIND_STREAMS, those generated here)
STAGE_STREAMS = {"qc": ("gas_outlet",), "rollups": ("air", "gas_outlet"), "indices": ("air",)}


# ------------------------------------------------------------------ data
def _day(ids: np.ndarray, levels: np.ndarray, base: np.ndarray, day: int, rng) -> pa.Table:
    """One UTC date of hourly rows of the series ``ids`` (sorted by series, time)."""
    hours = np.arange(24)
    n_series = len(ids)
    sid = np.repeat(ids.astype(np.int64), 24)
    t0 = int((START + timedelta(days=day)).timestamp() * 1_000_000)
    t = t0 + np.tile(hours, n_series).astype(np.int64) * 3_600_000_000
    n = len(sid)
    diurnal = 1.0 + 0.3 * np.sin((np.tile(hours, n_series) + 8) / 24 * 2 * np.pi)
    raw = np.repeat(base, 24) + rng.gamma(4.0, 0.25, n) * np.repeat(levels, 24) * diurnal
    raw[rng.random(n) < 0.005] *= 8.0  # spikes
    raw[rng.random(n) < 0.01] = np.nan  # missing
    flags = np.where(rng.random(n) < 0.02, "D", "N")
    ts = pa.timestamp("us", tz="UTC")
    return pa.table(
        {
            "series_id": sid,
            "time": pa.array(t).cast(ts),
            "period": pa.array(["hour"] * n),
            "value": np.round(raw, 1),
            "raw_value": raw,
            "source_flag": pa.array(flags),
            "qc_flag": pa.array(np.zeros(n, np.int8)),
            "source": pa.array([f"bench:{day}"] * n),
            "received_at": pa.array(t + 3_600_000_000).cast(ts),
            "revision": pa.array(np.zeros(n, np.int32)),
        },
        schema=OBSERVATION_SCHEMA,
    )


def province(n_series: int) -> tuple[int, int]:
    """(air stations, gas outlets) of a province of about ``n_series`` series."""
    stations = max(1, round(n_series * AIR_SHARE / 6))
    outlets = max(1, round(n_series * (1 - AIR_SHARE) / 6))
    return stations, outlets


def register(url: str, stations: int, outlets: int) -> dict[str, list[tuple[int, str]]]:
    """A fresh database at ``url`` with the province's sites and series; stream → [(series id,
    code)] in site order. PostgreSQL: the ``public`` schema is dropped and re-created first."""
    from sqlalchemy import text

    from qingshan.archive.models import Enterprise, Industry
    from qingshan.db.engine import get_engine, session_scope
    from qingshan.db.migrate import upgrade
    from qingshan.geo.regions import seed_regions
    from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
    from qingshan.monitoring.registry import ensure_series

    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    out: dict[str, list[tuple[int, str]]] = {"air": [], "gas_outlet": []}
    with session_scope(engine) as session:
        seed_regions(session)
        session.flush()
        air = [
            Site(
                code=f"33BA{i:06d}",
                name=f"基准站{i}",
                kind=SiteKind.AIR_STATION,
                control_level=ControlLevel("national"),
                region_code="330100",
                attrs={},
            )
            for i in range(stations)
        ]
        ent = [
            Enterprise(
                credit_code=f"91330100BENCH{i:05d}",
                name=f"基准热电{i}有限公司",
                industry=Industry.THERMAL_POWER,
                region_code="330100",
            )
            for i in range(outlets)
        ]
        session.add_all(air + ent)
        session.flush()
        gas = [
            Site(
                code=f"91330100BENCH{i:05d}-DA001",
                name=f"基准热电{i}废气排放口1",
                kind=SiteKind.GAS_OUTLET,
                control_level=ControlLevel("national"),
                region_code="330100",
                enterprise_id=e.id,
                attrs={"source_type": SOURCE_TYPE, "reference_o2": REFERENCE_O2},
            )
            for i, e in enumerate(ent)
        ]
        session.add_all(gas)
        session.flush()
        for stream, sites, codes in (("air", air, AIR), ("gas_outlet", gas, GAS)):
            wanted = [(s.id, c, Period.HOUR, None) for s in sites for c in codes]
            series = ensure_series(session, wanted)
            out[stream] = [(series[(s, c, p)].id, c) for s, c, p, _ in wanted]
    engine.dispose()
    return out


def generate(root: Path, series: dict[str, list[tuple[int, str]]], days: int) -> dict[str, int]:
    """Write the dataset into the store at ``root``; rows per stream."""
    store = ObservationStore(root)
    rng = np.random.default_rng(SEED)
    rows = {}
    for stream, pairs in series.items():
        ids = np.array([i for i, _ in pairs], dtype=np.int64)
        if stream == "air":
            levels, base = np.array([LEVEL[c] for _, c in pairs]), np.zeros(len(pairs))
        else:
            k = np.array([GAS.index(c) for _, c in pairs])
            levels, base = np.array(GAS_LEVEL)[k], np.array(GAS_BASE)[k]
        rows[stream] = sum(
            store.append(_day(ids, levels, base, d, rng), stream) for d in range(days)
        )
    store.close()
    return rows


# ------------------------------------------------------------------ the batch
def batch_once(
    obs: Path, workdir: Path, url: str | None, stations: int, outlets: int, days: int, workers: int
) -> dict:
    """One ``run_batch`` of the three stages on a fresh copy: its report as a dict."""
    from qingshan.config import Settings
    from qingshan.scale.batch import run_batch

    data = workdir / f"data-{workers}w"
    shutil.copytree(obs, data / "observations")
    url = url or f"sqlite:///{data / 'qingshan.db'}"
    register(url, stations, outlets)  # the same ids as the generated store's: a fresh sequence
    settings = Settings(data_dir=data, database_url=url, scheduler=False)
    first = START.date()
    last = first + timedelta(days=days - 1)
    report = run_batch(settings, list(STAGES), first, last, workers=workers, progress=False)
    print(f"  batch, {workers} worker(s): {report.seconds:.1f} s", file=sys.stderr, flush=True)
    shutil.rmtree(data, ignore_errors=True)
    return report.as_dict()


# ------------------------------------------------------------------ peers
def naive_peer(root: Path, days: int) -> tuple[float, int]:
    """(seconds, rows) of the daily means of every series, the way a user writes it: the
    Parquet of each stream read with pandas, one group-by + ``resample`` per series, one core."""
    first, last = START.date().isoformat(), (START.date() + timedelta(days=days - 1)).isoformat()
    t = time.perf_counter()
    rows = 0
    means = []
    for stream in ("air", "gas_outlet"):
        frame = pd.read_parquet(
            root / f"stream={stream}",
            filters=[("date", ">=", first), ("date", "<=", last)],
            columns=["series_id", "time", "value", "source_flag"],
        )
        rows += len(frame)
        frame = frame[~frame["source_flag"].isin(["D", "F", "M", "C", "T", "B"])]
        for sid, g in frame.groupby("series_id"):  # one site at a time
            daily = g.set_index(g["time"].dt.tz_convert("Asia/Shanghai"))["value"].resample("D")
            means.append(daily.mean().rename(sid))
    assert len(means) > 0
    return time.perf_counter() - t, rows


def month_scan(root: Path, days: int) -> tuple[float, int]:
    """(seconds, rows) of one scan of every air series over the first 31 days (warm store)."""
    store = ObservationStore(root)
    end = START + timedelta(days=min(31, days))
    store.scan(None, START, end, streams=["air"])  # warm the footer cache
    t = time.perf_counter()
    n = len(store.scan(None, START, end, streams=["air"]))
    return time.perf_counter() - t, n


# ------------------------------------------------------------------ entry points
def measure(
    scale: float, days: int, workers: Sequence[int] = (1, 2), database_url: str | None = None
) -> list[dict]:
    url = database_url or os.environ.get("QINGSHAN_TEST_POSTGRES_URL") or None
    stations, outlets = province(round(FULL_SERIES * scale))
    out: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="qingshan-bench-batch-") as tmp:
        work = Path(tmp)
        obs = work / "observations"
        t = time.perf_counter()
        ids = register(f"sqlite:///{work / 'ids.db'}", stations, outlets)
        rows = generate(obs, ids, days)
        gen_s = time.perf_counter() - t
        total = sum(rows.values())
        n_series = sum(len(v) for v in ids.values())
        db = "PostgreSQL" if url and url.startswith("postgres") else "SQLite"
        label = (
            f"{stations:,} air stations + {outlets:,} gas outlets = {n_series:,} series × {days} d"
            f" = {total:,} rows; {db}"
        )
        out.append({"benchmark": f"register + generate ({label})", "value": total / gen_s,
                    "unit": "rows/s"})  # fmt: skip
        reports = {w: batch_once(obs, work, url, stations, outlets, days, w) for w in workers}
        for name in STAGES:
            stage_rows = sum(rows[s] for s in STAGE_STREAMS[name])
            for w in workers:
                k = reports[w]["kinds"][name]
                secs = max(k["seconds"], 1e-9)
                peak = " / ".join(f"{v / 2**20:.0f}" for v in k.get("peak_rss", {}).values())
                out.append(
                    {
                        "benchmark": f"{name}, {w} worker(s): {secs:.1f} s, {k['partitions']} "
                        f"partitions, {k['rows_read']:,} rows read, {k['rows_written']:,} written"
                        f" (of {stage_rows:,} input rows); peak RSS per worker {peak or '?'} MiB",
                        "value": stage_rows / secs,
                        "unit": "rows/s",
                    }
                )
            if 1 in reports and 2 in reports:
                out.append(
                    {
                        "benchmark": f"{name}: speed-up 1 → 2 workers",
                        "value": reports[1]["kinds"][name]["seconds"]
                        / max(reports[2]["kinds"][name]["seconds"], 1e-9),
                        "unit": "×",
                    }
                )
        for w in workers:
            rss = reports[w]["peak_rss"]
            out.append(
                {
                    "benchmark": f"batch qc + rollups + indices, {w} worker(s): "
                    f"{reports[w]['seconds']:.1f} s; peak RSS per worker "
                    + ", ".join(f"{v / 2**20:.0f}" for v in rss.values())
                    + " MiB",
                    "value": total / reports[w]["seconds"],
                    "unit": "rows/s",
                }
            )
        naive, peer_rows = naive_peer(obs, days)
        if 1 in reports:
            ours = reports[1]["kinds"]["rollups"]["seconds"]
            out.append(
                {
                    "benchmark": f"batch rollups (1 worker, with its writes) vs naive pandas "
                    f"group-by per series ({peer_rows:,} rows, 1 core, no writes): ours "
                    f"{ours:.1f} s, naive {naive:.1f} s",
                    "value": naive / ours,
                    "unit": "× faster",
                }
            )
        secs, n = month_scan(obs, days)
        out.append(
            {
                "benchmark": f"store month scan, every air series ({n:,} rows, {secs:.2f} s)",
                "value": n / secs,
                "unit": "rows/s",
            }
        )
    return out


def run(quick: bool) -> list[dict]:
    """The province at ``QINGSHAN_BENCH_BATCH_SCALE`` (default ``DEFAULT_SCALE``) over 31 days."""
    if quick:
        return measure(0.002, 3)
    return measure(float(os.environ.get("QINGSHAN_BENCH_BATCH_SCALE", DEFAULT_SCALE)), 31)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=DEFAULT_SCALE, help="fraction of 20,000 series")
    p.add_argument("--days", type=int, default=31)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--database-url", help="a throw-away PostgreSQL database (schema reset)")
    args = p.parse_args()
    for row in measure(args.scale, args.days, args.workers, args.database_url):
        print(f"{row['benchmark']}: {row['value']:,.3g} {row['unit']}", flush=True)


if __name__ == "__main__":
    main()
