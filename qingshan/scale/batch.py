"""The batch runner: QC, roll-ups and indices over a range of history, on dask.distributed.

:func:`run_batch` plans the partitions of the range from the store's hive layout
(:mod:`.plan`), then maps one task per partition over a Dask cluster: a local one
(:class:`~dask.distributed.LocalCluster`, one single-threaded worker process per core) or an
existing one given its scheduler's address. Each task calls the functions the live jobs call,
so a batch writes what the jobs would have written:

- ``qc``: :func:`qingshan.qc.jobs.load_outlets` (read once by the driver, shipped to the
  tasks), :func:`~qingshan.qc.jobs.read_frames` and
  :func:`~qingshan.qc.jobs.judge_windows` for every outlet of the stream over the CST day, the
  verdicts stored by the QC service with their rule version and input digest, events and
  fraud-pattern runs reported to the cases' sink, ten outlets per transaction (as the ``qc``
  job does: SQLite writers wait for each other);
- ``rollups``: :func:`qingshan.timeseries.rollup_job.rollup` (means with coverage, written with
  ``rollup:<period>:<count>/<expected>`` and a revision bumped only on change), its means from the
  hive partitions read by :func:`qingshan.scale.rollups.read_partition` and the kernel
  :func:`qingshan.timeseries.rollups.rollup_mean`; then the series' latest values, as the
  ``rollups`` job does;
- ``indices``: :func:`qingshan.indices.service.indices_for_partition`.

Workers share nothing but the data directory (and the database): the settings travel with each
task, the workers open the store and the database themselves. What every task needs (the
outlets of a ``qc`` batch, the store's partition list, the roll-up target series) is read once
by the driver and scattered to the workers with the context. Each stage reports its own peak
memory per worker (:func:`reset_stage_peak`, :func:`stage_peak_rss`); more than one worker on
SQLite is warned of (:data:`SQLITE_WARNING`: it lets one writer in at a time).

Resumable: when a partition's results are written, the task writes its committed marker
``<data_dir>/batch/runs/<run key>/<kind>/<stream>/<day>.done`` (write aside, then rename,
through fsspec: the storage every worker sees). The run key is a digest of the kinds, the range
and the sites, so a batch restarted with the same arguments skips the committed partitions; a
partition killed between its writes and its marker is done again, which writes nothing new
(the writers skip identical rows and verdicts). A run that completes removes its markers (the
next run with the same arguments recomputes) and leaves its report in ``runs/<run key>.json``.

One batch of a kind at a time per data directory: ``<data_dir>/batch/<kind>.lock``
(:class:`qingshan.pidlock.PidLock`, as the scheduler's lock; a second batch refuses with the
holder's pid).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import fsspec
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, select

from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.monitoring.models import STREAM_OF_KIND, Period, Site
from qingshan.monitoring.registry import rollup_series_maps, update_latest
from qingshan.pidlock import LockHeld, PidLock
from qingshan.scale import rollups as scale_rollups
from qingshan.scale.errors import (
    BatchArgumentError,
    BatchRunning,
    PartitionFailed,
    SchedulerUnreachable,
    UnknownSite,
)
from qingshan.scale.plan import (
    BatchPartition,
    check_range,
    expand_kinds,
    plan_partitions,
    split_outlet_groups,
)
from qingshan.timeseries.layout import Partition
from qingshan.timeseries.revisions import resolve_revisions
from qingshan.timeseries.rollup_job import rollup
from qingshan.timeseries.rollups import rollup_mean
from qingshan.timeseries.schema import OBSERVATION_SCHEMA
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

__all__ = ["BatchReport", "KindReport", "run_batch", "run_key", "batch_dir"]

log = logging.getLogger(__name__)

#: the roll-up steps of a batch, as the ``rollups`` job's (:data:`qingshan.jobs.builtin.
#: ROLLUP_STEPS`): hour → day per CST day, day → month per month
ROLLUP_STEP = {"day": (Period.HOUR, Period.DAY), "month": (Period.DAY, Period.MONTH)}


#: outlets judged per transaction (as :func:`qingshan.qc.jobs.run_qc`)
QC_OUTLETS_PER_TRANSACTION = 10

#: said (CLI, ``BatchReport.warnings``) when more than one worker writes to SQLite
SQLITE_WARNING = (
    "{workers} workers write to one SQLite database: SQLite lets one writer in at a time, so "
    "they mostly wait for each other (2 workers measured 1.09x one on the QC + roll-ups + "
    "indices benchmark, docs/performance.md); set QINGSHAN_DATABASE_URL to PostgreSQL for a "
    "batch on several workers (1.81x there), or run --workers 1"
)


@dataclass
class KindReport:
    """What one kind of a batch did."""

    kind: str
    partitions: int = 0  # planned
    done: int = 0  # run by this invocation
    skipped: int = 0  # committed by an earlier, interrupted invocation
    rows_read: int = 0
    rows_written: int = 0
    seconds: float = 0.0
    #: worker address → the worker's peak resident memory during this stage [bytes]
    #: (:func:`stage_peak_rss`)
    peak_rss: dict[str, int] = field(default_factory=dict)


@dataclass
class BatchReport:
    """A batch's report: per kind, the peak resident memory of each worker over the whole
    batch [bytes], and warnings about the set-up (e.g. several workers writing to SQLite)."""

    run_key: str
    start: date
    end: date
    sites: list[str] | None
    scheduler: str | None
    workers: int
    dashboard: str | None
    kinds: dict[str, KindReport] = field(default_factory=dict)
    peak_rss: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        return out


def batch_dir(settings: Settings) -> str:
    """Where markers, locks and reports live: ``<data_dir>/batch``."""
    return str(settings.data_dir / "batch")


def run_key(kinds: Sequence[str], start: date, end: date, sites: Iterable[str] | None) -> str:
    """A digest of a batch's arguments (kinds, range, sites): equal arguments, equal key."""
    text = json.dumps(
        [list(expand_kinds(kinds)), start.isoformat(), end.isoformat(), sorted(set(sites or []))]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------- markers
def _fs(path: str) -> tuple[fsspec.AbstractFileSystem, str]:
    fs, root = fsspec.core.url_to_fs(path)
    return fs, root


def _marker(run_dir: str, part: BatchPartition) -> str:
    return f"{run_dir}/{part.key}.done"


def _write_atomic(path: str, payload: dict[str, Any]) -> None:
    """Write ``payload`` as JSON at ``path``: aside under a hidden name, then renamed."""
    fs, p = _fs(path)
    parent = p.rsplit("/", 1)[0]
    fs.makedirs(parent, exist_ok=True)
    tmp = f"{parent}/.tmp-{uuid.uuid4().hex}"
    fs.pipe_file(tmp, json.dumps(payload).encode())
    fs.mv(tmp, p)


def committed(run_dir: str) -> dict[str, dict[str, Any]]:
    """The committed partitions of a run: partition key → what its task reported."""
    fs, root = _fs(run_dir)
    if not fs.exists(root):
        return {}
    out = {}
    for path in fs.find(root):
        name = path.rsplit("/", 1)[-1]
        if not name.endswith(".done") or name.startswith("."):
            continue
        key = path[len(root.rstrip("/")) + 1 : -len(".done")]
        out[key] = json.loads(fs.cat_file(path))
    return out


# --------------------------------------------------------------------------- the tasks
def _cst_day(day: date) -> tuple[datetime, datetime]:
    """The CST calendar day ``day`` as a UTC [start, end)."""
    start = datetime(day.year, day.month, day.day, tzinfo=CST).astimezone(UTC)
    return start, start + timedelta(days=1)


def _month(first: date) -> tuple[datetime, datetime]:
    """The CST calendar month starting on ``first`` as a UTC [start, end)."""
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return _cst_day(first)[0], _cst_day(nxt)[0]


def _qc(
    settings: Settings, part: BatchPartition, ctx: Mapping[str, Any], engine: Engine
) -> tuple[int, int]:
    from qingshan.cases.service import CASES_SINK
    from qingshan.qc.jobs import judge_windows, read_frames

    store = ObservationStore(settings.observations_dir)
    window = _cst_day(part.day)
    outlets = ctx.get("qc_outlets")
    if outlets is None:  # not loaded by the driver: read them here
        with session_scope(engine) as session:
            outlets = _qc_outlets(session, ctx.get("site_ids"))
    metas = sorted((m for m in outlets["hour"] if m.stream == part.stream), key=_site_id)
    metas = metas[part.group :: part.groups]  # this partition's outlet group
    ids = {m.site_id for m in metas}
    minute_metas = [m for m in outlets["min"] if m.site_id in ids]
    frames = read_frames(store, metas, *window)
    minute_frames = read_frames(store, minute_metas, *window, period="min")
    read = sum(len(f) for f in frames.values()) + sum(len(f) for f in minute_frames.values())
    # a short transaction per few outlets, as the qc job: judged outside it, so SQLite's write
    # lock is held only while their verdicts are inserted and the other workers (and the
    # HJ 212 ingest) wait little; each verdict is whole, and the partition counts as done only
    # with its marker
    stored = judge_windows(
        engine,
        [
            (m, frames[m.site_id], minute_frames.get(m.site_id))
            for m in metas
            if m.site_id in frames
        ],
        [window],
        now=ctx["now"],
        sink=CASES_SINK,
        per_transaction=QC_OUTLETS_PER_TRANSACTION,
    )
    judged = len(stored)
    return read, judged


def _site_id(meta: Any) -> int:
    return int(meta.site_id)


def qc_groups(workers: int, streams: int) -> int:
    """Outlet groups per ``qc`` partition: two tasks per worker across the streams at a time
    (a stream's days run in order, :func:`_run_kind`)."""
    return max(1, -(-2 * max(workers, 1) // max(streams, 1)))


def _qc_outlets(session: Any, site_ids: Sequence[int] | None) -> dict[str, list[Any]]:
    """The outlets of a ``qc`` batch with their hourly series (``hour``) and those with minute
    series (``min``), read once by the driver and shipped to every task
    (:func:`qingshan.qc.jobs.load_outlets`, as the ``qc`` job reads them)."""
    from qingshan.qc.jobs import load_outlets

    hour = load_outlets(session, site_ids)
    return {"hour": hour, "min": load_outlets(session, [m.site_id for m in hour], period="min")}


def _rollups(
    settings: Settings, part: BatchPartition, ctx: Mapping[str, Any], engine: Engine
) -> tuple[int, int]:
    source, target = ROLLUP_STEP[part.period]
    series_map: dict[int, int] = ctx["series_maps"][part.period].get(part.stream, {})
    if not series_map:
        return 0, 0
    store = ObservationStore(settings.observations_dir)
    start, end = _cst_day(part.day) if part.period == "day" else _month(part.day)
    rows_read = 0

    def means(
        store: ObservationStore,
        stream: str,
        source_period: str,
        target_period: str,
        t0: pd.Timestamp,
        t1: pd.Timestamp,
        series_ids: list[int],
        **kernel: Any,
    ) -> pd.DataFrame:
        # the hive partitions of the UTC dates [t0, t1) touches, read whole
        nonlocal rows_read
        dates = pd.date_range(t0.floor("D"), t1 - pd.Timedelta(microseconds=1), freq="D")
        layout = ctx.get("layout")  # listed once by the driver
        present = (
            set(layout.get(stream, ()))
            if layout is not None
            else {p.date for p in store.partitions(stream)}
        )
        ids = frozenset(series_ids)
        frames = [
            scale_rollups.read_partition(
                (stream, d.date().isoformat()), store.url, t0, t1, source_period, ids
            )
            for d in dates
            if d.date().isoformat() in present
        ]
        if not frames:  # no partition: the kernel's empty result
            frames = [resolve_revisions(OBSERVATION_SCHEMA.empty_table().to_pandas())]
        data = pd.concat(frames, ignore_index=True)
        rows_read += len(data)
        data = data.sort_values(["series_id", "time"], kind="stable", ignore_index=True)
        return rollup_mean(data, source_period, target_period, **kernel)

    result = rollup(
        store, part.stream, source.value, target.value, start, end, series_map, means=means
    )
    if len(result):  # as the rollups job: latest values from every row of the window
        latest = result.assign(
            value=result["value"].where(result["valid"]), source_flag=None, qc_flag=0
        )
        with session_scope(engine) as session:
            update_latest(session, latest)
    return rows_read, int(result["written"].sum())


def _indices(
    settings: Settings, part: BatchPartition, ctx: Mapping[str, Any], engine: Engine
) -> tuple[int, int]:
    from qingshan.indices.service import partition_indices

    store = ObservationStore(settings.observations_dir)
    rep = partition_indices(store, engine, part.stream, part.day, sites=ctx.get("sites"))
    return int(rep.rows_read), int(rep.rows_written)


KIND_TASKS: dict[
    str, Callable[[Settings, BatchPartition, Mapping[str, Any], Engine], tuple[int, int]]
]
KIND_TASKS = {"qc": _qc, "rollups": _rollups, "indices": _indices}


def run_partition(
    settings: Settings,
    part: BatchPartition,
    ctx: Mapping[str, Any],
    run_dir: str,
    *after: Any,
) -> dict[str, Any]:
    """One partition's task (on a worker): its results written, then its committed marker.

    ``after``: results of the partitions this one waits for (unused; Dask orders by them).
    """
    t0 = time.perf_counter()
    engine = get_engine(settings.db_url)
    rows_read, rows_written = KIND_TASKS[part.kind](settings, part, ctx, engine)
    out = {
        "key": part.key,
        "rows_read": rows_read,
        "rows_written": rows_written,
        "seconds": round(time.perf_counter() - t0, 4),
        "pid": os.getpid(),
    }
    _write_atomic(_marker(run_dir, part), out)
    return out


def peak_rss() -> int:
    """This process's peak resident set size [bytes] (``getrusage``: ``ru_maxrss`` is in KiB
    on Linux)."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def reset_stage_peak() -> bool:
    """Start a stage's peak-memory count in this process: on Linux, writing ``5`` to
    ``/proc/self/clear_refs`` resets the peak resident set size (``VmHWM``; proc(5)). False
    where that is not possible (then :func:`stage_peak_rss` falls back to the process's peak)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def stage_peak_rss() -> int:
    """This process's peak resident set size since :func:`reset_stage_peak` [bytes]
    (``VmHWM`` of ``/proc/self/status``, in kB); elsewhere the whole process's peak
    (:func:`peak_rss`)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return peak_rss()


# --------------------------------------------------------------------------- the driver
def _site_streams(engine: Engine, sites: Sequence[str] | None) -> tuple[dict[str, str], list[int]]:
    """Site code → stream of the given sites, and their ids; unknown codes raise."""
    if sites is None:
        return {}, []
    codes = sorted({c.strip() for c in sites if c.strip()})
    if not codes:
        raise BatchArgumentError("--sites is empty: give site codes separated by commas")
    with session_scope(engine) as session:
        found = {
            code: (sid, kind)
            for code, sid, kind in session.execute(
                select(Site.code, Site.id, Site.kind).where(Site.code.in_(codes))
            )
        }
    missing = [c for c in codes if c not in found]
    if missing:
        raise UnknownSite(
            f"unknown site code(s): {', '.join(missing)} (see `qingshan sites` or the registry)",
            codes=missing,
        )
    return {c: STREAM_OF_KIND[k] for c, (_, k) in found.items()}, sorted(
        sid for sid, _ in found.values()
    )


def _series_maps(
    engine: Engine, site_ids: list[int] | None
) -> dict[str, dict[str, dict[int, int]]]:
    """Per roll-up step (``day``, ``month``) and stream: source series id → target series id,
    the target series created where absent (as the ``rollups`` job does)."""
    out: dict[str, dict[str, dict[int, int]]] = {}
    for step, (source, target) in ROLLUP_STEP.items():
        with session_scope(engine) as session:
            out[step] = rollup_series_maps(session, source, target, site_ids=site_ids)
    return out


def _connect(scheduler: str | None, workers: int | None, timeout: float, stack: ExitStack) -> Any:
    """A client of the scheduler at ``scheduler``, or of a new local cluster."""
    from dask.distributed import Client, LocalCluster

    if scheduler is None:
        n = workers or os.cpu_count() or 1
        if n < 1:
            raise BatchArgumentError(f"--workers must be at least 1, got {n}")
        cluster = stack.enter_context(
            LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # a free port: another cluster may hold 8787
                silence_logs=logging.ERROR,
            )
        )
        return stack.enter_context(Client(cluster))
    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachable(
            f"no Dask scheduler answered at {scheduler} within {timeout:g} s "
            f"({type(exc).__name__}: {exc}); start one with `dask scheduler` or omit "
            "--scheduler for a local cluster",
            scheduler=scheduler,
        ) from None
    stack.callback(client.close)
    if workers:
        try:
            client.wait_for_workers(workers, timeout=timeout)
        except TimeoutError:
            raise SchedulerUnreachable(
                f"the scheduler at {scheduler} has fewer than {workers} workers after "
                f"{timeout:g} s; start them with `dask worker {scheduler}`",
                scheduler=scheduler,
            ) from None
    elif not client.scheduler_info().get("workers"):
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise SchedulerUnreachable(
                f"the scheduler at {scheduler} has no worker after {timeout:g} s; "
                f"start one with `dask worker {scheduler}`",
                scheduler=scheduler,
            ) from None
    return client


def run_batch(
    settings: Settings,
    kinds: Sequence[str],
    start: date,
    end: date,
    *,
    sites: Sequence[str] | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    connect_timeout: float = 10.0,
    console: Console | None = None,
) -> BatchReport:
    """Run the batch ``kinds`` over the CST days ``start`` … ``end`` (both included).

    Parameters
    ----------
    settings : Settings
        The data directory (store, markers, locks) and database the workers use.
    kinds : sequence of str
        Among ``qc``, ``rollups``, ``indices``; ``all`` = the three, run in that order (a kind
        starts when the one before it is done).
    start, end : date
        CST calendar days, both included.
    sites : sequence of str, optional
        Site codes: only their series (and their streams' partitions).
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); default: a local cluster of
        ``workers`` single-threaded worker processes (default one per core).
    workers : int, optional
        Local: how many worker processes. With ``scheduler``: wait for that many workers.
    progress : bool
        A Rich progress bar per kind (stderr).
    connect_timeout : float
        How long to wait for the scheduler and its workers [s].

    Raises
    ------
    BatchArgumentError, UnknownSite
        A bad kind, range or site list (nothing is run).
    SchedulerUnreachable
        No scheduler at ``scheduler`` within ``connect_timeout``.
    BatchRunning
        A batch of one of these kinds already runs on this data directory.
    PartitionFailed
        A partition's task raised (the committed partitions stay committed: run it again).
    """
    kinds = expand_kinds(kinds)
    check_range(start, end)
    if workers is not None and workers < 1:
        raise BatchArgumentError(f"--workers must be at least 1, got {workers}")
    console = console or Console(stderr=True)
    t_run = time.perf_counter()
    engine = get_engine(settings.db_url)
    site_streams, site_ids = _site_streams(engine, sites)
    store = ObservationStore(settings.observations_dir)
    layout: list[Partition] = store.partitions()
    parts = plan_partitions(
        kinds, [(p.stream, p.date) for p in layout], start, end, site_streams or None
    )
    key = run_key(kinds, start, end, sorted(site_streams) if sites is not None else None)
    root = batch_dir(settings)
    run_dir = f"{root}/runs/{key}"
    report = BatchReport(
        run_key=key,
        start=start,
        end=end,
        sites=sorted(site_streams) if sites is not None else None,
        scheduler=scheduler,
        workers=0,
        dashboard=None,
        kinds={k: KindReport(k) for k in kinds},
    )
    with ExitStack() as stack:
        for kind in kinds:
            lock = PidLock(settings.data_dir / "batch" / f"{kind}.lock")
            try:
                lock.acquire()
            except LockHeld as held:
                raise BatchRunning(
                    f"a {kind} batch already runs on {settings.data_dir} (pid "
                    f"{held.pid or '?'}); wait for it or stop it (lock {held.path})",
                    pid=held.pid,
                    kind=kind,
                ) from None
            stack.callback(lock.release)
        done = committed(run_dir)
        ctx: dict[str, Any] = {
            "now": datetime.now(UTC),
            "site_ids": site_ids or None,
            "sites": sorted(site_streams) if sites is not None else None,
        }
        client = _connect(scheduler, workers, connect_timeout, stack)
        if "rollups" in kinds:  # the target series, created here once (not by each task)
            ctx["series_maps"] = _series_maps(engine, site_ids or None)
            layout_of: dict[str, list[str]] = {}
            for p in layout:
                layout_of.setdefault(p.stream, []).append(p.date)
            ctx["layout"] = layout_of  # the store's partitions, listed once (not by each task)
        if "qc" in kinds:  # the outlets and their series, read once (not by each task)
            with session_scope(engine) as session:
                ctx["qc_outlets"] = _qc_outlets(session, site_ids or None)
        report.workers = len(client.scheduler_info().get("workers", {}))
        if "qc" in kinds:  # a stream's days in order, so more tasks than streams: groups
            streams = len({p.stream for p in parts if p.kind == "qc"})
            parts = split_outlet_groups(parts, qc_groups(report.workers, streams))
        if report.workers > 1 and settings.db_url.startswith("sqlite"):
            report.warnings.append(SQLITE_WARNING.format(workers=report.workers))
            console.print(f"[yellow]warning:[/] {report.warnings[-1]}")
        if scheduler is not None:
            report.dashboard = client.dashboard_link
            console.print(f"Dask dashboard: {report.dashboard}  (scheduler {scheduler})")
        ctx_future = client.scatter([ctx], broadcast=True)[0]
        for kind in kinds:
            client.run(reset_stage_peak)
            _run_kind(
                client,
                settings,
                kind,
                [p for p in parts if p.kind == kind],
                done,
                ctx_future,
                run_dir,
                report.kinds[kind],
                progress and scheduler is None,
                console,
            )
            report.kinds[kind].peak_rss = {
                addr: int(v) for addr, v in client.run(stage_peak_rss).items()
            }
        # over the whole batch: the largest of the stages' peaks (resetting a stage's count
        # resets ``ru_maxrss`` too) and of the process's peak now
        report.peak_rss = {addr: int(v) for addr, v in client.run(peak_rss).items()}
        for k in report.kinds.values():
            for addr, v in k.peak_rss.items():
                report.peak_rss[addr] = max(report.peak_rss.get(addr, 0), v)
        report.seconds = round(time.perf_counter() - t_run, 3)
        # complete: the report stays, the markers go (under the locks: no other run sees them)
        _write_atomic(f"{root}/runs/{key}.json", report.as_dict())
        fs, rd = _fs(run_dir)
        if fs.exists(rd):
            fs.rm(rd, recursive=True)
    return report


def _run_kind(
    client: Any,
    settings: Settings,
    kind: str,
    parts: list[BatchPartition],
    done: Mapping[str, Mapping[str, Any]],
    ctx: Any,
    run_dir: str,
    out: KindReport,
    bar: bool,
    console: Console,
) -> None:
    """Submit the partitions of one kind not yet committed and wait for them."""
    from dask.distributed import as_completed

    t0 = time.perf_counter()
    out.partitions = len(parts)
    futures: dict[Any, BatchPartition] = {}
    days: dict[tuple[str, str], list[Any]] = {}
    chain: dict[tuple[str, int], Any] = {}  # qc: (stream, outlet group) → the last day's task
    for part in parts:
        prev = done.get(part.key)
        if prev is not None:
            out.skipped += 1
            continue
        after: list[Any] = []
        if part.period == "month":  # after the month's daily values
            after = days.get((part.stream, f"{part.day:%Y-%m}"), [])
        elif part.kind == "qc" and (part.stream, part.group) in chain:
            # after the day before: an exceedance that goes on across CST midnight continues
            # the event the previous day stored (its key), as the live job judging in order
            after = [chain[(part.stream, part.group)]]
        fut = client.submit(
            run_partition,
            settings,
            part,
            ctx,
            run_dir,
            *after,
            key=f"batch-{part.key}-{uuid.uuid4().hex[:8]}",
            pure=False,
        )
        futures[fut] = part
        if part.period == "day":
            days.setdefault((part.stream, f"{part.day:%Y-%m}"), []).append(fut)
        if part.kind == "qc":
            chain[(part.stream, part.group)] = fut
    with Progress(
        TextColumn(f"[bold]{kind}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not bar,
        transient=False,
    ) as prog:
        task = prog.add_task(kind, total=len(parts), completed=out.skipped)
        for fut in as_completed(list(futures)):
            part = futures[fut]
            if fut.status != "finished":
                exc = fut.exception()
                client.cancel(list(futures))
                raise PartitionFailed(
                    f"batch partition {part.key} failed: {type(exc).__name__}: {exc} "
                    "(partitions already committed are kept; run the same command again)",
                    partition=part.key,
                ) from exc
            res = fut.result()
            out.done += 1
            out.rows_read += int(res["rows_read"])
            out.rows_written += int(res["rows_written"])
            prog.advance(task)
    out.seconds = round(time.perf_counter() - t0, 3)
