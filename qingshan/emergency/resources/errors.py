"""Errors of :mod:`qingshan.emergency.resources` (HTTP 422 for bad input), each naming the field
and the value that is wrong."""

from __future__ import annotations

from qingshan.errors import BadInput, NotFound
from qingshan.tablefile import RowsRefused

__all__ = ["ImportRejected", "ResourceError", "ResourceNotFound"]


class ResourceError(BadInput):
    """Bad input to the resources area; ``field`` names the input."""


class ResourceNotFound(NotFound):
    """A depot, material, team or expert unknown or outside the caller's region."""


class ImportRejected(RowsRefused, ResourceError):
    """An import (or a form) refused as a whole because of its bad rows: nothing was stored.
    ``problems`` are the rows' problems as text (``row <n>, column <X> (<header>): <what>``)."""
