"""土壤污染重点监管单位 pages (issue #24, area units):

- ``/soil/units`` — the units of the viewer's region (an enterprise account: its own) with the
  overdue-check, exceeding-sample and missing-report flags, filters by flag, county and name;
- ``/soil/units/{unit_id}`` — one unit's file: the checks timeline (due, done, state, items),
  self-monitoring results with their GB 36600-2018 level or GB/T 14848-2017 class, the discharge
  reports, its cases; and the forms (check, sample, CSV/.xlsx import, report) for the unit's
  enterprise and county/city officers.

The work is :mod:`qingshan.soil.units.service`; a refused form shows the page again with the
error (every bad row of an import named) and nothing stored.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.errors import PermissionDenied
from qingshan.soil.units import rules
from qingshan.soil.units import service as svc
from qingshan.soil.units.errors import SoilUnitError
from qingshan.soil.units.samples import COLUMNS
from qingshan.timeutil import cst_today
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import region_label, render

router = APIRouter(include_in_schema=False)

READERS = (Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)
WRITERS = (Role.CITY, Role.COUNTY, Role.ENTERPRISE)
ITEM_ROWS = 3


def _reader(viewer: Viewer) -> None:
    if viewer.role not in READERS:
        raise PermissionDenied("重点监管单位 is for officers and enterprise accounts")


def _helpers(request: Request, viewer: Viewer) -> dict[str, Any]:
    lang = get_lang(request)

    rname = partial(region_label, lang=lang)

    return {"rname": rname, "lang": lang, "writer": viewer.role in WRITERS,
            "is_enterprise": viewer.role is Role.ENTERPRISE, "rules": rules.RULES,
            "item_rows": ITEM_ROWS}  # fmt: skip


def _list_page(request: Request, viewer: Viewer, session: Any) -> HTMLResponse:
    q = request.query_params
    flag = q.get("flag") or None
    region = q.get("region") or None
    name = q.get("q") or None
    today = cst_today()
    error = None
    try:
        rows = svc.unit_list(session, viewer.scope, today=today, flag=flag, region=region, q=name)
    except SoilUnitError as exc:
        rows, error = [], str(exc)
    every = svc.unit_list(session, viewer.scope, today=today)
    counts = {"units": len(every), "overdue": sum(1 for r in every if r.overdue),
              "exceeding": sum(1 for r in every if r.exceeding),
              "report_missing": sum(1 for r in every if r.reports_missing)}  # fmt: skip
    context = {**_helpers(request, viewer), "rows": rows, "counts": counts, "error": error,
               "filters": {"flag": flag or "", "region": region or "", "q": name or ""},
               "counties": sorted({r.unit.region_code for r in every}),
               "overdue_checks": svc.overdue_checks(session, viewer.scope, today)}  # fmt: skip
    return render(request, "soil_units.html", context, viewer=viewer)


@router.get("/soil/units", response_class=HTMLResponse)
def units_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """The key units of the viewer's region with their flags."""
    _reader(viewer)
    return _list_page(request, viewer, session)


