"""The waste ledger's periodic job (listed in :mod:`qingshan.platform.jobs`): ``waste-balance``."""

from __future__ import annotations

from datetime import date

import pandas as pd

from qingshan.audit import acting_as
from qingshan.db.engine import session_scope
from qingshan.jobs.job import JobContext
from qingshan.qc.supervision import CaseSink
from qingshan.timeutil import CST, utcnow
from qingshan.waste.ledger_service import run_balance_checks

__all__ = ["run_waste_balance", "month_to_check"]


def month_to_check(today: date) -> date:
    """The month a run on ``today`` (CST) checks: the one before (its declarations are due by
    then); 2026-12-02 → 2026-11-01."""
    return (pd.Timestamp(today.replace(day=1)) - pd.offsets.MonthBegin(1)).date()


def run_waste_balance(ctx: JobContext, sink: CaseSink) -> str:
    """``waste-balance``: the previous month's mass balance of every producer and facility, the
    dumping pattern and storage past its limit; findings open cases through ``sink``
    (:func:`qingshan.waste.ledger_service.run_balance_checks`; a re-run extends the same cases)."""
    month = month_to_check(utcnow().astimezone(CST).date())
    with acting_as("scheduler"), session_scope(ctx.engine) as session:
        run = run_balance_checks(session, sink, month,
                                 producer_limit_days=ctx.settings.waste_producer_storage_days)  # fmt: skip
    return (
        f"{month:%Y-%m}: {run.producers} producer(s), {run.facilities} facility(ies) balanced; "
        f"{run.unclosed} unclosed, {run.dumping} dumping pattern(s), {run.overdue_storage} lot(s) "
        f"past the storage limit → {run.cases} case(s)"
    )
