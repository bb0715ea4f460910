"""Errors of :mod:`qingshan.emergency.radiation` (HTTP 422 for bad input, 404 for an unknown
source), each naming the field and the value that is wrong."""

from __future__ import annotations

from qingshan.errors import BadInput, ImportRefused, NotFound

__all__ = ["RadiationError", "UnknownNuclide", "SourceNotFound", "ImportRejected"]


class RadiationError(BadInput):
    """Bad input to the radiation area; ``field`` names the input."""


class UnknownNuclide(RadiationError):
    """A nuclide the data table does not hold (its half-life and D-value are unknown)."""

    def __init__(self, nuclide: str, known: list[str]) -> None:
        super().__init__(
            f"nuclide: unknown nuclide {nuclide!r}; known: {', '.join(known)}",
            field="nuclide",
            nuclide=nuclide,
        )
        self.nuclide = nuclide


class SourceNotFound(NotFound):
    """No source of that id or code (or none the account may see)."""

    def __init__(self, ref: object) -> None:
        super().__init__(f"radioactive source {ref!r} not found", source=str(ref))


class ImportRejected(ImportRefused, RadiationError):
    """A position-report or source-register import refused as a whole (nothing stored): its
    bad rows."""

    what = "position import"
    noun = "bad row(s)"
