"""Ground truth of the faults the demo province injects, for scoring QC."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class InjectedFault(Base):
    __tablename__ = "injected_fault"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    kind: Mapped[str] = mapped_column(
        String(32)
    )  # exceedance | flat_line | spike | gap | o2_tamper | calibration
    start: Mapped[datetime]
    end: Mapped[datetime]  # exclusive
    params: Mapped[dict] = mapped_column(JSON, default=dict)
