"""Surface-water forecasts of sections: DO, CODMn, NH3-N and TP, daily up to 7 days and hourly
up to 24 h ahead, with split-conformal intervals (issue #15).

Pure core: arrays in, arrays out; the service (:mod:`.water_service`) reads the store.

Model
-----
A *direct* multi-step linear model (one least-squares fit per indicator, period and lead; Taieb
& Hyndman 2012, "Recursive and direct multi-step forecasting: the best of both worlds") on the
standardised logs of :mod:`.water_panel`, pooled over all sections: features are the last
value, the trailing 1-day and 7-day means, and — where the river network is known — the
upstream section's 1-day mean a travel time before the target (:func:`.water_panel.features`).
Why not LightGBM through mlforecast (the air model's choice)? Water-quality series at a
section are close to a persistent AR process around a slowly moving level; with five features
a tree ensemble gains nothing over a linear fit, and the demo re-issues four weeks of history
(31 leads × 4 indicators × 2 periods each issue): a least-squares fit takes milliseconds, a
LightGBM fit ~0.5 s, i.e. > 60 s a day for ~170 sections. Measured figures are in
``docs/forecast.md``.

Intervals (split conformal)
---------------------------
Each fit leaves out its most recent ``calib_days`` of origins (the calibration window); the
signed residuals there are the conformity scores (Vovk, Gammerman & Shafer 2005, *Algorithmic
Learning in a Random World*; Lei, G'Sell, Rinaldo, Tibshirani & Wasserman 2018, "Distribution-
free predictive inference for regression", *JASA* 113: 1094–1111). The quantile ``q`` of a
forecast is ``ŷ + s₍ₖ₎`` with ``k = ⌈(n + 1) q⌉`` (upper quantiles) or ``⌊(n + 1) q⌋`` (lower),
the finite-sample rank of split conformal prediction; the interval ``[q₀.₀₅, q₀.₉₅]`` covers
90 % of new values when residuals are exchangeable (a river's season drifts, so coverage is
checked, not assumed: :func:`interval_coverage`). Values are returned in mg/L:
``exp(μ + σ · (ŷ + s))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qingshan.forecast.water_panel import Panel, features, standardise, trailing_mean
from qingshan.timeutil import CST

#: quantiles issued [-]: the median and the 80 % and 90 % central intervals
QUANTILES = (0.05, 0.1, 0.5, 0.9, 0.95)
DAILY_LEADS = 7  # days
HOURLY_HORIZON = 24  # hours
TRAIN_DAYS = 90  # origins looked back over [d]
CALIB_DAYS = 28  # the most recent origins kept for calibration [d]
RIDGE = 1.0  # ridge penalty on the coefficients (not the intercept)
MIN_SAMPLES = 30


@dataclass
class LeadForecast:
    """One lead of one indicator for every section: ``point`` (n,) [standardised log], the
    sorted calibration ``scores``, the sections' ``mu`` and ``sd`` [ln mg/L], the
    ``target_time`` (UTC, period start) and, for evaluation, ``observed`` (n,) [standardised
    log] when the target lies inside the panel."""

    period: str
    lead: int
    target_time: pd.Timestamp
    point: np.ndarray
    scores: np.ndarray
    mu: np.ndarray
    sd: np.ndarray
    observed: np.ndarray | None = None

    def quantile(self, q: float) -> np.ndarray:
        """The conformal quantile ``q`` of every section [mg/L]."""
        return np.exp(self.mu + self.sd * (self.point + conformal_quantile(self.scores, q)))


@dataclass
class PanelForecast:
    leads: list[LeadForecast] = field(default_factory=list)


def conformal_quantile(scores: np.ndarray, q: float) -> float:
    """The split-conformal quantile ``q`` of sorted ``scores``: the ``⌈(n+1)q⌉``-th smallest for
    q ≥ 0.5, the ``⌊(n+1)q⌋``-th for q < 0.5, clamped to the sample (module docstring)."""
    n = len(scores)
    if n == 0:
        return math.nan
    k = math.ceil((n + 1) * q) if q >= 0.5 else math.floor((n + 1) * q)
    return float(scores[min(max(k, 1), n) - 1])


def fit_least_squares(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE) -> np.ndarray:
    """Ridge least squares with an unpenalised intercept: coefficients (f + 1,), intercept
    last."""
    xa = np.hstack([x, np.ones((len(x), 1))])
    pen = np.full(xa.shape[1], ridge)
    pen[-1] = 0.0
    coef: np.ndarray = np.linalg.solve(xa.T @ xa + np.diag(pen), xa.T @ y)
    return coef


def _predict(coef: np.ndarray, x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x @ coef[:-1] + coef[-1]
    return out


def origin_index(times: pd.DatetimeIndex, step_hours: int, issued_at: pd.Timestamp) -> int:
    """The grid index of the last period complete at ``issued_at`` (its start + step ≤ issue)."""
    complete = times + pd.Timedelta(hours=step_hours) <= pd.Timestamp(issued_at)
    return int(np.flatnonzero(complete)[-1]) if complete.any() else -1


def _fit_lead(
    a: np.ndarray,
    r1: np.ndarray,
    r7: np.ndarray,
    target: np.ndarray,
    panel: Panel,
    origins: np.ndarray,
    ends: np.ndarray,
    calib_from: int,
    use_upstream: bool,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Fit on origins before ``calib_from``; scores on the rest (sorted). None when too few."""
    x = features(a, r1, r7, panel.upstream, origins, ends, panel.step_hours, use_upstream)
    y = target[:, ends]
    fit_m = origins < calib_from
    xf, yf = x[:, fit_m].reshape(-1, x.shape[2]), y[:, fit_m].ravel()
    ok = np.isfinite(yf)
    xc, yc = x[:, ~fit_m].reshape(-1, x.shape[2]), y[:, ~fit_m].ravel()
    okc = np.isfinite(yc)
    if ok.sum() < MIN_SAMPLES or okc.sum() < MIN_SAMPLES // 3:
        return None
    coef = fit_least_squares(xf[ok], yf[ok])
    scores = np.sort(yc[okc] - _predict(coef, xc[okc]))
    return coef, scores


