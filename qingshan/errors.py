"""The root of every Qingshan error.

Each package defines one base class deriving from :class:`QingshanError` and small named
subclasses carrying context. The API maps them to HTTP responses in one handler
(:mod:`qingshan.api.errors`); the CLI prints them and exits non-zero.
"""

import re


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


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def describe_read_error(exc: BaseException) -> tuple[str, int | None]:
    """Why a table file (CSV or Excel) could not be read, in one line, and the line of the
    file where known (1-based; the header is line 1), from the error that pandas, the text codec
    or the Excel reader raised. The readers wrap it in their package's error naming the file.
    """
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save it as CSV UTF-8",
            None,
        )
    text = str(exc)
    if match := _FIELDS.search(text):
        header, line, saw = match.groups()
        return f"line {line} has {saw} fields, the header {header}", int(line)
    if match := _OPEN_QUOTE.search(text):
        line = int(match.group(1)) + 1
        return f'a quote (") opened on line {line} is never closed', line
    if "No columns to parse" in text:
        return "the file is empty", None
    if "Excel file format cannot be determined" in text or "File is not a zip file" in text:
        return "not an Excel workbook", None
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return first, None
