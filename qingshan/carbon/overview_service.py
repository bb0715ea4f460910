"""碳排放总览: the data of the carbon overview page and its exports, for one viewer.

One query (``results.results_frame`` over the year shown and the one before), roll-ups in
pandas (:mod:`qingshan.carbon.rollups`), the peak path from ``results.peak_path``. Scoped: a
province account sees the province by county, a city its counties, a county itself; an
enterprise account has no overview (it reads its own account).

Units: [tCO2] for emissions, [tCO2/10^4 yuan] for intensity (value added, 工业增加值). The
total is scope 1 + scope 2 of GB/T 32150-2015 §7 (biomass CO2 apart).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.carbon import rollups
from qingshan.carbon.errors import CarbonError
from qingshan.carbon.grading import code_rules
from qingshan.carbon.results import carbon_codes, peak_path, results_frame, set_peak_path
from qingshan.geo.regions import PROVINCE_CODE, REGIONS

#: the years a peak path may name: from the 2020 announcement of the dual-carbon goals (peak
#: before 2030, neutrality before 2060) to 2060
PATH_YEARS: tuple[int, int] = (2020, 2060)
#: how the current period is compared with an earlier one
COMPARES: tuple[str, ...] = ("yoy", "qoq", "mom")


class NoOverview(CarbonError):
    """An account without an overview (an enterprise reads its own account)."""

    status_code = 403


class BadPeakPath(CarbonError):
    """A peak path that is not positive numbers for years in :data:`PATH_YEARS`."""


@dataclass(frozen=True)
class Period:
    """Months [first, last] (first days) and how many months hold data."""

    first: date
    last: date

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1


@dataclass(frozen=True)
class Overview:
    region_code: str
    year: int | None
    years: list[int]
    months: list[date]  # the months of the year with data
    basis: list[str]
    library_versions: list[str]
    total_tco2: float
    intensity: float | None
    enterprises: int
    months_without_va: int
    biomass_tco2: float
    compare: str
    current: Period | None
    previous: Period | None
    change: rollups.Change | None
    grades: dict[str, int]
    grade_colours: dict[int, str]
    grade_method: str
    counties: pd.DataFrame
    industries: pd.DataFrame
    monthly: pd.DataFrame
    trajectory: pd.DataFrame
    contribution: pd.DataFrame
    path: dict[int, float]
    path_editable: bool


def overview_region(scope: Scope) -> str:
    """The region an account's overview covers: the province, its city, or its county."""
    if scope.role is Role.PROVINCE:
        return PROVINCE_CODE
    if scope.role in (Role.CITY, Role.COUNTY):
        return scope.region_code
    raise NoOverview("the carbon overview is read by province, city and county accounts")


def path_editable(scope: Scope) -> bool:
    """A province or city account sets its region's peak path; a county reads it."""
    return scope.role in (Role.PROVINCE, Role.CITY)


