"""The implementations of the zones' Protocols (:mod:`qingshan.zones.links`): the monitoring
registry's drinking-water sources and the archive's enterprise locations, through their
services (zones imports neither)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from qingshan.archive.service import enterprise_directory
from qingshan.monitoring.service import drinking_water_source_codes
from qingshan.zones.links import DrinkingWaterSources, EnterpriseLocation, EnterpriseLocations

__all__ = ["DRINKING_WATER_SOURCES", "ENTERPRISE_LOCATIONS", "enterprise_locations"]


def enterprise_locations(session: Session, region_code: str) -> list[EnterpriseLocation]:
    """The zones' :class:`EnterpriseLocations`: every enterprise of the archive's directory in
    ``region_code`` that has coordinates (one without is not placed, so not swept)."""
    return [
        EnterpriseLocation(
            e.id,
            e.name,
            e.region_code,
            e.industry_code,
            e.status,
            float(e.longitude),
            float(e.latitude),
        )  # fmt: skip
        for e in enterprise_directory(session, region_code)
        if e.longitude is not None and e.latitude is not None
    ]


DRINKING_WATER_SOURCES: DrinkingWaterSources = drinking_water_source_codes
ENTERPRISE_LOCATIONS: EnterpriseLocations = enterprise_locations
