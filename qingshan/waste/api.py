"""The hazardous-waste manifests' and facilities' API (``/api/v1/waste``): create a manifest,
sign it as the party whose turn it is, correct it (a new version), list and read manifests in
the caller's scope; list and register facilities.

Every route needs a signed-in user. Errors: 422 for bad input (the code, the licence, the
approval, a field), 403 for a role that may not act, 404 for a manifest unknown or outside the
scope (a user of no party gets the same 404), 409 for a signature the
lifecycle does not allow now (the message names the allowed ones)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query

from qingshan.accounts.models import Role, User
from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, provided, require_roles
from qingshan.qc.supervision import CaseSink
from qingshan.waste import approval_service, facility_service, manifest_service
from qingshan.waste.manifest import ManifestState
from qingshan.waste.manifest_service import ManifestDraft, ManifestFilters, ManifestView
from qingshan.waste.schemas import (
    ApprovalCreate,
    ApprovalPublic,
    CorrectionCreate,
    FacilityCreate,
    FacilityPublic,
    ManifestCreate,
    ManifestPage,
    ManifestPublic,
    ManifestRowPublic,
    SignatureCreate,
    State,
)

router = APIRouter(prefix="/waste", tags=["waste 危险废物"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
SinkDep = Annotated[CaseSink, provided(CaseSink)]
Registrar = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]


def _public(v: ManifestView) -> ManifestPublic:
    data = asdict(v)
    data["transporters"] = [
        {"seq": q, "transporter_id": t, "name": n} for q, t, n in v.transporters
    ]
    data["next_signers"] = [{"party": p, "action": a} for p, a in v.next_signers]
    return ManifestPublic.model_validate(data)


@router.get("/manifests", response_model=ManifestPage)
def list_manifests(
    user: CurrentUser, session: SessionDep, scope: ScopeDep,
    state: State | None = None, year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    enterprise_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    number: Annotated[str | None, Query(pattern=r"^\d{1,14}$")] = None,
    cross_province: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0)] = 0,
) -> ManifestPage:  # fmt: skip
    """The current versions of the manifests in the caller's scope (a region: origin or
    destination in it; an enterprise: those it is a party to), newest transfer first."""
    filters = ManifestFilters(state=None if state is None else ManifestState(state), year=year,
                              enterprise_id=enterprise_id, number=number,
                              cross_province=cross_province, limit=limit, offset=offset)  # fmt: skip
    page = manifest_service.list_manifests(session, scope, filters)
    return ManifestPage(total=page.total, limit=page.limit, offset=page.offset,
                        items=[ManifestRowPublic.model_validate(asdict(r)) for r in page.items])  # fmt: skip


@router.post("/manifests", response_model=ManifestPublic, status_code=201)
def create_manifest(body: ManifestCreate, user: CurrentUser, session: SessionDep,
                    scope: ScopeDep) -> ManifestPublic:  # fmt: skip
    """A new manifest (draft) of a producer the caller acts for (or of the caller's region)."""
    draft = ManifestDraft(**body.model_dump(exclude={"transporter_ids"}),
                          transporter_ids=tuple(body.transporter_ids))  # fmt: skip
    return _public(manifest_service.create_manifest(session, scope, draft, actor=user.username))


@router.get("/manifests/{manifest_id}", response_model=ManifestPublic)
def manifest_detail(manifest_id: Id, user: CurrentUser, session: SessionDep,
                    scope: ScopeDep) -> ManifestPublic:  # fmt: skip
    """One version with the signature timeline, the versions and who signs next."""
    return _public(manifest_service.manifest_detail(session, scope, manifest_id))


@router.post("/manifests/{manifest_id}/signatures", response_model=ManifestPublic, status_code=201)
def sign_manifest(manifest_id: Id, body: SignatureCreate, user: CurrentUser,
                  session: SessionDep, scope: ScopeDep, sink: SinkDep) -> ManifestPublic:  # fmt: skip
    """Sign ``action`` as the party whose turn it is among the caller's enterprises (a bureau
    account: ``paper`` back-entry only). A receipt records the quantity received; a
    discrepancy beyond the tolerance or a rejection opens a case."""
    manifest_service.sign(session, user, manifest_id, body.action, quantity_t=body.quantity_t,
                          note=body.note, paper=body.paper, sink=sink)  # fmt: skip
    return _public(manifest_service.manifest_detail(session, scope, manifest_id))


@router.post("/manifests/{manifest_id}/corrections", response_model=ManifestPublic, status_code=201)
def correct_manifest(manifest_id: Id, body: CorrectionCreate, user: CurrentUser,
                     session: SessionDep) -> ManifestPublic:  # fmt: skip
    """A new version with the changed fields and the reason; the old version is kept."""
    changes = body.model_dump(exclude={"reason"}, exclude_none=True)
    return _public(manifest_service.correct(session, user, manifest_id, changes, body.reason))


@router.get("/facilities", response_model=list[FacilityPublic])
def list_facilities(user: CurrentUser, session: SessionDep, scope: ScopeDep,
                    year: Annotated[int | None, Query(ge=2000, le=2100)] = None
                    ) -> list[FacilityPublic]:  # fmt: skip
    """The licensed facilities (利用处置单位) with this year's receipts against capacity."""
    return [FacilityPublic.model_validate(asdict(f))
            for f in facility_service.facilities(session, scope, year=year)]  # fmt: skip


@router.post("/facilities", response_model=list[FacilityPublic], status_code=201)
def register_facility(body: FacilityCreate, user: Registrar, session: SessionDep,
                      scope: ScopeDep) -> list[FacilityPublic]:  # fmt: skip
    """Register (or re-register) a facility's licence; returns the facility."""
    spec = facility_service.FacilitySpec(**body.model_dump(exclude={"codes", "methods"}),
                                         codes=tuple(body.codes), methods=tuple(body.methods))  # fmt: skip
    fid = facility_service.register_facility(session, scope, spec)
    return [FacilityPublic.model_validate(asdict(f))
            for f in facility_service.facilities(session, scope) if f.id == fid]  # fmt: skip


@router.get("/approvals", response_model=list[ApprovalPublic])
def list_approvals(user: CurrentUser, session: SessionDep, scope: ScopeDep) -> list[ApprovalPublic]:
    """The cross-province approvals the caller sees (bureau: its province's, or naming its
    region; enterprise: naming its enterprises), newest first, with the quantity shipped under
    each (submitted, not voided manifests citing it) and what is left [t]."""
    return [ApprovalPublic.model_validate(asdict(a))
            for a in approval_service.approvals(session, scope)]  # fmt: skip


@router.post("/approvals", response_model=ApprovalPublic, status_code=201)
def record_approval(body: ApprovalCreate, user: CurrentUser, session: SessionDep,
                    scope: ScopeDep) -> ApprovalPublic:  # fmt: skip
    """Record the origin province's approval of a cross-province transfer (province accounts;
    403 otherwise); its validity follows 危险废物转移管理办法 2021 Art. 27 ¶2."""
    spec = approval_service.ApprovalSpec(**body.model_dump(exclude={"waste_codes"}),
                                         waste_codes=tuple(body.waste_codes))  # fmt: skip
    view = approval_service.record_approval(session, scope, spec, actor=user.username)
    return ApprovalPublic.model_validate(asdict(view))
