"""Errors of :mod:`qingshan.marine` (HTTP 422 for bad input, 404 for a missing record), each
naming the field and the value that is wrong."""

from __future__ import annotations

from qingshan.errors import NotFound, QingshanError

__all__ = ["MarineError", "MarineNotFound"]


class MarineError(QingshanError):
    """Bad input to a marine record (a sample, an outfall, a stage step). ``field`` names the
    input that is wrong."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class MarineNotFound(NotFound):
    """A station, section or outfall that does not exist or is outside the reader's scope."""
