"""The producers' ledger API (``/api/v1/waste``): file a management plan, declare a month,
import a workbook of declarations (good rows stored, bad rows reported), put storage lots in and
out, read storage alerts, register a collection point, read a region's KPIs and a producer's
ledger.

Every route needs a signed-in user; what it reaches is the user's scope (an enterprise user:
the enterprises it acts for). Errors: 422 for bad input (naming the field), 404 for an
enterprise that is unknown or outside the scope (the same answer, as the archive gives) or an
unknown lot, 403 for a region outside the scope."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile

from qingshan.accounts.models import Role, User
from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.api.limits import Day
from qingshan.tablefile import XLSX_MEDIA_TYPE, attachment_header
from qingshan.timeutil import CST, utcnow
from qingshan.waste import declaration_import, ledger_service
from qingshan.waste.ledger_schemas import (
    CollectionPointCreate,
    CreatedId,
    DeclarationCreate,
    DeclarationPublic,
    ImportReportPublic,
    KpisPublic,
    LedgerPublic,
    PlanFile,
    PlanLinePublic,
    StorageAlertPublic,
    StorageLotCreate,
    StorageOut,
)

router = APIRouter(prefix="/waste", tags=["waste 危险废物"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Year = Annotated[int, Path(ge=2000, le=2100)]
YearQ = Annotated[int, Query(ge=2000, le=2100)]
Region = Annotated[str, Path(pattern=r"^\d{6}$")]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]


@router.put("/plans/{enterprise_id}/{year}", response_model=list[PlanLinePublic])
def file_plan(enterprise_id: Id, year: Year, body: PlanFile, user: CurrentUser,
              session: SessionDep, scope: ScopeDep) -> list[PlanLinePublic]:  # fmt: skip
    """File (or re-file) an annual management plan; every line carries the year's tier."""
    lines = ledger_service.file_plan(session, scope, enterprise_id, year, body.lines,
                                     actor=user.username)  # fmt: skip
    return [PlanLinePublic(**asdict(x)) for x in lines]


@router.post("/declarations", response_model=DeclarationPublic, status_code=201)
def declare(body: DeclarationCreate, user: CurrentUser, session: SessionDep,
            scope: ScopeDep) -> DeclarationPublic:  # fmt: skip
    """Declare a month (a second declaration of the month and code replaces the figures)."""
    d = ledger_service.declare(session, scope, ledger_service.DeclarationIn(**body.model_dump()),
                               actor=user.username, source="form")  # fmt: skip
    return DeclarationPublic(**asdict(d))


@router.post("/declarations/import", response_model=ImportReportPublic)
def import_declarations(
    user: CurrentUser, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
    file: Annotated[UploadFile, File(description="a declaration workbook (.xlsx, the template's layout)")],
) -> ImportReportPublic:  # fmt: skip
    """Import monthly declarations: good rows stored, bad rows reported (row, column, reason)."""
    data = file.file.read(settings.max_file_bytes + 1)
    r = ledger_service.import_declarations_excel(session, scope, data, actor=user.username)
    return ImportReportPublic(rows=r.rows, stored=r.stored,
                              problems=[asdict(p) for p in r.problems])  # fmt: skip


@router.get("/declarations/template", response_class=Response,
            responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}})  # fmt: skip
def declarations_template(user: CurrentUser) -> Response:
    """The declaration import template (.xlsx)."""
    return Response(declaration_import.template(), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": attachment_header("危险废物月度申报模板.xlsx")})  # fmt: skip


@router.post("/storage", response_model=CreatedId, status_code=201)
def store_lot(body: StorageLotCreate, user: CurrentUser, session: SessionDep,
              scope: ScopeDep) -> CreatedId:  # fmt: skip
    """Put a lot into storage (贮存入库)."""
    lot = ledger_service.add_storage_lot(session, scope, body.enterprise_id, body.waste_code,
                                         body.stored_on, body.quantity_t,
                                         limit_days=body.limit_days, note=body.note)  # fmt: skip
    return CreatedId(id=lot)


@router.post("/storage/{lot_id}/out", status_code=204)
def take_out(lot_id: Id, body: StorageOut, user: CurrentUser, session: SessionDep,
             scope: ScopeDep) -> Response:  # fmt: skip
    """Take a lot out of storage (出库)."""
    ledger_service.take_out_lot(session, scope, lot_id, body.out_on)
    return Response(status_code=204)


@router.get("/storage/alerts", response_model=list[StorageAlertPublic])
def storage_alerts(user: CurrentUser, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
                   today: Annotated[Day | None, Query()] = None) -> list[StorageAlertPublic]:  # fmt: skip
    """Lots within 30 days of their storage limit or past it (固废法 2020 Art. 81)."""
    day = today or utcnow().astimezone(CST).date()
    alerts = ledger_service.storage_alerts(
        session, scope, day, producer_limit_days=settings.waste_producer_storage_days
    )
    return [StorageAlertPublic(**asdict(a)) for a in alerts]


@router.post("/collection-points", response_model=CreatedId, status_code=201)
def add_collection_point(body: CollectionPointCreate, user: Officer, session: SessionDep,
                         scope: ScopeDep) -> CreatedId:  # fmt: skip
    """Register a county's collection point and the small producers it serves (officers)."""
    pid = ledger_service.add_collection_point(session, scope, **body.model_dump())
    return CreatedId(id=pid)


@router.get("/kpis/{region_code}", response_model=KpisPublic)
def kpis(region_code: Region, year: YearQ, user: Officer, session: SessionDep,
         scope: ScopeDep) -> KpisPublic:  # fmt: skip
    """A county's, city's or the province's waste KPIs of ``year`` (within the caller's region)."""
    scope.check_region(region_code)
    return KpisPublic(**ledger_service.waste_kpis(session, region_code, year))


@router.get("/ledger/{enterprise_id}", response_model=LedgerPublic)
def ledger(enterprise_id: Id, year: YearQ, user: CurrentUser, session: SessionDep,
           scope: ScopeDep, settings: SettingsDep) -> LedgerPublic:  # fmt: skip
    """A producer's year: plan and tier, the months' balance, storage alerts, collection point."""
    led = ledger_service.producer_ledger(
        session, scope, enterprise_id, year,
        producer_limit_days=settings.waste_producer_storage_days)  # fmt: skip
    return LedgerPublic.model_validate(asdict(led))
