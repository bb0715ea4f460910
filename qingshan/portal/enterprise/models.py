"""The enterprise portal's table (issue #23; migration 0036_portal_enterprise).

- ``portal_certificate``: one issued compliance certificate (合规证明) — its verification code
  (random, unguessable: :func:`secrets.token_urlsafe`, unique), the enterprise and period, the
  facts it states as computed when issued (JSON: outlets, exceedance days, open cases, penalties),
  the SHA-256 of the PDF handed out (the PDF itself kept content-addressed in the evidence store),
  who issued it and when. Insert only: a certificate is never edited; a new one is issued.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["PortalCertificate"]


class PortalCertificate(Base):
    """An issued compliance certificate and the facts it states."""

    __tablename__ = "portal_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # inclusive
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int]
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(64))
    synthetic: Mapped[bool] = mapped_column(default=False)
