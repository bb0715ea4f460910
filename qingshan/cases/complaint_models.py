"""The public's complaints (群众举报): ``case_complaint``, one row per complaint received on the
public form or through Open311, pointing at the case it was registered in or joined.

The tracking number (``tracking_no``, 举报编号) is public; the secret (查询码) given to the
complainant once is stored only as its SHA-256 (``secret_hash``; none for Open311 requests,
which are read by their number with public fields only). Contact details stay internal.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["CaseComplaint"]


class CaseComplaint(Base):
    """One complaint and the case it lives in (``case_id``; a merged case is followed to the
    case it was merged into when the complaint is read)."""

    __tablename__ = "case_complaint"
    __audit_exclude__ = ("secret_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str] = mapped_column(String(24), unique=True)
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # web | open311
    outcome: Mapped[str] = mapped_column(String(16))  # new | attached | relapse
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    longitude: Mapped[float | None] = mapped_column(Float)  # WGS-84
    latitude: Mapped[float | None] = mapped_column(Float)
    enterprise_text: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contact_email: Mapped[str] = mapped_column(String(128), default="")
    media_url: Mapped[str | None] = mapped_column(String(1000))
    file_ids: Mapped[list] = mapped_column(JSON, default=list)  # case_file ids of its photos
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)  # Open311 attribute[...]
    submitted_at: Mapped[datetime] = mapped_column(index=True)
