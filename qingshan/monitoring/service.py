"""Reading the monitoring model: sites, series and their latest values, scoped."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound
from qingshan.geo.models import Region
from qingshan.monitoring.models import LatestValue, Period, Series, Site, SiteKind
from qingshan.standards.pollutant_codes import normalise_code

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
