"""The demo's previous year for the ranking's 同比 (design.md "Demo history", issue #16).

The demo stores one year ending at its "now". A year-on-year ranking needs the same period of
the year before: it is derived here from the replayed year, **synthetic** and labelled so —

- each day D of the previous year takes the region's daily statistics of D + 1 year (air) and
  each section-month the means of the same month a year later (water);
- scaled per city by a seeded factor per pollutant (indicator): air 1.00–1.25 (the previous
  year a little worse, as Zhejiang's air has improved year on year), water CODMn, NH3-N and TP
  1.00–1.30, pH and DO unchanged; a county takes its city's factors;
- stored as the ranking's roll-ups only (region-days, section-months; flagged ``synthetic``),
  never in the observation store, so the demo does not double and backtests (which read the
  store) never see it; days already stored (the replay's first weeks) are kept as they are.

Same seed → same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from qingshan.db.engine import session_scope
from qingshan.geo.regions import CITY_CODES
from qingshan.targets.ranking_models import RankingAirDay
from qingshan.targets.ranking_service import (
    AIR_COLUMNS,
    air_days,
    get_ranking,
    refresh_air_days,
    refresh_water_months,
    stored_months,
    water_months,
    write_synthetic,
)
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import as_cst

#: scale ranges of the previous year's values over the replay's, per city [dimensionless]
AIR_SCALE = (1.00, 1.25)
WATER_SCALE = (1.00, 1.30)
WATER_SCALED = ("CODMn", "NH3_N", "TP")


@dataclass(frozen=True)
class PreviousYear:
    air_days: int
    water_months: int
    first: date
    last: date

    def __str__(self) -> str:
        return (
            f"synthetic previous year {self.first}…{self.last}: {self.air_days} region-days, "
            f"{self.water_months} section-months"
        )


def city_factors(seed: int) -> dict[str, dict[str, float]]:
    """Per city: a factor per air column and per scaled water indicator (seeded)."""
    out = {}
    for code in CITY_CODES:
        rng = np.random.default_rng([seed, int(code)])
        air = rng.uniform(*AIR_SCALE, size=len(AIR_COLUMNS))
        water = rng.uniform(*WATER_SCALE, size=len(WATER_SCALED))
        out[code] = dict(zip(AIR_COLUMNS.values(), air.tolist(), strict=True)) | dict(
            zip(WATER_SCALED, water.tolist(), strict=True)
        )
    return out


def _year_before(d: date) -> date | None:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return None


def derive_previous_year(
    air: list[dict], water: list[dict], seed: int
) -> tuple[list[dict], list[dict]]:
    """The previous year's rows from the replay's (pure): each moved back one year and scaled
    by its city's factors (:func:`city_factors`)."""
    factors = city_factors(seed)
    out_air = []
    for r in air:
        if r["synthetic"]:
            continue
        day = _year_before(r["day"])
        if day is None:
            continue
        f = factors[r["region_code"][:4] + "00"]
        row = dict(r, day=day)
        for c in AIR_COLUMNS.values():
            if r[c] is not None:
                row[c] = round(r[c] * f[c], 4)
        out_air.append(row)
    out_water = []
    for r in water:
        if r["synthetic"]:
            continue
        f = factors[r["region_code"][:4] + "00"]
        means = {k: round(v * f[k], 4) if k in WATER_SCALED else v for k, v in r["means"].items()}
        month = r["month"].replace(year=r["month"].year - 1)
        out_water.append(dict(r, month=month, means=means))
    return out_air, out_water


def build_previous_year(session: Session, first: date, last: date, seed: int) -> PreviousYear:
    """Derive and store the previous year of the replayed days ``first`` … ``last`` (the
    days a year earlier that are not stored yet)."""
    air = air_days(session, first, last)
    water = water_months(session, first.replace(day=1), last)
    a, w = derive_previous_year(air, water, seed)
    n_air, n_water = write_synthetic(session, a, w)
    return PreviousYear(
        air_days=n_air,
        water_months=n_water,
        first=first - timedelta(days=365),
        last=last - timedelta(days=365),
    )


def seed_demo_ranking(
    engine: Engine, store: ObservationStore, now: datetime, seed: int = 2021
) -> str | None:
    """The demo's ranking roll-ups (once): the replayed year's region-days and section-months,
    the synthetic previous year, and every month's ranking computed once (air and water,
    cities and counties) as a check; None when already built."""
    last = as_cst(now - timedelta(hours=1)).date()
    first = last - timedelta(days=365)
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(RankingAirDay)):
            return None
        refresh_air_days(session, store, first, last)
        refresh_water_months(session, store, first, last)
        prev = build_previous_year(session, first, last, seed)
    ranked = lacking = 0
    with session_scope(engine) as session:
        months = stored_months(session)
        for month in months:
            for kind in ("air", "water"):
                for level in ("city", "county"):
                    r = get_ranking(session, kind, level, "month", month)
                    ranked += len(r.rows)
                    lacking += len(r.lacking)
    return (
        f"{prev}; {len(months)} months ranked (air, water × cities, counties): "
        f"{ranked} ranked rows, {lacking} regions lacking valid data"
    )
