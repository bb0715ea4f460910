"""What the outlet page and API read about one outlet over a span: every check's flag judged
exactly as the QC job judges (not stored), and the effective transmission rate.

:func:`outlet_flags` judges the CST days overlapping the span one by one with the job's own
code (:func:`.jobs.window_inputs` then :func:`.jobs.judge_inputs`: the pack of each day chosen by
:func:`.rules.rulepack_for`, the limits in force that day, the minute data where the outlet has
them), then keeps the rows inside the span. The page thus shows the flags of the stored
verdicts (:func:`.jobs.run_qc`), and never stores anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.archive.service import get_outlet_profiles
from qingshan.monitoring.models import Series
from qingshan.qc import service
from qingshan.qc.errors import RangeTooLong
from qingshan.qc.flags import Flag
from qingshan.qc.jobs import day_windows, judge_inputs, load_outlets, read_frames, window_inputs
from qingshan.qc.judge import SeriesVerdict
from qingshan.qc.kernel import BoolArray, FlagArray, FloatArray
from qingshan.qc.marks import STOP_KINDS, mark_mask
from qingshan.qc.models import QCMark
from qingshan.qc.supervision import transmission_rates
from qingshan.qc.timing import hj212_flag_test
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

__all__ = ["SeriesFlags", "OutletFlags", "outlet_flags", "outlet_transmission"]


@dataclass
class SeriesFlags:
    """One parameter of an outlet over the span, in time order."""

    code: str
    times: pd.DatetimeIndex
    values: FloatArray
    converted: FloatArray | None  # reference-O2 converted value [unit], gas pollutants
    aggregate: FlagArray
    valid: BoolArray
    checks: dict[str, FlagArray]  # check name → flags (NOT_EVALUATED on days it did not run)
    limit: dict[str, Any] | None  # the limit in force on the span's last day
    #: each row's period (hour for gas, CST day for water): its mean as judged against the
    #: limit [unit] (the converted hourly mean for gas) and its verdict (exceedance.Status)
    period_mean: FloatArray | None = None
    period_status: npt.NDArray[np.object_] | None = None


@dataclass
class OutletFlags:
    site_id: int
    rule_version: str  # the pack in force on the span's last CST day
    windows: list[tuple[datetime, datetime, str]]  # each CST day judged and its rule version
    marks: list[QCMark]
    series: dict[str, SeriesFlags] = field(default_factory=dict)


def check_range(start: datetime, end: datetime, max_days: int | None) -> None:
    """Refuse a query range of more than ``max_days`` (setting ``max_range_days``)."""
    days = (end - start) / timedelta(days=1)
    if max_days is not None and days > max_days:
        raise RangeTooLong("the range", round(days, 2), max_days, "max_range_days")


def outlet_flags(
    session: Session,
    store: ObservationStore,
    site_id: int,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
    max_days: int | None = None,
) -> OutletFlags:
    """The outlet's hourly series over [``start``, ``end``) with every check's flag, validity
    and converted values, judged as the QC job judges each CST day (nothing stored); a range
    longer than ``max_days`` is refused (:class:`.errors.RangeTooLong`)."""
    check_range(start, end, max_days)
    now = now or utcnow()
    windows = day_windows(start, end)
    (profile,) = get_outlet_profiles(session, [site_id])
    last_day = service.window_date(windows[-1][0] if windows else start)
    last_pack = service.rulepack_for(profile.kind.value, profile.industry, last_day)
    out = OutletFlags(
        site_id, last_pack.version, [], service.site_marks(session, site_id, start, end)
    )
    metas = load_outlets(session, [site_id])
    if not metas or not windows:
        return out
    t0, t1 = windows[0][0], windows[-1][1]
    frame = read_frames(store, metas, t0, t1).get(site_id)
    if frame is None:
        return out
    minutes = read_frames(
        store, load_outlets(session, [site_id], period="min"), t0, t1, period="min"
    ).get(site_id)
    parts: dict[str, list[SeriesVerdict]] = {}
    for w in windows:
        inputs = window_inputs(session, metas[0], frame, w, minutes=minutes)
        if inputs is None:
            continue
        verdict = judge_inputs(inputs, now=now)
        out.windows.append((w[0], w[1], inputs.pack.version))
        for code, s in verdict.series.items():
            parts.setdefault(code, []).append(s)
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    for code, seq in parts.items():
        out.series[code] = _merge(code, seq, lo, hi)
    return out


def _merge(code: str, seq: list[SeriesVerdict], lo: pd.Timestamp, hi: pd.Timestamp) -> SeriesFlags:
    """One parameter's verdicts of consecutive days as one series, cut to [lo, hi)."""
    names: list[str] = []
    for s in seq:
        names += [r.name for r in s.results if r.name not in names]
    times = seq[0].times.append([s.times for s in seq[1:]])
    keep = np.asarray((times >= lo) & (times < hi), dtype=bool)

    def cat(arrays: list[Any]) -> Any:
        return np.concatenate(arrays)[keep]

    checks = {}
    for name in names:
        by_name = [{r.name: r.flags for r in s.results} for s in seq]
        checks[name] = cat(
            [
                f.get(name, np.full(s.values.size, np.uint8(Flag.NOT_EVALUATED)))
                for f, s in zip(by_name, seq, strict=True)
            ]
        )
    has_converted = any(s.converted is not None for s in seq)
    rows = [_row_periods(s) for s in seq]
    return SeriesFlags(
        code=code,
        times=times[keep],
        values=cat([s.values for s in seq]),
        converted=cat(
            [np.full(s.values.size, np.nan) if s.converted is None else s.converted for s in seq]
        )
        if has_converted
        else None,
        aggregate=cat([s.aggregate for s in seq]),
        valid=cat([s.valid for s in seq]),
        checks=checks,
        limit=seq[-1].limit,
        period_mean=cat([m for m, _ in rows]),
        period_status=cat([st for _, st in rows]),
    )


