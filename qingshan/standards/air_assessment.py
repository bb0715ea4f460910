"""Ambient-air assessment: GB 3095 limits, HJ 663 statistics and validity, composite index.

Sources
-------
- GB 3095-2012 《环境空气质量标准》 Table 1 (basic-item limits, grades I and II) and Table 4
  (data validity); GB 3095-2026 Table 1 (transitional limits 2026-03-01…2030-12-31, final
  limits from 2031-01-01) and Table 4 (same validity content as 2012).
- HJ 663-2013 《环境空气质量评价技术规范（试行）》 Appendix A (percentile), 6.1.2 (O3 daily
  maximum 8-h mean). HJ 663-2026 was not obtained in full; its changes (exception events,
  three-year moving assessment, rounding) are not implemented.
- 《城市环境空气质量排名技术规定》 环办监测〔2018〕19号: composite index I = Σ Cᵢ/Sᵢ with
  annual grade-II limits for SO2, NO2, PM10, PM2.5, the 24-h limit for the CO daily 95th
  percentile and the 8-h limit for the O3 MDA8 90th percentile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from qingshan.standards._exact import SCALE, round_half_even, to_scaled
from qingshan.standards.errors import (
    EditionNotDetermined,
    InsufficientData,
    InvalidValue,
    UnknownEdition,
    UnknownKeyError,
)

__all__ = [
    "GB3095_LIMITS", "LIMIT_EDITIONS", "ComprehensiveIndex", "percentile", "daily_mean",
    "o3_8h_moving", "o3_mda8", "period_mean", "comprehensive_index", "limit_edition_for",
    "over_standard_multiple", "exceedance_days", "compliance_rate", "MIN_HOURS_DAILY",
    "period_statistics",
]  # fmt: skip

GB3095_2012 = "GB 3095-2012"
GB3095_2026_T = "GB 3095-2026 transitional"
GB3095_2026_F = "GB 3095-2026 final"
LIMIT_EDITIONS = (GB3095_2012, GB3095_2026_T, GB3095_2026_F)

_L2012 = {
    ("SO2", "annual"): (20, 60), ("SO2", "24h"): (50, 150), ("SO2", "1h"): (150, 500),
    ("NO2", "annual"): (40, 40), ("NO2", "24h"): (80, 80), ("NO2", "1h"): (200, 200),
    ("CO", "24h"): (4, 4), ("CO", "1h"): (10, 10),
    ("O3", "8h"): (100, 160), ("O3", "1h"): (160, 200),
    ("PM10", "annual"): (40, 70), ("PM10", "24h"): (50, 150),
    ("PM2.5", "annual"): (15, 35), ("PM2.5", "24h"): (35, 75),
}  # fmt: skip
_L2026T = {**_L2012, ("PM10", "annual"): (40, 60), ("PM10", "24h"): (50, 120),
           ("PM2.5", "annual"): (15, 30), ("PM2.5", "24h"): (35, 60),
           ("NOx", "annual"): (50, 50), ("NOx", "24h"): (100, 100)}  # fmt: skip
_L2026F = {**_L2026T, ("SO2", "annual"): (20, 20), ("SO2", "24h"): (50, 50), ("SO2", "1h"): (150, 150),
           ("NO2", "annual"): (30, 30), ("NO2", "24h"): (50, 50),
           ("PM10", "annual"): (20, 50), ("PM10", "24h"): (50, 100),
           ("PM2.5", "annual"): (10, 25), ("PM2.5", "24h"): (25, 50),
           ("NOx", "annual"): (40, 40), ("NOx", "24h"): (70, 70)}  # fmt: skip

#: (pollutant, period) → (grade I, grade II) [µg/m³; CO mg/m³] by edition (GB 3095-2012 Table 1;
#: GB 3095-2026 Table 1 transitional and final; NOx from GB 3095-2026 Table 2). O3 "8h" is the
#: daily maximum 8-h mean.
GB3095_LIMITS = MappingProxyType(
    {
        GB3095_2012: MappingProxyType(_L2012),
        GB3095_2026_T: MappingProxyType(_L2026T),
        GB3095_2026_F: MappingProxyType(_L2026F),
    }
)

#: GB 3095-2012 Table 4 / GB 3095-2026 Table 4 validity minimums
MIN_HOURS_DAILY = 20
MIN_HOURS_O3_8H = 6
MIN_WINDOWS_MDA8 = 14  # of the 17 windows ending 08:00…24:00 (HJ 663 6.1.2)
MIN_DAYS_MONTH, MIN_DAYS_FEBRUARY, MIN_DAYS_YEAR = 27, 25, 324

#: composite-index statistics → (pollutant, period) of the denominator (环办监测〔2018〕19号)
INDEX_TERMS = MappingProxyType(
    {
        "SO2_mean": ("SO2", "annual"), "NO2_mean": ("NO2", "annual"),
        "PM10_mean": ("PM10", "annual"), "PM2.5_mean": ("PM2.5", "annual"),
        "CO_p95": ("CO", "24h"), "O3_8h_p90": ("O3", "8h"),
    }
)  # fmt: skip


def limit_edition_for(date: dt.date) -> str:
    """GB 3095 limit set in force on ``date`` (GB 3095-2026: from 2026-03-01 transitional,
    from 2031-01-01 final)."""
    if date >= dt.date(2031, 1, 1):
        return GB3095_2026_F
    return GB3095_2026_T if date >= dt.date(2026, 3, 1) else GB3095_2012


def _limits(
    edition: str | None, date: dt.date | None
) -> Mapping[tuple[str, str], tuple[float, float]]:
    if edition is None:
        if date is None:
            raise EditionNotDetermined("GB 3095", LIMIT_EDITIONS)
        edition = limit_edition_for(date)
    if edition not in GB3095_LIMITS:
        raise UnknownEdition(edition, LIMIT_EDITIONS)
    return GB3095_LIMITS[edition]


def percentile(values: object, p: float) -> float:
    """Percentile by HJ 663-2013 Appendix A: k = 1 + (n − 1)·p/100, linear interpolation.

    Parameters
    ----------
    values : array-like [any unit]
        NaN / None are dropped (apply the validity minimums before calling).
    p : float
        Percent, 0–100.

    Returns
    -------
    float
        m_p = X(s) + (X(s+1) − X(s))·(k − s), computed exactly on the decimal values and
        converted to float once (same unit as ``values``).

    Examples
    --------
    >>> percentile([3, 4, 8, 2, 5, 4], 90)
    6.5
    """
    if not 0 <= p <= 100:
        raise InvalidValue(f"percentile p must be in 0–100, got {p}", field="p", value=p)
    c, missing = to_scaled(np.ravel(np.asarray(values, dtype=object)))
    x = np.sort(c[~missing])
    n = x.size
    if n == 0:
        raise InsufficientData("percentile of no valid values", statistic=f"p{p}", have=0, need=1)
    k = 1 + Fraction(n - 1) * Fraction(str(p)) / 100
    s = int(k)
    lo = int(x[s - 1])
    if s >= n:
        return lo / SCALE
    exact = Fraction(lo) + (int(x[s]) - lo) * (k - s)
    return float(exact / SCALE)


def _mean_valid(
    arr: npt.ArrayLike, min_count: int, axis: int = -1
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    a = np.asarray(arr, dtype=np.float64)
    count = np.sum(~np.isnan(a), axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(a, axis=axis) / count
    valid = count >= min_count
    return np.where(valid, mean, np.nan), valid


def daily_mean(hourly: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Daily means from hourly values, valid with ≥ 20 hours (GB 3095-2012 Table 4).

    Parameters
    ----------
    hourly : array (n_days, 24) [µg/m³; CO mg/m³]
        NaN = missing hour.

    Returns
    -------
    ndarray (n_days,)
        Mean of the valid hours; NaN where fewer than 20.
    """
    return _mean_valid(np.atleast_2d(hourly), MIN_HOURS_DAILY)[0]


