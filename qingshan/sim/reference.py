"""The real data the demo starts from, shipped in ``qingshan/sim/data/`` (read-only I/O).

- ``air_stations_national.csv``: the 53 national air stations of Zhejiang (code, name, city,
  longitude, latitude), from CNEMC ``StationList-2020.01.01.csv`` (two stations lack
  coordinates there).
- ``water_sections_national.csv``: the 47 national automatic surface-water sections of
  Zhejiang with their basin and the CNEMC snapshot of 2026-02-04 (class, temperature, pH, DO,
  CODMn, NH3-N, TP). CNEMC publishes no coordinates we trust; the city of each section is
  assigned from its name and river (an approximation, see ``attrs["location"]``). The
  ``water_body`` column is what CNEMC's published class implies: 湘家荡, a lake by name, is
  assessed on the river TP row (its TP 0.038 mg/L is published class II, the river row; the
  lake row would give III, GB 3838-2002 Table 1 item 8), so it is tagged ``river``.
- ``water_section_places.csv``: where 20 of those sections lie, by the town, lake or sluice
  their name or a published description names (longitude, latitude [degrees], the place, the
  basis). CNEMC publishes no coordinates for them: these positions are estimated from public
  maps of the named place, good to a few km, and the sections stay ``approximate``.
- ``cnemc_zhejiang_2019_hourly.csv.gz``: the hourly PM2.5, PM10, SO2, NO2, O3 [µg/m³] and
  CO [mg/m³] of those 53 stations from 2019-01-01 00:00 to 2019-09-30 23:00 China Standard
  Time (272 days; CNEMC ``china_sites_*`` layout restricted to Zhejiang and to those six types).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

REPLAY_FILE = "cnemc_zhejiang_2019_hourly.csv.gz"
REPLAY_TYPES = ("PM2.5", "PM10", "SO2", "NO2", "O3", "CO")
REPLAY_START_CST = pd.Timestamp("2019-01-01 00:00")
REPLAY_HOURS = 273 * 24  # 2019-01-01..09-30 (the file lacks one of these days)


def _open(name: str):
    return resources.files("qingshan.sim").joinpath("data", name).open("rb")


@lru_cache(maxsize=1)
def read_national_air_stations() -> pd.DataFrame:
    """The 53 national air stations: code, name, city, longitude, latitude [degrees, WGS-84]."""
    with _open("air_stations_national.csv") as fh:
        return pd.read_csv(fh, dtype={"code": str, "name": str, "city": str})


@lru_cache(maxsize=1)
def read_national_water_sections() -> pd.DataFrame:
    """The 47 national automatic water sections with their 2026-02-04 snapshot."""
    with _open("water_sections_national.csv") as fh:
        return pd.read_csv(fh)


@lru_cache(maxsize=1)
def read_water_section_places() -> pd.DataFrame:
    """Named places of national water sections, indexed by section name: ``lon``, ``lat``
    [degrees], ``place`` (county and town, lake or sluice) and ``basis`` (what names it)."""
    with _open("water_section_places.csv") as fh:
        return pd.read_csv(fh, dtype={"name": str, "place": str, "basis": str}).set_index("name")


@lru_cache(maxsize=1)
def read_replay_cube() -> tuple[tuple[str, ...], np.ndarray]:
    """The real 2019 hourly data as a cube.

    Returns
    -------
    codes : tuple of str
        Station codes, in column order.
    cube : ndarray, shape (len(REPLAY_TYPES), n_stations, REPLAY_HOURS)
        Concentrations [µg/m³; CO mg/m³], NaN where CNEMC published none. Hour ``k`` is
        ``REPLAY_START_CST + k hours`` in China Standard Time. A day missing from the file for
        every station (2019-04-08) repeats the day before.
    """
    with _open(REPLAY_FILE) as fh:
        df = pd.read_csv(fh, dtype={"date": str}, compression="gzip")
    codes = tuple(df.columns[3:])
    day = (pd.to_datetime(df["date"], format="%Y%m%d") - REPLAY_START_CST).dt.days.to_numpy()
    hour_index = day * 24 + df["hour"].to_numpy()
    cube = np.full((len(REPLAY_TYPES), len(codes), REPLAY_HOURS), np.nan)
    values = df[list(codes)].to_numpy(dtype=float)
    for t, name in enumerate(REPLAY_TYPES):
        mask = (df["type"] == name).to_numpy()
        cube[t][:, hour_index[mask]] = values[mask].T
    # 2019-04-08 is absent from the file for every station: replay the day before instead, so
    # the demo has no province-wide outage (the gap is a hole in the mirror, not in the network).
    for day in np.flatnonzero(
        ~np.isfinite(cube).reshape(-1, REPLAY_HOURS // 24, 24).any(axis=(0, 2))
    ):
        if day > 0:
            cube[:, :, day * 24 : (day + 1) * 24] = cube[:, :, (day - 1) * 24 : day * 24]
    cube.flags.writeable = False
    return codes, cube
