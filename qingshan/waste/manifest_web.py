"""转移联单 pages (issue #18): ``/waste/manifests`` (the manifests the viewer sees, filtered by
status, year, number and cross-province, paged), ``/waste/manifests/{id}`` (the facts, the
signature timeline, the versions and the sign form for the viewer's party when it is its turn),
``/waste/manifests/new`` (a producer's account creates a manifest). Each route calls one
service function (:mod:`qingshan.waste.manifest_service`) and renders."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, provided
from qingshan.errors import QingshanError
from qingshan.qc.supervision import CaseSink
from qingshan.timeutil import as_cst, utcnow
from qingshan.waste import facility_service, manifest_service, overview_service
from qingshan.waste.manifest import ManifestState
from qingshan.waste.manifest_service import ManifestDraft, ManifestFilters, ManifestView
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang, translate
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

PER_PAGE = 25
ID = Path(ge=1, le=2**31 - 1)


def num(v: Any, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    return f"{float(v):,.{digits}f}"


def party_label(party: str, lang: str) -> str:
    """``producer`` → 移出人, ``transporter:2`` → 承运人（第 2 程）, ``receiver`` → 接受人."""
    role, _, seq = party.partition(":")
    return translate(f"ws.party.{role}", lang).format(seq=seq or "1")


def party_enterprise(view: ManifestView, party: str) -> int | None:
    """The enterprise that signs as ``party`` on ``view``."""
    if party == "producer":
        return view.producer_id
    if party == "receiver":
        return view.receiver_id
    seq = int(party.split(":")[1])
    return next((tid for s, tid, _ in view.transporters if s == seq), None)


def my_turns(view: ManifestView, enterprises: frozenset[int]) -> list[tuple[str, str]]:
    """The (party, action) pairs of ``view.next_signers`` the viewer's enterprises sign as
    (pure: what the sign form offers; the service checks again when it is posted)."""
    return [(p, a) for p, a in view.next_signers if party_enterprise(view, p) in enterprises]


def producer_account(session, viewer: Viewer) -> bool:
    """Whether the viewer creates manifests on these pages: an enterprise account acting for
    a producer (:func:`manifest_service.may_create`); the 新建联单 tab shows only for it."""
    return viewer.scope.role is Role.ENTERPRISE and manifest_service.may_create(
        session, viewer.scope
    )


def _cst(t: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return as_cst(t).strftime(fmt) if t else "—"


@router.get("/waste/manifests", response_class=HTMLResponse)
def manifests_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    state: str | None = Query(None, max_length=16),
    year: int | None = Query(None, ge=2021, le=2100),
    q: str | None = Query(None, max_length=14),
    cross: str | None = Query(None, max_length=3),
    overdue: str | None = Query(None, max_length=3),
    e: int | None = Query(None, ge=1, le=2**31 - 1),
    page: int = Query(1, ge=1, le=100000),
) -> HTMLResponse:
    """转移联单 list: the current versions the viewer sees, newest transfer first."""
    lang = get_lang(request)
    st = ManifestState(state) if state in {s.value for s in ManifestState} else None
    number = "".join(ch for ch in (q or "") if ch.isdigit()) or None
    flt = ManifestFilters(state=st, year=year, number=number, enterprise_id=e,
                          cross_province=True if cross == "yes" else None,
                          overdue=True if overdue == "yes" else None,
                          limit=PER_PAGE, offset=(page - 1) * PER_PAGE)  # fmt: skip
    result = manifest_service.list_manifests(session, viewer.scope, flt)
    pages = max(1, math.ceil(result.total / PER_PAGE))
    args = {k: v for k, v in (("state", state), ("year", year), ("q", q), ("cross", cross),
                              ("overdue", overdue), ("e", e)) if v}  # fmt: skip

    def page_href(p: int) -> str:
        return "/waste/manifests?" + urlencode({**args, "page": p})

    context = {
        "result": result,
        "page": page,
        "pages": pages,
        "page_href": page_href,
        "f": {
            "state": st.value if st else "",
            "year": year,
            "q": q or "",
            "cross": cross or "",
            "overdue": overdue or "",
            "e": e,
        },
        "states": [s.value for s in ManifestState],
        "years": list(range(as_cst(utcnow()).year, 2020, -1)),
        "num": num,
        "rname": lambda code: overview_service.region_label(code, lang),
        "ws_can_create": producer_account(session, viewer),
        "e_name": overview_service.enterprise_name(session, e) if e else "",
        "config": {},
    }
    return render(request, "waste_manifests.html", context, viewer=viewer)


def _detail(request: Request, viewer: Viewer, session, manifest_id: int, *,
            error: str | None = None, done: str | None = None,
            status_code: int = 200) -> HTMLResponse:  # fmt: skip
    lang = get_lang(request)
    try:
        m = manifest_service.manifest_detail(session, viewer.scope, manifest_id)
    except QingshanError as exc:
        response = render(request, "waste_manifest.html", {"forbidden": str(exc), "m": None,
                          "config": {}}, viewer=viewer)  # fmt: skip
        response.status_code = exc.status_code
        return response
    turns = my_turns(m, viewer.scope.enterprises) if viewer.scope.role is Role.ENTERPRISE else []
    waiting = [party_label(p, lang) for p, _ in m.next_signers]
    context: dict[str, Any] = {
        "m": m,
        "forbidden": None,
        "turns": turns,
        "waiting": sorted(set(waiting), key=waiting.index),
        "error": error,
        "done": done,
        "plabel": lambda p: party_label(p, lang),
        "cst": _cst,
        "num": num,
        "rname": lambda code: overview_service.region_label(code, lang),
        "ws_can_create": producer_account(session, viewer),
        "config": {},
    }
    response = render(request, "waste_manifest.html", context, viewer=viewer)
    response.status_code = status_code
    return response


@router.get("/waste/manifests/new", response_class=HTMLResponse)
def new_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """新建转移联单: the producer's form (receiver from the licensed list, transporters)."""
    return _new_form(request, viewer, session)


