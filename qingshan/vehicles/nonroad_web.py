"""非道路移动机械 page (issue #21): ``/vehicles/nonroad`` — the machines registered in the
viewer's region by engine stage and type, a filtered list, the machines of a prohibited stage
working inside a low-emission zone in force today (with a button that opens their cases,
idempotently), the register form and the CSV/Excel import (all or nothing, every bad row
named). Officers only (province, city, county). Each form posts to a route that calls one
service function and comes back."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.api.deps import SessionDep, SettingsDep, provided
from qingshan.errors import PermissionDenied, QingshanError
from qingshan.geo.regions import REGIONS, RegionLevel, in_scope
from qingshan.qc.supervision import CaseSink
from qingshan.timeutil import CST, utcnow
from qingshan.vehicles import nonroad_service as svc
from qingshan.vehicles.errors import ImportRejected
from qingshan.vehicles.nonroad import ENGINE_STAGES, MACHINE_KINDS
from qingshan.vehicles.nonroad_kpis import region_prefix
from qingshan.vehicles.pages import page_helpers
from qingshan.vehicles.service import read_rows
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)
Sink = Annotated[CaseSink, provided(CaseSink)]
PAGE = 100


def _today() -> date:
    return utcnow().astimezone(CST).date()


def _officer(viewer: Viewer) -> None:
    if viewer.role not in svc.REGISTRARS:
        raise PermissionDenied("非道路移动机械 is for province, city and county officers")


def _page(request: Request, viewer: Viewer, session: Any, *, stage: str = "", kind: str = "",
          region: str = "", page: int = 1, form: dict[str, Any] | None = None,
          error: list[str] | None = None, done: str = "", status_code: int = 200) -> HTMLResponse:  # fmt: skip
    _officer(viewer)
    stage = stage if stage in ENGINE_STAGES else ""
    kind = kind if kind in MACHINE_KINDS else ""
    region = region if region.isdigit() and in_scope(region, viewer.region_code) else ""
    page = max(1, page)
    rows, total = svc.list_machines(session, viewer.scope, region_prefix=region_prefix(region) if region else "",
                                    stage=stage, kind=kind, limit=PAGE, offset=(page - 1) * PAGE)  # fmt: skip
    today = _today()

    counties = sorted(r.code for r in REGIONS.values()
                      if r.level is RegionLevel.COUNTY and in_scope(r.code, viewer.region_code))  # fmt: skip
    context = {
        **page_helpers(request),
        "kname": lambda k: MACHINE_KINDS[k][0] if k in MACHINE_KINDS else k,
        "stages": ENGINE_STAGES,
        "kinds": MACHINE_KINDS,
        "by_stage": svc.count_by(session, viewer.scope, "engine_stage"),
        "by_kind": svc.count_by(session, viewer.scope, "kind"),
        "rows": rows,
        "total": total,
        "pages": max(1, -(-total // PAGE)),
        "page": page,
        "stage": stage,
        "kind": kind,
        "region": region,
        "regions": sorted({c[:4] + "00" for c in counties})
        if len({c[:4] for c in counties}) > 1
        else counties,
        "counties": counties,
        "hits": svc.check_lez(session, viewer.scope, today),
        "today": today.isoformat(),
        "form": form or {"region_code": viewer.region_code if len(counties) == 1 else ""},
        "error": error,
        "done": done if done in ("registered", "imported", "cases") else "",
        "synthetic": any(m.synthetic for m in rows),
    }
    response = render(request, "vehicles_nonroad.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/vehicles/nonroad", response_class=HTMLResponse)
def nonroad_page(request: Request, viewer: LoggedInViewer, session: SessionDep, stage: str = "",
                 kind: str = "", region: str = "", page: int = 1, done: str = "") -> HTMLResponse:  # fmt: skip
    """非道路移动机械: the registry of the viewer's region and the low-emission-zone check."""
    return _page(
        request, viewer, session, stage=stage, kind=kind, region=region[:6], page=page, done=done
    )


@router.post("/vehicles/nonroad", response_class=HTMLResponse)
async def nonroad_register(
    request: Request, viewer: LoggedInViewer, session: SessionDep
) -> Response:
    """登记: one machine from the form."""
    _officer(viewer)
    raw = await request.form()
    form = {k: str(v)[:300] for k, v in raw.items() if isinstance(v, str)}
    try:
        svc.register_machine(session, viewer.scope, form, today=_today())
    except QingshanError as exc:
        session.rollback()
        problems = exc.problems if isinstance(exc, ImportRejected) else [str(exc)]
        return _page(
            request, viewer, session, form=form, error=problems, status_code=exc.status_code
        )
    return RedirectResponse("/vehicles/nonroad?done=registered", 303)


@router.post("/vehicles/nonroad/import", response_class=HTMLResponse)
async def nonroad_import(request: Request, viewer: LoggedInViewer, session: SessionDep,
                         settings: SettingsDep) -> Response:  # fmt: skip
    """导入: a CSV (UTF-8 or GBK) or .xlsx file, all rows or none."""
    _officer(viewer)
    raw = await request.form()
    upload = raw.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ImportRejected("machines", ["file: choose a CSV or .xlsx file"])
        try:
            data = await upload.read(settings.max_file_bytes + 1)
        finally:
            await raw.close()
        if len(data) > settings.max_file_bytes:
            raise ImportRejected("machines", [f"file: larger than {settings.max_file_bytes} bytes"])
        svc.import_machines(
            session,
            viewer.scope,
            read_rows(data, max_bytes=settings.max_file_bytes),
            today=_today(),
        )
    except QingshanError as exc:
        session.rollback()
        problems = exc.problems if isinstance(exc, ImportRejected) else [str(exc)]
        return _page(request, viewer, session, error=problems, status_code=exc.status_code)
    return RedirectResponse("/vehicles/nonroad?done=imported", 303)


@router.post("/vehicles/nonroad/lez-cases", response_class=HTMLResponse)
def nonroad_lez_cases(
    request: Request, viewer: LoggedInViewer, session: SessionDep, sink: Sink
) -> Response:
    """立案: one case per machine of a prohibited stage inside a low-emission zone (a machine
    already reported extends its case)."""
    _officer(viewer)
    svc.open_lez_cases(session, viewer.scope, sink, on=_today(), found_at=utcnow())
    return RedirectResponse("/vehicles/nonroad?done=cases#qs-nr-lez", 303)
