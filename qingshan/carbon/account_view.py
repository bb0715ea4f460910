"""碳账户: one enterprise's carbon account as the page and the Excel export show it — read
from ``account.account`` (the year) and ``results.carbon_code_of`` (the grade of every year
with data), shaped into rows: the months by source, the factors used, the warnings and the
versions of the results. Also the short summary the enterprise file (一企一档) shows.

Units: [tCO2] for emissions, [tCO2/10^4 yuan] for intensity; the total is scope 1 + scope 2 of
GB/T 32150-2015 §7 with biomass CO2 apart, exports negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.archive.findings import CarbonCard
from qingshan.carbon.account import EnterpriseAccount, account
from qingshan.carbon.grading import CarbonCode, code_rules
from qingshan.carbon.results import carbon_code_of
from qingshan.timeutil import as_cst, utcnow

#: the sources of a month in the order the stacked bars show them (fuels first, by key)
SOURCE_ORDER = ("fuel", "process", "electricity", "heat", "electricity_export", "heat_export")
#: how many years the grade history shows (this one included)
HISTORY_YEARS = 3


@dataclass(frozen=True)
class AccountView:
    account: EnterpriseAccount
    year: int
    years: list[int]  # years with a grade, this one and the current (for the year picker)
    sources: list[str]  # "fuel:raw_coal", "electricity", … in stack order
    monthly: list[dict[str, Any]]  # month, per source tCO2, total, biomass, va, intensity
    intensity: float | None  # the year's [tCO2/10^4 yuan] (None without value added)
    history: list[tuple[int, CarbonCode]]  # the 碳效码 of each year with data, newest first
    factors: list[dict[str, Any]]  # id, kind, value, unit, source, valid_from, valid_to, tag
    versions: list[dict[str, Any]]  # month, version, total, library, basis, edition, reason…
    basis: list[str]
    editions: list[str]
    library_versions: list[str]
    rules_source: str


def _source_key(src: str) -> tuple[int, str]:
    head = src.split(":", 1)[0]
    return (SOURCE_ORDER.index(head) if head in SOURCE_ORDER else len(SOURCE_ORDER), src)


def get_account(
    session: Session, scope: Scope, enterprise_id: int, *, year: int | None = None
) -> AccountView:
    """The account of ``enterprise_id`` for ``year`` (default: the latest year with data up to
    this year in China Standard Time); scope errors from the service (404 / 403)."""
    this_year = as_cst(utcnow()).year
    if year is None:
        year = this_year
        a = account(session, scope, enterprise_id, year)
        if not a.months:  # early in a year: the last year with data
            prev = account(session, scope, enterprise_id, year - 1)
            if prev.months:
                a, year = prev, year - 1
    else:
        a = account(session, scope, enterprise_id, year)
    # the grade of the earlier years (a year without an intensity has no grade: left out)
    earlier = [(y, carbon_code_of(session, scope, enterprise_id, y))
               for y in range(year - 1, year - HISTORY_YEARS, -1)]  # fmt: skip
    history = [(year, a.code)] + [(y, c) for y, c in earlier if c.intensity is not None]
    years = sorted({year, *(y for y, _ in history), *([this_year] if year < this_year else [])})
    sources = sorted({ln.source for m in a.months for ln in m.result.lines if not ln.biomass},
                     key=_source_key)  # fmt: skip
    monthly = []
    for m in a.months:
        row: dict[str, Any] = {"month": m.month.isoformat()[:7]}
        for s in sources:
            row[s] = sum(ln.tco2 for ln in m.result.lines if ln.source == s and not ln.biomass)
        va = m.activity.value_added_10k_yuan
        row |= {"total": m.result.total_tco2, "biomass": m.result.biomass_tco2,
                "scope1": m.result.scope1_tco2, "scope2": m.result.scope2_tco2, "va": va,
                "intensity": m.result.total_tco2 / va if va else None,
                "revision": m.revision, "source": m.source}  # fmt: skip
        monthly.append(row)
    factors = [
        {"id": fid, "value": f.get("value"), "unit": f.get("unit"), "source": f.get("source"),
         "valid_from": f.get("valid_from"), "valid_to": f.get("valid_to"),
         "tag": f.get("tag") or "", "params": f.get("params") or {}}
        for fid, f in sorted(a.factors.items())
    ]  # fmt: skip
    versions = [
        {"month": m.month.isoformat()[:7], "version": v.version, "current": v.current,
         "total": v.total_tco2, "scope1": v.scope1_tco2, "scope2": v.scope2_tco2,
         "library_version": v.library_version, "basis": v.basis, "edition": v.edition,
         "reason": v.reason, "revision": v.activity_revision,
         "computed_at": as_cst(v.computed_at).strftime("%Y-%m-%d %H:%M")}
        for m in a.months for v in m.versions
        if len(m.versions) > 1 or v.version > 1
    ]  # fmt: skip
    va_total = a.value_added_10k_yuan
    return AccountView(
        account=a, year=year, years=sorted(set(years)), sources=sources, monthly=monthly,
        intensity=a.code.intensity if a.code.intensity is not None
        else (a.total_tco2 / va_total if va_total else None),
        history=history, factors=factors, versions=versions,
        basis=sorted({m.result.basis for m in a.months}),
        editions=sorted({m.result.edition for m in a.months}),
        library_versions=sorted({m.result.library_version for m in a.months}),
        rules_source=code_rules().source,
    )  # fmt: skip


def chart_config(v: AccountView, lang: str) -> dict[str, Any]:
    """The page script's data: months, sources and their tCO2 per month."""
    return {
        "lang": lang,
        "months": [r["month"] for r in v.monthly],
        "sources": v.sources,
        "series": {s: [round(r[s], 3) for r in v.monthly] for s in v.sources},
        "total": [round(r["total"], 3) for r in v.monthly],
        "intensity": [
            None if r["intensity"] is None else round(r["intensity"], 4) for r in v.monthly
        ],  # fmt: skip
    }


def carbon_brief(session: Session, scope: Scope, enterprise_id: int) -> CarbonCard | None:
    """The archive's ``CarbonSummary``: the latest year's account in short (None without one:
    this year's or last year's, in China Standard Time)."""
    today = as_cst(utcnow()).date()
    for y in (today.year, today.year - 1):
        a = account(session, scope, enterprise_id, y)
        if a.months:
            c = a.code
            return CarbonCard(year=y, total_tco2=a.total_tco2, intensity=c.intensity,
                               grade=c.grade, level=c.level, colour=c.colour, method=c.method,
                               warnings=len(a.warnings), months=len(a.months),
                               url=f"/carbon/enterprises/{enterprise_id}?year={y}")  # fmt: skip
    return None


def month_label(d: date) -> str:
    return d.isoformat()[:7]