def _new_form(request: Request, viewer: Viewer, session, *, error: str | None = None,
              form: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:  # fmt: skip
    lang = get_lang(request)
    if not producer_account(session, viewer):
        response = render(request, "waste_manifest_new.html",
                          {"producer": None, "error": None, "forbidden": True, "form": {},
                           "config": {}}, viewer=viewer)  # fmt: skip
        response.status_code = 403
        return response
    producer = viewer.scope.enterprise_id
    context = {
        "producer": producer,
        "producer_name": overview_service.enterprise_name(session, producer) if producer else "",
        "facilities": facility_service.facilities(session, viewer.scope) if producer else [],
        "carriers": overview_service.transporters(session) if producer else [],
        "error": error,
        "forbidden": False,
        "ws_can_create": True,
        "form": form or {"transfer_on": as_cst(utcnow()).date().isoformat()},
        "rname": lambda code: overview_service.region_label(code, lang),
        "config": {},
    }
    response = render(request, "waste_manifest_new.html", context, viewer=viewer)
    response.status_code = status_code
    return response


def _int(v: Any) -> int | None:
    s = str(v or "").strip()
    return int(s) if s.isdigit() and len(s) < 10 else None


@router.post("/waste/manifests/new", response_class=HTMLResponse)
async def new_post(request: Request, viewer: LoggedInViewer, session: SessionDep) -> Response:
    """Create the manifest (a draft), then show it with its submit form."""
    form = {k: str(v)[:64] for k, v in (await request.form()).items()}
    producer = viewer.scope.enterprise_id
    if producer is None or not producer_account(session, viewer):
        return _new_form(request, viewer, session)  # the 403 page
    try:
        carriers = tuple(t for t in (_int(form.get(f"t{k}")) for k in (1, 2, 3)) if t)
        receiver = _int(form.get("receiver_id")) or 0
        try:
            qty = float(form.get("quantity_t", "").strip())
            on = date.fromisoformat(form.get("transfer_on", "").strip())
        except ValueError as exc:
            raise QingshanError(str(exc)) from exc
        draft = ManifestDraft(producer_id=producer, receiver_id=receiver,
                              transporter_ids=carriers, waste_code=form.get("waste_code", ""),
                              quantity_t=qty, transfer_on=on,
                              approval_ref=form.get("approval_ref") or None)  # fmt: skip
        view = manifest_service.create_manifest(session, viewer.scope, draft,
                                                actor=viewer.username)  # fmt: skip
    except QingshanError as exc:
        session.rollback()
        return _new_form(request, viewer, session, error=str(exc), form=form,
                         status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(f"/waste/manifests/{view.id}?done=created", 303)


@router.get("/waste/manifests/{manifest_id}", response_class=HTMLResponse)
def manifest_page(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    manifest_id: int = ID,
    done: str | None = Query(None, max_length=16),
) -> HTMLResponse:
    """One manifest: facts, signature timeline, versions, the sign form when it is the
    viewer's turn."""
    lang = get_lang(request)
    msg = translate(f"ws.d.{done}", lang) if done in ("signed", "created") else None
    return _detail(request, viewer, session, manifest_id, done=msg)


@router.post("/waste/manifests/{manifest_id}/sign", response_class=HTMLResponse)
async def sign_post(
    request: Request,
    viewer: LoggedInViewer,
    session: SessionDep,
    sink: Annotated[CaseSink, provided(CaseSink)],
    manifest_id: int = ID,
) -> Response:
    """Sign the action posted as the viewer's party (the service checks turn and party)."""
    form = await request.form()
    action = str(form.get("action", ""))[:16]
    raw = str(form.get("quantity_t", "") or "").strip()
    try:
        qty = float(raw) if raw else None
        if qty is not None and not math.isfinite(qty):
            raise ValueError(raw)
    except ValueError:
        return _detail(request, viewer, session, manifest_id, status_code=422,
                       error=f"{raw!r}: {translate('ws.d.received_qty', get_lang(request))}")  # fmt: skip
    try:
        manifest_service.sign(session, viewer.scope, manifest_id, action, quantity_t=qty,
                              note=str(form.get("note", ""))[:500], sink=sink)  # fmt: skip
    except QingshanError as exc:
        session.rollback()
        return _detail(request, viewer, session, manifest_id, error=str(exc),
                       status_code=exc.status_code)  # fmt: skip
    return RedirectResponse(f"/waste/manifests/{manifest_id}?done=signed#qs-ws-timeline", 303)
