"""Errors of :mod:`qingshan.standards`.

One base class, :class:`StandardsError`, with small named subclasses that carry the context a
caller needs to correct the input (the key, the valid keys, the clause).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from qingshan.errors import QingshanError


class StandardsError(QingshanError):
    """Base class of every error raised by the standards library."""

    status_code = 422


def _near(key: str, valid: Iterable[str], n: int = 5) -> list[str]:
    valid = list(valid)
    lower = {v.lower(): v for v in valid}
    hits = difflib.get_close_matches(key.lower(), list(lower), n=n, cutoff=0.5)
    return [lower[h] for h in hits]


class UnknownKeyError(StandardsError):
    """A key (indicator, pollutant code, edition, table row…) not in the standard's table."""

    def __init__(self, kind: str, key: object, valid: Iterable[str]) -> None:
        valid = sorted(str(v) for v in valid)
        near = _near(str(key), valid)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        shown = ", ".join(valid) if len(valid) <= 30 else ", ".join(valid[:30]) + ", …"
        super().__init__(
            f"unknown {kind} {key!r}{hint} (valid: {shown})",
            kind=kind,
            key=key,
            valid=valid,
            near=near,
        )
        self.kind, self.key, self.valid, self.near = kind, key, valid, near


class UnknownIndicator(UnknownKeyError):
    """An AQI / water-quality indicator key that the standard does not define."""

    def __init__(self, key: object, valid: Iterable[str]) -> None:
        super().__init__("indicator", key, valid)


class UnknownPollutantCode(UnknownKeyError):
    """A pollutant code or name that HJ 212-2017 Appendix B does not list."""

    def __init__(self, key: object, valid: Iterable[str]) -> None:
        super().__init__("pollutant code", key, valid)


class UnknownEdition(UnknownKeyError):
    """An edition string not among the supported editions of a standard."""

    def __init__(self, key: object, valid: Iterable[str]) -> None:
        super().__init__("edition", key, valid)


class InvalidValue(StandardsError):
    """A concentration or parameter outside the domain the standard defines."""

    def __init__(self, message: str, *, field: str, value: object, clause: str = "") -> None:
        super().__init__(message, field=field, value=value, clause=clause)
        self.field, self.value, self.clause = field, value, clause


class InsufficientData(StandardsError):
    """Too few valid values for a statistic (GB 3095 Table 4 / HJ 663 validity minimums)."""

    def __init__(self, message: str, *, statistic: str, have: int, need: int) -> None:
        super().__init__(message, statistic=statistic, have=have, need=need)
        self.statistic, self.have, self.need = statistic, have, need


class EditionNotDetermined(StandardsError):
    """Neither an edition nor a date was given, so the applicable edition is unknown."""

    def __init__(self, standard: str, valid: Iterable[str]) -> None:
        valid = list(valid)
        super().__init__(
            f"{standard}: give edition= (one of {', '.join(valid)}) or date= to choose it",
            standard=standard,
            valid=valid,
        )


class TooManyItems(StandardsError):
    """A batch request with more records than the setting allows."""

    status_code = 413

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"{count} records in one request, more than the limit of {limit} "
            "(setting QINGSHAN_MAX_ITEMS_PER_REQUEST)",
            count=count,
            limit=limit,
            setting="max_items_per_request",
        )
