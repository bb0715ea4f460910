"""Air quality index (AQI) of HJ 633-2012 and HJ 633-2026, exact and vectorised.

The IAQI of a concentration C on a segment [BP_Lo, BP_Hi] is (HJ 633-2012 formula (1),
HJ 633-2026 formula (1))::

    IAQI = (IAQI_Hi − IAQI_Lo) / (BP_Hi − BP_Lo) × (C − BP_Lo) + IAQI_Lo

rounded **up** to an integer (HJ 633-2012 6.2 / HJ 633-2026 4.2.6, "全部进位取整数"); the AQI is
the largest IAQI. Arithmetic is exact (integer-scaled, see :mod:`._exact`), so CO 24 h 2.2 mg/m³
gives 55 and CO 1 h 65.4 mg/m³ gives 218, not the 56 and 219 of naive floating point.

Rules by edition (tables in :mod:`.aqi_tables`):

======================  ===================================  ==================================
rule                    HJ 633-2012                          HJ 633-2026
======================  ===================================  ==================================
SO2 1 h > 800 µg/m³     no 1-h IAQI; SO2 24 h IAQI is used   IAQI = 200
                        (Table 1 note 2)
O3 8 h > 800 µg/m³      no 8-h IAQI; O3 1 h IAQI is used     IAQI = 300
                        (Table 1 note 3)
concentration rounding  none stated                          GB/T 8170 half-even: µg/m³ to
                                                             integers, CO to 0.1 mg/m³ (4.2.2)
exceeding pollutants    IAQI > 100 (3.7)                     definition deleted: always ()
missing indicators      AQI from the rest (5.1.1)            AQI, level and primary pollutant
                                                             published only when AQI > 100
                                                             (5.3.1), else ``aqi`` is None
======================  ===================================  ==================================

Above the top breakpoint of a table the standards define nothing; IAQI 500 is used, as CNEMC
publishes (non-normative). Primary pollutants (首要污染物) exist only when AQI > 50: every
pollutant whose IAQI equals the AQI (O3 1 h and 8 h count once).

Reports: ``"daily"`` (日报), ``"hourly"`` (实时报 as the standard's text reads) and
``"realtime"`` (the hourly AQI CNEMC actually publishes for stations: 1-h SO2, NO2, CO, O3 on
the 1-h tables, 1-h PM on the 24-h tables; under HJ 633-2026 this is also the standard's
hourly definition). See docs/standards.md for the difference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.standards import _shape
from qingshan.standards._aqi_kernel import (
    SO2_FALLBACK,
    _aqi_chunked,
    _iaqi_scaled,
    _is_obj,
    _prepare,
    _table_for,
    level_of,
)
from qingshan.standards.aqi_tables import (
    EDITION_2012,
    EDITION_2026,
    EDITION_2026_FROM,
    EDITIONS,
    INDICATORS,
    LEVELS,
    POLLUTANTS,
    REPORT_TERMS,
    REPORTS,
    Level,
)
from qingshan.standards.errors import (
    EditionNotDetermined,
    InvalidValue,
    UnknownEdition,
    UnknownIndicator,
    UnknownKeyError,
)
from qingshan.timeutil import CST

__all__ = [
    "AQIResult", "LEVELS", "Level", "EDITIONS", "INDICATORS", "POLLUTANTS",
    "aqi", "iaqi", "aqi_arrays", "aqi_frame", "edition_for", "level_of",
]  # fmt: skip

#: IAQI above the top breakpoint of a table (non-normative; CNEMC publishes 500)
_MASK_NAMES = np.array(
    [
        ",".join(p for i, p in enumerate(POLLUTANTS) if m >> i & 1)
        for m in range(1 << len(POLLUTANTS))
    ],
    dtype=object,
)
#: comma-joined indicator keys of each primary-indicator bit mask (bit i = ``INDICATORS[i]``)
_INDICATOR_MASK_NAMES = np.array(
    [
        ",".join(k for i, k in enumerate(INDICATORS) if m >> i & 1)
        for m in range(1 << len(INDICATORS))
    ],
    dtype=object,
)


# ----------------------------------------------------------------------------------------
# edition
# ----------------------------------------------------------------------------------------
def _check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise UnknownEdition(edition, EDITIONS)
    return edition


def edition_for(date: object) -> str | npt.NDArray[np.str_]:
    """The HJ 633 edition that applies to data of ``date``.

    Parameters
    ----------
    date : date, datetime, str, datetime64, array or Series
        Time of the data. Naive values are China Standard Time; aware values are converted
        to UTC+8 first.

    Returns
    -------
    str or ndarray of str
        ``"HJ 633-2012"`` before 2026-03-01 (CST), ``"HJ 633-2026"`` from then on
        (HJ 633-2026 foreword: in force 2026-03-01).
    """
    if isinstance(date, dt.date) and not isinstance(date, dt.datetime):
        return EDITION_2026 if date >= EDITION_2026_FROM else EDITION_2012
    scalar = _shape.ndim(date) == 0
    ts = pd.to_datetime(pd.Series([date] if scalar else list(np.asarray(date, dtype=object))))
    if ts.dt.tz is not None:
        ts = ts.dt.tz_convert(CST).dt.tz_localize(None)
    new = (ts >= pd.Timestamp(EDITION_2026_FROM)).to_numpy()
    out = np.where(new, EDITION_2026, EDITION_2012)
    return str(out[0]) if scalar else out


def _resolve(edition: str | None, date: object) -> str | npt.NDArray[np.str_]:
    if edition is not None:
        return _check_edition(edition)
    if date is None:
        raise EditionNotDetermined("HJ 633", EDITIONS)
    return edition_for(date)


# ----------------------------------------------------------------------------------------
# IAQI kernel
# ----------------------------------------------------------------------------------------
def iaqi(
    indicator: str, concentration: object, edition: str | None = None, date: object = None
) -> int | None | npt.NDArray[np.float64] | pd.Series:
    """Individual air quality index (IAQI) of one indicator.

    HJ 633-2012 Table 1 and formula (1); HJ 633-2026 Table 3, formula (1), 4.2.2 and 4.2.6.

    Parameters
    ----------
    indicator : str
        One of ``SO2_1h SO2_24h NO2_1h NO2_24h CO_1h CO_24h O3_1h O3_8h PM10_1h PM10_24h
        PM2.5_1h PM2.5_24h``. PM 1-h values are indexed on the 24-h table (HJ 633-2026
        4.2.4; CNEMC real-time practice).
    concentration : float, Decimal, str, array or Series [µg/m³; CO mg/m³]
        None / NaN = missing.
    edition : {"HJ 633-2012", "HJ 633-2026"}, optional
    date : date-like, optional
        Chooses the edition when ``edition`` is None (see :func:`edition_for`).

    Returns
    -------
    int or None, ndarray [float, NaN = none] or Series [Int64]
        Same kind as ``concentration``. None/NaN also where the edition gives no IAQI
        (HJ 633-2012: SO2 1 h > 800, O3 8 h > 800).

    Raises
    ------
    UnknownIndicator, UnknownEdition, EditionNotDetermined, InvalidValue
    """
    if indicator not in INDICATORS:
        raise UnknownIndicator(indicator, INDICATORS)
    ed = _resolve(edition, date)
    values = concentration
    if not isinstance(ed, str):  # mixed editions in one array
        eds = np.asarray(ed)
        res = np.full(eds.shape, np.nan)
        for e in EDITIONS:
            m = eds == e
            if m.any():
                res[m] = iaqi(indicator, np.asarray(values, dtype=object)[m], edition=e)
        return _like(values, res)
    c = _prepare(indicator, values, ed)
    res = _iaqi_scaled(_table_for(indicator), ed, np.atleast_1d(c))
    return _like(values, res.reshape(np.shape(c)))


def _like(
    template: object, res: npt.NDArray[np.float64]
) -> int | None | npt.NDArray[np.float64] | pd.Series:
    if isinstance(template, pd.Series):
        return pd.Series(res, index=template.index, name=template.name).astype("Int64")
    if _shape.ndim(template) == 0 and not isinstance(template, np.ndarray):
        v = float(res.reshape(-1)[0])
        return None if np.isnan(v) else int(v)
    return res


# ----------------------------------------------------------------------------------------
# AQI over arrays
# ----------------------------------------------------------------------------------------
def aqi_arrays(
    columns: Mapping[str, object],
    report: str = "daily",
    edition: str | None = None,
    date: object = None,
) -> dict[str, Any]:
    """AQI over arrays: the vectorised kernel behind :func:`aqi` and :func:`aqi_frame`.

    Parameters
    ----------
    columns : mapping of indicator key → array [µg/m³; CO mg/m³]
        Keys as in :data:`INDICATORS`; NaN = missing. Keys the report does not use are ignored.
    report : {"daily", "hourly", "realtime"}
    edition : {"HJ 633-2012", "HJ 633-2026"}, optional
    date : date-like or array, optional
        Chooses the edition per row when ``edition`` is None.

    Returns
    -------
    dict
        ``aqi`` [float, NaN = not published], ``aqi_computed`` (before the 2026 missing-data
        rule), ``level`` [int8, 0 = none], ``iaqi`` (key → float array), ``primary_mask`` and
        ``exceeding_mask`` [int, bit i = ``POLLUTANTS[i]``], ``primary_indicator_mask``
        [uint16, bit i = ``INDICATORS[i]``: the indicators whose IAQI is the AQI], ``missing``
        [bool], ``edition`` (str, or an array of str when the rows' dates span both editions).
        Under HJ 633-2012 the hourly and realtime reports add ``iaqi["SO2_24h"]`` when an
        ``SO2_24h`` column is given: the SO2 sub-index where SO2 1 h > 800 µg/m³ (Table 1
        note (2)), NaN elsewhere; ``iaqi["SO2_1h"]`` is NaN in those rows.
    """
    if report not in REPORTS:
        raise UnknownKeyError("report", report, REPORTS)
    for k in columns:
        if k not in INDICATORS:
            raise UnknownIndicator(k, INDICATORS)
    n = max((_shape.size(v) for v in columns.values()), default=1)
    ed = _resolve(edition, date)
    if isinstance(ed, str):
        out = _aqi_chunked(columns, report, ed, n)
        out["edition"] = ed
    else:
        eds = np.broadcast_to(np.asarray(ed, dtype=object), n)
        out = {"aqi": np.full(n, np.nan), "aqi_computed": np.full(n, np.nan), "iaqi": {},
               "primary_mask": np.zeros(n, np.uint8), "exceeding_mask": np.zeros(n, np.uint8),
               "primary_indicator_mask": np.zeros(n, np.uint16),
               "missing": np.zeros(n, bool), "edition": eds.copy()}  # fmt: skip
        for e in EDITIONS:
            m = eds == e
            if not m.any():
                continue
            sub = {k: np.broadcast_to(np.asarray(v, dtype=object if _is_obj(v) else None), n)[m]
                   for k, v in columns.items()}  # fmt: skip
            part = _aqi_chunked(sub, report, e, int(m.sum()))
            for k in ("aqi", "aqi_computed", "primary_mask", "exceeding_mask",
                      "primary_indicator_mask", "missing"):  # fmt: skip
                out[k][m] = part[k]
            for k, v in part["iaqi"].items():
                out["iaqi"].setdefault(k, np.full(n, np.nan))[m] = v
    if "level" not in out:
        out["level"] = level_of(out["aqi"])
    return out


def _int16(v: npt.NDArray[np.float64]) -> pd.arrays.IntegerArray:
    miss = np.isnan(v)
    with np.errstate(invalid="ignore"):
        return pd.arrays.IntegerArray(v.astype(np.int16), miss)


# ----------------------------------------------------------------------------------------
# public scalar and DataFrame forms
# ----------------------------------------------------------------------------------------
def _names(mask: int, names: tuple[str, ...] = POLLUTANTS) -> tuple[str, ...]:
    return tuple(p for i, p in enumerate(names) if mask >> i & 1)


@dataclass(frozen=True)
class AQIResult:
    """AQI of one record (HJ 633).

    Attributes
    ----------
    aqi : int or None
        AQI [dimensionless]; None when nothing was measured or, under HJ 633-2026 5.3.1, when
        an indicator is missing and the AQI from the rest is ≤ 100.
    iaqi : mapping of indicator key → int or None
        The report's indicators. Under HJ 633-2012 in the hourly and realtime reports, when
        SO2 1 h > 800 µg/m³ the SO2 sub-index is the 24-h one (Table 1 note (2)): it is given
        as ``SO2_24h`` and ``SO2_1h`` is None. ``SO2_24h`` appears in these reports only when
        it was given as input.
    level : int or None
        1–6 (HJ 633-2012 Table 2).
    category : str or None
        优, 良, 轻度污染, 中度污染, 重度污染, 严重污染.
    color : str or None
        Hex colour of the level (HJ 633-2012 Appendix A).
    primary_pollutants : tuple of str
        Names from SO2, NO2, PM10, PM2.5, CO, O3 in that order; empty when AQI ≤ 50.
    exceeding_pollutants : tuple of str
        IAQI > 100 (HJ 633-2012 3.7); always empty under HJ 633-2026.
    edition, report : str
    missing : tuple of str
        Indicators of the report that were missing; under HJ 633-2012 also ``SO2_24h`` when
        SO2 1 h > 800 µg/m³ and no 24-h value was given (SO2 then has no sub-index).
    aqi_computed : int or None
        AQI from the available indicators before the 2026 publication rule.
    primary_indicators : tuple of str
        The indicator keys whose IAQI is the AQI (empty when AQI ≤ 50), in
        :data:`INDICATORS` order: the indicator that decided, e.g. ``("SO2_24h",)`` for an
        HJ 633-2012 hour with SO2 1 h > 800 µg/m³, ``("O3_1h", "O3_8h")`` for an O3 tie.
    """

    aqi: int | None
    iaqi: Mapping[str, int | None]
    level: int | None
    category: str | None
    color: str | None
    primary_pollutants: tuple[str, ...]
    exceeding_pollutants: tuple[str, ...]
    edition: str
    report: str
    missing: tuple[str, ...] = ()
    aqi_computed: int | None = None
    primary_indicators: tuple[str, ...] = ()
    category_en: str | None = field(default=None, repr=False)


def aqi(
    concentrations: Mapping[str, object],
    report: str = "daily",
    edition: str | None = None,
    date: object = None,
) -> AQIResult:
    """AQI, level, primary and exceeding pollutants of one record (HJ 633).

    Parameters
    ----------
    concentrations : mapping of indicator key → float, Decimal, str or None
        [µg/m³; CO mg/m³]. Keys ``SO2_1h SO2_24h NO2_1h NO2_24h CO_1h CO_24h O3_1h O3_8h
        PM10_1h PM10_24h PM2.5_1h PM2.5_24h``.
    report : {"daily", "hourly", "realtime"}
        日报, 实时报 as the standard's text reads, or CNEMC's published station hourly AQI.
    edition : {"HJ 633-2012", "HJ 633-2026"}, optional
    date : date-like, optional
        Chooses the edition when ``edition`` is None: HJ 633-2012 before 2026-03-01.

    Returns
    -------
    AQIResult

    Examples
    --------
    >>> aqi({"CO_24h": 2.2}, edition="HJ 633-2012").iaqi["CO_24h"]
    55
    """
    ed = _resolve(edition, date)
    if not isinstance(ed, str):
        raise InvalidValue("one record takes one date", field="date", value=date)
    cols = {k: np.array([np.nan if v is None else v], dtype=object if not isinstance(v, float | int) else np.float64)
            for k, v in concentrations.items()}  # fmt: skip
    r = aqi_arrays(cols, report=report, edition=ed)
    a = r["aqi"][0]
    value = None if np.isnan(a) else int(a)
    comp = None if np.isnan(r["aqi_computed"][0]) else int(r["aqi_computed"][0])
    lev = LEVELS.get(int(r["level"][0]))
    terms = REPORT_TERMS[(ed, report)]
    missing = [t.key for t in terms if t.key in r["iaqi"] and np.isnan(r["iaqi"][t.key][0])
               and _is_missing(concentrations.get(t.key))]  # fmt: skip
    so2, so2_24h = SO2_FALLBACK
    if (ed == EDITION_2012 and report != "daily" and np.isnan(r["iaqi"][so2][0])
            and not _is_missing(concentrations.get(so2))
            and _is_missing(concentrations.get(so2_24h))):  # fmt: skip
        missing.append(so2_24h)  # SO2 1 h > 800: Table 1 note (2) needs the 24-h value
    return AQIResult(
        aqi=value,
        iaqi=MappingProxyType({k: (None if np.isnan(v[0]) else int(v[0])) for k, v in r["iaqi"].items()}),
        level=lev.level if lev else None,
        category=lev.name if lev else None,
        color=lev.color if lev else None,
        primary_pollutants=_names(int(r["primary_mask"][0])),
        exceeding_pollutants=_names(int(r["exceeding_mask"][0])),
        edition=ed,
        report=report,
        missing=tuple(missing),
        aqi_computed=comp,
        primary_indicators=_names(int(r["primary_indicator_mask"][0]), INDICATORS),
        category_en=lev.name_en if lev else None,
    )  # fmt: skip


def _is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def aqi_frame(
    frame: pd.DataFrame,
    report: str = "daily",
    edition: str | None = None,
    date: object = None,
) -> pd.DataFrame:
    """Vectorised :func:`aqi` over a DataFrame with one column per indicator.

    Parameters
    ----------
    frame : DataFrame
        Columns named by indicator key [µg/m³; CO mg/m³]; other columns are ignored.
    report : {"daily", "hourly", "realtime"}
    edition : str, optional
    date : str, date-like or array, optional
        A column name of ``frame``, or values; chooses the edition per row.

    Returns
    -------
    DataFrame
        Same index; columns ``aqi level category color primary_pollutants
        primary_indicators exceeding_pollutants edition`` and ``iaqi_<key>`` (Int16 / Int8,
        nullable); strings are categorical. Pollutant and indicator lists are comma-joined
        strings ("" when none). ``iaqi_<key>`` are the keys of :func:`aqi_arrays`' ``iaqi``
        (with HJ 633-2012 hourly/realtime and an ``SO2_24h`` column: ``iaqi_SO2_24h`` holds
        the SO2 sub-index where SO2 1 h > 800 µg/m³).
    """
    cols = {k: frame[k].to_numpy() for k in frame.columns if k in INDICATORS}
    if isinstance(date, str) and date in frame.columns:
        date = frame[date]
    if not cols:
        raise UnknownIndicator(", ".join(map(str, frame.columns)) or "(no columns)", INDICATORS)
    if report not in REPORTS:
        raise UnknownKeyError("report", report, REPORTS)
    ed = _resolve(edition, date)
    if not isinstance(ed, str) and len(ed) and (ed == ed[0]).all():
        ed = str(ed[0])
    if isinstance(ed, str):  # one edition: the compact fast path
        r = _aqi_chunked(cols, report, ed, len(frame), compact=True)
        ints = {k: pd.arrays.IntegerArray(r["values"][k], r["missing_of"][k]) for k in r["values"]}
    else:
        r = aqi_arrays(cols, report=report, date=date)
        ed = r["edition"]
        ints = {"aqi": _int16(r["aqi"]), **{k: _int16(v) for k, v in r["iaqi"].items()}}
    lev = r["level"]
    codes = lev - 1  # level 0 (none) → code −1 (missing)
    data = {
        "aqi": ints.pop("aqi"),
        "level": pd.arrays.IntegerArray(lev, lev == 0),
        "category": pd.Categorical.from_codes(codes, [LEVELS[i].name for i in range(1, 7)]),
        "color": pd.Categorical.from_codes(codes, [LEVELS[i].color for i in range(1, 7)]),
        "primary_pollutants": pd.Categorical.from_codes(r["primary_mask"], _MASK_NAMES),
        "primary_indicators": pd.Categorical.from_codes(
            r["primary_indicator_mask"], _INDICATOR_MASK_NAMES
        ),
        "exceeding_pollutants": pd.Categorical.from_codes(r["exceeding_mask"], _MASK_NAMES),
        "edition": (
            pd.Categorical.from_codes(np.zeros(len(lev), np.int8), [ed])
            if isinstance(ed, str)
            else pd.Categorical(ed, categories=list(EDITIONS))
        ),
        **{f"iaqi_{k}": v for k, v in ints.items()},
    }
    out = pd.DataFrame(data, index=frame.index, copy=False)
    return out
