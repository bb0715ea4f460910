"""The open-data API's rules: sites as GeoJSON, series, observations, roll-ups with their
coverage as fields, and indices (daily AQI, water class), each list paged with its total.

Everything is read through the monitoring service and the observation store, within the
caller's scope exactly as the rest of the API (anonymous callers: the public air stations and
water sections; never outlets nor loggers).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.errors import QingshanError
from qingshan.monitoring import air_history, water_history
from qingshan.monitoring import service as monitoring
from qingshan.monitoring.models import Period, SiteKind
from qingshan.monitoring.places import place_of
from qingshan.opendata.schemas import (
    DailyAqiItem,
    IndexPage,
    ObservationItem,
    Page,
    PointGeometry,
    RollupItem,
    SeriesItem,
    SiteCollection,
    SiteFeature,
    SiteProperties,
    WaterClassItem,
)
from qingshan.timeseries.rollup_job import SOURCE_PREFIX, parse_rollup_source
from qingshan.timeseries.store import ObservationStore

#: every list's page size: default and bound (larger limits are refused with a 422)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: observation lists may be long: a larger bound
MAX_OBSERVATION_LIMIT = 10000
ROLLUP_PERIODS = (Period.DAY, Period.MONTH, Period.YEAR)

T = TypeVar("T")


class OpenDataError(QingshanError):
    """A request the open-data API cannot answer as asked (422, naming the field)."""

    status_code = 422


def page(items: Sequence[T], limit: int, offset: int) -> Page[T]:
    """One page of ``items``: ``total`` all of them, ``items`` [offset, offset + limit)."""
    return Page[T](
        total=len(items), limit=limit, offset=offset, items=list(items[offset : offset + limit])
    )


def _in_region(site_region: str, region: str) -> bool:
    """Whether a site's GB/T 2260 code lies in ``region`` (province, city or county)."""
    if region.endswith("0000"):
        return site_region[:2] == region[:2]
    if region.endswith("00"):
        return site_region[:4] == region[:4]
    return site_region == region


def sites_geojson(
    session: Session,
    scope: Scope,
    kind: SiteKind | None,
    region: str | None,
    limit: int,
    offset: int,
) -> SiteCollection:
    """The sites of ``scope`` (of ``kind``, within ``region``: a city code takes its counties)
    as a GeoJSON FeatureCollection (RFC 7946), ordered by code, with the total."""
    sites = monitoring.get_sites(session, scope, kind)
    if region is not None:
        sites = [s for s in sites if _in_region(s.region_code, region)]
    features = []
    for s in sites[offset : offset + limit]:
        place = place_of(s.region_code)
        geometry = (
            None
            if s.longitude is None or s.latitude is None
            else PointGeometry(coordinates=[s.longitude, s.latitude])
        )
        features.append(
            SiteFeature(
                id=s.code,
                geometry=geometry,
                properties=SiteProperties(
                    code=s.code,
                    name=s.name,
                    kind=s.kind.value,
                    control_level=s.control_level.value,
                    region_code=s.region_code,
                    city_code=place.city_code,
                    city_name=place.city_name,
                    city_name_en=place.city_name_en,
                    county_code=place.county_code,
                    county_name=place.county_name,
                    county_name_en=place.county_name_en,
                    approximate=monitoring.is_approximate(s),
                ),
            )
        )
    return SiteCollection(total=len(sites), limit=limit, offset=offset, features=features)


def site_series(
    session: Session, scope: Scope, code: str, limit: int, offset: int
) -> Page[SeriesItem]:
    """The series of the site ``code`` in scope (404 otherwise), by parameter and period."""
    site = monitoring.get_site(session, scope, code)
    names = monitoring.parameter_names(session)
    series = monitoring.get_series_of_sites(session, [site])[site.id]
    items = [
        SeriesItem(
            id=s.id,
            parameter=s.parameter_code,
            parameter_name=names.get(s.parameter_code, (s.parameter_code, ""))[0],
            parameter_name_en=names.get(s.parameter_code, ("", s.parameter_code))[1],
            period=s.period.value,
            unit=s.unit,
        )
        for s in series
    ]
    return page(items, limit, offset)


def observations(
    session: Session,
    scope: Scope,
    store: ObservationStore,
    code: str,
    parameter: str,
    period: Period,
    start: datetime,
    end: datetime,
    limit: int,
    offset: int,
) -> Page[ObservationItem]:
    """Observations of one series in [start, end) [UTC], oldest first, paged with the total
    (the range rules of :func:`qingshan.monitoring.service.read_observations`)."""
    _, _, frame = monitoring.read_observations(
        session, scope, store, code, parameter, period, start, end
    )
    total = len(frame)
    part = frame.iloc[offset : offset + limit]
    items = [
        ObservationItem(
            time=r.time,
            value=None if pd.isna(r.value) else float(r.value),
            raw_value=None if pd.isna(r.raw_value) else float(r.raw_value),
            source_flag=None if pd.isna(r.source_flag) else str(r.source_flag),
            qc_flag=None if pd.isna(r.qc_flag) else int(r.qc_flag),
        )
        for r in part.itertuples(index=False)
    ]
    return Page[ObservationItem](total=total, limit=limit, offset=offset, items=items)


