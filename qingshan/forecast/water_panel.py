"""The input of the water forecast: sections × regular time grid, standardised log values, and
the features of a direct multi-step model.

Pure. A :class:`Panel` holds one indicator's values of every section on a regular grid (hourly
in the demo; every 4 h at real automatic stations, HJ 915-2017 practice; the step is read from
the data). Values are modelled as standardised logs, ``a = (ln x − μ) / σ``, with ``μ, σ`` the
section's mean and standard deviation over the training window: concentrations are positive
and skewed, their noise multiplicative, and standardising lets one model pool all sections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: smallest value taken into logs [mg/L] (below every GB 3838 limit)
FLOOR = 1e-3


@dataclass(frozen=True)
class Panel:
    """One indicator of ``codes`` on the grid ``times`` (UTC, period starts, step
    ``step_hours``); ``values`` (n, t) [mg/L], NaN when missing; ``upstream[i]`` the row of
    section i's upstream neighbour and the travel time [h], or absent."""

    codes: tuple[str, ...]
    times: pd.DatetimeIndex
    step_hours: int
    values: np.ndarray
    upstream: dict[int, tuple[int, float]]


def infer_step(times: pd.Series | pd.DatetimeIndex) -> int:
    """The reporting step of a series [h]: the most common gap between distinct times
    (1 in the demo, 4 at real automatic stations)."""
    t = pd.DatetimeIndex(pd.Series(times).drop_duplicates().sort_values())
    if len(t) < 2:
        return 1
    gaps = np.diff(t.asi8) / 3.6e12
    vals, counts = np.unique(np.round(gaps[gaps > 0]), return_counts=True)
    return max(1, int(vals[np.argmax(counts)]))


def panel_from_rows(
    rows: pd.DataFrame,
    codes: list[str],
    end: pd.Timestamp,
    days: int,
    upstream: dict[str, tuple[str, float]] | None = None,
    step_hours: int | None = None,
) -> Panel:
    """A panel from long rows (``code``, ``time`` UTC, ``value``) over the ``days`` before
    ``end`` (exclusive). ``upstream`` maps a code to its upstream code and travel time [h]."""
    step = step_hours or (infer_step(rows["time"]) if len(rows) else 1)
    end = pd.Timestamp(end).tz_convert("UTC").floor(f"{step}h")
    times = pd.date_range(end - pd.Timedelta(days=days), end, freq=f"{step}h", inclusive="left")
    values = np.full((len(codes), len(times)), np.nan)
    if len(rows):
        index = {c: i for i, c in enumerate(codes)}
        r = rows[rows["code"].isin(index)]
        t = pd.DatetimeIndex(pd.to_datetime(r["time"], utc=True)).floor(f"{step}h")
        col = times.get_indexer(t)
        ok = col >= 0
        row = r["code"].map(index).to_numpy()
        values[row[ok], col[ok]] = pd.to_numeric(r["value"], errors="coerce").to_numpy()[ok]
    links = {}
    for code, (up, hours) in (upstream or {}).items():
        if code in codes and up in codes:
            links[codes.index(code)] = (codes.index(up), float(hours))
    return Panel(tuple(codes), times, step, values, links)


def standardise(
    values: np.ndarray, upto: int, window: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standardised logs of ``values`` (n, t) with each row's mean and standard deviation of
    the logs over the ``window`` steps before ``upto`` (exclusive): (a, μ, σ)."""
    logs = np.log(np.maximum(values, FLOOR))
    train = logs[:, max(0, upto - window) : upto]
    ok = np.isfinite(train)
    n = ok.sum(axis=1)
    x = np.where(ok, train, 0.0)
    mu = x.sum(axis=1) / np.maximum(n, 1)
    sd = np.sqrt(np.where(ok, (train - mu[:, None]) ** 2, 0.0).sum(axis=1) / np.maximum(n, 1))
    mu = np.where(n > 0, mu, 0.0)
    sd = np.where(np.isfinite(sd) & (sd > 1e-6), sd, 1.0)
    return (logs - mu[:, None]) / sd[:, None], mu, sd


def trailing_mean(a: np.ndarray, k: int, min_count: float = 1.0) -> np.ndarray:
    """Mean of the last ``k`` steps up to and including each step, ignoring NaN (NaN when
    fewer than ``min_count`` of them are valid). Cumulative sums and slices: no gather."""
    ok = np.isfinite(a)
    zero = np.zeros((a.shape[0], 1))
    c = np.concatenate([zero, np.cumsum(np.where(ok, a, 0.0), axis=1)], axis=1)
    n = np.concatenate([zero, np.cumsum(ok, axis=1, dtype=float)], axis=1)
    t = a.shape[1]
    kk = min(k, t)
    s, m = np.empty((a.shape[0], t)), np.empty((a.shape[0], t))
    s[:, :kk], m[:, :kk] = c[:, 1 : kk + 1], n[:, 1 : kk + 1]
    s[:, kk:] = c[:, kk + 1 :] - c[:, 1 : t - kk + 1]
    m[:, kk:] = n[:, kk + 1 :] - n[:, 1 : t - kk + 1]
    with np.errstate(all="ignore"):
        out: np.ndarray = np.where(m >= max(min_count, 1.0), s / np.maximum(m, 1.0), np.nan)
    return out


N_FEATURES = 5
FEATURE_NAMES = ("last", "mean_1d", "mean_7d", "upstream", "has_upstream")


def features(
    a: np.ndarray,
    r1: np.ndarray,
    r7: np.ndarray,
    upstream: dict[int, tuple[int, float]],
    origins: np.ndarray,
    target_end: np.ndarray,
    step_hours: int,
    use_upstream: bool = True,
) -> np.ndarray:
    """Features (n, k, :data:`N_FEATURES`) of every section at ``origins`` (k,) for targets
    whose window ends at ``target_end`` (k,) [grid indices]: the last value, the trailing 1-day
    and 7-day means, and the upstream section's trailing 1-day mean at ``target_end − travel``
    — or at the origin when that is still in the future (no peeking) — with a 0/1 flag.
    Missing features are 0 (the section's mean)."""
    n, k = a.shape[0], len(origins)
    x = np.zeros((n, k, N_FEATURES))
    last = a[:, origins]
    x[:, :, 0] = np.where(np.isfinite(last), last, r1[:, origins])
    x[:, :, 1] = r1[:, origins]
    x[:, :, 2] = r7[:, origins]
    if use_upstream:
        for down, (up, hours) in upstream.items():
            at = np.minimum(origins, target_end - int(round(hours / step_hours)))
            at = np.clip(at, 0, a.shape[1] - 1)
            x[down, :, 3] = r1[up, at]
            x[down, :, 4] = 1.0
    return np.nan_to_num(x, nan=0.0)
