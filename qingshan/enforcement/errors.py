"""Errors of :mod:`qingshan.enforcement`: one base class, small named subclasses with context."""

from __future__ import annotations

from qingshan.errors import QingshanError


class EnforcementError(QingshanError):
    """Base class of every error raised by the enforcement package."""

    status_code = 400


class BadRule(EnforcementError):
    """A credit rule file that is not a valid rule (names the file and the field)."""

    status_code = 500

    def __init__(self, where: str, field: str, why: str) -> None:
        super().__init__(f"credit rule {where}: {field}: {why}", file=where, field=field)


class BadEnforcementInput(EnforcementError):
    """A value given by the caller that is not acceptable (names the field)."""

    status_code = 422

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}", field=field)
        self.field = field


class EnforcementConflict(EnforcementError):
    """A request that conflicts with what is stored (a second draw of a drawn plan, a result
    for a task already recorded)."""

    status_code = 409

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}", field=field)
        self.field = field


class TooFewInspectors(EnforcementError):
    """A draw refused: some task has fewer eligible inspectors than it needs; nothing stored."""

    status_code = 409


class EnforcementNotFound(EnforcementError):
    """No such row in the caller's scope (a row out of scope is reported alike)."""

    status_code = 404

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"no {what} {key}", what=what, key=key)
