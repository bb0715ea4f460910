"""QC of ambient γ dose-rate series (辐射环境自动监测站) — pure, one flag array per check, in the
manner of the platform's QC (:class:`qingshan.qc.flags.Flag`).

The ranges are data (``data/qc.json``), each with its source and confidence:

- **physical** [U]: outside what the instrument can report → ``FAIL`` (a device fault);
- **plausible** [MC]: outside the national survey's 原野 γ range 2.4–340.8 nGy/h (1983–1990) →
  ``SUSPECT``;
- **baseline** [U]: above the station's own mean + 3σ over the trailing year → investigate
  (``SUSPECT``) — unless it rained at the station then or up to a few hours before (radon-progeny
  washout), which is flagged ``rain`` and not investigated.

Units: dose rate [nGy/h], rain [mm] per hour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import numpy.typing as npt

from qingshan.qc.flags import Flag

__all__ = ["Baseline", "GammaFlags", "baseline_of", "flag_dose_rate", "qc_data", "rain_window"]


@cache
def qc_data() -> dict[str, Any]:
    """``data/qc.json``: the ranges and alarm levels with their sources."""
    raw = files("qingshan.emergency.radiation").joinpath("data/qc.json").read_text("utf-8")
    return dict(json.loads(raw))


@dataclass(frozen=True)
class Baseline:
    """A station's baseline over its trailing window: mean, σ and the investigation level
    ``mean + k·σ`` [nGy/h], from ``n`` valid dry hours; ``None`` level when too few."""

    mean: float | None
    sd: float | None
    level: float | None
    n: int


@dataclass(frozen=True)
class GammaFlags:
    """The flags of each check and their aggregate, arrays of the input's shape."""

    physical: npt.NDArray[np.int8]
    plausible: npt.NDArray[np.int8]
    above_baseline: npt.NDArray[np.bool_]
    rain: npt.NDArray[np.bool_]
    flag: npt.NDArray[np.int8]


def rain_window(rain_mm: npt.ArrayLike, hours_after: int | None = None) -> npt.NDArray[np.bool_]:
    """Hours in the rain or up to ``hours_after`` hours after it (hourly, consecutive hours)."""
    after = int(qc_data()["rain"]["hours_after"]) if hours_after is None else hours_after
    wet = np.nan_to_num(np.asarray(rain_mm, dtype=float), nan=0.0) > 0
    out = wet.copy()
    for k in range(1, after + 1):
        out[k:] |= wet[:-k] if k < len(wet) else False
    return out


def baseline_of(
    values: npt.ArrayLike, rain: npt.ArrayLike | None = None, *, k_sigma: float | None = None
) -> Baseline:
    """Mean + k·σ of the valid (plausible), dry hours of ``values`` [nGy/h] — the trailing
    window the caller chose (a year, ``qc.json`` baseline.window_days). ``rain``: the wet hours
    (:func:`rain_window`), left out; too few values (``baseline.min_values``) → no level."""
    cfg = qc_data()
    k = float(cfg["baseline"]["k_sigma"]) if k_sigma is None else k_sigma
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(v) & (v >= cfg["plausible"]["min"]) & (v <= cfg["plausible"]["max"])
    if rain is not None:
        ok &= ~np.asarray(rain, dtype=bool)
    n = int(ok.sum())
    if n < int(cfg["baseline"]["min_values"]):
        return Baseline(None, None, None, n)
    mean, sd = float(v[ok].mean()), float(v[ok].std(ddof=1))
    return Baseline(mean, sd, mean + k * sd, n)


def flag_dose_rate(
    values: npt.ArrayLike, *, baseline_level: float | None = None, rain: npt.ArrayLike | None = None
) -> GammaFlags:
    """Flag each hourly dose rate [nGy/h]: physical range, plausibility, baseline, rain.

    Aggregate: MISSING where NaN; FAIL where out of the physical range; SUSPECT where
    implausible, or above ``baseline_level`` on a dry hour; PASS otherwise.
    """
    cfg = qc_data()
    v = np.asarray(values, dtype=float)
    missing = ~np.isfinite(v)
    phys_ok = (v >= cfg["physical"]["min"]) & (v <= cfg["physical"]["max"])
    plaus_ok = (v >= cfg["plausible"]["min"]) & (v <= cfg["plausible"]["max"])
    wet = np.zeros(v.shape, bool) if rain is None else np.asarray(rain, dtype=bool)
    above = np.zeros(v.shape, bool) if baseline_level is None else (v > baseline_level)
    above &= ~missing
    physical = np.where(missing, Flag.MISSING, np.where(phys_ok, Flag.PASS, Flag.FAIL))
    plausible = np.where(missing, Flag.MISSING, np.where(plaus_ok, Flag.PASS, Flag.SUSPECT))
    flag = np.full(v.shape, Flag.PASS, dtype=np.int8)
    flag[(~plaus_ok | (above & ~wet)) & ~missing] = Flag.SUSPECT
    flag[~phys_ok & ~missing] = Flag.FAIL
    flag[missing] = Flag.MISSING
    return GammaFlags(physical.astype(np.int8), plausible.astype(np.int8), above, wet & above, flag)
