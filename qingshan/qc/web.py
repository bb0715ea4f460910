"""The outlet page 排口数据质控: the series with flags and marks drawn on it (login required).

Mount with ``app.include_router(qingshan.qc.web.router)`` (e.g. from
:func:`qingshan.web.routes.mount_web`). Like the other pages it computes nothing: it renders
``qc_outlet.html`` (extending the dashboard's ``base.html``) and the browser draws the data of
``GET /api/v1/qc/sites/{code}/flags`` and ``/events`` with ECharts.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, FileSystemLoader

from qingshan.timeutil import as_cst, utcnow
from qingshan.web.auth import LoggedInViewer

router = APIRouter(include_in_schema=False)
QC_TEMPLATES = Path(__file__).with_name("templates")


def _templates_with_qc() -> None:
    """Let the dashboard's template environment also find the QC templates (idempotent)."""
    from qingshan.web.routes import get_templates

    env = get_templates().env
    if not getattr(env, "_qc_loader", False):
        env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(QC_TEMPLATES))])
        env._qc_loader = True


@router.get("/qc/outlets/{code}", response_class=HTMLResponse)
def outlet_page(
    request: Request, code: str, viewer: LoggedInViewer, days: int = Query(3, ge=1, le=31)
) -> HTMLResponse:
    """排口数据质控: the outlet's hourly series of the last ``days`` days with QC flags
    (colour per flag), enterprise marks (shaded intervals), limits and events."""
    from qingshan.web.routes import render

    _templates_with_qc()
    end = as_cst(utcnow()).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    fmt = "%Y-%m-%dT%H:%M"
    return render(
        request,
        "qc_outlet.html",
        {"code": code, "start": start.strftime(fmt), "end": end.strftime(fmt)},
        viewer=viewer,
    )
