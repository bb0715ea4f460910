"""Errors of the pollution-source archive (一企一档): one base class, small named subclasses
carrying what was wrong (field, value, what is allowed)."""

from __future__ import annotations

from qingshan.errors import NotFound, QingshanError

__all__ = [
    "ArchiveError",
    "InvalidCreditCode",
    "UnknownIndustryCode",
    "BadArchiveInput",
    "ArchiveConflict",
    "EnterpriseNotFound",
    "PermitNotFound",
]


class ArchiveError(QingshanError):
    """Base class of the archive's errors."""

    status_code = 422


class InvalidCreditCode(ArchiveError):
    """A 统一社会信用代码 that fails GB 32100-2015: its shape, or its check character (the
    message names the expected one)."""


class UnknownIndustryCode(ArchiveError):
    """A GB/T 4754-2017 code that is not a 4-digit 小类 of the archive's table."""


class BadArchiveInput(ArchiveError):
    """A value the archive cannot store (the message names the field and what is allowed)."""


class ArchiveConflict(ArchiveError):
    """A value that conflicts with what is stored (a duplicate enterprise, overlapping permit
    validity, a penalty decision number already recorded)."""

    status_code = 409


class EnterpriseNotFound(NotFound):
    """No such enterprise in the caller's scope (out of scope is reported as missing)."""


class PermitNotFound(NotFound):
    """No such permit version."""
