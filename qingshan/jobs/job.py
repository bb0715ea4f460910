"""What a periodic job is: a function ``(ctx: JobContext) -> str`` returning a one-line summary,
with a name, a schedule and a description. Batch kernels inside a job take and return
DataFrames (see :mod:`qingshan.timeseries.rollups`), so the same code runs on Dask.

The list of the platform's jobs is the top registry's (:mod:`qingshan.platform.jobs`): this
package names no other domain. ``qingshan serve`` runs the jobs on their schedules
(:mod:`qingshan.jobs.runner`); ``qingshan jobs run NAME`` runs one by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from qingshan.config import Settings
from qingshan.jobs.errors import BadSchedule, UnknownJob
from qingshan.jobs.schedule import Schedule

#: how late a run may still start: a fire time missed by a busy or stopped scheduler is run
#: once (never several times) if the scheduler gets to it within this time
DEFAULT_GRACE = timedelta(hours=1)

_NAME = re.compile(r"[a-z][a-z0-9_-]{0,63}")  # job_run.name is 64 characters


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    engine: Engine


@dataclass(frozen=True)
class Job:
    """A periodic job. The schedule is checked here, so a bad entry in the registry fails at
    import with the job's name and the field (:class:`~qingshan.jobs.errors.BadSchedule`)."""

    name: str
    func: Callable[[JobContext], str]
    schedule: Schedule
    description: str
    grace: timedelta = DEFAULT_GRACE

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise BadSchedule(
                f"job name {self.name!r}: use lower-case letters, digits, '_' or '-' "
                "(at most 64, starting with a letter)",
                job=self.name,
                field="name",
            )
        self.schedule.validate(self.name)
        if self.grace < timedelta(seconds=1):
            raise BadSchedule(
                f"job {self.name!r}: the grace time must be at least 1 s, got {self.grace}",
                job=self.name,
                field="grace",
            )


class Jobs(Mapping[str, Job]):
    """The jobs of a registry, by name, in the order given."""

    def __init__(self, *jobs: Job) -> None:
        self._jobs: dict[str, Job] = {}
        for job in jobs:
            if job.name in self._jobs:
                raise BadSchedule(f"job {job.name!r} is listed twice", job=job.name, field="name")
            self._jobs[job.name] = job

    def __getitem__(self, name: str) -> Job:
        return self._jobs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._jobs)

    def __len__(self) -> int:
        return len(self._jobs)

    def get_job(self, name: str) -> Job:
        """The job ``name``; :class:`~qingshan.jobs.errors.UnknownJob` lists the jobs."""
        try:
            return self._jobs[name]
        except KeyError:
            raise UnknownJob(
                f"no job {name!r}; jobs are: {', '.join(sorted(self._jobs))}", job=name
            ) from None

    def __repr__(self) -> str:
        return f"Jobs({', '.join(self._jobs)})"
