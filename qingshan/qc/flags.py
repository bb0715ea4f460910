"""The one QC flag enum and its aggregation (QARTOD-style, worst wins by explicit precedence).

Codes follow the IOOS QARTOD manual (GOOD 1, SUSPECT 3, FAIL 4, MISSING 9) so flags exchange with
ioos_qc unchanged, except that *not evaluated* is 0 (QARTOD's UNKNOWN is 2): the observation
store (:mod:`qingshan.timeseries.schema`) writes ``qc_flag = 0`` for a value no check has seen.

Semantics (defined precisely, unlike ioos_qc whose docstring and code disagree):

- ``PASS`` — the check ran on a value and found nothing wrong;
- ``NOT_EVALUATED`` — there is a value but the check did not apply (masked as already invalid,
  unit stopped, not enough neighbours, no limit configured);
- ``SUSPECT`` — questionable, kept but not trusted for enforcement without review;
- ``FAIL`` — invalid;
- ``MISSING`` — no value at all (NaN, absent).

Aggregation per value across checks: ``FAIL > SUSPECT > PASS > NOT_EVALUATED > MISSING``
(:data:`PRECEDENCE`, highest first). A value that is missing gets MISSING from every check, so it
aggregates to MISSING; a value one check passed and another did not evaluate is PASS.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.qc.errors import BadParameter, ShapeMismatch, UnknownFlag

__all__ = [
    "Flag",
    "FlagArray",
    "PRECEDENCE",
    "aggregate",
    "as_series_like",
    "counts",
    "flag_names",
    "flag_from_name",
    "utc_index",
    "worse_than",
]

#: flag codes (:class:`Flag` values) as an array
FlagArray: TypeAlias = npt.NDArray[np.uint8]


class Flag(enum.IntEnum):
    NOT_EVALUATED = 0
    PASS = 1
    SUSPECT = 3
    FAIL = 4
    MISSING = 9

    @property
    def label(self) -> str:
        """Lower-case name as written to CSV: ``pass``, ``not_evaluated`` …"""
        return self.name.lower()

    @property
    def label_zh(self) -> str:
        return LABELS_ZH[self]


LABELS_ZH = {
    Flag.PASS: "通过",
    Flag.NOT_EVALUATED: "未评估",
    Flag.SUSPECT: "可疑",
    Flag.FAIL: "无效",
    Flag.MISSING: "缺失",
}

#: Worst first. Aggregation picks the first of these present among a value's flags.
PRECEDENCE: tuple[Flag, ...] = (
    Flag.FAIL,
    Flag.SUSPECT,
    Flag.PASS,
    Flag.NOT_EVALUATED,
    Flag.MISSING,
)

_RANK = np.zeros(256, dtype=np.int8)  # rank by code; higher = worse
for _i, _f in enumerate(reversed(PRECEDENCE), start=1):
    _RANK[int(_f)] = _i
_BY_RANK = np.zeros(len(PRECEDENCE) + 1, dtype=np.uint8)
for _f in PRECEDENCE:
    _BY_RANK[_RANK[int(_f)]] = int(_f)
_VALID_CODES = frozenset(int(f) for f in Flag)


#: (label, code) of every flag, in :class:`Flag` order (a summary counts each per check)
_LABELS = tuple((f.label, int(f)) for f in Flag)


def _as_codes(flags: npt.ArrayLike) -> FlagArray:
    arr = np.asarray(flags)
    if arr.dtype != np.uint8:
        arr = arr.astype(np.uint8)
    return arr


def aggregate(
    flag_arrays: Iterable[npt.ArrayLike], *, precedence: Sequence[Flag] = PRECEDENCE
) -> FlagArray:
    """Aggregate per-check flag arrays into one flag per value, worst first.

    Parameters
    ----------
    flag_arrays : iterable of array [Flag codes]
        One array per check, all of the same shape (a 2-D array is read as checks × values).
    precedence : sequence of Flag
        Worst first; defaults to :data:`PRECEDENCE` (FAIL, SUSPECT, PASS, NOT_EVALUATED, MISSING).

    Returns
    -------
    numpy.ndarray of uint8 [Flag codes]
        The aggregate flag of each value; ``NOT_EVALUATED`` when no check is given.
    """
    arrays = [_as_codes(a) for a in flag_arrays]
    if not arrays:
        raise BadParameter("aggregate", "flag_arrays", [], "at least one flag array")
    shape = arrays[0].shape
    for i, a in enumerate(arrays[1:], start=1):
        if a.shape != shape:
            raise ShapeMismatch("flag array 0", arrays[0].size, f"flag array {i}", a.size)
    if list(precedence) == list(PRECEDENCE):
        rank, by_rank = _RANK, _BY_RANK
    else:
        rank = np.zeros(256, dtype=np.int8)
        by_rank = np.zeros(len(precedence) + 1, dtype=np.uint8)
        for i, f in enumerate(reversed(list(precedence)), start=1):
            rank[int(f)] = i
            by_rank[i] = int(f)
    worst = rank[arrays[0]]
    for a in arrays[1:]:
        np.maximum(worst, rank[a], out=worst)
    out: FlagArray = by_rank[worst]
    return out


def worse_than(flags: npt.ArrayLike, level: Flag) -> npt.NDArray[np.bool_]:
    """Boolean mask of values whose flag ranks at or above ``level`` (FAIL ≥ SUSPECT ≥ PASS…).

    ``worse_than(f, Flag.FAIL)`` is True where the flag is FAIL; ``Flag.SUSPECT`` selects FAIL
    and SUSPECT. MISSING ranks lowest, so it never counts as worse.
    """
    worse: npt.NDArray[np.bool_] = _RANK[_as_codes(flags)] >= _RANK[int(level)]
    return worse


def flag_names(flags: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Lower-case names (``pass`` …) of an array of flag codes, as object array."""
    codes = _as_codes(flags)
    lut = np.array([""] * 256, dtype=object)
    for f in Flag:
        lut[int(f)] = f.label
    bad = ~np.isin(codes, list(_VALID_CODES))
    if bad.any():
        raise UnknownFlag(int(codes[bad][0]), [str(c) for c in sorted(_VALID_CODES)])
    names: npt.NDArray[np.object_] = lut[codes]
    return names


