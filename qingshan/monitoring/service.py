"""Reading the monitoring model: sites, series and their latest values, scoped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import PUBLIC_SCOPE, Scope
from qingshan.errors import NotFound, QingshanError
from qingshan.geo.models import Region
from qingshan.monitoring.models import LatestValue, Parameter, Period, Series, Site, SiteKind
from qingshan.monitoring.schemas import AirStationLatest, SeriesPublic, SiteDetail, SitePublic
from qingshan.standards.aqi import aqi
from qingshan.standards.pollutant_codes import normalise_code
from qingshan.timeseries.store import ObservationStore

#: the longest range one observations request may ask for
MAX_OBSERVATION_RANGE = timedelta(days=400)

#: HJ 212-2017 Appendix B codes of the six ambient-air pollutants → HJ 633 real-time keys
AIR_REALTIME_KEYS = {
    "a21026": "SO2_1h",
    "a21004": "NO2_1h",
    "a21005": "CO_1h",
    "a05024": "O3_1h",
    "a34002": "PM10_1h",
    "a34004": "PM2.5_1h",
}


@dataclass
class SiteLatest:
    """A site with the values of its newest hour (one timestamp for all its parameters)."""

    site: Site
    city_code: str
    city_name: str
    time: datetime | None = None
    values: dict[str, float | None] = field(default_factory=dict)  # parameter code → value


def get_sites(session: Session, scope: Scope, kind: SiteKind | None = None) -> list[Site]:
    stmt = select(Site).where(scope.where(Site.region_code, Site.enterprise_id)).order_by(Site.code)
    if kind is not None:
        stmt = stmt.where(Site.kind == kind)
    return list(session.scalars(stmt))


def drinking_water_source_codes(session: Session, codes: Collection[str]) -> set[str]:
    """The codes, among ``codes``, of the drinking-water sources (饮用水水源地 sites): a
    water-source protection zone's ``site_code`` is checked here on import (the zones'
    ``DrinkingWaterSources``, wired by the platform)."""
    kind = SiteKind.DRINKING_WATER_SOURCE
    wanted = sorted(set(codes))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):  # bounded IN lists
        found |= set(session.scalars(select(Site.code).where(Site.kind == kind,
                                                            Site.code.in_(wanted[i:i + 500]))))  # fmt: skip
    return found


def get_latest_hour(session: Session, scope: Scope, kind: SiteKind) -> list[SiteLatest]:
    """Each site of ``kind`` in scope with its hourly values at the site's newest hour."""
    sites = get_sites(session, scope, kind)
    cities = dict(session.execute(select(Region.code, Region.name)).all())
    out = {
        s.id: SiteLatest(s, _city(s.region_code), cities.get(_city(s.region_code), ""))
        for s in sites
    }
    rows = session.execute(
        select(Series.site_id, Series.parameter_code, LatestValue.time, LatestValue.value)
        .join(LatestValue, LatestValue.series_id == Series.id)
        .join(Site, Site.id == Series.site_id)
        .where(Series.period == Period.HOUR, Site.kind == kind)
        .where(scope.where(Site.region_code, Site.enterprise_id))
    ).all()
    by_site: dict[int, list] = defaultdict(list)
    for site_id, code, time, value in rows:
        by_site[site_id].append((code, time, value))
    for site_id, vals in by_site.items():
        if site_id not in out:
            continue
        newest = max(t for _, t, _ in vals)
        out[site_id].time = newest
        out[site_id].values = {code: v for code, t, v in vals if t == newest}
    return list(out.values())


def get_site(session: Session, scope: Scope, code: str) -> Site:
    """The site with ``code`` if it lies in ``scope``; :class:`NotFound` otherwise (a site out
    of scope is reported exactly as a missing one, so scope never leaks existence)."""
    site = session.scalar(
        select(Site).where(Site.code == code, scope.where(Site.region_code, Site.enterprise_id))
    )
    if site is None:
        raise NotFound(f"no site {code!r} in your scope", code=code)
    return site


def get_series_of(session: Session, site: Site, parameter: str, period: Period) -> Series:

    code = normalise_code(parameter)
    series = session.scalar(
        select(Series).where(
            Series.site_id == site.id, Series.parameter_code == code, Series.period == period
        )
    )
    if series is None:
        have = sorted(f"{s.parameter_code}/{s.period.value}" for s in site.series)
        raise NotFound(
            f"site {site.code} has no {period.value} series of {code}; it has: {', '.join(have) or 'none'}",
            code=site.code,
        )
    return series


def _city(region_code: str) -> str:
    return region_code[:4] + "00"


def is_approximate(site: Site) -> bool:
    """Whether the site's position is approximate (``attrs["placement"] == "approximate"``:
    a real site whose coordinates are not published, placed by name or within its city)."""
    return (site.attrs or {}).get("placement") == "approximate"


