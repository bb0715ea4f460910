"""User accounts. Every user has a role and a region scope; enterprise users also act for one
or more enterprises (``enterprise_id``, the first, and :class:`UserEnterprise` links)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qingshan.db.base import Base
from qingshan.timeutil import utcnow


class Role(enum.StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    ENTERPRISE = "enterprise"
    PUBLIC = "public"


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: the enterprises an enterprise user acts for (the link table; includes ``enterprise_id``)
    enterprise_links: Mapped[list[UserEnterprise]] = relationship(
        lazy="selectin", cascade="all, delete-orphan"
    )

    #: never written to the audit log
    __audit_exclude__ = ("password_hash",)

    @property
    def enterprise_ids(self) -> frozenset[int]:
        """Every enterprise this account acts for."""
        ids = {link.enterprise_id for link in self.enterprise_links}
        if self.enterprise_id is not None:
            ids.add(self.enterprise_id)
        return frozenset(ids)

    __table_args__ = (
        # usernames are unique whatever their case ("Admin" and "admin" are one account)
        Index("uq_app_user_username_lower", func.lower(username), unique=True),
    )


class UserEnterprise(Base):
    """An enterprise an account acts for (an enterprise user may act for several: a group's
    subsidiaries, an operator of several plants)."""

    __tablename__ = "user_enterprise"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), primary_key=True)


class RevokedToken(Base):
    """A token revoked before its expiry (logout): refused until it expires anyway."""

    __tablename__ = "revoked_token"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)
