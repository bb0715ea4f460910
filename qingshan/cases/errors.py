"""Errors of :mod:`qingshan.cases`: one base class, small named subclasses carrying context."""

from __future__ import annotations

from qingshan.errors import IllegalStep, QingshanError


class CaseError(QingshanError):
    """Base class of every error raised by the cases package."""

    status_code = 400


class CaseNotFound(CaseError):
    """No case of that id in the caller's scope (a case out of scope is reported alike)."""

    status_code = 404

    def __init__(self, case_id: int | str) -> None:
        super().__init__(f"no case {case_id}", case_id=case_id)


class IllegalTransition(IllegalStep, CaseError):
    """An event the lifecycle does not allow in the case's state."""


class GuardFailed(CaseError):
    """The event is allowed in the state, but one of its guards does not hold."""

    status_code = 409

    def __init__(self, event: str, state: str, guard: str, why: str) -> None:
        super().__init__(
            f"event {event!r} in state {state!r} refused ({guard}): {why}",
            event=event,
            state=state,
            guard=guard,
        )


class NotPermitted(CaseError):
    """The caller may not take this action on this case (role, scope or signer entitlement)."""

    status_code = 403


class BadCaseInput(CaseError):
    """A field of a new case or of an action is invalid (names the field)."""

    status_code = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)


class CaseConflict(BadCaseInput):
    """A well-formed value that conflicts with the time or the stored data: a problem found in
    the future, a unit, file or enterprise that is not there for this case."""

    status_code = 409


class EvidenceRejected(CaseError):
    """An evidence file refused: wrong type (by its content) or too large."""

    status_code = 415


class EvidenceTooLarge(EvidenceRejected):
    status_code = 413
