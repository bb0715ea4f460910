"""Remote-sensing screening → cases: the service step between the pure repeat rule
(:mod:`qingshan.vehicles.remote_sensing`) and the case workflow, reached only through the
:class:`~qingshan.qc.supervision.CaseSink` Protocol the registry passes in (as QC, waste and
zones do). Idempotent: the same readings screened again open no second case."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.qc.supervision import CaseSink
from qingshan.vehicles import remote_sensing as rs

__all__ = ["open_rs_cases"]


def open_rs_cases(
    session: Session,
    sink: CaseSink,
    readings: pd.DataFrame,
    sites: pd.DataFrame,
    rules: rs.RSRules | None = None,
) -> dict[str, int]:
    """Screen ``readings`` with the repeat rule and open (or find) one case per non-compliant
    plate in ``session``'s transaction. Returns plate → case id."""
    offenders = rs.repeat_offenders(rs.repeat_exceedances(readings, rules))
    reports = rs.case_reports(offenders, readings, sites, rules)
    return {str(r.evidence["plate"]): sink.open_case(session, r) for r in reports}
