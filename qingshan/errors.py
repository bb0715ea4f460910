"""The root of every Qingshan error.

Each package defines one base class deriving from :class:`QingshanError` and small named
subclasses carrying context. The API maps them to HTTP responses in one handler
(:mod:`qingshan.api.errors`); the CLI prints them and exits non-zero.
"""


class QingshanError(Exception):
    """Base class of all domain errors. ``status_code`` is the HTTP status the API uses."""

    status_code: int = 400

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return self.message


class NotFound(QingshanError):
    status_code = 404


class PermissionDenied(QingshanError):
    status_code = 403


class ConfigurationError(QingshanError):
    """Bad settings: raised at start-up with the name of the offending setting."""

    status_code = 500
