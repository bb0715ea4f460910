"""Decay and category of sealed radioactive sources — pure, no I/O beyond the package data.

- Decay: ``A = A0 · 2^(−t/T½)`` with the half-lives of ``data/nuclides.json`` (NNDC/ENSDF
  figures, each with its source and confidence).
- Category I–V: the ratio ``A/D`` of the activity to the nuclide's D-value (IAEA EPR-D-Values
  2006) banded as 《放射源分类办法》(国家环保总局公告2005年第62号) and IAEA RS-G-1.9 (2005)
  Table 1 do: I ≥ 1000, II ≥ 10, III ≥ 1, IV ≥ 0.01, V below that down to the nuclide's
  exemption activity (62号: "V类源的下限活度值为该种核素的豁免活度"); below it the source is
  exempt (``None``). The bands are [MC] (reprints of 62号; the official text not read), most
  D-values [MC] (Directive 2013/59/Euratom Annex III adopts them), Kr-85 and Ni-63 [U].

Units: activity [Bq], D [TBq] in the data and [Bq] in :class:`Nuclide`, time [d].
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from qingshan.emergency.radiation.errors import UnknownNuclide

__all__ = [
    "CATEGORIES",
    "Nuclide",
    "activity_decayed",
    "activity_on",
    "category_of",
    "category_ratio",
    "category_thresholds",
    "nuclide",
    "nuclides",
]

#: the classes from most to least dangerous (62号: Ⅰ极高危险源 … Ⅴ极低危险源)
CATEGORIES = ("I", "II", "III", "IV", "V")
TBQ = 1e12


@dataclass(frozen=True)
class Nuclide:
    """One nuclide of the table: half-life [d], D-value [Bq], exemption activity [Bq], and the
    source and confidence of each figure."""

    code: str
    name: str
    half_life_d: float
    d_bq: float
    exemption_bq: float
    sources: MappingProxyType[str, str]
    confidence: MappingProxyType[str, str]


@cache
def _data() -> dict[str, Any]:
    raw = files("qingshan.emergency.radiation").joinpath("data/nuclides.json").read_text("utf-8")
    return dict(json.loads(raw))


@cache
def nuclides() -> MappingProxyType[str, Nuclide]:
    """Every nuclide of ``data/nuclides.json`` by code (``Co-60`` …)."""
    data = _data()
    year = float(data["year_days"])
    out: dict[str, Nuclide] = {}
    for code, row in data["nuclides"].items():
        hl = row["half_life"]
        days = float(hl["value"]) * (year if hl["unit"] == "y" else 1.0)
        out[code] = Nuclide(
            code=code,
            name=row["name"],
            half_life_d=days,
            d_bq=float(row["d_tbq"]["value"]) * TBQ,
            exemption_bq=float(row["exemption_bq"]["value"]),
            sources=MappingProxyType({k: row[k]["source"] for k in ("half_life", "d_tbq", "exemption_bq")}),
            confidence=MappingProxyType({k: row[k]["confidence"] for k in ("half_life", "d_tbq", "exemption_bq")}),
        )  # fmt: skip
    return MappingProxyType(out)


def normalise_nuclide(code: str) -> str:
    """``co60``, ``Co 60``, ``60Co`` → ``Co-60``; an unknown one raises :class:`UnknownNuclide`."""
    s = str(code).strip().replace(" ", "").replace("_", "-").replace("‐", "-")
    letters = "".join(c for c in s if c.isalpha())
    digits = "".join(c for c in s if c.isdigit())
    candidate = f"{letters[:1].upper()}{letters[1:].lower()}-{digits}" if letters and digits else s
    table = nuclides()
    if candidate in table:
        return candidate
    raise UnknownNuclide(str(code), sorted(table))


def nuclide(code: str) -> Nuclide:
    """The table's row of ``code`` (normalised); unknown → :class:`UnknownNuclide` naming it."""
    return nuclides()[normalise_nuclide(code)]


@overload
def activity_decayed(a0: float, elapsed_d: float, half_life_d: float) -> float: ...
@overload
def activity_decayed(
    a0: npt.ArrayLike, elapsed_d: npt.ArrayLike, half_life_d: npt.ArrayLike
) -> npt.NDArray[np.float64]: ...
def activity_decayed(a0: Any, elapsed_d: Any, half_life_d: Any) -> Any:
    """Activity after ``elapsed_d`` days: ``A = A0 · 2^(−t/T½)``.

    Parameters
    ----------
    a0 : float or array [Bq]
        Activity on the reference date.
    elapsed_d : float or array [d]
        Days since the reference date (negative: before it, the activity was higher).
    half_life_d : float or array [d]

    Returns
    -------
    float or array [Bq]
    """
    out = np.asarray(a0, dtype=float) * np.exp2(
        -np.asarray(elapsed_d, dtype=float) / np.asarray(half_life_d, dtype=float)
    )
    return float(out) if np.ndim(out) == 0 else out


def activity_on(code: str, a0_bq: float, reference: date, on: date) -> float:
    """The activity [Bq] of a ``code`` source of ``a0_bq`` on ``reference`` as of the day ``on``."""
    n = nuclide(code)
    return activity_decayed(a0_bq, (on - reference).days, n.half_life_d)


def category_ratio(code: str, activity_bq: float) -> float:
    """``A/D`` (dimensionless) of an activity [Bq] of nuclide ``code``."""
    return float(activity_bq) / nuclide(code).d_bq


def category_thresholds(code: str) -> dict[str, float]:
    """The lowest activity [Bq] of each class for ``code``: I…IV from the bands × D, V = the
    exemption activity (the rows of the 62号 分类表 for that nuclide)."""
    n = nuclide(code)
    out = {cls: lower * n.d_bq for cls, lower in _data()["category_bands"]["lower_bounds"]}
    out["V"] = n.exemption_bq
    return out


def category_of(code: str, activity_bq: float) -> str | None:
    """The class (``"I"`` … ``"V"``) of a source of ``activity_bq`` [Bq] of ``code``; ``None``
    below the exemption activity (no longer a source to control as one). A class edge belongs
    to the higher class (the 62号 table reads "≥")."""
    for cls, lower in category_thresholds(code).items():
        if activity_bq >= lower:
            return cls
    return None
