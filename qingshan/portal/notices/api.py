"""The notices API (``/api/v1/portal/notices``, issue #23): the notices an account may read,
the public ones (no login), one notice, marking it read; for bureau accounts, writing,
publishing, withdrawing (never deleting) and the read receipts. Another region's notice is
404; bad input is 422 naming the field. The work is :mod:`qingshan.portal.notices.service`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.limits import Id, NoNul, RegionCode
from qingshan.api.responses import ErrorBody
from qingshan.cases.service import evidence_limits
from qingshan.portal.notices import service as svc

router = APIRouter(prefix="/portal/notices", tags=["portal notices 通知公告"])

Reader = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Audience = Literal["public", "region", "listed", "officers"]
State = Literal["draft", "published", "withdrawn"]
Limit = Annotated[int, Query(ge=1, le=svc.MAX_LIMIT)]


class NoticeOut(BaseModel):
    """A notice; ``body_html`` is the body rendered safely (Markdown, raw HTML escaped);
    ``read_at`` is when the calling account first read it."""

    id: int
    title: str
    body: str
    body_html: str
    audience: str
    region_code: str
    enterprise_ids: list[int]
    attachments: list[dict]
    state: str
    published_at: datetime | None
    withdrawn_at: datetime | None
    withdraw_reason: str
    read_at: datetime | None
    synthetic: bool


class NoticeIn(BaseModel):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
    body: Annotated[str, StringConstraints(max_length=20_000), NoNul] = ""
    audience: Audience
    region_code: RegionCode | None = Field(
        default=None, description="the notice's region (default: the writer's)"
    )
    enterprise_ids: list[Id] = Field(default=[], max_length=500)
    publish: Annotated[bool, Field(strict=True)] = False


class NoticeEditIn(BaseModel):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200), NoNul]
    body: Annotated[str, StringConstraints(max_length=20_000), NoNul] = ""
    audience: Audience
    enterprise_ids: list[Id] = Field(default=[], max_length=500)


class WithdrawIn(BaseModel):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000), NoNul]


class ReceiptOut(BaseModel):
    username: str
    read_at: datetime


def _out(v: svc.NoticeView) -> NoticeOut:
    return NoticeOut(**{k: getattr(v, k) for k in NoticeOut.model_fields})


@router.get("", response_model=list[NoticeOut])
def my_notices(user: Reader, scope: ScopeDep, session: SessionDep,
               limit: Limit = 20) -> list[NoticeOut]:  # fmt: skip
    """The published notices the calling account may read, newest first."""
    return [_out(v) for v in svc.notices_for(session, scope, limit=limit)]


@router.get("/public", response_model=list[NoticeOut])
def public(session: SessionDep, limit: Limit = 20) -> list[NoticeOut]:
    """The published public notices (no login)."""
    return [_out(v) for v in svc.public_notices(session, limit=limit)]


@router.get("/manage", response_model=list[NoticeOut])
def manage(user: Officer, scope: ScopeDep, session: SessionDep,
           state: Annotated[State | None, Query()] = None, limit: Limit = 50) -> list[NoticeOut]:  # fmt: skip
    """Bureau accounts: every notice of their region and below, in every state."""
    return [_out(v) for v in svc.list_notices(session, scope, state=state, limit=limit)]


@router.get("/{notice_id:int}", response_model=NoticeOut)
def one(notice_id: Id, user: Reader, scope: ScopeDep, session: SessionDep) -> NoticeOut:
    return _out(svc.get_notice(session, scope, notice_id))


@router.post("", response_model=NoticeOut, status_code=201)
def create(body: NoticeIn, user: Officer, scope: ScopeDep, session: SessionDep) -> NoticeOut:
    """Write a notice (a draft, or published at once with ``publish``)."""
    return _out(svc.create_notice(
        session, scope, title=body.title, body=body.body, audience=body.audience,
        region_code=body.region_code, enterprise_ids=body.enterprise_ids, publish=body.publish,
    ))  # fmt: skip


@router.put("/{notice_id:int}", response_model=NoticeOut)
def edit(notice_id: Id, body: NoticeEditIn, user: Officer, scope: ScopeDep,
         session: SessionDep) -> NoticeOut:  # fmt: skip
    """Edit a draft (a published notice is withdrawn and written again instead: 409)."""
    return _out(svc.update_notice(
        session, scope, notice_id, title=body.title, body=body.body, audience=body.audience,
        enterprise_ids=body.enterprise_ids,
    ))  # fmt: skip


@router.post(
    "/{notice_id:int}/attachments", response_model=NoticeOut, status_code=201,
    responses={
        413: {"model": ErrorBody, "description": "larger than QINGSHAN_CASE_EVIDENCE_MAX_BYTES"},
        415: {"model": ErrorBody, "description": "content not an accepted photo or document"},
    },
)  # fmt: skip
def attach(notice_id: Id, user: Officer, scope: ScopeDep, session: SessionDep,
           settings: SettingsDep,
           file: Annotated[UploadFile, File(description="a document (PDF, Word, Excel) or photo, "
                                            "as case evidence")]) -> NoticeOut:  # fmt: skip
    """Attach a file to a draft: checked by its content and stored in the evidence store; it
    is served at ``/notices/{id}/files/{sha256}`` to whoever may read the notice."""
    limits = evidence_limits(settings)
    data = file.file.read(limits.max_bytes + 1)
    return _out(svc.attach_file(session, scope, notice_id, data, file.filename or "file",
                                limits=limits))  # fmt: skip


@router.post("/{notice_id:int}/publish", response_model=NoticeOut)
def publish(notice_id: Id, user: Officer, scope: ScopeDep, session: SessionDep) -> NoticeOut:
    return _out(svc.publish_notice(session, scope, notice_id))


@router.post("/{notice_id:int}/withdraw", response_model=NoticeOut)
def withdraw(notice_id: Id, body: WithdrawIn, user: Officer, scope: ScopeDep,
             session: SessionDep) -> NoticeOut:  # fmt: skip
    """Withdraw a published notice: readers no longer see it; it stays in the record."""
    return _out(svc.withdraw_notice(session, scope, notice_id, reason=body.reason))


@router.post("/{notice_id:int}/read", response_model=NoticeOut)
def read(notice_id: Id, user: Reader, scope: ScopeDep, session: SessionDep) -> NoticeOut:
    """Mark the notice read by the calling account (the first read counts)."""
    return _out(svc.mark_read(session, scope, notice_id))


@router.get("/{notice_id:int}/receipts", response_model=list[ReceiptOut])
def receipts_of(notice_id: Id, user: Officer, scope: ScopeDep,
                session: SessionDep) -> list[ReceiptOut]:  # fmt: skip
    """Who read the notice, first read first."""
    return [ReceiptOut(username=r.username, read_at=r.read_at)
            for r in svc.receipts(session, scope, notice_id)]  # fmt: skip
