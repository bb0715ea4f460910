"""Errors of accounts and access."""

from qingshan.errors import QingshanError


class AccountError(QingshanError):
    """Base class of account errors."""


class AuthenticationFailed(AccountError):
    status_code = 401


class InvalidToken(AuthenticationFailed):
    pass


class OutOfScope(AccountError):
    """A user asked for rows outside their region or enterprise."""

    status_code = 403


class DuplicateUser(AccountError):
    status_code = 409


class TooManyAttempts(AccountError):
    """Too many logins from one address or for one account, or the account is locked."""

    status_code = 429
