"""Errors of the geography package."""

from __future__ import annotations

from qingshan.errors import QingshanError


class GeoError(QingshanError):
    """Base class of the geography package's errors."""


class BadRegionCode(GeoError):
    """A region code that is not six digits (GB/T 2260 codes are six digits)."""

    status_code = 422


class UnknownRegion(GeoError):
    """A well-formed code that names no region of Zhejiang in :data:`~qingshan.geo.regions.REGIONS`."""

    status_code = 404


class NotACity(GeoError):
    """A region that has no city (the province itself) where a city was asked for."""

    status_code = 422
