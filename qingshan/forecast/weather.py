"""Optional weather input of the air forecast (as a bureau receives it from its meteorological
service): one row per city and day, the forecast (or, for training, the analysis) of that day.

File format (CSV, UTF-8, header required; docs/forecast.md)::

    city_code,day,temperature,wind_speed,wind_dir,humidity,blh
    330100,2019-07-01,29.5,2.1,135,78,950

=============  =======================================================
column         meaning [unit]
=============  =======================================================
city_code      the city's administrative code (330100 …)
day            the day, YYYY-MM-DD, China Standard Time
temperature    daily mean air temperature at 2 m [°C]
wind_speed     daily mean wind speed at 10 m [m/s]
wind_dir       daily prevailing wind direction, where it blows from [degrees, 0 = north]
humidity       daily mean relative humidity [%]
blh            daily mean (or midday) boundary-layer height [m]
=============  =======================================================

An empty cell is missing (LightGBM handles it). The demo has no weather and none is made up:
without this input the model uses the pollution history and the calendar only.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.forecast.daily import BadInput

WEATHER_VARIABLES: tuple[str, ...] = ("temperature", "wind_speed", "wind_dir", "humidity", "blh")


def read_weather(path: Path) -> pd.DataFrame:
    """Read a weather file in the format above; a missing column is one :class:`BadInput`."""
    try:
        frame = pd.read_csv(path, dtype={"city_code": str})
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read the weather file ({exc})") from exc
    return check_weather(frame, str(path))


def check_weather(frame: pd.DataFrame, name: str = "weather") -> pd.DataFrame:
    """The weather frame with ``day`` as dates and numeric columns, or :class:`BadInput`."""
    need = ["city_code", "day", *WEATHER_VARIABLES]
    if missing := [c for c in need if c not in frame.columns]:
        raise BadInput(f"{name}: missing columns {missing}; the format is {','.join(need)}")
    out = frame[need].copy()
    out["city_code"] = out["city_code"].astype(str)
    try:
        out["day"] = pd.to_datetime(out["day"]).dt.normalize()
        for c in WEATHER_VARIABLES:
            out[c] = pd.to_numeric(out[c])
    except (ValueError, TypeError) as exc:
        raise BadInput(f"{name}: {exc}") from exc
    return out


def weather_columns(
    weather: pd.DataFrame, keys: pd.DataFrame, shifts: Iterable[int]
) -> pd.DataFrame:
    """Features ``w_<variable>_<h>``: the weather of day ``ds + h`` of the row's city
    (``keys``: ``unique_id`` city code, ``ds`` day); the wind direction as its sine and
    cosine (``w_wind_sin_h``, ``w_wind_cos_h``)."""
    w = check_weather(weather).drop_duplicates(["city_code", "day"], keep="last")
    w = w.set_index(["city_code", "day"])
    rad = np.deg2rad(w.pop("wind_dir"))
    w["wind_sin"], w["wind_cos"] = np.sin(rad), np.cos(rad)
    out = {}
    for h in shifts:
        idx = pd.MultiIndex.from_arrays(
            [keys["unique_id"].astype(str), keys["ds"] + pd.Timedelta(days=h)]
        )
        part = w.reindex(idx)
        for c in part.columns:
            out[f"w_{c}_{h}"] = part[c].to_numpy()
    return pd.DataFrame(out, index=keys.index)
