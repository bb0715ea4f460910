"""The public ranking of cities and counties (环境质量公开排序, issue #16): pure core.

Air — 《城市环境空气质量排名技术规定》 环办监测〔2018〕19号:

- the **comprehensive index** I = Σ Cᵢ/Sᵢ of the period (month, year to date, year) over the
  period means of SO2, NO2, PM10, PM2.5, the CO daily-mean 95th and the O3 MDA8 90th percentile
  (HJ 663-2013 5 and Appendix A), GB 3095-2012 grade II denominators, statistics rounded per
  GB/T 8170 first — all by :func:`qingshan.standards.air_assessment.comprehensive_index`,
  :func:`~qingshan.standards.air_assessment.period_mean` and
  :func:`~qingshan.standards.air_assessment.percentile`, never re-implemented here;
- the **2026 limit set** (GB 3095-2026 transitional, unweighted) as a labelled extra column only:
  HJ 663-2026 and the current ranking rule were not obtained in full (shared/reference
  standards.md §3.3–3.4, tagged [U]);
- **rank** ascending on the published (2-decimal) index, equal values rank jointly (并列,
  standard competition ranking 1, 1, 3); **change** 同比 = (I_now − I_prev)/I_prev [%] against
  the same period of the previous year, ranked ascending (most improved first).

Validity (GB 3095-2012 Table 4, the minimums HJ 663-2013 4 applies): a month needs ≥ 27 valid
days of each of the six daily values (≥ 25 in February), a year ≥ 324; year to date needs every
month of it to meet the monthly minimum. A region-day is valid for a pollutant when at least
one of its stations has a valid daily value. A region short of valid days is listed with the
reason and not ranked — never ranked as zero.

Water — 《城市地表水环境质量排名技术规定（试行）》 环办监测〔2017〕51号: CWQI of the period means
of the region's river sections and lake points (:func:`qingshan.standards.cwqi.cwqi`,
:func:`~qingshan.standards.cwqi.city_cwqi`), ranked by :func:`~qingshan.standards.cwqi.rank`
on the value to 4 decimals (as published), change by
:func:`~qingshan.standards.cwqi.change_rate`. A section-month is valid with ≥ 27 valid daily
means (25 in February; the store's roll-up rule, HJ 91.2-2022 leaves automatic stations'
monthly rule to the network); a period needs one valid section-month per section used.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.standards.air_assessment import (
    GB3095_2012,
    GB3095_2026_T,
    MIN_DAYS_FEBRUARY,
    MIN_DAYS_MONTH,
    MIN_DAYS_YEAR,
    comprehensive_index,
    percentile,
    period_mean,
)
from qingshan.standards.cwqi import change_rate, city_cwqi, cwqi
from qingshan.standards.cwqi import rank as cwqi_rank
from qingshan.standards.errors import InsufficientData

#: the six daily values of a region-day [µg/m³; CO mg/m³] (HJ 663-2013 5 statistics)
AIR_DAILY: tuple[str, ...] = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8h")
PERIODS: tuple[str, ...] = ("month", "ytd", "year")
KINDS: tuple[str, ...] = ("air", "water")
LEVELS: tuple[str, ...] = ("city", "county")
#: statistic of the index → the pollutant name a bureau prints as 首要污染物
PRIMARY_NAME: Mapping[str, str] = {
    "SO2_mean": "SO2", "NO2_mean": "NO2", "PM10_mean": "PM10", "PM2.5_mean": "PM2.5",
    "CO_p95": "CO", "O3_8h_p90": "O3",
}  # fmt: skip


class TooFewValidDays(InsufficientData):
    """A region (a section) short of valid days in a month or year of the period: names the
    statistic, the days it has and needs, and ``where`` (``2026-04`` or ``2026``)."""

    def __init__(
        self, message: str, *, statistic: str, have: int, need: int, where: str,
        section: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message, statistic=statistic, have=have, need=need)
        self.where, self.section = where, section


@dataclass(frozen=True)
class RankPeriod:
    """A ranking period: ``kind`` month / ytd (1 January … end of ``month``) / year."""

    kind: str
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month if self.kind == "month" else 1, 1)

    @property
    def last(self) -> date:
        m = 12 if self.kind == "year" else self.month
        return date(self.year, m, calendar.monthrange(self.year, m)[1])

    @property
    def months(self) -> list[int]:
        if self.kind == "month":
            return [self.month]
        return list(range(1, (12 if self.kind == "year" else self.month) + 1))

    def previous_year(self) -> RankPeriod:
        return RankPeriod(self.kind, self.year - 1, self.month)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.month:02d}"
        if self.kind == "ytd":
            return f"{self.year}-01…{self.year}-{self.month:02d}"
        return str(self.year)


def min_days(period: RankPeriod, month: int | None = None) -> int:
    """Valid days a month (27; February 25) or a year (324) needs (GB 3095-2012 Table 4)."""
    if period.kind == "year":
        return MIN_DAYS_YEAR
    return MIN_DAYS_FEBRUARY if (month or period.month) == 2 else MIN_DAYS_MONTH


@dataclass(frozen=True)
class AirFigures:
    """A region's air figures for a period: the index (GB 3095-2012 denominators), the same
    statistics over the GB 3095-2026 transitional limits, and the primary pollutant."""

    index: float  # 2 decimals, as published
    index_2026: float
    primary: str
    statistics: Mapping[str, float]


def air_statistics(
    days: Sequence[date], daily: Mapping[str, npt.ArrayLike], period: RankPeriod
) -> dict[str, float]:
    """The six statistics of the comprehensive index over the period's days.

    Parameters
    ----------
    days : the dates of the values (any order; those outside ``period`` are ignored)
    daily : mapping of :data:`AIR_DAILY` → daily values [µg/m³; CO mg/m³], NaN = invalid day
    period : RankPeriod

    Raises
    ------
    InsufficientData
        A pollutant with fewer valid days than GB 3095-2012 Table 4 needs (per month for a
        month or year to date, per year for a year); the message names pollutant and month.
    """
    d = pd.to_datetime(pd.Series(list(days)))
    inside = ((d.dt.date >= period.first) & (d.dt.date <= period.last)).to_numpy()
    months = d.dt.month.to_numpy()[inside]
    values = {k: np.asarray(daily[k], dtype=np.float64)[inside] for k in AIR_DAILY}
    checks: list[tuple[int | None, npt.NDArray[np.bool_]]]
    if period.kind == "year":
        checks = [(None, np.ones(months.size, dtype=bool))]
    else:
        checks = [(m, months == m) for m in period.months]
    for m, sel in checks:
        need = min_days(period, m)
        for k in AIR_DAILY:
            have = int(np.sum(~np.isnan(values[k][sel])))
            if have < need:
                where = f"{period.year}-{m:02d}" if m is not None else str(period.year)
                raise TooFewValidDays(
                    f"{k}: {have} valid days in {where}, {need} needed (GB 3095-2012 Table 4)",
                    statistic=k, have=have, need=need, where=where,
                )  # fmt: skip
    if period.kind == "ytd":  # the validity is checked month by month above
        means = {p: float(np.nanmean(values[p])) for p in ("SO2", "NO2", "PM10", "PM2.5")}
    else:  # GB 3095-2012 Table 4 once more, by the standards library
        kind = "year" if period.kind == "year" else "month"
        means = {
            p: period_mean(values[p], kind, period.month) for p in ("SO2", "NO2", "PM10", "PM2.5")
        }
    stats = {f"{p}_mean": v for p, v in means.items()}
    stats["CO_p95"] = percentile(values["CO"], 95)  # HJ 663-2013 Appendix A
    stats["O3_8h_p90"] = percentile(values["O3_8h"], 90)
    return stats


def air_figures(statistics: Mapping[str, float]) -> AirFigures:
    """Index (环办监测〔2018〕19号, GB 3095-2012 grade II), the 2026 column and the primary."""
    ci = comprehensive_index(statistics, edition=GB3095_2012)
    ci26 = comprehensive_index(statistics, edition=GB3095_2026_T)
    return AirFigures(
        ci.total_rounded, ci26.total_rounded, PRIMARY_NAME[ci.primary], dict(statistics)
    )


def competition_rank(values: Mapping[str, float]) -> dict[str, int]:
    """Ascending rank, equal values share the best rank (并列: 1, 1, 3; 环办监测〔2018〕19号)."""
    s = pd.Series(values, dtype=float)
    return {k: int(v) for k, v in s.rank(method="min", ascending=True).items()}


def change_percent(now: float | None, before: float | None) -> float | None:
    """同比 (I_now − I_prev)/I_prev [%], 1 decimal; None without a previous value."""
    if now is None or before is None or before == 0:
        return None
    return round(100.0 * change_rate(now, before), 1)


# ----------------------------------------------------------------------------------------
# water
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SectionPeriod:
    """A section's period means [mg/L; pH dimensionless] and its water body."""

    code: str
    water_body: str
    means: Mapping[str, float]


