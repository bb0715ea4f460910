"""Errors of the observation store.

One base class, :class:`TimeseriesError`, and small named subclasses that carry the context a
caller needs to act (column, row, file, partition).
"""

from __future__ import annotations

from pathlib import Path, PurePath

from qingshan.errors import QingshanError


class TimeseriesError(QingshanError):
    """Base class of every error raised by :mod:`qingshan.timeseries`."""


class ObservationValidationError(TimeseriesError):
    """Rows handed to :meth:`ObservationStore.append` do not fit the observation schema.

    Nothing is written when this is raised. ``column`` names the offending column and ``row``
    (0-based position in the input) the first offending row, when there is one.
    """

    status_code = 422

    def __init__(self, message: str, *, column: str | None = None, row: int | None = None):
        where = []
        if column is not None:
            where.append(f"column {column!r}")
        if row is not None:
            where.append(f"row {row}")
        text = f"{', '.join(where)}: {message}" if where else message
        super().__init__(text, column=column, row=row)
        self.column = column
        self.row = row


class QueryArgumentError(TimeseriesError):
    """A bad argument to a read (naive datetime, empty range, unknown column or period)."""

    status_code = 422


class CorruptFileError(TimeseriesError):
    """A Parquet file of the dataset cannot be read or does not have the observation schema.

    ``path`` is the file; ``reason`` what is wrong with it. Readers raise this instead of
    returning partial results.
    """

    status_code = 500

    def __init__(self, path: PurePath | str, reason: str):
        super().__init__(f"corrupt Parquet file {path}: {reason}", path=str(path), reason=reason)
        self.path = path if isinstance(path, PurePath) else Path(path)
        self.reason = reason


class StoreIOError(TimeseriesError):
    """The dataset could not be read or written for a reason other than a corrupt file."""

    status_code = 500
