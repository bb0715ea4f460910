"""The forecast store: every issued forecast, kept as issued, beside (never inside) observations.

A forecast row is keyed by ``(kind, target_id, variable, period, issued_at, target_time,
quantile)`` and carries its ``value`` and the ``model`` and ``model_version`` that made it. This
is not the observation key ``(series_id, time, period)``: a target time has one observed value
but many forecasts (one per issue and quantile), and they must sit side by side.

Layout
------
``<data_dir>/forecasts/kind=<kind>/issued=<YYYY-MM-DD>/batch-<issued_at>.parquet`` — hive
partitions by target kind (``city_air``, ``section_water``) and the China Standard Time date of
the issue; one file per *batch*, a batch being everything one kind issued at one instant
(``issued_at``, UTC, second resolution). A batch is written whole: to a hidden temporary file
(``.tmp-…``, fsynced), then hard-linked to its final name, which fails if that name exists, and
the temporary is removed; the directory is fsynced. A process killed before the link leaves only
a hidden temporary that readers ignore (the old state); killed after it, the batch is complete.

Issued forecasts are never rewritten
------------------------------------
:func:`write_forecasts` of a ``(kind, issued_at)`` batch that already exists is a no-op when the
rows are the same (a re-run of the same issue: it returns ``False``) and raises
:class:`ForecastBatchExistsError` when they differ — a different forecast for an instant already
issued is a bug or a forgery, never an update. Two writers racing on one batch: one link wins,
the other sees the file and compares.

Volume
------
Water, the larger kind: ~100 sections × 4 variables × (24 hourly + 7 daily) × 3 quantiles ≈ 37,200
rows a day, ~13.6 M a year — one ~300 kB file a day; the air kind is 11 cities × 7 variables ×
3 days × 3 quantiles = 693 rows a day. Reads go through DuckDB's ``read_parquet`` over the files
of the partitions in range (the ``issued`` partition prunes by issue date).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from qingshan.errors import QingshanError
from qingshan.timeseries import layout
from qingshan.timeutil import CST

KINDS = ("city_air", "section_water")
"""Target kinds: a city's daily air quality, a water section's indicators."""

PERIODS = ("hour", "day")
"""What a target time stands for: the hour or the (CST) day that starts at it."""

FORECAST_SCHEMA = pa.schema(
    [
        pa.field("target_id", pa.string(), nullable=False),
        pa.field("variable", pa.string(), nullable=False),
        pa.field("period", pa.string(), nullable=False),
        pa.field("issued_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("target_time", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("quantile", pa.float64(), nullable=False),
        pa.field("value", pa.float64()),
        pa.field("model", pa.string(), nullable=False),
        pa.field("model_version", pa.string(), nullable=False),
    ]
)
"""Columns of a stored forecast row (``kind`` and ``issued`` are the partition columns)."""

KEY = ("target_id", "variable", "period", "issued_at", "target_time", "quantile")
"""The key of a row within its kind."""

COLUMNS = ("kind", *(f.name for f in FORECAST_SCHEMA))
"""Columns a read returns."""

SUBDIR = "forecasts"


class ForecastStoreError(QingshanError):
    """Base class of the forecast store's errors."""


class ForecastValidationError(ForecastStoreError):
    """Rows handed to :func:`write_forecasts` do not fit the forecast schema; nothing written."""

    status_code = 422


class ForecastBatchExistsError(ForecastStoreError):
    """A batch ``(kind, issued_at)`` exists with other rows: issued forecasts are never rewritten."""

    status_code = 409

    def __init__(self, kind: str, issued_at: datetime, path: Path) -> None:
        super().__init__(
            f"a {kind} forecast issued at {issued_at.isoformat()} is already stored ({path.name})"
            " with other values; issued forecasts are never rewritten",
            kind=kind,
            issued_at=issued_at,
            path=str(path),
        )
        self.kind, self.issued_at, self.path = kind, issued_at, path


@dataclass(frozen=True)
class ForecastModel:
    """The model that issued a batch: a name (``lightgbm-global``) and a version string."""

    name: str
    version: str


def forecast_root(data_dir: Path) -> Path:
    """The directory of the forecast dataset under a data dir."""
    return Path(data_dir) / SUBDIR


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ForecastValidationError(f"unknown forecast kind {kind!r}; known: {list(KINDS)}")
    return kind


def _utc(value: datetime | pd.Timestamp, name: str) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        raise ForecastValidationError(f"{name} must be timezone-aware, got naive {value!r}")
    return ts.tz_convert("UTC")


def _issued_utc(issued_at: datetime) -> pd.Timestamp:
    ts = _utc(issued_at, "issued_at")
    if ts != ts.floor("s"):
        raise ForecastValidationError(f"issued_at must be whole seconds, got {issued_at!r}")
    return ts


