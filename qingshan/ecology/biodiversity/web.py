"""生物多样性调查 pages (issue #25; plan item 9.1): ``/ecology/surveys`` — the key survey areas on
the map coloured by status (planned, surveying, done), the progress against the plan's 29
areas, the list, the species records' import (CSV / .xlsx with Darwin Core headers, all rows or
none) and the Darwin Core CSV export; ``/ecology/surveys/{id}`` — one area: its outline, dates,
species recorded with their protected / invasive flags, the latest records, its dates form
(province and city) and its Darwin Core export. Officers only (province, city, county), each in
their region. The work is :mod:`qingshan.ecology.biodiversity.service`."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.api.export import table_download
from qingshan.ecology.biodiversity import lists
from qingshan.ecology.biodiversity import service as svc
from qingshan.ecology.biodiversity.progress import PLAN_AREAS, STATUSES, progress
from qingshan.ecology.biodiversity.records import BASIS_OF_RECORD, COLUMNS
from qingshan.ecology.errors import EcologyError, ImportRejected
from qingshan.errors import NotFound, PermissionDenied
from qingshan.tablefile import parse_date
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, region_label, render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
STATUS_COLOURS = {"planned": "#90a4ae", "surveying": "#f2b705", "done": "#2e7d4f"}


def _officer(viewer: Viewer) -> None:
    if viewer.role not in OFFICERS:
        raise PermissionDenied("生物多样性调查 is for province, city and county officers")


def _helpers(request: Request) -> dict[str, Any]:
    lang = get_lang(request)

    rname = partial(region_label, lang=lang)

    return {"rname": rname, "lang": lang, "statuses": STATUSES,
            "status_colours": STATUS_COLOURS, "lists": {i.key: i for i in lists.lists()},
            "basis_of_record": BASIS_OF_RECORD,
            "plan_areas": PLAN_AREAS}  # fmt: skip


def _page(request: Request, viewer: Viewer, session: Any, settings: Any, *,
          status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    areas = svc.list_areas(session, viewer.scope)
    p = progress(a["status"] for a in areas)
    h = _helpers(request)
    config = {
        "lang": h["lang"], "level": viewer.scope.role.value, "region": viewer.scope.region_code,
        "countiesUrl": f"{API}/geo/zhejiang-counties.geojson",
        "colours": STATUS_COLOURS,
        "labels": labels_for(("eco.st.", "eco.map."), h["lang"]),
        "areas": [{"id": a["id"], "code": a["code"], "name": a["name"] if h["lang"] == "zh"
                   else (a["name_en"] or a["name"]), "status": a["status"],
                   "geometry": a["geometry"], "species": a["species"], "records": a["records"]}
                  for a in areas],
    }  # fmt: skip
    context = {**h, "areas": areas, "p": p, "config": config,
               "can_manage": svc.can_manage_areas(viewer.scope),
               "max_mb": round(settings.max_file_bytes / 2**20, 1),
               "region_code": viewer.scope.region_code, **extra}  # fmt: skip
    resp = render(request, "ecology_surveys.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/ecology/surveys", response_class=HTMLResponse)
def surveys_page(request: Request, viewer: LoggedInViewer, session: SessionDep,
                 settings: SettingsDep) -> HTMLResponse:  # fmt: skip
    """The survey areas' map and progress, the list, the records' import and export."""
    _officer(viewer)
    return _page(request, viewer, session, settings)


def _area_page(request: Request, viewer: Viewer, session: Any, area_id: int, *,
               status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    d = svc.area_detail(session, viewer.scope, area_id)
    h = _helpers(request)
    config = {"lang": h["lang"], "region": d["region_code"], "level": viewer.scope.role.value,
              "countiesUrl": f"{API}/geo/zhejiang-counties.geojson", "colours": STATUS_COLOURS,
              "labels": labels_for(("eco.st.", "eco.map."), h["lang"]),
              "areas": [{"id": d["id"], "code": d["code"], "name": d["name"],
                         "status": d["status"], "geometry": d["geometry"],
                         "species": d["species"], "records": d["records"]}],
              "points": [[r["lon"], r["lat"]] for r in d["records_list"]]}  # fmt: skip
    context = {**h, "d": d, "config": config, "can_manage": svc.can_manage_areas(viewer.scope),
               **extra}  # fmt: skip
    resp = render(request, "ecology_survey.html", context, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/ecology/surveys/{area_id:int}", response_class=HTMLResponse)
def survey_page(request: Request, area_id: int, viewer: LoggedInViewer,
                session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One survey area: species with their flags, the latest records, the dates."""
    _officer(viewer)
    return _area_page(request, viewer, session, area_id)


