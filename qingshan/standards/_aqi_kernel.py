"""The exact, vectorised IAQI kernel behind :mod:`qingshan.standards.aqi` (HJ 633).

Concentrations are integer-valued float64 at :data:`~qingshan.standards._exact.SCALE`; every
intermediate of formula (1) is an integer below 2⁵³, so one correctly rounded division precedes
the ceiling and the result is exact. Values on the table's resolution grid (whole µg/m³,
0.001 mg/m³ CO) come from a lookup table built with the same formula.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from qingshan.standards._exact import SCALE, to_scaled
from qingshan.standards.aqi_tables import (
    BREAKPOINTS,
    EDITION_2012,
    EDITION_2026,
    IAQI_POINTS,
    INDICATORS,
    POLLUTANTS,
    REPORT_TERMS,
)
from qingshan.standards.errors import InvalidValue

ABOVE_TOP_IAQI = 500
#: HJ 633-2012 Table 1 note (2): the SO2 1-h indicator and the one whose IAQI replaces it
#: above 800 µg/m³ in the hourly reports
SO2_FALLBACK = ("SO2_1h", "SO2_24h")
#: rows per block: the kernel's temporaries stay in cache
CHUNK = 1 << 16

# scaled breakpoint arrays, built once from the immutable tables
_BP = {
    ed: {k: np.array([int(v) * SCALE if "." not in v else round(float(v) * SCALE) for v in bps], dtype=np.int64)
         for k, bps in tables.items()}
    for ed, tables in BREAKPOINTS.items()
}  # fmt: skip
_IQ = np.array(IAQI_POINTS, dtype=np.int64)
# per table: breakpoints, segment low ends, IAQI low ends, IAQI spans, concentration spans
_TAB = {
    ed: {k: (bp.astype(np.float64), bp[:-1].astype(np.float64), _IQ[: len(bp) - 1].astype(np.float64),
             np.diff(_IQ[: len(bp)]).astype(np.float64), np.diff(bp).astype(np.float64))
         for k, bp in tables.items()}
    for ed, tables in _BP.items()
}  # fmt: skip
#: IAQI above the top breakpoint by table: the edition's special rules, else 500
_ABOVE = {
    ed: {k: (np.nan if ed == EDITION_2012 else 200.0) if k == "SO2_1h"
         else (np.nan if ed == EDITION_2012 else 300.0) if k == "O3_8h" else float(ABOVE_TOP_IAQI)
         for k in tables}
    for ed, tables in _BP.items()
}  # fmt: skip
#: float64 arrays: scaled concentrations and IAQI values (NaN = none)
FloatArray: TypeAlias = npt.NDArray[np.float64]

_LUTS: dict[tuple[str, str], tuple[float, FloatArray]] = {}


def _table_for(indicator: str) -> str:
    if indicator in ("PM10_1h", "PM2.5_1h"):
        return indicator.replace("_1h", "_24h")
    return indicator


def _prepare(key: str, values: object, edition: str, offset: int = 0) -> FloatArray:
    """Concentrations as integer-valued float64 at :data:`SCALE` (NaN = missing).

    Every intermediate of the IAQI formula stays an integer below 2⁵³, so float64 holds it
    exactly and one correctly rounded division precedes the ceiling: exact, and fast.
    """
    arr = (
        values
        if isinstance(values, np.ndarray)
        else np.asarray(values, dtype=object if _is_obj(values) else None)
    )
    c: FloatArray
    if arr.dtype.kind in "fiub":
        c = np.rint(arr.astype(np.float64, copy=False) * SCALE)
    else:
        scaled, missing = to_scaled(arr)
        c = np.where(missing, np.nan, scaled.astype(np.float64))
    neg = c < 0
    if neg.any():
        pos = int(np.flatnonzero(neg.ravel())[0]) + offset
        bad = c.ravel()[pos - offset] / SCALE
        raise InvalidValue(
            f"negative concentration {bad:g} for {key} at position {pos} "
            "(HJ 633 defines IAQI for concentrations ≥ 0)",
            field=key,
            value=bad,
            clause="HJ 633 Table 1",
        )
    if edition == EDITION_2026:  # HJ 633-2026 4.2.2: GB/T 8170, µg/m³ to 1, CO to 0.1 mg/m³
        step = float(SCALE // 10 if key.startswith("CO") else SCALE)
        q = np.floor(c / step)
        twice = 2 * (c - q * step)
        c = (q + ((twice > step) | ((twice == step) & (q % 2 == 1)))) * step
    return c


def _iaqi_formula(table: str, edition: str, c: FloatArray) -> FloatArray:
    """IAQI by HJ 633 formula (1) on scaled concentrations ``c``, then ceiling (exact)."""
    bp, lo, ilo, slope, den = _TAB[edition][table]
    seg = np.searchsorted(bp[1:-1], c, side="right")  # segment index; NaN → last (stays NaN)
    val: FloatArray = np.ceil(slope.take(seg) * (c - lo.take(seg)) / den.take(seg)) + ilo.take(seg)
    above = c > bp[-1]
    if above.any():
        val[above] = _ABOVE[edition][table]
    return val


def _lut(table: str, edition: str) -> tuple[float, FloatArray]:
    """IAQI of every multiple of the table's resolution up to the top breakpoint, plus one
    entry for "above the top"; exactly :func:`_iaqi_formula` at those points."""
    step = float(SCALE // 1000 if table.startswith("CO") else SCALE)  # 0.001 mg/m³ or 1 µg/m³
    top = _TAB[edition][table][0][-1]
    points = np.arange(int(top / step) + 1, dtype=np.float64) * step
    return step, np.append(_iaqi_formula(table, edition, points), _ABOVE[edition][table])


def _iaqi_scaled(table: str, edition: str, c: FloatArray) -> FloatArray:
    """IAQI as float64 (integer values, NaN = none) for scaled concentrations ``c``.

    Values on the table's resolution grid (whole µg/m³, CO in 0.001 mg/m³: all published
    data) are looked up in a table precomputed with the exact formula; any other value goes
    through :func:`_iaqi_formula`. Both give the same numbers.
    """
    key = (edition, table)
    if key not in _LUTS:
        _LUTS[key] = _lut(table, edition)
    step, lut = _LUTS[key]
    with np.errstate(invalid="ignore"):
        ii = (c / step).astype(np.int32)  # NaN → garbage, caught below
    np.clip(ii, 0, len(lut) - 1, out=ii)
    val = lut.take(ii)
    off_grid = ii * step != c  # also NaN and values above the top
    if off_grid.any():
        sel = np.flatnonzero(off_grid)
        val[sel] = _iaqi_formula(table, edition, c[sel])
    return val


def _aqi_one_edition(
    columns: Mapping[str, object], report: str, edition: str, n: int, offset: int = 0
) -> dict[str, Any]:
    """IAQI per term, AQI (published and computed), primary-pollutant and exceedance bit masks
    and the missing mask of ``n`` rows under one edition (HJ 633)."""
    terms = REPORT_TERMS[(edition, report)]
    iaqis: dict[str, FloatArray] = {}
    pol: dict[str, FloatArray] = {}
    any_missing = np.zeros(n, dtype=bool)
    for t in terms:
        raw = columns.get(t.key)
        c = (
            np.full(n, np.nan)
            if raw is None
            else np.broadcast_to(_prepare(t.key, raw, edition, offset), n)
        )
        v = _iaqi_scaled(t.table, edition, c)
        iaqis[t.key] = v
        if edition == EDITION_2026:
            any_missing |= np.isnan(c)
        pol[t.pollutant] = np.fmax(pol[t.pollutant], v) if t.pollutant in pol else v
        if t.key == SO2_FALLBACK[0] and edition == EDITION_2012 and SO2_FALLBACK[1] in columns:
            fb = _so2_fallback(columns[SO2_FALLBACK[1]], c, n, offset)
            iaqis[SO2_FALLBACK[1]] = fb
            pol[t.pollutant] = np.fmax(pol[t.pollutant], fb)
    computed = np.full(n, np.nan)
    for v in pol.values():
        computed = np.fmax(computed, v)
    published = computed
    if edition == EDITION_2026:  # 5.3.1: with missing data publish the AQI only above 100
        published = np.where(any_missing & ~(computed > 100), np.nan, computed)
    mask = np.zeros(n, dtype=np.uint8)
    exceed = np.zeros(n, dtype=np.uint8)
    primary_possible = published > 50
    for i, p in enumerate(POLLUTANTS):
        if p not in pol:
            continue
        mask |= ((pol[p] == published) & primary_possible).view(np.uint8) << np.uint8(i)
        if edition == EDITION_2012:
            exceed |= (pol[p] > 100).view(np.uint8) << np.uint8(i)
    # the indicators that decided: bit i = INDICATORS[i] (O3 1 h and 8 h both, when tied)
    lut, multi = _indicator_lut(tuple(iaqis))
    deciding = lut.take(mask)
    for key in multi:
        hit = (iaqis[key] == published) & primary_possible
        np.bitwise_or(deciding, np.uint16(1 << INDICATORS.index(key)), out=deciding, where=hit)
    return {"iaqi": iaqis, "aqi": published, "aqi_computed": computed, "primary_mask": mask,
            "exceeding_mask": exceed, "primary_indicator_mask": deciding,
            "missing": any_missing}  # fmt: skip


@functools.cache
def _indicator_lut(keys: tuple[str, ...]) -> tuple[npt.NDArray[np.uint16], tuple[str, ...]]:
    """Primary-pollutant bit mask → primary-indicator bit mask for the pollutants with one
    indicator among ``keys``, and the keys of the pollutants with several (O3 1 h / 8 h, SO2
    1 h / 24 h), which are resolved row by row."""
    lut = np.zeros(1 << len(POLLUTANTS), dtype=np.uint16)
    multi: list[str] = []
    for i, p in enumerate(POLLUTANTS):
        own = [k for k in keys if k.split("_")[0] == p]
        if len(own) != 1:
            multi += own
            continue
        has = (np.arange(lut.size) >> i & 1).astype(bool)
        lut[has] |= np.uint16(1 << INDICATORS.index(own[0]))
    return lut, tuple(multi)


def _so2_fallback(raw: object, c1h: FloatArray, n: int, offset: int) -> FloatArray:
    """HJ 633-2012 Table 1 note (2): where SO2 1 h > 800 µg/m³ there is no 1-h IAQI and the
    SO2 **24-h** IAQI is used. Returns the SO2_24h IAQI in those rows, NaN elsewhere, so the
    result names the indicator that decided (``SO2_24h``, never ``SO2_1h``).

    ``c1h`` and ``raw`` are the scaled 1-h and the raw 24-h concentrations of ``n`` rows.
    """
    over = c1h > _BP[EDITION_2012]["SO2_1h"][-1]
    out = np.full(n, np.nan)
    if over.any():
        c24 = np.broadcast_to(_prepare(SO2_FALLBACK[1], raw, EDITION_2012, offset), n)
        out[over] = _iaqi_scaled(SO2_FALLBACK[1], EDITION_2012, c24[over])
    return out


def _is_obj(v: object) -> bool:
    return getattr(getattr(v, "dtype", None), "kind", "") == "O" or isinstance(v, list | tuple)


def level_of(aqi_values: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """AQI level 1–6 (HJ 633-2012 Table 2, HJ 633-2026 Table 1) of AQI values.

    Parameters
    ----------
    aqi_values : array [dimensionless], NaN = none

    Returns
    -------
    ndarray of int8
        1 (0–50), 2 (51–100), 3 (101–150), 4 (151–200), 5 (201–300), 6 (> 300); 0 for NaN.
    """
    a = np.asarray(aqi_values, dtype=np.float64)
    lev = (a >= 0).astype(np.int8)
    for edge in (50, 100, 150, 200, 300):
        lev += a > edge
    return lev


def _compact(v: FloatArray, dst: npt.NDArray[np.int16], mask: npt.NDArray[np.bool_]) -> None:
    """Float IAQI/AQI (NaN = none) → int16 values and a missing mask, in place."""
    np.isnan(v, out=mask)
    with np.errstate(invalid="ignore"):
        np.copyto(dst, v, casting="unsafe")


def _aqi_chunked(
    columns: Mapping[str, object], report: str, edition: str, n: int, compact: bool = False
) -> dict[str, Any]:
    """:func:`_aqi_one_edition` over blocks of :data:`CHUNK` rows, plus ``level``.

    With ``compact`` the AQI and IAQIs come back as int16 ``*_values`` with bool ``*_missing``
    arrays (no full-size float temporaries: the frame form's fast path).
    """
    cols = {
        k: np.broadcast_to(np.asarray(v, dtype=object if _is_obj(v) else None), n)
        for k, v in columns.items()
    }
    out: dict[str, Any] = {}
    for start in range(0, n or 1, CHUNK):
        end = min(n, start + CHUNK)
        part = _aqi_one_edition(
            {k: v[start:end] for k, v in cols.items()}, report, edition, end - start, start
        )
        part["level"] = level_of(part["aqi"])
        if not out:
            out = {"iaqi": {}}
            for k, v in part.items():
                if k == "iaqi" or (compact and k in ("aqi", "aqi_computed")):
                    continue
                out[k] = np.empty(n, v.dtype)
            names = ["aqi", *part["iaqi"]] if compact else list(part["iaqi"])
            for k in names:
                if compact:
                    out.setdefault("values", {})[k] = np.empty(n, np.int16)
                    out.setdefault("missing_of", {})[k] = np.empty(n, bool)
                else:
                    out["iaqi"][k] = np.empty(n)
        sl = slice(start, end)
        for k, v in part.items():
            if k == "iaqi":
                for key, arr in v.items():
                    if compact:
                        _compact(arr, out["values"][key][sl], out["missing_of"][key][sl])
                    else:
                        out["iaqi"][key][sl] = arr
            elif compact and k == "aqi":
                _compact(v, out["values"]["aqi"][sl], out["missing_of"]["aqi"][sl])
            elif k in out:
                out[k][sl] = v
    return out
