"""任务调度 (/admin/jobs, province accounts): the periodic jobs with their schedules, next runs and
recent runs; the data come from /api/v1/admin/jobs. Other accounts get a 403 page, visitors
the login page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from qingshan.accounts.models import Role
from qingshan.web.auth import LoggedInViewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, render

router = APIRouter(include_in_schema=False)


@router.get("/admin/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, viewer: LoggedInViewer) -> HTMLResponse:
    """任务调度: every periodic job, its schedule, next run and recent runs."""
    if viewer.role is not Role.PROVINCE:
        response = render(request, "admin_jobs.html", {"forbidden": True}, viewer=viewer)
        response.status_code = 403
        return response
    config = {
        "lang": get_lang(request),
        "jobsUrl": f"{API}/admin/jobs?history=20",
        "refreshSeconds": 30,
        "labels": labels_for(("jobs.", "layout.cst", "punct."), get_lang(request)),
    }
    return render(request, "admin_jobs.html", {"forbidden": False, "config": config}, viewer=viewer)
