"""/forecast/air, /forecast/air/{city_code} and /forecast/skill: the JSON of the air forecast
pages (issue #15). Parse, call one service function, answer. Air quality is public: no login;
the caller's scope picks the cities (see :mod:`qingshan.forecast.air_views`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, StoreDep
from qingshan.api.limits import Day, SiteCode
from qingshan.forecast import air_views
from qingshan.forecast.schemas import AirForecasts, CityForecastDetail, Skill

router = APIRouter(tags=["forecast"])


@router.get("/forecast/air", response_model=AirForecasts)
def air_forecasts(
    scope: ScopeDep,
    settings: SettingsDep,
    city: Annotated[
        SiteCode | None, Query(description="one city's GB/T 2260 code, e.g. 330100")
    ] = None,
    issued: Annotated[
        Day | None, Query(description="the issue day (CST); default: the latest issue")
    ] = None,
) -> AirForecasts:
    """Each city's AQI, level, primary pollutant and six pollutants for the next three days
    with 80 % intervals (quantiles 0.1-0.9), as issued at 16:00 CST. A city out of the caller's
    scope is 404."""
    if city is not None:
        air_views.check_city(scope, city)
    out = air_views.air_forecasts(settings.data_dir, scope, issued)
    if city is not None:
        out.cities = [c for c in out.cities if c.city_code == city]
    return out


@router.get("/forecast/air/{city_code}", response_model=CityForecastDetail)
def air_city(
    city_code: Annotated[SiteCode, Path(description="the city's GB/T 2260 code, e.g. 330100")],
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    settings: SettingsDep,
    weeks: Annotated[
        int, Query(ge=1, le=26, description="weeks of past forecasts")
    ] = air_views.PAST_WEEKS,
) -> CityForecastDetail:
    """A city's latest forecast and its past weeks' forecasts (1, 2, 3 days ahead) beside the
    observed daily AQI and concentrations (HJ 663-2013 clause 4 city means). A county account
    reads its city's as context; other cities out of scope are 404."""
    return air_views.city_detail(session, store, settings.data_dir, scope, city_code, weeks)


@router.get("/forecast/skill", response_model=Skill)
def forecast_skill(settings: SettingsDep) -> Skill:
    """The stored rolling-origin backtest of the air forecast against persistence, seasonal
    naive and climatology, with the days it used and why."""
    return air_views.skill(settings.data_dir)
