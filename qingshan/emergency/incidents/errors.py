"""Errors of :mod:`qingshan.emergency.incidents`, each naming the field and the value at fault."""

from __future__ import annotations

from collections.abc import Sequence

from qingshan.errors import IllegalStep, NotFound, PermissionDenied, QingshanError


class IncidentError(QingshanError):
    """Base class of the incidents' errors (HTTP 422 for bad input). ``field`` names the input."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class BadIncident(IncidentError):
    """A draft, fact, order or reading that cannot be stored as given."""


class IncidentNotFound(NotFound, IncidentError):
    status_code = 404

    def __init__(self, incident_id: object) -> None:
        IncidentError.__init__(self, f"incident {incident_id} not found", field="incident_id")


class NotLeadingTier(PermissionDenied, IncidentError):
    """An officer below the incident's leading tier (or outside its region) giving orders."""

    status_code = 403

    def __init__(self, message: str) -> None:
        IncidentError.__init__(self, message, field="actor")


class IllegalIncidentStage(IllegalStep, IncidentError):
    """An out-of-order stage: names the current and the requested stage."""

    def __init__(self, current: str, requested: str, allowed: Sequence[str]) -> None:
        IllegalStep.__init__(self, requested, current, allowed)
        hint = f"; next allowed: {', '.join(allowed)}" if allowed else "; the incident is closed"
        self.message = f"stage {requested!r} cannot follow the current stage {current!r}{hint}"
        self.args = (self.message,)
        self.field = "stage"
        self.context.update(current=current, requested=requested, field="stage")
