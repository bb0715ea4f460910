"""Timing, completeness and source-flag checks (QARTOD time gap / impossible date; Pecos
``check_timestamp``; HJ 212-2017 Table 8 data flags). Same conventions as :mod:`.checks`,
which re-exports them."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.qc.errors import BadParameter
from qingshan.qc.flags import Flag, as_series_like
from qingshan.qc.kernel import F, Flags, M, P, S, Times, Values, seconds


# --- completeness and timing -----------------------------------------------------------------
def missing_test(values: Values) -> Flags:
    """MISSING where the value is NaN, PASS elsewhere."""
    x = np.asarray(values, dtype="float64")
    return as_series_like(values, np.where(np.isnan(x), M, P).astype(np.uint8))


def time_gap_test(times: Times, max_gap: float) -> Flags:
    """SUSPECT on the first value after a gap longer than ``max_gap`` [s] (QARTOD time gap)."""
    if max_gap is None or max_gap <= 0:
        raise BadParameter("time_gap_test", "max_gap", max_gap, "> 0 [s]")
    t = seconds(times)
    flags = np.full(t.shape, P, dtype=np.uint8)
    flags[1:][np.diff(t) > max_gap] = S
    return as_series_like(times, flags)


def future_time_test(times: Times, now: object, tolerance: float = 300.0) -> Flags:
    """FAIL for a timestamp later than ``now`` + ``tolerance`` [s] (impossible date).

    ``now`` is passed in (never read from the clock here): a pure function.
    """
    t = seconds(times)
    ref = pd.Timestamp(now)  # naive: UTC, as :func:`.kernel.seconds` takes it
    ref = ref.tz_localize("UTC") if ref.tzinfo is None else ref
    limit = ref.as_unit("ns").value / 1e9 + tolerance
    return as_series_like(times, np.where(t > limit, F, P).astype(np.uint8))


def duplicate_time_test(times: Times, keys: npt.ArrayLike | None = None) -> Flags:
    """FAIL on the second and later rows with the same timestamp (and same ``keys``, if given)."""
    frame = pd.DataFrame({"t": seconds(times)})
    if keys is not None:
        frame["k"] = np.asarray(keys)
    dup = frame.duplicated(keep="first").to_numpy()
    return as_series_like(times, np.where(dup, F, P).astype(np.uint8))


def timestamp_order_test(times: Times) -> Flags:
    """SUSPECT where a timestamp is earlier than one already seen (out-of-order row)."""
    t = seconds(times)
    prev_max = np.maximum.accumulate(np.concatenate(([-np.inf], t[:-1])))
    return as_series_like(times, np.where(t < prev_max, S, P).astype(np.uint8))


def late_arrival_test(times: Times, received_at: Times, max_latency: float) -> Flags:
    """SUSPECT where a value arrived more than ``max_latency`` [s] after the end of its period
    (HJ 212 data must be sent in real time; backfilled values carry ``mstatus = 6``)."""
    if max_latency is None or max_latency < 0:
        raise BadParameter("late_arrival_test", "max_latency", max_latency, "≥ 0 [s]")
    t = seconds(times)
    r = seconds(received_at, t.size)
    return as_series_like(times, np.where(r - t > max_latency, S, P).astype(np.uint8))


# --- source flags ----------------------------------------------------------------------------
#: HJ 212-2017 §6.6.4 Table 8 data flags and the platform's treatment (qc-rules.md §2).
HJ212_FLAG_QC = {
    "N": Flag.PASS,
    "S": Flag.PASS,  # normal; manual set value (kept, provenance recorded)
    "F": Flag.FAIL,
    "M": Flag.FAIL,
    "D": Flag.FAIL,
    "C": Flag.FAIL,
    "T": Flag.FAIL,
    "B": Flag.FAIL,
}


def hj212_flag_test(source_flags: npt.ArrayLike) -> Flags:
    """Map HJ 212 data flags to QC flags: N/S PASS; F, M, D, C, T, B FAIL (invalid);
    an unknown vendor letter SUSPECT; no flag NOT_EVALUATED (HJ 212-2017 §6.6.4, Table 8)."""
    raw = np.asarray(source_flags, dtype=object)
    inv, uniq = pd.factorize(raw, use_na_sentinel=True)  # a handful of letters; None/NaN → −1

    def code(v: object) -> int:
        s = str(v).strip().upper()
        return int(Flag.NOT_EVALUATED) if s == "" else int(HJ212_FLAG_QC.get(s, Flag.SUSPECT))

    lut = np.array([code(v) for v in uniq] + [int(Flag.NOT_EVALUATED)], dtype=np.uint8)
    return as_series_like(source_flags, lut[inv])
