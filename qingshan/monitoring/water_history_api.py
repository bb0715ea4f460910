"""/water/sections/{code}/history and /water/basins/{basin}: a section's class history and a
basin's sections and status (issue #13; :mod:`qingshan.monitoring.water_history`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from qingshan.api.deps import ScopeDep, SessionDep, StoreDep
from qingshan.monitoring.history_schemas import BasinOverview, SectionHistory
from qingshan.monitoring.water_history import MAX_MONTHS, basin_overview, section_history

router = APIRouter(tags=["monitoring"])

Months = Annotated[
    int, Query(ge=1, le=MAX_MONTHS, description="CST months up to the newest value's")
]


@router.get("/water/sections/{code}/history", response_model=SectionHistory)
def water_section_history(
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    code: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")],
    months: Months = 12,
) -> SectionHistory:
    """A surface-water section's monthly and daily GB 3838-2002 class (Table 1, single-factor,
    5.1; lakes with the lake TP limits) from CST means, against its target class; each
    indicator's means with its class limits, over-standard multiples and main pollutants
    (环办〔2011〕22号 3.3). A section outside the caller's scope is 404, as a missing one."""
    return section_history(session, scope, store, code, months=months)


@router.get("/water/basins/{basin}", response_model=BasinOverview)
def water_basin(
    session: SessionDep,
    scope: ScopeDep,
    store: StoreDep,
    basin: Annotated[str, Path(min_length=1, max_length=32)],
    months: Months = 12,
) -> BasinOverview:
    """A basin's national and provincial sections within the caller's scope with their newest
    class, its status now and per CST month (环办〔2011〕22号 4.1 Table 2: by the share of
    sections per class with ≥ 5 sections, else the class of the indicator means). ``basin``
    is the sections' basin tag, e.g. 钱塘江流域 (or 钱塘江)."""
    return basin_overview(session, scope, store, basin, months=months)
