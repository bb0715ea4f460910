"""Consistency checks between the parameters of one ambient air station (环境空气自动监测站).

A monitoring centre reviews an hour of a station by its parameters together: PM2.5 above PM10
(倒挂), NO2 above NOx, O3 and NO2 both high at night (titration), a value at its analyser's
range limit. Pure and vectorised, same conventions as :mod:`.checks` (NaN → MISSING, ``mask``
→ NOT_EVALUATED, a Series in gives a Series out). The two-parameter checks return the flags of
the *hour*, in the first argument's shape: the pipeline puts them on both series, since either
analyser may be the faulty one.

Units: ambient concentrations in µg/m³ (CO mg/m³) at the reference state of GB 3095-2012 as
amended in 2018 and of GB 3095-2026 §4.3 (gases at 298.15 K, 1013.25 hPa: 1 nmol/mol SO2 =
2.619 µg/m³, NO2 = 1.881, O3 = 1.962; 1 µmol/mol CO = 1.145 mg/m³).

What the CNEMC data review practice says (CNEMC data-review training, 郑皓皓 2014 / 2017,
"国家环境空气质量监测网自动监测数据审核及复核技术要求" [U: slides, not a standard]): an inversion
with the equipment working normally is valid data, and an outlier is no reason for invalidity by
itself. So these checks give SUSPECT (kept, for review) except at the range limit, where the
reading is the analyser's clip and not a measurement (FAIL, as HJ 212-2017 flag T).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.kernel import (
    NE,
    BoolArray,
    F,
    Flags,
    FloatArray,
    Mask,
    P,
    S,
    Times,
    Values,
    finish,
    masked_float,
    nanoseconds,
)

__all__ = [
    "pm_inversion_test",
    "no2_above_nox_test",
    "night_titration_test",
    "range_limit_test",
]


def _pair(
    name_a: str, a: Values, name_b: str, b: Values, mask: Mask
) -> tuple[FloatArray, FloatArray, BoolArray, BoolArray]:
    x, missing, masked = masked_float(a, mask)
    y = np.asarray(b, dtype="float64")
    if y.shape != x.shape:
        raise ShapeMismatch(name_a, x.size, name_b, y.size)
    return x, y, missing, masked


def pm_inversion_test(
    pm25: Values,
    pm10: Values,
    relative_tolerance: float = 0.15,
    absolute_tolerance: float = 5.0,
    *,
    mask: Mask = None,
) -> Flags:
    """PM2.5 above PM10 at the same hour and station (倒挂) beyond the measurement uncertainty.

    PM2.5 is part of PM10 (GB 3095-2012 §3, terms), so PM2.5 ≤ PM10 up to the error of two
    separate analysers. SUSPECT where

        PM2.5 > PM10 × (1 + ``relative_tolerance``) + ``absolute_tolerance``.

    The relative part is the slope tolerance of an automatic PM analyser against the reference
    method, 1 ± 0.15 (HJ 653-2013, comparison with the reference method [U: value from the
    standard's table, not confirmed from the text]); the absolute part covers the hourly noise of
    the difference of two analysers at low concentration and the rounding to whole µg/m³. Hourly
    inversions within it are mostly random error (潘本锋 et al., 中国环境监测 2014, 30(5): 90-95,
    CNEMC's own comparison of PM methods); on the Zhejiang 2019 station-hours the rule flags
    0.22 % of PM pairs, raw PM2.5 > PM10 occurs in 1.06 %.

    Parameters
    ----------
    pm25, pm10 : array [µg/m³], aligned hour by hour
    relative_tolerance : float [–]
    absolute_tolerance : float [µg/m³]

    Returns
    -------
    array [Flag] of the hour; MISSING where PM2.5 is missing, NOT_EVALUATED where PM10 is.
    """
    if relative_tolerance is None or relative_tolerance < 0:
        raise BadParameter("pm_inversion_test", "relative_tolerance", relative_tolerance, "≥ 0")
    if absolute_tolerance is None or absolute_tolerance < 0:
        raise BadParameter("pm_inversion_test", "absolute_tolerance", absolute_tolerance, "≥ 0")
    x, y, missing, masked = _pair("pm25", pm25, "pm10", pm10, mask)
    with np.errstate(invalid="ignore"):
        bad = x > y * (1.0 + relative_tolerance) + absolute_tolerance
    flags = np.where(np.isnan(y), NE, P).astype(np.uint8)
    flags[bad] = S
    return finish(pm25, flags, missing, masked)


def no2_above_nox_test(
    no2: Values,
    nox: Values,
    absolute_tolerance: float = 3.8,
    *,
    mask: Mask = None,
) -> Flags:
    """NO2 above NOx (both expressed as NO2) where a station reports both.

    A chemiluminescence analyser measures NO and NOx and reports NO2 = NOx − NO, so NO2 ≤ NOx
    up to the noise of the NO channel. SUSPECT where NO2 > NOx + ``absolute_tolerance``; the
    default 3.8 µg/m³ is 2 nmol/mol, the lowest detection limit HJ 654-2013 §6 (Table 1) allows
    a NOx analyser [U: value from the standard's table]. A larger excess means a unit or
    molar-mass error (NO reported as NO instead of as NO2) or a failed NO channel.

    Parameters
    ----------
    no2, nox : array [µg/m³, NOx as NO2], aligned hour by hour
    absolute_tolerance : float [µg/m³]

    Returns
    -------
    array [Flag] of the hour; NOT_EVALUATED where NOx is missing.
    """
    if absolute_tolerance is None or absolute_tolerance < 0:
        raise BadParameter("no2_above_nox_test", "absolute_tolerance", absolute_tolerance, "≥ 0")
    x, y, missing, masked = _pair("no2", no2, "nox", nox, mask)
    with np.errstate(invalid="ignore"):
        bad = x > y + absolute_tolerance
    flags = np.where(np.isnan(y), NE, P).astype(np.uint8)
    flags[bad] = S
    return finish(no2, flags, missing, masked)


def night_titration_test(
    o3: Values,
    no2: Values,
    times: Times,
    o3_min: float = 160.0,
    no2_min: float = 80.0,
    night_hours: tuple[int, int] = (0, 5),
    utc_offset_hours: float = 8.0,
    *,
    mask: Mask = None,
) -> Flags:
    """O3 and NO2 both high at night, against titration.

    At night O3 is not produced (no NO2 photolysis) and the NO emitted into the shallow
    nocturnal layer destroys it (NO + O3 → NO2 + O2, a lifetime of about a minute at 40 nmol/mol
    O3): NO2 is high exactly where O3 has been titrated away. A night hour with O3 ≥ ``o3_min``
    *and* NO2 ≥ ``no2_min`` contradicts the chemistry — one analyser reads high (O3 analyser
    interference, a failing NO2 converter) — and is SUSPECT.

    Defaults: 160 µg/m³ is the grade II 8-hour O3 limit and 80 µg/m³ the grade II 24-hour NO2
    limit of GB 3095-2012 Table 1 (unchanged in GB 3095-2026 until 2030) — each a level of a
    pollution episode; together, at night,
    they are Ox ≈ 82 + 43 = 125 nmol/mol, far above the regional background that survives the
    night. Night is ``night_hours`` [start, end) in local time (UTC+``utc_offset_hours``): 00–05
    China Standard Time is after the latest sunset and evening O3 decline and before the
    earliest sunrise in eastern China. On the Zhejiang 2019 station-hours no night hour meets
    both (the 99.9th percentiles at night are O3 154 and NO2 128 µg/m³, never together).

    Parameters
    ----------
    o3, no2 : array [µg/m³], aligned hour by hour
    times : datetime array (UTC), the hours' starts
    o3_min, no2_min : float [µg/m³]
    night_hours : (int, int) [h, local time]
    utc_offset_hours : float [h]

    Returns
    -------
    array [Flag] of the hour; NOT_EVALUATED by day and where NO2 is missing.
    """
    lo, hi = night_hours
    if not (0 <= lo < hi <= 24):
        raise BadParameter(
            "night_titration_test", "night_hours", night_hours, "0 ≤ start < end ≤ 24"
        )
    x, y, missing, masked = _pair("o3", o3, "no2", no2, mask)
    ns = nanoseconds(times, x.size)
    local_hour = ((ns // 3_600_000_000_000) + int(round(utc_offset_hours))) % 24
    night = (local_hour >= lo) & (local_hour < hi)
    flags = np.where(night & ~np.isnan(y), P, NE).astype(np.uint8)
    with np.errstate(invalid="ignore"):
        flags[night & (x >= o3_min) & (y >= no2_min)] = S
    return finish(o3, flags, missing, masked)


def range_limit_test(
    values: Values,
    upper: float,
    tolerance_share: float = 0.01,
    *,
    mask: Mask = None,
) -> Flags:
    """Values at (or beyond) the analyser's upper range limit: FAIL.

    An analyser saturates at its full scale: a reading there is the clip, not the
    concentration (the logger flags it T, 超测量上限, HJ 212-2017 Table 8). FAIL where
    x ≥ ``upper`` × (1 − ``tolerance_share``). ``upper`` is the analyser's range from the rule
    pack: by default the range HJ 654-2013 §6 (Table 1) requires of gas analysers and HJ 653-2013
    of PM analysers [U]; a station whose analyser runs a wider range needs its own value.

    Parameters
    ----------
    values : array [unit of the series]
    upper : float [unit of the series]
    tolerance_share : float [–] share of ``upper`` below it still counted as at the limit

    Returns
    -------
    array [Flag]
    """
    if upper is None or not upper > 0:
        raise BadParameter("range_limit_test", "upper", upper, "> 0")
    if tolerance_share is None or not 0 <= tolerance_share < 1:
        raise BadParameter("range_limit_test", "tolerance_share", tolerance_share, "0 ≤ share < 1")
    x, missing, masked = masked_float(values, mask)
    with np.errstate(invalid="ignore"):
        at = x >= upper * (1.0 - tolerance_share)
    flags: npt.NDArray[np.uint8] = np.where(at, F, P).astype(np.uint8)
    return finish(values, flags, missing, masked)
