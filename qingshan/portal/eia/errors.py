"""Errors of :mod:`qingshan.portal.eia` (HTTP 422 for bad input), each naming what is wrong."""

from __future__ import annotations

from qingshan.errors import QingshanError


class EiaError(QingshanError):
    """Bad EIA or application input. ``field`` names the input that is wrong; ``problems``
    lists every bad row of an import (each naming its row and column)."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", problems: list[str] | None = None,
                 **context: object) -> None:  # fmt: skip
        super().__init__(message, field=field, **context)
        self.field = field
        self.problems = list(problems or [])
