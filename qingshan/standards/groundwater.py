"""Groundwater quality class: GB/T 14848-2017 《地下水质量标准》, vectorised.

- Indicator class (§6.2, Tables 1 and 2): the class whose range holds the value; limits of
  classes I–IV are "≤" (inclusive), class V is above the class IV limit. Where classes share a
  limit the better class is taken ("指标限值相同时，从优不从劣": §6.2's example, volatile
  phenols 0.001 mg/L is class I, not II). pH is a range per class (Table 1 item 5): classes I–III
  6.5 ≤ pH ≤ 8.5, class IV 5.5 ≤ pH < 6.5 or 8.5 < pH ≤ 9.0, class V pH < 5.5 or pH > 9.0.
  Gross α/β have no class IV upper limit (Table 1 items 38–39: "> 0.5" / "> 1.0" for IV and V):
  any value above class III is class IV (the better of the two, §6.2; Table 1's note asks for a
  nuclide analysis beyond the guidance value). 嗅和味 and 肉眼可见物 (items 2, 4) are 无 (0) in
  classes I–IV and 有 (> 0) in class V.
- Sample class (§6.3): the worst indicator class; the indicators at that class are named
  (``deciding``).

Comparisons are exact: values are read as decimals at 10⁻⁹ (see :mod:`._exact`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.standards import _single_factor as sf
from qingshan.standards.errors import InvalidValue, UnknownIndicator
from qingshan.standards.groundwater_tables import (
    CLASS_NAMES_EN,
    CLASS_NAMES_ZH,
    CLASSES,
    CONVENTIONAL,
    INDICATORS,
    NAMES_EN,
    NAMES_ZH,
    NON_CONVENTIONAL,
    PH_I_III,
    PH_IV,
    UNITS,
    GroundwaterIndicator,
)

__all__ = [
    "CLASSES", "CLASS_NAMES_ZH", "CLASS_NAMES_EN", "INDICATORS", "NAMES_ZH", "NAMES_EN", "UNITS",
    "CONVENTIONAL", "NON_CONVENTIONAL", "GroundwaterIndicator", "GroundwaterResult",
    "groundwater_class", "classify_groundwater", "classify_groundwater_frame",
]  # fmt: skip

_CLAUSE = "GB/T 14848-2017 Table 1/2, §6.2"
_LABELS = np.array([None, *CLASSES], dtype=object)
_LIM = {k: sf.scaled_limits(r.limits) for k, r in INDICATORS.items() if r.kind != "ph"}
for _k, _v in _LIM.items():  # the table's limits never decrease from class I to IV
    assert (np.diff(_v) >= 0).all(), _k
_PH_A = tuple(sf.scaled(v) for v in PH_I_III)
_PH_B = tuple(sf.scaled(v) for v in PH_IV)


def _codes(key: str, values: object) -> npt.NDArray[np.int8]:
    """Class codes 1…5 (I…V), 0 = missing, for one indicator."""
    c, missing = sf.read_values(key, values, name_zh=NAMES_ZH[key], clause=_CLAUSE)
    if key == "pH":
        in_a = (c >= _PH_A[0]) & (c <= _PH_A[1])
        in_b = (c >= _PH_B[0]) & (c <= _PH_B[1])
        code = np.where(in_a, 1, np.where(in_b, 4, 5))
    else:  # value ≤ limit: the best class with it (从优不从劣); beyond class IV: V
        code = sf.upper_limit_codes(_LIM[key], c)
    return sf.finish_codes(code, missing)


def groundwater_class(indicator: str, value: object) -> str | npt.NDArray[np.object_] | pd.Series:
    """Class of one indicator (GB/T 14848-2017 §6.2, Tables 1 and 2).

    Parameters
    ----------
    indicator : str
        A key of :data:`INDICATORS` (e.g. ``"NH3_N"``, ``"TotalHardness"``, ``"pH"``).
    value : float, Decimal, str, array or Series
        In the row's unit (:data:`UNITS`: mg/L for most rows, µg/L for the organics); pH
        dimensionless; 嗅和味 / 肉眼可见物 0 for 无, > 0 for 有.

    Returns
    -------
    str, or ndarray of object / Series of the same length
        ``"I"`` … ``"V"`` (None for a missing entry of an array).

    Raises
    ------
    UnknownIndicator
        The key is not in Tables 1–2 (with close matches).
    InvalidValue
        A negative value, a pH outside 0–14, or a scalar that is missing.
    """
    if indicator not in INDICATORS:
        raise UnknownIndicator(indicator, INDICATORS)
    return sf.labelled(_LABELS, _codes(indicator, value), indicator, value,
                       name_zh=NAMES_ZH[indicator], clause=_CLAUSE)  # fmt: skip


@dataclass(frozen=True)
class GroundwaterResult:
    """Overall class of a groundwater sample (GB/T 14848-2017 §6.3).

    Attributes
    ----------
    klass : str
        ``"I"`` … ``"V"``: the worst indicator class.
    by_indicator : mapping key → str
        Class of every indicator given (missing ones left out).
    deciding : tuple of str
        The indicators at the worst class, in table order (§6.3: "指出最差类别的指标").
    """

    klass: str
    by_indicator: Mapping[str, str]
    deciding: tuple[str, ...]

    @property
    def name_zh(self) -> str:
        return CLASS_NAMES_ZH[self.klass]

    @property
    def deciding_zh(self) -> str:
        """The deciding indicators as published, e.g. ``氯化物、四氯乙烯``."""
        return "、".join(NAMES_ZH[k] for k in self.deciding)


def classify_groundwater(values: Mapping[str, object]) -> GroundwaterResult:
    """Overall class of one sample: the worst single-indicator class (§6.3).

    Parameters
    ----------
    values : mapping key → float (Decimal, str) or None
        Keys of :data:`INDICATORS`; None / NaN entries (not measured) are left out.

    Returns
    -------
    GroundwaterResult

    Raises
    ------
    UnknownIndicator
        A key not in Tables 1–2.
    InvalidValue
        A negative value, a pH outside 0–14, or no measured indicator at all.
    """
    for k in values:
        if k not in INDICATORS:
            raise UnknownIndicator(k, INDICATORS)
    order = sf.measured(values, INDICATORS)
    if not order:
        raise InvalidValue(
            "no indicator value in the sample (GB/T 14848-2017 §6.3 needs at least one)",
            field="values", value=dict(values), clause="GB/T 14848-2017 §6.3",
        )  # fmt: skip
    by = {k: str(groundwater_class(k, values[k])) for k in order}
    klass, deciding = sf.worst(order, by, CLASSES)
    return GroundwaterResult(klass, MappingProxyType(by), deciding)


def classify_groundwater_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Classes of many samples at once (§6.2–6.3), one row per sample.

    Parameters
    ----------
    frame : DataFrame
        One column per indicator key (other columns are refused); NaN = not measured.

    Returns
    -------
    DataFrame, same index
        ``klass`` (None where a row has no value), ``deciding`` (comma-joined keys) and
        ``class_<key>`` per indicator column.
    """
    for k in frame.columns:
        if k not in INDICATORS:
            raise UnknownIndicator(k, INDICATORS)
    keys = [k for k in INDICATORS if k in frame.columns]
    return sf.classify_frame(frame, keys, _codes, _LABELS)
