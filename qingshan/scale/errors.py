"""Errors of the batch runner: one base class, small named subclasses carrying context."""

from __future__ import annotations

from qingshan.errors import QingshanError


class BatchError(QingshanError):
    """Base class of the batch runner's errors."""


class BatchArgumentError(BatchError):
    """A bad kind, date range or site list; the message names what is wrong."""


class UnknownSite(BatchArgumentError):
    """Site codes that the registry does not hold (listed in the context)."""

    status_code = 404


class SchedulerUnreachable(BatchError):
    """No Dask scheduler answered at the given address within the timeout."""

    status_code = 503


class BatchRunning(BatchError):
    """Another batch of the same kind runs on this data directory (its pid in the context)."""

    status_code = 409


class PartitionFailed(BatchError):
    """A partition's task raised; the message names the partition and the cause."""

    status_code = 500
