"""From HJ 212 packets to observation rows, and from the journal into the observation store.

Pure core: :func:`readings_from_packet` turns one packet into readings (code normalised to
HJ 212-2017 Appendix B, period from the CN, time = start of the period in UTC) and
:func:`observation_tables` turns readings plus a series map into one ``OBSERVATION_SCHEMA`` table
per stream. Edges: :func:`ensure_series` (relational store) and :class:`JournalIngestor`, which
moves journal records into the :class:`~qingshan.timeseries.store.ObservationStore` and keeps a
checkpoint. Rows go in with :meth:`~qingshan.timeseries.store.ObservationStore.append_new`:
a re-sent packet, a repeated history upload or a replay of the records after the checkpoint
(after ``kill -9``) writes nothing already stored — nothing acknowledged is lost, nothing is
stored twice, not even physically.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, NotRequired, Protocol, TypedDict, runtime_checkable

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from qingshan.db.engine import session_scope
from qingshan.hj212.backfill import BackfillWindow, backfill_of
from qingshan.hj212.codec import Packet, parse
from qingshan.hj212.command_service import backfill_windows
from qingshan.hj212.errors import HJ212Error
from qingshan.hj212.journal import Position, end_position, prune_ingested, read_records
from qingshan.hj212.registry import sites_of_devices
from qingshan.monitoring import registry
from qingshan.monitoring.models import STREAM_OF_KIND, Period
from qingshan.standards.errors import UnknownPollutantCode
from qingshan.standards.pollutant_codes import medium_of_st, normalise_code, parameter_of
from qingshan.timeseries.schema import OBSERVATION_SCHEMA

#: HJ 212-2017 Table 9: the CN of each observation period; DataTime is the period's start
PERIOD_OF_CN: Mapping[str, str] = {"2011": "rtd", "2051": "min", "2061": "hour", "2031": "day"}
#: the CP suffix that carries the period's value (§6.3.3 Table 4)
VALUE_SUFFIX: Mapping[str, str] = {"rtd": "Rtd", "min": "Avg", "hour": "Avg", "day": "Avg"}
#: the factor's other values stored too, each as parameter ``<code>-<suffix>`` (§6.3.3.2
#: Table 4; :data:`~qingshan.standards.pollutant_codes.STATISTICS`)
STATISTIC_SUFFIXES: Mapping[str, tuple[str, ...]] = {
    "rtd": ("ZsRtd",),
    **dict.fromkeys(("min", "hour", "day"), ("Min", "Max", "Cou", "ZsMin", "ZsAvg", "ZsMax")),
}
#: per period: CP suffix → the statistic it is stored as ("" for the value itself)
_STORED: Mapping[str, Mapping[str, str]] = {
    period: {VALUE_SUFFIX[period]: "", **{s: s for s in STATISTIC_SUFFIXES[period]}}
    for period in VALUE_SUFFIX
}
_ALIGN_US = {"min": 60_000_000, "hour": 3_600_000_000}
#: the store lock every journal's ingest holds around look-up, append and latest values, so
#: that two listeners' ingests never both find a re-sent row missing
STORE_LOCK = "hj212-ingest"
_NEVER = np.iinfo(np.int64).min


def _micros(value: datetime | None) -> int:
    """µs since the epoch (``value`` tz-aware), or the smallest int64 for None."""
    if value is None:
        return int(_NEVER)
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


class Reading(NamedTuple):
    mn: str
    code: str  # HJ 212-2017 code
    period: str
    time: datetime  # UTC, start of the period
    raw_value: float
    source_flag: str | None
    source: str  # "MN:QN"
    received_at: datetime
    revision: int


#: (MN, HJ 212-2017 code, period) of a reading
SeriesKey = tuple[str, str, str]
#: series id and stream (partition) of a :data:`SeriesKey`
SeriesRef = tuple[int, str]


class StoreLike(Protocol):
    """Where ingest appends observation rows (an
    :class:`~qingshan.timeseries.store.ObservationStore`, or a test double)."""

    def append(self, rows: pa.Table, stream: str) -> int: ...


@runtime_checkable
class DedupingStore(StoreLike, Protocol):
    """A store that appends only what changes a read (an
    :class:`~qingshan.timeseries.store.ObservationStore`): a re-sent packet is stored once."""

    def append_new(
        self, rows: pa.Table, stream: str, *, check: np.ndarray | None = None
    ) -> int: ...

    def lock(self, name: str) -> AbstractContextManager[None]: ...


@lru_cache(maxsize=4096)
def _is_parameter(code: str) -> bool:
    try:
        parameter_of(code)
    except UnknownPollutantCode:
        return False
    return True


@lru_cache(maxsize=4096)
def _normalise(code: str, medium: str) -> str | None:
    try:
        return normalise_code(code, medium)
    except UnknownPollutantCode:  # counted as "unknown_code" by the caller
        return None


def readings_from_packet(
    packet: Packet, received_at: datetime
) -> tuple[list[Reading], list[tuple[str, str]]]:
    """Readings of one data packet, and (reason, detail) for what was left out.

    Only real-time (2011), minute (2051), hourly (2061) and daily (2031) data carry
    observations; for them each ``<code>-Rtd`` (real time) or ``<code>-Avg`` (periods) value
    becomes a reading of ``code``, and each ``-ZsRtd`` (real time) or ``-Min``/``-Max``/
    ``-Cou``/``-ZsMin``/``-ZsAvg``/``-ZsMax`` (periods) value a reading of ``<code>-<suffix>``
    (§6.3.3.2 Table 4), all with the factor's ``-Flag`` data flag (Table 8). 2005 codes are
    mapped to 2017 codes with the medium of the packet's ST (HJ 212-2017 Appendix B); a
    ``-Cou`` of a code without a discharge unit (Appendix B) is left out as ``unknown_code``.
    """
    period = PERIOD_OF_CN.get(packet.cn or "")
    if period is None:
        return [], []
    if packet.data_time is None or packet.mn is None:
        return [], [("no_datatime", f"CN={packet.cn} without DataTime or MN")]
    time = packet.data_time
    step = _ALIGN_US.get(period)
    if step is not None and (time.second or time.microsecond or (step > 60e6 and time.minute)):
        return [], [("misaligned_time", f"DataTime {time.isoformat()} is not a {period} start")]
    stored = _STORED[period]
    medium = medium_of_st(packet.st or "")
    source = f"{packet.mn}:{packet.qn or packet.fields.get('DataTime', '')}"
    revision = 1 if packet.rf else 0
    out: list[Reading] = []
    skipped: list[tuple[str, str]] = []
    for key, value in packet.values.items():
        raw_code, _, suffix = key.rpartition("-")
        statistic = stored.get(suffix)
        if statistic is None or not raw_code:
            continue
        code = _normalise(f"{raw_code}-{statistic}" if statistic else raw_code, medium)
        if code is None:
            skipped.append(("unknown_code", key if statistic else raw_code))
            continue
        flag = packet.data_flags.get(raw_code + "-Flag")
        out.append(
            Reading(packet.mn, code, period, time, value, flag or None, source, received_at,
                    revision)
        )  # fmt: skip
    return out, skipped


def mark_backfill(
    readings: list[Reading],
    packet: Packet,
    received_at: datetime,
    windows: Sequence[BackfillWindow],
) -> list[Reading]:
    """The readings of a frame that answers a back-fill request (补传, HJ 212-2017 App. C.20)
    get the source ``<MN>:<QN>;backfill=<command id>``; others are returned as they are."""
    command = backfill_of(windows, packet.mn, packet.cn, packet.data_time, received_at)
    if command is None:
        return readings
    return [r._replace(source=f"{r.source};backfill={command}") for r in readings]


def observation_tables(
    readings: Iterable[Reading], series: Mapping[SeriesKey, SeriesRef]
) -> dict[str, pa.Table]:
    """One ``OBSERVATION_SCHEMA`` table per stream. ``series`` maps (MN, code, period) to
    (series id, stream); readings without a series are left out. ``value`` = ``raw_value``
    (cleaning and unit conversion are QC's job); ``qc_flag`` 0 = not evaluated."""
    columns: dict[str, dict[str, list[object]]] = {}
    for r in readings:
        hit = series.get((r.mn, r.code, r.period))
        if hit is None:
            continue
        sid, stream = hit
        cols = columns.get(stream)
        if cols is None:
            cols = columns[stream] = {name: [] for name in OBSERVATION_SCHEMA.names}
        cols["series_id"].append(sid)
        cols["time"].append(r.time)
        cols["period"].append(r.period)
        cols["value"].append(r.raw_value)
        cols["raw_value"].append(r.raw_value)
        cols["source_flag"].append(r.source_flag)
        cols["qc_flag"].append(0)
        cols["source"].append(r.source)
        cols["received_at"].append(r.received_at)
        cols["revision"].append(r.revision)
    return {
        stream: pa.Table.from_pydict(cols, schema=OBSERVATION_SCHEMA)
        for stream, cols in columns.items()
    }


# ---------------------------------------------------------------------------- edges


def ensure_series(session: Session, keys: Iterable[SeriesKey]) -> dict[SeriesKey, SeriesRef]:
    """Series id and stream of each (MN, code, period), creating Parameter/Series rows.

    Keys whose device is unknown or not bound to a site, or whose code is not in Appendix B,
    are absent from the result.
    """
    keys = set(keys)
    mns = {k[0] for k in keys}
    sites = sites_of_devices(session, mns)
    known = [(mn, code, Period(period)) for mn, code, period in sorted(keys)
             if mn in sites and _is_parameter(code)]  # fmt: skip
    series = registry.ensure_series(
        session, [(sites[mn].id, code, period, None) for mn, code, period in known]
    )
    return {
        (mn, code, period.value): (
            series[(sites[mn].id, code, period)].id,
            STREAM_OF_KIND.get(sites[mn].kind, "other"),
        )
        for mn, code, period in known
    }


class _Checkpoint(TypedDict):
    """``ingest.checkpoint.json``: the position after the stored records, and the end of the
    batch in flight (None when no batch is)."""

    position: list[int]
    pending: list[int] | None
    at: NotRequired[str]


@dataclass
class IngestResult:
    records: int = 0
    packets: int = 0
    rows: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    position: Position = (0, 0)


class JournalIngestor:
    """Moves journal records into the observation store, checkpointing the position.

    The checkpoint (``<journal>/ingest.checkpoint.json``, replaced atomically) marks a batch as
    pending before the store append and advances the position after it. After a crash in
    between, the batch is read again and every row of it looked up in the store before
    appending, so every record ends up in the store exactly once, physically too.
    """

    def __init__(self, journal_dir: Path, engine: Engine, store: StoreLike) -> None:
        self.journal_dir = Path(journal_dir)
        self.engine = engine
        self.store = store
        self.checkpoint_path = self.journal_dir / "ingest.checkpoint.json"
        self._series: dict[SeriesKey, SeriesRef] = {}
        self._lock = threading.Lock()

    def _read(self) -> _Checkpoint:
        try:
            data: _Checkpoint = json.loads(self.checkpoint_path.read_text())
        except FileNotFoundError:
            return {"position": [0, 0], "pending": None}
        return data

    def checkpoint(self) -> Position:
        """Position after the last record known to be in the store."""
        segment, offset = self._read()["position"]
        return (int(segment), int(offset))

    def _save(self, position: Position, pending: Position | None = None) -> None:
        tmp = self.checkpoint_path.with_suffix(".tmp")
        with open(tmp, "w") as fh:
            json.dump(
                {"position": list(position), "pending": None if pending is None else list(pending),
                 "at": datetime.now(UTC).isoformat()}, fh,
            )  # fmt: skip
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.checkpoint_path)

    def _append(self, tables: Mapping[str, pa.Table], recovering: bool) -> int:
        """Append ``tables`` (stream → rows); returns the rows written. A store that can
        (:class:`DedupingStore`) writes only rows that are not stored yet: the rows of a
        series not newer than its latest value are looked up (a re-sent or back-filled packet,
        a late one), and all rows after a crash mid-batch. Call under :attr:`STORE_LOCK`."""
        store = self.store
        if not isinstance(store, DedupingStore):
            return sum(store.append(table, stream) for stream, table in tables.items())
        latest: dict[int, datetime] = {}
        if not recovering:
            ids = {i for t in tables.values() for i in t.column("series_id").to_pylist()}
            with session_scope(self.engine) as session:
                latest = registry.latest_times(session, ids)
        written = 0
        for stream, table in tables.items():
            check = None
            if not recovering:
                newest = np.array(
                    [_micros(latest.get(i)) for i in table.column("series_id").to_pylist()],
                    dtype=np.int64,
                )
                check = table.column("time").cast(pa.int64()).to_numpy() <= newest
            written += store.append_new(table, stream, check=check)
        return written

    def lag(self) -> int:
        """Records written to the journal but not yet ingested (approximate, cheap)."""
        return sum(1 for _ in read_records(self.journal_dir, self.checkpoint(), limit=100_000))

    def run_once(self, limit: int = 20_000, upto: Position | None = None) -> IngestResult:
        """Ingest up to ``limit`` records after the checkpoint (up to ``upto`` if given).
        One batch at a time across threads and processes (``ingest.lock``, ``flock``): a
        worker left over from a killed listener and the restarted listener never overlap."""
        with self._lock:
            self.journal_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.journal_dir / "ingest.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                return self._run_once(limit, upto)
            finally:
                os.close(fd)  # releases the lock

    def _run_once(self, limit: int, upto: Position | None) -> IngestResult:
        result = IngestResult(position=self.checkpoint())
        records = list(read_records(self.journal_dir, result.position, limit=limit, end=upto))
        if not records:
            return result
        readings: list[Reading] = []
        windows = self._backfill_windows(records[0].received_at_us)
        for rec in records:
            try:
                packet = parse(rec.frame, check_crc=False)  # checked by the listener
            except HJ212Error as exc:
                result.skipped[exc.reason] = result.skipped.get(exc.reason, 0) + 1
                continue
            received = datetime.fromtimestamp(rec.received_at_us / 1e6, UTC)
            got, skipped = readings_from_packet(packet, received)
            if windows and got:
                got = mark_backfill(got, packet, received, windows)
            result.packets += 1
            readings.extend(got)
            for reason, _ in skipped:
                result.skipped[reason] = result.skipped.get(reason, 0) + 1
        keys = {(r.mn, r.code, r.period) for r in readings}
        missing = keys - self._series.keys()
        if missing:
            with session_scope(self.engine) as session:
                self._series.update(ensure_series(session, missing))
        unmapped = sum(1 for r in readings if (r.mn, r.code, r.period) not in self._series)
        if unmapped:
            result.skipped["no_series"] = unmapped
        end = records[-1].next
        # a batch interrupted between store append and checkpoint is looked up row by row on
        # replay, so nothing is stored twice even physically; mark the batch as in flight
        recovering = self._read().get("pending") is not None
        self._save(result.position, pending=end)
        tables = observation_tables(readings, self._series)
        if tables:
            lock = self.store.lock(STORE_LOCK) if isinstance(self.store, DedupingStore) else None
            with lock or nullcontext():  # look-up, append and latest values: one ingest at a time
                result.rows = self._append(tables, recovering)
                with session_scope(self.engine) as session:  # for maps and dashboards
                    registry.update_latest(
                        session, pa.concat_tables(list(tables.values())).to_pandas()
                    )
        result.records = len(records)
        result.position = end
        self._save(end)
        prune_ingested(self.journal_dir, end)
        return result

    def _backfill_windows(self, since_us: int) -> list[BackfillWindow]:
        """The back-fill requests running or finished since ``since_us`` (one query)."""
        with session_scope(self.engine) as session:
            return backfill_windows(session, datetime.fromtimestamp(since_us / 1e6, UTC))

    def run_all(self, batch: int = 20_000) -> IngestResult:
        """Ingest everything up to the journal's current end."""
        total = IngestResult(position=self.checkpoint())
        end = end_position(self.journal_dir)
        while True:
            res = self.run_once(batch, upto=(end[0], end[1] + 1))
            if not res.records:
                return total
            total.records += res.records
            total.packets += res.packets
            total.rows += res.rows
            total.position = res.position
            for k, v in res.skipped.items():
                total.skipped[k] = total.skipped.get(k, 0) + v
