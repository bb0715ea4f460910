"""When a job runs: every fixed interval (:class:`Every`) or at the times of a crontab
expression read in China Standard Time (:class:`Cron`).

Both are values: they validate, describe themselves ("every 10 min", "cron 0 16 * * * (CST)"),
give the APScheduler trigger that runs them, and compute fire times without a clock of their own
(pure: the time is always a parameter).

A cron expression has the five crontab fields ``minute hour day-of-month month day-of-week``,
with crontab's meaning: day of week 0 or 7 is Sunday, 1 Monday … 6 Saturday (names ``sun`` …
``sat`` too). APScheduler 3 numbers weekdays from Monday and requires *both* day fields to
match where crontab takes *either*; :class:`Cron` translates the weekdays, and refuses an
expression restricting both day fields rather than run it at other times than cron would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.cron.fields import (
    BaseField,
    DayOfMonthField,
    DayOfWeekField,
    MonthField,
)
from apscheduler.triggers.interval import IntervalTrigger

from qingshan.jobs.errors import BadSchedule
from qingshan.timeutil import CST

#: the five crontab fields, in order: (name in messages, APScheduler's field, its class)
CRON_FIELDS: tuple[tuple[str, str, type[BaseField]], ...] = (
    ("minute", "minute", BaseField),
    ("hour", "hour", BaseField),
    ("day of month", "day", DayOfMonthField),
    ("month", "month", MonthField),
    ("day of week", "day_of_week", DayOfWeekField),  # crontab's weekdays translated first
)

#: crontab's weekday numbers (0 and 7 are Sunday) → APScheduler's weekday names
WEEKDAY_NAMES: tuple[str, ...] = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

#: a cron expression is checked to fire within this span of a reference time
_HORIZON_YEARS = 8


@dataclass(frozen=True)
class Every:
    """A fixed interval between the starts of two runs."""

    interval: timedelta

    def validate(self, job: str) -> None:
        if self.interval <= timedelta(0):
            raise BadSchedule(
                f"job {job!r}: the interval must be positive, got {self.interval}",
                job=job,
                field="interval",
            )

    def describe(self) -> str:
        """``every 10 min``, ``every 2 h``, ``every 1 day``, ``every 45 s``."""
        seconds = self.interval.total_seconds()
        for size, unit in ((86400, "day"), (3600, "h"), (60, "min")):
            if seconds >= size and seconds % size == 0:
                n = int(seconds // size)
                return f"every {n} {unit}{'s' if unit == 'day' and n > 1 else ''}"
        return f"every {seconds:g} s"

    def trigger(self, start: datetime) -> IntervalTrigger:
        """APScheduler's trigger firing at ``start``, ``start + interval`` …"""
        return IntervalTrigger(
            seconds=self.interval.total_seconds(), start_date=start, timezone=CST
        )

    def first_run(self, now: datetime, last_start: datetime | None, grace: timedelta) -> datetime:
        """When the scheduler starting at ``now`` first runs the job: at once if it never ran or
        its interval has passed since ``last_start``, else one interval after ``last_start``."""
        if last_start is None:
            return now
        return max(now, last_start + self.interval)


