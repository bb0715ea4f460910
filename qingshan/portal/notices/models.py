"""The bureau's notices (通知公告, issue #23; migration 0035_portal_notices).

- ``portal_notice``: one notice — title, body (plain text / Markdown, rendered safely), its
  audience (``public`` everyone; ``region`` every enterprise of the region; ``listed`` the
  enterprises in ``enterprise_ids``; ``officers`` bureau accounts of the region), the region it
  belongs to, attachments (files in the cases evidence store, by SHA-256), and its state
  (draft → published → withdrawn; never deleted: a withdrawn notice leaves the readers' lists
  and stays in the record with who withdrew it and why);
- ``portal_notice_read``: a read receipt — one row per notice and account, the first read.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["Notice", "NoticeRead", "AUDIENCES", "STATES"]

#: who a notice is for
AUDIENCES = ("public", "region", "listed", "officers")
#: a notice's states
STATES = ("draft", "published", "withdrawn")


class Notice(Base):
    """One notice of the bureau."""

    __tablename__ = "portal_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(16), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    #: audience ``listed``: the enterprises it is addressed to
    enterprise_ids: Mapped[list] = mapped_column(JSON, default=list)
    #: [{"sha256": str, "name": str, "size": int, "content_type": str}] (cases evidence store)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(default=False)


class NoticeRead(Base):
    """A read receipt: the first time an account opened a notice."""

    __tablename__ = "portal_notice_read"
    __audited__ = False

    notice_id: Mapped[int] = mapped_column(ForeignKey("portal_notice.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime]
