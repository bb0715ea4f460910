"""QC tables: enterprise marks, stored judgements (every recomputation kept) and events. The
cases (电子督办) they open live in ``qingshan.cases`` (reported through ``CaseSink``).

A judgement row stores what is needed to replay it: the rule-pack industry and version, the
digest of the input observations, the marks and limits as they were, and the per-check
parameters and counts. A late mark triggers a new judgement with ``revision + 1``; the old one
stays, marked ``superseded_by``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class QCMark(Base):
    """An enterprise mark (企业标记) on an outlet: [start, end) with who, when and proof."""

    __tablename__ = "qc_mark"
    __table_args__ = (Index("ix_qc_mark_site_start", "site_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    parameter_code: Mapped[str | None] = mapped_column(String(16))  # None: the whole outlet
    kind: Mapped[str] = mapped_column(String(8))  # 停运 启炉 停炉 故障 维护 校准 并网 解列
    start: Mapped[datetime]
    end: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    proof: Mapped[list] = mapped_column(JSON, default=list)  # proof file ids / URLs
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(64))


class QCJudgement(Base):
    """One (re)computation of an outlet's verdicts over a window, kept for replay."""

    __tablename__ = "qc_judgement"
    __audited__ = False
    __table_args__ = (UniqueConstraint("site_id", "window_start", "window_end", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    revision: Mapped[int] = mapped_column(Integer, default=1)
    trigger: Mapped[str] = mapped_column(String(16))  # scheduled | late_mark | manual | replay
    industry: Mapped[str] = mapped_column(String(32))
    rule_version: Mapped[str] = mapped_column(String(64))
    inputs_digest: Mapped[str] = mapped_column(String(64))  # sha256 of the input observations
    marks: Mapped[list] = mapped_column(
        JSON, default=list
    )  # marks as judged (id, kind, start, end, …)
    limits: Mapped[dict] = mapped_column(JSON, default=dict)  # code → {limit, standard, source}
    source_type: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[dict] = mapped_column(
        JSON, default=dict
    )  # per parameter: checks, counts, periods
    created_at: Mapped[datetime]
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("qc_judgement.id"))


class QCEvent(Base):
    """A run of exceeding periods found by a judgement."""

    __tablename__ = "qc_event"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    judgement_id: Mapped[int] = mapped_column(ForeignKey("qc_judgement.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    parameter_code: Mapped[str] = mapped_column(String(16))
    event_key: Mapped[str] = mapped_column(String(96), index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    periods: Mapped[int] = mapped_column(Integer)
    max_value: Mapped[float] = mapped_column(Float)
    max_multiple: Mapped[float] = mapped_column(Float)
    limit: Mapped[float] = mapped_column(Float)
    standard: Mapped[str] = mapped_column(String(96), default="")
    limit_source: Mapped[str] = mapped_column(String(16), default="")  # permit | national
