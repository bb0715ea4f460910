"""Errors of :mod:`qingshan.waste`.

One base class, :class:`WasteError`, with small named subclasses carrying the context a caller
needs to correct the input (the code, the edition, the expected pattern, the valid keys). Later
waste modules (declarations, manifests, facilities) add their subclasses here.
"""

from __future__ import annotations

from qingshan.errors import QingshanError


class WasteError(QingshanError):
    """Base class of every error raised by the waste package."""

    status_code = 422


class WasteCodeError(WasteError):
    """A hazardous-waste code (废物代码) that cannot be accepted; ``code`` is the input."""


class MalformedWasteCode(WasteCodeError):
    """The input is not an 8-digit code ``NNN-NNN-NN`` (with or without the hyphens)."""


class UnknownWasteCategory(WasteCodeError):
    """The category digits (7–8) name no category of the list (HW41–HW44 do not exist)."""


class UnknownWasteCode(WasteCodeError):
    """A well-formed code that the edition in force on the record's date does not list."""


class UnknownStage(WasteError):
    """A management stage (豁免环节) that the exemption list does not use."""
