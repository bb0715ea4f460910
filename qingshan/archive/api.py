"""``/api/v1/archive``: the pollution-source archive (一企一档) — enterprises with permit and
outlets, each outlet's newest values against its permit limits. Login required; scoped like the
rest of the API (an enterprise account sees its own enterprise only; an outlet out of scope is
reported exactly as a missing one)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qingshan.api.deps import CurrentUser, ScopeDep, SessionDep, provided
from qingshan.archive import service
from qingshan.archive.models import Industry
from qingshan.archive.schemas import EnterprisePage, OutletDetail
from qingshan.timeutil import as_cst, utcnow

router = APIRouter(prefix="/archive", tags=["archive 污染源档案"])

CountsDep = Annotated[service.OutletCounts, provided(service.OutletCounts)]


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
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> EnterprisePage:
    """企业/排口: enterprises in your scope with permit, outlets, latest values vs limits (超标),
    open 电子督办 cases and QC exceedance events."""
    return service.list_enterprises(
        session, scope, today=_today(), industry=industry, region=region, q=q,
        limit=limit, offset=offset, counts=counts,
    )  # fmt: skip


@router.get("/outlets/{code}", response_model=OutletDetail)
def get_outlet(
    code: str, user: CurrentUser, session: SessionDep, scope: ScopeDep, counts: CountsDep
) -> OutletDetail:
    """One outlet 排口 with its enterprise, permit and newest values against the limits."""
    return service.get_outlet(session, scope, code, today=_today(), counts=counts)
