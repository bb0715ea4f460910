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
from collections.abc import Sequence
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


class BadInput(QingshanError):
    """Bad input (HTTP 422): ``field`` names the input that is wrong (an attribute and in the
    context). A domain's own bad-input error subclasses it."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


class ImportRefused(BadInput):
    """An import refused as a whole, nothing stored: every bad row in ``problems`` (the first
    20 in the message: ``<what> refused, nothing stored: <n> <noun>: <p1>; <p2> … (and k
    more)``). A domain subclasses it with its ``what`` (default) and ``noun``."""

    what = "import"
    noun = "problem(s)"

    def __init__(self, problems: Sequence[str], *, what: str | None = None) -> None:
        items = list(problems)
        head = "; ".join(items[:20])
        more = f" (and {len(items) - 20} more)" if len(items) > 20 else ""
        super().__init__(
            f"{what or self.what} refused, nothing stored: {len(items)} {self.noun}: {head}{more}",
            field="file",
            problems=items,
        )
        self.problems = items


class NotFound(QingshanError):
    status_code = 404


class PermissionDenied(QingshanError):
    status_code = 403


class IllegalStep(QingshanError):
    """An event a declared lifecycle does not allow in the record's state (design.md, house
    style 8), naming the event, the state and the events that are allowed. Each package's
    lifecycle error derives from it and from the package's base: ``class
    IllegalTransition(IllegalStep, CaseError)``."""

    status_code = 409

    def __init__(self, event: str, state: str, allowed: Sequence[str] = ()) -> None:
        hint = f" (allowed: {', '.join(allowed)})" if allowed else " (no event is allowed)"
        super().__init__(
            f"event {event!r} is not allowed in state {state!r}{hint}",
            event=event,
            state=state,
            allowed=list(allowed),
        )


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


def _mib(size: int) -> str:
    return f"{size / 2**20:g} MiB"


class FileTooLarge(UnreadableText):
    """A file (or what it decompresses to) larger than the limit the reader was given."""


def read_file_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, reading at most ``max_bytes`` (the setting
    ``QINGSHAN_MAX_FILE_BYTES``): a larger file — or an endless one such as ``/dev/zero`` or a
    pipe that never closes — raises :class:`FileTooLarge` after reading just past the limit,
    never holding more than that in memory."""
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLarge(
            f"larger than the limit of {_mib(max_bytes)} (setting QINGSHAN_MAX_FILE_BYTES)"
        )
    return data


def _decompress(data: bytes, suffix: str, max_bytes: int) -> bytes:
    """What a compressed file holds, decompressing at most ``max_bytes`` + 1 bytes (a small
    archive that expands without bound is refused as :class:`FileTooLarge`)."""
    if suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) != 1:
                raise UnreadableText(f"a .zip of {len(names)} files, not of one CSV file")
            with archive.open(names[0]) as member:
                plain = member.read(max_bytes + 1)
    else:
        compressed = io.BytesIO(data)
        stream = {
            ".gz": lambda: gzip.GzipFile(fileobj=compressed),
            ".bz2": lambda: bz2.BZ2File(compressed),
            ".xz": lambda: lzma.LZMAFile(compressed),
        }[suffix]()
        with stream:
            plain = stream.read(max_bytes + 1)
    if len(plain) > max_bytes:
        raise FileTooLarge(
            f"decompresses to more than the limit of {_mib(max_bytes)} "
            "(setting QINGSHAN_MAX_FILE_BYTES)"
        )
    return plain


def read_table_text(path: Path, max_bytes: int) -> str:
    """The text of a CSV file as :func:`decode_table_text` reads it, decompressed first when
    its name ends in ``.gz``, ``.bz2``, ``.xz`` or ``.zip`` (as pandas would). Neither the file
    nor what it decompresses to may exceed ``max_bytes`` (:class:`FileTooLarge`); a damaged
    archive raises :class:`UnreadableText`."""
    data = read_file_bytes(path, max_bytes)
    suffix = path.suffix.lower()
    if suffix in (".gz", ".bz2", ".xz", ".zip"):
        try:
            data = _decompress(data, suffix, max_bytes)
        except UnreadableText:
            raise
        except (OSError, EOFError, ValueError, lzma.LZMAError, zipfile.BadZipFile) as exc:
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
