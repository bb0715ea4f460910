"""The producers' ledger (issue #18): annual management plans, monthly declarations, the storage
ledger and its limit alerts, collection points, the monthly mass balance and the KPIs.

- Plans (管理计划, HJ 1259-2022 [U]): one line per code and year; every line carries the site's
  tier over the year's planned total (:func:`qingshan.waste.kpis.management_tier`).
- Declarations (月度申报): generated, self-utilised and self-disposed tonnage per month and code;
  a second declaration of the same month and code replaces the figures (audited). The Excel
  import (:func:`import_declarations_excel`) stores the good rows and reports the bad ones.
- Storage (贮存台账): lots with the day they went in and came out; days stored against the
  limit — 365 days for operators (经营单位, facilities and collection-point operators; 固废法 2020
  Art. 81 ¶3), for producers the configurable ``producer_storage_limit_days`` (default 365) —
  alerted ``storage_alert_days_before`` (30) days before; past it a case (:func:`run_balance_checks`).
- Mass balance (:mod:`qingshan.waste.balance`) per producer and facility and month, with the
  transfers of :func:`qingshan.waste.manifest_service.transfers_frame`; an unclosed balance, the
  dumping pattern and storage past its limit open cases through the sink handed in (source
  ``waste``, one case per enterprise: ``group_key`` ``waste:<enterprise id>``).
- KPIs (:func:`waste_kpis`): 利用处置率, collection coverage of counties and small producers,
  capacity against generation, by county, city or province.

Scope: region users read and write for the enterprises of their region, enterprise users for
the enterprises they act for; enterprises come from the archive's public directory.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import (
    EnterpriseEntry,
    cached_directory,
    directory_entry,
    entry_in_scope,
)
from qingshan.geo.regions import RegionLevel, children, get_region, in_scope
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.tablefile import RowProblem, TableFileError
from qingshan.timeutil import CST, utcnow
from qingshan.waste.balance import dumping_suspect, facility_balance, ledger_rules, producer_balance
from qingshan.waste.codes import validate_code
from qingshan.waste.declaration_import import parse_declarations
from qingshan.waste.errors import LedgerInvalid, LedgerNotFound, WasteCodeError
from qingshan.waste.kpis import (
    capacity_ratio,
    county_coverage,
    is_small_producer,
    management_tier,
    small_producer_coverage,
    utilisation_disposal_rate,
)
from qingshan.waste.models import (
    WasteCollectionMember,
    WasteCollectionPoint,
    WasteDeclaration,
    WasteFacility,
    WastePlan,
    WasteStorageLot,
)

__all__ = [
    "SOURCES",
    "DeclarationIn",
    "PlanLine",
    "StorageAlert",
    "LedgerMonth",
    "ProducerLedger",
    "ImportResult",
    "BalanceRun",
    "Transfers",
    "file_plan",
    "declare",
    "declare_many",
    "import_declarations_excel",
    "add_storage_lot",
    "take_out_lot",
    "storage_alerts",
    "add_collection_point",
    "monthly_balances",
    "run_balance_checks",
    "waste_kpis",
    "producer_ledger",
]

#: where a declaration came from
SOURCES = ("form", "import", "sim")
SOURCE = "waste"
#: transfers_frame's columns the ledger reads
TRANSFER_COLUMNS = ("producer_id", "receiver_id", "shipped_t", "received_t", "month")

#: ``(session, scope, year) -> frame`` of closed or received manifests (the manifests' contract)
Transfers = Callable[[Session, Scope, int], pd.DataFrame]


def _default_transfers(session: Session, scope: Scope, year: int) -> pd.DataFrame:
    from qingshan.waste.manifest_service import transfers_frame

    return transfers_frame(session, scope, year)


# ---------------------------------------------------------------------------------------------
# scope and inputs
# ---------------------------------------------------------------------------------------------
_PROVINCE = Scope("330000", Role.PROVINCE, username="waste-ledger")


def _entry(session: Session, scope: Scope, enterprise_id: int) -> EnterpriseEntry:
    # missing or out of scope: the same 404 as the archive's (an id reveals nothing)
    entry = directory_entry(session, enterprise_id)
    if entry is None or not entry_in_scope(entry, scope):
        raise LedgerNotFound(f"no enterprise {enterprise_id} in your scope", field="enterprise_id")
    return entry


def _in_scope_ids(session: Session, scope: Scope) -> dict[int, EnterpriseEntry]:
    return {i: e for i, e in cached_directory(session).items() if entry_in_scope(e, scope)}


def _tonnes(value: object, name: str) -> float:
    try:
        t = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise LedgerInvalid(
            f"{name} must be a number of tonnes, got {value!r}", field=name
        ) from None
    if not math.isfinite(t) or t < 0:
        raise LedgerInvalid(f"{name} must be a finite number ≥ 0 t, got {value!r}", field=name)
    return t


def _first_of_month(month: date, today: date) -> date:
    if month.day != 1:
        raise LedgerInvalid(f"month must be the first day of a month, got {month}", field="month")
    if month > today.replace(day=1):
        raise LedgerInvalid(f"month {month:%Y-%m} is in the future", field="month")
    if month.year < 2000:
        raise LedgerInvalid(f"month {month:%Y-%m} is before 2000", field="month")
    return month


def _code(code: str, on: date) -> str:
    try:
        return validate_code(code, on).code
    except WasteCodeError as exc:
        raise LedgerInvalid(str(exc), field="waste_code") from exc


def _today() -> date:
    return utcnow().astimezone(CST).date()


def _month_end(month: date) -> date:
    return (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()


# ---------------------------------------------------------------------------------------------
# plans and declarations
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanLine:
    """One line of an annual management plan [t] with the site's tier (HJ 1259-2022 [U])."""

    enterprise_id: int
    year: int
    waste_code: str
    planned_t: float
    tier: str


