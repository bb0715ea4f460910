"""GET /api/v1/screen/summary: the big screen's one aggregated answer (:mod:`.service`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, SettingsDep, StoreDep, provided
from qingshan.archive.service import OutletCounts
from qingshan.monitoring.freshness import LoggerStates, thresholds_of
from qingshan.screen.schemas import ScreenSummary
from qingshan.screen.service import screen_summary

router = APIRouter(tags=["screen"])


@router.get("/screen/summary", response_model=ScreenSummary)
def summary(
    session: SessionDep,
    store: StoreDep,
    user: CurrentUser,
    scope: ScopeDep,
    settings: SettingsDep,
    loggers: Annotated[LoggerStates, provided(LoggerStates)],
    counts: Annotated[OutletCounts, provided(OutletCounts)],
    region: Annotated[
        str | None,
        Query(pattern=r"^\d{6}$", description="GB/T 2260 code within your region (default: yours)"),
    ] = None,
) -> ScreenSummary:
    """大屏: the region's AQI levels and water classes by city (by county within a city), the
    outlets above their limits now (超标), open and overdue cases (在办, 超期), data freshness,
    the last 24 h of mean AQI and the last 30 days of 优良 share. Bureau accounts only
    (enterprise: 403); a region outside yours 403; computed at most every 30 s per region."""
    return screen_summary(
        session, store, scope, region,
        thresholds=thresholds_of(settings), loggers=loggers, counts=counts,
    )  # fmt: skip
