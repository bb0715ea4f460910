"""Hourly surface-water values of sections and drinking-water sources.

Each site has a typical quality class (``gen["quality"]``, 1–5 as a real number): its CODMn,
NH3-N and TP levels sit at that position of the GB 3838-2002 Table 1 class limits (lake TP
limits for lakes and reservoirs), so most sections meet their target class and those generated
one class worse fail it. National sections are anchored on their CNEMC 2026-02-04 snapshot.
Seasons: water temperature peaks in early August; DO follows saturation (Benson & Krause fit)
with a photosynthetic afternoon peak, and pH with it; NH3-N is higher in winter (slow
nitrification), TP and CODMn in summer (runoff, algae).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.sim.blocks import Block
from qingshan.sim.noise import ar1, diurnal, seasonal
from qingshan.sim.rivers import couple_downstream, reaches
from qingshan.sim.timeline import day_of_year, local_hour

#: GB 3838-2002 Table 1 upper limits of classes I–V [mg/L] (DO: lower limits).
CLASS_LIMITS = {
    "codmn": (2.0, 4.0, 6.0, 10.0, 15.0),
    "nh3n": (0.15, 0.5, 1.0, 1.5, 2.0),
    "tp": (0.02, 0.1, 0.2, 0.3, 0.4),
    "tp_lake": (0.01, 0.025, 0.05, 0.1, 0.2),
    "do": (7.5, 6.0, 5.0, 3.0, 2.0),
}
SNAPSHOT_DOY = 34.5  # 2026-02-04 11:00 CST, day of year of the CNEMC snapshot


def level_at(quality: np.ndarray, limits: tuple[float, ...]) -> np.ndarray:
    """Concentration at a fractional class position: quality 2.0 = the class I limit,
    2.5 = halfway to the class II limit, 3.0 = the class II limit …; quality < 1 scales the
    class I limit down."""
    grid = np.array((0.0,) + tuple(limits))
    return np.interp(quality, np.arange(0.0, len(grid)), grid)


def do_saturation(temp_c: np.ndarray) -> np.ndarray:
    """Dissolved-oxygen saturation in fresh water at sea level [mg/L] for temperature [℃]."""
    t = temp_c
    return 14.652 - 0.41022 * t + 0.007991 * t**2 - 0.000077774 * t**3


def water_values(
    sites: pd.DataFrame, sidx: np.ndarray, times: pd.DatetimeIndex, rng: np.random.Generator
) -> Block:
    """Hourly pH, DO, CODMn, NH3-N, TP and temperature of water ``sites``, site-major."""
    n, n_t = len(sites), len(times)
    doy, hour = day_of_year(times), local_hour(times)
    gen = sites["gen"].tolist()
    lake = np.array([g["lake"] for g in gen])
    quality = np.array([g["quality"] for g in gen], float)
    snap = [g["snapshot"] for g in gen]
    # downstream sections follow their upstream neighbour (qingshan.sim.rivers)
    links = reaches(sites["code"].tolist(), sites["attrs"].tolist())

    def snapshot(key: str) -> np.ndarray:
        return np.array([np.nan if s.get(key) is None else s[key] for s in snap], float)

    # water temperature [℃]
    amp = np.where(lake, 9.0, 10.5)
    season_t = seasonal(doy, 215.0)
    t_model_snap = 19.0 + amp * seasonal(np.array(SNAPSHOT_DOY), 215.0)
    t_off = np.where(
        np.isnan(snapshot("water_temp")),
        rng.normal(0, 0.8, n),
        np.clip(snapshot("water_temp") - t_model_snap, -3, 3),
    )
    temp = (
        19.0
        + t_off[:, None]
        + amp[:, None] * season_t
        + 0.6 * diurnal(hour, 15.0)
        + ar1(rng, (n, n_t), 0.98, 0.6)
    )

    # pollutant levels: the middle of the site's class for the limiting factor (CODMn), up to
    # a class better for NH3-N and TP; position k - 1 + f lies in class k (see level_at)
    q = quality[:, None] - 0.5 + rng.uniform(-0.25, 0.15, (n, 3))
    q[:, 1] -= rng.uniform(0.0, 1.0, n)
    q[:, 2] -= rng.uniform(0.0, 0.5, n)
    winter = seasonal(doy, 20.0)
    lvl = {
        "codmn": level_at(q[:, 0], CLASS_LIMITS["codmn"]),
        "nh3n": level_at(q[:, 1], CLASS_LIMITS["nh3n"]),
        "tp": np.where(
            lake, level_at(q[:, 2], CLASS_LIMITS["tp_lake"]), level_at(q[:, 2], CLASS_LIMITS["tp"])
        ),
    }
    # log-amplitude of the seasonal cycle (+ = winter high) and of the AR(1) noise
    winter_amp = {"codmn": -0.15, "nh3n": 0.35, "tp": -0.2}
    noise_sd = {"codmn": 0.15, "nh3n": 0.35, "tp": 0.25}
    at_snapshot = seasonal(np.array(SNAPSHOT_DOY), 20.0)
    out = {}
    for k, base in lvl.items():
        s = snapshot(k)
        anchored = s / np.exp(winter_amp[k] * at_snapshot)
        base = np.where(np.isnan(s) | (s <= 0), base, anchored)
        noise = couple_downstream(ar1(rng, (n, n_t), 0.97, noise_sd[k]), links)
        out[k] = base[:, None] * np.exp(winter_amp[k] * winter[None, :] + noise)

    # DO [mg/L]: saturation × ratio falling with pollution, photosynthesis in the afternoon
    ratio = np.clip(1.02 - 0.08 * (quality - 1.0), 0.45, 1.05)
    photo = np.where(lake, 0.10, 0.05)
    do_noise = couple_downstream(ar1(rng, (n, n_t), 0.95, 0.35), links)
    do = do_saturation(temp) * (ratio[:, None] + photo[:, None] * diurnal(hour, 15.0)) + do_noise
    # pH: 7.0–8.4, rising with photosynthesis
    ph_base = np.where(
        np.isnan(snapshot("ph")), rng.uniform(7.0, 8.0, n), np.clip(snapshot("ph"), 6.5, 8.8)
    )
    ph = (
        ph_base[:, None]
        + np.where(lake, 0.25, 0.1)[:, None] * diurnal(hour, 15.0)
        + 0.1 * seasonal(doy, 200.0)
        + ar1(rng, (n, n_t), 0.97, 0.12)
    )
    value = np.stack(
        [
            np.round(np.clip(ph, 6.0, 9.5), 2),
            np.round(np.clip(do, 0.3, 18.0), 2),
            np.round(np.clip(out["codmn"], 0.3, 40.0), 2),
            np.round(np.clip(out["nh3n"], 0.005, 15.0), 3),
            np.round(np.clip(out["tp"], 0.003, 3.0), 3),
            np.round(np.clip(temp, 0.5, 35.0), 1),
        ],
        axis=1,
    ).reshape(n * 6, n_t)
    source = np.full(n * 6, "sim:synthetic", dtype=object)
    return Block(
        "water", "hour", np.asarray(sidx), times, value, np.zeros(value.shape, np.uint8), source
    )
