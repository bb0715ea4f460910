"""/forecast/water/…: the section water forecasts, one section's forecast and the warnings
(issue #15; :mod:`qingshan.forecast.water_queries`). Logged-in users, scoped by region."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, SettingsDep, StoreDep
from qingshan.forecast.water_queries import section_forecast, sections_overview, warning_list

router = APIRouter(tags=["forecast"])

SectionCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")]


@router.get("/forecast/water/sections")
def water_forecast_sections(
    session: SessionDep, scope: ScopeDep, settings: SettingsDep, user: CurrentUser
) -> dict[str, Any]:
    """The sections in the caller's scope with the latest issue's forecast class tomorrow and
    the worst over 7 days (GB 3838-2002 Table 1, forecast indicators DO, CODMn, NH3-N, TP), and
    the probability of missing the target class (tomorrow, and the highest over 7 days)."""
    return sections_overview(
        session, scope, settings.data_dir, settings.forecast_water_warning_threshold
    )


@router.get("/forecast/water/sections/{code}")
def water_forecast_section(
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    store: StoreDep,
    user: CurrentUser,
    code: SectionCode,
) -> dict[str, Any]:
    """One section's latest forecast: daily (7 days) and hourly (24 h) quantiles 5/10/50/90/95 %
    per indicator [mg/L] with the GB 3838-2002 Table 1 class limits, the daily probability of
    missing the target class, and the past 4 weeks' 1-day-ahead forecasts against the observed
    CST daily means. A section outside the caller's scope is 404, as a missing one."""
    return section_forecast(session, scope, settings.data_dir, store, code)


@router.get("/forecast/warnings")
def water_forecast_warnings(
    session: SessionDep,
    scope: ScopeDep,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> dict[str, Any]:
    """Water quality warnings (水质预警) in the caller's scope, newest issue first: the section,
    the first day its miss probability passed the threshold, the indicator most likely to
    miss, and the case opened."""
    return warning_list(session, scope, limit)