def flag_from_name(name: str) -> Flag:
    """The flag named ``name`` (any case: ``pass``, ``SUSPECT`` …)."""
    try:
        return Flag[str(name).strip().upper()]
    except KeyError:
        raise UnknownFlag(name, [f.label for f in Flag]) from None


def counts(flags: npt.ArrayLike) -> dict[str, int]:
    """Number of values per flag name (for result summaries)."""
    codes = _as_codes(flags).ravel()
    bc = np.bincount(codes, minlength=16)
    return {label: int(bc[code]) for label, code in _LABELS}


def as_series_like(template: object, flags: FlagArray) -> FlagArray | pd.Series:
    """Return ``flags`` as a Series with ``template``'s index when ``template`` is a Series."""
    if isinstance(template, pd.Series):
        return pd.Series(flags, index=template.index, name=template.name)
    return flags


def utc_index(times: pd.DatetimeIndex | pd.Series | npt.ArrayLike) -> pd.DatetimeIndex:
    """``times`` (DatetimeIndex, Series, datetime64 or ISO strings) as a UTC DatetimeIndex,
    without a detour through Python objects; naive times are taken as UTC."""
    if isinstance(times, pd.DatetimeIndex | pd.Series) and isinstance(
        getattr(times, "dtype", None), pd.DatetimeTZDtype
    ):
        return pd.DatetimeIndex(times).tz_convert("UTC")
    arr = np.asarray(times)
    if arr.dtype.kind == "M":
        return pd.DatetimeIndex(arr).tz_localize("UTC")
    return pd.DatetimeIndex(pd.to_datetime(arr, utc=True))
