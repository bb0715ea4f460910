"""Errors of the periodic jobs: one base class, small named subclasses carrying context."""

from __future__ import annotations

from qingshan.errors import QingshanError


class JobError(QingshanError):
    """Base class of the jobs' errors."""


class BadSchedule(JobError):
    """A job's schedule is malformed; the context names the job and the field."""

    status_code = 500  # a registry entry is wrong: a configuration error


class UnknownJob(JobError):
    """No job of that name; the message lists the jobs."""

    status_code = 404


class SchedulerRunning(JobError):
    """Another scheduler already runs on this data directory (its pid in the context)."""

    status_code = 409


class JobFailed(JobError):
    """A job run by hand raised; the run is recorded as failed in ``job_run``."""

    status_code = 500
