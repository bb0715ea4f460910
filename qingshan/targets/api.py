"""The targets' API (``/api/v1/targets``): the plan's progress as the caller sees it, a target
with its reports, filing, resubmitting and reviewing reports (province, city and county
accounts; a county reads only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, provided, require_roles
from qingshan.targets import service
from qingshan.targets.board import Cell, TargetRow, progress_board, target_detail
from qingshan.targets.kpi import KpiRegistry
from qingshan.targets.schemas import (
    BoardPublic,
    CellPublic,
    KpiPublic,
    ReportCreate,
    ReportPublic,
    ReportResubmit,
    ReportReview,
    TargetDetailPublic,
    TargetPublic,
)

router = APIRouter(prefix="/targets", tags=["targets 目标考核"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Registry = Annotated[KpiRegistry, provided(KpiRegistry)]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _cell(c: Cell) -> CellPublic:
    return CellPublic(region_code=c.region_code, owed=c.owed, value=c.value, progress=c.progress,
                      status=None if c.status is None else c.status.value, as_of=c.as_of)  # fmt: skip


def _target(r: TargetRow) -> TargetPublic:
    t = r.target
    return TargetPublic(
        id=t.id, code=t.code, item=t.item, wording=t.wording, wording_en=t.wording_en,
        unit=t.unit, comparison=t.comparison, value=t.value, deadline=t.deadline,
        metric=t.metric, kpi=t.kpi, split=t.split, units=r.units, province=_cell(r.province),
        cities={c: _cell(cell) for c, cell in r.cities.items()},
    )  # fmt: skip


@router.get("", response_model=BoardPublic | None)
def get_board(user: Officer, session: SessionDep, scope: ScopeDep, registry: Registry):
    """The plan's progress in the caller's region (null: no plan loaded)."""
    board = progress_board(session, scope, registry=registry)
    if board is None:
        return None
    return BoardPublic(
        plan=board.plan.code, title=board.plan.title, as_of=board.as_of,
        expected=board.expected, region=board.region, targets=[_target(r) for r in board.rows],
        scores=board.scores,
        kpis=[KpiPublic(name=n, unit=u, value=v, basis=b) for n, _, u, v, b in board.kpis],
    )  # fmt: skip


@router.get("/{target_id}", response_model=TargetDetailPublic)
def get_target(
    target_id: Id, user: Officer, session: SessionDep, scope: ScopeDep, registry: Registry
):
    """A target with the reports of the caller's region (the province: all), newest first."""
    d = target_detail(session, scope, target_id, registry=registry)
    return TargetDetailPublic(
        target=_target(d.row),
        reports=[ReportPublic.model_validate(r, from_attributes=True) for r in d.reports],
    )


@router.post("/{target_id}/reports", response_model=ReportPublic, status_code=201)
def file_report(target_id: Id, body: ReportCreate, user: Officer, session: SessionDep,
                scope: ScopeDep):  # fmt: skip
    """File a progress report (a city for its share; the province for a target it keeps)."""
    r = service.submit_report(session, scope, target_id, body.region_code, body.value,
                              body.as_of, body.note)  # fmt: skip
    return ReportPublic.model_validate(r, from_attributes=True)


@router.post("/reports/{report_id}/resubmit", response_model=ReportPublic)
def resubmit_report(report_id: Id, body: ReportResubmit, user: Officer, session: SessionDep,
                    scope: ScopeDep):  # fmt: skip
    """Resubmit a returned report with new figures."""
    r = service.resubmit_report(session, scope, report_id, body.value, body.as_of, body.note)
    return ReportPublic.model_validate(r, from_attributes=True)


@router.post("/reports/{report_id}/review", response_model=ReportPublic)
def review_report(report_id: Id, body: ReportReview, user: Officer, session: SessionDep,
                  scope: ScopeDep):  # fmt: skip
    """Accept, return (with a reason) or audit a report (the province)."""
    r = service.review_report(session, scope, report_id, body.event, body.reason)
    return ReportPublic.model_validate(r, from_attributes=True)
