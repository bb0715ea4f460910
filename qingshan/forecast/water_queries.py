"""What the water forecast pages show, read from the forecast store and the warning table
(issue #15): the sections' latest forecast classes and miss probabilities, one section's
forecast with class bands, and the warning list. Scoped by region like every read."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound
from qingshan.forecast.store import list_batches, read_forecasts
from qingshan.forecast.water_models import WaterWarning
from qingshan.forecast.water_risk import INDICATORS, forecast_classes, target_limit
from qingshan.forecast.water_service import KIND, SectionMeta, get_sections
from qingshan.monitoring.models import Site
from qingshan.monitoring.places import place_of
from qingshan.monitoring.water_history import indicator_limits, read_daily
from qingshan.standards.water_quality import CLASSES
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

#: days of past forecasts (1 day ahead) set against what happened
PAST_DAYS = 28
METHOD = (
    "Direct multi-step least squares on standardised logs (upstream sections a travel time "
    "earlier as features); split-conformal intervals; miss probability from the conformal "
    "predictive distribution against the GB 3838-2002 Table 1 limits of the target class"
)


def _f(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else round(float(v), 4)


def _iso(t: Any) -> str:
    return str(pd.Timestamp(t).tz_convert("UTC").isoformat())


def _place(region_code: str) -> dict[str, Any]:
    p = place_of(region_code)
    return {
        "city": p.city_name, "city_en": p.city_name_en,
        "county": p.county_name, "county_en": p.county_name_en,
    }  # fmt: skip


def _latest_batch(data_dir: Path) -> pd.Timestamp | None:
    batches = list_batches(data_dir, KIND)
    return batches[-1] if batches else None


def _classes(day: pd.DataFrame, meta: dict[str, SectionMeta]) -> pd.Series:
    """The forecast class of each (code, target_time) of median rows ``day``."""
    wide = day.pivot_table(index=["target_id", "target_time"], columns="variable", values="value")
    if wide.empty:
        return pd.Series(dtype=object)
    lake = np.array([meta[c].water_body == "lake" for c in wide.index.get_level_values(0)])
    cols = [k for k in INDICATORS if k in wide]
    out = pd.Series(index=wide.index, dtype=object)
    for wb, m in (("river", ~lake), ("lake", lake)):
        if m.any():
            out[m] = forecast_classes(wide.loc[m, cols], wb).to_numpy()
    return out


def sections_overview(
    session: Session, scope: Scope, data_dir: Path, threshold: float
) -> dict[str, Any]:
    """The sections in ``scope`` with their latest issue's class tomorrow, the worst class and
    the highest probability of missing the target over the next 7 days (daily forecast)."""
    sections = [s for s in get_sections(session, scope) if s.series]
    meta = {s.code: s for s in sections}
    issued = _latest_batch(data_dir)
    out: dict[str, Any] = {"issued_at": None if issued is None else _iso(issued), "threshold": threshold,
                           "method": METHOD, "sections": []}  # fmt: skip
    if issued is None or not sections:
        return out
    rows = read_forecasts(
        data_dir, KIND, target_ids=list(meta), issued_from=issued, issued_to=issued,
        variables=[*INDICATORS, "P_miss"],
    )  # fmt: skip
    day = rows[(rows["period"] == "day") & (rows["quantile"] == 0.5)]
    cls = _classes(day[day["variable"] != "P_miss"], meta)
    p = day[day["variable"] == "P_miss"].set_index(["target_id", "target_time"])["value"]
    for s in sections:
        if s.code not in cls.index.get_level_values(0):
            continue
        c = cls.loc[s.code].sort_index()
        ps = (
            p.loc[s.code].sort_index()
            if s.code in p.index.get_level_values(0)
            else pd.Series(dtype=float)
        )
        ranks = [CLASSES.index(x) if x in CLASSES else -1 for x in c]
        worst = c.iloc[int(np.argmax(ranks))] if len(c) else None
        pmax = ps.max() if len(ps) and ps.notna().any() else None
        out["sections"].append({
            "code": s.code, "name": s.name, "region_code": s.region_code, **_place(s.region_code),
            "water_body": s.water_body, "target_class": s.target_class,
            "class_tomorrow": c.iloc[0] if len(c) else None, "worst_class": worst,
            "p_miss_tomorrow": _f(ps.iloc[0]) if len(ps) else None, "p_miss_max": _f(pmax),
            "p_miss_max_day": None if pmax is None else _iso(ps.idxmax()),
            "upstream": s.upstream[0] if s.upstream else None,
        })  # fmt: skip
    return out


def _section(session: Session, scope: Scope, code: str) -> SectionMeta:
    for s in get_sections(session, scope, code):
        return s
    raise NotFound(f"no surface-water section {code!r} in your scope", code=code)


def section_meta(session: Session, scope: Scope, code: str) -> SectionMeta:
    """The section ``code`` if it lies in ``scope`` (:class:`NotFound` otherwise)."""
    return _section(session, scope, code)


def section_forecast(
    session: Session, scope: Scope, data_dir: Path, store: ObservationStore, code: str
) -> dict[str, Any]:
    """One section's latest forecast (daily and hourly quantiles per indicator with the
    GB 3838-2002 class limits), the daily miss probabilities, and the last
    :data:`PAST_DAYS` days' 1-day-ahead forecasts against the observed daily means."""
    s = _section(session, scope, code)
    up = None
    if s.upstream is not None:
        site = session.scalar(select(Site).where(Site.code == s.upstream[0]))
        up = {"code": s.upstream[0], "name": site.name if site else s.upstream[0],
              "travel_hours": s.upstream[1]}  # fmt: skip
    limits = {lim.key: lim for lim in indicator_limits(s.water_body)}
    out: dict[str, Any] = {
        "section": {"code": s.code, "name": s.name, "region_code": s.region_code, **_place(s.region_code),
                    "water_body": s.water_body, "target_class": s.target_class, "upstream": up},
        "issued_at": None, "method": METHOD,
        "indicators": [
            {"key": k, "name": limits[k].name, "name_en": limits[k].name_en, "unit": limits[k].unit,
             "kind": limits[k].kind, "limits": limits[k].limits, "clause": limits[k].clause,
             "target_limit": None if s.target_class in (None, CLASSES[-1]) else target_limit(k, s.target_class, s.water_body)}
            for k in INDICATORS
        ],
        "daily": {}, "hourly": {}, "miss": [], "past": {},
    }  # fmt: skip
    issued = _latest_batch(data_dir)
    if issued is None:
        return out
    out["issued_at"] = _iso(issued)
    rows = read_forecasts(data_dir, KIND, target_ids=[code], issued_from=issued, issued_to=issued)
    for period, key in (("day", "daily"), ("hour", "hourly")):
        part = rows[rows["period"] == period]
        for k in INDICATORS:
            w = part[part["variable"] == k].pivot_table(
                index="target_time", columns="quantile", values="value"
            )
            out[key][k] = [
                {"t": _iso(t), **{f"q{round(q * 100):02d}": _f(r[q]) for q in w.columns}}
                for t, r in w.sort_index().iterrows()
            ]
    day = rows[(rows["period"] == "day") & (rows["quantile"] == 0.5)]
    pw = day[day["variable"].str.startswith("P_miss")].pivot_table(
        index="target_time", columns="variable", values="value"
    )
    cls = _classes(day[day["variable"].isin(INDICATORS)], {code: s})
    for t, r in pw.sort_index().iterrows():
        out["miss"].append({
            "t": _iso(t), "p": _f(r.get("P_miss")), "p_lower": _f(r.get("P_miss_lower")),
            "forecast_class": cls.get((code, t)),
            "by_indicator": {k: _f(r.get(f"P_miss:{k}")) for k in INDICATORS},
        })  # fmt: skip
    # the past weeks: 1-day-ahead forecasts against the observed CST daily means
    start = issued - timedelta(days=PAST_DAYS)
    past = read_forecasts(
        data_dir, KIND, target_ids=[code], variables=list(INDICATORS),
        issued_from=start, issued_to=issued,
    )  # fmt: skip
    past = past[past["period"] == "day"]
    lead1 = (
        past["target_time"].dt.tz_convert(CST).dt.normalize()
        - past["issued_at"].dt.tz_convert(CST).dt.normalize()
    )
    past = past[lead1 == pd.Timedelta(days=1)]
    ids = {v: k for k, v in s.series.items()}
    obs = read_daily(
        store, list(ids), pd.Timestamp(start), pd.Timestamp(issued) + pd.Timedelta(days=1)
    )
    obs = obs[obs["valid"].astype(bool)] if "valid" in obs and len(obs) else obs
    for k in INDICATORS:
        w = past[past["variable"] == k].pivot_table(
            index="target_time", columns="quantile", values="value"
        )
        o = (
            obs[obs["series_id"] == s.series.get(k, -1)].set_index("time")["value"]
            if len(obs)
            else pd.Series(dtype=float)
        )
        o.index = pd.DatetimeIndex(o.index).tz_convert("UTC") if len(o) else o.index
        out["past"][k] = [
            {"t": _iso(t), "q50": _f(r.get(0.5)), "q05": _f(r.get(0.05)), "q95": _f(r.get(0.95)),
             "observed": _f(o.get(t)) if len(o) else None}
            for t, r in w.sort_index().iterrows()
        ]  # fmt: skip
    return out


