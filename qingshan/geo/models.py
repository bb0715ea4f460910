"""Administrative regions: province 330000 → city 330100 → county 330102 (GB/T 2260 codes)."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class RegionLevel(enum.StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class Region(Base):
    __tablename__ = "region"
    __audited__ = False

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    level: Mapped[RegionLevel] = mapped_column(Enum(RegionLevel, native_enum=False, length=16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
