"""Errors of :mod:`qingshan.indices`: one base class, small named subclasses with context."""

from __future__ import annotations

from qingshan.errors import QingshanError


class IndicesError(QingshanError):
    """Base class of every error raised by the indices package."""

    status_code = 422


class IndexInputError(IndicesError):
    """Rows handed to a kernel lack a column, or an argument is out of its set; names it."""

    def __init__(self, message: str, *, columns: list[str]) -> None:
        super().__init__(message, columns=columns)
        self.columns = columns


class UnknownSite(IndicesError):
    """A site code asked for is not registered; names the unknown codes."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(f"unknown site code(s): {', '.join(codes)}", codes=codes)
        self.codes = codes


class BadRange(IndicesError):
    """A time range that cannot be computed (naive times, end not after start)."""
