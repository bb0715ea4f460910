"""Progress and status of a target (pure).

The rule (also in ``docs/targets.md``, "Status"):

- **progress** ``p`` is the share of the way from the baseline to the target value that the
  current value has gone, clipped to [0, 1]: for ``>=`` and ``=`` targets
  ``p = (current − baseline) / (value − baseline)``; for ``<=`` targets
  ``p = (baseline − current) / (baseline − value)`` when a baseline above the value is given,
  otherwise 1 when ``current ≤ value`` and ``value / current`` when it is above;
- **expected** progress ``e`` is the elapsed share of the target's period:
  ``e = (as_of − start) / (deadline − start)`` in days, clipped to [0, 1];
- **status**: no current value → ``no_data``; ``p ≥ 1`` → ``met``; past the deadline and not
  met → ``behind``; ``p ≥ e − 0.10`` → ``on_track``; ``p ≥ e − 0.25`` → ``at_risk``; else
  ``behind``. The margins (:data:`ON_TRACK_MARGIN`, :data:`AT_RISK_MARGIN`) are parameters.

Example: a target over 2021-01-01 – 2021-12-31 seen on 2021-07-02 has ``e = 182/364 = 0.5``;
progress 0.45 is on track (≥ 0.40), 0.30 at risk (≥ 0.25), 0.20 behind.
"""

from __future__ import annotations

import enum
from datetime import date

__all__ = [
    "Status",
    "ON_TRACK_MARGIN",
    "AT_RISK_MARGIN",
    "progress_fraction",
    "expected_progress",
    "status_of",
]

ON_TRACK_MARGIN = 0.10
AT_RISK_MARGIN = 0.25


class Status(enum.StrEnum):
    MET = "met"  # 已完成
    ON_TRACK = "on_track"  # 进度正常
    AT_RISK = "at_risk"  # 进度滞后风险
    BEHIND = "behind"  # 滞后
    NO_DATA = "no_data"  # 未报送


def progress_fraction(
    current: float | None, value: float, comparison: str, baseline: float = 0.0
) -> float | None:
    """The progress [0–1] of ``current`` towards ``value`` from ``baseline`` (module rule);
    None when ``current`` is None."""
    if current is None:
        return None
    if comparison == "<=":
        if baseline > value:
            p = (baseline - current) / (baseline - value)
        elif current <= value:
            p = 1.0
        else:
            p = value / current if current > 0 else 0.0
    elif comparison in (">=", "="):
        span = value - baseline
        p = 1.0 if span <= 0 else (current - baseline) / span
    else:
        raise ValueError(f"unknown comparison {comparison!r}; valid: >=, <=, =")
    return min(max(p, 0.0), 1.0)


def expected_progress(start: date, deadline: date, as_of: date) -> float:
    """The elapsed share [0–1] of the period ``start`` – ``deadline`` on ``as_of`` (days)."""
    span = (deadline - start).days
    if span <= 0:
        return 1.0 if as_of >= deadline else 0.0
    return min(max((as_of - start).days / span, 0.0), 1.0)


def status_of(
    progress: float | None,
    expected: float,
    *,
    past_deadline: bool,
    on_track_margin: float = ON_TRACK_MARGIN,
    at_risk_margin: float = AT_RISK_MARGIN,
) -> Status:
    """The status of a target with ``progress`` when ``expected`` was due (module rule)."""
    if progress is None:
        return Status.NO_DATA
    if progress >= 1.0 - 1e-9:
        return Status.MET
    if past_deadline:
        return Status.BEHIND
    if progress >= expected - on_track_margin - 1e-9:
        return Status.ON_TRACK
    if progress >= expected - at_risk_margin - 1e-9:
        return Status.AT_RISK
    return Status.BEHIND
