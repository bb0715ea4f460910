"""Errors of :mod:`qingshan.carbon`.

One base class, :class:`CarbonError` (HTTP 422), with small named subclasses that carry the
context a caller needs to correct the input: the field, the value, the valid keys or unit.
Messages are English; the pages show them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from qingshan.errors import QingshanError


class CarbonError(QingshanError):
    """Base class of every error raised by the carbon package. ``field`` names the input at fault."""

    status_code = 422

    def __init__(self, message: str, *, field: str = "", **context: object) -> None:
        super().__init__(message, field=field, **context)
        self.field = field


def _near(key: str, valid: Iterable[str], n: int = 3) -> list[str]:
    valid = list(valid)
    return difflib.get_close_matches(key.lower(), valid, n=n, cutoff=0.5)


class UnknownFuel(CarbonError):
    """A fuel key the factor library does not hold; the message lists the known keys."""

    def __init__(self, fuel: str, known: Iterable[str]) -> None:
        known = sorted(known)
        near = _near(str(fuel), known)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        super().__init__(
            f"unknown fuel {fuel!r}{hint} (known fuels: {', '.join(known)})",
            field="fuel",
            fuel=fuel,
            known=known,
        )
        self.fuel, self.known, self.near = fuel, known, near


class WrongUnit(CarbonError):
    """An amount given in a unit other than the one the factor library stores for it."""

    def __init__(self, fuel: str, unit: str, expected: str) -> None:
        super().__init__(
            f"wrong unit {unit!r} for {fuel!r}: expected {expected!r}",
            field="unit",
            fuel=fuel,
            unit=unit,
            expected=expected,
        )
        self.fuel, self.unit, self.expected = fuel, unit, expected


class NegativeAmount(CarbonError):
    """A negative activity amount (consumption, purchase or export cannot be below zero)."""

    def __init__(self, field: str, value: float) -> None:
        super().__init__(f"{field} must not be negative (got {value!r})", field=field, value=value)
        self.value = value


class InvalidAmount(CarbonError):
    """An amount that is not a finite number (NaN, infinity, text)."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__(
            f"{field} must be a finite number (got {value!r})", field=field, value=value
        )
        self.value = value


class UnknownFactor(CarbonError):
    """No factor of that kind and key (or basis) in force: the message lists what exists."""

    def __init__(self, kind: str, key: str, known: Iterable[str], *, detail: str = "") -> None:
        known = sorted(known)
        more = f" {detail}" if detail else ""
        super().__init__(
            f"no {kind} factor {key!r}{more} (known: {', '.join(known) or 'none'})",
            field=kind,
            kind=kind,
            key=key,
            known=known,
        )
        self.kind, self.key, self.known = kind, key, known


class FactorFileError(CarbonError):
    """A factor data file with a bad row: names the file, the row (1-based) and the field."""

    status_code = 500

    def __init__(self, path: str, row: int | None, field: str, message: str) -> None:
        where = f"{path}" + (f", row {row}" if row is not None else "")
        super().__init__(f"{where}, field {field!r}: {message}", field=field, path=path, row=row)
        self.path, self.row = path, row


class NotFound(CarbonError):
    """No such enterprise (or not one the caller may see)."""

    status_code = 404


class OutsideScope(CarbonError):
    """An enterprise outside the caller's region or enterprise set."""

    status_code = 403


class BadActivity(CarbonError):
    """An activity that cannot be stored (month not a first day, out of range, bad source)."""


class BadWorkbook(CarbonError):
    """A file that is not a readable activity workbook (damaged, an .xls, no header row)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")