def _day(value: str, name: str) -> date | None:
    if not value.strip():
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise EcologyError(f"{name}: {exc}", field=name) from None


@router.post(
    "/ecology/surveys/{area_id:int}/dates", response_class=HTMLResponse, response_model=None
)
def survey_dates(request: Request, area_id: int, viewer: LoggedInViewer, session: SessionDep,
                 started_on: Annotated[str, Form(max_length=20)] = "",
                 finished_on: Annotated[str, Form(max_length=20)] = "") -> Response:  # fmt: skip
    """Set the area's start and finish (its status follows); the page with the error if not."""
    _officer(viewer)
    try:
        svc.set_area_dates(session, viewer.scope, area_id,
                           started_on=_day(started_on, "started_on"),
                           finished_on=_day(finished_on, "finished_on"))  # fmt: skip
    except EcologyError as exc:
        session.rollback()
        return _area_page(request, viewer, session, area_id, status_code=422,
                          dates_error=str(exc))  # fmt: skip
    return RedirectResponse(f"/ecology/surveys/{area_id}?saved=dates", status_code=303)


#: the entry form's fields (the record's keys, Darwin Core terms in snake case)
FORM_FIELDS = ("occurrence_id", "scientific_name", "vernacular_name", "event_date", "lat", "lon",
               "individual_count", "recorded_by", "basis_of_record", "survey_area")  # fmt: skip


@router.post("/ecology/surveys/record", response_class=HTMLResponse, response_model=None)
async def record_form(request: Request, viewer: LoggedInViewer, session: SessionDep,
                      settings: SettingsDep) -> Response:  # fmt: skip
    """One sighting from the entry form (a blank occurrenceID gets a ``urn:uuid:``); back to its
    area's page, or the page with the error and the values kept."""
    _officer(viewer)
    form = await request.form()
    values = {k: str(form.get(k, ""))[:300] for k in FORM_FIELDS}
    if not values["occurrence_id"].strip():
        values["occurrence_id"] = f"urn:uuid:{uuid.uuid4()}"
    try:
        svc.record_one(session, viewer.scope, values)
    except EcologyError as exc:
        session.rollback()
        return _page(request, viewer, session, settings, status_code=422, form_values=values,
                     form_error=str(exc))  # fmt: skip
    area = next((a for a in svc.list_areas(session, viewer.scope)
                 if a["code"] == values["survey_area"]), None)  # fmt: skip
    if area is not None:
        return RedirectResponse(f"/ecology/surveys/{area['id']}?saved=record#records", 303)
    return RedirectResponse("/ecology/surveys?saved=record#record", 303)


@router.get("/ecology/surveys/template.{fmt}")
def records_template(fmt: str, viewer: LoggedInViewer) -> Response:
    """The blank records import file (.xlsx or .csv), Darwin Core headers."""
    _officer(viewer)
    if fmt not in ("xlsx", "csv"):
        raise NotFound(f"no template .{fmt}: xlsx or csv")
    return table_download("物种记录-模板", list(COLUMNS), [], fmt)


@router.get("/ecology/surveys/dwc.csv")
def dwc_all(viewer: LoggedInViewer, session: SessionDep) -> Response:
    """Every record of the viewer's region as Darwin Core CSV."""
    _officer(viewer)
    heads, rows = svc.export_dwc(session, viewer.scope)
    return table_download("occurrence-dwc", list(heads), rows, "csv")


@router.get("/ecology/surveys/{area_id:int}/dwc.csv")
def dwc_area(area_id: int, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """One survey area's records as Darwin Core CSV."""
    _officer(viewer)
    heads, rows = svc.export_dwc(session, viewer.scope, area_id=area_id)
    return table_download(f"occurrence-dwc-{area_id}", list(heads), rows, "csv")


@router.post("/ecology/surveys/import", response_class=HTMLResponse)
def records_upload(request: Request, viewer: LoggedInViewer, session: SessionDep,
                   settings: SettingsDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:  # fmt: skip
    """Import species records: all rows or none (422 listing every bad row)."""
    _officer(viewer)
    name = file.filename or "file"
    data = file.file.read(settings.max_file_bytes + 1)
    try:
        r = svc.import_records(session, viewer.scope, data, max_bytes=settings.max_file_bytes)
    except ImportRejected as exc:
        return _page(request, viewer, session, settings, status_code=422, import_file=name,
                     problems=exc.problems)  # fmt: skip
    return _page(request, viewer, session, settings, import_file=name, imported=r)
