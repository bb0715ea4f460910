"""Errors of :mod:`qingshan.soil.units` (HTTP 422 for bad input), each naming what is wrong."""

from __future__ import annotations

from qingshan.errors import BadInput


class SoilUnitError(BadInput):
    """Base class of every error of the key-unit area. ``field`` names the input that is wrong;
    ``problems`` lists every bad row of an import or a batch of samples (each naming its row
    and column)."""

    def __init__(self, message: str, *, field: str = "", problems: list[str] | None = None,
                 **context: object) -> None:  # fmt: skip
        super().__init__(message, field=field, problems=list(problems or []), **context)
        self.problems = list(problems or [])
