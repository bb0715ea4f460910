"""Contaminated construction land (issue #24, area sites; migration 0039_soil_sites).

- ``soil_site``: one site of the register (建设用地土壤污染风险管控和修复名录): its register code,
  name, county, boundary (GeoJSON, lon/lat CGCS2000) with the area computed on a Gauss–Krüger
  plane beside the declared one, former use and industry, the responsible party (an archive
  enterprise, else name + 统一社会信用代码), the planned use and its GB 36600-2018 §3 land
  category, the current stage (kept equal to the newest ``soil_site_stage`` row), pollutants
  found, the risk assessment summary, the re-use date and the documents;
- ``soil_site_stage``: the insert-only history of stage moves (a move backwards carries its
  reason);
- ``soil_site_sample``: one soil sample (point, depth [m], unit mg/kg, item values) with its
  GB 36600-2018 judgement as computed when stored;
- ``soil_site_plan_item``: one measure of the site's plan (一地一策): measure, responsible unit,
  deadline, status.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["SoilSite", "SiteStage", "SiteSample", "SitePlanItem"]


class SoilSite(Base):
    """A contaminated site on the register."""

    __tablename__ = "soil_site"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    boundary: Mapped[dict] = mapped_column(JSON)  # GeoJSON Polygon / MultiPolygon (lon, lat)
    area_m2: Mapped[float] = mapped_column(Float)  # computed on a Gauss–Krüger plane
    area_declared_m2: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)  # a representative point inside the boundary
    lat: Mapped[float] = mapped_column(Float)
    former_use: Mapped[str] = mapped_column(String(200), default="")
    industry: Mapped[str] = mapped_column(String(64), default="")
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    party_name: Mapped[str] = mapped_column(String(200), default="")
    party_uscc: Mapped[str] = mapped_column(String(18), default="")
    planned_use: Mapped[str] = mapped_column(String(32))
    land_category: Mapped[int] = mapped_column(Integer)  # GB 36600-2018 §3.3 / §3.4
    stage: Mapped[str] = mapped_column(String(24), index=True)
    pollutants: Mapped[list] = mapped_column(JSON, default=list)  # item keys of GB 36600
    # {"target_risk": 1e-6, "target_hq": 1.0, "levels": {item: mg/kg}, "summary": str}
    risk: Mapped[dict] = mapped_column(JSON, default=dict)
    listed_on: Mapped[date | None] = mapped_column(Date)
    reused_on: Mapped[date | None] = mapped_column(Date)  # 再开发利用 began
    documents: Mapped[list] = mapped_column(JSON, default=list)  # [{"title","kind","on"}]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
    synthetic: Mapped[bool] = mapped_column(default=False)


class SiteStage(Base):
    """One move of a site's stage (insert-only)."""

    __tablename__ = "soil_site_stage"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("soil_site.id"), index=True)
    stage: Mapped[str] = mapped_column(String(24))
    previous: Mapped[str | None] = mapped_column(String(24))
    moved_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    moved_by: Mapped[str] = mapped_column(String(64))
    moved_at: Mapped[datetime]
    synthetic: Mapped[bool] = mapped_column(default=False)


class SiteSample(Base):
    """One soil sample of a site, judged by GB 36600-2018 for the site's land category."""

    __tablename__ = "soil_site_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("soil_site.id"), index=True)
    point: Mapped[str] = mapped_column(String(40))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    depth_m: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    sampled_on: Mapped[date] = mapped_column(Date)
    values: Mapped[dict] = mapped_column(JSON)  # {item: mg/kg}
    land_category: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(24))
    over_screening: Mapped[list] = mapped_column(JSON, default=list)
    over_intervention: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    synthetic: Mapped[bool] = mapped_column(default=False)


class SitePlanItem(Base):
    """One measure of a site's plan (一地一策)."""

    __tablename__ = "soil_site_plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("soil_site.id"), index=True)
    measure: Mapped[str] = mapped_column(Text)
    responsible_unit: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned|in_progress|done
    done_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    synthetic: Mapped[bool] = mapped_column(default=False)
