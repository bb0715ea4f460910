"""Reading CNEMC files into city daily values and evaluating the air forecast on them
(issue #15): the file I/O of `qingshan forecast evaluate`; the kernels beside it are pure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from qingshan.forecast.daily import BadInput, city_daily, read_station_cities
from qingshan.forecast.evaluate import evaluate
from qingshan.forecast.weather import read_weather
from qingshan.ingest.cnemc import parse_air, sniff
from qingshan.ingest.errors import IngestError


def read_cnemc_daily(path: Path, station_city: dict[str, str]) -> pd.DataFrame:
    """City daily values (:func:`qingshan.forecast.daily.city_daily`) of a CNEMC
    ``china_sites_*`` file (any period; ``.gz`` read as such). A file of another kind, one
    without a station of the list, or one that cannot be read raises :class:`BadInput` with
    one line naming the file."""
    try:
        if sniff(path) != "air":
            raise BadInput(f"{path.name}: the surface-water table is not air data")
        parsed = parse_air(path)
    except IngestError as exc:
        raise BadInput(str(exc)) from exc
    if parsed.kind != "sites":
        raise BadInput(
            f"{path.name}: a china_cities file; evaluate needs station data (china_sites_*): a "
            "city's day is the mean of its national stations (HJ 663-2013 clause 4)"
        )
    known = parsed.rows["site"].isin(set(station_city))
    if not known.any():
        raise BadInput(
            f"{path.name}: none of its {parsed.rows['site'].nunique()} stations is a national "
            "station of Zhejiang in the station list (pass --stations StationList.csv)"
        )
    daily = city_daily(parsed.rows[known], station_city)
    if daily[["PM2.5", "O3_8h"]].notna().sum().min() == 0:
        raise BadInput(f"{path.name}: no day has enough valid hours (≥ 20) for a daily value")
    return daily


def evaluate_files(
    train: Path,
    test: Path | None = None,
    *,
    stations: Path | None = None,
    weather: Path | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """``qingshan forecast evaluate``: read the files and :func:`evaluate`."""
    step = progress or (lambda _msg: None)
    station_city = read_station_cities(stations)
    step(f"reading {train.name}")
    train_daily = read_cnemc_daily(train, station_city)
    test_daily = None
    if test is not None:
        step(f"reading {test.name}")
        test_daily = read_cnemc_daily(test, station_city)
    weather_frame = read_weather(weather) if weather is not None else None
    return evaluate(train_daily, test_daily, seed=seed, weather=weather_frame, progress=step)
