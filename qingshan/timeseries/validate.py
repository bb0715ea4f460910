"""Validation of rows on their way into the observation store.

:func:`to_observation_table` turns a pandas DataFrame or a PyArrow table into a table of exactly
:data:`~qingshan.timeseries.schema.OBSERVATION_SCHEMA`, or raises
:class:`~qingshan.timeseries.errors.ObservationValidationError` naming the column and the first
offending row. It is pure: the caller supplies the default ``received_at``.
"""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qingshan.timeseries.errors import ObservationValidationError
from qingshan.timeseries.schema import NATURAL_KEY, OBSERVATION_SCHEMA, PERIODS

STREAM_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
"""A stream name: lower-case ASCII, digits and underscores (it becomes a directory name)."""

REQUIRED = NATURAL_KEY
DEFAULTS_NULL = ("value", "raw_value", "source_flag", "source")
TIME_COLUMNS = ("time", "received_at")
ALIGNMENT_US = {"min": 60_000_000, "hour": 3_600_000_000}
"""``time`` must be a whole minute / hour for these periods [µs] (UTC and CST differ by 8 h)."""


def check_stream(stream: str) -> str:
    """Return ``stream`` if it is a valid stream name, else raise."""
    if not isinstance(stream, str) or not STREAM_RE.match(stream):
        raise ObservationValidationError(
            f"stream must match {STREAM_RE.pattern} (lower-case letters, digits, '_'), "
            f"got {stream!r}"
        )
    return stream


def _first_index(mask: pa.Array | pa.ChunkedArray) -> int:
    """Position of the first true value of a boolean array (nulls count as false)."""
    arr = np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)
    return int(np.flatnonzero(arr)[0])


def _from_pandas(rows: pd.DataFrame) -> pa.Table:
    rows = rows.reset_index(drop=True)
    arrays, names = [], []
    for name in rows.columns:
        col = rows[name]
        field = OBSERVATION_SCHEMA.field(name) if name in OBSERVATION_SCHEMA.names else None
        try:
            if field is not None and pa.types.is_timestamp(field.type):
                if not isinstance(col.dtype, pd.DatetimeTZDtype):
                    if pd.api.types.is_datetime64_any_dtype(col.dtype):
                        raise ObservationValidationError(
                            "timestamps must be timezone-aware (UTC), got naive datetimes",
                            column=name,
                            row=0,
                        )
                    col = pd.to_datetime(col, utc=False)
                    if not isinstance(col.dtype, pd.DatetimeTZDtype):
                        raise ObservationValidationError(
                            "timestamps must be timezone-aware (UTC)", column=name, row=0
                        )
            arrays.append(pa.array(col, from_pandas=True))
        except ObservationValidationError:
            raise
        except (pa.ArrowException, ValueError, TypeError) as exc:
            raise ObservationValidationError(f"cannot convert: {exc}", column=str(name)) from exc
        names.append(str(name))
    return pa.Table.from_arrays(arrays, names=names)