def warning_list(session: Session, scope: Scope, limit: int = 500) -> dict[str, Any]:
    """The warnings in ``scope``, newest issue first, with their sections and cases."""
    stmt = (
        select(WaterWarning, Site.name)
        .join(Site, Site.id == WaterWarning.site_id)
        .where(scope.where(WaterWarning.region_code))
        .order_by(WaterWarning.issued_at.desc(), WaterWarning.miss_probability.desc())
        .limit(limit)
    )
    items = []
    for w, name in session.execute(stmt).all():
        items.append({
            "id": w.id, "issued_at": _iso(w.issued_at), "target_time": _iso(w.target_time),
            "lead": w.lead, "section_code": w.section_code, "section_name": name,
            "region_code": w.region_code, **_place(w.region_code),
            "indicator": next((k for k, c in (("DO", "w01009"), ("CODMn", "w01019"), ("NH3_N", "w21003"), ("TP", "w21011")) if c == w.parameter_code), None),
            "target_class": CLASSES[w.target_class - 1] if 1 <= w.target_class <= 6 else None,
            "forecast_class": CLASSES[w.forecast_class - 1] if 1 <= w.forecast_class <= 6 else None,
            "miss_probability": w.miss_probability, "threshold": w.threshold, "case_id": w.case_id,
        })  # fmt: skip
    return {"items": items, "total": len(items)}
