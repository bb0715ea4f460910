"""Errors of :mod:`qingshan.emergency.gas`, each naming the field and the value at fault."""

from __future__ import annotations

from qingshan.errors import IllegalStep, NotFound, PermissionDenied, QingshanError


class GasError(QingshanError):
    """Base class of the gas area's errors (HTTP 422 for bad input). ``field`` names the input."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class UnknownSubstance(GasError):
    """A substance code without thresholds in ``data/gas_thresholds.json``."""

    def __init__(self, code: object, known: list[str]) -> None:
        super().__init__(
            f"unknown substance {code!r}: thresholds exist for {', '.join(sorted(known))}",
            field="substance",
        )


class BadGasInput(GasError):
    """A park, station or reading that cannot be stored as given."""


class GasNotFound(NotFound, GasError):
    status_code = 404

    def __init__(self, what: str, key: object) -> None:
        GasError.__init__(self, f"{what} {key} not found", field=f"{what}_id")


class AlarmNotActive(IllegalStep, GasError):
    status_code = 409

    def __init__(self, alarm_id: int, state: str) -> None:
        GasError.__init__(
            self, f"alarm {alarm_id} is {state}: only an active alarm is acknowledged",
            field="alarm_id",
        )  # fmt: skip


class NotAnOfficer(PermissionDenied, GasError):
    status_code = 403

    def __init__(self, message: str) -> None:
        GasError.__init__(self, message, field="actor")
