"""The observation store: append, query, latest values, compaction, roll-ups (Parquet + DuckDB)."""

from qingshan.timeseries.errors import (
    CorruptFileError,
    ObservationValidationError,
    QueryArgumentError,
    StoreIOError,
    TimeseriesError,
)
from qingshan.timeseries.rollup_job import rollup
from qingshan.timeseries.schema import NATURAL_KEY, OBSERVATION_SCHEMA, PARTITION_COLUMNS, PERIODS
from qingshan.timeseries.store import ObservationStore

__all__ = [
    "NATURAL_KEY",
    "OBSERVATION_SCHEMA",
    "PARTITION_COLUMNS",
    "PERIODS",
    "CorruptFileError",
    "ObservationStore",
    "ObservationValidationError",
    "QueryArgumentError",
    "StoreIOError",
    "TimeseriesError",
    "rollup",
]
