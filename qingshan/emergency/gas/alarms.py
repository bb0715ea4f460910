"""The alarm rule of a boundary station's substance, one reading at a time (pure core).

:func:`alarm_step` takes the active alarm's state (or None) and the next reading, and returns
the new state and what happened: ``raise`` (level 1 at a reading ≥ AL1, level 2 straight away
at ≥ AL2), ``escalate`` (level 1 → 2 at a reading ≥ AL2, or when ≥ AL1 has persisted for
``persist_intervals`` consecutive readings), ``clear`` (after ``clear_intervals`` consecutive
readings < AL1). The set-points are GB/T 50493-2019's (≤ 100 % / ≤ 200 % OEL,
:mod:`~qingshan.emergency.gas.thresholds`); persisting, clearing and the acknowledgement window
are the platform's rule (:class:`~qingshan.emergency.gas.thresholds.AlarmRule`, data).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime

from qingshan.emergency.gas.thresholds import AlarmRule, Threshold

__all__ = ["AlarmEvent", "AlarmState", "alarm_step", "case_due"]


@dataclass(frozen=True)
class AlarmState:
    """An active alarm as the rule sees it."""

    level: int
    data_time: datetime  # the first reading ≥ AL1 [UTC]
    value: float  # that reading [mg/m³]
    peak: float
    last_time: datetime
    last_value: float
    over_count: int  # consecutive readings ≥ AL1
    below_count: int  # consecutive readings < AL1
    escalation: str | None = None  # al2 | persisting


@dataclass(frozen=True)
class AlarmEvent:
    kind: str  # raise | escalate | clear
    time: datetime
    value: float
    level: int
    reason: str = ""


def alarm_step(
    state: AlarmState | None,
    time: datetime,
    value: float | None,
    threshold: Threshold,
    rule: AlarmRule,
    flag: str | None = None,
) -> tuple[AlarmState | None, list[AlarmEvent]]:
    """The alarm after one more reading.

    Parameters
    ----------
    state : AlarmState or None
        The active alarm of this station × substance, None if there is none.
    time : datetime
        The reading's DataTime [UTC].
    value : float or None
        The reading [mg/m³]; None or NaN: no reading, nothing changes.
    threshold : Threshold
        The substance's AL1 / AL2 [mg/m³].
    rule : AlarmRule
        Persisting, clearing and the invalid data flags.
    flag : str, optional
        The reading's HJ 212-2017 data flag (Table 8); a reading flagged as in
        ``rule.invalid_flags`` (stopped, maintenance, calibration, fault …) is not judged.

    Returns
    -------
    (AlarmState or None, list of AlarmEvent)
    """
    if value is None or math.isnan(value) or (flag is not None and flag in rule.invalid_flags):
        return state, []
    over = value >= threshold.al1
    if state is None:
        if not over:
            return None, []
        level = 2 if value >= threshold.al2 else 1
        new = AlarmState(
            level=level, data_time=time, value=value, peak=value, last_time=time,
            last_value=value, over_count=1, below_count=0,
            escalation="al2" if level == 2 else None,
        )  # fmt: skip
        return new, [AlarmEvent("raise", time, value, level, "al2" if level == 2 else "al1")]
    if time <= state.last_time:  # a late or repeated reading: already judged
        return state, []
    if not over:
        below = state.below_count + 1
        if below >= rule.clear_intervals:
            return None, [AlarmEvent("clear", time, value, state.level)]
        return replace(state, last_time=time, last_value=value, over_count=0,
                       below_count=below), []  # fmt: skip
    new = replace(
        state, last_time=time, last_value=value, peak=max(state.peak, value),
        over_count=state.over_count + 1, below_count=0,
    )  # fmt: skip
    if state.level == 1:
        reason = None
        if value >= threshold.al2:
            reason = "al2"
        elif new.over_count >= rule.persist_intervals:
            reason = "persisting"
        if reason is not None:
            new = replace(new, level=2, escalation=reason)
            return new, [AlarmEvent("escalate", time, value, 2, reason)]
    return new, []


def case_due(
    level: int, raised_at: datetime, acknowledged_at: datetime | None, now: datetime,
    rule: AlarmRule,
) -> bool:  # fmt: skip
    """A level-1 alarm not acknowledged within ``rule.ack_window`` of being raised opens a
    case (level 2 opens an incident instead)."""
    return level == 1 and acknowledged_at is None and now - raised_at >= rule.ack_window
