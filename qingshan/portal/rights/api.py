"""The emission-rights API (``/api/v1/portal/rights``, issue #23): balances per enterprise ×
pollutant, the region's year report, the reserves' position, an enterprise's statement (each also
as CSV / Excel with ``format``), and recording movements, reversals and cap changes.

Officers (province, city, county) read and record in their region; an enterprise account reads
the balances and statements of the enterprises it acts for; anonymous callers get 401. A refused
movement is 422 with ``context.reason`` (insufficient_balance, cap_exceeded, unknown_pollutant,
bad_term, …) and stores nothing."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from qingshan.accounts.models import Role, User
from qingshan.api.deps import ScopeDep, SessionDep, require_roles
from qingshan.api.export import FILE_RESPONSES, table_download
from qingshan.api.limits import Day, Id, NoNul
from qingshan.portal.rights import service as svc
from qingshan.portal.rights.ledger import ACCOUNT_KINDS, KINDS, RECORDABLE, pollutants
from qingshan.timeutil import as_cst, utcnow

router = APIRouter(prefix="/portal/rights", tags=["portal rights 排污权"])

Reader = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY, Role.ENTERPRISE)]
Officer = Annotated[User, require_roles(Role.PROVINCE, Role.CITY, Role.COUNTY)]
Year = Annotated[
    int | None, Query(ge=2000, le=2100, description="the calendar year (default: this year, CST)")
]
Fmt = Annotated[Literal["csv", "xlsx"] | None, Query(description="a download instead of JSON")]
Pollutant = Annotated[str, StringConstraints(pattern="^(" + "|".join(pollutants()) + ")$")]
Doc = Annotated[str, StringConstraints(min_length=1, max_length=64), NoNul]
Text = Annotated[str, StringConstraints(max_length=500), NoNul]
Region = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]


def _this_year() -> int:
    return as_cst(utcnow()).year


class PollutantOut(BaseModel):
    code: str
    zh: str
    en: str
    parameter: str | None = Field(description="the HJ 212-2017 code of the permit cap")


class KindOut(BaseModel):
    code: str
    zh: str
    en: str
    recordable: bool


class CatalogOut(BaseModel):
    pollutants: list[PollutantOut]
    kinds: list[KindOut]
    accounts: dict[str, list[str]]


class BalanceOut(BaseModel):
    enterprise_id: int
    enterprise: str
    region_code: str
    pollutant: str
    opening: float
    allocated: float
    bought: float
    sold: float
    leased_in: float
    leased_out: float
    lease_back: float
    lease_returned: float
    from_reserve: float
    to_reserve: float
    retired: float
    closing: float
    cap: float | None = Field(description="t/a; null: no permit cap and no approved change")
    bought_value_yuan: float
    sold_value_yuan: float


class RegionYearOut(BaseModel):
    region_code: str
    region: str
    pollutant: str
    allocated: float
    traded: float
    traded_value_yuan: float
    leased: float
    reserve_purchased: float
    reserve_released: float
    retired: float
    held_by_enterprises: float
    reserve_position: float


class ReserveOut(BaseModel):
    region_code: str
    region: str
    pollutant: str
    balance: float
    allocated: float
    purchased: float
    released: float
    paid_yuan: float
    received_yuan: float


class StatementLineOut(BaseModel):
    id: int
    on: date
    pollutant: str
    kind: str
    document_no: str
    counterpart: str
    amount: float
    balance: float
    value_yuan: float | None
    lease_end: date | None
    reverses_id: int | None
    project: str


class PartyIn(BaseModel):
    kind: Literal["enterprise", "reserve", "issuance"]
    enterprise_id: Id | None = None
    region_code: Region | None = Field(None, description="a reserve's city or county (GB/T 2260)")


class MovementIn(BaseModel):
    kind: Literal[
        "allocation", "trade", "lease", "reserve_purchase", "reserve_release", "retirement"
    ]
    pollutant: Pollutant
    to: PartyIn
    from_: PartyIn = Field(alias="from")
    amount_t: float = Field(gt=0, le=1e6, strict=True, description="t/a (to 0.001)")
    on: Day
    document_no: Doc
    value_yuan: float | None = Field(None, ge=0, le=1e12, strict=True)
    lease_end: Day | None = Field(None, description="a lease's last day")
    project: Annotated[str, StringConstraints(max_length=200), NoNul] = ""
    note: Text = ""


class MovementOut(BaseModel):
    id: int
    kind: str
    pollutant: str
    amount_t: float
    on: date
    document_no: str
    reverses_id: int | None


class ReverseIn(BaseModel):
    on: Day
    document_no: Doc
    note: Text = ""


class CapChangeIn(BaseModel):
    enterprise_id: Id
    pollutant: Pollutant
    cap_t: float = Field(ge=0, le=1e6, strict=True)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500), NoNul]
    document_no: Annotated[str, StringConstraints(max_length=64), NoNul] = ""


class DecisionIn(BaseModel):
    approve: bool


class CapChangeOut(BaseModel):
    id: int
    enterprise_id: int
    pollutant: str
    cap_t: float
    status: str
    requested_by: str
    decided_by: str | None


def _download(title: str, rows: list, fmt: str) -> Response:
    dicts = [asdict(r) for r in rows]
    columns = list(dicts[0]) if dicts else ["(empty)"]
    return table_download(title, columns, ([d[c] for c in columns] for d in dicts), fmt)


def _movement(m) -> MovementOut:
    return MovementOut(id=m.id, kind=m.kind, pollutant=m.pollutant, amount_t=m.amount_kg / 1000,
                       on=m.on, document_no=m.document_no, reverses_id=m.reverses_id)  # fmt: skip


@router.get("/catalog", response_model=CatalogOut)
def catalog(user: Reader) -> CatalogOut:
    """The configured pollutants (with the HJ 212 code of their permit cap) and movement kinds."""
    return CatalogOut(
        pollutants=[PollutantOut(code=p.code, zh=p.zh, en=p.en, parameter=p.parameter)
                    for p in pollutants().values()],
        kinds=[KindOut(code=k, zh=v[0], en=v[1], recordable=k in RECORDABLE) for k, v in KINDS.items()],
        accounts={k: list(v) for k, v in ACCOUNT_KINDS.items()},
    )  # fmt: skip


@router.get("/balances", response_model=list[BalanceOut], responses=FILE_RESPONSES)
def balances(user: Reader, session: SessionDep, scope: ScopeDep, year: Year = None,
             pollutant: Annotated[Pollutant | None, Query()] = None,
             format: Fmt = None) -> list[BalanceOut] | Response:  # fmt: skip
    """Per enterprise × pollutant of your scope: the year's opening and closing balance, its
    flows and the cap in force [t/a]."""
    rows = svc.balances(session, scope, year=year or _this_year(), pollutant=pollutant)
    if format:
        return _download(f"排污权余额-{year or _this_year()}", rows, format)
    return [BalanceOut(**asdict(r)) for r in rows]


@router.get("/report", response_model=list[RegionYearOut], responses=FILE_RESPONSES)
def report(user: Officer, session: SessionDep, scope: ScopeDep, year: Year = None,
           format: Fmt = None) -> list[RegionYearOut] | Response:  # fmt: skip
    """Per county × pollutant of your region: allocated, traded volume and value, leased, 收储,
    储备出让, retired, and what enterprises and the reserve hold at the year's end."""
    rows = svc.region_report(session, scope, year=year or _this_year())
    if format:
        return _download(f"排污权年报-{year or _this_year()}", rows, format)
    return [RegionYearOut(**asdict(r)) for r in rows]