def file_plan(session: Session, scope: Scope, enterprise_id: int, year: int,
              lines: Mapping[str, float], *, actor: str) -> list[PlanLine]:  # fmt: skip
    """File (or re-file) ``enterprise_id``'s management plan of ``year``: code → planned [t].
    The tier follows the year's total (:func:`~qingshan.waste.kpis.management_tier`) and is
    written on every line of the year, older lines included."""
    _entry(session, scope, enterprise_id)
    if not 2000 <= year <= 2100:
        raise LedgerInvalid(f"year {year} is out of range (2000–2100)", field="year")
    if not lines:
        raise LedgerInvalid("a plan needs at least one code", field="lines")
    clean = {_code(c, date(year, 1, 1)): _tonnes(t, "planned_t") for c, t in lines.items()}
    rows = {r.waste_code: r for r in session.scalars(
        select(WastePlan).where(WastePlan.enterprise_id == enterprise_id, WastePlan.year == year))}  # fmt: skip
    now = utcnow()
    for code, t in clean.items():
        row = rows.get(code)
        if row is None:
            row = WastePlan(enterprise_id=enterprise_id, year=year, waste_code=code, planned_t=t,
                            tier="", filed_at=now, filed_by=actor)  # fmt: skip
            session.add(row)
            rows[code] = row
        else:
            row.planned_t, row.filed_at, row.filed_by = t, now, actor
    tier = management_tier(sum(r.planned_t for r in rows.values())).value
    for r in rows.values():
        r.tier = tier
    session.flush()
    return [PlanLine(enterprise_id, year, r.waste_code, r.planned_t, r.tier)
            for r in sorted(rows.values(), key=lambda r: r.waste_code)]  # fmt: skip


@dataclass(frozen=True)
class DeclarationIn:
    """One month's declaration of one code [t] (month: the first day)."""

    enterprise_id: int
    month: date
    waste_code: str
    generated_t: float
    self_utilised_t: float = 0.0
    self_disposed_t: float = 0.0


def _validated(d: DeclarationIn, today: date) -> DeclarationIn:
    month = _first_of_month(d.month, today)
    return DeclarationIn(d.enterprise_id, month, _code(d.waste_code, month),
                         _tonnes(d.generated_t, "generated_t"),
                         _tonnes(d.self_utilised_t, "self_utilised_t"),
                         _tonnes(d.self_disposed_t, "self_disposed_t"))  # fmt: skip


def _store(session: Session, items: list[DeclarationIn], source: str, actor: str) -> int:
    if source not in SOURCES:
        raise LedgerInvalid(
            f"unknown source {source!r}; one of {', '.join(SOURCES)}", field="source"
        )
    now = utcnow()
    ids = sorted({d.enterprise_id for d in items})
    months = sorted({d.month for d in items})
    existing = {}
    if items:
        existing = {(r.enterprise_id, r.month, r.waste_code): r for r in session.scalars(
            select(WasteDeclaration).where(WasteDeclaration.enterprise_id.in_(ids),
                                           WasteDeclaration.month.in_(months)))}  # fmt: skip
    for d in items:
        row = existing.get((d.enterprise_id, d.month, d.waste_code))
        if row is None:
            row = WasteDeclaration(enterprise_id=d.enterprise_id, month=d.month,
                                   waste_code=d.waste_code, generated_t=d.generated_t,
                                   self_utilised_t=d.self_utilised_t,
                                   self_disposed_t=d.self_disposed_t, source=source,
                                   declared_at=now, declared_by=actor)  # fmt: skip
            session.add(row)
            existing[(d.enterprise_id, d.month, d.waste_code)] = row
        else:
            row.generated_t, row.self_utilised_t = d.generated_t, d.self_utilised_t
            row.self_disposed_t, row.source = d.self_disposed_t, source
            row.declared_at, row.declared_by = now, actor
    session.flush()
    return len(items)


