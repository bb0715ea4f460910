"""Hourly ambient air values: national stations replay CNEMC 2019, the rest follow their city.

National stations with published 2019 data replay it exactly (see
:func:`qingshan.sim.timeline.replay_index`), gaps included. Every other station (provincial, or
national without data) takes, per hour, the mean of its city's replaying stations (the
province's where the city has none) times a station factor and AR(1) noise in log space, so
episodes, diurnal cycles (O3 afternoon peak, NO2 rush hours) and seasons (winter PM, summer O3)
are those of the real year. Units: µg/m³, CO mg/m³.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from qingshan.sim.blocks import Block
from qingshan.sim.noise import ar1
from qingshan.sim.params import CNEMC_TYPES, STREAM_PARAMETERS
from qingshan.sim.reference import REPLAY_TYPES, read_replay_cube
from qingshan.sim.timeline import replay_index

#: log-space noise of a synthetic station around its city mean, per CNEMC type:
#: (station offset sd, AR(1) sd, AR(1) lag-1 correlation)
NOISE = {
    "PM2.5": (0.12, 0.18, 0.9),
    "PM10": (0.12, 0.18, 0.9),
    "SO2": (0.25, 0.25, 0.85),
    "NO2": (0.2, 0.22, 0.85),
    "O3": (0.08, 0.12, 0.85),
    "CO": (0.12, 0.12, 0.9),
}
FLOOR = {"PM2.5": 2.0, "PM10": 3.0, "SO2": 2.0, "NO2": 2.0, "O3": 2.0, "CO": 0.1}
REPLAY_SOURCE = "sim:replay:cnemc-2019"
SYNTH_SOURCE = "sim:synthetic"


def _fill(a: np.ndarray) -> np.ndarray:
    """Fill NaN along the last axis from the nearest earlier value (then later)."""
    out = pd.DataFrame(a.reshape(-1, a.shape[-1]).T).ffill().bfill().to_numpy().T
    return out.reshape(a.shape)


def air_values(
    sites: pd.DataFrame, sidx: np.ndarray, times: pd.DatetimeIndex, rng: np.random.Generator
) -> Block:
    """Hourly values of the air stations ``sites`` (catalogue rows, kind ``air_station``).

    ``sidx`` are the catalogue indices of their series, site-major in
    :data:`~qingshan.sim.params.STREAM_PARAMETERS` order.
    """
    codes, cube = read_replay_cube()
    col = {c: i for i, c in enumerate(codes)}
    order = [
        REPLAY_TYPES.index(t)
        for t in [
            next(k for k, v in CNEMC_TYPES.items() if v == p)
            for p, _, _ in STREAM_PARAMETERS["air"]
        ]
    ]
    types = [REPLAY_TYPES[i] for i in order]
    idx = replay_index(times)
    real = cube[order][:, :, idx]  # (param, station, time)
    has = np.isfinite(real[0]).mean(axis=1) > 0.5
    cities = sites["gen"].map(lambda g: g["city"]).to_numpy()
    station_city = {code: city for code, city in zip(sites["code"], cities, strict=True)}
    with np.errstate(invalid="ignore"), _quiet():
        province = _fill(np.nanmean(real[:, has], axis=1))
        city_mean = {}
        for city in set(cities):
            members = [
                col[c] for c, cc in station_city.items() if cc == city and c in col and has[col[c]]
            ]
            city_mean[city] = _fill(np.nanmean(real[:, members], axis=1)) if members else province
    n, n_p, n_t = len(sites), len(types), len(times)
    value: np.ndarray = np.empty((n, n_p, n_t))
    replayed = np.zeros(n, bool)
    synth = [i for i, code in enumerate(sites["code"]) if not (code in col and has[col[code]])]
    for i, code in enumerate(sites["code"]):
        if code in col and has[col[code]]:
            value[i] = real[:, col[code]]
            replayed[i] = True
    if synth:
        base = np.stack([city_mean[cities[i]] for i in synth])  # (s, p, t)
        for p, t in enumerate(types):
            off_sd, sd, phi = NOISE[t]
            k = len(synth)
            log_f = rng.normal(0.0, off_sd, k)[:, None] + ar1(rng, (k, n_t), phi, sd)
            v = np.maximum(base[:, p] * np.exp(log_f), FLOOR[t])
            value[synth, p] = v
        pm25, pm10 = types.index("PM2.5"), types.index("PM10")
        value[synth, pm10] = np.maximum(value[synth, pm10], value[synth, pm25] * 1.05)
        for p, (_, _, decimals) in enumerate(STREAM_PARAMETERS["air"]):
            value[synth, p] = np.round(value[synth, p], decimals)
    value = value.reshape(n * n_p, n_t)
    source = np.repeat(np.where(replayed, REPLAY_SOURCE, SYNTH_SOURCE), n_p)
    return Block(
        "air",
        "hour",
        np.asarray(sidx),
        times,
        value,
        np.zeros(value.shape, np.uint8),
        source.astype(object),
    )


class _quiet:
    """Silence NumPy's "mean of empty slice" warning (all-NaN hours are expected)."""

    def __enter__(self):

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", category=RuntimeWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)
