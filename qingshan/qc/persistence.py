"""Persistence checks beyond the QARTOD flat line: stuck at the detection limit and stuck
values judged against the series' own chance of repeating. Same conventions as :mod:`.checks`,
which re-exports them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.qc.errors import BadParameter
from qingshan.qc.kernel import (
    NE,
    F,
    Flags,
    Mask,
    P,
    S,
    Times,
    Values,
    finish,
    long_runs,
    masked_float,
    median_step,
    run_lengths,
    seconds,
    window_points,
)


def detection_limit_test(
    values: Values,
    times: Times,
    detection_limit: float,
    duration: float,
    *,
    mask: Mask = None,
) -> Flags:
    """Stuck at the detection limit: a run of values ≤ the analyser's detection limit lasting
    ``duration`` or longer (恒值异常 near the 检出限; jinhhb.com fraud patterns item 21).

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted)
    detection_limit : float [unit]
    duration : float [s]

    Returns
    -------
    array [Flag]; SUSPECT inside such runs.
    """
    if duration is None or duration <= 0:
        raise BadParameter("detection_limit_test", "duration", duration, "> 0 [s]")
    x, missing, masked = masked_float(values, mask)
    t = seconds(times, x.size)
    with np.errstate(invalid="ignore"):
        low = x <= detection_limit
    flags = np.where(np.isnan(x), NE, P).astype(np.uint8)
    flags[long_runs(low, window_points(duration, t) + 1)] = S
    return finish(values, flags, missing, masked)


def stuck_value_test(
    values: Values,
    times: Times,
    min_duration: float,
    max_duration: float,
    *,
    alpha: float = 1e-4,
    window_duration: float = 7 * 86400.0,
    mask: Mask = None,
) -> Flags:
    """Stuck value judged against the series' own chance of repeating (quantised data).

    A run of L identical values is SUSPECT when p^(L − 1) < ``alpha``, p being the share of
    unchanged steps in the ``window_duration`` before the run (floored at 0.05), and L spans at
    least ``min_duration``; any run spanning ``max_duration`` is SUSPECT. Coarsely quantised
    ambient data (CO at 0.1 mg/m³, SO2 in whole µg/m³) repeat often and legitimately; a
    finely resolved series that repeats is stuck (CoTeDe ``StuckValue`` idea, made adaptive).

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted)
    min_duration, max_duration : float [s]
    alpha : float [–] chance below which a run is not believed
    window_duration : float [s]

    Returns
    -------
    array [Flag]
    """
    if min_duration is None or min_duration <= 0 or max_duration < min_duration:
        raise BadParameter(
            "stuck_value_test", "min_duration", min_duration, f"0 < min ≤ max ({max_duration})"
        )
    x, missing, masked = masked_float(values, mask)
    t = seconds(times, x.size)
    flags = np.where(np.isnan(x), NE, P).astype(np.uint8)
    if x.size < 3:
        return finish(values, flags, missing, masked)
    same = np.concatenate(([False], x[1:] == x[:-1]))  # NaN never equal
    step = median_step(t)
    w = max(int(round(window_duration / step)), 2)
    p = (
        pd.Series(np.where(np.isnan(x), np.nan, same.astype(float)))
        .rolling(w, min_periods=w // 4)
        .mean()
        .to_numpy()
    )
    starts, ends = run_lengths(same)
    starts = starts - 1  # the run begins one value before its first repeat
    length = ends - starts
    span = t[ends - 1] - t[starts]
    p0 = np.maximum(np.nan_to_num(p[np.maximum(starts - 1, 0)], nan=1.0), 0.05)
    with np.errstate(divide="ignore"):
        log_chance = (length - 1) * np.log(np.minimum(p0, 1.0))
    hit = ((log_chance < np.log(alpha)) & (span >= min_duration - step / 2)) | (
        span >= max_duration - step / 2
    )
    mark = np.zeros(x.size + 1, dtype=np.int32)
    np.add.at(mark, starts[hit], 1)
    np.add.at(mark, ends[hit], -1)
    flags[np.cumsum(mark[:-1]) > 0] = S
    return finish(values, flags, missing, masked)


def zero_run_test(
    values: Values,
    times: Times,
    duration: float,
    zero: float = 0.0,
    *,
    mask: Mask = None,
) -> Flags:
    """Stuck at zero: a run of values ≤ ``zero`` lasting ``duration`` or longer is FAIL, every
    value of it from the first.

    No ambient pollutant is ever absent from the air: an analyser reading 0 (CO "0.0 mg/m³")
    reads below its own detection limit (HJ 654-2013 §6 Table 1 allows SO2, NO2 and O3
    analysers ≤ 2 nmol/mol and CO analysers ≤ 0.5 µmol/mol [U: table values]) — it measures
    zero air, a closed or disconnected inlet, or its zero offset. CNEMC publishes no such value:
    none of the 1,721,754 station-hours of Zhejiang 2019 nor of the 188,600 of every national
    station on 2019-01-01 is 0. Repetition at the reporting resolution (CO at 0.1 mg/m³, SO2 at
    2–5 µg/m³) is normal and left to :func:`stuck_value_test` and
    :func:`qingshan.qc.context.stuck_context_test`; a run at zero is not.

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted)
    duration : float [s] shortest run flagged (span from its first to its last value + one step)
    zero : float [unit] readings at or below it count as zero

    Returns
    -------
    array [Flag]
    """
    if duration is None or duration <= 0:
        raise BadParameter("zero_run_test", "duration", duration, "> 0 [s]")
    x, missing, masked = masked_float(values, mask)
    t = seconds(times, x.size)
    flags = np.where(np.isnan(x), NE, P).astype(np.uint8)
    with np.errstate(invalid="ignore"):
        low = x <= zero
    starts, ends = run_lengths(low)
    if starts.size:
        step = median_step(t) if x.size > 1 else 3600.0
        span = t[ends - 1] - t[starts] + step
        mark = np.zeros(x.size + 1, dtype=np.int32)
        hit = span >= duration - step / 2
        np.add.at(mark, starts[hit], 1)
        np.add.at(mark, ends[hit], -1)
        flags[np.cumsum(mark[:-1]) > 0] = F
    return finish(values, flags, missing, masked)
