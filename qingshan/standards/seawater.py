"""Sea-water quality class: GB 3097-1997 《海水水质标准》, and coastal quality by area share.

- Indicator class (GB 3097-1997 §3.2, Table 1): the best class whose limit the value meets;
  upper limits are inclusive ("≤"); dissolved oxygen must be *greater than* the class limit
  (">": DO = 6 mg/L is not class 1 but class 2); worse than class 4 is 劣四类. Where classes
  share a limit the better class is taken (as GB 3838 and GB/T 14848 do; GB 3097 states no
  rule). A "—" cell (coliforms in class 4) sets no limit in that class: any count meets it.
- pH (Table 1 item 8): classes 1–2 7.8–8.5 and classes 3–4 6.8–8.8, each "同时不超出该海域正常
  变动范围的 0.2 / 0.5 pH 单位": with ``ph_normal=(low, high)`` the sea area's normal range,
  classes 1–2 also need low − 0.2 ≤ pH ≤ high + 0.2 and classes 3–4 low − 0.5 ≤ pH ≤ high + 0.5.
- 无机氮 (Table 1 note): nitrate + nitrite + ammonia nitrogen, as N (:func:`din`).
- Sample class: the worst indicator class (single-factor), naming the indicators at it.
- Coastal quality (:func:`coastal_quality`): shares of classes by area (or by station) and the
  grade from :data:`.seawater_tables.COASTAL_GRADES` (HJ 442.10-2020 §4; thresholds tagged U).

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
from qingshan.standards._exact import to_scaled
from qingshan.standards.errors import InvalidValue, UnknownIndicator, UnknownKeyError
from qingshan.standards.seawater_tables import (
    CLASS_NAMES_EN,
    CLASS_NAMES_ZH,
    CLASSES,
    COASTAL_GRADE_KEYS,
    COASTAL_GRADES,
    INDICATORS,
    NAMES_EN,
    NAMES_ZH,
    PH_I_II,
    PH_III_IV,
    PH_NORMAL_MARGIN,
    UNITS,
    SeawaterIndicator,
)

__all__ = [
    "CLASSES", "CLASS_NAMES_ZH", "CLASS_NAMES_EN", "INDICATORS", "NAMES_ZH", "NAMES_EN", "UNITS",
    "SeawaterIndicator", "SeawaterResult", "CoastalQuality", "seawater_class",
    "classify_seawater", "classify_seawater_frame", "coastal_quality", "din",
    "COASTAL_GRADE_KEYS",
]  # fmt: skip

_DIG = sf.DIG
_S = sf.S
_sc = sf.scaled
_CLAUSE = "GB 3097-1997 Table 1"
_LABELS = np.array([None, *CLASSES], dtype=object)
_LIM = {k: sf.scaled_limits(r.limits) for k, r in INDICATORS.items() if r.kind != "ph"}
_PH12 = tuple(_sc(v) for v in PH_I_II)
_PH34 = tuple(_sc(v) for v in PH_III_IV)
_MARGIN = tuple(_sc(v) for v in PH_NORMAL_MARGIN)


def _normal(ph_normal: tuple[object, object] | None) -> tuple[int, int] | None:
    if ph_normal is None:
        return None
    try:
        lo, hi = ph_normal
    except (TypeError, ValueError):
        raise InvalidValue(
            f"ph_normal must be (low, high), got {ph_normal!r}", field="ph_normal",
            value=ph_normal, clause=f"{_CLAUSE} item 8",
        ) from None  # fmt: skip
    (a, b), miss = to_scaled([lo, hi], _DIG, field="ph_normal")
    if miss.any() or not 0 <= a <= b <= 14 * _S:
        raise InvalidValue(
            f"ph_normal must be two pH values 0 ≤ low ≤ high ≤ 14, got {ph_normal!r}",
            field="ph_normal", value=ph_normal, clause=f"{_CLAUSE} item 8",
        )  # fmt: skip
    return int(a), int(b)


def _codes(
    key: str, values: object, ph_normal: tuple[int, int] | None = None
) -> npt.NDArray[np.int8]:
    """Class codes 1…5 (5 = 劣IV), 0 = missing, for one indicator."""
    c, missing = sf.read_values(key, values, name_zh=NAMES_ZH[key], clause=_CLAUSE)
    kind = INDICATORS[key].kind
    if kind == "ph":
        ok12 = (c >= _PH12[0]) & (c <= _PH12[1])
        ok34 = (c >= _PH34[0]) & (c <= _PH34[1])
        if ph_normal is not None:
            lo, hi = ph_normal
            ok12 &= (c >= lo - _MARGIN[0]) & (c <= hi + _MARGIN[0])
            ok34 &= (c >= lo - _MARGIN[1]) & (c <= hi + _MARGIN[1])
        code = np.where(ok12, 1, np.where(ok34, 3, 5))
    elif kind == "lower_strict":  # DO: greater than the limit, best class first
        meets = c[:, None] > _LIM[key][None, :]
        code = np.where(meets.any(axis=1), np.argmax(meets, axis=1) + 1, 5)
    else:  # value ≤ limit: the best class with it; beyond class 4: 劣四类
        code = sf.upper_limit_codes(_LIM[key], c)
    return sf.finish_codes(code, missing)


def seawater_class(
    indicator: str, value: object, *, ph_normal: tuple[object, object] | None = None
) -> str | npt.NDArray[np.object_] | pd.Series:
    """Class of one indicator (GB 3097-1997 Table 1).

    Parameters
    ----------
    indicator : str
        A key of :data:`INDICATORS` (``"DO"``, ``"DIN"``, ``"PO4_P"``, ``"COD"`` …).
    value : float, Decimal, str, array or Series
        mg/L (coliforms 个/L, benzo(a)pyrene µg/L, pH dimensionless).
    ph_normal : (low, high), optional
        The sea area's normal pH variation (Table 1 item 8); only for ``"pH"``.

    Returns
    -------
    str, or ndarray of object / Series of the same length
        ``"I"`` … ``"IV"``, ``"劣IV"`` (None for a missing entry of an array).

    Raises
    ------
    UnknownIndicator, InvalidValue
    """
    if indicator not in INDICATORS:
        raise UnknownIndicator(indicator, INDICATORS)
    return sf.labelled(_LABELS, _codes(indicator, value, _normal(ph_normal)), indicator, value,
                       name_zh=NAMES_ZH[indicator], clause=_CLAUSE)  # fmt: skip


def din(no3_n: float, no2_n: float, nh3_n: float) -> float:
    """Inorganic nitrogen 无机氮 = nitrate-N + nitrite-N + ammonia-N [mg/L as N]
    (GB 3097-1997 Table 1, note on item 12). Exact decimal sum at 10⁻⁹."""
    c, missing = to_scaled([no3_n, no2_n, nh3_n], _DIG, field="DIN")
    if missing.any() or (c < 0).any():
        raise InvalidValue(
            f"DIN needs three non-negative values (NO3-N, NO2-N, NH3-N), got "
            f"{(no3_n, no2_n, nh3_n)!r}", field="DIN", value=(no3_n, no2_n, nh3_n),
            clause=f"{_CLAUSE} item 12 note",
        )  # fmt: skip
    return float(int(c.sum())) / _S


@dataclass(frozen=True)
class SeawaterResult:
    """Class of a sea-water sample: the worst indicator class (single-factor).

    Attributes
    ----------
    klass : str
        ``"I"`` … ``"IV"``, ``"劣IV"``.
    by_indicator : mapping key → str
    deciding : tuple of str
        The indicators at the worst class, in table order.
    """

    klass: str
    by_indicator: Mapping[str, str]
    deciding: tuple[str, ...]

    @property
    def name_zh(self) -> str:
        return CLASS_NAMES_ZH[self.klass]


def classify_seawater(
    values: Mapping[str, object], *, ph_normal: tuple[object, object] | None = None
) -> SeawaterResult:
    """Class of one sample: the worst class over the indicators given (GB 3097-1997 Table 1).

    Parameters
    ----------
    values : mapping key → float or None
        Keys of :data:`INDICATORS`; None / NaN (not measured) are left out.
    ph_normal : (low, high), optional
        The sea area's normal pH variation.

    Raises
    ------
    UnknownIndicator, InvalidValue
        Unknown key; negative value; pH outside 0–14; no measured indicator.
    """
    for k in values:
        if k not in INDICATORS:
            raise UnknownIndicator(k, INDICATORS)
    order = sf.measured(values, INDICATORS)
    if not order:
        raise InvalidValue(
            "no indicator value in the sample", field="values", value=dict(values),
            clause=_CLAUSE,
        )  # fmt: skip
    by = {k: str(seawater_class(k, values[k], ph_normal=ph_normal)) for k in order}
    klass, deciding = sf.worst(order, by, CLASSES)
    return SeawaterResult(klass, MappingProxyType(by), deciding)


def classify_seawater_frame(
    frame: pd.DataFrame, *, ph_normal: tuple[object, object] | None = None
) -> pd.DataFrame:
    """Classes of many samples at once; columns are indicator keys, NaN = not measured.

    Returns a frame with ``klass``, ``deciding`` (comma-joined) and ``class_<key>``.
    """
    for k in frame.columns:
        if k not in INDICATORS:
            raise UnknownIndicator(k, INDICATORS)
    normal = _normal(ph_normal)
    keys = [k for k in INDICATORS if k in frame.columns]
    return sf.classify_frame(frame, keys, lambda k, v: _codes(k, v, normal), _LABELS)


@dataclass(frozen=True)
class CoastalQuality:
    """Coastal water quality from the area (or station count) in each class.

    Attributes
    ----------
    shares : mapping class → float
        Share of each class [%] (``"I"`` … ``"劣IV"``).
    good_share : float
        Share of classes I and II [%] (优良水质比例).
    worst_share : float
        Share of 劣四类 [%].
    grade : str
        Key of :data:`.seawater_tables.COASTAL_GRADES` ("excellent" … "very_poor").
    grade_zh : str
        优, 良好, 一般, 差, 极差.
    """

    shares: Mapping[str, float]
    good_share: float
    worst_share: float
    grade: str
    grade_zh: str


def coastal_quality(area_by_class: Mapping[str, float]) -> CoastalQuality:
    """Shares of classes and the coastal water-quality grade.

    Parameters
    ----------
    area_by_class : mapping class → float
        Area [km², any unit] (or number of stations) in each class; keys ``"I"`` … ``"IV"``,
        ``"劣IV"`` (missing keys are 0).

    Returns
    -------
    CoastalQuality

    Raises
    ------
    UnknownKeyError
        A key that is not a class.
    InvalidValue
        A negative or missing area, or a zero total.

    Notes
    -----
    The thresholds compare exactly: share ≥ p % is tested as area × 100 ≥ p × total on
    decimals at 10⁻⁹. Grades (:data:`.seawater_tables.COASTAL_GRADES`): 优 I+II ≥ 90 %; 良好
    I+II ≥ 80 % and 劣四类 ≤ 5 %; 一般 I+II ≥ 60 % and 劣四类 ≤ 30 %; 差 劣四类 ≤ 40 %;
    else 极差 (HJ 442.10-2020 §4 as reconstructed; tagged U, see
    :data:`.seawater_tables.COASTAL_GRADES`).
    """
    for k in area_by_class:
        if k not in CLASSES:
            raise UnknownKeyError("sea-water class", k, CLASSES)
    raw = [area_by_class.get(c, 0.0) for c in CLASSES]
    a, missing = to_scaled(raw, _DIG, field="area_by_class")
    if missing.any() or (a < 0).any():
        pos = int(np.flatnonzero(missing | (a < 0))[0])
        raise InvalidValue(
            f"area of class {CLASSES[pos]} must be a non-negative number, got {raw[pos]!r}",
            field=f"area_by_class[{CLASSES[pos]}]", value=raw[pos],
        )  # fmt: skip
    total = int(a.sum())
    if total == 0:
        raise InvalidValue(
            "the areas of all classes add up to 0", field="area_by_class", value=dict(area_by_class)
        )
    good, worst = int(a[0] + a[1]), int(a[4])
    for g in COASTAL_GRADES:
        ok = True
        if g.min_good is not None:
            ok &= good * 100 * _S >= _sc(g.min_good) * total
        if g.max_worst is not None:
            ok &= worst * 100 * _S <= _sc(g.max_worst) * total
        if ok:
            break
    shares = {c: 100.0 * int(v) / total for c, v in zip(CLASSES, a, strict=True)}
    return CoastalQuality(
        MappingProxyType(shares), 100.0 * good / total, 100.0 * worst / total, g.key, g.name_zh
    )
