"""Errors of :mod:`qingshan.waste`.

One base class, :class:`WasteError`, with small named subclasses carrying the context a caller
needs to correct the input (the code, the edition, the expected pattern, the valid keys). Later
waste modules (declarations, manifests, facilities) add their subclasses here.
"""

from __future__ import annotations

from qingshan.errors import IllegalStep, PermissionDenied, QingshanError


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


# --- manifests and facilities -----------------------------------------------------------------


class IllegalManifestStep(IllegalStep, WasteError):
    """A signature the manifest lifecycle does not allow in the manifest's derived state (a
    pickup before submission, leg 2 before leg 1 hands over, a receipt after a void …)."""

    status_code = 409


class NotAParty(PermissionDenied, WasteError):
    """The signing user is not linked to the enterprise of the party that signs (and is not a
    bureau account entering a paper manifest of its region)."""

    status_code = 403


class UnlicensedFacility(WasteError):
    """The receiver holds no 危险废物经营许可证 covering the code (or its category) on the date."""


class ApprovalRequired(WasteError):
    """A cross-province transfer without its approval reference (固废法 2020, Art. 82)."""


class ApprovalRefused(ApprovalRequired):
    """A cross-province manifest whose cited approval does not allow it: unknown number, another
    producer or facility, a code it does not cover, not in force on the shipping day, or the
    approved quantity used up (危险废物转移管理办法 2021 Art. 27–28). ``condition`` names which."""


class ApprovalInvalid(WasteError):
    """An approval record with a bad field (dates, quantity, codes, parties, authority)."""


class ManifestInvalid(WasteError):
    """A manifest draft, signature or correction with a bad field (quantity, party, region …)."""


class SignaturesAreInsertOnly(WasteError):
    """An attempt to change or delete a signature of a manifest."""

    status_code = 500


# --- producers' ledger ------------------------------------------------------------------------


class LedgerInvalid(WasteError):
    """A plan, declaration, storage lot or collection point with a bad field (a negative
    quantity, a month not a first day or in the future, a bad code …); ``field`` names it."""


class LedgerNotFound(WasteError):
    """No such enterprise, lot or collection point."""

    status_code = 404


class LedgerOutsideScope(PermissionDenied, WasteError):
    """An enterprise outside the caller's region or enterprise set."""

    status_code = 403