def _file_page(request: Request, viewer: Viewer, session: Any, unit_id: int, *,
               status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    today = cst_today()
    d = svc.unit_file(session, viewer.scope, unit_id, today=today)
    years = list(range(d["unit"].listed_year, today.year + 1))
    context = {**_helpers(request, viewer), "d": d, "today": today, "years": years,
               "saved": request.query_params.get("saved"), "columns": COLUMNS, **extra}  # fmt: skip
    resp = render(request, "soil_unit.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/soil/units/{unit_id}", response_class=HTMLResponse)
def unit_page(request: Request, unit_id: int, viewer: LoggedInViewer,
              session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One unit's file."""
    _reader(viewer)
    return _file_page(request, viewer, session, unit_id)


def _int(value: Any, name: str) -> int:
    text = str(value or "").strip()
    try:
        return int(text)
    except ValueError:
        raise SoilUnitError(f"{name}: {text!r} is not a whole number", field=name) from None


@router.post("/soil/units/{unit_id}/checks", response_class=HTMLResponse, response_model=None)
async def check_form(request: Request, unit_id: int, viewer: LoggedInViewer,
                     session: SessionDep) -> Response:  # fmt: skip
    """Record the year's hidden-danger check from the form."""
    _reader(viewer)
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in ("year", "done_on", "findings")}
    try:
        items = []
        for i in range(ITEM_ROWS):
            text = str(form.get(f"item_{i}") or "").strip()
            deadline = str(form.get(f"deadline_{i}") or "").strip()
            if text or deadline:
                items.append({"item": text, "deadline": deadline, "status": "open"})
        svc.record_check(session, viewer.scope, unit_id, year=_int(values["year"], "year"),
                         done_on=values["done_on"] or None, findings=values["findings"],
                         items=items, actor=viewer.username)  # fmt: skip
    except SoilUnitError as exc:
        session.rollback()
        return _file_page(request, viewer, session, unit_id, status_code=422,
                          check_error=str(exc), check_values=values)  # fmt: skip
    return RedirectResponse(f"/soil/units/{unit_id}?saved=check#checks", status_code=303)


@router.post("/soil/units/{unit_id}/samples", response_class=HTMLResponse, response_model=None)
async def sample_form(request: Request, unit_id: int, viewer: LoggedInViewer, session: SessionDep,
                      settings: SettingsDep) -> Response:  # fmt: skip
    """Store one sample from the form, or every sample of an uploaded CSV/.xlsx file."""
    _reader(viewer)
    form = await request.form()
    try:
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(settings.max_file_bytes + 1)
            if len(data) > settings.max_file_bytes:
                raise SoilUnitError(f"file: more than {settings.max_file_bytes} bytes",
                                    field="file")  # fmt: skip
            svc.import_samples(session, viewer.scope, unit_id, data,
                               max_bytes=settings.max_file_bytes, actor=viewer.username)  # fmt: skip
        else:
            row: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in
                                   ("point", "medium", "sampled_on", "depth_m", "unit", "ph")}  # fmt: skip
            for i in range(ITEM_ROWS):
                key = str(form.get(f"sitem_{i}") or "").strip()
                if key:
                    row[key] = str(form.get(f"svalue_{i}") or "").strip()
            svc.add_samples(session, viewer.scope, unit_id, [row], actor=viewer.username)
    except SoilUnitError as exc:
        session.rollback()
        return _file_page(request, viewer, session, unit_id, status_code=422,
                          sample_error=str(exc), problems=exc.problems)  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/soil/units/{unit_id}?saved=samples#samples", status_code=303)


@router.post("/soil/units/{unit_id}/reports", response_class=HTMLResponse, response_model=None)
async def report_form(request: Request, unit_id: int, viewer: LoggedInViewer,
                      session: SessionDep) -> Response:  # fmt: skip
    """File a year's discharge report from the form (one substance per line: name, kg)."""
    _reader(viewer)
    form = await request.form()
    try:
        subs = []
        for n, line in enumerate(str(form.get("substances") or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, _, amount = line.replace("，", ",").rpartition(",")
            if not name.strip():
                raise SoilUnitError(f"substances line {n}: write 'substance, kg'",
                                    field="substances")  # fmt: skip
            subs.append({"substance": name.strip(), "amount_kg": amount.strip(),
                         "medium": str(form.get("medium") or "water")})  # fmt: skip
        svc.submit_report(session, viewer.scope, unit_id, year=_int(form.get("year"), "year"),
                          substances=subs, note=str(form.get("note") or ""),
                          actor=viewer.username)  # fmt: skip
    except SoilUnitError as exc:
        session.rollback()
        return _file_page(request, viewer, session, unit_id, status_code=422,
                          report_error=str(exc))  # fmt: skip
    return RedirectResponse(f"/soil/units/{unit_id}?saved=report#reports", status_code=303)
