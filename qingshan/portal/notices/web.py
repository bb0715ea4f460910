"""通知公告 pages (issue #23):

- ``/notices`` — bureau accounts: the notices of their region and below in every state with how
  many accounts read each, and the form to write one (title, body in plain text or Markdown,
  audience, listed enterprises, an attachment, publish at once); enterprise accounts: the
  notices meant for them, unread first marked;
- ``/notices/{id}`` — one notice (body rendered safely, attachments); an enterprise account
  opening it marks it read; bureau accounts see publish / withdraw and the read receipts;
- ``/notices/{id}/files/{sha256}`` — an attachment, for whoever may read the notice.

The work is :mod:`qingshan.portal.notices.service`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from qingshan.accounts.models import Role
from qingshan.api.deps import SessionDep, SettingsDep
from qingshan.archive.service import enterprise_directory
from qingshan.cases.service import evidence_limits
from qingshan.errors import PermissionDenied, QingshanError
from qingshan.geo.regions import REGIONS
from qingshan.portal.notices import service as svc
from qingshan.portal.notices.errors import NoticeError
from qingshan.timeutil import as_cst
from qingshan.web.auth import LoggedInViewer, Viewer
from qingshan.web.i18n import get_lang
from qingshan.web.render import render

router = APIRouter(include_in_schema=False)

OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)
READERS = (*OFFICERS, Role.ENTERPRISE)


def _reader(viewer: Viewer) -> None:
    if viewer.role not in READERS:
        raise PermissionDenied("通知公告 is for bureau and enterprise accounts")


def _helpers(request: Request, viewer: Viewer) -> dict[str, Any]:
    lang = get_lang(request)

    def rname(code: str) -> str:
        r = REGIONS.get(code)
        return code if r is None else (r.name if lang == "zh" else r.name_en)

    def when(t: Any) -> str:
        return "—" if t is None else as_cst(t).strftime("%Y-%m-%d %H:%M")

    return {"rname": rname, "when": when, "officer": viewer.role in OFFICERS,
            "audiences": ("public", "region", "listed", "officers")}  # fmt: skip


def _regions_of(viewer: Viewer) -> list[str]:
    """The regions an officer may write notices for: its own and those inside it."""
    code = viewer.region_code
    prefix = code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
    return sorted(c for c in REGIONS if c.startswith(prefix))


def _list_page(request: Request, viewer: Viewer, session: Any, *, status_code: int = 200,
               **extra: Any) -> HTMLResponse:  # fmt: skip
    ctx: dict[str, Any] = {**_helpers(request, viewer), **extra}
    if viewer.role in OFFICERS:
        rows = svc.list_notices(session, viewer.scope, limit=200)
        ctx |= {
            "rows": rows, "reads": svc.read_counts(session, [r.id for r in rows]),
            "regions": _regions_of(viewer),
            "enterprises": [(e.id, e.name) for e in
                            enterprise_directory(session, viewer.region_code)][:500],
        }  # fmt: skip
    else:
        ctx["rows"] = svc.notices_for(session, viewer.scope, limit=100)
    resp = render(request, "portal_notices.html", ctx, viewer=viewer)
    resp.status_code = status_code
    return resp


@router.get("/notices", response_class=HTMLResponse)
def notices_page(request: Request, viewer: LoggedInViewer, session: SessionDep) -> HTMLResponse:
    """Officers: the region's notices and the form; enterprises: their notices."""
    _reader(viewer)
    return _list_page(request, viewer, session)


def _ids(values: list[Any]) -> list[int]:
    out = []
    for v in values:
        text = str(v).strip()
        if text:
            try:
                out.append(int(text))
            except ValueError:
                raise NoticeError(
                    f"enterprise {text!r} is not an id", field="enterprise_ids"
                ) from None
    return out


