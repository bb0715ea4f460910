"""The public's pages (no login): 公众举报 ``/complaints/new`` — category, the place picked on
the map of Zhejiang, description, photos, contact — and its receipt with the tracking number
and the secret (shown once); 举报办理进度查询 ``/complaints/track`` — the history of one's own
complaint by tracking number and secret, public fields only.

Each route parses the form, calls one function of :mod:`.complaints` or
:mod:`.complaint_status` and renders; a bad field re-renders the form with the error naming
it (and the values kept). Submissions and failed lookups are rate-limited per address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from qingshan.api.deps import ClientAddress, SettingsDep
from qingshan.cases.complaint_guard import TooManyComplaints
from qingshan.cases.complaint_status import ComplaintNotFound, ComplaintStatus, track_complaint
from qingshan.cases.complaints import ComplaintInput, Photo, submit_complaint
from qingshan.cases.errors import BadCaseInput, CaseError
from qingshan.cases.evidence import evidence_limits
from qingshan.cases.public_deps import GuardDep, PublicSession
from qingshan.cases.public_services import PUBLIC_SERVICES
from qingshan.geo.regions import CITY_CODES, REGIONS, RegionLevel, children
from qingshan.timeutil import CST, as_cst, as_utc
from qingshan.web.auth import OptionalViewer
from qingshan.web.i18n import LABELS, get_lang, labels_for, translate
from qingshan.web.render import API, city_names_en, render

router = APIRouter(include_in_schema=False)


def _name(region, lang: str) -> str:
    return region.name if lang == "zh" else region.name_en


def _services(lang: str) -> list[dict]:
    out = []
    for s in PUBLIC_SERVICES.values():
        extra = [a for a in s.attributes if a.code not in ("ENTERPRISE", "OBSERVED")]
        out.append(
            {
                "code": s.code,
                "name": s.name if lang == "zh" else s.name_en,
                "description": s.description_zh if lang == "zh" else s.description_en,
                "attributes": [
                    {
                        "code": a.code,
                        "datatype": a.datatype,
                        "required": a.required,
                        "values": [(k, zh if lang == "zh" else en) for k, zh, en in a.values],
                    }
                    for a in extra
                ],
            }
        )
    return out


def _counties(lang: str) -> list[dict]:
    return [
        {
            "code": c,
            "name": REGIONS[c].name if lang == "zh" else REGIONS[c].name_en,
            "counties": [
                {"code": r.code, "name": r.name if lang == "zh" else r.name_en} for r in children(c)
            ],
        }
        for c in CITY_CODES
    ]


def _form(
    request: Request,
    viewer,
    settings,
    *,
    values: dict | None = None,
    error: str | None = None,
    error_field: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = get_lang(request)
    limits = evidence_limits(settings)
    values = values or {}
    label = _field_label(error_field, lang)
    prefix = f"{error_field}: "
    if label and error and error.startswith(prefix):
        error = error[len(prefix) :]  # the label names the field
    context = {
        "error_label": label,
        "services": _services(lang),
        "cities": _counties(lang),
        "v": values,
        "error": error,
        "error_field": error_field,
        "max_photos": settings.complaint_max_photos,
        "upload_mb": round(limits.max_bytes / 2**20, 1),
        "config": {
            "lang": lang,
            "geojsonUrl": f"{API}/geo/zhejiang-cities.geojson",
            "labels": labels_for(("complaint.map", "complaint.locate_me"), lang),
            "cityNames": {c: _name(REGIONS[c], lang) for c in CITY_CODES},
            "nameMap": city_names_en() if lang == "en" else {},
        },  # fmt: skip
    }
    response = render(request, "complaint_form.html", context, viewer=viewer)
    response.status_code = status_code
    return response


def _field_label(field: str | None, lang: str) -> str | None:
    """The form's label of a field an error names (None when the form has none)."""
    if not field:
        return None
    if field.startswith("attribute[") and field.endswith("]"):
        key = f"complaint.attr.{field[10:-1]}"
    else:
        key = "complaint.category" if field == "service_code" else f"complaint.{field}"
    return translate(key, lang) if key in LABELS else None


@router.get("/complaints/new", response_class=HTMLResponse)
def complaint_form(request: Request, viewer: OptionalViewer, settings: SettingsDep):
    """公众举报: the form (no login)."""
    return _form(request, viewer, settings)