def o3_8h_moving(hourly: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """O3 8-h moving means: value at hour t = mean of hours t−7…t, valid with ≥ 6 hours.

    Parameters
    ----------
    hourly : 1-D array [µg/m³], consecutive hours.

    Returns
    -------
    ndarray, same length; NaN for the first 7 hours and for windows with < 6 valid hours
    (GB 3095-2012 Table 4).
    """
    h = np.asarray(hourly, dtype=np.float64)
    out = np.full(h.size, np.nan)
    if h.size >= 8:
        win = np.lib.stride_tricks.sliding_window_view(h, 8)
        out[7:] = _mean_valid(win, MIN_HOURS_O3_8H)[0]
    return out


def o3_mda8(
    hourly: npt.ArrayLike, limit: float = 160.0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """O3 daily maximum 8-h mean (MDA8) per natural day (HJ 663-2013 6.1.2).

    The 17 windows of a day end at 08:00 … 24:00 (hours 0–7 … 16–23 of the day, period-start
    labels); each needs ≥ 6 valid hours, the day ≥ 14 valid windows. With fewer windows the
    maximum is still valid when it exceeds ``limit``.

    Parameters
    ----------
    hourly : array (n_days, 24) [µg/m³]
    limit : float [µg/m³]
        8-h limit used for the exceedance exception (grade II, 160).

    Returns
    -------
    mda8 : ndarray (n_days,) [µg/m³], NaN where invalid
    valid : ndarray of bool
    """
    h = np.atleast_2d(np.asarray(hourly, dtype=np.float64))
    win = np.lib.stride_tricks.sliding_window_view(h, 8, axis=1)  # (days, 17, 8)
    means, ok = _mean_valid(win, MIN_HOURS_O3_8H)
    n_ok = ok.sum(axis=1)
    with np.errstate(invalid="ignore"):
        best = np.where(n_ok > 0, np.nanmax(np.where(ok, means, -np.inf), axis=1), np.nan)
    valid = (n_ok >= MIN_WINDOWS_MDA8) | (best > limit)
    return np.where(valid, best, np.nan), valid


def period_mean(daily: object, period: str = "year", month: int | None = None) -> float:
    """Annual or monthly mean of daily values with the GB 3095 Table 4 minimums.

    Parameters
    ----------
    daily : array [µg/m³; CO mg/m³]
        Daily values of the period, NaN = invalid day.
    period : {"year", "month"}
    month : int, optional
        1–12 for ``period="month"`` (February needs 25 days, others 27).

    Raises
    ------
    InsufficientData
        Fewer than 324 (year) / 27 (month; 25 in February) valid days.
    """
    d = np.asarray(daily, dtype=np.float64)
    have = int((~np.isnan(d)).sum())
    if period == "year":
        need = MIN_DAYS_YEAR
    elif period == "month":
        need = MIN_DAYS_FEBRUARY if month == 2 else MIN_DAYS_MONTH
    else:
        raise UnknownKeyError("period", period, ("year", "month"))
    if have < need:
        raise InsufficientData(
            f"{period} mean needs ≥ {need} valid days, got {have} (GB 3095-2012 Table 4)",
            statistic=f"{period}_mean", have=have, need=need,
        )  # fmt: skip
    return float(np.nanmean(d))


@dataclass(frozen=True)
class ComprehensiveIndex:
    """环境空气质量综合指数 (环办监测〔2018〕19号).

    Attributes
    ----------
    total : float
        Σ Iᵢ [dimensionless].
    single_indices : mapping statistic → float
        Iᵢ = Cᵢ / Sᵢ.
    primary : str
        Statistic with the largest Iᵢ.
    edition : str
        The GB 3095 limit set of the denominators.
    """

    total: float
    single_indices: Mapping[str, float]
    primary: str
    edition: str

    @property
    def total_rounded(self) -> float:
        """Total to 2 decimals, half-even (as published)."""
        return round(self.total, 2)


def comprehensive_index(
    statistics: Mapping[str, float],
    edition: str | None = GB3095_2012,
    date: dt.date | None = None,
    round_inputs: bool = True,
) -> ComprehensiveIndex:
    """Composite index I = Σ Cᵢ/Sᵢ (环办监测〔2018〕19号) over the six statistics.

    Parameters
    ----------
    statistics : mapping
        ``SO2_mean NO2_mean PM10_mean PM2.5_mean`` [µg/m³], ``CO_p95`` [mg/m³],
        ``O3_8h_p90`` [µg/m³]; all six are required.
    edition : {"GB 3095-2012", "GB 3095-2026 transitional", "GB 3095-2026 final"} or None
        Limit set of the denominators Sᵢ (grade II). The ranking rule names GB 3095-2012;
        the 2026 sets are offered beside it (unweighted: the weights some publish for 2026 are
        not confirmed in a primary text). None: chosen by ``date``.
    round_inputs : bool
        Round statistics per GB/T 8170 first (integers; CO to 0.1), as most bureaus publish.

    Returns
    -------
    ComprehensiveIndex
    """
    limits = _limits(edition, date)
    missing = [k for k in INDEX_TERMS if k not in statistics or statistics[k] is None]
    unknown = [k for k in statistics if k not in INDEX_TERMS]
    if unknown:
        raise UnknownKeyError("statistic", unknown[0], INDEX_TERMS)
    if missing:
        raise InsufficientData(
            f"composite index needs all six statistics; missing {', '.join(missing)}",
            statistic="comprehensive_index", have=6 - len(missing), need=6,
        )  # fmt: skip
    single = {}
    for key, (pol, period) in INDEX_TERMS.items():
        c, _ = to_scaled(statistics[key])
        if int(c) < 0:
            raise InvalidValue(f"negative statistic {key}", field=key, value=statistics[key])
        if round_inputs:
            c = round_half_even(np.asarray(c), SCALE // 10 if pol == "CO" else SCALE)
        single[key] = float(Fraction(int(c), SCALE) / limits[(pol, period)][1])
    primary = max(single, key=single.__getitem__)
    ed = edition or limit_edition_for(date)  # type: ignore[arg-type]
    return ComprehensiveIndex(sum(single.values()), MappingProxyType(single), primary, ed)


def over_standard_multiple(concentration: object, limit: float) -> object:
    """Over-standard multiple B = (C − S)/S (HJ 663-2013 5.3) [dimensionless]."""
    return (np.asarray(concentration, dtype=np.float64) - limit) / limit


def exceedance_days(
    daily: object, pollutant: str, edition: str = GB3095_2012, grade: int = 2
) -> int:
    """Days whose daily value exceeds the 24-h (O3: 8-h) limit of ``grade``.

    Parameters
    ----------
    daily : array [µg/m³; CO mg/m³], NaN = invalid day
    pollutant : {"SO2", "NO2", "CO", "PM10", "PM2.5", "O3"}
    """
    limits = _limits(edition, None)
    period = "8h" if pollutant == "O3" else "24h"
    if (pollutant, period) not in limits:
        raise UnknownKeyError("pollutant", pollutant, sorted({p for p, _ in limits}))
    d = np.asarray(daily, dtype=np.float64)
    return int(np.sum(d > limits[(pollutant, period)][grade - 1]))


def compliance_rate(daily_aqi: object) -> float:
    """Share of valid days with AQI ≤ 100 (优良天数比例) [%]."""
    a = np.asarray(daily_aqi, dtype=np.float64)
    valid = ~np.isnan(a)
    if not valid.any():
        raise InsufficientData(
            "compliance rate of no valid days", statistic="compliance_rate", have=0, need=1
        )
    return 100.0 * float(np.sum(a[valid] <= 100)) / float(valid.sum())


def period_statistics(
    daily: Mapping[str, object], period: str = "year", month: int | None = None
) -> dict[str, float]:
    """Statistics of a period for assessment and the composite index (HJ 663-2013 5; 环办监测
    〔2018〕19号).

    Parameters
    ----------
    daily : mapping
        ``SO2 NO2 PM10 PM2.5 CO`` daily means and ``O3_8h`` (MDA8) of the period's days
        [µg/m³; CO mg/m³], NaN = invalid day.
    period : {"year", "month"}
    month : int, optional

    Returns
    -------
    dict
        ``SO2_mean NO2_mean PM10_mean PM2.5_mean`` (validity-checked means), ``CO_p95``,
        ``O3_8h_p90``, and ``SO2_p98 NO2_p98 PM10_p95 PM2.5_p95`` daily percentiles.
    """
    out: dict[str, float] = {}
    for pol in ("SO2", "NO2", "PM10", "PM2.5"):
        if pol in daily:
            out[f"{pol}_mean"] = period_mean(daily[pol], period, month)
            out[f"{pol}_p{98 if pol in ('SO2', 'NO2') else 95}"] = percentile(
                daily[pol], 98 if pol in ("SO2", "NO2") else 95
            )
    if "CO" in daily:
        out["CO_p95"] = percentile(daily["CO"], 95)
    if "O3_8h" in daily:
        out["O3_8h_p90"] = percentile(daily["O3_8h"], 90)
    return out