def declare(session: Session, scope: Scope, decl: DeclarationIn, *, actor: str,
            source: str = "form", today: date | None = None) -> DeclarationIn:  # fmt: skip
    """Store one monthly declaration (replacing the same month and code); returns it as stored
    (the code normalised). Raises :class:`LedgerInvalid` (422) naming the field."""
    _entry(session, scope, decl.enterprise_id)
    d = _validated(decl, today or _today())
    _store(session, [d], source, actor)
    return d


def declare_many(session: Session, scope: Scope, decls: Iterable[DeclarationIn], *, actor: str,
                 source: str = "sim", today: date | None = None) -> int:  # fmt: skip
    """Store many declarations at once (the demo, a bulk API): all valid or none stored."""
    today = today or _today()
    items = []
    for d in decls:
        _entry(session, scope, d.enterprise_id)
        items.append(_validated(d, today))
    return _store(session, items, source, actor)


@dataclass
class ImportResult:
    """What an Excel import did: rows stored and the bad rows with their reasons."""

    stored: int = 0
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def import_declarations_excel(session: Session, scope: Scope, data: bytes, *, actor: str,
                              today: date | None = None) -> ImportResult:  # fmt: skip
    """Import a workbook of monthly declarations (layout: :mod:`qingshan.waste.declaration_import`).

    Each row is checked on its own — code valid on the month, 统一社会信用代码 of an enterprise in
    the caller's scope, quantities ≥ 0, month 1–12 and not in the future; the good rows are
    stored together (in one savepoint: all of them or, if the database refuses, none) and the
    bad ones reported with their row number, column and reason."""
    today = today or _today()
    by_credit = {e.credit_code.upper(): e.id for e in _in_scope_ids(session, scope).values()
                 if e.credit_code}  # fmt: skip
    try:
        parsed = parse_declarations(data, credit_codes=by_credit, today=today)
    except TableFileError as exc:  # not a readable workbook: say so, as a 422 naming the file
        raise LedgerInvalid(str(exc), field="file") from None
    good: list[DeclarationIn] = []
    problems = list(parsed.problems)
    for row_no, fields in parsed.rows:
        try:
            good.append(_validated(DeclarationIn(**fields), today))
        except LedgerInvalid as exc:
            header = _IMPORT_HEADERS.get(str(exc.context.get("field", "")), "")
            letter = parsed.letters.get(header, "")
            problems.append(RowProblem(parsed.sheet, row_no, letter, header, str(exc)))
    with session.begin_nested():
        stored = _store(session, good, "import", actor)
    problems.sort(key=lambda p: p.row)
    return ImportResult(stored, parsed.count, problems)


#: a validation error's field → the import's header (the code, the month against today)
_IMPORT_HEADERS = {"waste_code": "废物代码", "month": "月份", "generated_t": "产生量",
                   "self_utilised_t": "自行利用量", "self_disposed_t": "自行处置量"}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# storage
# ---------------------------------------------------------------------------------------------
def add_storage_lot(session: Session, scope: Scope, enterprise_id: int, waste_code: str,
                    stored_on: date, quantity_t: float, *, limit_days: int | None = None,
                    note: str = "") -> int:  # fmt: skip
    """Put a lot into storage (贮存入库); returns its id. ``limit_days``: an approved longer
    term (固废法 2020 Art. 81 ¶3), else the rule of the enterprise's kind."""
    _entry(session, scope, enterprise_id)
    if stored_on > _today():
        raise LedgerInvalid(f"stored_on {stored_on} is in the future", field="stored_on")
    if limit_days is not None and limit_days < 1:
        raise LedgerInvalid(f"limit_days must be ≥ 1, got {limit_days}", field="limit_days")
    q = _tonnes(quantity_t, "quantity_t")
    if q == 0:
        raise LedgerInvalid("quantity_t must be > 0 t", field="quantity_t")
    lot = WasteStorageLot(enterprise_id=enterprise_id, waste_code=_code(waste_code, stored_on),
                          stored_on=stored_on, quantity_t=q, out_on=None, limit_days=limit_days,
                          note=note[:200])  # fmt: skip
    session.add(lot)
    session.flush()
    return lot.id


def take_out_lot(session: Session, scope: Scope, lot_id: int, out_on: date) -> None:
    """Take a lot out of storage (出库) on ``out_on`` (not before it went in)."""
    lot = session.get(WasteStorageLot, lot_id)
    if lot is None:
        raise LedgerNotFound(f"storage lot {lot_id} does not exist", field="lot_id")
    _entry(session, scope, lot.enterprise_id)
    if lot.out_on is not None:
        raise LedgerInvalid(f"storage lot {lot_id} was taken out on {lot.out_on}", field="out_on")
    if out_on < lot.stored_on:
        raise LedgerInvalid(f"out_on {out_on} is before stored_on {lot.stored_on}", field="out_on")
    lot.out_on = out_on
    session.flush()


