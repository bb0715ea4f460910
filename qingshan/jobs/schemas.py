"""API shapes of the job overview (``GET /api/v1/admin/jobs``, ``qingshan jobs list --json``).
Times are UTC (ISO 8601); cron expressions are read in China Standard Time."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _FromAttributes(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class JobRunPublic(_FromAttributes):
    id: int
    status: Literal["running", "ok", "failed", "interrupted"]
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None = Field(description="[s]; null while running")
    message: str


class SchedulePublic(_FromAttributes):
    kind: Literal["interval", "cron"]
    text: str = Field(description='"every 10 min", "cron 0 16 * * * (CST)"')
    seconds: float | None = Field(description="the interval [s] (interval schedules)")
    cron: str | None = Field(description="crontab expression, in CST (cron schedules)")
    timezone: str


class JobPublic(_FromAttributes):
    name: str
    description: str
    schedule: SchedulePublic
    next_run: datetime | None = Field(description="null when no scheduler runs")
    last_run: JobRunPublic | None
    recent_runs: list[JobRunPublic] = Field(description="newest first")


class SchedulerPublic(_FromAttributes):
    running: bool = Field(description="a scheduler runs on this data directory")
    pid: int | None
    lock: str


class JobsOverviewPublic(_FromAttributes):
    now: datetime
    scheduler: SchedulerPublic
    jobs: list[JobPublic]
