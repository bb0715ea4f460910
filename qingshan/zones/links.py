"""What spatial control needs from other domains, as Protocols the platform wires (zones imports
neither the archive nor monitoring; :mod:`qingshan.platform` hands the implementations in, as it
hands QC the cases' :class:`~qingshan.qc.supervision.CaseSink`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

__all__ = ["DrinkingWaterSources", "EnterpriseLocation", "EnterpriseLocations"]


class DrinkingWaterSources(Protocol):
    """The codes, among ``codes``, of the drinking-water sources (饮用水水源地) the monitoring
    registry holds: a water-source protection zone's ``site_code`` must be one of them."""

    def __call__(self, session: Session, codes: Collection[str]) -> set[str]: ...


@dataclass(frozen=True)
class EnterpriseLocation:
    """An archived enterprise where it lies: id, name, county (GB/T 2260), GB/T 4754-2017 code
    (小类, 4 digits, or None), status, longitude and latitude [degrees, WGS 84 ≈ CGCS2000]."""

    id: int
    name: str
    region_code: str
    industry_code: str | None
    status: str
    longitude: float
    latitude: float


class EnterpriseLocations(Protocol):
    """Every archived enterprise with coordinates whose county lies in ``region_code``
    (province, city or county), by id (implemented through the archive's service)."""

    def __call__(self, session: Session, region_code: str) -> list[EnterpriseLocation]: ...