@router.post("/notices", response_class=HTMLResponse, response_model=None)
async def write_form(request: Request, viewer: LoggedInViewer, session: SessionDep,
                     settings: SettingsDep) -> Response:  # fmt: skip
    """Write a notice from the form (with an attachment; published at once if asked)."""
    _reader(viewer)
    form = await request.form()
    try:
        upload = form.get("file")
        data: bytes | None = None
        if isinstance(upload, UploadFile) and upload.filename:
            limits = evidence_limits(settings)
            data = await upload.read(limits.max_bytes + 1)
        view = svc.create_notice(
            session, viewer.scope, title=str(form.get("title") or ""),
            body=str(form.get("body") or ""), audience=str(form.get("audience") or ""),
            region_code=str(form.get("region_code") or "") or None,
            enterprise_ids=_ids(form.getlist("enterprise_ids")),
        )  # fmt: skip
        if data is not None and isinstance(upload, UploadFile):
            svc.attach_file(session, viewer.scope, view.id, data, upload.filename or "file",
                            limits=evidence_limits(settings))  # fmt: skip
        if form.get("publish"):
            svc.publish_notice(session, viewer.scope, view.id)
    except QingshanError as exc:  # bad input, a file too large or of a refused type
        session.rollback()
        code = exc.status_code if exc.status_code in (403, 409, 413, 415, 422) else 422
        return _list_page(request, viewer, session, status_code=code, error=str(exc),
                          form={k: form.get(k) for k in ("title", "body", "audience")})  # fmt: skip
    finally:
        await form.close()
    return RedirectResponse(f"/notices/{view.id}", status_code=303)


@router.get("/notices/{notice_id:int}", response_class=HTMLResponse)
def notice_page(request: Request, notice_id: int, viewer: LoggedInViewer,
                session: SessionDep) -> HTMLResponse:  # fmt: skip
    """One notice; an enterprise account opening it marks it read."""
    _reader(viewer)
    if viewer.role is Role.ENTERPRISE:
        view = svc.mark_read(session, viewer.scope, notice_id)
    else:
        view = svc.get_notice(session, viewer.scope, notice_id)
    ctx: dict[str, Any] = {**_helpers(request, viewer), "n": view}
    if viewer.role in OFFICERS and view.region_code.startswith(viewer.scope.prefix):
        ctx["receipts"] = svc.receipts(session, viewer.scope, notice_id)
        ctx["listed"] = svc.listed_names(session, view.enterprise_ids)
        ctx["manage"] = True
    return render(request, "portal_notice.html", ctx, viewer=viewer)


@router.post("/notices/{notice_id:int}/{event}", response_class=HTMLResponse, response_model=None)
async def step_form(request: Request, notice_id: int, event: str, viewer: LoggedInViewer,
                    session: SessionDep) -> Response:  # fmt: skip
    """Publish or withdraw (with a reason)."""
    _reader(viewer)
    form = await request.form()
    if event == "publish":
        svc.publish_notice(session, viewer.scope, notice_id)
    elif event == "withdraw":
        svc.withdraw_notice(session, viewer.scope, notice_id, reason=str(form.get("reason") or ""))
    else:
        raise NoticeError(f"unknown action {event!r} (publish or withdraw)", field="event")
    return RedirectResponse(f"/notices/{notice_id}", status_code=303)


@router.get("/notices/{notice_id:int}/files/{sha256}", response_class=FileResponse)
def attachment_file(notice_id: int, sha256: str, viewer: LoggedInViewer, session: SessionDep,
                    settings: SettingsDep) -> FileResponse:  # fmt: skip
    """An attachment of a notice the viewer may read."""
    _reader(viewer)
    meta, path = svc.attachment(session, viewer.scope, notice_id, sha256,
                                root=evidence_limits(settings).root)  # fmt: skip
    return FileResponse(path, media_type=str(meta.get("content_type") or "application/octet-stream"),
                        filename=str(meta.get("name") or "file"))  # fmt: skip
