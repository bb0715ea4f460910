"""City surface-water quality index (CWQI), 《城市地表水环境质量排名技术规定（试行）》
环办监测〔2017〕51号.

The primary text was not obtained; the formulas follow the implementations that cite it
(``sm1lewc/Silence.SurfaceWater`` ``CWQICalculatorV2017.cs``, ``sm1lewc/SurfaceWater``
``CWQI.cs``) and the reference notes of this project (see docs/standards.md):

- indicator index CWQI(i) = C(i) / Cs(i), Cs = GB 3838-2002 class III limit (TP 0.2 mg/L for
  rivers, 0.05 for lakes and reservoirs) over the 21 indicators of 环办〔2011〕22号;
- DO: CWQI(DO) = Cs / C = 5 / C;
- pH: (7.0 − pH)/(7.0 − 6) for pH ≤ 7, (pH − 7.0)/(9 − 7.0) for pH > 7;
- river (lake) CWQI = Σ CWQI(i) on the period means of the city's sections (points);
- city CWQI = (CWQI_river · M + CWQI_lake · N)/(M + N), M river sections, N lake points;
- ranking ascending (smaller is better), equal values rank jointly; change rate
  ΔCWQI = (CWQI_now − CWQI_base)/CWQI_base.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.standards.errors import InvalidValue, UnknownIndicator, UnknownKeyError
from qingshan.standards.water_tables import ASSESSED, GB3838_LIMITS, INDICATORS, WATER_BODIES

__all__ = [
    "CWQIResult",
    "cwqi",
    "cwqi_frame",
    "indicator_index",
    "city_cwqi",
    "rank",
    "change_rate",
]

#: class III limits used as Cs (GB 3838-2002 Table 1) [mg/L]
CLASS_III: MappingProxyType[str, float] = MappingProxyType(
    {k: float(v[1][2]) for k, v in GB3838_LIMITS.items()}
)


#: the smallest DO [mg/L] given a CWQI index: the resolution DO is reported with (two decimals,
#: as CNEMC publishes it). The method itself sets no floor; below this Cs/C is meaningless.
MIN_DO = 0.01


def indicator_index(
    key: str, values: npt.ArrayLike | pd.Series, water_body: str = "river"
) -> float | npt.NDArray[np.float64] | pd.Series:
    """CWQI(i) of one indicator (环办监测〔2017〕51号).

    Parameters
    ----------
    key : str
        One of the 21 assessed indicators (TN and faecal coliform are not part of CWQI).
    values : float, array or Series [mg/L; pH dimensionless]
    water_body : {"river", "lake"}

    Returns
    -------
    float or ndarray or Series [dimensionless]; NaN where missing.

    Raises
    ------
    InvalidValue
        A negative value, or DO below :data:`MIN_DO` (its index Cs/C grows without bound).
    """
    if key not in ASSESSED:
        raise UnknownIndicator(key, ASSESSED)
    if water_body not in WATER_BODIES:
        raise UnknownKeyError("water body", water_body, WATER_BODIES)
    c = np.asarray(values, dtype=np.float64)
    if (c < 0).any():
        raise InvalidValue(f"negative value for {key} in CWQI", field=key, value=float(c.min()))
    if key == "DO" and (c < MIN_DO).any():  # CWQI(DO) = Cs/C grows without bound as C → 0
        raise InvalidValue(
            f"DO below {MIN_DO} mg/L has no meaningful CWQI index: CWQI(DO) = Cs/C "
            "(环办监测〔2017〕51号) grows without bound as DO falls to 0",
            field=key,
            value=float(np.nanmin(c)),
            clause="环办监测〔2017〕51号",
        )
    with np.errstate(divide="ignore"):
        if key == "pH":
            out = np.where(c <= 7.0, (7.0 - c) / (7.0 - 6.0), (c - 7.0) / (9.0 - 7.0))
        elif key == "DO":
            out = CLASS_III["DO"] / c
        else:
            cs = (
                CLASS_III["TP_lake" if water_body == "lake" else "TP_river"]
                if key == "TP"
                else CLASS_III[key]
            )
            out = c / cs
    if isinstance(values, pd.Series):
        return pd.Series(out, index=values.index, name=values.name)
    return float(out) if np.ndim(values) == 0 else out


@dataclass(frozen=True)
class CWQIResult:
    """CWQI of a river, lake or section set.

    Attributes
    ----------
    total : float
        Σ CWQI(i) [dimensionless].
    indices : mapping key → float
        CWQI(i) of each indicator given.
    water_body : str
    """

    total: float
    indices: Mapping[str, float]
    water_body: str


def cwqi(concentrations: Mapping[str, float | None], water_body: str = "river") -> CWQIResult:
    """CWQI from period-mean concentrations (环办监测〔2017〕51号).

    Parameters
    ----------
    concentrations : mapping key → float or None
        Keys as :func:`qingshan.standards.water_quality.classify_section` [mg/L]; TN and faecal
        coliform are rejected, as the method excludes them.
    water_body : {"river", "lake"}

    Returns
    -------
    CWQIResult
    """
    for k in concentrations:
        if k not in ASSESSED:
            if k in INDICATORS:
                raise UnknownIndicator(f"{k} (not part of CWQI)", ASSESSED)
            raise UnknownIndicator(k, ASSESSED)
    idx = {
        k: float(indicator_index(k, v, water_body))  # a scalar in, a float out
        for k, v in concentrations.items()
        if v is not None
    }
    idx = {k: v for k, v in idx.items() if not np.isnan(v)}
    return CWQIResult(float(sum(idx.values())), MappingProxyType(idx), water_body)


def cwqi_frame(frame: pd.DataFrame, water_body: str = "river") -> pd.DataFrame:
    """Vectorised :func:`cwqi`: one row per river/lake/period, columns by indicator.

    Returns
    -------
    DataFrame
        ``cwqi_<key>`` per indicator and ``cwqi`` (the sum, NaN-skipping).
    """
    out = pd.DataFrame(index=frame.index)
    for k in frame.columns:
        if k in ASSESSED:
            out[f"cwqi_{k}"] = indicator_index(k, frame[k].astype(float), water_body)
    out["cwqi"] = out.sum(axis=1, min_count=1)
    return out


def city_cwqi(
    river: float | None, n_river: int, lake: float | None = None, n_lake: int = 0
) -> float:
    """City CWQI = (CWQI_river · M + CWQI_lake · N)/(M + N).

    Parameters
    ----------
    river, lake : float or None
        CWQI of the city's rivers and of its lakes/reservoirs [dimensionless].
    n_river, n_lake : int
        Number of river sections (M) and lake points (N).
    """
    parts = [(v, n) for v, n in ((river, n_river), (lake, n_lake)) if v is not None and n > 0]
    if not parts:
        raise InvalidValue(
            "city CWQI needs at least one river section or lake point", field="n", value=0
        )
    return float(sum(v * n for v, n in parts) / sum(n for _, n in parts))


def rank(values: Mapping[str, float]) -> dict[str, int]:
    """Rank cities ascending (smaller CWQI is better); equal values share a rank (并列).

    Returns
    -------
    dict city → rank (1 = best); standard competition ranking (1, 1, 3, …).
    """
    s = pd.Series(values, dtype=float)
    return {k: int(v) for k, v in s.rank(method="min", ascending=True).items()}


def change_rate(now: float, base: float) -> float:
    """ΔCWQI = (CWQI_now − CWQI_base) / CWQI_base [fraction; negative = improved]."""
    if base == 0:
        raise InvalidValue("base CWQI is 0: change rate undefined", field="base", value=base)
    return (now - base) / base
