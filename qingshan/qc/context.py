"""Regional context for ambient stations: what the neighbours say about a station's hour.

A monitoring centre judges a station's odd hour against the stations around it: a jump that the
neighbours share is an event (a plume, a fire, a front), not a fault; a value that stays put
while the neighbours move is stuck. CNEMC's data review works this way (a value invalidated as
"abnormal" is restored when "multi-station analysis shows a normal concentration change",
CNEMC data-review training 2014/2017 [U: slides, not a standard]).

- :func:`neighbour_sets` — each station's neighbours, the grouping every context check uses;
- :func:`neighbour_reference` — for each station, the hourly median of the ``neighbours``
  stations whose (log) series correlate best with it (≥ ``min_correlation``): no coordinates
  needed, so any long-form file of many stations has its own context;
- :func:`moved_with_neighbours` — True where a value's share of its reference is within a
  factor ``min_ratio`` of its usual share: the neighbours moved with it;
- :func:`stuck_context_test` — a run of equal values during which the neighbours say the
  concentration moved by ``min_steps`` reporting steps or more; :func:`repetition_explained`
  — runs the neighbours explain (normal repetition at the resolution);
- :func:`neighbour_spike_test` — one value that leaves its neighbours by a factor.

Pure and vectorised (pandas rolling medians, run-length arithmetic); same conventions as
:mod:`.checks`.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.kernel import (
    NE,
    BoolArray,
    Flags,
    FloatArray,
    Mask,
    P,
    S,
    Times,
    Values,
    finish,
    masked_float,
    run_lengths,
    seconds,
)

__all__ = [
    "neighbour_sets",
    "neighbour_reference",
    "moved_with_neighbours",
    "stuck_context_test",
    "repetition_explained",
    "neighbour_spike_test",
]


def neighbour_sets(
    wide: pd.DataFrame,
    neighbours: int = 5,
    min_correlation: float = 0.5,
    min_overlap: int = 48,
    floor: float = 0.0,
) -> list[npt.NDArray[np.intp]]:
    """Each station's neighbours: the columns of the ``neighbours`` other stations whose (log)
    series correlate best with it — the grouping of :func:`neighbour_reference` and of the
    frozen-run context (:mod:`qingshan.qc.frozen`).

    Parameters
    ----------
    wide : DataFrame, index times, one column per station, values of one parameter [unit]
    neighbours : int
        How many of the best-correlated other stations to keep (≥ 2).
    min_correlation : float [–]
        Pearson correlation of log values (hours both report) a neighbour needs.
    min_overlap : int [hours]
        Hours both must report for the correlation to count.
    floor : float [unit]
        Values are floored here before taking logs (the reporting resolution: zeros and values
        below it carry no relative information).

    Returns
    -------
    list, one entry per column of ``wide``: the column positions of its neighbours, best
    first (empty where fewer than two qualify or ``wide`` has fewer than three columns).
    """
    if neighbours is None or int(neighbours) < 2:
        raise BadParameter("neighbour_reference", "neighbours", neighbours, "≥ 2")
    none = np.zeros(0, dtype=np.intp)
    if wide.shape[1] < 3:
        return [none] * wide.shape[1]
    values = wide.to_numpy(dtype="float64")
    logs = np.log(np.maximum(values, max(floor, 1e-9)))
    corr = pd.DataFrame(logs).corr(min_periods=int(min_overlap)).to_numpy()
    np.fill_diagonal(corr, np.nan)
    out = []
    for j in range(values.shape[1]):
        c = corr[:, j]
        ok = np.flatnonzero(np.nan_to_num(c, nan=-2.0) >= min_correlation)
        if ok.size < 2:
            out.append(none)
            continue
        out.append(ok[np.argsort(-c[ok], kind="stable")[: int(neighbours)]].astype(np.intp))
    return out


def neighbour_reference(
    wide: pd.DataFrame,
    neighbours: int = 5,
    min_correlation: float = 0.5,
    min_overlap: int = 48,
    floor: float = 0.0,
    sets: list[npt.NDArray[np.intp]] | None = None,
) -> pd.DataFrame:
    """The neighbours' median of each station's series.

    Parameters
    ----------
    wide : DataFrame, index times, one column per station, values of one parameter [unit]
    neighbours, min_correlation, min_overlap, floor :
        The grouping, as :func:`neighbour_sets`.
    sets : list or None
        The neighbours already chosen by :func:`neighbour_sets` (the other parameters are then
        not used).

    Returns
    -------
    DataFrame of ``wide``'s shape: at each time the median of the station's neighbours that
    report then, NaN where fewer than two do or the station has fewer than two neighbours.
    """
    if sets is None:
        sets = neighbour_sets(wide, neighbours, min_correlation, min_overlap, floor)
    out = pd.DataFrame(np.nan, index=wide.index, columns=wide.columns)
    values = wide.to_numpy(dtype="float64")
    for j, best in enumerate(sets):
        if best.size < 2:
            continue
        block = values[:, best]
        n = np.isfinite(block).sum(axis=1)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)  # hours nobody reports
            med = np.nanmedian(block, axis=1)
        out.iloc[:, j] = np.where(n >= 2, med, np.nan)
    return out


def _log_share(x: FloatArray, ref: FloatArray, floor: float) -> FloatArray:
    f = max(floor, 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        share: FloatArray = np.log(np.maximum(x, f)) - np.log(np.maximum(ref, f))
    return share


def moved_with_neighbours(
    values: Values,
    reference: npt.ArrayLike,
    window: int,
    min_ratio: float = 2.0,
    floor: float = 0.0,
) -> BoolArray:
    """True where a value's share of its neighbours' reference is within a factor ``min_ratio``
    of its usual share (the centred rolling median of the share over ``window`` points): what
    the value did, the neighbours did too. False where there is no reference.

    Parameters
    ----------
    values : array [unit]
    reference : array [unit], aligned with ``values`` (:func:`neighbour_reference`)
    window : int [points]
    min_ratio : float [–] > 1
    floor : float [unit] (the reporting resolution)
    """
    if min_ratio is None or min_ratio <= 1:
        raise BadParameter("moved_with_neighbours", "min_ratio", min_ratio, "> 1")
    x = np.asarray(values, dtype="float64")
    ref = np.asarray(reference, dtype="float64")
    if ref.shape != x.shape:
        raise ShapeMismatch("values", x.size, "reference", ref.size)
    share = _log_share(x, ref, floor)
    usual = (
        pd.Series(share)
        .rolling(max(int(window), 3), center=True, min_periods=max(int(window) // 4, 2))
        .median()
        .to_numpy()
    )
    with np.errstate(invalid="ignore"):
        together: BoolArray = np.abs(share - usual) < np.log(min_ratio)
    return together & np.isfinite(share) & np.isfinite(usual)


def _run_gaps(
    x: FloatArray,
    t: FloatArray,
    ref: FloatArray,
    resolution: float,
    detection_limit: float,
    min_duration: float,
    window_duration: float,
) -> list[tuple[int, int, FloatArray]]:
    """Each run of equal values spanning ``min_duration`` or more, with the departure of the
    neighbours' prediction from its value in reporting steps, hour by hour (both raised to
    the detection limit), where the prediction exists; runs the reference covers for less than
    half their hours are left out."""
    if x.size < 3:
        return []
    step = float(np.median(np.diff(t)))
    w = max(int(round(window_duration / step)), 2)
    f = resolution / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.maximum(x, f) / np.maximum(ref, f)
    usual = pd.Series(ratio).rolling(w, min_periods=max(w // 8, 2)).median().to_numpy()
    same = np.concatenate(([False], x[1:] == x[:-1]))
    starts, ends = run_lengths(same)
    starts = starts - 1
    span = t[ends - 1] - t[starts]
    dl = max(detection_limit, 0.0)
    out = []
    long = span >= min_duration - step / 2
    for a, b in zip(starts[long], ends[long], strict=True):
        k = usual[a - 1] if a > 0 else np.nan
        if not np.isfinite(k):
            continue
        pred = k * ref[a:b]
        ok = np.isfinite(pred)
        if ok.sum() * 2 < b - a:
            continue
        gap = np.abs(np.maximum(pred[ok], dl) - max(x[a], dl)) / resolution
        out.append((int(a), int(b), gap))
    return out


def stuck_context_test(
    values: Values,
    times: Times,
    reference: npt.ArrayLike,
    resolution: float,
    detection_limit: float = 0.0,
    min_steps: float = 3.0,
    min_duration: float = 8 * 3600.0,
    window_duration: float = 7 * 86400.0,
    min_share: float = 0.5,
    *,
    mask: Mask = None,
) -> Flags:
    """A run of equal values while the neighbours say the concentration moved: stuck.

    The value the station should read is predicted from its neighbours' reference times the
    station's usual ratio to it (median over the ``window_duration`` before the run). A run of
    identical values spanning ``min_duration`` or more is SUSPECT — every value of it, from its
    first hour — when for at least ``min_share`` of its hours the prediction departs from the
    run's value by ``min_steps`` reporting steps (``resolution``) or more. Below the analyser's
    ``detection_limit`` a reading does not follow the concentration (it sits at the analyser's
    floor), so both the prediction and the run's value are raised to the detection limit first:
    a station reading 3 µg/m³ SO2 for a day while its neighbours predict 2–5 µg/m³ repeats
    normally below the 5.2 µg/m³ limit; the same run while they predict 9 µg/m³ is stuck.

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted)
    reference : array [unit], aligned with ``values`` (:func:`neighbour_reference`)
    resolution : float [unit] the reporting step (CNEMC: 1 µg/m³, CO 0.1 mg/m³)
    detection_limit : float [unit]
    min_steps : float [–]
    min_duration, window_duration : float [s]
    min_share : float [–]

    Returns
    -------
    array [Flag]
    """
    x, ref, t, missing, masked = _context_inputs(
        values, times, reference, resolution, min_duration, mask
    )
    flags = np.where(np.isnan(x), NE, P).astype(np.uint8)
    mark = np.zeros(x.size + 1, dtype=np.int32)
    for a, b, gap in _run_gaps(
        x, t, ref, resolution, detection_limit, min_duration, window_duration
    ):
        off = gap >= min_steps * (1 - 1e-9)
        if off.any() and off.mean() >= min_share:
            mark[a] += 1
            mark[b] -= 1
    flags[np.cumsum(mark[:-1]) > 0] = S
    return finish(values, flags, missing, masked)


def repetition_explained(
    values: Values,
    times: Times,
    reference: npt.ArrayLike,
    resolution: float,
    detection_limit: float = 0.0,
    max_steps: float = 1.0,
    min_duration: float = 3600.0,
    window_duration: float = 7 * 86400.0,
    *,
    mask: Mask = None,
) -> BoolArray:
    """True on the values of runs of equal values that the neighbours explain: throughout the
    run their prediction stays within ``max_steps`` reporting steps of the run's value (both
    raised to the detection limit) — normal repetition at the resolution, which the
    persistence checks (flat line, stuck value) then leave unflagged. Parameters as
    :func:`stuck_context_test`."""
    x, ref, t, _missing, _masked = _context_inputs(
        values, times, reference, resolution, min_duration, mask
    )
    out = np.zeros(x.size, dtype=bool)
    for a, b, gap in _run_gaps(
        x, t, ref, resolution, detection_limit, min_duration, window_duration
    ):
        if gap.max() <= max_steps + 1e-9:
            out[a:b] = True
    return out


def _context_inputs(
    values: Values,
    times: Times,
    reference: npt.ArrayLike,
    resolution: float,
    min_duration: float,
    mask: Mask,
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray, BoolArray]:
    if resolution is None or not resolution > 0:
        raise BadParameter("stuck_context_test", "resolution", resolution, "> 0")
    if min_duration is None or not min_duration > 0:
        raise BadParameter("stuck_context_test", "min_duration", min_duration, "> 0 [s]")
    x, missing, masked = masked_float(values, mask)
    ref = np.asarray(reference, dtype="float64")
    if ref.shape != x.shape:
        raise ShapeMismatch("values", x.size, "reference", ref.size)
    return x, ref, seconds(times, x.size), missing, masked


def neighbour_spike_test(
    values: Values,
    times: Times,
    reference: npt.ArrayLike,
    ratio: float = 3.0,
    min_delta: float = 5.0,
    floor: float = 0.0,
    *,
    mask: Mask = None,
) -> Flags:
    """One value that leaves its neighbours: its share of the neighbours' reference is
    ``ratio`` times its share in both adjacent hours (or 1/``ratio`` of it), and it differs from
    the nearer adjacent value by more than ``min_delta``. SUSPECT.

    Dividing by the reference takes out what the region did (the diurnal O3 rise, a front), so a
    jump of O3 from 16 to 104 µg/m³ in a morning hour where the neighbours went from 20 to 30 is
    a spike, and a jump they share is not (cf. :func:`moved_with_neighbours`). Adjacent means
    within 1.5 sampling steps.

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted)
    reference : array [unit], aligned with ``values``
    ratio : float [–] > 1
    min_delta : float [unit]
    floor : float [unit] (the reporting resolution)

    Returns
    -------
    array [Flag]; NOT_EVALUATED without a reference or an adjacent value on both sides.
    """
    if ratio is None or ratio <= 1:
        raise BadParameter("neighbour_spike_test", "ratio", ratio, "> 1")
    x, missing, masked = masked_float(values, mask)
    ref = np.asarray(reference, dtype="float64")
    if ref.shape != x.shape:
        raise ShapeMismatch("values", x.size, "reference", ref.size)
    flags = np.full(x.shape, NE, dtype=np.uint8)
    if x.size < 3:
        return finish(values, flags, missing, masked)
    t = seconds(times, x.size)
    dt = np.diff(t)
    step = float(np.median(dt))
    adjacent = dt <= 1.5 * step
    share = _log_share(x, ref, floor)
    prev_s = np.concatenate(([np.nan], np.where(adjacent, share[:-1], np.nan)))
    next_s = np.concatenate((np.where(adjacent, share[1:], np.nan), [np.nan]))
    prev_x = np.concatenate(([np.nan], np.where(adjacent, x[:-1], np.nan)))
    next_x = np.concatenate((np.where(adjacent, x[1:], np.nan), [np.nan]))
    lr = np.log(ratio)
    with np.errstate(invalid="ignore"):
        up = (share - np.fmax(prev_s, next_s) >= lr) & (x - np.fmax(prev_x, next_x) > min_delta)
        down = (np.fmin(prev_s, next_s) - share >= lr) & (np.fmin(prev_x, next_x) - x > min_delta)
        known = np.isfinite(share) & np.isfinite(prev_s) & np.isfinite(next_s)
    flags[known] = P
    flags[known & (up | down)] = S
    return finish(values, flags, missing, masked)
