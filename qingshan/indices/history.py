"""Read the stored indices back: an air station's AQI by hour and day from its derived series
(written by :mod:`qingshan.indices.service`), not recomputed on request."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound
from qingshan.indices.kernel import primary_names
from qingshan.indices.schemas import AqiDay, AqiHour, StationAqi
from qingshan.indices.service import AQI, AQI_PRIMARY
from qingshan.monitoring.air_history import day_start_utc, parse_range
from qingshan.monitoring.models import SiteKind
from qingshan.monitoring.service import get_series_of_sites, get_site
from qingshan.standards.aqi import level_of
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow


def _int(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)  # type: ignore[call-overload]


def station_aqi(
    session: Session, scope: Scope, store: ObservationStore, code: str,
    start: date | None = None, end: date | None = None,
) -> StationAqi:  # fmt: skip
    """The stored hourly and daily AQI of air station ``code`` over the CST days ``start`` …
    ``end`` (default: the 7 days to today, CST; at most a year, as the station page). A station
    out of scope is 404, as ``/api/v1/sites/{code}``."""
    site = get_site(session, scope, code)
    if site.kind is not SiteKind.AIR_STATION:
        raise NotFound(f"no air station {code!r} in your scope", code=code)
    rng = parse_range(start, end, utcnow().astimezone(CST).date())
    ids = {(s.parameter_code, s.period.value): s.id
           for s in get_series_of_sites(session, [site]).get(site.id, [])}  # fmt: skip
    t0, t1 = day_start_utc(rng.start), day_start_utc(rng.end + timedelta(days=1))

    def read(param: str, period: str) -> pd.DataFrame:
        sid = ids.get((param, period))
        if sid is None:
            return pd.DataFrame(columns=["time", "value", "source"])
        rows = store.query([sid], t0, t1, period=period, columns=["value", "source"])
        return rows.assign(time=pd.to_datetime(rows["time"], utc=True)).set_index("time")

    out: dict[str, list] = {}
    for period in ("hour", "day"):
        aqi, prim = read(AQI, period), read(AQI_PRIMARY, period)
        masks = prim["value"].reindex(aqi.index).fillna(0).to_numpy(np.int64)
        names = primary_names(masks)
        levels = level_of(aqi["value"].to_numpy(float)) if len(aqi) else np.zeros(0, np.int8)
        if period == "hour":
            out[period] = [AqiHour(time=t.to_pydatetime(), aqi=_int(v), primary=n.split(",") if n else [])
                           for t, v, n in zip(aqi.index, aqi["value"], names, strict=True)]  # fmt: skip
        else:
            out[period] = [
                AqiDay(date=t.tz_convert(CST).date(), aqi=_int(v), level=int(lv) or None,
                       primary=n.split(",") if n else [], source=str(src))
                for t, v, n, lv, src in zip(aqi.index, aqi["value"], names, levels, aqi["source"], strict=True)
            ]  # fmt: skip
    return StationAqi(code=site.code, name=site.name, start=rng.start, end=rng.end,
                      hourly=out["hour"], daily=out["day"])  # fmt: skip