def batch_path(data_dir: Path, kind: str, issued_at: datetime) -> Path:
    """Where the batch ``(kind, issued_at)`` is (or would be) stored."""
    ts = _issued_utc(issued_at)
    day = ts.tz_convert(CST).date().isoformat()
    name = f"batch-{ts.strftime('%Y%m%dT%H%M%SZ')}.parquet"
    return forecast_root(data_dir) / f"kind={_kind(kind)}" / f"issued={day}" / name


def has_batch(data_dir: Path, kind: str, issued_at: datetime) -> bool:
    """Whether the batch ``(kind, issued_at)`` is stored."""
    return batch_path(data_dir, kind, issued_at).exists()


def to_forecast_table(frame: pd.DataFrame, issued_at: datetime, model: ForecastModel) -> pa.Table:
    """Validate ``frame`` and return it as a sorted :data:`FORECAST_SCHEMA` table.

    Parameters
    ----------
    frame : DataFrame
        Columns ``target_id`` (str), ``variable`` (str), ``target_time`` (tz-aware),
        ``quantile`` (in (0, 1)), ``value`` (float, NaN allowed: no forecast), optional
        ``period`` (``"day"`` by default).
    issued_at : datetime
        The issue instant (tz-aware, whole seconds).
    model : ForecastModel
        The model that issued the rows.
    """
    missing = [
        c for c in ("target_id", "variable", "target_time", "quantile", "value") if c not in frame
    ]
    if missing:
        raise ForecastValidationError(f"forecast rows lack columns {missing}")
    if not model.name or not model.version:
        raise ForecastValidationError("a forecast needs a model name and version")
    issued = _issued_utc(issued_at)
    df = pd.DataFrame(
        {
            "target_id": frame["target_id"].astype(str).to_numpy(),
            "variable": frame["variable"].astype(str).to_numpy(),
            "period": (frame["period"].astype(str) if "period" in frame else "day"),
        },
        index=frame.index,
    )
    bad_period = sorted(set(df["period"]) - set(PERIODS))
    if bad_period:
        raise ForecastValidationError(f"unknown period {bad_period}; known: {list(PERIODS)}")
    target = pd.to_datetime(frame["target_time"])
    if getattr(target.dt, "tz", None) is None:
        raise ForecastValidationError("target_time must be timezone-aware")
    df["issued_at"] = issued
    df["target_time"] = target.dt.tz_convert("UTC")
    q = pd.to_numeric(frame["quantile"], errors="coerce").astype(float)
    if not ((q > 0) & (q < 1)).all():
        raise ForecastValidationError("quantile must lie strictly between 0 and 1")
    df["quantile"] = q
    df["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    df["model"], df["model_version"] = model.name, model.version
    if df[["target_id", "variable"]].isna().any().any():
        raise ForecastValidationError("target_id and variable must be given on every row")
    dup = df.duplicated(list(KEY))
    if dup.any():
        row = df[dup].iloc[0]
        raise ForecastValidationError(
            f"duplicate forecast key: {row['target_id']} {row['variable']} "
            f"{row['target_time'].isoformat()} q={row['quantile']}"
        )
    df = df.sort_values(["target_id", "variable", "period", "target_time", "quantile"])
    return pa.Table.from_pandas(
        df.reset_index(drop=True), schema=FORECAST_SCHEMA, preserve_index=False
    )


def _same(path: Path, table: pa.Table) -> bool:
    old = pq.read_table(path, schema=FORECAST_SCHEMA)
    return bool(old.equals(table))


def write_forecasts(
    data_dir: Path,
    kind: str,
    issued_at: datetime,
    frame: pd.DataFrame,
    model: ForecastModel,
) -> bool:
    """Store one issued batch of forecasts.

    Parameters
    ----------
    data_dir : Path
        The platform's data dir (the dataset is under ``forecasts/``).
    kind : str
        ``city_air`` or ``section_water``.
    issued_at : datetime
        The issue instant (tz-aware, whole seconds) [UTC inside].
    frame : DataFrame
        The rows (see :func:`to_forecast_table`).
    model : ForecastModel
        The model that issued them.

    Returns
    -------
    bool
        True when the batch was written, False when the same batch was already stored.

    Raises
    ------
    ForecastValidationError
        Bad rows; nothing written.
    ForecastBatchExistsError
        The batch exists with other rows; nothing written.
    """
    table = to_forecast_table(frame, issued_at, model)
    final = batch_path(data_dir, kind, issued_at)
    if final.exists():
        if _same(final, table):
            return False
        raise ForecastBatchExistsError(kind, issued_at, final)
    tmp, _ = layout.write_temp(table, final.parent, "batch", "zstd")
    try:
        os.link(tmp, final)  # atomic, and never replaces an existing batch
    except FileExistsError:
        layout.discard([tmp])
        if _same(final, table):
            return False
        raise ForecastBatchExistsError(kind, issued_at, final) from None
    except BaseException:
        layout.discard([tmp])
        raise
    layout.discard([tmp])  # removes the temporary name and fsyncs the directory
    return True


def _day_dirs(root: Path, kind: str, first: date | None, last: date | None) -> list[Path]:
    kdir = root / f"kind={kind}"
    if not kdir.is_dir():
        return []
    out = []
    for d in kdir.iterdir():
        if not d.is_dir() or not d.name.startswith("issued="):
            continue
        day = d.name.removeprefix("issued=")
        if first is not None and day < first.isoformat():
            continue
        if last is not None and day > last.isoformat():
            continue
        out.append(d)
    return sorted(out)


def list_batches(data_dir: Path, kind: str) -> list[pd.Timestamp]:
    """The issue instants of the stored batches of ``kind``, oldest first [UTC]."""
    files = _files(forecast_root(data_dir), _kind(kind), None, None)
    return sorted(pd.Timestamp(p.stem.removeprefix("batch-")) for p in files)


def _files(root: Path, kind: str, first: date | None, last: date | None) -> list[Path]:
    files: list[Path] = []
    for d in _day_dirs(root, kind, first, last):
        files.extend(
            p for p in d.iterdir() if p.suffix == ".parquet" and not p.name.startswith((".", "_"))
        )
    return sorted(files)


def _empty() -> pd.DataFrame:
    frame = FORECAST_SCHEMA.empty_table().to_pandas()
    frame.insert(0, "kind", pd.Series(dtype=object))
    return frame


def read_forecasts(
    data_dir: Path,
    kind: str,
    *,
    target_ids: Iterable[str] | None = None,
    variables: Iterable[str] | None = None,
    issued_from: datetime | None = None,
    issued_to: datetime | None = None,
    target_from: datetime | None = None,
    target_to: datetime | None = None,
    latest_only: bool = False,
) -> pd.DataFrame:
    """Stored forecasts of ``kind``, filtered.

    Parameters
    ----------
    data_dir : Path
        The platform's data dir.
    kind : str
        ``city_air`` or ``section_water``.
    target_ids, variables : iterable of str, optional
        Only these targets / variables.
    issued_from, issued_to : datetime, optional
        Inclusive range of ``issued_at`` (tz-aware).
    target_from, target_to : datetime, optional
        Inclusive range of ``target_time`` (tz-aware).
    latest_only : bool
        Keep, for each target, only the rows of its latest issue among those matched (the
        "current forecast" of a target).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, sorted by target, variable, period, issue, target time, quantile; times
        tz-aware UTC.
    """
    _kind(kind)
    lo = None if issued_from is None else _utc(issued_from, "issued_from")
    hi = None if issued_to is None else _utc(issued_to, "issued_to")
    # the CST issue day of a partition bounds its batches: prune with one day of slack
    first = None if lo is None else (lo.tz_convert(CST) - timedelta(days=1)).date()
    last = None if hi is None else (hi.tz_convert(CST) + timedelta(days=1)).date()
    files = _files(forecast_root(data_dir), kind, first, last)
    if not files:
        return _empty()
    where, params = [], []
    if target_ids is not None:
        ids = sorted({str(t) for t in target_ids})
        if not ids:
            return _empty()
        where.append("target_id IN (SELECT unnest(?))")
        params.append(ids)
    if variables is not None:
        names = sorted({str(v) for v in variables})
        if not names:
            return _empty()
        where.append("variable IN (SELECT unnest(?))")
        params.append(names)
    for col, op, value, name in (
        ("issued_at", ">=", lo, None),
        ("issued_at", "<=", hi, None),
        ("target_time", ">=", target_from, "target_from"),
        ("target_time", "<=", target_to, "target_to"),
    ):
        if value is not None:
            ts = value if name is None else _utc(value, name)
            where.append(f"{col} {op} ?")
            params.append(pd.Timestamp(ts).to_pydatetime())
    sql = "SELECT * FROM read_parquet(?, hive_partitioning = false, union_by_name = false)" + (
        " WHERE " + " AND ".join(where) if where else ""
    )
    if latest_only:
        sql = f"SELECT * FROM ({sql}) QUALIFY issued_at = max(issued_at) OVER (PARTITION BY target_id)"
    sql += " ORDER BY target_id, variable, period, issued_at, target_time, quantile"
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        table = con.sql(sql, params=[[str(f) for f in files], *params]).to_arrow_table()
    finally:
        con.close()
    frame = table.cast(FORECAST_SCHEMA).to_pandas()
    frame.insert(0, "kind", kind)
    return frame
