"""``/api/v1/archive``: the pollution-source archive (一企一档) — enterprises with permit and
outlets, each outlet's newest values against its permit limits. Login required; scoped like the
rest of the API (an enterprise account sees its own enterprise only; an outlet out of scope is
reported exactly as a missing one)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from qingshan.accounts.models import Role, User
from qingshan.api.deps import (
    CurrentUser,
    ScopeDep,
    SessionDep,
    SettingsDep,
    provided,
    require_roles,
)
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import RegionCode
from qingshan.archive import service
from qingshan.archive.enterprise_file import get_enterprise_file
from qingshan.archive.export import archive_tables, export_csv_zip, export_xlsx
from qingshan.archive.findings import CreditSummary, EnterpriseRecordSources
from qingshan.archive.import_archive import ArchiveImportRejected, import_archive
from qingshan.archive.import_layout import template_xlsx
from qingshan.archive.import_schemas import ImportResultPublic, problems_public, result_public
from qingshan.archive.list_export import enterprise_table
from qingshan.archive.models import Industry
from qingshan.archive.schemas import EnterpriseFile, EnterprisePage, OutletDetail
from qingshan.tablefile import XLSX_MEDIA_TYPE, RowProblem
from qingshan.timeutil import as_cst, utcnow

router = APIRouter(prefix="/archive", tags=["archive 污染源档案"])

CountsDep = Annotated[service.OutletCounts, provided(service.OutletCounts)]
SourcesDep = Annotated[EnterpriseRecordSources, provided(EnterpriseRecordSources)]
CreditDep = Annotated[CreditSummary, provided(CreditSummary)]
Importer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]


def _today():
    """Today in China Standard Time: a permit's validity is a matter of CST dates."""
    return as_cst(utcnow()).date()


@router.get("/enterprises", response_model=EnterprisePage, responses=FILE_RESPONSES)
def list_enterprises(
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    counts: CountsDep,
    industry: Industry | None = Query(
        None, description="thermal_power cement paper dyeing chemical"
    ),
    region: RegionCode | None = Query(None, description="city or county code"),
    q: str | None = Query(
        None, max_length=64, description="name, 统一社会信用代码, permit or outlet"
    ),
    exceeding: bool = Query(
        False, description="only enterprises with an outlet above its limit now"
    ),
    sort: str = Query("region", pattern="^(region|name|industry|exceeding|cases)$"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
    format: Literal["csv", "xlsx"] | None = Query(
        None, description="csv or xlsx: the whole filtered list as a file (limit/offset ignored)"
    ),
    lang: Literal["zh", "en"] = Query("zh", description="the file's headers and names"),
) -> EnterprisePage | Response:
    """企业/排口: enterprises in your scope with permit, outlets, latest values vs limits (超标),
    open 电子督办 cases and QC exceedance events; filtered, sorted and paged on the server;
    with ``format`` the whole filtered list (every page, at most 20,000) as Excel or CSV."""
    if format is not None:
        title, headers, rows = enterprise_table(
            session, scope, today=_today(), lang=lang, counts=counts, industry=industry,
            region=region, q=q, exceeding=exceeding, sort=sort,
        )  # fmt: skip
        return table_download(title, headers, rows, format)
    return service.list_enterprises(
        session, scope, today=_today(), industry=industry, region=region, q=q,
        exceeding=exceeding, sort=sort, limit=limit, offset=offset, counts=counts,
    )  # fmt: skip


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseFile)
def enterprise_file(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    counts: CountsDep,
    sources: SourcesDep,
    credit: CreditDep,
    enterprise_id: int = Path(ge=1, le=2**31 - 1),
) -> EnterpriseFile:
    """一企一档: identity, permit versions with outlets, limits and caps, live values against
    the limits, the compliance strip (12 quarters, 12 months), findings, inspections, penalties,
    cases, annual emissions against the caps, transmission rate, credit grade."""
    return get_enterprise_file(
        session, scope, enterprise_id, now=utcnow(), counts=counts, sources=sources,
        credit=credit, store=getattr(request.app.state, "store", None),
    )  # fmt: skip


@router.get("/outlets/{code}", response_model=OutletDetail)
def get_outlet(
    code: str, user: CurrentUser, session: SessionDep, scope: ScopeDep, counts: CountsDep
) -> OutletDetail:
    """One outlet 排口 with its enterprise, permit and newest values against the limits."""
    return service.get_outlet(session, scope, code, today=_today(), counts=counts)


def _download(data: bytes, media_type: str, name: str) -> Response:
    from urllib.parse import quote

    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})  # fmt: skip


@router.post(
    "/import",
    response_model=ImportResultPublic,
    responses={
        422: {"description": "refused: every problem (sheet, row, column, reason) in `problems`"}
    },
)
def import_file(
    user: Importer,
    session: SessionDep,
    scope: ScopeDep,
    settings: SettingsDep,
    file: Annotated[
        list[UploadFile],
        File(
            description="a workbook (.xlsx), CSV files (one per sheet) or a .zip",
            min_length=1,
            max_length=20,
        ),
    ],
    dry_run: bool = Query(False, description="check and report what would change; store nothing"),
) -> ImportResultPublic | JSONResponse:
    """导入污染源档案 (province and city accounts, within their region): enterprises, outlets,
    permits with versions, limits and caps. Every row is checked through the archive's rules;
    when any is bad nothing is stored and the answer is 422 with every problem. Importing an
    export changes nothing; ``dry_run`` says what would change."""
    files, total = [], 0
    for f in file:
        data = f.file.read(settings.max_file_bytes + 1 - total)
        total += len(data)
        files.append((f.filename or "file", data))
    try:
        if total > settings.max_file_bytes:
            raise ArchiveImportRejected([RowProblem("", 0, "", "", f"larger than the limit of "
                                        f"{settings.max_file_bytes} bytes (setting QINGSHAN_MAX_FILE_BYTES)")])  # fmt: skip
        result = import_archive(session, files, actor=user.username, max_bytes=settings.max_file_bytes,
                                scope=scope, dry_run=dry_run)  # fmt: skip
    except ArchiveImportRejected as exc:
        session.rollback()
        return JSONResponse(status_code=422, content={
            "error": type(exc).__name__, "detail": exc.message, "context": {"problems": len(exc.problems)},
            "problems": problems_public(exc.problems)})  # fmt: skip
    return result_public(result)


@router.get("/export", response_class=Response)
def export_file(
    user: Officer,
    session: SessionDep,
    scope: ScopeDep,
    region: RegionCode | None = Query(None, description="a city or county within yours"),
    format: str = Query(
        "xlsx",
        pattern="^(xlsx|csv|csv-gbk)$",
        description="xlsx, or a .zip of CSV files (UTF-8 or GBK)",
    ),
) -> Response:
    """导出污染源档案: the enterprises of your region (or ``region``) with outlets, every permit
    version, limits and caps, in the import's layout."""
    tables = archive_tables(session, scope, region)
    stem = f"污染源档案-{region or scope.region_code}-{as_cst(utcnow()):%Y%m%d}"
    if format == "xlsx":
        return _download(export_xlsx(tables), XLSX_MEDIA_TYPE, f"{stem}.xlsx")
    return _download(
        export_csv_zip(tables, "gbk" if format == "csv-gbk" else "utf-8"),
        "application/zip",
        f"{stem}.zip",
    )


@router.get("/import/template", response_class=Response)
def import_template(user: Officer) -> Response:
    """The blank exchange workbook: the four sheets' headers (with notes) and an example row."""
    return _download(template_xlsx(), XLSX_MEDIA_TYPE, "污染源档案导入模板.xlsx")
