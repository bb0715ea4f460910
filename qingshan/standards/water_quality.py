"""Surface-water quality class: GB 3838-2002 and the 2011 evaluation method, vectorised.

- Indicator class (GB 3838-2002 Table 1, 5.1 single-factor assessment): the best class whose
  limit the value meets, limits inclusive (a value equal to a limit shared by several classes
  takes the best of them); DO is a lower limit; pH outside 6–9 is 劣V; worse than V is 劣V.
  TP uses the river or the lake/reservoir row (Table 1 item 8).
- Section class (环办〔2011〕22号 3.1): the worst class over the 21 assessed indicators present
  (TN and faecal coliform are reference indicators, classified but not deciding).
- Over-standard multiple (3.3): (C − S_III) / S_III for indicators worse than class III; none for
  pH and DO. Main pollutants (3.3), when the section is worse than III: up to three indicators
  worse than III, worst class first, equal classes by larger multiple, cyanide and heavy metals
  (Hg, Cd, Cr⁶⁺, Pb, As) first.
- River / basin status (4.1 Table 2): by the share of sections when there are ≥ 5, else from the
  class of the indicator means over the sections.

Comparisons are exact: values are read as decimals at 10⁻⁹ (see :mod:`._exact`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.standards import _shape
from qingshan.standards._exact import to_scaled
from qingshan.standards.errors import (
    InsufficientData,
    InvalidValue,
    UnknownIndicator,
    UnknownKeyError,
)
from qingshan.standards.water_tables import (
    ASSESSED,
    CLASS_ALIASES,
    CLASSES,
    GB3838_LIMITS,
    INDICATORS,
    NAMES_ZH,
    NO_MULTIPLE,
    PH_RANGE,
    PRIORITY,
    STATUS_BY_CLASS,
    WATER_BODIES,
)

__all__ = [
    "SectionResult", "RiverStatus", "classify_section", "classify_frame", "indicator_class",
    "river_status", "meets_target", "parse_class", "CLASSES", "INDICATORS", "GB3838_LIMITS",
    "STATUS_BY_CLASS",
]  # fmt: skip

_DIG = 9
_S = 10**_DIG
_LIM = {
    k: np.array([int(round(float(v) * _S)) for v in lims], np.int64)
    for k, (_, lims) in GB3838_LIMITS.items()
}
_PH = tuple(int(v) * _S for v in PH_RANGE)
_CLASS_LABELS = np.array([None, *CLASSES], dtype=object)


def parse_class(label: object) -> str | None:
    """Normalise a class label (``"Ⅲ"``, ``"III"``, ``3``, ``"劣Ⅴ"``) to ``"I"`` … ``"劣V"``."""
    if label is None or (isinstance(label, float) and np.isnan(label)):
        return None
    key = str(label).strip().replace("类", "")
    if key in ("", "--", "-", "nan"):
        return None
    if key not in CLASS_ALIASES:
        raise UnknownKeyError("water-quality class", label, CLASSES)
    return CLASS_ALIASES[key]


def _rank(label: object) -> int:
    c = parse_class(label)
    return 0 if c is None else CLASSES.index(c) + 1


def _body(water_body: object, n: int) -> npt.NDArray[np.bool_]:
    wb = np.broadcast_to(np.asarray(water_body, dtype=object), n)
    bad = ~np.isin(wb, WATER_BODIES)
    if bad.any():
        raise UnknownKeyError("water body", wb[bad][0], WATER_BODIES)
    lake: npt.NDArray[np.bool_] = wb == "lake"
    return lake


def _class_codes(key: str, values: object, lake: npt.NDArray[np.bool_]) -> npt.NDArray[np.int8]:
    """Class codes 1…6 (6 = 劣V), 0 = missing, for one indicator."""
    c, missing = to_scaled(values, _DIG, field=key)
    c, missing = np.atleast_1d(c), np.atleast_1d(missing)
    if ((c < 0) & ~missing).any():
        pos = int(np.flatnonzero((c < 0) & ~missing)[0])
        raise InvalidValue(
            f"negative value {c[pos] / _S:g} for {key} at position {pos} (GB 3838-2002 Table 1)",
            field=key, value=c[pos] / _S, clause="GB 3838-2002 Table 1",
        )  # fmt: skip
    if key == "pH":
        code = np.where((c >= _PH[0]) & (c <= _PH[1]), 1, 6)
    elif key == "DO":  # lower limits, best class first
        meets = c[:, None] >= _LIM["DO"][None, :]
        code = np.where(meets.any(axis=1), np.argmax(meets, axis=1) + 1, 6)
    elif key == "TP":
        river = np.searchsorted(_LIM["TP_river"], c, side="left") + 1
        lakec = np.searchsorted(_LIM["TP_lake"], c, side="left") + 1
        code = np.where(lake, lakec, river)
    else:
        code = np.searchsorted(_LIM[key], c, side="left") + 1  # c ≤ limit: best class with it
    return np.where(missing, 0, code).astype(np.int8)


def _multiple(key: str, values: object, lake: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    c, missing = to_scaled(values, _DIG, field=key)
    c = np.atleast_1d(c)
    if key == "TP":
        s3 = np.where(lake, _LIM["TP_lake"][2], _LIM["TP_river"][2])
    else:
        s3 = _LIM[key][2]
    return np.where(np.atleast_1d(missing), np.nan, (c - s3) / s3)


def indicator_class(
    key: str, values: object, water_body: str = "river"
) -> str | None | npt.NDArray[np.object_] | pd.Series:
    """Class of one indicator (GB 3838-2002 Table 1; 5.1).

    Parameters
    ----------
    key : str
        One of :data:`INDICATORS`.
    values : float, array or Series [mg/L; pH dimensionless; faecal coliform 个/L]
    water_body : {"river", "lake"}
        Selects the TP row (lakes and reservoirs use the stricter limits).

    Returns
    -------
    str or None, or ndarray of object / Series of the same length
        ``"I"`` … ``"V"``, ``"劣V"``; None when missing.
    """
    if key not in INDICATORS:
        raise UnknownIndicator(key, INDICATORS)
    n = _shape.size(values)
    labels = _CLASS_LABELS[_class_codes(key, values, _body(water_body, n))]
    if isinstance(values, pd.Series):
        return pd.Series(labels, index=values.index, name=values.name)
    return labels[0] if _shape.ndim(values) == 0 else labels


@dataclass(frozen=True)
class SectionResult:
    """Assessment of one section (GB 3838-2002; 环办〔2011〕22号).

    Attributes
    ----------
    section_class : str or None
        ``"I"`` … ``"V"``, ``"劣V"``; None when no assessed indicator was given.
    indicator_classes : mapping key → str
        Class of every indicator given (the 21 assessed and the reference TN, faecal coliform).
    status : str or None
        优, 良好, 轻度污染, 中度污染, 重度污染 (环办〔2011〕22号 Table 1).
    status_en, color : str or None
    over_standard_multiples : mapping key → float
        (C − S_III)/S_III [dimensionless] for assessed indicators worse than class III.
    main_pollutants : tuple of str
        Up to three keys; empty unless the section is worse than class III.
    meets_target : bool or None
        Whether the class is at least as good as ``target_class``.
    """

    section_class: str | None
    indicator_classes: Mapping[str, str]
    status: str | None
    status_en: str | None
    color: str | None
    over_standard_multiples: Mapping[str, float]
    main_pollutants: tuple[str, ...]
    water_body: str
    meets_target: bool | None = None

    @property
    def main_pollutants_label(self) -> str:
        """Main pollutants as published, e.g. ``高锰酸盐指数(1.2)、氨氮(0.5)、溶解氧``.

        pH and DO have no over-standard multiple (环办〔2011〕22号 3.3): they are named alone.
        """
        multiples = self.over_standard_multiples
        return "、".join(
            NAMES_ZH[k] if multiples.get(k) is None else f"{NAMES_ZH[k]}({multiples[k]:.1f})"
            for k in self.main_pollutants
        )


def _frame_kernel(cols: Mapping[str, object], water_body: object, n: int) -> dict[str, Any]:
    lake = _body(water_body, n)
    codes = {k: np.broadcast_to(_class_codes(k, v, lake), n) for k, v in cols.items()}
    assessed = [k for k in ASSESSED if k in codes]
    section = (
        np.max(np.vstack([codes[k] for k in assessed]), axis=0)
        if assessed
        else np.zeros(n, np.int8)
    )
    mult = {
        k: np.broadcast_to(_multiple(k, cols[k], lake), n) for k in assessed if k not in NO_MULTIPLE
    }
    mult = {k: np.where(codes[k] > 3, v, np.nan) for k, v in mult.items()}
    cand = [k for k in assessed if k not in NO_MULTIPLE] + [
        k for k in ("pH", "DO") if k in assessed
    ]
    if cand:  # score: priority, then class, then multiple (pH/DO have no multiple: 0)
        score = np.vstack([
            np.where(codes[k] > 3, (k in PRIORITY) * 1e15 + codes[k] * 1e12 + np.nan_to_num(mult.get(k, 0.0)) + 1, 0)
            for k in cand
        ]).T  # fmt: skip
        order = np.argsort(-score, axis=1, kind="stable")[:, :3]
        top = np.take_along_axis(score, order, axis=1) > 0
        names = np.array(cand, dtype=object)[order]
        main = [tuple(names[i][top[i]]) if section[i] > 3 else () for i in range(n)]
    else:
        main = [()] * n
    return {"codes": codes, "section": section, "multiples": mult, "main": main, "lake": lake}


def _check_keys(keys: Iterable[str]) -> None:
    for k in keys:
        if k not in INDICATORS:
            raise UnknownIndicator(k, INDICATORS)


def classify_section(
    concentrations: Mapping[str, object], water_body: str = "river", target_class: object = None
) -> SectionResult:
    """Class, status, multiples and main pollutants of one section (环办〔2011〕22号 3).

    Parameters
    ----------
    concentrations : mapping key → float or None
        Keys ``pH DO CODMn COD BOD5 NH3_N TP TN Cu Zn F Se As Hg Cd Cr6 Pb CN VolatilePhenol
        Petroleum LAS Sulfide FecalColiform`` [mg/L; pH dimensionless; faecal coliform 个/L].
    water_body : {"river", "lake"}
        Lakes and reservoirs use the lake TP limits (river-type reservoirs count as rivers).
    target_class : str, optional
        The section's target class (水质目标), for :attr:`SectionResult.meets_target`.

    Returns
    -------
    SectionResult
    """
    _check_keys(concentrations)
    cols = {k: np.array([np.nan if v is None else v], dtype=object if isinstance(v, str) else None)
            for k, v in concentrations.items()}  # fmt: skip
    r = _frame_kernel(cols, water_body, 1)
    sec = _CLASS_LABELS[r["section"][0]]
    st = STATUS_BY_CLASS.get(sec)
    return SectionResult(
        section_class=sec,
        indicator_classes=MappingProxyType(
            {k: _CLASS_LABELS[v[0]] for k, v in r["codes"].items() if v[0] > 0}
        ),
        status=st.name if st else None,
        status_en=st.name_en if st else None,
        color=st.color if st else None,
        over_standard_multiples=MappingProxyType(
            {k: float(v[0]) for k, v in r["multiples"].items() if not np.isnan(v[0])}
        ),
        main_pollutants=r["main"][0],
        water_body=water_body,
        meets_target=None
        if target_class is None or sec is None
        else bool(meets_target(sec, target_class)),
    )


def classify_frame(frame: pd.DataFrame, water_body: str = "river") -> pd.DataFrame:
    """Vectorised :func:`classify_section` over a DataFrame with one column per indicator.

    Parameters
    ----------
    frame : DataFrame
        Indicator columns [mg/L]; other columns are ignored.
    water_body : {"river", "lake"} or column name
        A column of ``frame`` holding "river"/"lake" per row, or one value for all rows.

    Returns
    -------
    DataFrame
        ``section_class status color main_pollutants`` (comma-joined keys) and
        ``class_<key>`` / ``multiple_<key>`` per indicator.
    """
    cols = {k: frame[k].to_numpy() for k in frame.columns if k in INDICATORS}
    wb = frame[water_body].to_numpy() if water_body in frame.columns else water_body
    r = _frame_kernel(cols, wb, len(frame))
    out = pd.DataFrame(index=frame.index)
    sec = _CLASS_LABELS[r["section"]]
    out["section_class"] = sec
    out["status"] = [STATUS_BY_CLASS[s].name if s else None for s in sec]
    out["color"] = [STATUS_BY_CLASS[s].color if s else None for s in sec]
    out["main_pollutants"] = [",".join(m) for m in r["main"]]
    for k, v in r["codes"].items():
        out[f"class_{k}"] = _CLASS_LABELS[v]
    for k, v in r["multiples"].items():
        out[f"multiple_{k}"] = v
    return out


def meets_target(section_class: object, target_class: object) -> bool | npt.NDArray[np.bool_]:
    """Whether a section meets its target class (class at least as good as the target).

    Parameters
    ----------
    section_class, target_class : str or array of str
        Labels as accepted by :func:`parse_class`.

    Returns
    -------
    bool or ndarray of bool
    """
    if _shape.ndim(section_class) == 0 and _shape.ndim(target_class) == 0:
        return 0 < _rank(section_class) <= _rank(target_class)
    a = np.array([_rank(c) for c in _shape.ravel(section_class)])
    b = np.broadcast_to(np.array([_rank(c) for c in _shape.ravel(target_class)]), a.shape)
    meets: npt.NDArray[np.bool_] = (a > 0) & (a <= b)
    return meets


@dataclass(frozen=True)
class RiverStatus:
    """Status of a river or basin (环办〔2011〕22号 4.1).

    Attributes
    ----------
    status : str
        优, 良好, 轻度污染, 中度污染, 重度污染.
    n_sections : int
    share_good, share_worst : float
        Shares of I–III and 劣V sections [%].
    shares : mapping class → float [%]
    method : str
        ``"share"`` (≥ 5 sections) or ``"mean"`` (< 5: class of the indicator means).
    mean_class : str or None
        The class of the indicator means (method "mean").
    """

    status: str
    n_sections: int
    share_good: float
    share_worst: float
    shares: Mapping[str, float]
    method: str
    mean_class: str | None = None


def river_status(
    section_classes: Sequence[object],
    concentrations: pd.DataFrame | Sequence[Mapping[str, float]] | None = None,
    water_body: str = "river",
) -> RiverStatus:
    """Status of a river or basin from its sections (环办〔2011〕22号 4.1, Table 2).

    With ≥ 5 sections: I–III ≥ 90 % 优; 75–90 % 良好; < 75 % and 劣V < 20 % 轻度污染;
    < 75 % and 20 % ≤ 劣V < 40 % 中度污染; 劣V ≥ 40 % 重度污染. With fewer, each indicator
    is averaged over the sections (arithmetic mean) and the mean class gives the status.

    Parameters
    ----------
    section_classes : sequence of str
        Class of each section; None entries are ignored.
    concentrations : DataFrame or sequence of mappings, optional
        Indicator values per section; required when fewer than 5 sections are classified.
    water_body : {"river", "lake"}

    Returns
    -------
    RiverStatus

    Raises
    ------
    InsufficientData
        Fewer than 5 sections and no concentrations, or no section at all.
    """
    ranks = np.array([_rank(c) for c in section_classes])
    ranks = ranks[ranks > 0]
    n = int(ranks.size)
    shares = {
        c: (100.0 * int((ranks == i + 1).sum()) / n if n else 0.0) for i, c in enumerate(CLASSES)
    }
    good, worst = int((ranks <= 3).sum()), int((ranks == 6).sum())
    if n >= 5:  # exact thresholds: compare counts × 100 with percent × n
        if good * 100 >= 90 * n:
            status = "优"
        elif good * 100 >= 75 * n:
            status = "良好"
        elif worst * 100 < 20 * n:
            status = "轻度污染"
        elif worst * 100 < 40 * n:
            status = "中度污染"
        else:
            status = "重度污染"
        return RiverStatus(
            status, n, 100.0 * good / n, 100.0 * worst / n, MappingProxyType(shares), "share"
        )
    if concentrations is None or n == 0 and len(concentrations) == 0:
        raise InsufficientData(
            f"river status from {n} section(s) needs the sections' concentrations "
            "(fewer than 5 sections: class of the indicator means, 环办〔2011〕22号 4.1)",
            statistic="river_status", have=n, need=5,
        )  # fmt: skip
    means = pd.DataFrame(concentrations).apply(pd.to_numeric, errors="coerce").mean()
    res = classify_section(
        {k: float(v) for k, v in means.items() if k in INDICATORS and pd.notna(v)}, water_body
    )
    if res.section_class is None:
        raise InsufficientData(
            "no indicator values to average", statistic="river_status", have=0, need=1
        )
    return RiverStatus(
        res.status or "", n, 100.0 * good / n if n else 0.0, 100.0 * worst / n if n else 0.0,
        MappingProxyType(shares), "mean", res.section_class,
    )  # fmt: skip