def site_public(s: Site, scope: Scope | None = None) -> SitePublic:
    """The public shape of a site; its ``attrs`` without the logger's MN unless ``scope`` may
    read it (province and city administrators; without a scope nobody)."""
    return SitePublic(
        code=s.code,
        name=s.name,
        kind=s.kind.value,
        control_level=s.control_level.value,
        region_code=s.region_code,
        longitude=s.longitude,
        latitude=s.latitude,
        approximate=is_approximate(s),
        attrs=scope.public_attrs(s.attrs)
        if scope is not None
        else PUBLIC_SCOPE.public_attrs(s.attrs),
    )


def air_stations_latest(session: Session, scope: Scope) -> list[AirStationLatest]:
    """Every air station in ``scope`` with its newest hour and the real-time AQI as CNEMC
    publishes it (HJ 633-2012 §5 real-time report on 1 h values,
    :func:`qingshan.standards.aqi.aqi` with ``report="realtime"``)."""
    out = []
    for item in get_latest_hour(session, scope, SiteKind.AIR_STATION):
        conc = {key: item.values.get(code) for code, key in AIR_REALTIME_KEYS.items()}
        result = aqi(conc, report="realtime", date=item.time) if item.time else None
        out.append(
            AirStationLatest(
                code=item.site.code,
                name=item.site.name,
                city_code=item.city_code,
                city_name=item.city_name,
                control_level=item.site.control_level.value,
                region_code=item.site.region_code,
                longitude=item.site.longitude,
                latitude=item.site.latitude,
                approximate=is_approximate(item.site),
                time=item.time,
                aqi=result.aqi if result else None,
                level=result.level if result else None,
                category=result.category if result else None,
                color=result.color if result else None,
                primary_pollutants=list(result.primary_pollutants) if result else [],
                primary_indicators=list(result.primary_indicators) if result else [],
                concentrations=conc,
                replayed=bool((item.site.attrs or {}).get("replayed_from")),
            )
        )
    return out


def site_detail(session: Session, scope: Scope, code: str) -> SiteDetail:
    """The site ``code`` in ``scope`` with its series, by parameter and period."""
    site = get_site(session, scope, code)
    names = dict(session.execute(select(Parameter.code, Parameter.name)).all())
    return SiteDetail(
        **site_public(site, scope).model_dump(),
        series=[
            SeriesPublic(
                id=s.id,
                parameter_code=s.parameter_code,
                parameter_name=names.get(s.parameter_code, s.parameter_code),
                period=s.period.value,
                unit=s.unit,
            )
            for s in sorted(site.series, key=lambda s: (s.parameter_code, s.period.value))
        ],
    )


def read_observations(
    session: Session,
    scope: Scope,
    store: ObservationStore,
    code: str,
    parameter: str,
    period: Period,
    start: datetime,
    end: datetime,
) -> tuple[Site, Series, pd.DataFrame]:
    """The observations of one series of the site ``code`` in [start, end) [UTC], with
    ``value``, ``raw_value``, ``source_flag`` and ``qc_flag``. An empty or inverted range, or
    one longer than :data:`MAX_OBSERVATION_RANGE`, is refused with a message saying so."""
    site = get_site(session, scope, code)
    series = get_series_of(session, site, parameter, period)
    if end <= start:
        raise QingshanError(
            f"empty range: end {end.isoformat()} is not after start {start.isoformat()}"
        )
    if end - start > MAX_OBSERVATION_RANGE:
        raise QingshanError(
            f"range too long: at most {MAX_OBSERVATION_RANGE.days} days per request"
        )
    frame = store.query(
        [series.id],
        start,
        end,
        period=period.value,
        columns=["value", "raw_value", "source_flag", "qc_flag"],
    )
    return site, series, frame


def get_series_of_sites(session: Session, sites: list[Site]) -> dict[int, list[Series]]:
    """The series of ``sites`` (already scoped by the caller), by site id, ordered by
    parameter and period; one query for all of them."""
    out: dict[int, list[Series]] = {s.id: [] for s in sites}
    if not sites:
        return out
    stmt = (
        select(Series)
        .where(Series.site_id.in_(list(out)))
        .order_by(Series.site_id, Series.parameter_code, Series.period)
    )
    for s in session.scalars(stmt):
        out[s.site_id].append(s)
    return out


def parameter_names(session: Session) -> dict[str, tuple[str, str]]:
    """HJ 212-2017 parameter code → (Chinese name, English name) as registered."""
    rows = session.execute(select(Parameter.code, Parameter.name, Parameter.name_en)).all()
    return {code: (name, name_en) for code, name, name_en in rows}