@router.get("/reserve", response_model=list[ReserveOut], responses=FILE_RESPONSES)
def reserve(user: Officer, session: SessionDep, scope: ScopeDep,
            on: Annotated[Day | None, Query(description="the day (default: today, CST)")] = None,
            format: Fmt = None) -> list[ReserveOut] | Response:  # fmt: skip
    """The reserves (储备) of your region on a day."""
    rows = svc.reserve_position(session, scope, on=on or as_cst(utcnow()).date())
    if format:
        return _download("排污权储备", rows, format)
    return [ReserveOut(**asdict(r)) for r in rows]


@router.get("/statement/{enterprise_id}", response_model=list[StatementLineOut],
            responses=FILE_RESPONSES)  # fmt: skip
def statement(enterprise_id: Id, user: Reader, session: SessionDep, scope: ScopeDep,
              year: Year = None, format: Fmt = None) -> list[StatementLineOut] | Response:  # fmt: skip
    """The account statement (对账单) of one enterprise for a year, with running balances."""
    rows = svc.statement(session, scope, enterprise_id, year=year or _this_year())
    if format:
        return _download(f"排污权对账单-{enterprise_id}-{year or _this_year()}", rows, format)
    return [StatementLineOut(**asdict(r)) for r in rows]


@router.post("/movements", response_model=list[MovementOut], status_code=201)
def record(
    body: MovementIn, user: Officer, session: SessionDep, scope: ScopeDep
) -> list[MovementOut]:
    """Record a movement (a lease is stored with its dated return); 422 names what is wrong."""
    m = svc.record_movement(
        session, scope, kind=body.kind, pollutant=body.pollutant,
        to=svc.Party(body.to.kind, body.to.enterprise_id, body.to.region_code),
        from_=svc.Party(body.from_.kind, body.from_.enterprise_id, body.from_.region_code),
        amount_t=body.amount_t, on=body.on, document_no=body.document_no, now=utcnow(),
        value_yuan=body.value_yuan, lease_end=body.lease_end, project=body.project, note=body.note,
    )  # fmt: skip
    return [_movement(m)]


