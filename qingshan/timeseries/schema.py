"""The observation row: the one shape every monitoring value takes in the Parquet store.

Natural key: (series_id, time, period). ``time`` is the start of the period, UTC. The dataset
is hive-partitioned by ``stream`` (air, water, gas_outlet, water_outlet, ...) and ``date`` (UTC
date of ``time``, ``YYYY-MM-DD``).
"""

from __future__ import annotations

import pyarrow as pa

OBSERVATION_SCHEMA = pa.schema(
    [
        pa.field("series_id", pa.int64(), nullable=False),
        pa.field("time", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("period", pa.string(), nullable=False),  # rtd | min | hour | day
        pa.field("value", pa.float64()),  # cleaned value, canonical unit of the series
        pa.field("raw_value", pa.float64()),  # as received, before cleaning / unit conversion
        pa.field("source_flag", pa.string()),  # HJ 212 data flag (N, F, M, S, D, C, T, B) or None
        pa.field(
            "qc_flag", pa.int8()
        ),  # aggregate QC flag (qingshan.qc flag enum), 0 = not evaluated
        pa.field("source", pa.string()),  # packet id (MN:QN) or file id
        pa.field("received_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("revision", pa.int32(), nullable=False),
    ]
)
"""Columns of an observation. The partition columns ``stream`` and ``date`` come on top."""

PARTITION_COLUMNS = ("stream", "date")
NATURAL_KEY = ("series_id", "time", "period")

PERIODS = ("rtd", "min", "hour", "day", "month", "year")
"""Known values of ``period``: HJ 212-2017 real-time (``rtd``, CN=2011), minute (CN=2051), hour
(CN=2061) and day (CN=2031) data, and the month / year roll-ups of
:mod:`qingshan.timeseries.rollups`."""

PAYLOAD_COLUMNS = ("value", "raw_value", "source_flag", "qc_flag")
"""Columns whose content makes two rows on the same natural key and revision "the same value"
(see the re-send rule in :mod:`qingshan.timeseries.revisions`)."""

COLUMNS = tuple(OBSERVATION_SCHEMA.names)
