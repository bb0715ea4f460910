"""/freshness: air stations, water sections and data loggers late or missing (数据时效, issue
#13; :mod:`qingshan.monitoring.freshness`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, SettingsDep, provided
from qingshan.api.limits import RegionCode
from qingshan.monitoring.freshness import (
    LoggerStates,
    freshness_report,
    region_scope,
    report_csv,
    thresholds_of,
)
from qingshan.monitoring.history_schemas import FreshnessReport
from qingshan.timeutil import utcnow

router = APIRouter(tags=["monitoring"])

Kind = Literal["air_station", "water_section", "logger"]
State = Literal["ok", "late", "missing"]


@router.get(
    "/freshness",
    response_model=FreshnessReport,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def freshness(
    session: SessionDep,
    user: CurrentUser,
    scope: ScopeDep,
    settings: SettingsDep,
    loggers: Annotated[LoggerStates, provided(LoggerStates)],
    kind: Annotated[list[Kind] | None, Query(description="only these kinds")] = None,
    state: Annotated[list[State] | None, Query(description="only these states")] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
    region: Annotated[
        RegionCode | None, Query(description="a city or county of your region (drill-down)")
    ] = None,
):
    """Every air station, water section and data logger of the caller's scope with the end of
    its newest data, its age and state (ok, late, missing: the ``QINGSHAN_FRESHNESS_*``
    thresholds), the counts per city (per county within a city; ``region`` narrows to a city
    or county of the caller's region, else 403) and per kind. Missing first,
    then late, oldest first; ``format=csv`` gives the list as CSV (times CST). Login required."""
    report = freshness_report(
        session, region_scope(scope, region), utcnow(), thresholds_of(settings), loggers,
        kinds=kind or ("air_station", "water_section", "logger"),
        states=state or ("missing", "late", "ok"),
    )  # fmt: skip
    if format == "csv":
        return Response(
            "\ufeff" + report_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="freshness.csv"'},
        )
    return report
