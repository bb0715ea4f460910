"""Errors of :mod:`qingshan.targets`: one base class, small named subclasses carrying context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qingshan.errors import IllegalStep, QingshanError

__all__ = [
    "TargetError",
    "RowProblem",
    "PlanFileError",
    "TargetNotFound",
    "ReportNotFound",
    "IllegalReportStep",
    "BadReport",
    "NotPermitted",
    "UnknownKpi",
]


class TargetError(QingshanError):
    """Base class of every error raised by the targets package."""

    status_code = 400


@dataclass(frozen=True)
class RowProblem:
    """One problem of a plan file: the row (1-based, 0 for the plan header), the field and
    what is wrong."""

    row: int
    field: str
    problem: str
    code: str = ""

    def __str__(self) -> str:
        where = "plan" if self.row == 0 else f"row {self.row}"
        if self.code:
            where += f" ({self.code})"
        return f"{where}, field {self.field!r}: {self.problem}"


class PlanFileError(TargetError):
    """A plan file that does not load: every problem, by row and field (nothing is loaded)."""

    status_code = 422

    def __init__(self, problems: Sequence[RowProblem], source: str = "") -> None:
        head = f"{source}: " if source else ""
        lines = "; ".join(str(p) for p in problems)
        super().__init__(
            f"{head}{len(problems)} problem(s): {lines}", problems=list(problems), source=source
        )
        self.problems = list(problems)


class TargetNotFound(TargetError):
    status_code = 404

    def __init__(self, target_id: int | str) -> None:
        super().__init__(f"no target {target_id}", target_id=target_id)


class ReportNotFound(TargetError):
    status_code = 404

    def __init__(self, report_id: int | str) -> None:
        super().__init__(f"no progress report {report_id}", report_id=report_id)


class IllegalReportStep(IllegalStep, TargetError):
    """An event the report lifecycle does not allow in the report's state."""


class BadReport(TargetError):
    """A report's figures that conflict with the target or the time (a rate above 100 %, a day
    before the target's period or in the future) or a step without its reason: the field and
    why. 409, as the cases answer values that conflict with the stored data or the clock (the
    shapes themselves are checked by the schemas: 422)."""

    status_code = 409

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}", field=field)


class NotPermitted(TargetError):
    status_code = 403


class UnknownKpi(TargetError):
    """A KPI name no provider is registered for; the message lists the registered ones."""

    status_code = 422

    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(
            f"no KPI provider {name!r}; registered: {', '.join(sorted(known)) or 'none'}",
            name=name,
        )
