"""/air/stations/{code}/history and /air/cities/{code}/history: the JSON of the air station page
and the city air page (issue #13). Parse, call one service function, answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import AfterValidator, Field

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.api.limits import MAX_YEAR, MIN_YEAR, SiteCode
from qingshan.monitoring import air_history
from qingshan.monitoring.air_history_schemas import AirHistory

router = APIRouter(tags=["monitoring"])


def _year_in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"year {value.year} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


#: a calendar day (China Standard Time) of the platform's years
Day = Annotated[
    date,
    AfterValidator(_year_in_range),
    Field(json_schema_extra={"pattern": r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-"}),
]
_FROM = Query(
    None,
    alias="from",
    description="first day (CST), YYYY-MM-DD; default: 6 days before `to`",
)
_TO = Query(
    None,
    description=f"last day (CST), inclusive; default: the newest stored day. At most "
    f"{air_history.MAX_RANGE_DAYS} days per request",
)


@router.get("/air/stations/{code}/history", response_model=AirHistory)
def station_history(
    code: Annotated[SiteCode, Path()],
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    start: Day | None = _FROM,
    to: Day | None = _TO,
) -> AirHistory:
    """An air station's hourly AQI and six pollutants, daily AQI (HJ 633 daily report of the
    edition in force), 优良天数比例, comprehensive index, primary-pollutant shares, 环比 and 同比
    (see :mod:`qingshan.monitoring.air_history`). A station outside the caller's scope is 404;
    an inverted or too long range is 422 naming the field."""
    return air_history.station_history(session, scope, store, code, start, to)


@router.get("/air/cities/{code}/history", response_model=AirHistory)
def city_history(
    code: Annotated[SiteCode, Path(description="the city's GB/T 2260 code, e.g. 330100")],
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    start: Day | None = _FROM,
    to: Day | None = _TO,
) -> AirHistory:
    """A city's history from the mean of its national stations (same content as a station's).
    A county account sees its own city as context (``context_only``); other cities are 404."""
    return air_history.city_history(session, scope, store, code, start, to)