def coverage_of(source: str | None) -> tuple[str | None, int | None, int | None, float | None]:
    """(source period, n_valid, n_expected, coverage) of a roll-up row's ``source``
    (``rollup:hour:22/24`` → ("hour", 22, 24, 0.9167)); all None for a row that is no
    roll-up (a value sent as a day by a logger, HJ 212-2017 CN 2031)."""
    if source is None or not str(source).startswith(SOURCE_PREFIX):
        return None, None, None, None
    period, n_valid, n_expected = parse_rollup_source(str(source))
    cov = None if not n_expected else round(n_valid / n_expected, 4)
    return period, n_valid, n_expected, cov


def rollups(
    session: Session,
    scope: Scope,
    store: ObservationStore,
    code: str,
    parameter: str,
    period: Period,
    start: datetime,
    end: datetime,
    limit: int,
    offset: int,
) -> Page[RollupItem]:
    """Stored day, month or year means of one parameter of the site ``code`` with coverage
    as fields: ``n_valid``/``n_expected`` from the row's source, ``valid`` per the roll-up
    rule (:mod:`qingshan.timeseries.rollups`: the mean is stored as the value only when at
    least GB 3095-2012 §8.2 Table 4's count of valid values went in)."""
    if period not in ROLLUP_PERIODS:
        raise OpenDataError(
            f"period {period.value!r} is no roll-up; one of: "
            f"{', '.join(p.value for p in ROLLUP_PERIODS)}",
            field="period",
        )
    site = monitoring.get_site(session, scope, code)
    series = monitoring.get_series_of(session, site, parameter, period)
    if end <= start:
        raise OpenDataError(
            f"empty range: end {end.isoformat()} is not after start {start.isoformat()}",
            field="end",
        )
    frame = store.query(
        [series.id], start, end, period=period.value, columns=["value", "raw_value", "source"]
    )
    total = len(frame)
    items = []
    for r in frame.iloc[offset : offset + limit].itertuples(index=False):
        src_period, n_valid, n_expected, cov = coverage_of(r.source)
        value = None if pd.isna(r.value) else float(r.value)
        items.append(
            RollupItem(
                time=r.time,
                value=value,
                mean_of_valid=None if pd.isna(r.raw_value) else float(r.raw_value),
                source_period=src_period,
                n_valid=n_valid,
                n_expected=n_expected,
                coverage=cov,
                valid=value is not None,
            )
        )
    return Page[RollupItem](total=total, limit=limit, offset=offset, items=items)


def daily_aqi(
    session: Session,
    scope: Scope,
    store: ObservationStore,
    code: str,
    city: bool,
    start: date | None,
    end: date | None,
    limit: int,
    offset: int,
) -> IndexPage[DailyAqiItem]:
    """Daily AQI (HJ 633 daily report of the edition in force) of an air station or a city
    (the mean of its national stations), from :mod:`qingshan.monitoring.air_history`."""
    build = air_history.city_history if city else air_history.station_history
    hist = build(session, scope, store, code, start, end)
    items = [DailyAqiItem(**d.model_dump()) for d in hist.daily]
    return IndexPage[
        DailyAqiItem
    ](
        code=hist.code,
        name=hist.name,
        meta={
            "kind": hist.kind,
            "start": hist.start.isoformat(),
            "end": hist.end.isoformat(),
            "units": hist.units,
        },  # fmt: skip
        total=len(items),
        limit=limit,
        offset=offset,
        items=items[offset : offset + limit],
    )


def water_classes(
    session: Session,
    scope: Scope,
    store: ObservationStore,
    code: str,
    scale: str,
    months: int,
    limit: int,
    offset: int,
) -> IndexPage[WaterClassItem]:
    """A section's GB 3838-2002 class per CST month or day from
    :mod:`qingshan.monitoring.water_history` (means of valid values, 环办〔2011〕22号)."""
    hist = water_history.section_history(session, scope, store, code, months=months)
    points = hist.monthly if scale == "month" else hist.daily
    items = [
        WaterClassItem(
            time=p.time,
            label=p.label,
            section_class=p.section_class,
            class_rank=p.class_rank,
            meets_target=p.meets_target,
            complete=p.complete,
            coverage=p.coverage,
            main_pollutants=[m.key for m in p.main_pollutants],
        )
        for p in points
    ]
    return IndexPage[
        WaterClassItem
    ](
        code=hist.section.code,
        name=hist.section.name,
        meta={
            "scale": scale,
            "target_class": hist.section.target_class,
            "water_body": hist.section.water_body,
            "method": hist.method,
        },  # fmt: skip
        total=len(items),
        limit=limit,
        offset=offset,
        items=items[offset : offset + limit],
    )
