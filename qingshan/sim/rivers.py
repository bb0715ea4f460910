"""A simple river network for the demo's sections: order along each river, travel times, and
downstream noise that follows the upstream noise.

The synthetic provincial sections (省控断面) carry the river they sit on (``attrs["river"]``).
The sections of one river (lakes and reservoirs excepted) are put in order **west to east** —
Zhejiang's rivers drain eastwards to the sea; the Grand Canal's northward run is a simulator
simplification — and each section gets its upstream neighbour (``attrs["upstream"]``, a site
code) and the travel time of the water between them (``attrs["travel_hours"]``): the
great-circle distance × :data:`SINUOSITY` at :data:`VELOCITY_KMH`, rounded to whole hours and
kept within :data:`TRAVEL_HOURS`. National sections keep their own values (their classes are
anchored on CNEMC's snapshot) and are not linked.

In the water simulator (:mod:`qingshan.sim.water`) the hourly log-noise of a downstream section
becomes ``w · upstream(t − travel) + √(1 − w²) · own(t)`` (:func:`couple_downstream`), applied
from the head of each river down, so a river's noise propagates along it, attenuated by
:data:`WEIGHT` per reach. The mixture keeps each section's noise variance, hence its levels and
classes. A forecaster that uses upstream sections as features therefore measures, on the demo,
what this module planted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: mean flow velocity of the simulated rivers [km/h] (≈ 0.42 m/s, a slow plain river)
VELOCITY_KMH = 1.5
#: river length over straight-line distance [-]
SINUOSITY = 1.3
#: shortest and longest travel time of a reach [h]
TRAVEL_HOURS = (2, 72)
#: weight of the upstream noise in the downstream noise [-] (attenuation per reach)
WEIGHT = 0.8

EARTH_RADIUS_KM = 6371.0


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle (haversine) distance between two WGS-84 points [km]."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a)))


def travel_hours(distance: float) -> int:
    """Travel time of a reach of straight-line ``distance`` [km] → [h], whole hours within
    :data:`TRAVEL_HOURS`."""
    lo, hi = TRAVEL_HOURS
    return int(min(hi, max(lo, round(distance * SINUOSITY / VELOCITY_KMH))))


def link_rivers(rows: Sequence[dict]) -> list[dict]:
    """``rows`` (catalogue site dicts) with the river network in the attrs of the provincial
    river sections: ``river_order`` (0 at the head), ``upstream`` and ``travel_hours`` (from
    the second section of a river on). Pure; rows are copied, not changed."""
    out = [dict(r, attrs=dict(r["attrs"])) for r in rows]
    rivers: dict[str, list[dict]] = {}
    for r in out:
        a = r["attrs"]
        if r["kind"] == "water_section" and a.get("river") and a.get("water_body") == "river":
            rivers.setdefault(a["river"], []).append(r)
    for sections in rivers.values():
        sections.sort(key=lambda r: (r["longitude"], r["code"]))
        for i, r in enumerate(sections):
            r["attrs"]["river_order"] = i
            if i == 0:
                continue
            up = sections[i - 1]
            d = distance_km(up["longitude"], up["latitude"], r["longitude"], r["latitude"])
            r["attrs"]["upstream"] = up["code"]
            r["attrs"]["travel_hours"] = travel_hours(d)
    return out


def reaches(codes: Sequence[str], attrs: Sequence[dict]) -> list[tuple[int, int, int]]:
    """The reaches among sites ``codes`` (with their ``attrs``) as (downstream row, upstream
    row, travel time [h]), head of each river first (a reach's upstream row is already final
    when it is used)."""
    index = {c: i for i, c in enumerate(codes)}
    links = []
    for i, a in enumerate(attrs):
        up = a.get("upstream")
        if up is not None and up in index:
            links.append((int(a.get("river_order", 0)), i, index[up], int(a["travel_hours"])))
    return [(down, up, lag) for _, down, up, lag in sorted(links)]


def couple_downstream(
    noise: np.ndarray, links: Sequence[tuple[int, int, int]], weight: float = WEIGHT
) -> np.ndarray:
    """Hourly noise (n, t) with each downstream row replaced by
    ``weight · upstream(t − lag) + √(1 − weight²) · own(t)``; the first ``lag`` hours, before
    the upstream water arrives, use the upstream's first value. Variance-preserving for
    stationary rows of equal variance.

    Parameters
    ----------
    noise : ndarray (n, t)
        One row per site, hourly steps [-].
    links : sequence of (down, up, lag)
        Row indices and travel time [h] (:func:`reaches`: heads first).
    weight : float
        Attenuation of the upstream signal [-], 0 ≤ weight < 1.
    """
    out = np.array(noise, float, copy=True)
    own = np.sqrt(1.0 - weight**2)
    n_t = out.shape[1]
    for down, up, lag in links:
        lag = min(lag, n_t)
        shifted = np.empty(n_t)
        shifted[:lag] = out[up, 0]
        shifted[lag:] = out[up, : n_t - lag]
        out[down] = weight * shifted + own * out[down]
    return out