@dataclass(frozen=True)
class Cron:
    """A crontab expression (``minute hour day-of-month month day-of-week``) in CST."""

    expr: str

    def validate(self, job: str) -> None:
        """Raise :class:`BadSchedule` naming ``job``, the field and its value on a bad
        expression, one restricting both day fields, or one that never fires."""
        self._trigger(job)

    def describe(self) -> str:
        """``cron 0 16 * * * (CST)``."""
        return f"cron {' '.join(self.expr.split())} (CST)"

    def trigger(self) -> CronTrigger:
        """APScheduler's trigger for this expression, in China Standard Time."""
        return self._trigger(None)

    def next_fire(self, now: datetime) -> datetime | None:
        """The first fire time at or after ``now`` [aware datetime], in CST; None if none."""
        return self.trigger().get_next_fire_time(None, now.astimezone(CST))

    def first_run(self, now: datetime, last_start: datetime | None, grace: timedelta) -> datetime:
        """When the scheduler starting at ``now`` first runs the job: at once if a fire time
        passed within ``grace`` and the job has not started since (the server was down then),
        else at the next fire time."""
        due = self.next_fire(now - grace)
        if due is not None and due <= now and (last_start is None or last_start < due):
            return now
        nxt = self.next_fire(now)
        assert nxt is not None  # validate() checked the expression fires
        return nxt

    def _trigger(self, job: str | None) -> CronTrigger:
        who = f"job {job!r}: " if job else ""
        parts = self.expr.split()
        if len(parts) != len(CRON_FIELDS):
            raise BadSchedule(
                f"{who}cron {self.expr!r} has {len(parts)} fields; expected 5: "
                "minute hour day-of-month month day-of-week (in CST)",
                job=job,
                field=None,
            )
        values: dict[str, str] = {}
        for (label, name, cls), text in zip(CRON_FIELDS, parts, strict=True):
            try:
                value = _weekdays(text) if name == "day_of_week" else text
                cls(name, value)
            except ValueError as exc:
                raise BadSchedule(
                    f"{who}cron {self.expr!r}: bad {label} field {text!r}: {exc}",
                    job=job,
                    field=label,
                ) from exc
            values[name] = value
        if parts[2] != "*" and parts[4] != "*":
            raise BadSchedule(
                f"{who}cron {self.expr!r} restricts both day of month and day of week: crontab "
                "runs on either, this scheduler only on both; restrict one (or use two jobs)",
                job=job,
                field="day of week",
            )
        trigger = CronTrigger(timezone=CST, **values)
        start = datetime(2026, 1, 1, tzinfo=CST)
        first = trigger.get_next_fire_time(None, start)
        if first is None or first - start > timedelta(days=366 * _HORIZON_YEARS):
            raise BadSchedule(
                f"{who}cron {self.expr!r} never fires (no such date)", job=job, field="day of month"
            )
        return trigger


Schedule = Every | Cron


def every(*, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> Every:
    """An interval schedule: ``every(minutes=10)``."""
    return Every(timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds))


def cron(expr: str) -> Cron:
    """A crontab schedule in China Standard Time: ``cron("0 16 * * *")`` is 16:00 CST daily,
    ``cron("0 8 1 * *")`` 08:00 CST on the 1st of each month."""
    return Cron(expr)


def _weekdays(field: str) -> str:
    """A crontab day-of-week field (0/7 = Sunday, names allowed, lists, ranges, steps) as
    APScheduler's list of weekday names (``"1-5"`` → ``"mon,tue,wed,thu,fri"``)."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        span, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ValueError(f"the step of {part!r} must be a positive number")
            step = int(step_text)
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            a, _, b = span.partition("-")
            first, last = _weekday(a), _weekday(b)
            if last == 0 and b.strip() == "7":
                last = 7
            if first > last:
                raise ValueError(f"the range {span!r} runs backwards")
        else:
            first = _weekday(span)
            last = 6 if step_text else first
        days.update(d % 7 for d in range(first, last + 1, step))
    if len(days) == 7:
        return "*"
    # Monday first, as APScheduler counts (a list of names works in any order)
    return ",".join(WEEKDAY_NAMES[d] for d in sorted(days, key=lambda d: (d - 1) % 7))


def _weekday(text: str) -> int:
    """``0``–``7`` (0 and 7 are Sunday) or ``sun``…``sat`` → 0 (Sunday) … 6 (Saturday)."""
    value = text.strip().lower()
    if value in WEEKDAY_NAMES:
        return WEEKDAY_NAMES.index(value)
    if value.isdigit() and int(value) <= 7:
        return int(value) % 7
    raise ValueError(f"{text!r} is not a weekday (0-7, 0 and 7 are Sunday, or sun-sat)")
