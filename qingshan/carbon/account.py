"""The account of an enterprise's year (企业碳账户, issue #17): each month's current result
with its version history, the factors used and the warnings of the year (missing months, a
month 10× the usual, value added missing, factors past their period), read for the account page
and the API."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.carbon.accounting import MonthResult, result_from_json
from qingshan.carbon.activity import ActivityMonth, activity_from_json
from qingshan.carbon.grading import CarbonCode
from qingshan.carbon.models import CarbonActivity, CarbonResult
from qingshan.carbon.plausibility import AccountWarning, check_months, months_of_year
from qingshan.carbon.results import carbon_code_of
from qingshan.carbon.service import (
    enterprise_entry,
)


@dataclass(frozen=True)
class ResultVersion:
    """One stored version of a month's result (the version history the account shows)."""

    version: int
    activity_revision: int
    library_version: str
    edition: str
    basis: str
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float
    total_tco2: float
    computed_at: datetime
    reason: str
    current: bool


@dataclass(frozen=True)
class AccountMonth:
    """One month of an account: the activity in force (its revision, source, who and when),
    the current result, and every version of the result, newest first."""

    month: date
    activity: ActivityMonth
    revision: int
    source: str
    submitted_by: str
    submitted_at: datetime
    result: MonthResult
    versions: tuple[ResultVersion, ...]


@dataclass(frozen=True)
class EnterpriseAccount:
    """An enterprise's carbon account of one year: its months, the year's totals [tCO2], value
    added [10^4 yuan] (None when a month lacks it), the warnings (plausibility and the results'
    own), the 碳效码 and the factors used (id → value, unit, source, period, tag)."""

    enterprise_id: int
    name: str
    credit_code: str
    region_code: str
    industry: str
    industry_code: str | None
    year: int
    months: tuple[AccountMonth, ...]
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float
    total_tco2: float
    value_added_10k_yuan: float | None
    warnings: tuple[AccountWarning, ...]
    code: CarbonCode
    factors: dict[str, dict] = field(default_factory=dict)


def _frontier(session: Session, year: int) -> date | None:
    """The newest month any enterprise has reported in ``year`` (the reporting frontier)."""
    return session.scalar(
        select(func.max(CarbonActivity.month)).where(
            CarbonActivity.month >= date(year, 1, 1), CarbonActivity.month <= date(year, 12, 1)
        )
    )


def account(session: Session, scope: Scope, enterprise_id: int, year: int) -> EnterpriseAccount:
    """The carbon account of ``enterprise_id`` for ``year`` (raises :class:`NotFound` /
    out of scope, the same 404). Months without a submission up to the reporting frontier are
    warned as missing; an empty year is an account with no months (and the warnings)."""
    entry = enterprise_entry(session, scope, enterprise_id)
    lo, hi = date(year, 1, 1), date(year, 12, 1)
    acts = session.scalars(
        select(CarbonActivity)
        .where(CarbonActivity.enterprise_id == enterprise_id, CarbonActivity.month >= lo,
               CarbonActivity.month <= hi)
        .order_by(CarbonActivity.month, CarbonActivity.revision)
    ).all()  # fmt: skip
    newest: dict[date, CarbonActivity] = {a.month: a for a in acts}
    results = session.scalars(
        select(CarbonResult)
        .where(CarbonResult.enterprise_id == enterprise_id, CarbonResult.month >= lo,
               CarbonResult.month <= hi)
        .order_by(CarbonResult.month, CarbonResult.version.desc())
    ).all()  # fmt: skip
    by_month: dict[date, list[CarbonResult]] = defaultdict(list)
    for r in results:
        by_month[r.month].append(r)
    months: list[AccountMonth] = []
    factors: dict[str, dict] = {}
    result_warnings: list[AccountWarning] = []
    for m in sorted(newest):
        versions = by_month.get(m, [])
        cur = next((v for v in versions if v.current), None)
        if cur is None:
            continue
        a = newest[m]
        res = result_from_json(cur.data)
        factors.update(res.factors)
        result_warnings += [AccountWarning("factor", m, w) for w in res.warnings]
        months.append(AccountMonth(
            month=m, activity=activity_from_json(a.data), revision=a.revision, source=a.source,
            submitted_by=a.submitted_by, submitted_at=a.submitted_at, result=res,
            versions=tuple(ResultVersion(
                v.version, v.activity_revision, v.library_version, v.edition, v.basis,
                v.scope1_tco2, v.scope2_tco2, v.biomass_tco2, v.total_tco2, v.computed_at,
                v.reason, v.current) for v in versions),
        ))  # fmt: skip
    totals = {am.month: am.result.total_tco2 for am in months}
    va = {am.month: am.activity.value_added_10k_yuan for am in months}
    warnings = check_months(totals, va, months_of_year(year, _frontier(session, year)))
    warnings += _dedupe(result_warnings)
    va_total = None if not months or any(v is None for v in va.values()) else sum(
        float(v or 0.0) for v in va.values())  # fmt: skip
    return EnterpriseAccount(
        enterprise_id=enterprise_id, name=entry.name, credit_code=entry.credit_code,
        region_code=entry.region_code, industry=entry.industry, industry_code=entry.industry_code,
        year=year, months=tuple(months),
        scope1_tco2=sum(am.result.scope1_tco2 for am in months),
        scope2_tco2=sum(am.result.scope2_tco2 for am in months),
        biomass_tco2=sum(am.result.biomass_tco2 for am in months),
        total_tco2=sum(totals.values()), value_added_10k_yuan=va_total,
        warnings=tuple(warnings), code=carbon_code_of(session, scope, enterprise_id, year),
        factors=factors,
    )  # fmt: skip


def _dedupe(ws: list[AccountWarning]) -> list[AccountWarning]:
    """The computation's warnings, once per message with its months collapsed (a factor used
    past its period warns every month: one warning naming the months)."""
    groups: dict[str, list[date]] = {}
    for w in ws:
        groups.setdefault(_MONTH_IN_TEXT.sub("", w.message), []).append(w.month or date.min)
    out = []
    for text, months in groups.items():
        ms = sorted(set(months))
        span = (
            f"{ms[0]:%Y-%m}"
            if len(ms) == 1
            else f"{len(ms)} months, {ms[0]:%Y-%m} to {ms[-1]:%Y-%m}"
        )
        out.append(AccountWarning("factor", ms[0] if len(ms) == 1 else None, f"{text} ({span})"))
    return out


_MONTH_IN_TEXT = re.compile(r" for (?<![\d-])\d{4}-\d{2}(?![\d-])")
