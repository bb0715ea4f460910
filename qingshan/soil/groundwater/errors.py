"""Errors of :mod:`qingshan.soil.groundwater` (HTTP 422 for bad input, 404 for an unknown well or
zone), each naming the field and the value that is wrong (the shared shapes:
:mod:`qingshan.soil.errors`)."""

from __future__ import annotations

from qingshan.errors import NotFound
from qingshan.soil.errors import SoilError, SoilImportRejected

__all__ = ["GroundwaterError", "WellNotFound", "ZoneNotFound", "ImportRejected"]


class GroundwaterError(SoilError):
    """Bad input to the groundwater area; ``field`` names the input."""


class WellNotFound(NotFound):
    """No monitoring well of that id or code (or none the account may see)."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"groundwater well {ref!r} not found", well=str(ref))


class ZoneNotFound(NotFound):
    """No prevention zone of that id or code (or none the account may see)."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"groundwater zone {ref!r} not found", zone=str(ref))


class ImportRejected(SoilImportRejected, GroundwaterError):
    """A sample or zone import refused as a whole (nothing stored): every bad row or feature."""