@router.post("/movements/{movement_id}/reverse", response_model=list[MovementOut], status_code=201)
def reverse(movement_id: Id, body: ReverseIn, user: Officer, session: SessionDep,
            scope: ScopeDep) -> list[MovementOut]:  # fmt: skip
    """Reverse (冲正) a movement — and a lease's return with it."""
    out = svc.reverse_movement(session, scope, movement_id, on=body.on,
                               document_no=body.document_no, now=utcnow(), note=body.note)  # fmt: skip
    return [_movement(m) for m in out]


def _change(c) -> CapChangeOut:
    return CapChangeOut(id=c.id, enterprise_id=c.enterprise_id, pollutant=c.pollutant,
                        cap_t=c.cap_kg / 1000, status=c.status, requested_by=c.requested_by,
                        decided_by=c.decided_by)  # fmt: skip


@router.post("/cap-changes", response_model=CapChangeOut, status_code=201)
def request_change(
    body: CapChangeIn, user: Officer, session: SessionDep, scope: ScopeDep
) -> CapChangeOut:
    """Ask that an enterprise may hold more than its permit's cap; pending until an officer of a
    higher level decides."""
    return _change(svc.request_cap_change(
        session, scope, enterprise_id=body.enterprise_id, pollutant=body.pollutant,
        cap_t=body.cap_t, reason=body.reason, document_no=body.document_no, now=utcnow()))  # fmt: skip


@router.post("/cap-changes/{change_id}/decision", response_model=CapChangeOut)
def decide_change(change_id: Id, body: DecisionIn, user: Officer, session: SessionDep,
                  scope: ScopeDep) -> CapChangeOut:  # fmt: skip
    """Approve or reject a pending cap change (an officer of a higher level than the asker)."""
    return _change(
        svc.decide_cap_change(session, scope, change_id, approve=body.approve, now=utcnow())
    )
