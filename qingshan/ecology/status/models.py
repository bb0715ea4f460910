"""Tables of the ecological status (生态状况, issue #25): the sub-indices of HJ 192-2015 per
county and year and the ecological status index (EI) computed from them.

Every row carries ``region_code`` (the county, GB/T 2260) for scope. The five sub-indices are
stored as given (0–100 each, HJ 192-2015 §5.2); the environmental restriction index (环境限制指数,
a constraint on the grade, HJ 192-2015 Table 5) as the keys of the events that apply,
comma-separated (``none`` for none); ``ei`` and ``grade`` (the grade after the restriction) are
derived by :mod:`qingshan.standards.ecological_status` when the row is written and are never
set on their own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["EcoStatusInput"]


class EcoStatusInput(Base):
    """The EI inputs of one county for one year (评价年), with the EI and grade derived."""

    __tablename__ = "eco_status_input"
    __table_args__ = (UniqueConstraint("region_code", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    year: Mapped[int] = mapped_column(index=True)
    biological_abundance: Mapped[float] = mapped_column(Float)
    vegetation_cover: Mapped[float] = mapped_column(Float)
    water_network_density: Mapped[float] = mapped_column(Float)
    land_stress: Mapped[float] = mapped_column(Float)
    pollution_load: Mapped[float] = mapped_column(Float)
    restriction: Mapped[str] = mapped_column(String(200), default="none")
    ei: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(200), default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