def _cast_column(table: pa.Table, name: str) -> pa.ChunkedArray:
    field = OBSERVATION_SCHEMA.field(name)
    col = table.column(name)
    if pa.types.is_timestamp(field.type):
        if not pa.types.is_timestamp(col.type):
            raise ObservationValidationError(
                f"expected timezone-aware timestamps, got {col.type}", column=name
            )
        if col.type.tz is None:
            raise ObservationValidationError(
                "timestamps must be timezone-aware (UTC), got naive timestamps",
                column=name,
                row=0 if len(col) else None,
            )
    if pa.types.is_floating(field.type) and pa.types.is_floating(col.type):
        col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)  # NaN means missing
        col = pc.add(col, pa.scalar(0.0, col.type))  # -0.0 + 0.0 == +0.0: one zero, one key
    if pa.types.is_null(col.type):
        return pa.chunked_array([pa.nulls(len(col), field.type)])
    try:
        return pc.cast(col, field.type, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        raise ObservationValidationError(
            f"cannot cast {col.type} to {field.type}: {exc}", column=name
        ) from exc


def to_observation_table(rows: pa.Table | pd.DataFrame, *, received_at: datetime) -> pa.Table:
    """Validate ``rows`` and return them as a table of ``OBSERVATION_SCHEMA``.

    Parameters
    ----------
    rows : pyarrow.Table or pandas.DataFrame
        At least ``series_id``, ``time`` and ``period``; any other column of the schema is
        optional (``value``, ``raw_value``, ``source_flag``, ``source`` default to null,
        ``qc_flag`` and ``revision`` to 0, ``received_at`` to the argument). Timestamps must be
        timezone-aware; other zones are converted to UTC. NaN values are stored as null.
    received_at : datetime
        Default arrival time for rows without a ``received_at`` column [UTC, tz-aware].

    Returns
    -------
    pyarrow.Table
        The rows, with exactly the schema's columns and types.

    Raises
    ------
    ObservationValidationError
        Unknown or missing column, wrong type, null in a required column, naive or out-of-range
        timestamp, unknown period, negative revision, misaligned minute/hour time.
    """
    if isinstance(rows, pd.DataFrame):
        table = _from_pandas(rows)
    elif isinstance(rows, pa.Table):
        table = rows
    else:
        raise ObservationValidationError(
            f"rows must be a pandas.DataFrame or pyarrow.Table, got {type(rows).__name__}"
        )
    unknown = [n for n in table.column_names if n not in OBSERVATION_SCHEMA.names]
    if unknown:
        raise ObservationValidationError(
            f"unknown column(s) {unknown}; allowed: {list(OBSERVATION_SCHEMA.names)}",
            column=unknown[0],
        )
    if len(set(table.column_names)) != len(table.column_names):
        raise ObservationValidationError(f"duplicate column names in {table.column_names}")
    for name in REQUIRED:
        if name not in table.column_names:
            raise ObservationValidationError("required column is missing", column=name)
    n = table.num_rows
    columns = {}
    for field in OBSERVATION_SCHEMA:
        name = field.name
        if name in table.column_names:
            col = _cast_column(table, name)
        elif name in DEFAULTS_NULL:
            col = pa.chunked_array([pa.nulls(n, field.type)])
        elif name == "received_at":
            ts = pa.scalar(pd.Timestamp(received_at).tz_convert("UTC"), field.type)
            col = pa.chunked_array([pa.array([ts.value] * n, pa.int64()).cast(field.type)])
        else:  # qc_flag, revision
            col = pa.chunked_array([pa.array(np.zeros(n, dtype=field.type.to_pandas_dtype()))])
        if not field.nullable and col.null_count:
            raise ObservationValidationError(
                "null in a required column", column=name, row=_first_index(pc.is_null(col))
            )
        columns[name] = col
    period = columns["period"]
    bad = pc.invert(pc.is_in(period, value_set=pa.array(PERIODS)))
    if n and pc.any(bad).as_py():
        i = _first_index(bad)
        raise ObservationValidationError(
            f"unknown period {period[i].as_py()!r}; known: {list(PERIODS)}", column="period", row=i
        )
    if n and pc.any(pc.less(columns["revision"], 0)).as_py():
        i = _first_index(pc.less(columns["revision"], 0))
        raise ObservationValidationError("revision must be >= 0", column="revision", row=i)
    time_us = pc.cast(columns["time"], pa.int64()).to_numpy()
    period_np = period.to_numpy(zero_copy_only=False)
    for p, step in ALIGNMENT_US.items():
        mis = (period_np == p) & (np.mod(time_us, step) != 0)
        if mis.any():
            i = int(np.flatnonzero(mis)[0])
            raise ObservationValidationError(
                f"time {columns['time'][i].as_py().isoformat()} is not the start of a {p} period",
                column="time",
                row=i,
            )
    return pa.Table.from_pydict(
        {
            k: v.combine_chunks() if isinstance(v, pa.ChunkedArray) else v
            for k, v in columns.items()
        },
        schema=OBSERVATION_SCHEMA,
    )
