"""Errors of :mod:`qingshan.emergency.resources` (HTTP 422 for bad input), each naming the field
and the value that is wrong."""

from __future__ import annotations

from qingshan.errors import QingshanError

__all__ = ["ImportRejected", "ResourceError", "RowProblem"]


class ResourceError(QingshanError):
    """Bad input to the resources area; ``field`` names the input."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class RowProblem(ResourceError):
    """One bad row of an import (``row`` is 1-based, the header being row 1 as a spreadsheet
    numbers it)."""

    def __init__(self, row: int, field: str, message: str) -> None:
        super().__init__(f"row {row}: {field}: {message}", field=field, row=row)
        self.row = row


class ImportRejected(ResourceError):
    """An import refused as a whole because of its bad rows (nothing was stored)."""

    def __init__(self, kind: str, problems: list[RowProblem]) -> None:
        head = "; ".join(str(p) for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"{kind} import refused, nothing stored: {len(problems)} bad row(s): {head}{more}",
            field="file",
            problems=[str(p) for p in problems],
        )
        self.problems = problems
