"""``/api/v1/cases/stats``, ``/api/v1/cases/notices/{month}`` and ``/api/v1/cases/followup``:
the case reports for officers (province, city, county), scoped to the caller's region. Listed
in :data:`qingshan.platform.app.ROUTERS` before the cases' router (its ``/cases/{case_id}``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, require_roles
from qingshan.cases import reporting
from qingshan.cases.periods import Month, Quarter, quarter_of
from qingshan.cases.report_schemas import (
    FollowupPublic,
    NoticePublic,
    StatsPublic,
    TrendPublic,
)
from qingshan.cases.stats import cached_case_stats
from qingshan.timeutil import utcnow

router = APIRouter(prefix="/cases", tags=["cases 协同指挥 闭环管理"])

Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
ProvinceUser = Annotated[User, require_roles(Role.PROVINCE)]
MonthPath = Annotated[
    str, Path(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM (CST), 2000-2099")
]


def _notice(view: reporting.NoticeView) -> NoticePublic:
    n = view.notice
    return NoticePublic.model_validate(
        {**n.to_dict(), "complete": n.complete, "issued": view.issued,
         "issued_by": view.issued_by, "total": n.total, "rows": n.rows, "overdue": n.overdue}
    )  # fmt: skip


@router.get("/stats", response_model=StatsPublic)
def stats(user: Officer, session: SessionDep, scope: ScopeDep) -> StatsPublic:
    """统计分析: the cases of your region by state, category, source and region (the province's
    cities, a city's counties, a county itself), closure rate and overdue by region, and the
    last 12 months' new and closed cases."""
    st = cached_case_stats(session, scope)
    return StatsPublic.model_validate(
        {**st.__dict__, "trend": [TrendPublic(month=m, registered=r, closed=c)
                                  for m, r, c in st.trend]},
        from_attributes=True,
    )  # fmt: skip


@router.get("/notices/{month}", response_model=NoticePublic)
def get_notice(month: MonthPath, user: Officer, session: SessionDep, scope: ScopeDep):
    """月调度通报 of ``month`` for your region: the issued one (the scheduler issues the
    province's on the 1st), or computed now when none was issued."""
    return _notice(reporting.read_notice(session, scope, Month.parse(month)))


@router.post("/notices/{month}", response_model=NoticePublic)
def issue_notice(month: MonthPath, user: ProvinceUser, session: SessionDep) -> NoticePublic:
    """Compute and store the province's notice of ``month`` now (province accounts)."""
    notice = reporting.issue_notice(session, Month.parse(month), actor=user.username)
    return _notice(reporting.NoticeView(notice, True, user.username))


@router.get("/followup", response_model=FollowupPublic)
def followup(
    user: Officer,
    session: SessionDep,
    scope: ScopeDep,
    quarter: str | None = Query(
        None, pattern=r"^20\d{2}-?Q[1-4]$", description="YYYYQn, 2000-2099"
    ),
) -> FollowupPublic:
    """季现场盯办: the cases of your region to visit on site in ``quarter`` (default: the
    running one), by the rule in ``qingshan.cases.followup``."""
    q = Quarter.parse(quarter) if quarter else quarter_of(utcnow())
    f = reporting.quarter_followup(session, scope, q)
    return FollowupPublic.model_validate(f, from_attributes=True)
