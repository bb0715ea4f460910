"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) under ``/open311/v2``, so that existing
311 clients file complaints and read their status unchanged; service discovery at
``/open311/discovery.{json,xml}``.

==========================================  ================================================
``GET  services.{fmt}``                     the categories the public may report (services)
``GET  services/{service_code}.{fmt}``      a service definition with its attributes
``POST requests.{fmt}``                     file a complaint (form-encoded; ``media`` file too)
``GET  requests.{fmt}``                     query: ``service_request_id`` (comma list, overrides
                                            the rest), ``service_code``, ``start_date``,
                                            ``end_date`` (at most 90 days; default the last
                                            90), ``status`` (``open``, ``closed``)
``GET  requests/{service_request_id}.{fmt}`` one request
==========================================  ================================================

``fmt`` is ``json`` or ``xml`` (UTF-8; XML with its declaration, JSON as the spec's "Spark"
mapping: lists of objects). Requests are ``realtime``: the tracking number (举报编号) is the
``service_request_id`` at once, no token. ``api_key``: required for POST only when
``QINGSHAN_OPEN311_API_KEYS`` lists keys (403 otherwise). Errors are the spec's array of
``{code, description}`` with the HTTP status (404 what does not exist, 403 the key, 400 the
rest, 429 too many requests from one address). ``jurisdiction_id`` is accepted and ignored
(one jurisdiction). Public fields only: no description, media, enterprise or names; the
place as the region's name (``address``) and GB/T 2260 code (``address_id``), the point
rounded to 0.001° (≈100 m).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from qingshan.api.deps import ClientAddress, SettingsDep
from qingshan.cases.complaint_guard import TooManyComplaints
from qingshan.cases.complaint_status import (
    STATE_NOTES,
    ComplaintNotFound,
    ComplaintStatus,
    address_of,
    public_request,
    query_public_requests,
)
from qingshan.cases.complaints import ComplaintInput, Photo, submit_complaint
from qingshan.cases.errors import CaseError
from qingshan.cases.evidence import evidence_limits
from qingshan.cases.locate import city_at
from qingshan.cases.open311_format import MEDIA, answer, errors
from qingshan.cases.public_deps import GuardDep, PublicSession
from qingshan.cases.public_services import PUBLIC_SERVICES, PublicService
from qingshan.geo.regions import REGIONS, RegionLevel, city_of
from qingshan.timeutil import as_cst, utcnow

router = APIRouter(prefix="/open311", include_in_schema=False)

SPEC = "http://wiki.open311.org/GeoReport_v2"
MAX_DAYS = 90
#: what a new request is told (service_notice), by how the core registered it
NOTICES = {
    "new": "已受理，将交办责任单位办理。Received: it will be dispatched to the responsible unit.",
    "attached": "该问题已在办理中，本请求已并入该案件。This problem is being handled already: "
    "the request joined its case.",
    "relapse": "该单位同类问题曾办结，现作为反弹重新办理。A closed case of this kind at this "
    "enterprise is reopened as a relapse.",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# -- output ------------------------------------------------------------------------------------


def _fmt(fmt: str) -> str:
    if fmt not in MEDIA:
        raise Open311Error(400, f"format {fmt!r} is not served: use .json or .xml")
    return fmt


def _handled(fmt: str, work: Callable[[], Response]) -> Response:
    try:
        _fmt(fmt)
        return work()
    except Open311Error as exc:
        return errors(fmt, exc.status, exc.description)
    except ComplaintNotFound as exc:
        return errors(fmt, 404, exc.message)
    except TooManyComplaints as exc:
        response = errors(fmt, 429, exc.message)
        response.headers["Retry-After"] = str(exc.context.get("retry_after", 60))
        return response
    except CaseError as exc:
        return errors(fmt, 400, exc.message)


def _w3(t: datetime | None) -> str | None:
    return None if t is None else as_cst(t).isoformat(timespec="seconds")


def _service(s: PublicService) -> dict:
    return {
        "service_code": s.code, "service_name": s.name, "description": s.description,
        "metadata": True, "type": "realtime", "keywords": s.keywords, "group": s.group,
    }  # fmt: skip


def _definition(s: PublicService) -> dict:
    return {
        "service_code": s.code,
        "attributes": [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                **(
                    {"values": [{"key": k, "name": f"{zh} {en}"} for k, zh, en in a.values]}
                    if a.values
                    else {}
                ),
            }  # fmt: skip
            for a in s.attributes
        ],
    }