def _row_periods(s: SeriesVerdict) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """Each row's period mean [unit] and verdict (:class:`.exceedance.Status`, None where the
    row's period was not judged): what the limit was held against, GB 13223-2011 §5.2 (gas:
    the hourly mean converted to the reference O2) or the daily mean (water, GB 3544-2008 §4)."""
    n = s.values.size
    if s.periods is None or s.period_of_row is None or not len(s.periods):
        return np.full(n, np.nan), np.full(n, None, dtype=object)
    per = s.periods[~s.periods.index.duplicated()]
    at = pd.Index(s.period_of_row)
    mean = per["mean"].reindex(at).to_numpy(dtype="float64")
    status = per["status"].reindex(at).to_numpy(dtype=object)
    status[pd.isna(status)] = None
    return mean, status


def outlet_transmission(
    session: Session,
    store: ObservationStore,
    site_id: int,
    start: datetime,
    end: datetime,
    *,
    max_days: int | None = None,
) -> dict[str, Any]:
    """有效传输率 = 传输率 × 有效率 over [``start``, ``end``) of the outlet's hourly series
    (:func:`.supervision.transmission_rates`): an hour is valid when present, not flagged
    invalid by the logger (HJ 212 flags F, M, D, C, T, B: :func:`.timing.hj212_flag_test` FAIL)
    and not inside an invalidating mark; hours inside a stop mark are exempt. A range longer
    than ``max_days`` is refused (:class:`.errors.RangeTooLong`)."""
    check_range(start, end, max_days)
    series = list(
        session.scalars(select(Series).where(Series.site_id == site_id, Series.period == "hour"))
    )
    hours = int((end - start) / timedelta(hours=1))
    expected = hours * len(series)
    obs = (
        store.query(
            [s.id for s in series], start, end, period="hour", columns=["value", "source_flag"]
        )
        if series
        else pd.DataFrame()
    )
    reported = int(obs["value"].notna().sum()) if len(obs) else 0
    valid = exempt = 0
    if len(obs):
        marks = [service.mark_interval(m) for m in service.site_marks(session, site_id, start, end)]
        ok = obs["value"].notna().to_numpy() & (
            np.asarray(hj212_flag_test(obs["source_flag"])) != Flag.FAIL
        )
        ok &= ~mark_mask(obs["time"], marks)
        valid = int(ok.sum())
        stop_hours = pd.DatetimeIndex(pd.date_range(start, end, freq="h", inclusive="left"))
        exempt = int(mark_mask(stop_hours, marks, STOP_KINDS).sum()) * len(series)
    return transmission_rates(expected, reported, valid, exempt=exempt)
