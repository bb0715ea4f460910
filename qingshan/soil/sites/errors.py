"""Errors of :mod:`qingshan.soil.sites` (HTTP 422 for bad input), each naming what is wrong."""

from __future__ import annotations

from qingshan.errors import BadInput

__all__ = ["SiteError"]


class SiteError(BadInput):
    """Base class of every error of the sites area. ``field`` names the input that is wrong;
    ``problems`` lists every bad row of an import (each naming its row and field)."""

    def __init__(self, message: str, *, field: str = "", problems: list[str] | None = None,
                 **context: object) -> None:  # fmt: skip
        super().__init__(message, field=field, **context)
        self.problems = list(problems or [])
