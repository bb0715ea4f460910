"""Errors of :mod:`qingshan.soil.groundwater` (HTTP 422 for bad input, 404 for an unknown well or
zone), each naming the field and the value that is wrong."""

from __future__ import annotations

from collections.abc import Sequence

from qingshan.errors import NotFound, QingshanError

__all__ = ["GroundwaterError", "WellNotFound", "ZoneNotFound", "ImportRejected"]


class GroundwaterError(QingshanError):
    """Bad input to the groundwater area; ``field`` names the input."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class WellNotFound(NotFound):
    """No monitoring well of that id or code (or none the account may see)."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"groundwater well {ref!r} not found", well=str(ref))


class ZoneNotFound(NotFound):
    """No prevention zone of that id or code (or none the account may see)."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"groundwater zone {ref!r} not found", zone=str(ref))


class ImportRejected(GroundwaterError):
    """A sample or zone import refused as a whole (nothing stored): every bad row or feature."""

    def __init__(self, problems: Sequence[str], *, what: str = "sample import") -> None:
        head = "; ".join(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"{what} refused, nothing stored: {len(problems)} problem(s): {head}{more}",
            field="file",
            problems=list(problems),
        )
        self.problems = list(problems)
