"""Exact decimal arithmetic on NumPy arrays by integer scaling.

Concentrations are read as decimals with :data:`DIGITS` places: a float such as ``2.2`` (stored
as 2.2000000000000002) becomes the integer 2 200 000 at scale 10⁶, and all further arithmetic
(interpolation, GB/T 8170 rounding, ceiling) is integer arithmetic, so results at breakpoints
are exact (HJ 633-2012 6.2 / HJ 633-2026 4.2.6 "全部进位取整数" applied to the exact value).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import numpy.typing as npt

from qingshan.standards.errors import InvalidValue

#: decimal places kept from each input value; 10⁻⁶ of a µg/m³ or mg/m³ is far below any
#: reported precision, and 10⁶ × the largest table breakpoint stays far inside int64.
DIGITS = 6
SCALE: int = 10**DIGITS
_INT64_MAX = 2**63 - 1


def _out_of_range(field: str, value: object, digits: int) -> InvalidValue:
    limit = _INT64_MAX / 10**digits
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return InvalidValue(
        f"{field} value {shown} is out of range (at most {limit:.2g} in magnitude)",
        field=field,
        value=shown,
    )


def to_scaled(
    values: object, digits: int = DIGITS, *, field: str = "a"
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Scale ``values`` to int64 at 10^``digits`` and return ``(scaled, missing)``.

    Parameters
    ----------
    values : scalar, sequence, ndarray or Series
        Decimal numbers; None / NaN mean missing. ``Decimal`` and ``str`` items are converted
        exactly (rounded half-even at 10⁻⁶).

    Returns
    -------
    scaled : ndarray of int64
        ``round(value × 10⁶)``; 0 where missing.
    missing : ndarray of bool

    Raises
    ------
    InvalidValue
        When a value (or infinity) does not fit int64 at that scale, naming ``field``.
    """
    arr = np.asarray(values, dtype=object if _needs_object(values) else None)
    if arr.dtype == object:
        flat = [_exact_item(v, digits) for v in arr.ravel()]
        for raw, v in zip(arr.ravel(), flat, strict=True):
            if v is not None and not -_INT64_MAX <= v <= _INT64_MAX:
                raise _out_of_range(field, raw, digits)
        missing = np.array([v is None for v in flat], dtype=bool).reshape(arr.shape)
        scaled = np.array([0 if v is None else v for v in flat], dtype=np.int64).reshape(arr.shape)
        return scaled, missing
    f = arr.astype(np.float64, copy=False)
    missing = np.isnan(f)
    product = np.rint(np.where(missing, 0.0, f) * 10**digits)
    # 2^63 as a float is the first value int64 cannot hold
    too_big = np.abs(product) >= float(2**63)
    if too_big.any():
        raise _out_of_range(field, float(f.ravel()[np.flatnonzero(too_big.ravel())[0]]), digits)
    scaled = product.astype(np.int64)
    return scaled, missing


def _needs_object(values: object) -> bool:
    if isinstance(values, Decimal | str):
        return True
    if isinstance(values, np.ndarray | float | int) or values is None:
        return isinstance(values, np.ndarray) and values.dtype == object
    dtype = getattr(values, "dtype", None)
    if dtype is not None:
        return getattr(dtype, "kind", "") == "O"
    return isinstance(values, list | tuple) and any(
        isinstance(v, Decimal | str) or v is None for v in values
    )


def _exact_item(v: object, digits: int = DIGITS) -> int | None:
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, Decimal):
        if v.is_nan():
            return None
        return int(v.scaleb(digits).to_integral_value(ROUND_HALF_EVEN))
    if isinstance(v, str):
        s = v.strip()
        if s == "" or s.lower() in {"nan", "na", "none", "--", "—"}:
            return None
        return int(Decimal(s).scaleb(digits).to_integral_value(ROUND_HALF_EVEN))
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    x = float(v)  # type: ignore[arg-type]
    if not np.isfinite(x):
        return _INT64_MAX + 1  # refused by the caller as out of range
    return int(np.rint(x * 10**digits))


def round_half_even(scaled: npt.NDArray[np.int64], step: int) -> npt.NDArray[np.int64]:
    """Round scaled integers to a multiple of ``step`` (GB/T 8170-2008 3.3, 四舍六入五成双).

    Parameters
    ----------
    scaled : ndarray of int64
        Values at :data:`SCALE`, non-negative.
    step : int
        Rounding unit at :data:`SCALE` (``SCALE`` for integers, ``SCALE // 10`` for 0.1).

    Returns
    -------
    ndarray of int64
        Rounded values, still at :data:`SCALE`.
    """
    q, r = np.divmod(scaled, step)
    twice = 2 * r
    up = (twice > step) | ((twice == step) & (q % 2 == 1))
    out: npt.NDArray[np.int64] = (q + up) * step
    return out


def ceil_div(num: npt.NDArray[np.int64], den: npt.NDArray[np.int64] | int) -> npt.NDArray[np.int64]:
    """Exact ceiling of ``num / den`` for integers, ``den`` > 0."""
    out: npt.NDArray[np.int64] = -np.floor_divide(-num, den)
    return out


def from_scaled(scaled: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Back to float64 (for display only)."""
    out: npt.NDArray[np.float64] = scaled / SCALE
    return out
