"""Where the gas goes: a Gaussian plume screening estimate from the wind at the station
(pure core). A screening estimate (筛查估算), never a forecast: flat rural terrain, a ground-level
point source, steady wind, no deposition or decay.

- Stability class — Pasquill–Gifford, from the surface wind speed and the time of day with the
  insolation or night-time cloud: D. B. Turner, *Workbook of Atmospheric Dispersion Estimates*
  (US PHS 999-AP-26, 1970), Table 3-1 (after Pasquill 1961); overcast day or night → D. The
  night-time cells for winds < 2 m/s, blank in Turner, are taken as F (≤ 3/8 cloud) and E
  (≥ 4/8), as the US NOAA READY tool does; intermediate classes (A–B, B–C, C–D) are taken as the
  more stable one (higher ground-level concentrations: the cautious side).
- σy, σz — G. A. Briggs (1973), *Diffusion Estimation for Small Emissions*, open-country
  (rural) formulas, as tabulated in the CCPS *Guidelines for Consequence Analysis of Chemical
  Releases* (1999) and the US EPA ISC3 user's guide vol. II (1995) [MC: read through two
  implementations' source, GasDispersion.jl and a Python port, not the reports themselves].
- Concentration — the Gaussian plume with total ground reflection (Turner 1970 eq. 3.1),
  ground-level centre line: C(x) = Q / (π σy σz u) · exp(−H² / (2 σz²)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "BRIGGS_RURAL",
    "PlumeEstimate",
    "briggs_rural_sigmas",
    "centreline_concentration",
    "downwind_sector",
    "plume_estimate",
    "stability_class",
]

#: Briggs (1973) open-country σ = a·x·(1 + b·x)^c per Pasquill class, for σy and σz [x in m]
BRIGGS_RURAL: Mapping[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = (
    MappingProxyType(
        {
            "A": ((0.22, 1e-4, -0.5), (0.20, 0.0, 1.0)),
            "B": ((0.16, 1e-4, -0.5), (0.12, 0.0, 1.0)),
            "C": ((0.11, 1e-4, -0.5), (0.08, 2e-4, -0.5)),
            "D": ((0.08, 1e-4, -0.5), (0.06, 1.5e-3, -0.5)),
            "E": ((0.06, 1e-4, -0.5), (0.03, 3e-4, -1.0)),
            "F": ((0.04, 1e-4, -0.5), (0.016, 3e-4, -1.0)),
        }
    )
)

# Turner (1970) Table 3-1: rows by surface wind speed [m/s] upper bound, columns day strong /
# moderate / slight insolation, night ≥ 4/8 low cloud (thin overcast), night ≤ 3/8 cloud
_TURNER: tuple[tuple[float, tuple[str, str, str, str, str]], ...] = (
    (2.0, ("A", "B", "B", "E", "F")),  # A–B → B
    (3.0, ("B", "B", "C", "E", "F")),  # A–B → B
    (5.0, ("B", "C", "C", "D", "E")),  # B–C → C
    (6.0, ("C", "D", "D", "D", "D")),  # C–D → D
    (math.inf, ("C", "D", "D", "D", "D")),
)
_COLUMN = {"strong": 0, "moderate": 1, "slight": 2}


def stability_class(
    wind_speed: float, *, daytime: bool, insolation: str = "moderate",
    night_cloud_oktas: int = 0, overcast: bool = False,
) -> str:  # fmt: skip
    """Pasquill–Gifford class A–F (Turner 1970 Table 3-1).

    Parameters
    ----------
    wind_speed : float
        Surface (10 m) wind speed [m/s].
    daytime : bool
        Between sunrise and sunset.
    insolation : {"strong", "moderate", "slight"}
        Daytime incoming solar radiation.
    night_cloud_oktas : int
        Night-time cloud cover [eighths]: ≥ 4 is the "thin overcast" column.
    overcast : bool
        Heavy overcast, day or night: class D.
    """
    if wind_speed < 0 or math.isnan(wind_speed):
        raise ValueError(f"wind speed {wind_speed} m/s: must be ≥ 0")
    if overcast:
        return "D"
    if daytime:
        if insolation not in _COLUMN:
            raise ValueError(f"insolation {insolation!r}: one of strong, moderate, slight")
        column = _COLUMN[insolation]
    else:
        column = 3 if night_cloud_oktas >= 4 else 4
    for upper, classes in _TURNER:
        if wind_speed < upper:
            return classes[column]
    raise AssertionError("unreachable")  # pragma: no cover


def briggs_rural_sigmas(x: float, cls: str) -> tuple[float, float]:
    """σy, σz [m] at downwind distance ``x`` [m] (Briggs 1973, open country)."""
    try:
        (ay, by, cy), (az, bz, cz) = BRIGGS_RURAL[cls]
    except KeyError:
        raise ValueError(f"stability class {cls!r}: one of {', '.join(BRIGGS_RURAL)}") from None
    if x <= 0:
        raise ValueError(f"downwind distance {x} m: must be > 0")
    return ay * x * (1 + by * x) ** cy, az * x * (1 + bz * x) ** cz


def centreline_concentration(q: float, u: float, x: float, cls: str, height: float = 0.0) -> float:
    """Ground-level centre-line concentration [mg/m³] of a continuous point source.

    C = Q / (π σy σz u) · exp(−H² / (2 σz²))   (Turner 1970 eq. 3.1 at y = 0, z = 0)

    Parameters
    ----------
    q : float
        Emission rate [g/s].
    u : float
        Wind speed [m/s] (> 0).
    x : float
        Downwind distance [m].
    cls : str
        Pasquill class.
    height : float
        Effective release height [m].
    """
    if u <= 0:
        raise ValueError(f"wind speed {u} m/s: the plume formula needs u > 0")
    sy, sz = briggs_rural_sigmas(x, cls)
    g_m3 = q / (math.pi * sy * sz * u) * math.exp(-(height**2) / (2 * sz**2))
    return g_m3 * 1000.0


def downwind_sector(
    longitude: float, latitude: float, wind_from: float, cls: str, distance: float,
    steps: int = 12,
) -> list[list[float]]:  # fmt: skip
    """The ring [[lon, lat], …] of the sector the plume covers out to ``distance`` [m]:
    centred on the downwind bearing (``wind_from`` + 180°), its edges at ±2σy (about 95 % of
    the crosswind spread). Local flat-earth projection (fine at a few km)."""
    bearing = (wind_from + 180.0) % 360.0
    m_per_deg_lat = 111_320.0
    m_per_deg_lon = 111_320.0 * math.cos(math.radians(latitude))

    def point(dist: float, offset_m: float) -> list[float]:
        b = math.radians(bearing)
        east = dist * math.sin(b) + offset_m * math.cos(b)
        north = dist * math.cos(b) - offset_m * math.sin(b)
        return [round(longitude + east / m_per_deg_lon, 6),
                round(latitude + north / m_per_deg_lat, 6)]  # fmt: skip

    xs = [distance * (i + 1) / steps for i in range(steps)]
    right = [point(x, 2 * briggs_rural_sigmas(x, cls)[0]) for x in xs]
    left = [point(x, -2 * briggs_rural_sigmas(x, cls)[0]) for x in reversed(xs)]
    start = [round(longitude, 6), round(latitude, 6)]
    return [start, *right, *left, start]


@dataclass(frozen=True)
class PlumeEstimate:
    """A screening estimate (筛查估算) for one alarm."""

    stability: str
    wind_from: float  # [°]
    wind_speed: float  # [m/s]
    bearing: float  # downwind [°]
    source_distance: float  # assumed distance of the source upwind of the station [m]
    emission_rate: float  # back-estimated from the station's reading [g/s]
    concentrations: tuple[tuple[float, float], ...]  # (m downwind of the station, mg/m³)
    sector: list[list[float]]


def plume_estimate(
    longitude: float, latitude: float, concentration: float, wind_from: float,
    wind_speed: float, *, daytime: bool, source_distance: float = 200.0,
    distances: Sequence[float] = (500.0, 1000.0, 2000.0, 5000.0), insolation: str = "moderate",
    night_cloud_oktas: int = 0,
) -> PlumeEstimate:  # fmt: skip
    """From a station's reading [mg/m³] and wind: the class, the emission rate of a ground-level
    source ``source_distance`` m upwind that would give that reading on its centre line
    (Q = C·π·σy·σz·u), the centre-line concentrations that source gives ``distances`` m beyond
    the station, and the sector. Calm (< 0.5 m/s) is computed at 0.5 m/s: the plume formula
    has no meaning below it, and the direction is then uncertain — say so where shown."""
    u = max(wind_speed, 0.5)
    cls = stability_class(u, daytime=daytime, insolation=insolation,
                          night_cloud_oktas=night_cloud_oktas)  # fmt: skip
    sy, sz = briggs_rural_sigmas(source_distance, cls)
    q = concentration / 1000.0 * math.pi * sy * sz * u
    conc = tuple(
        (d, round(centreline_concentration(q, u, source_distance + d, cls), 6)) for d in distances
    )
    sector = downwind_sector(longitude, latitude, wind_from, cls, max(distances))
    return PlumeEstimate(cls, wind_from, wind_speed, (wind_from + 180.0) % 360.0,
                         source_distance, q, conc, sector)  # fmt: skip
