"""The demo's air forecasts: the past eight weeks of daily issues (16:00 CST), each made only
from the days before its issue day, and one backtest on the demo's non-repeated history — so the
city forecast page has forecasts to set against what happened and the skill page has figures on
first start.

The demo's air history repeats itself (:data:`qingshan.sim.timeline.FILL_MONTH`: October copies
April, November March, December January). The repeated months are declared to the forecast
(:func:`qingshan.forecast.service.write_repeats`), which leaves the other copies of a target's
month out of the model's training; the backtest uses only the days that replay a 2019 day once
(:func:`qingshan.forecast.backtest.backtest_days`).
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from qingshan.accounts.scope import PUBLIC_SCOPE
from qingshan.db.engine import session_scope
from qingshan.forecast.backtest import backtest_days
from qingshan.forecast.evaluate import evaluate
from qingshan.forecast.service import (
    KIND,
    TRAIN_DAYS,
    backfill_air,
    issue_day_of,
    issued_at_of,
    read_backtest,
    read_city_daily,
    write_backtest,
    write_repeats,
)
from qingshan.forecast.store import has_batch
from qingshan.sim.timeline import FILL_MONTH
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

#: past days of issues the demo makes
DEMO_WEEKS = 8
#: trees per LightGBM of the demo's past issues and backtest (the daily job uses the default)
DEMO_TREES = 80
#: the demo's past issues share one model per this many days, fitted before the first of them
REFIT_DAYS = 56


def repeat_groups(first: date, last: date) -> list[list[tuple[date, date]]]:
    """Groups of day ranges of ``first`` … ``last`` that replay the same 2019 month: each month
    ``m`` of :data:`FILL_MONTH` with the month it copies, and each copy with the others."""
    runs: dict[int, list[tuple[date, date]]] = {}
    d = first
    while d <= last:
        src = FILL_MONTH.get(d.month, d.month)
        end = min(last, (pd.Timestamp(d) + pd.offsets.MonthEnd(0)).date())
        runs.setdefault(src, []).append((d, end))
        d = end + timedelta(days=1)
    return [g for g in runs.values() if len(g) > 1]


def backtest_split(days: list[date]) -> tuple[list[date], list[date]]:
    """The non-repeated days cut in two: training up to the end of June, test after it (the
    real July–September 2019 the model never saw); all before the last third when the history
    does not reach July."""
    train = [d for d in days if d.month <= 6]
    test = [d for d in days if d.month > 6]
    if not train or not test:
        cut = len(days) * 2 // 3
        train, test = days[:cut], days[cut:]
    return train, test


def seed_demo_air_forecasts(
    engine: Engine,
    store: ObservationStore,
    data_dir: Path,
    *,
    now: datetime,
    weeks: int = DEMO_WEEKS,
) -> str | None:
    """Issue the demo's past air forecasts and run its backtest once (stored issues are skipped;
    a stored backtest is kept). None when the history is too short to train on."""
    started = time.monotonic()
    last = issue_day_of(now)
    issue_days = [last - timedelta(days=i) for i in range(weeks * 7)]
    stored = all(has_batch(data_dir, KIND, issued_at_of(d)) for d in issue_days)
    if stored and read_backtest(data_dir) is not None:
        return None  # built before
    first_day = min(issue_days) - timedelta(days=TRAIN_DAYS)
    with session_scope(engine) as session:
        daily = read_city_daily(session, PUBLIC_SCOPE, store, first_day, last)
    if daily.empty or daily["day"].nunique() < 60 + weeks * 7:
        return None
    history = sorted(daily["day"].unique())
    write_repeats(
        data_dir,
        repeat_groups(history[0], last + timedelta(days=3)),
        "demo: months 10-12 copy months 4, 3 and 1 of the replayed 2019 (sim.timeline.FILL_MONTH)",
    )
    read_s = time.monotonic() - started
    issued = backfill_air(
        data_dir, daily, issue_days, refit_every=REFIT_DAYS, n_estimators=DEMO_TREES
    )
    backtest = ""
    if read_backtest(data_dir) is None:
        t0 = time.monotonic()
        usable = backtest_days(history, FILL_MONTH)
        train_days, test_days = backtest_split(usable)
        day = pd.to_datetime(daily["day"]).dt.date
        result = evaluate(
            daily[day.isin(set(train_days))],
            daily[day.isin(set(test_days))],
            n_estimators=DEMO_TREES,
            statsforecast=False,
        )
        write_backtest(
            data_dir,
            result,
            days={
                "history": [history[0].isoformat(), history[-1].isoformat()],
                "train": [train_days[0].isoformat(), train_days[-1].isoformat()],
                "test": [test_days[0].isoformat(), test_days[-1].isoformat()],
                "used": len(usable),
                "excluded": len(history) - len(usable),
                "rule": "demo_nonrepeated",
            },
            made_at=now.astimezone(CST),
        )
        backtest = f"; backtest on {len(usable)} non-repeated days ({time.monotonic() - t0:.1f} s)"
    took = time.monotonic() - started
    return (
        f"{sum(r.written for r in issued)} daily issues ({len(issued) and issued[0].cities} cities, "
        f"{sum(r.rows for r in issued):,} rows; city daily values read in {read_s:.1f} s){backtest}, "
        f"{took:.1f} s in all"
    )
