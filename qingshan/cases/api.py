"""``/api/v1/cases``: the closed loop (协同指挥) — list, map, detail, registering (with duplicate
candidates first), actions (交办, 整改, 申请验收, 退回, 签字, 销号, 督办 …), evidence files,
responsible units and signers. Login required and no public accounts; scoped like the rest of
the API (a case out of scope is reported exactly as a missing one)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, Response

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.limits import Id
from qingshan.api.responses import ErrorBody
from qingshan.cases import service
from qingshan.cases.errors import EvidenceTooLarge
from qingshan.cases.list_export import MEDIA_TYPES, export_cases, export_response
from qingshan.cases.schemas import (
    ActionBody,
    CaseCreate,
    CaseDetailPublic,
    CasePage,
    CaseSummary,
    DuplicatePublic,
    FilePublic,
    PointPublic,
    RegistrationPublic,
    SignerGrant,
    SignerGrantPublic,
    SignerPublic,
    UnitCreate,
    UnitPublic,
    UnitUpdate,
)
from qingshan.cases.workflow import CaseEvent, CaseState

router = APIRouter(prefix="/cases", tags=["cases 协同指挥 闭环管理"])

#: case routes are for officers and enterprises (the public's complaints have their own)
CaseUser = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Admin = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]


def _filter(
    state: CaseState | None = None,
    category: str | None = Query(None, max_length=32),
    source: str | None = Query(None, max_length=32),
    region: str | None = Query(None, pattern=r"^\d{6}$", description="city or county code"),
    enterprise_id: Id | None = None,
    site_id: Id | None = None,
    q: str | None = Query(None, max_length=64, description="number, title or place"),
    overdue: bool = False,
    open_only: bool = False,
) -> service.CaseFilter:
    return service.CaseFilter(
        state=state, category=category, source=source, region_code=region,
        enterprise_id=enterprise_id, site_id=site_id, q=q, overdue=overdue, open_only=open_only,
    )  # fmt: skip


#: the list's filters as query parameters, shared by the list, its map and its exports
CaseFilterDep = Annotated[service.CaseFilter, Depends(_filter)]
#: the language of an export's headers and words
Lang = Annotated[Literal["zh", "en"], Query(description="zh (中文) or en")]


@router.get("", response_model=CasePage)
def list_cases(
    user: CaseUser,
    session: SessionDep,
    scope: ScopeDep,
    f: CaseFilterDep,
    page: int = Query(1, ge=1, le=100_000),
    per_page: int = Query(50, ge=1, le=200),
) -> service.CasePage:
    """案件清单: the cases of your scope, newest first, one page, with the counts by state."""
    return service.list_cases(session, scope, f, page=page, per_page=per_page)


@router.get(
    "/export.xlsx",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPES["xlsx"]: {}}}},
)
def export_xlsx(
    user: CaseUser, session: SessionDep, scope: ScopeDep, f: CaseFilterDep, lang: Lang = "zh"
) -> Response:
    """案件清单导出 (Excel): the cases of your scope matching the list's filters, newest first,
    at most 20,000 (more: 422 ``ExportTooLarge`` with the number, to narrow the filters)."""
    return export_response(export_cases(session, scope, f), "xlsx", lang)


@router.get(
    "/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_csv(
    user: CaseUser, session: SessionDep, scope: ScopeDep, f: CaseFilterDep, lang: Lang = "zh"
) -> Response:
    """案件清单导出 (CSV, UTF-8 with a byte-order mark): as the Excel export."""
    return export_response(export_cases(session, scope, f), "csv", lang)


@router.get("/points", response_model=list[PointPublic])
def case_points(
    user: CaseUser,
    session: SessionDep,
    scope: ScopeDep,
    f: CaseFilterDep,
    limit: int = Query(2000, ge=1, le=5000),
) -> list[PointPublic]:
    """案件地图: located cases matching the list's filters (newest first) as points."""
    return [
        PointPublic(id=i, longitude=lon, latitude=lat, state=CaseState(st), title=t)
        for i, lon, lat, st, t in service.case_points(session, scope, f, limit=limit)
    ]


def _draft(body: CaseCreate) -> service.CaseDraft:
    fields = body.model_dump(exclude={"location"})
    if body.location is not None:
        fields |= body.location.model_dump()
    return service.CaseDraft(**fields)


@router.post("/duplicates", response_model=list[DuplicatePublic])
def duplicates(
    body: CaseCreate, user: CaseUser, session: SessionDep, scope: ScopeDep
) -> list[DuplicatePublic]:
    """疑似重复: cases that may be the same problem (same enterprise or nearby, same category,
    recent), to look at before registering."""
    return [
        DuplicatePublic(
            case=CaseSummary.model_validate(d.case),
            reasons=list(d.reasons),
            distance_m=d.distance_m,
        )
        for d in service.find_duplicates(session, _draft(body), scope=scope)
    ]


@router.post("", response_model=RegistrationPublic, status_code=201)
def register(
    body: CaseCreate, user: CaseUser, session: SessionDep, scope: ScopeDep
) -> RegistrationPublic:
    """登记: register a case (officers, in their region). A problem at an enterprise whose case
    of the same category was closed within 12 months reopens it (反弹, ``outcome`` relapse)."""
    reg = service.register_case(session, _draft(body), actor=user.username, scope=scope)
    return RegistrationPublic(case=CaseSummary.model_validate(reg.case), outcome=reg.outcome)


