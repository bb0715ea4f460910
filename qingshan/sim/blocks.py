"""The in-memory shape of generated values and its conversion to observation rows.

A :class:`Block` holds one stream and period: a value matrix (series × time) where NaN means
"no row" (a gap), and a matrix of HJ 212-2017 data-flag codes (:data:`FLAGS`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

#: HJ 212-2017 Table 8 data flags, indexed by the codes stored in :attr:`Block.flag`.
FLAGS = ("N", "C", "M", "F", "D", "T", "B", "S")
N, C, M, F, D, T, B, S = range(len(FLAGS))


@dataclass
class Block:
    """Generated values of one stream and period.

    Attributes
    ----------
    stream : str
        Store stream (``air``, ``water``, ``gas_outlet``, ``water_outlet``).
    period : str
        ``hour`` or ``min``.
    sidx : ndarray of int, shape (n,)
        Catalogue series index of each row of the matrices.
    times : DatetimeIndex, shape (t,)
        Period starts [UTC].
    value : ndarray, shape (n, t)
        Values in the series' unit; NaN = not reported.
    flag : ndarray of uint8, shape (n, t)
        Index into :data:`FLAGS`.
    source : str
        The ``source`` column of the rows (e.g. ``sim:replay:cnemc-2019``).
    patterns : dict or None
        Deliberate patterns the value generator built in (gas outlets: limit hugging and the
        cap on converted values), for :func:`qingshan.sim.faults.record_patterns` to record as
        ground truth once the other faults are injected.
    """

    stream: str
    period: str
    sidx: np.ndarray
    times: pd.DatetimeIndex
    value: np.ndarray
    flag: np.ndarray
    source: np.ndarray  # per series: the ``source`` column
    patterns: dict | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.value.shape

    def rows(self, series_ids: np.ndarray, chunk_days: int = 31) -> Iterator[pa.Table]:
        """Observation rows, one table per ``chunk_days`` of time, sorted by series and time.

        ``series_ids`` maps catalogue series indices to database series ids.
        """
        ids = np.asarray(series_ids)[self.sidx]
        step = (
            pd.Timedelta(self.times[1] - self.times[0])
            if len(self.times) > 1
            else pd.Timedelta(hours=1)
        )
        per_day = int(pd.Timedelta(days=1) / step)
        t_us = self.times.asi8 // 1000 if self.times.unit == "ns" else self.times.asi8
        delay_us = int(step / pd.Timedelta(microseconds=1)) + 90_000_000  # sent 90 s after
        flag_dict = pa.array(FLAGS)
        period_dict = pa.array([self.period])
        src_values, src_codes = np.unique(self.source.astype(str), return_inverse=True)
        src_dict = pa.array(src_values.tolist())
        for lo in range(0, len(self.times), chunk_days * per_day):
            hi = min(lo + chunk_days * per_day, len(self.times))
            v = self.value[:, lo:hi]
            r, c = np.nonzero(~np.isnan(v))
            time_us = t_us[lo:hi][c]
            vals = pa.array(v[r, c], pa.float64())
            yield pa.table(
                {
                    "series_id": pa.array(ids[r], pa.int64()),
                    "time": pa.array(time_us, pa.timestamp("us", tz="UTC")),
                    "period": pa.DictionaryArray.from_arrays(
                        pa.array(np.zeros(len(r), np.int8)), period_dict
                    ).cast(pa.string()),
                    "value": vals,
                    "raw_value": vals,
                    "source_flag": pa.DictionaryArray.from_arrays(
                        pa.array(self.flag[:, lo:hi][r, c].astype(np.int8)), flag_dict
                    ).cast(pa.string()),
                    "source": pa.DictionaryArray.from_arrays(
                        pa.array(src_codes[r].astype(np.int32)), src_dict
                    ).cast(pa.string()),
                    "received_at": pa.array(time_us + delay_us, pa.timestamp("us", tz="UTC")),
                }
            )