def _request(s: ComplaintStatus) -> dict:
    service = PUBLIC_SERVICES.get(s.category)
    return {
        "service_request_id": s.tracking_no,
        "status": s.status,
        "status_notes": STATE_NOTES[s.state],
        "service_name": None if service is None else service.name,
        "service_code": s.category,
        "description": None,
        "agency_responsible": s.unit_name,
        "service_notice": None,
        "requested_datetime": _w3(s.submitted_at),
        "updated_datetime": _w3(s.updated_at),
        "expected_datetime": _w3(s.due_at),
        "address": address_of(s.region_code),
        "address_id": s.region_code,
        "zipcode": None,
        "lat": None if s.latitude is None else round(s.latitude, 3),
        "long": None if s.longitude is None else round(s.longitude, 3),
        "media_url": None,
    }


# -- reading -----------------------------------------------------------------------------------


@router.get("/discovery.{fmt}")
def discovery(request: Request, fmt: str) -> Response:
    """Service discovery (wiki.open311.org/Service_Discovery)."""
    base = str(request.base_url).rstrip("/")
    body = {
        "changeset": "2026-12-09 00:00",
        "contact": "浙江省生态环境厅 — see the platform's API documentation at /api/v1/docs",
        "key_service": "api_key: from the platform's administrators (QINGSHAN_OPEN311_API_KEYS)",
        "endpoints": [
            {
                "specification": SPEC,
                "url": f"{base}/open311/v2",
                "changeset": "2026-12-09 00:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }  # fmt: skip
        ],
    }
    return _handled(fmt, lambda: answer(fmt, "discovery", None, body))


@router.get("/v2/services.{fmt}")
def services(fmt: str) -> Response:
    """GET Service List: the categories the public may report."""
    body = [_service(s) for s in PUBLIC_SERVICES.values()]
    return _handled(fmt, lambda: answer(fmt, "services", "service", body))


@router.get("/v2/services/{service_code}.{fmt}")
def service_definition(service_code: str, fmt: str) -> Response:
    """GET Service Definition: a service's attributes."""

    def work() -> Response:
        s = PUBLIC_SERVICES.get(service_code)
        if s is None:
            raise Open311Error(404, f"service_code {service_code!r} not found")
        return answer(fmt, "service_definition", None, _definition(s))

    return _handled(fmt, work)


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _date(name: str, value: str | None) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400, f"{name} {value!r} is not a w3 date, e.g. 2010-01-01T00:00:00Z"
        ) from None
    if t.tzinfo is None:
        raise Open311Error(400, f"{name} {value!r} needs a time zone (Z or ±hh:mm)")
    return t


@router.get("/v2/requests.{fmt}")
def requests(request: Request, fmt: str, session: PublicSession, settings: SettingsDep):
    """GET Service Requests: by ids, or by service_code, date range and status."""
    q = request.query_params

    def work() -> Response:
        ids = _csv(q.get("service_request_id"))
        if len(ids) > settings.max_items_per_request:
            raise Open311Error(400, f"at most {settings.max_items_per_request} service_request_id "
                               "(setting QINGSHAN_MAX_ITEMS_PER_REQUEST)")  # fmt: skip
        if ids:
            rows = query_public_requests(session, tracking_nos=ids)
            return answer(fmt, "service_requests", "request", [_request(r) for r in rows])
        codes = _csv(q.get("service_code"))
        unknown = [c for c in codes if c not in PUBLIC_SERVICES]
        if unknown:
            raise Open311Error(400, f"unknown service_code {', '.join(unknown)}")
        statuses = _csv(q.get("status"))
        bad = [s for s in statuses if s not in ("open", "closed")]
        if bad:
            raise Open311Error(400, f"status {', '.join(bad)}: use open or closed")
        start, end = _date("start_date", q.get("start_date")), _date("end_date", q.get("end_date"))
        if end is None:
            end = start + timedelta(days=MAX_DAYS) if start is not None else utcnow()
        if start is None:
            start = end - timedelta(days=MAX_DAYS)
        if start > end:
            raise Open311Error(400, "start_date is after end_date")
        if end - start > timedelta(days=MAX_DAYS):
            raise Open311Error(400, f"the range may not span more than {MAX_DAYS} days")
        rows = query_public_requests(
            session, categories=codes or None, start=start, end=end, statuses=statuses or None,
        )  # fmt: skip
        return answer(fmt, "service_requests", "request", [_request(r) for r in rows])

    return _handled(fmt, work)


@router.get("/v2/requests/{service_request_id}.{fmt}")
def request_one(service_request_id: str, fmt: str, session: PublicSession) -> Response:
    """GET Service Request: one request by its id."""
    return _handled(
        fmt,
        lambda: answer(
            fmt,
            "service_requests",
            "request",
            [_request(public_request(session, service_request_id))],
        ),
    )


@router.get("/v2/tokens/{token}.{fmt}")
def token(token: str, fmt: str) -> Response:
    """Tokens are never issued (every service is realtime)."""
    return _handled(fmt, lambda: errors(fmt, 404, f"token {token!r} not found: requests here "
                                              "are realtime and return their id at once"))  # fmt: skip


# -- filing ------------------------------------------------------------------------------------

