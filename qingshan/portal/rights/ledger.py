"""The pure core of the emission-rights ledger (排污权): pollutants (data), movement kinds, which
accounts each kind may move between, and the checks a movement must pass — no database.

An account's position over time is the running sum of its dated movements (debits add, credits
subtract). A movement is accepted only if, with it, every account it touches keeps, at every date
from then on, a balance ≥ 0 (issuance excepted: it is the source of every right) and an
enterprise account a balance ≤ its cap. Checking every later date matters because a lease's
return is stored in advance: a lessee cannot sell what it must give back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from qingshan.portal.rights.errors import RightsError

__all__ = [
    "ACCOUNT_KINDS",
    "KINDS",
    "Pollutant",
    "check_pollutant",
    "kg",
    "pollutants",
    "running_extremes",
    "tonnes",
]

#: movement kind → (Chinese, English, kinds of the debit (receiving) account, kinds of the credit
#: (giving) account)
KINDS: dict[str, tuple[str, str, frozenset[str], frozenset[str]]] = {
    "allocation": ("初始分配", "Initial allocation",
                   frozenset({"enterprise", "reserve"}), frozenset({"issuance"})),
    "trade": ("有偿使用和交易", "Purchase / sale", frozenset({"enterprise"}), frozenset({"enterprise"})),
    "lease": ("租赁", "Lease", frozenset({"enterprise"}), frozenset({"enterprise"})),
    "lease_return": ("租赁到期返还", "Lease return", frozenset({"enterprise"}), frozenset({"enterprise"})),
    "reserve_purchase": ("收储", "Reserve purchase", frozenset({"reserve"}), frozenset({"enterprise"})),
    "reserve_release": ("储备出让", "Release from the reserve",
                        frozenset({"enterprise"}), frozenset({"reserve"})),
    "retirement": ("注销", "Retirement", frozenset({"issuance"}), frozenset({"enterprise", "reserve"})),
    "reversal": ("冲正", "Reversal", frozenset({"enterprise", "reserve", "issuance"}),
                 frozenset({"enterprise", "reserve", "issuance"})),
}  # fmt: skip

#: kinds an officer records directly (the others are made by the ledger itself)
RECORDABLE = ("allocation", "trade", "lease", "reserve_purchase", "reserve_release", "retirement")
#: kinds that carry a price
PRICED = frozenset({"allocation", "trade", "lease", "reserve_purchase", "reserve_release"})

ACCOUNT_KINDS: dict[str, tuple[str, str]] = {
    "enterprise": ("企业账户", "Enterprise"),
    "reserve": ("政府储备", "Government reserve"),
    "issuance": ("核发与注销", "Issuance / retirement"),
}


@dataclass(frozen=True)
class Pollutant:
    code: str
    zh: str
    en: str
    #: HJ 212-2017 code of the permit cap in the archive (None: the archive caps it nowhere)
    parameter: str | None


@cache
def pollutants() -> dict[str, Pollutant]:
    """The configured pollutants (``data/pollutants.json``), by code, in file order."""
    raw = json.loads(
        resources.files("qingshan.portal.rights")
        .joinpath("data/pollutants.json")
        .read_text("utf-8")
    )
    return {
        p["code"]: Pollutant(p["code"], p["zh"], p["en"], p["parameter"]) for p in raw["pollutants"]
    }


def check_pollutant(code: str) -> Pollutant:
    try:
        return pollutants()[code]
    except KeyError:
        raise RightsError(
            f"unknown pollutant {code!r}: the ledger holds {', '.join(pollutants())}",
            reason="unknown_pollutant",
        ) from None


def kg(tonnes: float) -> int:
    """t/a → integer kg/a (the ledger's unit: exact sums)."""
    return round(tonnes * 1000)


def tonnes(amount_kg: int) -> float:
    return amount_kg / 1000


def running_extremes(entries: Iterable[tuple[date, int]], since: date) -> tuple[int, int]:
    """The lowest and the highest balance an account has on ``since`` and every later day, given
    all its signed entries (date, ±kg). Entries of one day count together (the balance of a day
    is the balance at its end)."""
    by_day: dict[date, int] = {}
    for d, amount in entries:
        by_day[d] = by_day.get(d, 0) + amount
    days = sorted(by_day)
    bal = sum(by_day[d] for d in days if d <= since)  # the balance at the end of ``since``
    low = high = bal
    for d in days:
        if d > since:
            bal += by_day[d]
            low, high = min(low, bal), max(high, bal)
    return low, high
