"""Errors the soil areas share (pure): bad input (HTTP 422) naming the field, and an import
refused as a whole naming every bad row. Each area subclasses them under its own names
(:mod:`qingshan.soil.farmland.errors`, :mod:`qingshan.soil.groundwater.errors`), so that its
callers catch the area's class."""

from __future__ import annotations

from collections.abc import Sequence

from qingshan.errors import BadInput

__all__ = ["SoilError", "SoilImportRejected"]


class SoilError(BadInput):
    """Bad input to a soil area; ``field`` names the input."""


class SoilImportRejected(SoilError):
    """An import refused as a whole (nothing stored): every bad row (the first 20 in the
    message, all of them in ``problems``)."""

    def __init__(self, problems: Sequence[str], *, what: str = "sample import") -> None:
        head = "; ".join(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"{what} refused, nothing stored: {len(problems)} problem(s): {head}{more}",
            field="file",
            problems=list(problems),
        )
        self.problems = list(problems)
