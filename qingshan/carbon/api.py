"""The carbon accounts' API (``/api/v1/carbon``): submit a month's activity, import a workbook
(good rows stored, bad rows reported), read an enterprise's account and the results, list the
factor library, set and read a region's peak path, recompute after a factor correction.

Every route needs a signed-in user; what it reaches is the user's scope (an enterprise user:
its own enterprises). Errors: 422 for bad input (naming the field), 404 for an enterprise that
is unknown or outside the scope (the same answer, as the archive gives), 403 for a role that may
not act (a peak path set by an enterprise)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile

from qingshan.accounts.models import Role, User
from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, SettingsDep, require_roles
from qingshan.carbon import imports, service
from qingshan.carbon.account import account
from qingshan.carbon.accounting import MonthResult, result_to_json
from qingshan.carbon.activity import ActivityMonth, FuelUse, activity_to_json
from qingshan.carbon.results import peak_path, results_frame, set_peak_path
from qingshan.carbon.schemas import (
    AccountPublic,
    ActivityCreate,
    FactorPublic,
    ImportReportPublic,
    MonthResultPublic,
    PeakPathPublic,
    PeakPathSet,
    RecomputePublic,
    RecomputeRequest,
    ResultRowPublic,
)
from qingshan.tablefile import XLSX_MEDIA_TYPE, attachment_header

router = APIRouter(prefix="/carbon", tags=["carbon 碳账户"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Year = Annotated[int, Query(ge=2005, le=2100)]
Region = Annotated[str, Path(pattern=r"^\d{6}$")]
Province = Annotated[User, require_roles(Role.PROVINCE)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]


def _result(r: MonthResult) -> MonthResultPublic:
    return MonthResultPublic.model_validate(result_to_json(r))


@router.post("/activity", response_model=MonthResultPublic, status_code=201)
def submit_activity(body: ActivityCreate, user: CurrentUser, session: SessionDep, scope: ScopeDep,
                    settings: SettingsDep) -> MonthResultPublic:  # fmt: skip
    """Submit a month's activity data (a resubmission is a new revision; the result of the
    month becomes a new version, the old kept). Returns the month's emissions."""
    activity = ActivityMonth(
        enterprise_id=body.enterprise_id, month=body.month,
        fuels=tuple(FuelUse(f.fuel, f.amount, f.unit) for f in body.fuels),
        **body.model_dump(exclude={"enterprise_id", "month", "fuels"}),
    )  # fmt: skip
    r = service.submit_activity(session, scope, activity, source="api", actor=user.username,
                                library=service.library_of(settings.data_dir))  # fmt: skip
    return _result(r)


@router.post("/import", response_model=ImportReportPublic)
def import_activity(
    user: CurrentUser, session: SessionDep, scope: ScopeDep, settings: SettingsDep,
    file: Annotated[UploadFile, File(description="an activity workbook (.xlsx, the template's layout)")],
) -> ImportReportPublic:  # fmt: skip
    """Import an activity workbook: one row per enterprise-month. Good rows are stored, bad rows
    are reported (row, column, what is wrong) and not stored; a row is stored whole or not."""
    data = file.file.read(settings.max_file_bytes + 1)
    report = service.import_activity_excel(session, scope, data, actor=user.username,
                                           library=service.library_of(settings.data_dir),
                                           max_bytes=settings.max_file_bytes)  # fmt: skip
    return ImportReportPublic(rows=report.rows, stored=report.stored, rejected=report.rejected,
                              problems=[asdict(p) for p in report.problems])  # fmt: skip


@router.get("/import/template", response_class=Response,
            responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}})  # fmt: skip
def import_template(user: CurrentUser) -> Response:
    """The import template (.xlsx): the headers with a note each and two example rows."""
    return Response(imports.template(), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": attachment_header("碳排放活动数据导入模板.xlsx")})  # fmt: skip


@router.get("/accounts/{enterprise_id}", response_model=AccountPublic)
def get_account(enterprise_id: Id, year: Year, user: CurrentUser, session: SessionDep,
                scope: ScopeDep) -> AccountPublic:  # fmt: skip
    """An enterprise's carbon account of ``year``: months (activity, result, versions), totals,
    warnings, the 碳效码 and the factors used."""
    a = account(session, scope, enterprise_id, year)
    return AccountPublic(
        enterprise_id=a.enterprise_id, name=a.name, credit_code=a.credit_code,
        region_code=a.region_code, industry=a.industry, industry_code=a.industry_code, year=a.year,
        months=[dict(month=m.month, revision=m.revision, source=m.source,
                     submitted_by=m.submitted_by, submitted_at=m.submitted_at,
                     activity=activity_to_json(m.activity), result=_result(m.result),
                     versions=[asdict(v) for v in m.versions]) for m in a.months],
        scope1_tco2=a.scope1_tco2, scope2_tco2=a.scope2_tco2, biomass_tco2=a.biomass_tco2,
        total_tco2=a.total_tco2, value_added_10k_yuan=a.value_added_10k_yuan,
        warnings=[asdict(w) for w in a.warnings], code=asdict(a.code), factors=a.factors,
    )  # fmt: skip


@router.get("/results", response_model=list[ResultRowPublic])
def get_results(user: CurrentUser, session: SessionDep, scope: ScopeDep, year_from: Year,
                year_to: Year) -> list[dict]:  # fmt: skip
    """The current monthly results of the enterprises in the caller's scope."""
    df = results_frame(session, scope, year_from=year_from, year_to=year_to)
    return df.astype(object).where(df.notna(), None).to_dict("records")


@router.get("/factors", response_model=list[FactorPublic])
def get_factors(user: CurrentUser, settings: SettingsDep,
                kind: str | None = Query(None, pattern="^(fuel|grid|heat|process)$")) -> list[dict]:  # fmt: skip
    """The emission-factor library in force (package data and the data dir's corrections):
    every factor with its source, validity and confidence tag."""
    lib = service.library_of(settings.data_dir)
    return [f.to_json() for f in lib.all() if kind is None or f.kind == kind]


@router.get("/peak-path/{region_code}", response_model=PeakPathPublic)
def get_peak_path(region_code: Region, user: Officer, session: SessionDep,
                  scope: ScopeDep) -> PeakPathPublic:  # fmt: skip
    """A region's peak path (year → tCO2; empty when none is set)."""
    scope.check_region(region_code)
    return PeakPathPublic(region_code=region_code, path=peak_path(session, region_code))


@router.put("/peak-path/{region_code}", response_model=PeakPathPublic)
def put_peak_path(region_code: Region, body: PeakPathSet, user: Officer, session: SessionDep,
                  scope: ScopeDep) -> PeakPathPublic:  # fmt: skip
    """Set a region's peak path for the years given (others kept)."""
    set_peak_path(session, scope, region_code, body.path, actor=user.username)
    return PeakPathPublic(region_code=region_code, path=peak_path(session, region_code))


@router.post("/recompute", response_model=RecomputePublic)
def post_recompute(body: RecomputeRequest, user: Province, session: SessionDep,
                   settings: SettingsDep) -> RecomputePublic:  # fmt: skip
    """Recompute the current results with the library in force (after a correction dropped in
    ``$QINGSHAN_DATA_DIR/carbon/factors/``): new versions where a figure or factor changed."""
    lib = service.library_of(settings.data_dir)
    n = service.recompute(session, lib, reason=body.reason, enterprise_ids=body.enterprise_ids,
                          months=body.months)  # fmt: skip
    return RecomputePublic(versions=n, library_version=lib.version)
