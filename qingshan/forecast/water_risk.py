"""The class of a water forecast and the probability that a section misses its target class.

Pure. All class arithmetic is the standards library's
(:mod:`qingshan.standards.water_quality`): GB 3838-2002 Table 1 single-factor assessment (5.1),
the section class the worst indicator class (环办〔2011〕22号 3.1) — here over the forecast
indicators only (DO, CODMn, NH3-N, TP: what the automatic stations forecast), so it is the
*forecast indicators' class*, never better than the full assessment would be.

Miss probability
----------------
The forecast of an indicator is a predictive distribution: the point forecast ``ŷ`` plus the
empirical distribution of the split-conformal calibration scores ``s₁ … sₙ`` (signed residuals
in the standardised log units of :mod:`.water`), i.e. a split conformal predictive system
(Vovk, Shen, Manokhin & Xie 2017, "Nonparametric predictive distributions based on conformal
prediction", *Proc. COPA*, PMLR 60: 82–102). The target class ``k`` has one limit ``Lₖ`` per
indicator (GB 3838-2002 Table 1; DO a lower limit, item 3; TP the river or lake/reservoir row,
item 8). With ``z = (ln Lₖ − μ) / σ``:

- upper limits: ``P(miss) = #{i : ŷ + sᵢ > z} / (n + 1)``;
- DO (a "≥" limit): ``P(miss) = #{i : ŷ + sᵢ < z} / (n + 1)``.

The ``n + 1`` is the conformal rank correction (the test point is one of ``n + 1``
exchangeable residuals). A section misses its target when any indicator does; with the
indicators' errors taken as independent, ``P = 1 − Π (1 − pᵢ)``. Errors of real rivers are
positively correlated across indicators, so this leans towards warning; the Fréchet bounds
``max pᵢ ≤ P ≤ min(1, Σ pᵢ)`` hold whatever the dependence, and the lower one is kept beside it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from qingshan.standards.water_quality import CLASSES, GB3838_LIMITS, classify_frame, parse_class

#: the forecast indicators (keys of the standards library)
INDICATORS = ("DO", "CODMn", "NH3_N", "TP")


def target_limit(key: str, target_class: object, water_body: str = "river") -> float:
    """The GB 3838-2002 Table 1 limit of class ``target_class`` for indicator ``key`` [mg/L]
    (DO: the lower limit, item 3; TP: the river or lake/reservoir row, item 8). Class 劣V has
    no limit (raises)."""
    label = parse_class(target_class)
    if label is None or label == CLASSES[-1]:
        raise ValueError(f"no GB 3838-2002 limit for target class {target_class!r}")
    row = ("TP_lake" if water_body == "lake" else "TP_river") if key == "TP" else key
    if row not in GB3838_LIMITS:
        raise ValueError(f"unknown indicator {key!r}; valid: {', '.join(INDICATORS)}")
    return float(GB3838_LIMITS[row][1][CLASSES.index(label)])


def miss_probability(
    point: np.ndarray, scores: np.ndarray, z_limit: np.ndarray, lower_limit: bool = False
) -> np.ndarray:
    """Probability that the value misses its limit under the conformal predictive distribution
    ``point + scores`` (module docstring).

    Parameters
    ----------
    point : array (m,)
        Point forecasts [standardised log units].
    scores : array (n,)
        Calibration scores (signed residuals) [standardised log units].
    z_limit : array (m,)
        The limit in the same units.
    lower_limit : bool
        True for a "≥" limit (DO): the value misses below it.

    Returns
    -------
    array (m,) in [0, n / (n + 1)]
    """
    s = np.sort(np.asarray(scores, float))
    n = s.size
    gap = np.asarray(z_limit, float) - np.asarray(point, float)
    if lower_limit:  # ŷ + s < z ⇔ s < z − ŷ
        count = np.searchsorted(s, gap, side="left")
    else:  # ŷ + s > z ⇔ s > z − ŷ
        count = n - np.searchsorted(s, gap, side="right")
    out: np.ndarray = count / (n + 1.0)
    return out


def section_miss(p: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The section's miss probability from its indicators' ``p`` (independent errors) and the
    Fréchet lower bound ``max pᵢ``."""
    stack = np.vstack([np.asarray(v, float) for v in p.values()])
    stack = np.nan_to_num(stack, nan=0.0)
    return 1.0 - np.prod(1.0 - stack, axis=0), stack.max(axis=0)


def forecast_classes(values: pd.DataFrame, water_body: str = "river") -> pd.Series:
    """The class of forecast indicator values (columns among :data:`INDICATORS`, [mg/L]) by
    GB 3838-2002 Table 1 (5.1), worst indicator first (环办〔2011〕22号 3.1)."""
    cols = [c for c in INDICATORS if c in values]
    out = classify_frame(values[cols], water_body=water_body)["section_class"]
    return pd.Series(out.to_numpy(), index=values.index, name="forecast_class")