def _float(field: str, value: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise BadCaseInput(field, f"{value!r} is not a number (decimal degrees)") from None


def _observed(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        return as_utc(datetime.fromisoformat(value.strip()), naive_is=CST)
    except ValueError:
        raise BadCaseInput("observed_at", f"{value!r} is not a date and time") from None


#: the form's text fields and their longest accepted value (longer: refused by the service)
_TEXT_FIELDS = {
    "category": 32, "description": 20_000, "longitude": 32, "latitude": 32, "region_code": 6,
    "place": 1000, "enterprise": 1000, "observed_at": 32, "contact_name": 1000,
    "contact_phone": 1000, "contact_email": 1000,
}  # fmt: skip


def _values(form) -> dict:
    values: dict = {}
    for name, limit in _TEXT_FIELDS.items():
        value = form.get(name)
        values[name] = value[:limit] if isinstance(value, str) else ""
    service = PUBLIC_SERVICES.get(values["category"])
    attributes: dict = {}
    for a in service.attributes if service is not None else ():
        got = [v[:200] for v in form.getlist(f"attr.{a.code}") if isinstance(v, str) and v.strip()]
        if got:
            attributes[a.code] = got if a.datatype == "multivaluelist" else got[0]
    values["attributes"] = attributes
    return values


@router.post("/complaints/new", response_class=HTMLResponse)
async def complaint_submit(
    request: Request,
    viewer: OptionalViewer,
    settings: SettingsDep,
    session: PublicSession,
    guard: GuardDep,
    address: ClientAddress,
) -> HTMLResponse:
    """Register the complaint and show its receipt (the secret, once), or the form again with
    the error. Fields: those of the form (``attr.<CODE>`` for a category's questions) and
    ``photos`` (files)."""
    limits = evidence_limits(settings)
    form = await request.form(max_files=settings.complaint_max_photos + 1, max_fields=200)
    values = _values(form)
    uploads = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    photos = []
    for f in uploads[: settings.complaint_max_photos + 1]:
        photos.append(Photo(f.filename or "photo", await f.read(limits.max_bytes + 1)))
    await form.close()
    return await run_in_threadpool(
        _submit, request, viewer, settings, session, guard, address, values, photos
    )


def _submit(request, viewer, settings, session, guard, address, values, photos) -> HTMLResponse:
    limits = evidence_limits(settings)
    try:
        inp = ComplaintInput(
            category=values["category"], description=values["description"],
            longitude=_float("longitude", values["longitude"]),
            latitude=_float("latitude", values["latitude"]),
            region_code=values["region_code"] or None, place=values["place"],
            enterprise=values["enterprise"], contact_name=values["contact_name"],
            contact_phone=values["contact_phone"], contact_email=values["contact_email"],
            observed_at=_observed(values["observed_at"]), attributes=values["attributes"],
            photos=photos,
        )  # fmt: skip
        guard.check_submission(address)
        receipt = submit_complaint(
            session, inp, limits=limits, max_photos=settings.complaint_max_photos
        )
        guard.submitted(address)
    except CaseError as exc:
        session.rollback()
        field = exc.context.get("field") if isinstance(exc, BadCaseInput) else None
        if field is None and "photo" in exc.message:
            field = "photos"
        response = _form(request, viewer, settings, values=values, error=exc.message,
                         error_field=str(field or ""), status_code=exc.status_code)  # fmt: skip
        if isinstance(exc, TooManyComplaints):
            response.headers["Retry-After"] = str(exc.context.get("retry_after", 60))
        return response
    lang = get_lang(request)
    service = PUBLIC_SERVICES[values["category"]]
    response = render(
        request,
        "complaint_receipt.html",
        {"r": receipt, "service_name": service.name if lang == "zh" else service.name_en},
        viewer=viewer,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _track_page(
    request: Request,
    viewer,
    *,
    status: ComplaintStatus | None = None,
    tracking_no: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = get_lang(request)
    service = None if status is None else PUBLIC_SERVICES.get(status.category)
    region = None if status is None else REGIONS[status.region_code]
    context = {
        "s": status,
        "tracking_no": tracking_no,
        "error": error,
        "service_name": None if service is None else (service.name if lang == "zh" else service.name_en),
        "complaint_region": None if region is None else _region_path(region.code, lang),
        "cst": lambda t, fmt="%Y-%m-%d %H:%M": "—" if t is None else as_cst(t).strftime(fmt),
        "iso_cst": _iso_cst,
    }  # fmt: skip
    response = render(request, "complaint_track.html", context, viewer=viewer)
    response.status_code = status_code
    response.headers["Cache-Control"] = "no-store"
    return response


def _region_path(code: str, lang: str) -> str:
    """A county with its city (杭州市西湖区; Xihu District, Hangzhou)."""
    region = REGIONS[code]
    city = REGIONS.get(region.parent_code or "")
    if city is None or city.level is not RegionLevel.CITY:
        return _name(region, lang)
    return city.name + region.name if lang == "zh" else f"{region.name_en}, {city.name_en}"


def _iso_cst(value: object, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if not value:
        return "—"
    try:
        return as_cst(datetime.fromisoformat(str(value))).strftime(fmt)
    except ValueError:
        return "—"


@router.get("/complaints/track", response_class=HTMLResponse)
def track_form(request: Request, viewer: OptionalViewer, no: str = "") -> HTMLResponse:
    """举报办理进度查询: the form (the tracking number may come in the address)."""
    return _track_page(request, viewer, tracking_no=no.strip()[:24])


@router.post("/complaints/track", response_class=HTMLResponse)
def track(
    request: Request,
    viewer: OptionalViewer,
    session: PublicSession,
    guard: GuardDep,
    address: ClientAddress,
    tracking_no: Annotated[str, Form(max_length=64)] = "",
    secret: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    """The complaint's state and history, if the secret matches (failures are counted per
    address)."""
    try:
        guard.check_lookup(address)
        status = track_complaint(session, tracking_no, secret)
    except ComplaintNotFound as exc:
        guard.failed_lookup(address)
        return _track_page(request, viewer, tracking_no=tracking_no.strip(), error=exc.message,
                           status_code=404)  # fmt: skip
    except TooManyComplaints as exc:
        response = _track_page(request, viewer, tracking_no=tracking_no.strip(),
                               error=exc.message, status_code=429)  # fmt: skip
        response.headers["Retry-After"] = str(exc.context.get("retry_after", 60))
        return response
    return _track_page(request, viewer, status=status, tracking_no=status.tracking_no)
