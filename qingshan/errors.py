"""The root of every Qingshan error.

Each package defines one base class deriving from :class:`QingshanError` and small named
subclasses carrying context. The API maps them to HTTP responses in one handler
(:mod:`qingshan.api.errors`); the CLI prints them and exits non-zero.
"""

import bz2
import gzip
import io
import lzma
import re
import zipfile
from pathlib import Path


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


class UnreadableText(ValueError):
    """A table file that cannot be read as text (empty, binary, or in neither UTF-8 nor GBK);
    the message says which."""


def decode_table_text(data: bytes) -> str:
    """The text of a table file (CSV) from its bytes: UTF-8 (with or without a byte-order mark)
    or, failing that, GB 18030 — the superset of GBK, in which bureaus' spreadsheets are often
    saved. An empty file or one with NUL bytes (binary: a workbook, an image) raises
    :class:`UnreadableText`, and so do bytes that are neither UTF-8 nor GB 18030;
    :func:`describe_read_error` gives its message as the reason.
    """
    if not data.strip():
        raise UnreadableText("the file is empty")
    if b"\x00" in data[:65536]:
        raise UnreadableText("a binary file, not CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableText(f"neither UTF-8 nor GBK text ({bad}); save it as CSV UTF-8") from None


def read_table_text(path: Path) -> str:
    """The text of a CSV file as :func:`decode_table_text` reads it, decompressed first when
    its name ends in ``.gz``, ``.bz2``, ``.xz`` or ``.zip`` (as pandas would); a damaged archive
    raises :class:`UnreadableText`."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    try:
        if suffix == ".gz":
            data = gzip.decompress(data)
        elif suffix == ".bz2":
            data = bz2.decompress(data)
        elif suffix == ".xz":
            data = lzma.decompress(data)
        elif suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
                if len(names) != 1:
                    raise UnreadableText(f"a .zip of {len(names)} files, not of one CSV file")
                data = archive.read(names[0])
    except (OSError, EOFError, ValueError, lzma.LZMAError, zipfile.BadZipFile) as exc:
        if isinstance(exc, UnreadableText):
            raise
        raise UnreadableText(f"not a valid {suffix} file ({exc})") from exc
    return decode_table_text(data)


def describe_read_error(exc: BaseException) -> tuple[str, int | None]:
    """Why a table file (CSV or Excel) could not be read, in one line, and the line of the
    file where known (1-based; the header is line 1), from the error that pandas, the text codec
    or the Excel reader raised. The readers wrap it in their package's error naming the file.
    """
    if isinstance(exc, UnreadableText):
        return str(exc), None
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
