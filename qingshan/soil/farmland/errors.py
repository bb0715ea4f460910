"""Errors of :mod:`qingshan.soil.farmland` (HTTP 422 for bad input, 404 for an unknown plot),
each naming the field and the value that is wrong."""

from __future__ import annotations

from collections.abc import Sequence

from qingshan.errors import NotFound, QingshanError

__all__ = ["FarmlandError", "PlotNotFound", "ImportRejected"]


class FarmlandError(QingshanError):
    """Bad input to the farmland area; ``field`` names the input."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class PlotNotFound(NotFound):
    """No plot of that id or code (or none the account may see)."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"farmland plot {ref!r} not found", plot=str(ref))


class ImportRejected(FarmlandError):
    """A sample import refused as a whole (nothing stored): every bad row."""

    def __init__(self, problems: Sequence[str], *, what: str = "sample import") -> None:
        head = "; ".join(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"{what} refused, nothing stored: {len(problems)} problem(s): {head}{more}",
            field="file",
            problems=list(problems),
        )
        self.problems = list(problems)
