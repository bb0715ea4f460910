"""Tables of the emission-rights ledger (排污权, issue #23).

Accounts (``rights_account``): one per enterprise × pollutant, the government reserve (储备) per
region × pollutant, and one issuance/retirement account per pollutant (region 330000). Movements
(``rights_movement``) are double entries: ``amount_kg`` moves from the ``credit`` account to the
``debit`` account (an account's balance = Σ its debits − Σ its credits), so Σ balances = 0 always.
Amounts are integer kilograms per year (t/a × 1000) so that every sum is exact. Movements are
insert only: a correction is a reversing movement (``reverses_id``); a lease is stored with its
dated return (kind ``lease_return``), which takes effect at the lease's end.

Cap changes (``rights_cap_change``): a request to let an enterprise hold more of a pollutant than
its permit's annual cap (or to hold a pollutant its permit does not cap), in force once approved by
an officer of a higher level than the one who asked.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base

__all__ = ["RightsAccount", "RightsCapChange", "RightsMovement"]


class RightsAccount(Base):
    """An account of the ledger: ``kind`` enterprise | reserve | issuance; ``key`` is unique
    (``enterprise:<id>:<pollutant>``, ``reserve:<region>:<pollutant>``, ``issuance:<pollutant>``)."""

    __tablename__ = "rights_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    pollutant: Mapped[str] = mapped_column(String(16), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RightsMovement(Base):
    """One double entry: ``amount_kg`` (kg/a) from ``credit_account_id`` to ``debit_account_id``
    on ``on`` (the day it takes effect). Never updated nor deleted."""

    __tablename__ = "rights_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    pollutant: Mapped[str] = mapped_column(String(16), index=True)
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("rights_account.id"), index=True)
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("rights_account.id"), index=True)
    amount_kg: Mapped[int] = mapped_column(BigInteger)
    on: Mapped[date] = mapped_column(Date, index=True)
    document_no: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    #: price of the whole movement [yuan] (trades, 收储, 储备出让, paid allocation); None: free
    value_yuan: Mapped[float | None] = mapped_column(Float)
    #: leases: the last day of the term (the return movement takes effect the day after)
    lease_end: Mapped[date | None] = mapped_column(Date)
    #: a reversal (冲正) or a lease's return: the movement it undoes
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("rights_movement.id"), index=True)
    project: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RightsCapChange(Base):
    """A change letting ``enterprise_id`` hold up to ``cap_kg`` of ``pollutant`` (kg/a) instead
    of its permit's cap; in force from ``approved_at`` when approved by a higher-level officer."""

    __tablename__ = "rights_cap_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    pollutant: Mapped[str] = mapped_column(String(16))
    cap_kg: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text, default="")
    document_no: Mapped[str] = mapped_column(String(64), default="")
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_region: Mapped[str] = mapped_column(String(6))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: pending | approved | rejected
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_region: Mapped[str | None] = mapped_column(String(6))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    synthetic: Mapped[bool] = mapped_column(default=False)