def forecast_panel(
    panel: Panel,
    issued_at: pd.Timestamp,
    *,
    train_days: int = TRAIN_DAYS,
    calib_days: int = CALIB_DAYS,
    use_upstream: bool = True,
    daily_leads: int = DAILY_LEADS,
    hourly_horizon: int = HOURLY_HORIZON,
) -> PanelForecast:
    """Daily (CST days 1…``daily_leads`` after the issue's) and hourly (the next
    ``hourly_horizon`` hours, in the panel's step) forecasts of every section of ``panel`` as
    issued at ``issued_at``: only values of periods complete by then are used (the panel may
    extend beyond it: those values are kept as ``observed``, never as inputs)."""
    issued_at = pd.Timestamp(issued_at).tz_convert("UTC")
    step, times = panel.step_hours, panel.times
    spd = max(1, 24 // step)  # steps per day
    o = origin_index(times, step, issued_at)
    first = max(0, o - (train_days + 8) * spd)  # only the window the fits look at
    if first > 0:
        panel = Panel(panel.codes, times[first:], step, panel.values[:, first:], panel.upstream)
        times, o = panel.times, o - first
    out = PanelForecast()
    if o < 2 * spd:
        return out
    a, mu, sd = standardise(panel.values, o + 1, train_days * spd)
    a_past = a.copy()
    a_past[:, o + 1 :] = np.nan  # no peeking
    r1, r7 = trailing_mean(a_past, spd), trailing_mean(a_past, 7 * spd)
    day_obs_all = trailing_mean(a, spd, min_count=spd / 2)  # a day mean needs half its values
    day_mean = day_obs_all.copy()
    day_mean[:, o + 1 :] = np.nan
    n_t = a.shape[1]
    # a short history keeps about a third of its origins for calibration
    seen = np.isfinite(panel.values[:, : o + 1]).any(axis=0)
    base = int(np.argmax(seen)) if seen.any() else o
    calib_days = min(calib_days, max(2, (o - base) // spd // 3))
    low = base + 2 * spd  # the first origin with a day of history
    # hourly leads: one origin a day at the issue's time of day, so that lead h is always the
    # same hour of the day (DO's day cycle lives in the intercept); h ≤ 24 h keeps targets ≤ o
    origins = np.arange(o - spd, max(o - train_days * spd, low) - 1, -spd)[::-1]
    origins = origins[origins >= 0]
    for h in range(1, hourly_horizon // step + 1):
        fitted = _fit_lead(
            a_past, r1, r7, a_past, panel, origins, origins + h, o - calib_days * spd, use_upstream
        )
        if fitted is None:
            continue
        coef, scores = fitted
        x = features(
            a_past, r1, r7, panel.upstream, np.array([o]), np.array([o + h]), step, use_upstream
        )
        obs = a[:, o + h] if o + h < n_t else None
        out.leads.append(
            LeadForecast("hour", h * step, times[o] + pd.Timedelta(hours=h * step),
                         _predict(coef, x[:, 0]), scores, mu, sd, obs)
        )  # fmt: skip
    # daily leads: CST days after the issue's
    day0 = issued_at.tz_convert(CST).normalize()
    for d in range(1, daily_leads + 1):
        start = (day0 + pd.Timedelta(days=d)).tz_convert("UTC")
        end_idx = o + int(round((start - times[o]) / pd.Timedelta(hours=step))) + spd - 1
        origins = np.arange(o - spd, max(o - train_days * spd, low) - 1, -spd)[::-1]
        ends = end_idx - (o - origins)
        keep = (ends <= o) & (origins >= 0)
        origins, ends = origins[keep], ends[keep]
        calib_from = o - calib_days * spd - (end_idx - o)
        fitted = _fit_lead(a_past, r1, r7, day_mean, panel, origins, ends, calib_from, use_upstream)
        if fitted is None:
            continue
        coef, scores = fitted
        x = features(
            a_past, r1, r7, panel.upstream, np.array([o]), np.array([end_idx]), step, use_upstream
        )
        obs = day_obs_all[:, end_idx] if end_idx < n_t else None
        out.leads.append(
            LeadForecast("day", d, start, _predict(coef, x[:, 0]), scores, mu, sd, obs)
        )
    return out


def _median_log(lf: LeadForecast) -> np.ndarray:
    out: np.ndarray = lf.mu + lf.sd * (lf.point + conformal_quantile(lf.scores, 0.5))
    return out


def evaluate_issues(
    panel: Panel,
    issues: list[pd.Timestamp],
    use_upstream: bool = True,
    rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """Errors and 90 % interval hits of forecasts issued at ``issues`` against the panel's
    later values: one row per (issue, period, lead, section) with ``abs_error`` [ln mg/L, the
    median's] and ``covered`` (the value within [q0.05, q0.95])."""
    frames = []
    for issued in issues:
        for lf in forecast_panel(panel, issued, use_upstream=use_upstream).leads:
            if lf.observed is None:
                continue
            obs = lf.mu + lf.sd * lf.observed
            lo = np.log(lf.quantile(0.05))
            hi = np.log(lf.quantile(0.95))
            sel = np.arange(len(obs)) if rows is None else rows
            ok = np.isfinite(obs[sel])
            sel = sel[ok]
            frames.append(
                pd.DataFrame(
                    {
                        "issued_at": issued,
                        "period": lf.period,
                        "lead": lf.lead,
                        "row": sel,
                        "abs_error": np.abs(_median_log(lf)[sel] - obs[sel]),
                        "covered": (obs[sel] >= lo[sel]) & (obs[sel] <= hi[sel]),
                    }
                )
            )
    cols = ["issued_at", "period", "lead", "row", "abs_error", "covered"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def interval_coverage(panel: Panel, issues: list[pd.Timestamp]) -> pd.DataFrame:
    """Share of later values inside the issued 90 % interval, per period and lead."""
    ev = evaluate_issues(panel, issues)
    return ev.groupby(["period", "lead"], as_index=False).agg(
        coverage=("covered", "mean"), n=("covered", "size")
    )


def upstream_skill(panel: Panel, issues: list[pd.Timestamp]) -> pd.DataFrame:
    """The skill gained from upstream sections: per period and lead, the mean absolute error
    [ln mg/L] of the sections that have an upstream neighbour, forecast with and without the
    upstream features, and ``skill = 1 − MAE_with / MAE_without``."""
    rows = np.array(sorted(panel.upstream), int)
    if rows.size == 0:
        return pd.DataFrame(columns=["period", "lead", "mae_with", "mae_without", "skill", "n"])
    key = ["period", "lead"]
    w = evaluate_issues(panel, issues, True, rows).groupby(key)["abs_error"].agg(["mean", "size"])
    wo = evaluate_issues(panel, issues, False, rows).groupby(key)["abs_error"].mean()
    out = pd.DataFrame({"mae_with": w["mean"], "mae_without": wo, "n": w["size"]}).reset_index()
    out["skill"] = 1.0 - out["mae_with"] / out["mae_without"]
    return out[["period", "lead", "mae_with", "mae_without", "skill", "n"]]
