"""Pages that bring cases in by hand (login required): 督察交办件导入 ``/cases/handover`` —
upload the central inspection hand-over list (.xlsx or .csv; province and city accounts), see
what was imported and dispatched, or every problem by row and column — and 现场检查登记
``/cases/inspections/new`` — an officer registers an on-site finding, after looking at the
cases it may duplicate. Each route parses the form, calls one function of :mod:`.handover` or
:mod:`.inspections` and renders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role, User
from qingshan.api.deps import OptionalUser, SessionDep, SettingsDep
from qingshan.cases.complaints import Photo
from qingshan.cases.errors import BadCaseInput, CaseError
from qingshan.cases.evidence import evidence_limits
from qingshan.cases.handover import IMPORTERS, HandoverRejected, RowProblem, import_handover
from qingshan.cases.handover_layout import COLUMN_DOCS, REQUIRED, template_xlsx
from qingshan.cases.inspections import (
    INSPECTORS,
    InspectionInput,
    inspection_duplicates,
    register_inspection,
)
from qingshan.cases.rules import case_rules
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import REGIONS, RegionLevel, in_scope
from qingshan.timeutil import CST, as_cst, as_utc
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, labels_for
from qingshan.web.render import API, city_names_en, render

router = APIRouter(include_in_schema=False)


def _officer(viewer: Viewer, user: User | None, roles: frozenset[Role], what: str) -> User:
    if user is None or viewer.role not in roles:
        names = ", ".join(sorted(r.value for r in roles))
        raise PermissionDenied(f"{what} is for {names} accounts")
    return user


def _handover_page(
    request: Request,
    viewer: Viewer,
    settings,
    *,
    result=None,
    problems: list[RowProblem] | None = None,
    filename: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    lang = get_lang(request)
    context = {
        "columns": [
            {"header": h, "required": h in REQUIRED, "what": zh if lang == "zh" else en}
            for h, (zh, en) in COLUMN_DOCS.items()
        ],
        "result": result,
        "problems": problems,
        "filename": filename,
        "max_mb": round(settings.max_file_bytes / 2**20, 1),
        "max_rows": settings.max_items_per_request,
    }
    response = render(request, "case_handover.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/cases/handover", response_class=HTMLResponse)
def handover_page(
    request: Request, viewer: LoggedInViewer, user: OptionalUser, settings: SettingsDep
) -> HTMLResponse:
    """督察交办件导入: the layout, the template and the upload form."""
    _officer(viewer, user, IMPORTERS, "importing the hand-over list")
    return _handover_page(request, viewer, settings)


@router.get("/cases/handover/template.xlsx")
def handover_template(viewer: LoggedInViewer, user: OptionalUser) -> Response:
    """A blank list with the layout's headers and one example row."""
    _officer(viewer, user, IMPORTERS, "importing the hand-over list")
    return Response(
        template_xlsx(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename*=UTF-8''%E7%9D%A3%E5%AF%9F%E4%BA%A4%E5%8A%9E%E4%BB%B6.xlsx"},
    )  # fmt: skip


@router.post("/cases/handover", response_class=HTMLResponse)
def handover_upload(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
) -> HTMLResponse:
    """Import the uploaded list as the viewer (who dispatches its new items): all or none."""
    u = _officer(viewer, user, IMPORTERS, "importing the hand-over list")
    name = file.filename or "list"
    data = file.file.read(settings.max_file_bytes + 1)
    try:
        if len(data) > settings.max_file_bytes:
            raise HandoverRejected([RowProblem(0, "", "", f"larger than the limit of "
                                   f"{settings.max_file_bytes} bytes (setting QINGSHAN_MAX_FILE_BYTES)")])  # fmt: skip
        result = import_handover(
            session, data, name, actor=u.username, max_bytes=settings.max_file_bytes,
            max_rows=settings.max_items_per_request, scope=viewer.scope, dispatcher=u,
        )  # fmt: skip
    except HandoverRejected as exc:
        session.rollback()
        return _handover_page(request, viewer, settings, problems=exc.problems, filename=name,
                              status_code=422)  # fmt: skip
    return _handover_page(request, viewer, settings, result=result, filename=name)


# -- on-site inspections --------------------------------------------------------------------


def _regions(viewer: Viewer, lang: str) -> list[dict]:
    """The counties (and cities) of the viewer's scope, grouped by city."""
    out = []
    for city in (r for r in REGIONS.values() if r.level is RegionLevel.CITY):
        if not (in_scope(city.code, viewer.region_code) or in_scope(viewer.region_code, city.code)):
            continue
        counties = [r for r in REGIONS.values()
                    if r.parent_code == city.code and in_scope(r.code, viewer.region_code)]  # fmt: skip
        out.append({
            "code": city.code, "name": city.name if lang == "zh" else city.name_en,
            "selectable": in_scope(city.code, viewer.region_code),
            "counties": [{"code": r.code, "name": r.name if lang == "zh" else r.name_en} for r in counties],
        })  # fmt: skip
    return out


def _inspection_page(
    request: Request,
    viewer: Viewer,
    settings,
    *,
    values: dict | None = None,
    error: str | None = None,
    error_field: str | None = None,
    duplicates=None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = get_lang(request)
    rules = case_rules()
    limits = evidence_limits(settings)
    context = {
        "v": values or {},
        "error": error,
        "error_field": error_field,
        "duplicates": duplicates,
        "categories": rules.categories,
        "severities": rules.severities,
        "regions": _regions(viewer, lang),
        "upload_mb": round(limits.max_bytes / 2**20, 1),
        "cst": lambda t: "—" if t is None else as_cst(t).strftime("%Y-%m-%d %H:%M"),
        "config": {
            "lang": lang,
            "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
            "labels": labels_for(("complaint.map", "complaint.locate_me"), lang),
            "cityNames": {
                r.code: (r.name if lang == "zh" else r.name_en)
                for r in REGIONS.values()
                if r.level is RegionLevel.CITY
            },
            "nameMap": city_names_en() if lang == "en" else {},
        },  # fmt: skip
    }
    response = render(request, "case_inspection.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/cases/inspections/new", response_class=HTMLResponse)
def inspection_form(
    request: Request, viewer: LoggedInViewer, user: OptionalUser, settings: SettingsDep
) -> HTMLResponse:
    """现场检查登记: the form."""
    _officer(viewer, user, INSPECTORS, "registering inspections")
    return _inspection_page(request, viewer, settings)


def _float(field: str, value: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise BadCaseInput(field, f"{value!r} is not a number (decimal degrees)") from None


def _when(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        return as_utc(datetime.fromisoformat(value.strip()), naive_is=CST)
    except ValueError:
        raise BadCaseInput("inspected_at", f"{value!r} is not a date and time") from None


@router.post("/cases/inspections/new", response_class=HTMLResponse)
def inspection_submit(
    request: Request,
    viewer: LoggedInViewer,
    user: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    category: Annotated[str, Form(max_length=32)] = "",
    severity: Annotated[str, Form(max_length=16)] = "general",
    title: Annotated[str, Form(max_length=400)] = "",
    description: Annotated[str, Form(max_length=8000)] = "",
    region_code: Annotated[str, Form(max_length=6)] = "",
    enterprise: Annotated[str, Form(max_length=400)] = "",
    place: Annotated[str, Form(max_length=400)] = "",
    longitude: Annotated[str, Form(max_length=32)] = "",
    latitude: Annotated[str, Form(max_length=32)] = "",
    inspected_at: Annotated[str, Form(max_length=32)] = "",
    decision: Annotated[str, Form(max_length=24)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Show the cases the finding may duplicate first; then register it (``decision`` new) or
    attach it to one of them (``decision`` ``join:<id>``), and go to the case."""
    u = _officer(viewer, user, INSPECTORS, "registering inspections")
    values = {
        "category": category, "severity": severity, "title": title, "description": description,
        "region_code": region_code, "enterprise": enterprise, "place": place,
        "longitude": longitude, "latitude": latitude, "inspected_at": inspected_at,
    }  # fmt: skip
    limits = evidence_limits(settings)
    try:
        uploads = [f for f in files or [] if f.filename]
        inp = InspectionInput(
            category=category, severity=severity, title=title, region_code=region_code or None,
            description=description, enterprise=enterprise, place=place,
            longitude=_float("longitude", longitude), latitude=_float("latitude", latitude),
            inspected_at=_when(inspected_at),
            files=[Photo(f.filename or "file", f.file.read(limits.max_bytes + 1)) for f in uploads],
        )  # fmt: skip
        if not decision:
            dups = inspection_duplicates(session, u, inp)
            if dups:
                return _inspection_page(request, viewer, settings, values=values, duplicates=dups)
        join = (
            int(decision[5:]) if decision.startswith("join:") and decision[5:].isdigit() else None
        )
        reg = register_inspection(session, u, inp, limits=limits, join_case_id=join)
    except CaseError as exc:
        session.rollback()
        field = exc.context.get("field") if isinstance(exc, BadCaseInput) else None
        return _inspection_page(request, viewer, settings, values=values, error=exc.message,
                                error_field=str(field or ""), status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(
        f"/cases/{reg.case.id}?done={'attach' if join else 'register'}", status_code=303
    )
