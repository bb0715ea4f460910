"""Cross-variable checks and fraud patterns (造假与异常模式), pure and vectorised.

The platform detectors of qc-rules.md §9: O2 against the pollutant, flow against facility state,
values hugging a limit (贴限排放), marked stopped but still running (标停未停), repeated daily
sequences, copies across outlets. Same conventions as :mod:`.checks`: NaN → MISSING, ``mask`` →
NOT_EVALUATED, a Series in gives a Series out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.flags import as_series_like
from qingshan.qc.kernel import (
    NE,
    F,
    FlagArray,
    Flags,
    M,
    Mask,
    P,
    S,
    Times,
    Values,
    finish,
    long_runs,
    masked_float,
    seconds,
    spread_back,
)

__all__ = [
    "o2_range_test",
    "o2_shift_test",
    "flow_state_test",
    "stopped_but_running_test",
    "limit_hugging_test",
    "ceiling_test",
    "repeated_daily_sequence_test",
    "cross_outlet_copy_test",
]


def _same(name_a: str, a: npt.NDArray[Any], name_b: str, b: npt.NDArray[Any]) -> None:
    if a.shape != b.shape:
        raise ShapeMismatch(name_a, a.size, name_b, b.size)


def o2_range_test(
    o2: Values,
    running: npt.ArrayLike | None = None,
    low: float | None = None,
    high: float | None = 19.0,
    undefined: float = 21.0,
    *,
    mask: Mask = None,
) -> Flags:
    """O2 against the reference-oxygen conversion and the unit's state.

    C = C′ × (21 − O2_ref) / (21 − O2) is undefined at O2 ≥ 21 % (GB 13223-2011 §5.2; HJ 75-2017
    §6): FAIL there. While the unit runs, O2 above ``high`` (near-ambient air: the probe sees
    dilution air, or the unit is in fact stopped) or below ``low`` is SUSPECT.

    Parameters
    ----------
    o2 : array [%]
    running : bool array or None
        True while the unit is producing (no stop mark); None means assume running.
    low, high : float or None [%]
    undefined : float [%]
        21 for air; the outlet's oxygen content for oxy-fuel units.

    Returns
    -------
    array [Flag]
    """
    x, missing, masked = masked_float(o2, mask)
    run = np.ones(x.shape, bool) if running is None else np.asarray(running, dtype=bool)
    _same("o2", x, "running", run)
    flags = np.where(np.isnan(x), NE, P).astype(np.uint8)
    with np.errstate(invalid="ignore"):
        if high is not None:
            flags[run & (x > high)] = S
        if low is not None:
            flags[run & (x < low)] = S
        flags[x >= undefined] = F
    flags[~run & (flags == P)] = NE
    return finish(o2, flags, missing, masked)


def o2_shift_test(
    o2: Values, window: int, baseline_window: int, delta: float, *, mask: Mask = None
) -> Flags:
    """O2 manipulation (O2 篡改): the short-window O2 median departs from its long baseline.

    Lowering the reported O2 lowers the converted concentration, so a sustained shift of O2 away
    from its own history by more than ``delta`` is SUSPECT (CRAES patent on O2-based fraud
    detection, qc-rules.md §9; platform detector "O2 excursions").

    Parameters
    ----------
    o2 : array [%]
    window, baseline_window : int [points]
        Centred short window and trailing baseline window (baseline ≫ window).
    delta : float [%]

    Returns
    -------
    array [Flag]; NOT_EVALUATED until the baseline has half its points.
    """
    if delta is None or delta <= 0:
        raise BadParameter("o2_shift_test", "delta", delta, "> 0 [%]")
    if int(baseline_window) <= int(window):
        raise BadParameter(
            "o2_shift_test", "baseline_window", baseline_window, f"> window ({window})"
        )
    x, missing, masked = masked_float(o2, mask)
    if x.size - int(window) < int(baseline_window) // 2:
        # too short for a baseline (a day's window against a month's): NOT_EVALUATED, as the
        # rolling median below would say, without computing it
        return finish(o2, np.full(x.shape, NE, dtype=np.uint8), missing, masked)
    s = pd.Series(x)
    short = s.rolling(int(window), center=True, min_periods=max(int(window) // 2, 1)).median()
    base = (
        s.shift(int(window))
        .rolling(int(baseline_window), min_periods=int(baseline_window) // 2)
        .median()
    )
    d = (short - base).abs().to_numpy()
    flags = np.where(np.isnan(d), NE, P).astype(np.uint8)
    with np.errstate(invalid="ignore"):
        shifted = d > delta
    # the baseline follows a long shift after ``baseline_window``: keep the whole run flagged
    flags[shifted] = S
    return finish(o2, flags, missing, masked)


def flow_state_test(
    flow: Values, running: npt.ArrayLike, min_running_flow: float, *, mask: Mask = None
) -> Flags:
    """Flow against facility state: SUSPECT where the unit runs (no stop mark) but the flue-gas
    or wastewater flow is below ``min_running_flow`` [unit of flow]."""
    x, missing, masked = masked_float(flow, mask)
    run = np.asarray(running, dtype=bool)
    _same("flow", x, "running", run)
    flags = np.where(np.isnan(x), NE, P).astype(np.uint8)
    with np.errstate(invalid="ignore"):
        flags[run & (x < min_running_flow)] = S
    flags[~run & (flags == P)] = NE
    return finish(flow, flags, missing, masked)


def stopped_but_running_test(
    stopped: Values,
    flow: npt.ArrayLike | None = None,
    flue_temp: npt.ArrayLike | None = None,
    o2: npt.ArrayLike | None = None,
    *,
    stop_flow_limit: float | None = None,
    temp_limit: float | None = None,
    o2_running_max: float | None = 19.0,
) -> Flags:
    """标停未停: a stop mark (停运 / 停炉) while flow, flue temperature or O2 say the plant runs.

    FAIL where ``stopped`` and any of: flow > ``stop_flow_limit`` (the national platform's
    ``stop_flow_limit``), flue temperature > ``temp_limit`` [°C], O2 < ``o2_running_max`` [%]
    (qc-rules.md §3 and §9). NOT_EVALUATED outside stop marks or where no indicator is given.

    Returns
    -------
    array [Flag] of ``stopped``'s shape.
    """
    st = np.asarray(stopped, dtype=bool)
    evidence = np.zeros(st.shape, bool)
    seen = np.zeros(st.shape, bool)
    with np.errstate(invalid="ignore"):
        for name, arr, limit, above in (
            ("flow", flow, stop_flow_limit, True),
            ("flue_temp", flue_temp, temp_limit, True),
            ("o2", o2, o2_running_max, False),
        ):
            if arr is None or limit is None:
                continue
            a = np.asarray(arr, dtype="float64")
            _same("stopped", st, name, a)
            seen |= ~np.isnan(a)
            evidence |= (a > limit) if above else (a < limit)
    flags = np.full(st.shape, NE, dtype=np.uint8)
    flags[st & seen] = P
    flags[st & evidence] = F
    return as_series_like(stopped, flags)


def limit_hugging_test(
    values: Values,
    limit: npt.ArrayLike,
    window: int,
    *,
    band: tuple[float, float] = (0.8, 1.0),
    min_share: float = 0.9,
    max_cv: float | None = None,
    min_valid_share: float = 1.0,
    mask: Mask = None,
) -> Flags:
    """贴限排放: the share of values in [band₀, band₁] × limit over a trailing window ≥ ``min_share``
    (and, with ``max_cv``, the window's standard deviation ≤ ``max_cv`` × limit: running steadily
    just under the limit rather than swinging through the band).

    Parameters
    ----------
    values : array [unit of the limit]
    limit : float or array [unit]
        Emission limit (for gas on the converted concentration).
    window : int [points]
    band : (low, high) [–] fractions of the limit
    min_share : float [–]
    max_cv : float or None [–]
        Largest standard deviation of the window's values, as a fraction of the limit.
    min_valid_share : float [–]
        Share of the window's points that must be present (1: a window with a gap is not judged).

    Returns
    -------
    array [Flag]; SUSPECT for every value of a hugging window.
    """
    if not 0 < min_share <= 1:
        raise BadParameter("limit_hugging_test", "min_share", min_share, "0 < share ≤ 1")
    x, missing, masked = masked_float(values, mask)
    lim = np.broadcast_to(np.asarray(limit, dtype="float64"), x.shape)
    with np.errstate(invalid="ignore"):
        inband = ((x >= band[0] * lim) & (x <= band[1] * lim)).astype(float)
    inband[np.isnan(x)] = np.nan
    w = int(window)
    need = min(max(int(np.ceil(min_valid_share * w)), 1), w)
    share = pd.Series(inband).rolling(w, min_periods=need).mean().to_numpy()
    with np.errstate(invalid="ignore"):
        end = share >= min_share
        if max_cv is not None:
            sd = pd.Series(x).rolling(w, min_periods=need).std().to_numpy()
            end &= sd <= max_cv * lim
    flags = np.where(np.isnan(x) | np.isnan(lim), NE, P).astype(np.uint8)
    flags[spread_back(end, w) & ~np.isnan(x)] = S
    return finish(values, flags, missing, masked)


def ceiling_test(
    values: Values,
    limit: npt.ArrayLike,
    window: int,
    *,
    band: tuple[float, float] = (0.8, 1.0),
    tolerance_share: float = 0.003,
    min_count: int = 3,
    mask: Mask = None,
) -> Flags:
    """削峰: values held at a fixed ceiling just under the limit.

    The series is cut into consecutive blocks of ``window`` points. In each block the ceiling is
    the block's largest value not above band₁ × limit; where it lies in [band₀, band₁] × limit and at least ``min_count``
    values of the block lie within ``tolerance_share`` × limit below it, those values are SUSPECT.
    A continuous measurement reaches its maximum once; a DAS that clips at a fixed fraction of the
    limit reports that same value again and again (rounding of the measured value and O2 in the
    reference-O2 conversion is what ``tolerance_share`` absorbs). A second grid of blocks offset
    by half a window catches ceilings cut in two by a block boundary.

    Parameters
    ----------
    values : array [unit of the limit] (for gas: the converted concentration)
    limit : float or array [unit]
    window : int [points]
    band : (low, high) [–] fractions of the limit where a ceiling counts
    tolerance_share : float [–] of the limit
    min_count : int

    Returns
    -------
    array [Flag]; SUSPECT on the values at a ceiling, NOT_EVALUATED where the limit is unknown.
    """
    if int(min_count) < 2:
        raise BadParameter("ceiling_test", "min_count", min_count, "≥ 2")
    if int(window) < int(min_count):
        raise BadParameter("ceiling_test", "window", window, f"≥ min_count ({min_count})")
    x, missing, masked = masked_float(values, mask)
    lim = np.broadcast_to(np.asarray(limit, dtype="float64"), x.shape)
    w = int(window)
    hit = np.zeros(x.shape, bool)
    pos = np.arange(x.size)
    with np.errstate(invalid="ignore"):
        # values over the limit (exceedances, spikes) are not under a ceiling: left out of it
        s = pd.Series(np.where(x <= band[1] * lim, x, np.nan))
    for offset in (0, w // 2):
        block = (pos + (w - offset)) // w
        top = s.groupby(block).transform("max").to_numpy()
        with np.errstate(invalid="ignore"):
            at = (x >= top - tolerance_share * lim) & (x <= band[1] * lim)
            ok = (top >= band[0] * lim) & (top <= band[1] * lim)
        count = pd.Series(at).groupby(block).transform("sum").to_numpy()
        hit |= at & ok & (count >= int(min_count))
    flags = np.where(np.isnan(x) | np.isnan(lim), NE, P).astype(np.uint8)
    flags[hit] = S
    return finish(values, flags, missing, masked)


def repeated_daily_sequence_test(
    values: Values,
    times: Times,
    min_points: int,
    *,
    tolerance: float = 0.0,
    mask: Mask = None,
) -> Flags:
    """Same values at the same times on consecutive days (a copied day, qc-rules.md §9).

    A value equal (within ``tolerance``) to the value exactly 24 h earlier, in a run of at least
    ``min_points`` such values that is not itself constant, is SUSPECT (a flat run is the flat
    line test's finding, not this one's).

    Parameters
    ----------
    values : array [unit]
    times : datetime array (sorted, regular)
    min_points : int [points]
    tolerance : float [unit]
    """
    x, missing, masked = masked_float(values, mask)
    t = seconds(times, x.size)
    flags = np.where(np.isnan(x), NE, P).astype(np.uint8)
    idx = np.searchsorted(t, t - 86400.0)
    found = (idx < t.size) & (t[np.minimum(idx, t.size - 1)] == t - 86400.0)
    prev = np.where(found, x[np.minimum(idx, t.size - 1)], np.nan)
    with np.errstate(invalid="ignore"):
        same = np.abs(x - prev) <= tolerance
    steady = np.concatenate(([False], np.diff(x) == 0))
    runs = long_runs(same, int(min_points))
    # drop runs that are constant (flat line)
    # (per run of ``same``: how many of its values differ from the one before; a group sum
    # in NumPy, the same integers as pandas' ``groupby(...).transform("sum")``)
    run = np.cumsum(~same)
    nonflat = np.bincount(run, weights=(~steady & same).astype(np.int64))[run] > 1
    flags[runs & nonflat] = S
    flags[np.isnan(prev) & (flags == P)] = NE
    return finish(values, flags, missing, masked)


def cross_outlet_copy_test(
    matrix: npt.ArrayLike | pd.DataFrame,
    min_points: int,
    *,
    tolerance: float = 0.0,
    min_distinct: int = 3,
) -> FlagArray | pd.DataFrame:
    """Identical series across outlets (克隆数据): runs of equal values between two columns.

    Parameters
    ----------
    matrix : 2-D array or DataFrame [time × outlet], aligned on the same times
    min_points : int [points] shortest copied run
    tolerance : float [unit]
    min_distinct : int
        A run must take at least this many distinct values (two stopped outlets both at 0 are
        not a copy).

    Returns
    -------
    Array or DataFrame [Flag] of ``matrix``'s shape: SUSPECT where a column copies another.
    """
    a = np.asarray(matrix, dtype="float64")
    if a.ndim != 2:
        raise BadParameter("cross_outlet_copy_test", "matrix", a.shape, "2-D time × outlet")
    n, k = a.shape
    flags = np.where(np.isnan(a), M, P).astype(np.uint8)
    for i in range(k):
        for j in range(i + 1, k):
            with np.errstate(invalid="ignore"):
                eq = np.abs(a[:, i] - a[:, j]) <= tolerance
            starts_runs = long_runs(eq, int(min_points))
            if not starts_runs.any():
                continue
            grp = np.cumsum(~starts_runs)
            distinct = (
                pd.Series(a[:, i]).where(starts_runs).groupby(grp).transform("nunique").to_numpy()
            )
            hit = starts_runs & (distinct >= min_distinct)
            flags[hit, i] = S
            flags[hit, j] = S
    if isinstance(matrix, pd.DataFrame):
        return pd.DataFrame(flags, index=matrix.index, columns=matrix.columns)
    return flags