def _operators(session: Session) -> set[int]:
    """Enterprises bound by the operators' one-year limit: licensed facilities and the
    operators of collection points (固废法 2020 Art. 81 ¶3: 从事收集、贮存、利用、处置经营活动的单位)."""
    ids = set(session.scalars(select(WasteFacility.enterprise_id)))
    ids |= set(session.scalars(select(WasteCollectionPoint.operator_id)))
    return ids


@dataclass(frozen=True)
class StorageAlert:
    """A lot on hand near or past its storage limit (status ``due``: within the alert lead;
    ``overdue``: past the limit) [days, t]."""

    lot_id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    waste_code: str
    stored_on: date
    quantity_t: float
    days_stored: int
    limit_days: int
    days_left: int
    operator: bool
    status: str


def storage_alerts(session: Session, scope: Scope, today: date, *,
                   producer_limit_days: int | None = None) -> list[StorageAlert]:  # fmt: skip
    """Lots on hand on ``today`` within ``storage_alert_days_before`` (30) days of their limit or
    past it, most urgent first. Limit: the lot's approved term, else 365 days for operators
    (固废法 2020 Art. 81 ¶3) and for producers ``producer_limit_days`` (the setting
    ``QINGSHAN_WASTE_PRODUCER_STORAGE_DAYS``; None: the rules' ``producer_storage_limit_days``,
    365)."""
    rules = ledger_rules()
    producer_limit = int(rules["producer_storage_limit_days"] if producer_limit_days is None
                         else producer_limit_days)  # fmt: skip
    allowed = _in_scope_ids(session, scope)
    if not allowed:
        return []
    operators = _operators(session)
    lots = session.scalars(
        select(WasteStorageLot).where(
            WasteStorageLot.enterprise_id.in_(sorted(allowed)),
            WasteStorageLot.stored_on <= today,
            or_(WasteStorageLot.out_on.is_(None), WasteStorageLot.out_on > today),
        )
    )
    out = []
    for lot in lots:
        op = lot.enterprise_id in operators
        limit = lot.limit_days or (int(rules["operator_storage_limit_days"]) if op
                                   else producer_limit)  # fmt: skip
        days = (today - lot.stored_on).days
        left = limit - days
        if left > rules["storage_alert_days_before"]:
            continue
        e = allowed[lot.enterprise_id]
        out.append(StorageAlert(lot.id, lot.enterprise_id, e.name, e.region_code, lot.waste_code,
                                lot.stored_on, lot.quantity_t, days, limit, left, op,
                                "overdue" if left < 0 else "due"))  # fmt: skip
    out.sort(key=lambda a: (a.days_left, a.lot_id))
    return out


def _stock_on(lots: pd.DataFrame, day: date) -> pd.Series:
    """Tonnes on hand at the end of ``day`` per enterprise."""
    if lots.empty:
        return pd.Series(dtype=float)
    on = (lots["stored_on"] <= day) & (lots["out_on"].isna() | (lots["out_on"] > day))
    return lots[on].groupby("enterprise_id")["quantity_t"].sum()


# ---------------------------------------------------------------------------------------------
# collection points
# ---------------------------------------------------------------------------------------------
def add_collection_point(session: Session, scope: Scope, *, region_code: str, operator_id: int,
                         name: str, started_on: date, longitude: float | None = None,
                         latitude: float | None = None, members: Iterable[int] = ()) -> int:  # fmt: skip
    """Register a collection point (收运点) in a county and the small producers it serves."""
    if get_region(region_code).level is not RegionLevel.COUNTY:
        raise LedgerInvalid(f"{region_code} is not a county", field="region_code")
    scope.check_region(region_code)
    _entry(session, scope, operator_id)
    if not name.strip():
        raise LedgerInvalid("a collection point needs a name", field="name")
    member_ids = sorted(set(members))
    for eid in member_ids:  # every member checked before anything is written
        _entry(session, scope, eid)
    point = WasteCollectionPoint(region_code=region_code, operator_id=operator_id,
                                 name=name.strip()[:100], longitude=longitude, latitude=latitude,
                                 started_on=started_on)  # fmt: skip
    session.add(point)
    session.flush()
    for eid in member_ids:
        session.add(WasteCollectionMember(point_id=point.id, enterprise_id=eid))
    session.flush()
    return point.id


# ---------------------------------------------------------------------------------------------
# mass balance
# ---------------------------------------------------------------------------------------------
def _month_key(value: object, year: int) -> date:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return date(year, int(value), 1)
    ts = pd.Timestamp(value)
    return date(ts.year, ts.month, 1)


