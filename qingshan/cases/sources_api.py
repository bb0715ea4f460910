"""``/api/v1/cases``: how cases come in besides the officers' own registrations — the central
inspection hand-over list (``POST /cases/handover``, province and city accounts) and the
complaints behind a case with the complainants' contact (``GET /cases/{id}/complaints``,
officers only). The public files complaints on ``/complaints/new`` and through Open311."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, ConfigDict

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.limits import Id
from qingshan.cases.complaint_status import complaints_of_case
from qingshan.cases.handover import HandoverRejected, RowProblem, import_handover

router = APIRouter(prefix="/cases", tags=["cases 协同指挥 闭环管理"])

Importer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]


class ImportedRowPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row: int
    number: str
    case_id: int
    case_number: str | None
    outcome: str
    dispatched: bool
    note: str


class HandoverPublic(BaseModel):
    filename: str
    rows: list[ImportedRowPublic]


class ComplaintPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    tracking_no: str
    channel: str
    outcome: str
    category: str
    description: str
    place: str
    region_code: str
    longitude: float | None
    latitude: float | None
    enterprise_text: str
    contact_name: str
    contact_phone: str
    contact_email: str
    media_url: str | None
    file_ids: list[int]
    attributes: dict
    submitted_at: datetime


@router.post("/handover", response_model=HandoverPublic, status_code=201)
def import_list(
    user: Importer,
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="the hand-over list (.xlsx or .csv)")],
) -> HandoverPublic:
    """导入督察交办件: every row checked; nothing imported when any row is bad (422, every
    problem with its row and column in ``context``… and the message); idempotent on 交办编号;
    new items whose 责任单位 names a unit of the region are dispatched (交办) by you."""
    data = file.file.read(settings.max_file_bytes + 1)
    if len(data) > settings.max_file_bytes:
        raise HandoverRejected([RowProblem(0, "", "", f"larger than the limit of "
                               f"{settings.max_file_bytes} bytes (setting QINGSHAN_MAX_FILE_BYTES)")])  # fmt: skip
    result = import_handover(
        session, data, file.filename or "list", actor=user.username,
        max_bytes=settings.max_file_bytes, max_rows=settings.max_items_per_request,
        scope=scope, dispatcher=user,
    )  # fmt: skip
    return HandoverPublic(
        filename=result.filename,
        rows=[ImportedRowPublic.model_validate(r) for r in result.rows],
    )


@router.get("/{case_id}/complaints", response_model=list[ComplaintPublic])
def case_complaints(case_id: Id, user: Officer, session: SessionDep, scope: ScopeDep) -> list:
    """The public's complaints behind the case, with the complainants' contact (officers)."""
    return complaints_of_case(session, scope, case_id)
