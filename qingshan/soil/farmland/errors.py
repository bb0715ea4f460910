"""Errors of :mod:`qingshan.soil.farmland` (HTTP 422 for bad input, 404 for an unknown plot),
each naming the field and the value that is wrong (the shared shapes:
:mod:`qingshan.soil.errors`)."""

from __future__ import annotations

from qingshan.errors import NotFound
from qingshan.soil.errors import SoilError, SoilImportRejected

__all__ = ["FarmlandError", "PlotNotFound", "ImportRejected"]


class FarmlandError(SoilError):
    """Bad input to the farmland area; ``field`` names the input."""


class PlotNotFound(NotFound):
    """No plot of that id or code (or none the account may see)."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"farmland plot {ref!r} not found", plot=str(ref))


class ImportRejected(SoilImportRejected, FarmlandError):
    """A sample import refused as a whole (nothing stored): every bad row."""
