"""/air/stations/{code}/history and /air/cities/{code}/history: the JSON of the air station page
and the city air page (issue #13). Parse, call one service function, answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.api.limits import Day, SiteCode
from qingshan.monitoring import air_history
from qingshan.monitoring.air_history_schemas import AirHistory

router = APIRouter(tags=["monitoring"])

_FROM = Query(
    alias="from",
    description="first day (CST), YYYY-MM-DD; default: 6 days before `to`",
)
_TO = Query(
    description=f"last day (CST), inclusive; default: the newest stored day. At most "
    f"{air_history.MAX_RANGE_DAYS} days per request",
)


@router.get("/air/stations/{code}/history", response_model=AirHistory)
def station_history(
    code: Annotated[SiteCode, Path()],
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    start: Annotated[Day | None, _FROM] = None,
    to: Annotated[Day | None, _TO] = None,
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
    start: Annotated[Day | None, _FROM] = None,
    to: Annotated[Day | None, _TO] = None,
) -> AirHistory:
    """A city's history from the mean of its national stations (same content as a station's).
    A county account sees its own city as context (``context_only``); other cities are 404."""
    return air_history.city_history(session, scope, store, code, start, to)
