"""A province-year through QC, roll-ups and indices on Dask (issue #19).

``python -m benchmarks batch`` (``make bench``), or ``python -m benchmarks.bench_batch --scale F
[--days N] [--workers 1 2]`` for one run at a chosen size. The scale comes from ``--scale``, else
``QINGSHAN_BENCH_BATCH_SCALE`` / ``python -m benchmarks --scale F`` (default ``DEFAULT_SCALE``,
0.05; 1.0 is the full province-year — hours on this machine, see docs/performance.md);
``--quick``: 0.002 × 31 days.

Data (seeded, ``SEED``): ``round(20,000 × scale)`` hourly series of the ``air`` stream over
``days`` UTC dates from 2023-01-01 — six pollutant series (HJ 212-2017 codes of
``qingshan.indices.kernel.AIR_CODES``) per station, so 20,000 series are 3,334 stations and
8,760 h × 20,000 ≈ 175 M values. Values are gamma-distributed with a diurnal cycle, 1 % missing,
0.5 % spikes, 2 % HJ 212 flag ``D``; written one file per UTC date as ingest writes them.

Stages (each over every hive partition, one Dask task per partition, a ``LocalCluster`` of
1 and of 2 single-threaded worker processes — the batch's layout; ``qingshan.scale.batch``'s
``run_batch`` needs a registry of the series in a database and is not used here):

* **qc** — per UTC-date partition: the partition read through
  ``qingshan.scale.rollups.read_partition`` (the store's fast path, re-send rule applied), then
  the QARTOD checks of ``qingshan.qc.checks`` over the partition's arrays — gross range, spike,
  rate of change, each value's aggregate flag (``qingshan.qc.flags.aggregate``); series
  boundaries are not compared across (the first and last value of each series are masked for
  the 3-point checks). Not the outlet judgement of the live QC job (that needs the registry).
* **rollups** — ``qingshan.scale.rollups.rollup_frame`` (hour → CST day, with coverage), the
  code path of ``dask_means``: partial sums per partition, a group-by, finalised.
* **indices** — per (month, station): ``qingshan.indices.kernel.station_indices(period="hour")``
  (HJ 633 hourly AQI) on the station's six series, read through ``read_partition``.

Reported: seconds, rows/s, peak RSS per worker (``ru_maxrss`` of each worker process, via
``client.run``) and the 1 → 2 workers speed-up; the naive peer — ``pandas.read_parquet`` of the
same files and a ``groupby`` per site with ``resample("D").mean()`` — against the roll-up stage
on a slice (the first ``PEER_DAYS`` days), as a ratio; the store's month scan (all series,
first 31 days) in rows/s (its ratio to SQLite and PostgreSQL is ``bench_store``'s month scan).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from qingshan.indices.kernel import AIR_CODES, station_indices
from qingshan.qc import checks as C
from qingshan.qc.flags import Flag, aggregate
from qingshan.scale.rollups import read_partition, rollup_frame
from qingshan.timeseries import OBSERVATION_SCHEMA, ObservationStore
from qingshan.timeutil import CST

SEED = 20261207
FULL_SERIES = 20_000
START = datetime(2023, 1, 1, tzinfo=UTC)
PEER_DAYS = 7
DEFAULT_SCALE = 0.05
"""Scale of ``make bench``: 1,002 series × 8,760 h ≈ 8.8 M rows, ~10 min on this machine."""
STREAM = "air"
CODES = list(AIR_CODES)  # six pollutants per station
SPAN = {  # plausible analyser spans [µg/m³; CO mg/m³] for the gross range test
    "a21026": (0.0, 2000.0),
    "a21004": (0.0, 2000.0),
    "a21005": (0.0, 60.0),
    "a05024": (0.0, 2000.0),
    "a34002": (0.0, 3000.0),
    "a34004": (0.0, 3000.0),
}


# ------------------------------------------------------------------ data
def _day(n_series: int, day: int, rng: np.random.Generator) -> pa.Table:
    """One UTC date of hourly rows of every series (sorted by series, time)."""
    hours = np.arange(24)
    sid = np.repeat(np.arange(1, n_series + 1, dtype=np.int64), 24)
    t0 = int((START + timedelta(days=day)).timestamp() * 1_000_000)
    t = t0 + np.tile(hours, n_series).astype(np.int64) * 3_600_000_000
    n = len(sid)
    pollutant = (sid - 1) % 6
    scale = np.array([8.0, 30.0, 0.8, 60.0, 70.0, 40.0])[pollutant]
    diurnal = 1.0 + 0.3 * np.sin((np.tile(hours, n_series) + 8) / 24 * 2 * np.pi)
    raw = rng.gamma(4.0, 0.25, n) * scale * diurnal
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


def generate(root: Path, n_series: int, days: int) -> tuple[int, float]:
    """Write the dataset; (rows, seconds)."""
    store = ObservationStore(root)
    rng = np.random.default_rng(SEED)
    t = time.perf_counter()
    n = sum(store.append(_day(n_series, d, rng), STREAM) for d in range(days))
    secs = time.perf_counter() - t
    store.close()
    return n, secs


def _code(series_id: np.ndarray) -> np.ndarray:
    return np.asarray(CODES, dtype=object)[(series_id - 1) % 6]


# ------------------------------------------------------------------ tasks (run on workers)
def qc_partition(root: str, date: str) -> tuple[int, int]:
    """QARTOD checks over one partition; (rows read, values flagged suspect or worse)."""
    d0 = pd.Timestamp(date, tz="UTC")
    frame = read_partition((STREAM, date), root, d0, d0 + pd.Timedelta(days=1), "hour")
    if frame.empty:
        return 0, 0
    sid = frame["series_id"].to_numpy()
    x = frame["value"].to_numpy(dtype=np.float64)
    times = frame["time"]  # a tz-aware Series: the kernel takes its int64 view
    edge = np.zeros(len(sid), dtype=bool)  # first/last value of each series
    edge[0] = edge[-1] = True
    change = np.flatnonzero(sid[1:] != sid[:-1])
    edge[change] = edge[change + 1] = True
    pollutant = (sid - 1) % 6
    gross = np.zeros(len(x), dtype=np.uint8)
    for k, code in enumerate(CODES):  # the kernel once per pollutant (its analyser span)
        at = pollutant == k
        gross[at] = np.asarray(C.gross_range_test(x[at], SPAN[code]))
    spike = np.asarray(C.spike_test(x, 30.0, 100.0, mask=edge))
    roc = np.asarray(C.rate_of_change_test(x, times, 0.05, mask=edge))
    flags = aggregate([gross, spike, roc])
    return len(frame), int(np.isin(flags, [Flag.SUSPECT, Flag.FAIL]).sum())


def indices_month(root: str, dates: Sequence[str]) -> tuple[int, int]:
    """Hourly AQI of every station over some partitions; (rows read, index rows)."""
    frames = []
    for date in dates:
        d0 = pd.Timestamp(date, tz="UTC")
        frames.append(read_partition((STREAM, date), root, d0, d0 + pd.Timedelta(days=1), "hour"))
    frame = pd.concat(frames, ignore_index=True)
    if frame.empty:
        return 0, 0
    sid = frame["series_id"].to_numpy()
    long = pd.DataFrame(
        {
            "station": (sid - 1) // 6,
            "parameter": _code(sid),
            "time": frame["time"],
            "value": frame["value"],
            "valid": ~frame["source_flag"].isin(["D", "F", "M", "C", "T", "B"]).to_numpy(),
        }
    )
    out = 0
    for _, rows in long.groupby("station", sort=False):
        out += len(station_indices(rows, period="hour"))
    return len(frame), out


def peak_rss_mb() -> float:
    """Peak resident set size of this process [MB] (Linux ``ru_maxrss`` is in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ stages
def _dates(days: int) -> list[str]:
    return [(START + timedelta(days=d)).date().isoformat() for d in range(days)]


def _months(dates: list[str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for d in dates:
        groups.setdefault(d[:7], []).append(d)
    return list(groups.values())


def _stages(root: str, days: int) -> dict[str, Callable[[object], int]]:
    dates = _dates(days)
    end = START + timedelta(days=days)

    def qc(client) -> int:
        futures = client.map(qc_partition, [root] * len(dates), dates, pure=False)
        return sum(r for r, _ in client.gather(futures))

    def rollups(client) -> int:
        lazy = rollup_frame(root, STREAM, "hour", "day", START.astimezone(CST), end.astimezone(CST))
        result = lazy.compute()
        assert len(result) > 0
        return 0  # rows read: counted by the qc stage (same partitions, same rows)

    def indices(client) -> int:
        months = _months(dates)
        futures = client.map(indices_month, [root] * len(months), months, pure=False)
        return sum(r for r, _ in client.gather(futures))

    return {"qc": qc, "rollups": rollups, "indices": indices}


STAGES = ("qc", "rollups", "indices")


def run_stages(
    root: str, days: int, workers: int, rows: int, stages: Sequence[str] = STAGES
) -> dict[str, dict[str, float]]:
    """Each stage on a fresh LocalCluster of ``workers`` processes: seconds, rows/s, peak RSS."""
    from dask.distributed import Client, LocalCluster

    out: dict[str, dict[str, float]] = {}
    for name, stage in _stages(root, days).items():
        if name not in stages:
            continue
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                memory_limit=0,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            t = time.perf_counter()
            stage(client)
            secs = time.perf_counter() - t
            rss = client.run(peak_rss_mb)
        out[name] = {"seconds": secs, "rows/s": rows / secs, "peak_rss_mb": max(rss.values())}
        print(f"  batch: {name}, {workers} worker(s): {secs:.1f} s", file=sys.stderr, flush=True)
    return out


# ------------------------------------------------------------------ peers
def naive_peer(root: Path, peer_days: int) -> tuple[float, float, int]:
    """(ours s, naive pandas s, rows) for daily means of the first ``peer_days`` days."""
    first, last = _dates(peer_days)[0], _dates(peer_days)[-1]
    t = time.perf_counter()
    frame = pd.read_parquet(
        root / f"stream={STREAM}",
        filters=[("date", ">=", first), ("date", "<=", last)],
        columns=["series_id", "time", "value", "source_flag"],
    )
    frame = frame[~frame["source_flag"].isin(["D", "F", "M", "C", "T", "B"])]
    means = []
    for sid, g in frame.groupby("series_id"):  # what a user writes: one site at a time
        daily = g.set_index(g["time"].dt.tz_convert("Asia/Shanghai"))["value"].resample("D")
        means.append(daily.mean().rename(sid))
    naive = time.perf_counter() - t
    rows = len(frame)
    t = time.perf_counter()
    lazy = rollup_frame(
        str(root),
        STREAM,
        "hour",
        "day",
        START.astimezone(CST),
        (START + timedelta(days=peer_days)).astimezone(CST),
    )
    lazy.compute(scheduler="synchronous")  # one core, like the peer
    ours = time.perf_counter() - t
    assert len(means) > 0
    return ours, naive, rows


def month_scan(root: Path, days: int) -> tuple[float, int]:
    """(seconds, rows) of one scan of every series over the first 31 days (warm store)."""
    store = ObservationStore(root)
    end = START + timedelta(days=min(31, days))
    store.scan(None, START, end, streams=[STREAM])  # warm the footer cache
    t = time.perf_counter()
    n = len(store.scan(None, START, end, streams=[STREAM]))
    return time.perf_counter() - t, n


# ------------------------------------------------------------------ entry points
def measure(
    scale: float, days: int, workers: Sequence[int] = (1, 2), stages: Sequence[str] = STAGES
) -> list[dict]:
    n_series = max(6, round(FULL_SERIES * scale / 6) * 6)
    rows_out: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="qingshan-bench-batch-") as tmp:
        root = Path(tmp) / "obs"
        rows, gen_s = generate(root, n_series, days)
        label = f"{n_series:,} series × {days} d = {rows:,} rows"
        rows_out.append(
            {"benchmark": f"generate + append ({label})", "value": rows / gen_s, "unit": "rows/s"}
        )
        results = {w: run_stages(str(root), days, w, rows, stages) for w in workers}
        for name in stages:
            for w in workers:
                r = results[w][name]
                rows_out.append(
                    {
                        "benchmark": f"{name}, {w} worker(s): {r['seconds']:.1f} s, "
                        f"peak RSS/worker {r['peak_rss_mb']:.0f} MB",
                        "value": r["rows/s"],
                        "unit": "rows/s",
                    }
                )
            if 1 in results and 2 in results:
                rows_out.append(
                    {
                        "benchmark": f"{name}: speed-up 1 → 2 workers",
                        "value": results[1][name]["seconds"] / results[2][name]["seconds"],
                        "unit": "×",
                    }
                )
        total = {w: sum(results[w][s]["seconds"] for s in results[w]) for w in workers}
        for w in workers:
            rows_out.append(
                {
                    "benchmark": f"stages {' + '.join(stages)}, {w} worker(s) [s]",
                    "value": total[w],
                    "unit": "s",
                }
            )
        ours, naive, peer_rows = naive_peer(root, min(PEER_DAYS, days))
        rows_out.append(
            {
                "benchmark": f"roll-ups vs naive pandas group-by per site "
                f"({peer_rows:,} rows, 1 core): ours {ours:.2f} s, naive {naive:.2f} s",
                "value": naive / ours,
                "unit": "× faster",
            }
        )
        secs, n = month_scan(root, days)
        rows_out.append(
            {
                "benchmark": f"store month scan, every series ({n:,} rows, {secs:.2f} s)",
                "value": n / secs,
                "unit": "rows/s",
            }
        )
    return rows_out


def run(quick: bool) -> list[dict]:
    """The province-year at ``QINGSHAN_BENCH_BATCH_SCALE`` (default ``DEFAULT_SCALE``)."""
    if quick:
        return measure(0.002, 31)
    return measure(float(os.environ.get("QINGSHAN_BENCH_BATCH_SCALE", DEFAULT_SCALE)), 365)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=1.0, help="fraction of 20,000 series")
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES))
    args = p.parse_args()
    for row in measure(args.scale, args.days, args.workers, args.stages):
        print(f"{row['benchmark']}: {row['value']:,.3g} {row['unit']}", flush=True)


if __name__ == "__main__":
    main()
