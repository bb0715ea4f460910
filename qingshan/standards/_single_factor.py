"""Shared kernel of the single-factor class standards (GB/T 14848-2017 groundwater, GB 3097-1997
sea water): a value's class by the table's ordered limits, compared exactly, and a sample's
class as the worst of its indicators' (private; each standard keeps its own rules — pH ranges,
"greater than" limits — and its clauses).

- Values are read as decimals at 10⁻⁹ (:func:`._exact.to_scaled`); a negative value, or a pH
  outside 0–14, is refused naming the indicator, the position and the clause.
- Upper limits are inclusive: the class is the best one whose limit the value does not exceed
  (where classes share a limit the better class is taken); beyond the last limit, the class
  after it. A limit of None sets none in that class (any value meets it).
- Class codes are 1 … n (0 = missing); the caller's labels map them (index 0 → None).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.standards import _shape
from qingshan.standards._exact import to_scaled
from qingshan.standards.errors import InvalidValue

DIG = 9
S: int = 10**DIG
NOLIMIT = np.iinfo(np.int64).max

Codes = npt.NDArray[np.int8]


def scaled(v: str) -> int:
    """A table cell (decimal text) at 10⁻⁹."""
    return int(round(float(v) * S))


def scaled_limits(limits: Sequence[str | None]) -> npt.NDArray[np.int64]:
    """A row's class limits at 10⁻⁹, None (no limit) as the largest int64."""
    return np.array([NOLIMIT if v is None else scaled(v) for v in limits], np.int64)


def read_values(
    key: str, values: object, *, name_zh: str, clause: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """``values`` of indicator ``key`` at 10⁻⁹ as a 1-d array, and which are missing;
    :class:`InvalidValue` for a negative value or (``key`` "pH") a pH outside 0–14."""
    c, missing = to_scaled(values, DIG, field=key)
    c, missing = np.atleast_1d(c), np.atleast_1d(missing)
    bad = (c < 0) & ~missing
    if key == "pH":
        bad |= (c > 14 * S) & ~missing
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        what = "pH outside 0–14" if key == "pH" else "negative value"
        raise InvalidValue(
            f"{what} {c[pos] / S:g} for {key} ({name_zh}) at position {pos} ({clause})",
            field=key, value=c[pos] / S, clause=clause,
        )  # fmt: skip
    return c, missing


def upper_limit_codes(limits: npt.NDArray[np.int64], c: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    """Class codes 1 … len(limits) + 1 of values ``c`` against non-decreasing inclusive upper
    limits: value ≤ limit → the best class with it; beyond the last → the class after it."""
    return np.searchsorted(limits, c, side="left") + 1


def finish_codes(code: npt.NDArray[Any], missing: npt.NDArray[np.bool_]) -> Codes:
    """Codes with 0 where the value is missing."""
    return np.where(missing, 0, code).astype(np.int8)


def labelled(
    labels: npt.NDArray[np.object_],
    codes: Codes,
    indicator: str,
    value: object,
    *,
    name_zh: str,
    clause: str,
) -> str | npt.NDArray[np.object_] | pd.Series:
    """The class labels of ``codes`` shaped as ``value`` was: a Series keeps its index and name,
    an array stays an array (None where missing), a scalar is one label (:class:`InvalidValue`
    if it is missing)."""
    out = labels[codes]
    if isinstance(value, pd.Series):
        return pd.Series(out, index=value.index, name=value.name)
    if _shape.ndim(value) == 0:
        if out[0] is None:
            raise InvalidValue(
                f"no value for {indicator} ({name_zh})", field=indicator, value=value,
                clause=clause,
            )  # fmt: skip
        return str(out[0])
    return out


def is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))


def measured(values: Mapping[str, object], indicators: Mapping[str, object]) -> list[str]:
    """The keys of ``values`` with a value, in table order (the caller has checked the keys)."""
    return [k for k in indicators if k in values and not is_missing(values[k])]


def worst(
    order: Sequence[str], by: Mapping[str, str], classes: Sequence[str]
) -> tuple[str, tuple[str, ...]]:
    """The worst class of ``by`` (indicator → class) and the indicators at it, in ``order``."""
    w = max(classes.index(c) for c in by.values())
    return classes[w], tuple(k for k in order if classes.index(by[k]) == w)


def classify_frame(
    frame: pd.DataFrame,
    keys: Sequence[str],
    codes_of: Callable[[str, npt.NDArray[Any]], Codes],
    labels: npt.NDArray[np.object_],
) -> pd.DataFrame:
    """Classes of many samples (rows of ``frame``; ``keys`` its indicator columns in table
    order): ``klass`` (None where a row has no value), ``deciding`` (comma-joined keys at the
    worst class) and ``class_<key>`` per indicator."""
    n = len(frame)
    codes = {k: codes_of(k, frame[k].to_numpy()) for k in keys}
    stack = np.vstack([codes[k] for k in keys]) if keys else np.zeros((1, n), np.int8)
    top = stack.max(axis=0)
    out = pd.DataFrame(index=frame.index)
    out["klass"] = labels[top]
    names = np.array(keys, dtype=object)
    out["deciding"] = [",".join(names[(stack[:, i] == top[i]) & (top[i] > 0)]) for i in range(n)]
    for k in keys:
        out[f"class_{k}"] = labels[codes[k]]
    return out
