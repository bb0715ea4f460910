"""Enterprise self-registration (企业自助注册, issue #23; migration 0035_portal_notices).

``portal_registration``: one application — the unified social credit code and the archive
enterprise it names, the contact, the wanted username and its password (an Argon2 hash only),
its state (pending → approved | rejected, with who decided, when and why) and, once approved,
the account created for it. No account exists while an application is pending, so a pending
applicant cannot log in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["Registration", "REGISTRATION_STATES"]

REGISTRATION_STATES = ("pending", "approved", "rejected")


class Registration(Base):
    """An enterprise's application for an account."""

    __tablename__ = "portal_registration"

    #: never written to the audit log
    __audit_exclude__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_phone: Mapped[str] = mapped_column(String(32))
    contact_email: Mapped[str] = mapped_column(String(128), default="")
    username: Mapped[str] = mapped_column(String(64), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    submitted_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(64), default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    synthetic: Mapped[bool] = mapped_column(default=False)