def _shift(m: date, months: int) -> date:
    i = m.year * 12 + m.month - 1 + months
    return date(i // 12, i % 12 + 1, 1)


def periods(months: list[date], compare: str) -> tuple[Period, Period] | None:
    """The current and previous periods of ``compare`` ending at the last month with data:
    "yoy" the year's months so far against the same months a year before, "qoq" the last three
    months against the three before, "mom" the last month against the one before."""
    if not months:
        return None
    last = max(months)
    if compare == "yoy":
        first = date(last.year, 1, 1)
        return Period(first, last), Period(_shift(first, -12), _shift(last, -12))
    n = 3 if compare == "qoq" else 1
    return Period(_shift(last, 1 - n), last), Period(_shift(last, 1 - 2 * n), _shift(last, -n))


def _covered(frame: pd.DataFrame, p: Period) -> bool:
    got = set(pd.to_datetime(rollups.of_months(frame, p.first, p.last)["month"]).dt.date)
    return len(got) == p.months


def get_overview(
    session: Session, scope: Scope, *, year: int | None = None, compare: str | None = None,
    top: int = 10,
) -> Overview:  # fmt: skip
    """The overview of ``scope``'s region for ``year`` (default: the latest with data; None
    when there is none).
    ``compare`` ("yoy" | "qoq" | "mom"): default the first whose earlier period has data for
    every month, else "mom"."""
    region = overview_region(scope)
    if compare is not None and compare not in COMPARES:
        raise CarbonError(f"compare must be one of {', '.join(COMPARES)}, got {compare!r}",
                          field="compare")  # fmt: skip
    # every year of the accounts: the trajectory wants them all, and they are few rows
    frame = results_frame(session, scope, year_from=PATH_YEARS[0], year_to=PATH_YEARS[1])
    if year is None:
        year = int(pd.to_datetime(frame["month"]).dt.year.max()) if len(frame) else None
    cur = rollups.of_year(frame, year) if year is not None else frame
    months = sorted(set(pd.to_datetime(cur["month"]).dt.date))
    chosen = compare
    if chosen is None:
        chosen = next((c for c in COMPARES if (p := periods(months, c)) and _covered(frame, p[1])),
                      "mom")  # fmt: skip
    pp = periods(months, chosen)
    change = contribution = None
    if pp is not None:
        before = rollups.of_months(frame, pp[1].first, pp[1].last)
        after = rollups.of_months(frame, pp[0].first, pp[0].last)
        change = rollups.change(before, after) if not before.empty else None
        contribution = rollups.contribution(before, after, top=top) if not before.empty else None
    graded = carbon_codes(session, scope, year) if year is not None else {}
    codes = rollups.codes_frame(cur, graded)
    whole = rollups.totals_by(cur.assign(_all=1), ["_all"])
    grades = rollups.grade_counts(codes).iloc[0].to_dict() if len(codes) else {}
    path = peak_path(session, region)
    years_all = sorted(set(pd.to_datetime(frame["month"]).dt.year.astype(int)))
    return Overview(
        region_code=region,
        year=year,
        years=years_all,
        months=months,
        basis=sorted(set(cur["basis"])) if "basis" in cur else ["ets"],
        library_versions=sorted(set(cur["library_version"])) if "library_version" in cur else [],
        total_tco2=float(whole["total_tco2"].sum()),
        intensity=None if whole.empty or pd.isna(whole.loc[0, "intensity"])
        else float(whole.loc[0, "intensity"]),
        enterprises=int(cur["enterprise_id"].nunique()),
        months_without_va=int(whole["months_without_va"].sum()),
        biomass_tco2=float(whole["biomass_tco2"].sum()),
        compare=chosen,
        current=pp[0] if pp else None,
        previous=pp[1] if pp else None,
        change=change,
        grades={k: int(v) for k, v in grades.items()},
        grade_colours=dict(code_rules().colours),
        grade_method=code_rules().method,
        counties=rollups.by_region(cur, "county"),
        industries=rollups.by_industry(cur, codes),
        monthly=rollups.by_month(frame),
        trajectory=rollups.trajectory(frame, path),
        contribution=contribution if contribution is not None else rollups.contribution(
            rollups.empty_frame(), rollups.empty_frame()),
        path=path,
        path_editable=path_editable(scope),
    )  # fmt: skip


def parse_peak_path(fields: Mapping[str, str]) -> dict[int, float]:
    """The peak path of a form: ``y<year>`` → tCO2 text; blank fields are left out. Raises
    :class:`BadPeakPath` naming the field for a year outside :data:`PATH_YEARS`, a text that is
    not a number, or a number that is not positive."""
    out: dict[int, float] = {}
    lo, hi = PATH_YEARS
    for key, text in fields.items():
        if not key.startswith("y") or not str(text).strip():
            continue
        try:
            y = int(key[1:])
        except ValueError:
            raise BadPeakPath(f"not a year: {key[1:]!r}", field=key) from None
        if not lo <= y <= hi:
            raise BadPeakPath(f"year {y} out of range {lo}–{hi}", field=key)
        try:
            v = float(str(text).replace(",", "").strip())
        except ValueError:
            raise BadPeakPath(f"{y}: not a number: {text!r}", field=key) from None
        if not v > 0 or v != v or v == float("inf"):
            raise BadPeakPath(f"{y}: the path must be a positive number of tCO2, got {text!r}",
                              field=key)  # fmt: skip
        out[y] = v
    if not out:
        raise BadPeakPath("the path names no year", field="path")
    return out


def save_peak_path(session: Session, scope: Scope, fields: Mapping[str, str]) -> dict[int, float]:
    """Set the peak path of ``scope``'s region from a form (province and city accounts)."""
    if not path_editable(scope):
        raise NoOverview("a peak path is set by a province or city account")
    path = parse_peak_path(fields)
    set_peak_path(session, scope, overview_region(scope), path, actor=scope.username)
    return path


def region_label(code: str, lang: str) -> str:
    r = REGIONS.get(code)
    if r is None:
        return code
    return r.name if lang == "zh" else r.name_en
