"""Errors the soil areas share (pure): bad input (HTTP 422) naming the field, and an import
refused as a whole naming every bad row. Each area subclasses them under its own names
(:mod:`qingshan.soil.farmland.errors`, :mod:`qingshan.soil.groundwater.errors`), so that its
callers catch the area's class."""

from __future__ import annotations

from qingshan.errors import BadInput, ImportRefused

__all__ = ["SoilError", "SoilImportRejected"]


class SoilError(BadInput):
    """Bad input to a soil area; ``field`` names the input."""


class SoilImportRejected(ImportRefused, SoilError):
    """An import refused as a whole (nothing stored): every bad row (the first 20 in the
    message, all of them in ``problems``)."""

    what = "sample import"
