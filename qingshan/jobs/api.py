"""``/api/v1/admin/jobs``: the periodic jobs, their schedules, next runs and recent runs (for
province accounts only). The job list is the registry's (:mod:`qingshan.platform.jobs`), handed
to the app as the implementation of :class:`~qingshan.jobs.job.Jobs`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from qingshan.accounts.models import Role, User
from qingshan.api.deps import CurrentUser, SessionDep, SettingsDep, provided
from qingshan.errors import PermissionDenied
from qingshan.jobs.job import Jobs
from qingshan.jobs.lock import lock_path
from qingshan.jobs.schemas import JobsOverviewPublic
from qingshan.jobs.service import HISTORY, JobsOverview, jobs_overview
from qingshan.timeutil import utcnow

router = APIRouter(prefix="/admin", tags=["admin 系统管理"])


def require_province(user: CurrentUser) -> User:
    """Admin pages and their data are for province accounts."""
    if user.role is not Role.PROVINCE:
        raise PermissionDenied(
            f"the job schedule (任务调度) is for province accounts only; "
            f"{user.username!r} is a {user.role.value} account",
            role=user.role.value,
        )
    return user


ProvinceUser = Annotated[User, Depends(require_province)]
JobsDep = Annotated[Jobs, provided(Jobs)]


@router.get("/jobs", response_model=JobsOverviewPublic, summary="任务调度 Jobs and their runs")
def list_jobs(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _user: ProvinceUser,
    jobs: JobsDep,
    history: int = Query(HISTORY, ge=1, le=50, description="runs per job, newest first"),
) -> JobsOverview:
    """Every periodic job: its schedule (an interval, or a cron expression in CST), its next
    run (null when no scheduler runs on this data directory) and its latest runs."""
    scheduler = getattr(request.app.state, "scheduler", None)
    live = scheduler.next_run_times() if scheduler is not None and scheduler.running else None
    return jobs_overview(
        session, jobs, now=utcnow(), lock=lock_path(settings.data_dir), live=live, history=history
    )
