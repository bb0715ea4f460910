"""Exceedance (超标) of permit or national limits, with multiples and runs → events.

- Gas: the valid hourly mean of the **reference-O2 converted** concentration against the hourly
  limit (排污许可证申请与核发技术规范 火电 §12.2.1: "任一小时浓度均值均满足许可排放浓度要求";
  GB 13223-2011 §5.2 for the conversion).
- Water: the valid daily mean against the daily limit (GB 3544-2008 §4; HJ 356-2019 [U]).
- Data made invalid by flags or marks are never judged; an insufficient period is neither
  compliant nor exceeding ("标记为无效的自动监测数据，不作为超标判定依据", 公告2022年第21号).
- 超标倍数 = (C − limit) / limit: 799 mg/m³ against 100 is "超标6.99倍".

Limits come from the outlet's permit (:class:`qingshan.archive.models.PermitLimit`) and fall back
to the national standard of the industry (:mod:`qingshan.archive.limits`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.qc.errors import BadParameter, ShapeMismatch
from qingshan.qc.flags import utc_index

__all__ = ["Status", "judge", "judge_arrays", "exceedance_multiple", "Event", "events_from_runs"]


class Status:
    """Per-period verdict labels (CSV ``exceedance`` column)."""

    EXCEEDING = "exceeding"  # 超标
    COMPLIANT = "compliant"  # 达标
    INSUFFICIENT = "insufficient"  # 数据不足 / 无效: neither
    NO_LIMIT = "no_limit"  # 无限值

    ZH = {"exceeding": "超标", "compliant": "达标", "insufficient": "无效", "no_limit": "无限值"}


def exceedance_multiple(
    value: npt.ArrayLike, limit: npt.ArrayLike
) -> float | npt.NDArray[np.float64]:
    """超标倍数 (C − limit) / limit [–]; 0 where compliant, NaN where value or limit is missing.

    Parameters
    ----------
    value : float or array [unit of the limit]
    limit : float or array [unit], > 0
    """
    c = np.asarray(value, dtype="float64")
    lim = np.asarray(limit, dtype="float64")
    if np.any(lim <= 0):
        raise BadParameter("exceedance_multiple", "limit", float(np.min(lim)), "> 0")
    with np.errstate(invalid="ignore"):
        out = np.where(c > lim, (c - lim) / lim, 0.0)
    out = np.where(np.isnan(c) | np.isnan(lim), np.nan, out)
    return float(out) if np.ndim(out) == 0 else out


def judge(
    means: npt.ArrayLike | pd.Series, valid: npt.ArrayLike, limit: npt.ArrayLike | None
) -> pd.DataFrame:
    """Judge periodic means against a limit.

    Parameters
    ----------
    means : array or Series [unit] (hourly converted means for gas, daily means for water)
    valid : bool array — the period's validity (:mod:`qingshan.qc.validity`)
    limit : float, array or None [unit]

    Returns
    -------
    DataFrame (index of ``means`` when a Series) with ``status`` (:class:`Status`), ``limit``
    and ``multiple`` (超标倍数, NaN unless exceeding).
    """
    status, lim, mult = judge_arrays(means, valid, limit)
    index = means.index if isinstance(means, pd.Series) else None
    return pd.DataFrame(
        {"status": status, "limit": lim, "multiple": mult},
        index=index if index is not None else range(status.size),
    )


def judge_arrays(
    means: npt.ArrayLike | pd.Series, valid: npt.ArrayLike, limit: npt.ArrayLike | None
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """:func:`judge`'s columns as arrays (``status`` as objects, ``limit``, ``multiple``):
    what the QC judgement keeps per period, without building a frame for each series."""
    m = np.asarray(means, dtype="float64")
    v = np.asarray(valid, dtype=bool)
    if v.shape != m.shape:
        raise ShapeMismatch("means", m.size, "valid", v.size)
    if limit is None:
        nan = np.full(m.shape, np.nan)
        return np.full(m.shape, Status.NO_LIMIT, dtype=object), nan, nan.copy()
    lim = np.broadcast_to(np.asarray(limit, dtype="float64"), m.shape)
    judged = v & ~np.isnan(m) & ~np.isnan(lim)
    with np.errstate(invalid="ignore"):
        exceeding = judged & (m > lim)
    status = np.where(
        ~judged, Status.INSUFFICIENT, np.where(exceeding, Status.EXCEEDING, Status.COMPLIANT)
    )
    status = np.where(np.isnan(lim), Status.NO_LIMIT, status)
    with np.errstate(invalid="ignore", divide="ignore"):
        mult = np.where(exceeding, (m - lim) / lim, np.nan)
    return status.astype(object), np.array(lim, dtype="float64"), mult


@dataclass(frozen=True)
class Event:
    """A run of exceeding periods (Pecos-style event with ``min_points``)."""

    start: pd.Timestamp  # start of the first period (UTC)
    end: pd.Timestamp  # end of the last period (exclusive)
    periods: int  # exceeding periods in the run
    max_value: float
    max_multiple: float
    limit: float

    def key(self, site: object, parameter: str) -> str:
        """Stable identity: one case per event, however often it is judged again."""
        return f"{site}:{parameter}:{self.start.isoformat()}"


def events_from_runs(
    period_starts: pd.DatetimeIndex | npt.ArrayLike,
    status: npt.ArrayLike,
    means: npt.ArrayLike,
    limit: npt.ArrayLike,
    *,
    period: pd.Timedelta = pd.Timedelta(hours=1),
    min_points: int = 1,
    max_gap_points: int = 0,
) -> list[Event]:
    """Group exceeding periods into events.

    A run is consecutive exceeding periods; up to ``max_gap_points`` non-exceeding periods
    between two exceeding ones join them (hysteresis); a run shorter than ``min_points``
    exceeding periods is dropped (an isolated hour is a finding, not an event).

    Parameters
    ----------
    period_starts : datetime array (sorted, regular, UTC)
    status : array of :class:`Status` labels
    means : array [unit]
    limit : float or array [unit]
    """
    if min_points < 1 or max_gap_points < 0:
        raise BadParameter(
            "events_from_runs", "min_points", min_points, "min_points ≥ 1, max_gap_points ≥ 0"
        )
    t = utc_index(period_starts)
    st = np.asarray(status)
    m = np.asarray(means, dtype="float64")
    lim = np.broadcast_to(np.asarray(limit, dtype="float64"), m.shape)
    if not (t.size == st.size == m.size):
        raise ShapeMismatch("period_starts", t.size, "status", st.size)
    idx = np.flatnonzero(st == Status.EXCEEDING)
    events: list[Event] = []
    if idx.size == 0:
        return events
    # periods between hits, measured in period steps (missing hours count as gaps)
    steps = np.diff(t[idx].as_unit("ns").asi8) / period.value
    breaks = np.flatnonzero(steps > max_gap_points + 1)
    for grp in np.split(idx, breaks + 1):
        if grp.size < min_points:
            continue
        vals = m[grp]
        k = int(np.nanargmax(vals))
        events.append(
            Event(
                start=t[grp[0]],
                end=t[grp[-1]] + period,
                periods=int(grp.size),
                max_value=float(vals[k]),
                max_multiple=float((vals[k] - lim[grp[k]]) / lim[grp[k]]),
                limit=float(lim[grp[k]]),
            )
        )
    return events
