"""The cases' implementation of QC's :class:`~qingshan.qc.supervision.CaseSink`: a report of
any domain (QC's exceedances and fraud patterns, forecasts, waste, inspections) becomes a case
through :func:`~.intake.register_case`, idempotent on (source, source_key)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from qingshan.cases.intake import CaseDraft, register_case
from qingshan.qc.supervision import CaseReport

__all__ = ["CasesSink", "CASES_SINK", "draft_from_report"]


def draft_from_report(report: CaseReport) -> CaseDraft:
    """The case draft of a :class:`CaseReport`."""
    return CaseDraft(
        source=report.source,
        category=report.category,
        severity=report.severity,
        title=report.title,
        region_code=report.region_code,
        occurred_at=report.occurred_at,
        description=report.description,
        enterprise_id=report.enterprise_id,
        site_id=report.site_id,
        parameter_code=report.parameter_code,
        longitude=report.longitude,
        latitude=report.latitude,
        source_key=report.source_key,
        group_key=report.group_key,
        evidence=dict(report.evidence),
    )


class CasesSink:
    """Opens cases for reports (QC's ``CaseSink``); the registry hands it to QC.

    ``registered_at``: when a report is registered, from the report (a replay of history, e.g.
    the demo's past); None (the live sink): now."""

    def __init__(
        self, actor: str = "qc", registered_at: Callable[[CaseReport], datetime] | None = None
    ) -> None:
        self.actor = actor
        self.registered_at = registered_at

    def open_case(self, session: Session, report: CaseReport) -> int:
        """Open a case for ``report``, or return the id of the case it already belongs to (the
        same report again, its group's open case, or a closed case it is a relapse of)."""
        now = None if self.registered_at is None else self.registered_at(report)
        reg = register_case(session, draft_from_report(report), actor=self.actor, now=now)
        return reg.case.id


CASES_SINK = CasesSink()
