"""A record of each run of a periodic job."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.db.base import Base


class RunStatus(enum.StrEnum):
    """The states of a run: ``running`` → ``ok`` | ``failed``; a run its process left
    ``running`` is marked ``interrupted`` when the next scheduler starts."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class JobRun(Base):
    __tablename__ = "job_run"
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))  # a RunStatus value
    message: Mapped[str] = mapped_column(Text, default="")
