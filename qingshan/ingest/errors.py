"""Errors of file and packet ingest."""

from qingshan.errors import QingshanError


class IngestError(QingshanError):
    """Base class of ingest errors."""

    status_code = 422


class UnknownFormat(IngestError):
    """A file whose header matches none of the formats we read."""


class BadRow(IngestError):
    """One row that cannot be read; carries the 1-based line number and the reason."""

    def __init__(self, message: str, *, line: int, **context: object) -> None:
        super().__init__(f"line {line}: {message}", line=line, **context)
        self.line = line
