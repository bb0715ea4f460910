"""Tables of the biodiversity surveys (生物多样性调查, issue #25; plan item 9.1, 29 key areas):
survey areas and species occurrence records in a Darwin Core–like shape.

Every row carries ``region_code`` (the county, GB/T 2260) for scope: a survey area the county of
its centre, a record the county its coordinates fall in. Positions are longitude and latitude
in degrees (WGS 84 / CGCS2000, as the rest of the platform). A survey area's status (planned →
surveying → done) follows from its dates (:mod:`qingshan.ecology.biodiversity.progress`). The
protected / invasive flags of a record are read from the lists at the time they are shown
(:mod:`qingshan.ecology.biodiversity.lists`), never stored, so a revised list applies to every
record.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["EcoOccurrence", "EcoSurveyArea"]


class EcoSurveyArea(Base):
    """A key survey area (生物多样性调查重点区域) with its outline and survey dates."""

    __tablename__ = "eco_survey_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    ecosystem: Mapped[str] = mapped_column(String(32), default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    geometry: Mapped[dict] = mapped_column(JSON)  # a GeoJSON Polygon in lon/lat
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float] = mapped_column(Float)
    planned_start: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    finished_on: Mapped[date | None] = mapped_column(Date)
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EcoOccurrence(Base):
    """One species occurrence (物种记录), Darwin Core terms (https://dwc.tdwg.org/terms/) as
    columns: ``occurrence_id`` = dwc:occurrenceID, ``class_name`` = dwc:class, ``order_name`` =
    dwc:order (``class`` and ``order`` are SQL words)."""

    __tablename__ = "eco_occurrence"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[str] = mapped_column(String(100), unique=True)
    scientific_name: Mapped[str] = mapped_column(String(200), index=True)
    vernacular_name: Mapped[str] = mapped_column(String(100), default="")
    taxon_rank: Mapped[str] = mapped_column(String(32), default="species")
    kingdom: Mapped[str] = mapped_column(String(64), default="")
    phylum: Mapped[str] = mapped_column(String(64), default="")
    class_name: Mapped[str] = mapped_column(String(64), default="")
    order_name: Mapped[str] = mapped_column(String(64), default="")
    family: Mapped[str] = mapped_column(String(64), default="")
    event_date: Mapped[date] = mapped_column(Date, index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    coordinate_uncertainty_m: Mapped[float | None] = mapped_column(Float)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    basis_of_record: Mapped[str] = mapped_column(String(32), default="HumanObservation")
    individual_count: Mapped[int | None] = mapped_column(Integer)
    survey_area_id: Mapped[int | None] = mapped_column(ForeignKey("eco_survey_area.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
