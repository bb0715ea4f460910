"""Errors of :mod:`qingshan.portal.notices`, each naming what is wrong."""

from __future__ import annotations

from qingshan.errors import IllegalStep, NotFound, PermissionDenied, QingshanError


class NoticeError(QingshanError):
    """Bad input to a notice (HTTP 422); ``field`` names the input that is wrong."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class NoticeNotFound(NotFound, NoticeError):
    """No notice of this id that the caller may see (404)."""

    status_code = 404


class NoticeNotPermitted(PermissionDenied, NoticeError):
    """The caller may not write or publish notices (403)."""

    status_code = 403


class NoticeIllegalStep(IllegalStep, NoticeError):
    """A state change that the notice's state does not allow (409), e.g. publishing a
    withdrawn notice."""

    status_code = 409
