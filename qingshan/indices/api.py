"""/air/stations/{code}/aqi: an air station's stored AQI (the ``indices`` job's derived series).
Parse, call one function, answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.api.limits import Day, SiteCode
from qingshan.indices import history
from qingshan.indices.schemas import StationAqi

router = APIRouter(tags=["indices"])


@router.get("/air/stations/{code}/aqi", response_model=StationAqi)
def station_aqi(
    code: Annotated[SiteCode, Path()],
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    start: Annotated[
        Day | None, Query(alias="from", description="first day (CST); default: 6 days before `to`")
    ] = None,
    to: Annotated[
        Day | None,
        Query(description="last day (CST), inclusive; default: today (CST); at most 366 days"),
    ] = None,
) -> StationAqi:
    """An air station's stored hourly (CNEMC real-time) and daily (HJ 633 日报) AQI with the
    primary pollutants, as the ``indices`` job stored them; equal to the station page's
    computation on request. Out of scope is 404; an inverted or too long range is 422."""
    return history.station_aqi(session, scope, store, code, start, to)
