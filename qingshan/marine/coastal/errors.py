"""Errors of :mod:`qingshan.marine` (HTTP 422 for bad input, 404 for a missing record), each
naming the field and the value that is wrong."""

from __future__ import annotations

from qingshan.errors import BadInput, ImportRefused, NotFound

__all__ = ["MarineError", "MarineImportRejected", "MarineNotFound"]


class MarineError(BadInput):
    """Bad input to a marine record (a sample, an outfall, a stage step). ``field`` names the
    input that is wrong."""


class MarineNotFound(NotFound):
    """A station, section or outfall that does not exist or is outside the reader's scope."""


class MarineImportRejected(ImportRefused, MarineError):
    """An import (an outfall list, a survey table) refused as a whole (nothing stored), naming every bad row
    (``problems``)."""

    what = "outfall import"
    noun = "bad row(s)"