def _transfers(session: Session, transfers: Transfers, years: Iterable[int],
               scope: Scope = _PROVINCE) -> pd.DataFrame:  # fmt: skip
    frames = []
    for y in sorted(set(years)):
        f = transfers(session, scope, y)
        if f is None or f.empty:
            continue
        f = f.loc[:, list(TRANSFER_COLUMNS)].copy()
        f["month"] = [_month_key(m, y) for m in f["month"]]
        frames.append(f)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in TRANSFER_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    out["received_t"] = out["received_t"].astype("float64").fillna(0.0)
    return out


def _lots(session: Session, enterprise_ids: Collection[int] | None = None) -> pd.DataFrame:
    stmt = select(WasteStorageLot.enterprise_id, WasteStorageLot.stored_on,
                  WasteStorageLot.out_on, WasteStorageLot.quantity_t)  # fmt: skip
    if enterprise_ids is not None:
        stmt = stmt.where(WasteStorageLot.enterprise_id.in_(sorted(enterprise_ids)))
    rows = session.execute(stmt).all()
    return pd.DataFrame(rows, columns=["enterprise_id", "stored_on", "out_on", "quantity_t"])


def monthly_balances(session: Session, months: list[date], *,
                     transfers: Transfers = _default_transfers,
                     enterprise_ids: Collection[int] | None = None,
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The province's producer and facility balances of ``months`` (first days):
    :func:`~qingshan.waste.balance.producer_balance` and
    :func:`~qingshan.waste.balance.facility_balance` frames, one row per enterprise-month.

    Producers: enterprises with a declaration or a shipment in the month (facilities excluded);
    transferred = shipped on manifests received or closed that month. Facilities: received =
    received on manifests that month; processed = their declared self-utilised + self-disposed.
    Stock: the storage ledger at the month's start and end. ``enterprise_ids``: only those
    enterprises (a producer's ledger), else every one."""
    months = sorted(set(months))
    if not months:
        return pd.DataFrame(), pd.DataFrame()
    decl_rows = session.execute(
        select(WasteDeclaration.enterprise_id, WasteDeclaration.month,
               func.sum(WasteDeclaration.generated_t), func.sum(WasteDeclaration.self_utilised_t),
               func.sum(WasteDeclaration.self_disposed_t))
        .where(WasteDeclaration.month.in_(months),
               true() if enterprise_ids is None
               else WasteDeclaration.enterprise_id.in_(sorted(enterprise_ids)))
        .group_by(WasteDeclaration.enterprise_id, WasteDeclaration.month)
    ).all()  # fmt: skip
    decl = pd.DataFrame(decl_rows, columns=["enterprise_id", "month", "generated_t",
                                            "self_utilised_t", "self_disposed_t"])  # fmt: skip
    decl["month"] = [_month_key(m, 0) for m in decl["month"]]
    reader = _PROVINCE
    if enterprise_ids is not None:  # the manifests these enterprises are a party to
        reader = Scope("330000", Role.ENTERPRISE, username="waste-ledger",
                       enterprise_ids=frozenset(enterprise_ids))  # fmt: skip
    tr = _transfers(session, transfers, {m.year for m in months}, reader)
    tr = tr[tr["month"].isin(months)]
    if enterprise_ids is not None:
        tr = tr[tr["producer_id"].isin(enterprise_ids) | tr["receiver_id"].isin(enterprise_ids)]
    shipped = tr.groupby(["producer_id", "month"])["shipped_t"].sum().rename("transferred_t")
    received = tr.groupby(["receiver_id", "month"])["received_t"].sum().rename("received_t")
    facilities = set(session.scalars(select(WasteFacility.enterprise_id)))
    lots = _lots(session, enterprise_ids)

    def stocks(frame: pd.DataFrame) -> pd.DataFrame:
        starts, ends = [], []
        cache: dict[date, pd.Series] = {}
        for eid, m in zip(frame["enterprise_id"], frame["month"], strict=True):
            s_day, e_day = m - timedelta(days=1), _month_end(m)
            for d in (s_day, e_day):
                if d not in cache:
                    cache[d] = _stock_on(lots, d)
            starts.append(float(cache[s_day].get(eid, 0.0)))
            ends.append(float(cache[e_day].get(eid, 0.0)))
        return frame.assign(stock_start_t=starts, stock_end_t=ends)

    d = decl.set_index(["enterprise_id", "month"])
    prod_keys = d.index.union(shipped.index.rename(["enterprise_id", "month"]))
    prod = (
        pd.DataFrame(index=prod_keys).join(d).join(shipped.rename_axis(["enterprise_id", "month"]))
    )
    prod = prod.fillna(0.0).reset_index()
    prod = prod[~prod["enterprise_id"].isin(facilities)]
    prod = stocks(prod) if not prod.empty else prod.assign(stock_start_t=[], stock_end_t=[])
    pb = producer_balance(prod)
    fac_keys = received.index.rename(["enterprise_id", "month"]).union(
        d.index[d.index.get_level_values(0).isin(facilities)]
    )
    fac = pd.DataFrame(index=fac_keys).join(received.rename_axis(["enterprise_id", "month"]))
    fac = fac.join(d[["self_utilised_t", "self_disposed_t"]]).fillna(0.0).reset_index()
    fac["processed_t"] = fac["self_utilised_t"] + fac["self_disposed_t"]
    fac = fac.drop(columns=["self_utilised_t", "self_disposed_t"])
    fac = stocks(fac) if not fac.empty else fac.assign(stock_start_t=[], stock_end_t=[])
    fb = facility_balance(fac)
    return pb, fb


@dataclass(frozen=True)
class BalanceRun:
    """What :func:`run_balance_checks` found and reported (counts)."""

    month: date
    producers: int
    facilities: int
    unclosed: int
    dumping: int
    overdue_storage: int
    cases: int


def _report(session: Session, sink: CaseSink, eid: int, key: str, title: str, description: str,
            when: date, severity: str, evidence: Mapping) -> int:  # fmt: skip
    e = cached_directory(session).get(eid)
    region = e.region_code if e is not None else "330000"
    occurred = datetime.combine(when, datetime.min.time(), tzinfo=CST)
    return sink.open_case(session, CaseReport(
        source=SOURCE, source_key=key, region_code=region, category="solid_waste",
        severity=severity, title=title, occurred_at=occurred, enterprise_id=eid,
        description=description, group_key=f"waste:{eid}", evidence=dict(evidence)))  # fmt: skip


def run_balance_checks(session: Session, sink: CaseSink, month: date, *,
                       transfers: Transfers = _default_transfers,
                       producer_limit_days: int | None = None) -> BalanceRun:  # fmt: skip
    """The monthly check (job ``waste-balance``): ``month``'s producer and facility balances, the
    dumping pattern over the ``dumping_min_months`` months ending with it, and storage past its
    limit at the month's end; each finding reported to ``sink`` (source ``waste``, category
    ``solid_waste``, one case per enterprise through ``group_key``; a re-run extends the
    same reports). Returns the counts."""
    month = month.replace(day=1)
    n = int(ledger_rules()["dumping_min_months"])
    window = [(pd.Timestamp(month) - pd.offsets.MonthBegin(k)).date() for k in range(n - 1, -1, -1)]
    pb, fb = monthly_balances(session, window, transfers=transfers)
    cases: set[int] = set()
    unclosed = 0
    for kind, frame, inflow in (("producer", pb, "generated_t"), ("facility", fb, "received_t")):
        if frame.empty:
            continue
        bad = frame[(frame["month"] == month) & ~frame["closes"]]
        for r in bad.itertuples(index=False):
            unclosed += 1
            cases.add(_report(
                session, sink, int(r.enterprise_id), f"balance:{kind}:{r.enterprise_id}:{month:%Y-%m}",
                f"危险废物物料不平衡 {month:%Y-%m}",
                f"{kind} balance of {month:%Y-%m} does not close: {inflow} {getattr(r, inflow):.3f} t, "
                f"accounted {r.accounted_t:.3f} t, gap {r.gap_t:.3f} t (tolerance {r.tolerance_t:.3f} t)",
                _month_end(month), "serious" if abs(r.gap_t) > 10 * r.tolerance_t else "general",
                {"kind": kind, "month": f"{month:%Y-%m}", inflow: float(getattr(r, inflow)),
                 "accounted_t": float(r.accounted_t), "gap_t": float(r.gap_t),
                 "tolerance_t": float(r.tolerance_t)}))  # fmt: skip
    suspects = dumping_suspect(pb) if not pb.empty else pd.DataFrame()
    suspects = suspects[suspects["last_month"] == month] if not suspects.empty else suspects
    for s in suspects.itertuples(index=False):
        cases.add(_report(
            session, sink, int(s.enterprise_id), f"dumping:{s.enterprise_id}:{s.first_month:%Y-%m}",
            "疑似非法倾倒：申报产生但无转移、无贮存增长",
            f"{s.months} months {s.first_month:%Y-%m} – {s.last_month:%Y-%m}: {s.unaccounted_t:.3f} t "
            "declared generated, nothing transferred or handled on site, stock not growing",
            _month_end(month), "major",
            {"first_month": f"{s.first_month:%Y-%m}", "last_month": f"{s.last_month:%Y-%m}",
             "months": int(s.months), "unaccounted_t": float(s.unaccounted_t)}))  # fmt: skip
    overdue = [
        a
        for a in storage_alerts(
            session, _PROVINCE, _month_end(month), producer_limit_days=producer_limit_days
        )
        if a.status == "overdue"
    ]
    for a in overdue:
        cases.add(_report(
            session, sink, a.enterprise_id, f"storage:{a.lot_id}", "危险废物贮存超期",
            f"lot {a.lot_id} ({a.waste_code}, {a.quantity_t:.3f} t) stored since {a.stored_on}: "
            f"{a.days_stored} days, limit {a.limit_days} days (固废法 2020 Art. 81)",
            _month_end(month), "serious",
            {"lot_id": a.lot_id, "waste_code": a.waste_code, "stored_on": a.stored_on.isoformat(),
             "days_stored": a.days_stored, "limit_days": a.limit_days}))  # fmt: skip
    n_prod = int((pb["month"] == month).sum()) if not pb.empty else 0
    n_fac = int((fb["month"] == month).sum()) if not fb.empty else 0
    return BalanceRun(month, n_prod, n_fac, unclosed, len(suspects), len(overdue), len(cases))


# ---------------------------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------------------------
def _counties(region_code: str) -> list[str]:
    level = get_region(region_code).level
    if level is RegionLevel.COUNTY:
        return [region_code]
    if level is RegionLevel.CITY:
        return [c.code for c in children(region_code)]
    return [c.code for city in children(region_code) for c in children(city.code)]


def waste_kpis(session: Session, region_code: str, year: int, *,
               transfers: Transfers = _default_transfers) -> dict:  # fmt: skip
    """The waste KPIs of a county, city or the province for ``year`` [t, %]:

    - ``utilisation_rate`` 利用处置率 (:func:`~qingshan.waste.kpis.utilisation_disposal_rate`):
      utilised + disposed = the region's producers' declared self-utilised + self-disposed +
      tonnes received by licensed facilities on their manifests of the year; generated = their
      declared generation; prior stock = lots stored before the year and taken out in it;
    - ``county_coverage``: counties with a collection point started by the year's end [%];
    - ``small_producer_coverage``: producers declaring 0 < generation < 10 t in the year
      (:func:`~qingshan.waste.kpis.is_small_producer`) that a collection point serves [%];
    - ``capacity_t`` licensed capacity of the region's facilities valid in the year [t/yr],
      ``capacity_new_t`` of licences first valid in the year, ``capacity_ratio`` capacity over
      generation [1].

    Rates are None when their denominator is 0 (never 100 % of nothing)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    ents = {
        i: e for i, e in cached_directory(session).items() if in_scope(e.region_code, region_code)
    }
    facilities = {int(f.enterprise_id): f for f in session.scalars(select(WasteFacility))}
    producers = [i for i in ents if i not in facilities]
    gen_rows = session.execute(
        select(WasteDeclaration.enterprise_id, func.sum(WasteDeclaration.generated_t),
               func.sum(WasteDeclaration.self_utilised_t), func.sum(WasteDeclaration.self_disposed_t))
        .where(WasteDeclaration.month >= start, WasteDeclaration.month <= end,
               WasteDeclaration.enterprise_id.in_(producers))
        .group_by(WasteDeclaration.enterprise_id)
    ).all() if producers else []  # fmt: skip
    generated = {int(i): float(g or 0) for i, g, _, _ in gen_rows}
    self_used = sum(float(u or 0) for _, _, u, _ in gen_rows)
    self_disposed = sum(float(d or 0) for _, _, _, d in gen_rows)
    tr = _transfers(session, transfers, [year])
    tr = tr[tr["producer_id"].isin(producers)]
    received = float(tr["received_t"].sum()) if not tr.empty else 0.0
    prior = session.execute(
        select(func.sum(WasteStorageLot.quantity_t)).where(
            WasteStorageLot.enterprise_id.in_(producers), WasteStorageLot.stored_on < start,
            and_(WasteStorageLot.out_on >= start, WasteStorageLot.out_on <= end))
    ).scalar() if producers else None  # fmt: skip
    prior_t = float(prior or 0.0)
    total_gen = sum(generated.values())
    counties = _counties(region_code)
    points = session.execute(
        select(WasteCollectionPoint.id, WasteCollectionPoint.region_code)
        .where(WasteCollectionPoint.started_on <= end)
    ).all()  # fmt: skip
    with_point = {r for _, r in points if r in set(counties)}
    members = set(session.scalars(
        select(WasteCollectionMember.enterprise_id).where(
            WasteCollectionMember.point_id.in_([i for i, _ in points])))) if points else set()  # fmt: skip
    small = [i for i, g in generated.items() if g > 0 and is_small_producer(g)]
    covered = [i for i in small if i in members]
    cap = [f for f in facilities.values() if in_scope(f.region_code, region_code)
           and f.licence_valid_from <= end and f.licence_valid_to >= start]  # fmt: skip
    capacity = sum(f.capacity_t_per_year for f in cap)
    new_cap = sum(f.capacity_t_per_year for f in cap if f.licence_valid_from >= start)
    return {
        "region_code": region_code,
        "year": year,
        "generated_t": total_gen,
        "self_utilised_t": self_used,
        "self_disposed_t": self_disposed,
        "received_t": received,
        "prior_stock_t": prior_t,
        "utilised_disposed_t": self_used + received + self_disposed,
        "rate_denominator_t": total_gen + prior_t,
        "utilisation_rate": utilisation_disposal_rate(
            self_used + received, self_disposed, total_gen, prior_t
        ),  # fmt: skip
        "counties": len(counties),
        "counties_with_point": len(with_point),
        "county_coverage": county_coverage(len(with_point), len(counties)),
        "small_producers": len(small),
        "small_covered": len(covered),
        "small_producer_coverage": small_producer_coverage(len(covered), len(small)),
        "capacity_t": capacity,
        "capacity_new_t": new_cap,
        "capacity_ratio": capacity_ratio(capacity, total_gen),
    }


# ---------------------------------------------------------------------------------------------
# the producer's ledger
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerMonth:
    """One month of a producer's ledger [t]; ``closes`` None when nothing happened."""

    month: date
    generated_t: float
    self_utilised_t: float
    self_disposed_t: float
    transferred_t: float
    stock_end_t: float
    gap_t: float
    closes: bool | None


@dataclass(frozen=True)
class ProducerLedger:
    """An enterprise's year: plan lines and tier, the 12 months, storage on hand and its
    alerts, the collection point serving it, totals [t]."""

    enterprise_id: int
    name: str
    region_code: str
    year: int
    plan: list[PlanLine]
    tier: str | None
    months: list[LedgerMonth]
    generated_t: float
    transferred_t: float
    stock_t: float
    small_producer: bool
    collection_point: str | None
    alerts: list[StorageAlert]
    unclosed_months: int


def producer_ledger(session: Session, scope: Scope, enterprise_id: int, year: int, *,
                    today: date | None = None, transfers: Transfers = _default_transfers,
                    producer_limit_days: int | None = None) -> ProducerLedger:  # fmt: skip
    """``enterprise_id``'s ledger of ``year`` as ``scope`` may see it (403 outside it)."""
    e = _entry(session, scope, enterprise_id)
    today = today or _today()
    plan = [PlanLine(r.enterprise_id, r.year, r.waste_code, r.planned_t, r.tier)
            for r in session.scalars(select(WastePlan).where(
                WastePlan.enterprise_id == enterprise_id, WastePlan.year == year)
                .order_by(WastePlan.waste_code))]  # fmt: skip
    months = [date(year, m, 1) for m in range(1, 13) if date(year, m, 1) <= today]
    pb, _ = monthly_balances(session, months, transfers=transfers, enterprise_ids=[enterprise_id])
    frame = pb if not pb.empty and (pb["enterprise_id"] == enterprise_id).any() else pd.DataFrame()
    by_month = {r.month: r for r in frame[frame["enterprise_id"] == enterprise_id].itertuples(index=False)} if not frame.empty else {}  # fmt: skip
    lots = _lots(session, [enterprise_id])
    rows = []
    for m in months:
        r = by_month.get(m)
        stock = float(_stock_on(lots, _month_end(m)).get(enterprise_id, 0.0))
        if r is None:
            rows.append(LedgerMonth(m, 0.0, 0.0, 0.0, 0.0, stock, 0.0, None))
        else:
            rows.append(LedgerMonth(m, float(r.generated_t), float(r.self_utilised_t),
                                    float(r.self_disposed_t), float(r.transferred_t), stock,
                                    float(r.gap_t), bool(r.closes)))  # fmt: skip
    generated = sum(r.generated_t for r in rows)
    point = session.execute(
        select(WasteCollectionPoint.name).join(
            WasteCollectionMember, WasteCollectionMember.point_id == WasteCollectionPoint.id)
        .where(WasteCollectionMember.enterprise_id == enterprise_id).limit(1)
    ).scalar()  # fmt: skip
    alerts = [a for a in storage_alerts(session, scope, today,
                                        producer_limit_days=producer_limit_days)
              if a.enterprise_id == enterprise_id]  # fmt: skip
    return ProducerLedger(
        enterprise_id=enterprise_id, name=e.name, region_code=e.region_code, year=year,
        plan=plan, tier=plan[0].tier if plan else None, months=rows, generated_t=generated,
        transferred_t=sum(r.transferred_t for r in rows),
        stock_t=float(_stock_on(lots, min(today, date(year, 12, 31))).get(enterprise_id, 0.0)),
        small_producer=0 < generated and is_small_producer(generated),
        collection_point=point, alerts=alerts,
        unclosed_months=sum(1 for r in rows if r.closes is False),
    )  # fmt: skip
