"""Remote-sensing screening → cases: the service step between the pure repeat rule
(:mod:`qingshan.vehicles.remote_sensing`) and the case workflow, reached only through the
:class:`~qingshan.qc.supervision.CaseSink` Protocol the registry passes in (as QC, waste and
zones do). Idempotent: the same readings screened again open no second case."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.qc.supervision import CaseSink
from qingshan.vehicles import fraud
from qingshan.vehicles import remote_sensing as rs

__all__ = ["open_rs_cases", "open_station_cases"]


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


def open_station_cases(
    session: Session,
    sink: CaseSink,
    tests: pd.DataFrame,
    stations: pd.DataFrame,
    *,
    period: str,
    found_at: datetime,
    vehicles: pd.DataFrame | None = None,
) -> dict[str, int]:
    """Run the five station-fraud checks over ``tests`` (one screening ``period``) and open (or
    find) one case per flagged station. Returns station_code → case id."""
    results = fraud.run_checks(tests, vehicles)
    reports = fraud.station_case_reports(results, stations, period=period, found_at=found_at)
    return {str(r.evidence["station_code"]): sink.open_case(session, r) for r in reports}
