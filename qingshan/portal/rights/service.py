"""The emission-rights ledger service (排污权, issue #23): record movements as double entries,
reverse them, approve holdings above a permit's cap, and read balances, statements and reports.

Who: province, city and county officers record movements touching accounts in their region and
read there; an enterprise user reads the accounts of the enterprises it acts for
(:attr:`Scope.enterprises`) and records nothing; the public reads nothing.

Rules every write keeps (checked before anything is stored; a refusal stores nothing and says
what is wrong): the pollutant is configured (``data/pollutants.json``); the amount is > 0; the
accounts fit the kind (:data:`~qingshan.portal.rights.ledger.KINDS`); a lease ends on or after it
starts; with the new entries, every account touched keeps a balance ≥ 0 on every date from the
movement on (issuance excepted), and every enterprise account a balance ≤ its cap on every such
date. The cap is the latest approved change (:func:`decide_cap_change`) or else the current
permit's annual cap for the pollutant (许可排放量, archive ``permit_cap``); with neither the
enterprise may hold nothing of that pollutant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import current_permits, directory_entry, enterprise_names
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import get_region, in_scope, scope_prefix
from qingshan.portal.rights.errors import RightsError, RightsNotFound
from qingshan.portal.rights.ledger import (
    KINDS,
    PRICED,
    RECORDABLE,
    check_pollutant,
    kg,
    pollutants,
    running_extremes,
    tonnes,
)
from qingshan.portal.rights.models import RightsAccount, RightsCapChange, RightsMovement

__all__ = [
    "Balance",
    "Party",
    "RegionYear",
    "ReservePosition",
    "StatementLine",
    "region_report",
    "reserve_position",
    "statement",
    "balances",
    "decide_cap_change",
    "ledger_totals",
    "record_movement",
    "request_cap_change",
    "reverse_movement",
]

PROVINCE = "330000"
OFFICERS = (Role.PROVINCE, Role.CITY, Role.COUNTY)


@dataclass(frozen=True)
class Party:
    """One side of a movement: ``enterprise`` (with ``enterprise_id``), ``reserve`` (with
    ``region_code``, a city or county) or ``issuance``."""

    kind: str
    enterprise_id: int | None = None
    region_code: str | None = None


# --- accounts ------------------------------------------------------------------------------


def _officer(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied(
            f"{scope.username} may not record emission-rights movements (officers only)"
        )


def _account(session: Session, scope: Scope, party: Party, pollutant: str,
             now: datetime) -> RightsAccount:  # fmt: skip
    """The account of ``party`` for ``pollutant`` in ``scope``, locked (PostgreSQL); a new,
    not yet stored one when it has no account yet."""
    if party.kind == "enterprise":
        if party.enterprise_id is None:
            raise RightsError("an enterprise account needs enterprise_id", reason="bad_account")
        entry = directory_entry(session, party.enterprise_id)
        if entry is None or not in_scope(entry.region_code, scope.region_code):
            raise RightsNotFound(f"no enterprise {party.enterprise_id} in your region")
        key, region, ent = (
            f"enterprise:{party.enterprise_id}:{pollutant}",
            entry.region_code,
            entry.id,
        )
    elif party.kind == "reserve":
        region = party.region_code or ""
        try:
            get_region(region)
        except Exception:  # noqa: BLE001 - any lookup failure is an unknown code
            raise RightsError(f"unknown region {region!r} for a reserve account",
                              reason="bad_account") from None  # fmt: skip
        if not in_scope(region, scope.region_code):
            raise RightsNotFound(
                f"the reserve of {region} is outside your region {scope.region_code}"
            )
        key, ent = f"reserve:{region}:{pollutant}", None
    elif party.kind == "issuance":
        key, region, ent = f"issuance:{pollutant}", PROVINCE, None
    else:
        raise RightsError(f"unknown account kind {party.kind!r} (enterprise, reserve, issuance)",
                          reason="bad_account")  # fmt: skip
    acc = session.scalar(select(RightsAccount).where(RightsAccount.key == key).with_for_update())
    if acc is None:  # made on first use, stored only once the movement passes its checks
        acc = RightsAccount(key=key, kind=party.kind, pollutant=pollutant, region_code=region,
                            enterprise_id=ent, created_at=now)  # fmt: skip
    return acc


def _caps_kg(session: Session, enterprise_ids: Iterable[int]) -> dict[tuple[int, str], int | None]:
    """(enterprise, pollutant) → cap [kg/a] for every configured pollutant: the latest approved
    change, else the current permit's cap for the pollutant's parameter, else None (nothing may
    be held)."""
    ids = sorted(set(enterprise_ids))
    out: dict[tuple[int, str], int | None] = {}
    permits = current_permits(session, ids)
    for e in ids:
        caps = permits[e].caps if e in permits else {}
        for code, p in pollutants().items():
            t = caps.get(p.parameter) if p.parameter else None
            out[(e, code)] = None if t is None else kg(t)
    if ids:
        rows = session.scalars(
            select(RightsCapChange)
            .where(RightsCapChange.enterprise_id.in_(ids), RightsCapChange.status == "approved")
            .order_by(RightsCapChange.decided_at, RightsCapChange.id)
        )
        for c in rows:
            out[(c.enterprise_id, c.pollutant)] = c.cap_kg
    return out


# --- writing -------------------------------------------------------------------------------


#: a movement before it is stored: (debit account, credit account, kg/a, day, kind)
_New = tuple[RightsAccount, RightsAccount, int, date, str]


def _entries(
    session: Session, accounts: Sequence[RightsAccount]
) -> dict[str, list[tuple[date, int]]]:
    """Account key → its signed entries (day, ±kg/a) as stored."""
    out: dict[str, list[tuple[date, int]]] = {a.key: [] for a in accounts}
    by_id = {a.id: a.key for a in accounts if a.id is not None}
    if not by_id:
        return out
    ids = sorted(by_id)
    rows = session.execute(
        select(RightsMovement.debit_account_id, RightsMovement.credit_account_id,
               RightsMovement.amount_kg, RightsMovement.on)
        .where(or_(RightsMovement.debit_account_id.in_(ids),
                   RightsMovement.credit_account_id.in_(ids)))
    ).all()  # fmt: skip
    for d, c, amount, on in rows:
        if d in by_id:
            out[by_id[d]].append((on, int(amount)))
        if c in by_id:
            out[by_id[c]].append((on, -int(amount)))
    return out


def _check(session: Session, new: Sequence[_New]) -> None:
    """Refuse (RightsError) unless, with ``new``, every account touched stays ≥ 0 (issuance
    excepted) on every day from the earliest new one, and every enterprise account that ``new``
    adds to (a lease's return aside) stays ≤ its cap on every such day."""
    accounts = {a.key: a for n in new for a in (n[0], n[1])}
    entries = _entries(session, list(accounts.values()))
    since = min(n[3] for n in new)
    before = {k: running_extremes(e, since)[0] for k, e in entries.items()}
    for debit, credit, amount, day, _kind in new:
        entries[debit.key].append((day, amount))
        entries[credit.key].append((day, -amount))
    gaining = {n[0].key for n in new if n[4] != "lease_return"}
    ents = [a.enterprise_id for a in accounts.values() if a.enterprise_id is not None]
    caps = _caps_kg(session, ents)
    for key, acc in sorted(accounts.items()):
        low, high = running_extremes(entries[key], since)
        if acc.kind != "issuance" and low < 0:
            raise RightsError(
                f"insufficient balance: account {key} holds {tonnes(max(before[key], 0)):g} t/a "
                f"from {since} on; this would take it to {tonnes(low):g} t/a",
                reason="insufficient_balance", account=key,
            )  # fmt: skip
        if acc.kind == "enterprise" and acc.enterprise_id is not None and key in gaining:
            cap = caps.get((acc.enterprise_id, acc.pollutant))
            if high > (cap or 0):
                what = ("no permit cap for it and no approved change" if cap is None
                        else f"the cap of {tonnes(cap):g} t/a")  # fmt: skip
                raise RightsError(
                    f"cap exceeded: account {key} would hold {tonnes(high):g} t/a, over "
                    f"{what}; an approved cap change is needed",
                    reason="cap_exceeded", account=key, cap_t=None if cap is None else tonnes(cap),
                )  # fmt: skip


def _store(session: Session, new: Sequence[_New], **fields: object) -> list[RightsMovement]:
    """Store the accounts still new and the movements of ``new`` (the checks passed); a lease's
    return points at its lease."""
    for acc in {id(a): a for n in new for a in (n[0], n[1])}.values():
        if acc.id is None:
            session.add(acc)
    session.flush()
    out: list[RightsMovement] = []
    per = fields.pop("per", None)
    for i, (debit, credit, amount, day, kind) in enumerate(new):
        extra = dict(fields)
        if isinstance(per, list):
            extra.update(per[i])
        m = RightsMovement(kind=kind, pollutant=debit.pollutant, debit_account_id=debit.id,
                           credit_account_id=credit.id, amount_kg=amount, on=day, **extra)  # fmt: skip
        if kind == "lease_return" and out:
            m.reverses_id = out[0].id
        session.add(m)
        session.flush()
        out.append(m)
    return out


def record_movement(
    session: Session, scope: Scope, *, kind: str, pollutant: str, to: Party, from_: Party,
    amount_t: float, on: date, document_no: str, now: datetime, value_yuan: float | None = None,
    lease_end: date | None = None, project: str = "", note: str = "", synthetic: bool = False,
) -> RightsMovement:  # fmt: skip
    """Record one movement of ``amount_t`` t/a of ``pollutant`` from ``from_`` to ``to`` taking
    effect on ``on``. A lease (``lease_end`` its last day) is stored with its return, which takes
    effect the day after ``lease_end``. Refused with :class:`RightsError` (nothing stored) when a
    rule of the module fails."""
    _officer(scope)
    check_pollutant(pollutant)
    if kind not in RECORDABLE:
        raise RightsError(f"unknown movement kind {kind!r}: one of {', '.join(RECORDABLE)}",
                          reason="bad_kind")  # fmt: skip
    amount = kg(amount_t) if amount_t == amount_t else 0  # NaN → 0
    if amount <= 0:
        raise RightsError(f"amount must be > 0 t/a (at least 0.001), got {amount_t}",
                          reason="bad_amount")  # fmt: skip
    if not document_no.strip():
        raise RightsError("a document number (文号) is required", reason="no_document")
    if value_yuan is not None and (kind not in PRICED or not value_yuan >= 0):
        raise RightsError(f"a price ≥ 0 is for {', '.join(sorted(PRICED))}; got {value_yuan} "
                          f"on a {kind}", reason="bad_price")  # fmt: skip
    if kind == "lease":
        if lease_end is None:
            raise RightsError("a lease needs its last day (lease_end)", reason="bad_term")
        if lease_end < on:
            raise RightsError(f"the lease ends ({lease_end}) before it starts ({on})",
                              reason="bad_term")  # fmt: skip
    elif lease_end is not None:
        raise RightsError(f"lease_end is for leases only, not a {kind}", reason="bad_term")
    _zh, _en, debit_kinds, credit_kinds = KINDS[kind]
    if to.kind not in debit_kinds or from_.kind not in credit_kinds:
        raise RightsError(
            f"a {kind} ({_zh}) moves rights from {'/'.join(sorted(credit_kinds))} to "
            f"{'/'.join(sorted(debit_kinds))}, not from {from_.kind} to {to.kind}",
            reason="bad_account",
        )
    if to == from_:
        raise RightsError("a movement needs two different accounts", reason="bad_account")
    debit = _account(session, scope, to, pollutant, now)
    credit = _account(session, scope, from_, pollutant, now)
    if debit.key == credit.key:
        raise RightsError("a movement needs two different accounts", reason="bad_account")
    new: list[_New] = [(debit, credit, amount, on, kind)]
    per = [dict(value_yuan=value_yuan, lease_end=lease_end, project=project, note=note)]
    if kind == "lease" and lease_end is not None:
        new.append((credit, debit, amount, lease_end + timedelta(days=1), "lease_return"))
        per.append(dict(value_yuan=None, lease_end=None, project=project,
                        note=f"lease term ends {lease_end}"))  # fmt: skip
    _check(session, new)
    return _store(session, new, per=per, document_no=document_no.strip(), actor=scope.username,
                  synthetic=synthetic, created_at=now)[0]  # fmt: skip


def reverse_movement(session: Session, scope: Scope, movement_id: int, *, on: date,
                     document_no: str, now: datetime, note: str = "") -> list[RightsMovement]:  # fmt: skip
    """Correct a movement by its reversal (冲正): the same amount between the same accounts the
    other way, effective ``on``; a lease's return is reversed with it. A movement is reversed at
    most once; a reversal or a lease's return is not reversed on its own."""
    _officer(scope)
    orig = session.get(RightsMovement, movement_id)
    if orig is None:
        raise RightsNotFound(f"no movement {movement_id}")
    accounts = {a.id: a for a in session.scalars(
        select(RightsAccount).where(RightsAccount.id.in_([orig.debit_account_id, orig.credit_account_id]))
    )}  # fmt: skip
    for a in accounts.values():
        if a.kind != "issuance" and not in_scope(a.region_code, scope.region_code):
            raise RightsNotFound(f"no movement {movement_id} in your region")
    if orig.kind in ("reversal", "lease_return"):
        raise RightsError(f"movement {movement_id} is a {orig.kind}: reverse the movement it "
                          "belongs to", reason="not_reversible")  # fmt: skip
    if not document_no.strip():
        raise RightsError("a document number (文号) is required", reason="no_document")
    targets = [orig] + list(session.scalars(select(RightsMovement).where(
        RightsMovement.reverses_id == orig.id, RightsMovement.kind == "lease_return")))  # fmt: skip
    done = session.scalar(select(RightsMovement.id).where(
        RightsMovement.reverses_id == orig.id, RightsMovement.kind == "reversal"))  # fmt: skip
    if done is not None:
        raise RightsError(f"movement {movement_id} was already reversed by {done}",
                          reason="already_reversed")  # fmt: skip
    if on < orig.on:
        raise RightsError(f"a reversal ({on}) cannot precede the movement ({orig.on})",
                          reason="bad_term")  # fmt: skip
    for a in accounts.values():  # lock them (PostgreSQL) for the check
        session.scalar(select(RightsAccount).where(RightsAccount.id == a.id).with_for_update())
    new: list[_New] = [(accounts[t.credit_account_id], accounts[t.debit_account_id], t.amount_kg,
                        max(on, t.on), "reversal") for t in targets]  # fmt: skip
    _check(session, new)
    per = [dict(reverses_id=t.id, synthetic=t.synthetic, project=t.project,
                value_yuan=None if t.value_yuan is None else -t.value_yuan) for t in targets]  # fmt: skip
    return _store(
        session,
        new,
        per=per,
        document_no=document_no.strip(),
        actor=scope.username,
        note=note,
        created_at=now,
    )


# --- cap changes ---------------------------------------------------------------------------


def request_cap_change(session: Session, scope: Scope, *, enterprise_id: int, pollutant: str,
                       cap_t: float, reason: str, document_no: str, now: datetime,
                       synthetic: bool = False) -> RightsCapChange:  # fmt: skip
    """Ask that ``enterprise_id`` may hold up to ``cap_t`` t/a of ``pollutant``; pending until an
    officer of a higher level decides (:func:`decide_cap_change`)."""
    _officer(scope)
    check_pollutant(pollutant)
    entry = directory_entry(session, enterprise_id)
    if entry is None or not in_scope(entry.region_code, scope.region_code):
        raise RightsNotFound(f"no enterprise {enterprise_id} in your region")
    if not cap_t >= 0:
        raise RightsError(f"cap must be ≥ 0 t/a, got {cap_t}", reason="bad_amount")
    if not reason.strip():
        raise RightsError("a cap change needs its reason", reason="no_reason")
    c = RightsCapChange(enterprise_id=enterprise_id, pollutant=pollutant, cap_kg=kg(cap_t),
                        reason=reason.strip(), document_no=document_no.strip(),
                        requested_by=scope.username, requested_region=scope.region_code,
                        requested_at=now, status="pending", synthetic=synthetic)  # fmt: skip
    session.add(c)
    session.flush()
    return c


def decide_cap_change(session: Session, scope: Scope, change_id: int, *, approve: bool,
                      now: datetime) -> RightsCapChange:  # fmt: skip
    """Approve or reject a pending cap change. Only an officer of a higher level than the one
    who asked, whose region contains the asker's (a city for a county, the province for a city),
    decides; the province's own requests need a decision outside the platform."""
    _officer(scope)
    c = session.get(RightsCapChange, change_id)
    if c is None or not in_scope(c.requested_region, scope.region_code):
        raise RightsNotFound(f"no cap change {change_id} in your region")
    if c.status != "pending":
        raise RightsError(f"cap change {change_id} is already {c.status}", reason="decided")
    if not len(scope_prefix(scope.region_code)) < len(scope_prefix(c.requested_region)):
        raise PermissionDenied(
            f"cap change {change_id} was asked by {c.requested_by} ({c.requested_region}): an "
            f"officer of a higher level must decide it, not {scope.username} ({scope.region_code})"
        )
    c.status = "approved" if approve else "rejected"
    c.decided_by, c.decided_region, c.decided_at = scope.username, scope.region_code, now
    session.flush()
    return c


# --- reading -------------------------------------------------------------------------------


@dataclass
class Balance:
    """One enterprise × pollutant in a year [t/a]: the opening balance (1 January), the year's
    flows by kind (reversals net into the kind they reverse), the closing balance (31 December)
    and the cap in force (None: no permit cap and no approved change). closing = opening +
    allocated + bought − sold + leased_in − leased_out + lease_back − lease_returned +
    from_reserve − to_reserve − retired."""

    enterprise_id: int
    enterprise: str
    region_code: str
    pollutant: str
    opening: float = 0.0
    allocated: float = 0.0
    bought: float = 0.0
    sold: float = 0.0
    leased_in: float = 0.0
    leased_out: float = 0.0
    lease_back: float = 0.0
    lease_returned: float = 0.0
    from_reserve: float = 0.0
    to_reserve: float = 0.0
    retired: float = 0.0
    closing: float = 0.0
    cap: float | None = None
    bought_value_yuan: float = 0.0
    sold_value_yuan: float = 0.0


#: (kind, side) → (Balance field, sign): side "debit" the account received, "credit" it gave
_FLOW = {
    ("allocation", "debit"): ("allocated", 1), ("allocation", "credit"): ("allocated", -1),
    ("trade", "debit"): ("bought", 1), ("trade", "credit"): ("sold", 1),
    ("lease", "debit"): ("leased_in", 1), ("lease", "credit"): ("leased_out", 1),
    ("lease_return", "debit"): ("lease_back", 1), ("lease_return", "credit"): ("lease_returned", 1),
    ("reserve_release", "debit"): ("from_reserve", 1), ("reserve_purchase", "credit"): ("to_reserve", 1),
    ("retirement", "credit"): ("retired", 1),
}  # fmt: skip


def _effective(
    m: RightsMovement, originals: dict[int, RightsMovement], side: str
) -> tuple[str, str, int]:
    """(kind, side, sign) a movement counts under: a reversal counts under the kind it reverses,
    on the other side, negatively."""
    if m.kind == "reversal" and m.reverses_id in originals:
        o = originals[m.reverses_id]
        return o.kind, ("credit" if side == "debit" else "debit"), -1
    return m.kind, side, 1


def balances(session: Session, scope: Scope, *, year: int, pollutant: str | None = None,
             enterprise_id: int | None = None) -> list[Balance]:  # fmt: skip
    """Per enterprise × pollutant in ``scope`` holding an account: the year's opening and closing
    balance, its flows and the cap in force (t/a), ordered by region, enterprise, pollutant.
    Enterprise users read their own enterprises; the public reads nothing."""
    if scope.role is Role.PUBLIC:
        raise PermissionDenied("the emission-rights ledger is not public")
    if pollutant is not None:
        check_pollutant(pollutant)
    q = select(RightsAccount).where(RightsAccount.kind == "enterprise",
                                    scope.where(RightsAccount.region_code, RightsAccount.enterprise_id))  # fmt: skip
    if pollutant is not None:
        q = q.where(RightsAccount.pollutant == pollutant)
    if enterprise_id is not None:
        q = q.where(RightsAccount.enterprise_id == enterprise_id)
    accounts = {a.id: a for a in session.scalars(q)}
    if not accounts:
        return []
    start, end = date(year, 1, 1), date(year, 12, 31)
    ids = sorted(accounts)
    moves = list(session.scalars(
        select(RightsMovement)
        .where(or_(RightsMovement.debit_account_id.in_(ids), RightsMovement.credit_account_id.in_(ids)),
               RightsMovement.on <= end)
        .order_by(RightsMovement.on, RightsMovement.id)
    ))  # fmt: skip
    rev_ids = {m.reverses_id for m in moves if m.kind == "reversal" and m.reverses_id is not None}
    originals = {m.id: m for m in session.scalars(select(RightsMovement).where(RightsMovement.id.in_(sorted(rev_ids))))} if rev_ids else {}  # fmt: skip
    ents = {a.enterprise_id for a in accounts.values() if a.enterprise_id is not None}
    names = enterprise_names(session, ents)
    caps = _caps_kg(session, ents)
    rows: dict[int, Balance] = {}
    for a in accounts.values():
        assert a.enterprise_id is not None
        cap = caps.get((a.enterprise_id, a.pollutant))
        rows[a.id] = Balance(a.enterprise_id, names.get(a.enterprise_id, str(a.enterprise_id)),
                             a.region_code, a.pollutant, cap=None if cap is None else tonnes(cap))  # fmt: skip
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    values: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for m in moves:
        for acc_id, side, sign in (
            (m.debit_account_id, "debit", 1),
            (m.credit_account_id, "credit", -1),
        ):
            if acc_id not in accounts:
                continue
            s = sums[acc_id]
            s["closing"] += sign * m.amount_kg
            if m.on < start:
                s["opening"] += sign * m.amount_kg
                continue
            kind, eff_side, eff_sign = _effective(m, originals, side)
            flow = _FLOW.get((kind, eff_side))
            if flow is None:
                continue
            name, fsign = flow
            s[name] += eff_sign * fsign * m.amount_kg
            if kind == "trade" and m.value_yuan is not None:
                key = "bought_value_yuan" if eff_side == "debit" else "sold_value_yuan"
                values[acc_id][key] += m.value_yuan  # a reversal carries the negated price
    for acc_id, b in rows.items():
        for name, v in sums[acc_id].items():
            setattr(b, name, tonnes(v))
        b.bought_value_yuan = round(values[acc_id]["bought_value_yuan"], 2)
        b.sold_value_yuan = round(values[acc_id]["sold_value_yuan"], 2)
    order = list(pollutants())
    return sorted(rows.values(), key=lambda b: (b.region_code, b.enterprise, b.enterprise_id,
                                                order.index(b.pollutant) if b.pollutant in order else 99))  # fmt: skip


def ledger_totals(session: Session) -> dict[str, int]:
    """Σ debits and Σ credits over every movement [kg/a] (equal by construction: the identity
    the property tests check) and Σ of every account's balance (0)."""
    moves = session.execute(select(RightsMovement.debit_account_id, RightsMovement.credit_account_id,
                                   RightsMovement.amount_kg)).all()  # fmt: skip
    bal: dict[int, int] = defaultdict(int)
    debits = credits = 0
    for d, c, a in moves:
        bal[d] += a
        bal[c] -= a
        debits += a
        credits += a
    return {"debits": debits, "credits": credits, "balances": sum(bal.values())}


# --- reports -------------------------------------------------------------------------------


@dataclass
class RegionYear:
    """One county × pollutant in a year [t/a, yuan]: allocated to enterprises and reserves,
    traded (purchases/sales) volume and value, leased, 收储 and 储备出让 volumes, retired, and at
    31 December what the enterprises and the reserve hold."""

    region_code: str
    region: str
    pollutant: str
    allocated: float = 0.0
    traded: float = 0.0
    traded_value_yuan: float = 0.0
    leased: float = 0.0
    reserve_purchased: float = 0.0
    reserve_released: float = 0.0
    retired: float = 0.0
    held_by_enterprises: float = 0.0
    reserve_position: float = 0.0


def _officer_read(scope: Scope) -> None:
    if scope.role not in OFFICERS:
        raise PermissionDenied(
            f"{scope.username} may not read the region's emission-rights reports"
        )


def _scoped_accounts(session: Session, scope: Scope) -> dict[int, RightsAccount]:
    q = select(RightsAccount).where(
        RightsAccount.kind != "issuance", scope.where(RightsAccount.region_code)
    )
    return {a.id: a for a in session.scalars(q)}


def _movements_of(session: Session, ids: Sequence[int], *, until: date) -> list[RightsMovement]:
    if not ids:
        return []
    return list(session.scalars(
        select(RightsMovement)
        .where(or_(RightsMovement.debit_account_id.in_(ids), RightsMovement.credit_account_id.in_(ids)),
               RightsMovement.on <= until)
        .order_by(RightsMovement.on, RightsMovement.id)
    ))  # fmt: skip


def region_report(session: Session, scope: Scope, *, year: int) -> list[RegionYear]:
    """Per county of the officer's region × pollutant, the year's movements and the position at
    its end (a reversal nets against the kind it reverses; a movement between two counties counts
    in the receiving county, and a sale in the giving one is not counted twice)."""
    _officer_read(scope)
    accounts = _scoped_accounts(session, scope)
    moves = _movements_of(session, sorted(accounts), until=date(year, 12, 31))
    originals = _originals(session, moves)
    start = date(year, 1, 1)
    out: dict[tuple[str, str], RegionYear] = {}

    def row(acc: RightsAccount) -> RegionYear:
        k = (acc.region_code, acc.pollutant)
        if k not in out:
            out[k] = RegionYear(acc.region_code, _region_name(acc.region_code), acc.pollutant)
        return out[k]

    for m in moves:
        debit, credit = accounts.get(m.debit_account_id), accounts.get(m.credit_account_id)
        for acc, sign in ((debit, 1), (credit, -1)):
            if acc is None:
                continue
            r = row(acc)
            t = sign * tonnes(m.amount_kg)
            if acc.kind == "enterprise":
                r.held_by_enterprises += t
            else:
                r.reserve_position += t
        if m.on < start:
            continue
        kind, rsign = (originals[m.reverses_id].kind, -1) if (
            m.kind == "reversal" and m.reverses_id in originals) else (m.kind, 1)  # fmt: skip
        # flows count once, in the county that receives (that gives, for 收储 and retirement)
        acc = credit if kind in ("reserve_purchase", "retirement") else debit
        if rsign < 0:  # a reversal swaps the sides
            acc = debit if kind in ("reserve_purchase", "retirement") else credit
        if acc is None:
            continue
        r = row(acc)
        t = rsign * tonnes(m.amount_kg)
        if kind == "allocation":
            r.allocated += t
        elif kind == "trade":
            r.traded += t
            r.traded_value_yuan += m.value_yuan or 0.0
        elif kind == "lease":
            r.leased += t
        elif kind == "reserve_purchase":
            r.reserve_purchased += t
        elif kind == "reserve_release":
            r.reserve_released += t
        elif kind == "retirement":
            r.retired += t
    order = list(pollutants())
    rows = sorted(
        out.values(),
        key=lambda r: (r.region_code, order.index(r.pollutant) if r.pollutant in order else 99),
    )
    for r in rows:
        for f in ("allocated", "traded", "leased", "reserve_purchased", "reserve_released", "retired",
                  "held_by_enterprises", "reserve_position"):  # fmt: skip
            setattr(r, f, round(getattr(r, f), 3))
        r.traded_value_yuan = round(r.traded_value_yuan, 2)
    return rows


def _originals(session: Session, moves: Sequence[RightsMovement]) -> dict[int, RightsMovement]:
    ids = sorted(
        {m.reverses_id for m in moves if m.kind == "reversal" and m.reverses_id is not None}
    )
    if not ids:
        return {}
    return {
        m.id: m for m in session.scalars(select(RightsMovement).where(RightsMovement.id.in_(ids)))
    }


def _region_name(code: str) -> str:
    try:
        return str(get_region(code).name)
    except Exception:  # noqa: BLE001 - a code the gazetteer lacks shows as itself
        return code


@dataclass
class ReservePosition:
    """One reserve (储备) account on a day [t/a, yuan]: what it holds, what it bought (收储) and
    released (储备出让) up to then, and what it paid and received."""

    region_code: str
    region: str
    pollutant: str
    balance: float
    allocated: float
    purchased: float
    released: float
    paid_yuan: float
    received_yuan: float


def reserve_position(session: Session, scope: Scope, *, on: date) -> list[ReservePosition]:
    """The reserves of the officer's region on ``on`` (reversals net)."""
    _officer_read(scope)
    accounts = {i: a for i, a in _scoped_accounts(session, scope).items() if a.kind == "reserve"}
    moves = _movements_of(session, sorted(accounts), until=on)
    originals = _originals(session, moves)
    sums: dict[int, dict[str, float]] = {i: defaultdict(float) for i in accounts}
    for m in moves:
        kind, sign = (originals[m.reverses_id].kind, -1) if (
            m.kind == "reversal" and m.reverses_id in originals) else (m.kind, 1)  # fmt: skip
        for acc_id, side in ((m.debit_account_id, 1), (m.credit_account_id, -1)):
            if acc_id not in sums:
                continue
            s = sums[acc_id]
            s["balance"] += side * tonnes(m.amount_kg)
            key = {
                "allocation": "allocated",
                "reserve_purchase": "purchased",
                "reserve_release": "released",
            }.get(kind)
            if key:
                s[key] += sign * tonnes(m.amount_kg)
                money = "paid_yuan" if kind == "reserve_purchase" else "received_yuan"
                if kind != "allocation":
                    s[money] += m.value_yuan or 0.0
    order = list(pollutants())
    out = [ReservePosition(region_code=a.region_code, region=_region_name(a.region_code),
                           pollutant=a.pollutant, balance=round(sums[i]["balance"], 3),
                           allocated=round(sums[i]["allocated"], 3),
                           purchased=round(sums[i]["purchased"], 3),
                           released=round(sums[i]["released"], 3),
                           paid_yuan=round(sums[i]["paid_yuan"], 2),
                           received_yuan=round(sums[i]["received_yuan"], 2))
           for i, a in accounts.items()]  # fmt: skip
    return sorted(
        out, key=lambda r: (r.region_code, order.index(r.pollutant) if r.pollutant in order else 99)
    )


@dataclass
class StatementLine:
    """One movement on an enterprise's account: the day, kind, document, the other side, the
    amount in (+) or out (−) [t/a], the balance after it, the value [yuan] and the term."""

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


def statement(
    session: Session, scope: Scope, enterprise_id: int, *, year: int
) -> list[StatementLine]:
    """The account statement (对账单) of ``enterprise_id`` for ``year``: each movement of the year
    by day with the running balance per pollutant (from the opening balance). An enterprise
    reads its own; an officer those of its region; otherwise 404."""
    if scope.role is Role.PUBLIC:
        raise PermissionDenied("the emission-rights ledger is not public")
    accounts = {a.id: a for a in session.scalars(
        select(RightsAccount).where(RightsAccount.enterprise_id == enterprise_id,
                                    scope.where(RightsAccount.region_code, RightsAccount.enterprise_id))
    )}  # fmt: skip
    if not accounts:
        entry = directory_entry(session, enterprise_id)
        if (
            entry is None
            or not in_scope(entry.region_code, scope.region_code)
            or (scope.role is Role.ENTERPRISE and enterprise_id not in scope.enterprises)
        ):
            raise RightsNotFound(f"no enterprise {enterprise_id} in your scope")
        return []
    moves = _movements_of(session, sorted(accounts), until=date(year, 12, 31))
    others = {i for m in moves for i in (m.debit_account_id, m.credit_account_id)} - set(accounts)
    other_acc = {a.id: a for a in session.scalars(select(RightsAccount).where(RightsAccount.id.in_(sorted(others))))} if others else {}  # fmt: skip
    names = enterprise_names(
        session, {a.enterprise_id for a in other_acc.values() if a.enterprise_id}
    )
    balance: dict[str, int] = defaultdict(int)
    out: list[StatementLine] = []
    start = date(year, 1, 1)
    for m in moves:
        mine_debit = m.debit_account_id in accounts
        acc = accounts[m.debit_account_id if mine_debit else m.credit_account_id]
        signed = m.amount_kg if mine_debit else -m.amount_kg
        balance[acc.pollutant] += signed
        if m.on < start:
            continue
        other = other_acc.get(m.credit_account_id if mine_debit else m.debit_account_id)
        if other is None:
            who = ""
        elif other.kind == "enterprise":
            who = names.get(other.enterprise_id or 0, str(other.enterprise_id))
        elif other.kind == "reserve":
            who = f"{_region_name(other.region_code)}储备"
        else:
            who = "核发与注销"
        out.append(StatementLine(m.id, m.on, acc.pollutant, m.kind, m.document_no, who,
                                 tonnes(signed), tonnes(balance[acc.pollutant]), m.value_yuan,
                                 m.lease_end, m.reverses_id, m.project))  # fmt: skip
    return out
