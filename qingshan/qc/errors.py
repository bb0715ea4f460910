"""Errors of :mod:`qingshan.qc`: one base class, small named subclasses carrying context."""

from __future__ import annotations

from qingshan.errors import QingshanError


class QCError(QingshanError):
    """Base class of every error raised by the QC package."""

    status_code = 422


class EmptySeries(QCError):
    """A check or verdict was asked of a series with no rows."""

    def __init__(self, what: str = "series") -> None:
        super().__init__(f"empty {what}: nothing to check", what=what)


class ShapeMismatch(QCError):
    """Two arrays that must align (values and times, pollutant and O2) differ in length."""

    def __init__(self, left: str, n_left: int, right: str, n_right: int) -> None:
        super().__init__(
            f"{left} has {n_left} rows but {right} has {n_right}: they must align row by row",
            left=left,
            right=right,
            n_left=n_left,
            n_right=n_right,
        )


class UnsortedTimes(QCError):
    """Timestamps go backwards where a check needs them sorted."""

    def __init__(self, position: int, before: object, after: object) -> None:
        super().__init__(
            f"timestamps are not sorted: row {position} ({after}) comes before the previous "
            f"row ({before}); sort by time first",
            position=position,
            before=str(before),
            after=str(after),
        )


class DuplicateTimes(QCError):
    """The same timestamp appears twice where a check needs one value per time."""

    def __init__(self, position: int, time: object) -> None:
        super().__init__(
            f"duplicate timestamp {time} at row {position}: one value per time is required",
            position=position,
            time=str(time),
        )


class MixedUnits(QCError):
    """One series carries values in more than one unit."""

    def __init__(self, series: str, units: list[str]) -> None:
        super().__init__(
            f"series {series!r} mixes units {', '.join(sorted(units))}: convert to one unit first",
            series=series,
            units=sorted(units),
        )


class UnknownFlag(QCError):
    """A flag name or code that is not one of :class:`qingshan.qc.flags.Flag`'s."""

    def __init__(self, flag: object, valid: list[str]) -> None:
        super().__init__(
            f"unknown flag {flag!r} (valid: {', '.join(valid)})", flag=flag, valid=valid
        )


class BadParameter(QCError):
    """A check parameter out of its domain (negative window, inverted span...)."""

    def __init__(self, check: str, name: str, value: object, allowed: str) -> None:
        super().__init__(
            f"{check}: parameter {name}={value!r} is not allowed ({allowed})",
            check=check,
            name=name,
            value=value,
            allowed=allowed,
        )


class MarkError(QCError):
    """An enterprise mark (标记) that cannot be accepted."""


class MarkEndsBeforeStart(MarkError):
    def __init__(self, kind: str, start: object, end: object) -> None:
        super().__init__(
            f"mark {kind!r} ends ({end}) before it starts ({start})",
            kind=kind,
            start=str(start),
            end=str(end),
        )


class MarkOverlap(MarkError):
    def __init__(self, kind: str, start: object, end: object, other: str) -> None:
        super().__init__(
            f"mark {kind!r} {start} – {end} overlaps mark {other} on the same outlet",
            kind=kind,
            start=str(start),
            end=str(end),
            other=other,
        )


class UnknownMarkKind(MarkError):
    def __init__(self, kind: str, valid: list[str]) -> None:
        super().__init__(
            f"unknown mark kind {kind!r} (valid: {', '.join(valid)})", kind=kind, valid=valid
        )


class RulePackError(QCError):
    """A rule pack that is unknown, malformed or has no version for a date."""


class UnknownIndustry(RulePackError):
    def __init__(self, industry: str, valid: list[str]) -> None:
        super().__init__(
            f"unknown industry {industry!r} (valid: {', '.join(valid)})",
            industry=industry,
            valid=valid,
        )


class InputFileError(QCError):
    """A file given to ``qingshan qc check`` that cannot be read as long-form data."""

    def __init__(self, path: str, reason: str, row: int | None = None) -> None:
        where = f" (row {row})" if row is not None else ""
        super().__init__(f"{path}{where}: {reason}", path=path, reason=reason, row=row)


class RangeTooLong(QCError):
    """A time range (of a query or a mark) longer than the setting allows."""

    def __init__(self, what: str, days: float, max_days: int, setting: str) -> None:
        super().__init__(
            f"{what} spans {days:g} days, more than the limit of {max_days} days "
            f"(setting QINGSHAN_{setting.upper()})",
            what=what,
            days=days,
            max_days=max_days,
            setting=setting,
        )