@router.get("/units", response_model=list[UnitPublic])
def units(user: CaseUser, session: SessionDep, scope: ScopeDep) -> list:
    """责任单位 of your region."""
    return service.list_units(session, scope.prefix)


@router.post("/units", response_model=UnitPublic, status_code=201)
def add_unit(body: UnitCreate, user: Admin, session: SessionDep, scope: ScopeDep):
    """Add a responsible unit (province and city accounts, within their region): a department
    with the categories it is competent for, or a local government (every category)."""
    return service.add_unit_in_scope(
        session, scope, body.name, body.kind, body.region_code, body.categories
    )


@router.patch("/units/{unit_id:int}", response_model=UnitPublic)
def update_unit(unit_id: Id, body: UnitUpdate, user: Admin, session: SessionDep, scope: ScopeDep):
    """Rename a unit, change its categories, deactivate it (no longer dispatched or routed to;
    its cases keep it) or reactivate it (province and city accounts, within their region)."""
    return service.update_unit_in_scope(
        session, scope, unit_id, name=body.name, categories=body.categories, active=body.active
    )


@router.get("/signers", response_model=list[SignerGrantPublic])
def signers(user: Admin, session: SessionDep, scope: ScopeDep) -> list:
    """The signer entitlements for regions within yours (province and city accounts)."""
    return service.signers_in_scope(session, scope)


@router.delete("/signers/{signer_id:int}", status_code=204, response_class=Response)
def revoke_signer(signer_id: Id, user: Admin, session: SessionDep, scope: ScopeDep) -> Response:
    """Withdraw a signer entitlement for a region within yours (sign-offs given stay)."""
    service.revoke_signer_in_scope(session, scope, signer_id)
    return Response(status_code=204)


@router.post("/signers", response_model=SignerPublic, status_code=201)
def grant_signer(body: SignerGrant, user: Admin, session: SessionDep, scope: ScopeDep):
    """Entitle an account of your region to sign acceptances (双签字) as department or
    government for a region within yours."""
    return service.grant_signer_in_scope(
        session, scope, body.username, body.capacity, body.region_code
    )


@router.get("/files/{file_id:int}", response_class=FileResponse)
def get_file(
    file_id: Id, user: CaseUser, session: SessionDep, scope: ScopeDep, settings: SettingsDep
) -> FileResponse:
    """An evidence file (as stored; its type checked by content at upload)."""
    limits = service.evidence_limits(settings)
    row, path = service.evidence_file(session, scope, file_id, root=limits.root)
    return FileResponse(path, media_type=row.media_type, filename=row.filename)


@router.get("/{case_id:int}", response_model=CaseDetailPublic)
def get_case(case_id: Id, user: CaseUser, session: SessionDep) -> CaseDetailPublic:
    """One case with its history, evidence, sign-offs, reports and the actions you may take."""
    d = service.case_detail(session, user, case_id)
    return CaseDetailPublic(
        case=CaseSummary.model_validate(d.case),
        description=d.case.description,
        events=d.events, files=d.files, signoffs=d.signoffs, sources=d.sources,
        unit=d.unit, actions=d.actions, signer_capacities=sorted(d.signer_capacities),
        merged_from=d.merged_from,
    )  # fmt: skip


@router.post("/{case_id:int}/actions/{event}", response_model=CaseSummary)
def act(case_id: Id, event: CaseEvent, body: ActionBody, user: CaseUser, session: SessionDep):
    """Fire an event on the case: assign 交办, start 整改, submit 申请验收, return 退回,
    sign 签字, close 销号, reopen (反弹/重复举报), merge 合并, cancel 撤销, escalate 督办,
    note 补充材料. An event not allowed in the case's state is a 409 naming both."""
    inp = service.ActionInput(
        reason=body.reason, unit_id=body.unit_id, due_at=body.due_at, capacity=body.capacity,
        into_id=body.into_id, kind=body.kind, evidence_ids=tuple(body.evidence_ids),
    )  # fmt: skip
    return service.act(session, user, case_id, event, inp)


@router.post(
    "/{case_id:int}/evidence",
    response_model=FilePublic,
    status_code=201,
    responses={
        413: {"model": ErrorBody, "description": "larger than QINGSHAN_CASE_EVIDENCE_MAX_BYTES"},
        415: {"model": ErrorBody, "description": "content not an accepted photo or document"},
    },
)
def upload_evidence(
    case_id: Id,
    user: CaseUser,
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    file: Annotated[
        UploadFile, File(description="photo (JPEG, PNG, WebP) or document (PDF, Word, Excel)")
    ],
    note: Annotated[str, Form(max_length=200)] = "",
):
    """Upload an evidence file (checked by its content, stored by its SHA-256); attach it to an
    action by its id (``evidence_ids``)."""
    limits = service.evidence_limits(settings)
    data = file.file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise EvidenceTooLarge(
            f"the file is larger than the limit of {limits.max_bytes} bytes "
            "(setting QINGSHAN_CASE_EVIDENCE_MAX_BYTES)"
        )
    return service.add_evidence(
        session, scope, case_id, data, file.filename or note or "file", limits=limits,
        actor=user.username,
    )  # fmt: skip
