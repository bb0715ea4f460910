"""Errors of the audit log."""

from __future__ import annotations

from qingshan.errors import QingshanError


class AuditError(QingshanError):
    """Base class of the audit log's errors."""


class BadAnchor(AuditError):
    """A published head given as something else than ``ID:HASH``."""


class ChainBroken(AuditError):
    """The audit log's hash chain does not hold: the message names the first broken row."""

    status_code = 409
