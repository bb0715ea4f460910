"""The stored monthly dispatch notices (月调度通报): one row per month and region, written by the
scheduler on the 1st (and on demand), read back as issued."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.cases.models import CaseRecord
from qingshan.db.base import Base

__all__ = ["CaseNotice", "REPORT_INDEXES"]

#: indexes the statistics and the case list read from, covering their grouped queries so that
#: PostgreSQL answers them from the index alone (0011_case_reports): counts by region and state
#: with the deadline (overdue, due), by category and source, and the monthly trend
REPORT_INDEXES = (
    Index("ix_case_record_region_state_due", CaseRecord.region_code, CaseRecord.state,
          CaseRecord.due_at),
    Index("ix_case_record_region_category_source", CaseRecord.region_code, CaseRecord.category,
          CaseRecord.source),
    Index("ix_case_record_region_registered_closed", CaseRecord.region_code,
          CaseRecord.registered_at, CaseRecord.closed_at),
)  # fmt: skip


class CaseNotice(Base):
    """A month's notice for a region (the scheduler issues the province's; a city's or
    county's view is cut from it), as :meth:`qingshan.cases.notice.Notice.to_dict`.

    Derived from the case history and re-issued in place, so not audited row by row: the row
    records who issued it and when."""

    __tablename__ = "case_notice"
    __table_args__ = (UniqueConstraint("month", "region_code"),)
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM (CST)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