_ATTR = re.compile(r"^attribute\[([A-Za-z0-9_]{1,32})\](\[\])?$")


def _region_in(text: str) -> str | None:
    """The most specific region of Zhejiang named in a free address (a county before its city)."""
    found = [r for r in REGIONS.values() if r.level is not RegionLevel.PROVINCE and r.name in text]
    found.sort(key=lambda r: (r.level is RegionLevel.COUNTY, len(r.name)), reverse=True)
    return found[0].code if found else None


def _float(name: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise Open311Error(400, f"{name} {value!r} is not a number (WGS-84 degrees)") from None


def _input(form, photos: list[Photo]) -> ComplaintInput:
    get = lambda k: (form.get(k) or "").strip() if isinstance(form.get(k), str) else ""  # noqa: E731
    code = get("service_code")
    if not code:
        raise Open311Error(400, "service_code was not provided")
    if code not in PUBLIC_SERVICES:
        raise Open311Error(404, f"service_code {code!r} not found")
    lat, lon = get("lat"), get("long")
    if bool(lat) != bool(lon):
        raise Open311Error(400, "lat and long both need to be sent")
    address, address_id = get("address_string"), get("address_id")
    region = None
    if address_id:
        if not re.fullmatch(r"\d{6}", address_id):
            raise Open311Error(
                400, f"address_id {address_id!r}: a GB/T 2260 region code of Zhejiang"
            )
        region = address_id
    elif address and lat:  # a county named in the address, if it lies in the point's city
        hint, city = _region_in(address), city_at(_float("long", lon), _float("lat", lat))
        region = hint if hint and city and city_of(hint).code == city.code else None
    elif address:
        region = _region_in(address)
        if region is None:
            raise Open311Error(400, "address_string names no city or county of Zhejiang: send lat "
                               "and long, or address_id (a GB/T 2260 region code)")  # fmt: skip
    if not (lat or region):
        raise Open311Error(
            400, "a location is required: lat and long, address_string or address_id"
        )
    attributes: dict[str, Any] = {}
    for key in form.keys():
        m = _ATTR.match(key)
        if m is None:
            continue
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        attributes[m.group(1)] = values if m.group(2) or len(values) > 1 else values[0]
    first, last = get("first_name"), get("last_name")
    name = f"{first} {last}".strip() if (first + last).isascii() else f"{last}{first}"
    return ComplaintInput(
        category=code, description=get("description"),
        longitude=_float("long", lon) if lon else None,
        latitude=_float("lat", lat) if lat else None,
        region_code=region, place=address[:200], contact_name=name[:64],
        contact_phone=get("phone"), contact_email=get("email"),
        media_url=get("media_url") or None, attributes=attributes, photos=photos,
        channel="open311",
    )  # fmt: skip


@router.post("/v2/requests.{fmt}")
async def post_request(
    request: Request,
    fmt: str,
    session: PublicSession,
    settings: SettingsDep,
    guard: GuardDep,
    address: ClientAddress,
) -> Response:
    """POST Service Request: file a complaint; returns its service_request_id at once."""
    limits = evidence_limits(settings)
    try:
        form = await request.form(max_files=settings.complaint_max_photos + 1, max_fields=200)
    except Exception as exc:  # a body that is not a form
        return errors(fmt, 400, f"the body is not application/x-www-form-urlencoded ({exc})")
    photos = []
    for f in form.getlist("media")[: settings.complaint_max_photos + 1]:
        if isinstance(f, UploadFile):
            photos.append(Photo(f.filename or "media", await f.read(limits.max_bytes + 1)))
    await form.close()

    def work() -> Response:
        keys = [k.strip() for k in settings.open311_api_keys.split(",") if k.strip()]
        given = form.get("api_key")
        given = given.strip() if isinstance(given, str) else ""
        if keys and not any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
            raise Open311Error(
                403, "Invalid api_key received -- can't proceed with create_request."
            )
        inp = _input(form, photos)
        guard.check_submission(address)
        try:
            receipt = submit_complaint(
                session, inp, limits=limits, max_photos=settings.complaint_max_photos,
                with_secret=False,
            )  # fmt: skip
        except CaseError:
            session.rollback()
            raise
        guard.submitted(address)
        account = form.get("account_id")
        body = [{"service_request_id": receipt.tracking_no,
                 "service_notice": NOTICES.get(receipt.outcome, NOTICES["new"]),
                 "account_id": account.strip() if isinstance(account, str) and account.strip() else None}]  # fmt: skip
        return answer(fmt, "service_requests", "request", body)

    return await run_in_threadpool(_handled, fmt, work)


@router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(rest: str) -> Response:
    """Anything else under /open311: the spec's error array (404)."""
    fmt = "xml" if rest.endswith(".xml") else "json"
    return errors(
        fmt, 404, f"/open311/{rest}: no such resource (GeoReport v2 is under /open311/v2)"
    )
