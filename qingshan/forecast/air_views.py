"""What the air forecast pages show (issue #15): the cities' latest forecasts in a caller's
scope, a city's forecast with the past weeks' forecasts against what happened, and the stored
backtest. Reads only: forecasts from the store, observed city days through
:func:`qingshan.forecast.service.read_city_daily`.

Scope (as ``/air/cities/{code}``): the province and anonymous visitors read every city (air
quality is public); a city account reads its city; a county account reads its city's forecast,
marked ``context_only`` (forecasts are made for cities, not counties); any other city is 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from qingshan.accounts.scope import PUBLIC_SCOPE, Scope
from qingshan.errors import NotFound
from qingshan.forecast.daily import daily_report
from qingshan.forecast.schemas import (
    AirForecasts,
    Band,
    CityForecast,
    CityForecastDetail,
    ForecastDay,
    PastDay,
    Skill,
)
from qingshan.forecast.service import (
    AHEAD,
    FORECAST_VARIABLES,
    KIND,
    MODEL,
    issued_at_of,
    levels_of,
    read_air,
    read_backtest,
    read_city_daily,
)
from qingshan.forecast.store import list_batches
from qingshan.geo.regions import CITY_CODES, REGIONS
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

UNITS = {"AQI": "", "PM2.5": "µg/m³", "PM10": "µg/m³", "O3_8h": "µg/m³", "NO2": "µg/m³",
         "SO2": "µg/m³", "CO": "mg/m³"}  # fmt: skip
#: weeks of past forecasts the city page sets against what happened
PAST_WEEKS = 8


def scope_cities(scope: Scope) -> tuple[list[str], bool]:
    """The cities whose forecasts ``scope`` reads, and whether only as context (a county)."""
    region = scope.region_code
    if region == "330000" or region not in REGIONS:
        return list(CITY_CODES), False
    city = region[:4] + "00"
    if city not in CITY_CODES:
        return list(CITY_CODES), False
    return [city], region != city


def check_city(scope: Scope, city_code: str) -> bool:
    """``context_only`` of ``city_code`` for ``scope``; NotFound when out of scope."""
    if city_code not in CITY_CODES:
        raise NotFound(f"no city {city_code!r}; cities: {', '.join(CITY_CODES)}", code=city_code)
    cities, context = scope_cities(scope)
    if city_code not in cities:
        raise NotFound(f"no city {city_code!r} in your scope", code=city_code)
    return context


def _band(row: Mapping[str, Any] | None, digits: int) -> Band:
    if row is None:
        return Band(q10=None, q50=None, q90=None)
    return Band(
        **{
            q: (None if pd.isna(row[q]) else round(float(row[q]), digits))
            for q in ("q10", "q50", "q90")
        }
    )


def _digits(var: str) -> int:
    return 0 if var == "AQI" else 3 if var == "CO" else 1


def _primary(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [p for p in str(value).split(",") if p]


def _city_forecasts(wide: pd.DataFrame) -> list[CityForecast]:
    out = []
    levels = levels_of(wide)
    for (city, issued), part in wide.groupby(["city_code", "issued_at"]):
        lv = levels[(levels["city_code"] == city) & (levels["issued_at"] == issued)]
        days = []
        for day, rows in part.groupby("target_day"):
            by_var = {r["variable"]: r for _, r in rows.iterrows()}
            one = lv[lv["target_day"] == day]
            aqi = None if one.empty or pd.isna(one["aqi"].iloc[0]) else int(one["aqi"].iloc[0])
            level = (
                None if one.empty or pd.isna(one["level"].iloc[0]) else int(one["level"].iloc[0])
            )
            days.append(
                ForecastDay(
                    target_day=day,
                    days_ahead=int(rows["days_ahead"].iloc[0]),
                    aqi=aqi,
                    aqi_band=_band(by_var.get("AQI"), 0),
                    level=level,
                    primary=[] if one.empty else _primary(one["primary"].iloc[0]),
                    pollutants={
                        v: _band(by_var.get(v), _digits(v))
                        for v in FORECAST_VARIABLES
                        if v != "AQI"
                    },
                )
            )
        region = REGIONS[str(city)]
        out.append(
            CityForecast(
                city_code=str(city),
                name=region.name,
                name_en=region.name_en,
                issued_at=pd.Timestamp(issued).to_pydatetime(),
                days=days,
            )  # fmt: skip
        )
    return out


def air_forecasts(data_dir: Path, scope: Scope, issued: date | None = None) -> AirForecasts:
    """The latest forecast (or that of the issue day ``issued``) of each city in scope."""
    cities, context = scope_cities(scope)
    wide = read_air(data_dir, cities=cities, issued=issued)
    found = _city_forecasts(wide) if not wide.empty else []
    if issued is None and found:
        newest = max(c.issued_at for c in found)
        found = [c for c in found if c.issued_at == newest] or found
    return AirForecasts(
        region_code=scope.region_code,
        context_only=context,
        issued_at=max((c.issued_at for c in found), default=None),
        model=f"{MODEL.name} {MODEL.version}",
        cities=sorted(found, key=lambda c: c.city_code),
        units=UNITS,
    )


def _observed(
    session: Session, store: ObservationStore, city: str, first: date, last: date
) -> pd.DataFrame:
    daily = read_city_daily(session, PUBLIC_SCOPE, store, first, last, cities=[city])
    if daily.empty:
        return daily
    rep = daily_report(daily)
    return pd.concat([daily.reset_index(drop=True), rep.reset_index(drop=True)], axis=1)


def _scores(past: list[PastDay]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for h in AHEAD:
        pairs = [
            (
                p.observed.get("AQI"),
                p.forecasts[str(h)]["AQI"],
                p.observed_level,
                p.forecast_levels.get(str(h)),
            )
            for p in past
            if str(h) in p.forecasts and p.observed.get("AQI") is not None
        ]
        n = len(pairs)
        err = [abs(b.q50 - a) for a, b, _, _ in pairs if a is not None and b.q50 is not None]
        inside = [
            b.q10 <= a <= b.q90
            for a, b, _, _ in pairs
            if a is not None and b.q10 is not None and b.q90 is not None
        ]
        hits = [lo == lf for _, _, lo, lf in pairs if lo is not None and lf is not None]
        out.append({
            "days_ahead": h, "n": n,
            "aqi_mae": round(float(np.mean(err)), 1) if err else None,
            "level_accuracy": round(float(np.mean(hits)), 3) if hits else None,
            "coverage_80": round(float(np.mean(inside)), 3) if inside else None,
        })  # fmt: skip
    return out


def city_detail(
    session: Session,
    store: ObservationStore,
    data_dir: Path,
    scope: Scope,
    city_code: str,
    weeks: int = PAST_WEEKS,
) -> CityForecastDetail:
    """A city's latest forecast and the past ``weeks`` of its forecasts against what happened."""
    context = check_city(scope, city_code)
    region = REGIONS[city_code]
    batches = list_batches(data_dir, KIND)
    latest = _city_forecasts(read_air(data_dir, cities=[city_code]))
    past: list[PastDay] = []
    if batches:
        last_issue = batches[-1].tz_convert(CST).date()
        first = last_issue - timedelta(days=weeks * 7)
        wide = read_air(data_dir, cities=[city_code], issued_from=first)
        wide = wide[wide["target_day"] <= last_issue]
        lv = levels_of(wide) if not wide.empty else pd.DataFrame()
        obs = _observed(session, store, city_code, first + timedelta(days=1), last_issue)
        obs_by_day = {r["day"]: r for r in obs.to_dict("records")} if not obs.empty else {}
        level_of = {
            (r["target_day"], int(r["days_ahead"])): r["level"] for r in lv.to_dict("records")
        }
        by_day: dict[date, list[dict]] = {}
        for r in wide.to_dict("records"):
            by_day.setdefault(r["target_day"], []).append(r)
        for day in sorted(by_day):
            o = obs_by_day.get(day)
            fc: dict[str, dict[str, Band]] = {}
            fl: dict[str, int | None] = {}
            for r in by_day[day]:
                h = int(r["days_ahead"])
                fc.setdefault(str(h), {})[r["variable"]] = _band(r, _digits(r["variable"]))
                level = level_of.get((day, h))
                fl[str(h)] = None if level is None or pd.isna(level) else int(level)
            observed: dict[str, float | None] = {}
            if o is not None:
                observed["AQI"] = None if pd.isna(o["aqi"]) else float(o["aqi"])
                for v in FORECAST_VARIABLES[:-1]:
                    observed[v] = None if pd.isna(o[v]) else round(float(o[v]), _digits(v))
            past.append(
                PastDay(
                    day=day,
                    observed=observed,
                    observed_level=None if o is None or pd.isna(o["level"]) else int(o["level"]),
                    observed_primary=[] if o is None else _primary(o["primary"]),
                    forecasts=fc,
                    forecast_levels=fl,
                )  # fmt: skip
            )
    return CityForecastDetail(
        city_code=city_code, name=region.name, name_en=region.name_en, context_only=context,
        forecast=latest[-1] if latest else None, past=past, scores=_scores(past), units=UNITS,
    )  # fmt: skip


def skill(data_dir: Path) -> Skill:
    """The stored backtest (None fields when no backtest was run)."""
    body = read_backtest(data_dir)
    if body is None:
        return Skill(made_at=None, days={}, result=None)
    return Skill(made_at=body["made_at"], days=body["days"], result=body["result"])


__all__ = ["air_forecasts", "city_detail", "check_city", "issued_at_of", "scope_cities", "skill"]
