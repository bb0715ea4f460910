"""Frozen while the neighbours move: a station's run of equal values judged by its neighbours.

A monitoring centre decides "stuck" with context: a station whose value stays frozen while the
other stations of the same city (same parameter) keep moving is stuck; when they all sit still
together it is the weather or the resolution (CNEMC data review, "multi-station analysis",
CNEMC data-review training 2014/2017 [U: slides, not a standard]).

- :func:`neighbour_movement` — for each run of equal values of a station, how many of its
  neighbours moved over the same hours by at least ``min_steps`` published steps, and how many
  reported enough of those hours to say;
- :func:`frozen_among_neighbours_test` — SUSPECT on every value of a run of equal values that
  spans ``min_duration`` or more while at least ``min_share`` of the neighbours moved;
- :func:`still_with_neighbours` — runs during which the neighbours sat still too (the weather
  or the resolution): the single-station persistence checks leave them unflagged.

The neighbours are those of :func:`qingshan.qc.context.neighbour_sets` (the best-correlated
stations of the file, the grouping the neighbours' median of the spike context uses); their
values come in as a 2-D array aligned with the station's times. Pure and vectorised: runs by
run-length arithmetic, the neighbours' range over every run at once by ``ufunc.reduceat``.
Same conventions as :mod:`.checks`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.kernel import (
    NE,
    BoolArray,
    Flags,
    FloatArray,
    IntArray,
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
    "RunMovement",
    "neighbour_movement",
    "frozen_among_neighbours_test",
    "still_with_neighbours",
]


class RunMovement(NamedTuple):
    """The runs of equal values of one station and what its neighbours did meanwhile."""

    start: IntArray  # first index of each run
    end: IntArray  # one past the last index
    moved: IntArray  # neighbours whose range over the run reached the step threshold
    reporting: IntArray  # neighbours that reported at least half of the run's hours


def neighbour_movement(
    values: Values,
    times: Times,
    neighbours: npt.ArrayLike,
    resolution: float,
    detection_limit: float = 0.0,
    min_steps: float = 1.0,
    min_duration: float = 4 * 3600.0,
    scaled: bool = False,
    *,
    mask: Mask = None,
) -> RunMovement:
    """Each run of equal values spanning ``min_duration`` or more, with how many neighbours
    moved by ``min_steps`` published steps or more over its hours.

    A run is a sequence of equal values with only missing (or masked) hours between them: a
    frozen analyser whose logger drops an hour is still frozen. A neighbour moved when the range
    (max − min) of its values over the run's hours, raised to the detection limit first (below
    it an analyser reads its own floor: a neighbour wandering 2 → 4 µg/m³ SO2 under a 5.2 µg/m³
    limit has not moved), reaches ``min_steps`` × ``resolution``. With ``scaled`` the range is
    first multiplied by the station's usual ratio to that neighbour (the median over the hours
    both report of their values, each raised to the resolution): what the neighbour's movement
    means at the station's level — a neighbour at twice the station's CO moving by 0.4 mg/m³
    says the station should have moved by 0.2.

    Parameters
    ----------
    values : array [unit], one station
    times : datetime array (sorted), aligned with ``values``
    neighbours : 2-D array [unit], one row per time of ``values``, one column per neighbour
        (NaN where a neighbour did not report)
    resolution : float [unit] the published step (CNEMC: 1 µg/m³, CO 0.1 mg/m³)
    detection_limit : float [unit] (HJ 654-2013 §6 Table 1 [U]; 0 where none)
    min_steps : float [–] steps a neighbour must move by over the run
    min_duration : float [s] span of a run (first to last value) to be judged
    scaled : bool — scale each neighbour's range to the station's level
    mask : bool array or None — values already judged invalid (treated as missing)

    Returns
    -------
    RunMovement (indices into ``values``; a run's ``end`` is one past its last value)
    """
    if resolution is None or not resolution > 0:
        raise BadParameter("neighbour_movement", "resolution", resolution, "> 0")
    if min_duration is None or not min_duration > 0:
        raise BadParameter("neighbour_movement", "min_duration", min_duration, "> 0 [s]")
    x, _missing, masked = masked_float(values, mask)
    x = np.where(masked, np.nan, x)
    nb = np.asarray(neighbours, dtype="float64")
    if nb.ndim == 1:
        nb = nb[:, None]
    if nb.ndim != 2 or nb.shape[0] != x.size:
        raise ShapeMismatch("values", x.size, "neighbours", nb.shape[0] if nb.ndim else 0)
    empty = np.zeros(0, dtype=np.intp)
    ok = np.flatnonzero(np.isfinite(x))
    if ok.size < 2 or nb.shape[1] == 0:
        return RunMovement(empty, empty, empty, empty)
    t = seconds(times, x.size)
    step = float(np.median(np.diff(t)))
    xv = x[ok]
    a, b = run_lengths(xv[1:] == xv[:-1])  # runs of repeats among the reported values
    starts, ends = ok[a], ok[b] + 1  # from the value before the first repeat, inclusive end
    span = t[ends - 1] - t[starts]
    long = span >= min_duration - step / 2
    starts, ends = starts[long], ends[long]
    if starts.size == 0:
        return RunMovement(empty, empty, empty, empty)
    y = np.maximum(nb, max(float(detection_limit or 0.0), 0.0))  # NaN stays NaN
    y = np.vstack([y, np.full((1, y.shape[1]), np.nan)])  # reduceat needs indices < len
    idx = np.empty(2 * starts.size, dtype=np.intp)
    idx[0::2], idx[1::2] = starts, ends
    with np.errstate(invalid="ignore"):
        hi = np.fmax.reduceat(y, idx, axis=0)[0::2]
        lo = np.fmin.reduceat(y, idx, axis=0)[0::2]
    n = np.add.reduceat(np.isfinite(y).astype(np.intp), idx, axis=0)[0::2]
    reported = np.add.reduceat(np.r_[np.isfinite(x), False].astype(np.intp), idx)[0::2]
    enough = 2 * n >= reported[:, None]
    moved_by = hi - lo
    if scaled:
        moved_by = moved_by * _usual_ratio(x, nb, resolution)[None, :]
    with np.errstate(invalid="ignore"):
        moved = enough & (moved_by >= min_steps * resolution * (1 - 1e-9))
    return RunMovement(
        starts, ends, moved.sum(axis=1).astype(np.intp), enough.sum(axis=1).astype(np.intp)
    )


def _usual_ratio(x: FloatArray, nb: FloatArray, resolution: float) -> FloatArray:
    """Median of station / neighbour over the hours both report (each raised to the
    resolution), per neighbour column; NaN for a neighbour that never reports with it."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.maximum(x, resolution)[:, None] / np.maximum(nb, resolution)
    r[~np.isfinite(r)] = np.nan
    out = np.full(nb.shape[1], np.nan)
    for k in range(nb.shape[1]):  # a handful of neighbours: one median each
        c = r[:, k]
        c = c[~np.isnan(c)]
        if c.size:
            out[k] = float(np.median(c))
    return out


def frozen_among_neighbours_test(
    values: Values,
    times: Times,
    neighbours: npt.ArrayLike,
    resolution: float,
    detection_limit: float = 0.0,
    min_steps: float = 3.0,
    min_duration: float = 10 * 3600.0,
    min_share: float = 1.0,
    min_neighbours: int = 2,
    scaled: bool = True,
    *,
    mask: Mask = None,
) -> Flags:
    """A run of equal values while the neighbours moved: stuck, SUSPECT from its first hour.

    A run of identical values spanning ``min_duration`` or more is SUSPECT — every value of
    it — when at least ``min_neighbours`` neighbours reported through it and at least
    ``min_share`` of those moved by ``min_steps`` published steps or more over the same hours
    (:func:`neighbour_movement`, scaled to the station's level). The run's own value is not
    raised to the detection limit: a station frozen at 3 µg/m³ SO2 while its neighbours go
    10 → 30 µg/m³ is stuck.

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted)
    neighbours : 2-D array [unit] aligned with ``values`` (one column per neighbour)
    resolution, detection_limit : float [unit]
    min_steps : float [–]
    min_duration : float [s]
    min_share : float [–] in (0, 1]
    min_neighbours : int ≥ 1
    scaled : bool

    Returns
    -------
    array [Flag]; NOT_EVALUATED where no neighbour reports, MISSING where the value is.
    """
    if min_share is None or not 0 < min_share <= 1:
        raise BadParameter("frozen_among_neighbours_test", "min_share", min_share, "in (0, 1]")
    if min_neighbours is None or int(min_neighbours) < 1:
        raise BadParameter("frozen_among_neighbours_test", "min_neighbours", min_neighbours, "≥ 1")
    x, missing, masked = masked_float(values, mask)
    nb = np.asarray(neighbours, dtype="float64")
    nb2 = nb[:, None] if nb.ndim == 1 else nb
    runs = neighbour_movement(
        values,
        times,
        nb2,
        resolution,
        detection_limit,
        min_steps,
        min_duration,
        scaled,
        mask=mask,
    )
    heard = np.isfinite(nb2).any(axis=1) if nb2.size else np.zeros(x.size, bool)
    flags = np.where(heard, P, NE).astype(np.uint8)
    stuck = (runs.reporting >= int(min_neighbours)) & (
        runs.moved >= min_share * runs.reporting - 1e-9
    )
    flags[_spread(runs.start[stuck], runs.end[stuck], x.size)] = S
    return finish(values, flags, missing, masked)


def still_with_neighbours(
    values: Values,
    times: Times,
    neighbours: npt.ArrayLike,
    resolution: float,
    max_share: float = 0.5,
    min_neighbours: int = 2,
    *,
    mask: Mask = None,
) -> BoolArray:
    """True on the values of runs of equal values during which fewer than ``max_share`` of the
    reporting neighbours (at least ``min_neighbours``) moved by one published step: they all
    sat still together — the weather or the resolution, not a fault. The persistence checks
    (flat line, stuck value) leave such runs unflagged. Parameters as
    :func:`frozen_among_neighbours_test`."""
    if max_share is None or not 0 < max_share <= 1:
        raise BadParameter("still_with_neighbours", "max_share", max_share, "in (0, 1]")
    x = np.asarray(values, dtype="float64")
    t = seconds(times, x.size)
    step = float(np.median(np.diff(t))) if x.size > 1 else 1.0
    runs = neighbour_movement(
        values, times, neighbours, resolution, 0.0, 1.0, step, False, mask=mask
    )
    still = (runs.reporting >= int(min_neighbours)) & (
        runs.moved < max_share * runs.reporting - 1e-9
    )
    return _spread(runs.start[still], runs.end[still], x.size)


def _spread(starts: IntArray, ends: IntArray, n: int) -> BoolArray:
    mark = np.zeros(n + 1, dtype=np.int32)
    np.add.at(mark, starts, 1)
    np.add.at(mark, ends, -1)
    out: BoolArray = np.cumsum(mark[:-1]) > 0
    return out