@dataclass(frozen=True)
class WaterFigures:
    cwqi: float  # 4 decimals
    main: list[str] = field(default_factory=list)
    rivers: int = 0
    lakes: int = 0


def section_period_means(
    months: Mapping[date, tuple[Mapping[str, float], int]], period: RankPeriod, section: str = ""
) -> dict[str, float]:
    """A section's means over the period: the mean of its valid months' means.

    Parameters
    ----------
    months : mapping first day of month → (indicator means, valid days)

    Raises
    ------
    InsufficientData
        A month of the period (up to the ones stored) without its minimum of valid days.
    """
    used: list[Mapping[str, float]] = []
    for m in period.months:
        key = date(period.year, m, 1)
        got = months.get(key)
        need = min_days(RankPeriod("month", period.year, m))
        have = 0 if got is None else got[1]
        if have < need:
            raise TooFewValidDays(
                f"{section} {period.year}-{m:02d}: {have} valid days, {need} needed".strip(),
                statistic="month", have=have, need=need, where=f"{period.year}-{m:02d}",
                section=section,
            )  # fmt: skip
        assert got is not None
        used.append(got[0])
    frame = pd.DataFrame(used)
    return {k: float(v) for k, v in frame.mean(skipna=True).items() if not np.isnan(v)}


def water_figures(sections: Sequence[SectionPeriod]) -> WaterFigures:
    """City (county) CWQI = (CWQI_river · M + CWQI_lake · N)/(M + N) over the mean
    concentrations of the river sections and of the lake points (环办监测〔2017〕51号); main
    pollutants: the indicators whose CWQI(i) of the river (lake) means exceeds 1 (worse than
    GB 3838-2002 class III), largest first, at most three."""
    parts: dict[str, tuple[float | None, int, dict[str, float]]] = {}
    for body in ("river", "lake"):
        own = [s.means for s in sections if s.water_body == body]
        if not own:
            parts[body] = (None, 0, {})
            continue
        means = pd.DataFrame(own).mean(skipna=True)
        res = cwqi({k: float(v) for k, v in means.items() if not np.isnan(v)}, body)
        parts[body] = (res.total, len(own), dict(res.indices))
    value = city_cwqi(parts["river"][0], parts["river"][1], parts["lake"][0], parts["lake"][1])
    idx: dict[str, float] = {}
    for _, _, ind in parts.values():
        for k, v in ind.items():
            idx[k] = max(idx.get(k, 0.0), v)
    main = [k for k, v in sorted(idx.items(), key=lambda kv: -kv[1]) if v > 1][:3]
    return WaterFigures(round(value, 4), main, parts["river"][1], parts["lake"][1])


def water_rank(values: Mapping[str, float]) -> dict[str, int]:
    """Ascending CWQI rank with ties shared (:func:`qingshan.standards.cwqi.rank`)."""
    return cwqi_rank(values)
