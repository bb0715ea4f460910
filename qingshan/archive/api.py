"""``/api/v1/archive``: the pollution-source archive (一企一档) — enterprises with permit and
outlets, each outlet's newest values against its permit limits. Login required; scoped like the
rest of the API (an enterprise account sees its own enterprise only; an outlet out of scope is
reported exactly as a missing one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, provided
from qingshan.archive import service
from qingshan.archive.enterprise_file import get_enterprise_file
from qingshan.archive.findings import CreditSummary, EnterpriseRecordSources
from qingshan.archive.models import Industry
from qingshan.archive.schemas import EnterpriseFile, EnterprisePage, OutletDetail
from qingshan.timeutil import as_cst, utcnow

router = APIRouter(prefix="/archive", tags=["archive 污染源档案"])

CountsDep = Annotated[service.OutletCounts, provided(service.OutletCounts)]
SourcesDep = Annotated[EnterpriseRecordSources, provided(EnterpriseRecordSources)]
CreditDep = Annotated[CreditSummary, provided(CreditSummary)]


def _today():
    """Today in China Standard Time: a permit's validity is a matter of CST dates."""
    return as_cst(utcnow()).date()


@router.get("/enterprises", response_model=EnterprisePage)
def list_enterprises(
    user: CurrentUser,
    session: SessionDep,
    scope: ScopeDep,
    counts: CountsDep,
    industry: Industry | None = Query(
        None, description="thermal_power cement paper dyeing chemical"
    ),
    region: str | None = Query(None, pattern=r"^\d{6}$", description="city or county code"),
    q: str | None = Query(
        None, max_length=64, description="name, 统一社会信用代码, permit or outlet"
    ),
    exceeding: bool = Query(
        False, description="only enterprises with an outlet above its limit now"
    ),
    sort: str = Query("region", pattern="^(region|name|industry|exceeding|cases)$"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> EnterprisePage:
    """企业/排口: enterprises in your scope with permit, outlets, latest values vs limits (超标),
    open 电子督办 cases and QC exceedance events; filtered, sorted and paged on the server."""
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
