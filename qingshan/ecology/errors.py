"""Errors of :mod:`qingshan.ecology` (HTTP 422 for bad input, 404 for an unknown record), each
naming the field and the value that is wrong."""

from __future__ import annotations

from qingshan.errors import BadInput, NotFound
from qingshan.tablefile import RowsRefused

__all__ = ["EcologyError", "EcologyNotFound", "ImportRejected"]


class EcologyError(BadInput):
    """Bad input to the ecology records; ``field`` names the input."""


class EcologyNotFound(NotFound):
    """A county's EI, a survey area or a record unknown or outside the caller's region."""


class ImportRejected(RowsRefused, EcologyError):
    """An import refused as a whole because of its bad rows: nothing was stored. ``problems``
    are the rows' problems as text (``row <n>, column <X> (<header>): <what>``)."""
