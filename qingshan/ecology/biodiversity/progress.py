"""A survey area's status and the progress of the surveys (pure).

The status follows from the area's dates (never set on its own): ``planned`` without a start,
``surveying`` once started (started_on on or before the day) and not finished, ``done`` once
finished (finished_on on or before the day). Plan item 9.1 (浙江省生态环境保护"十四五"规划
target 9.1: 深入推进29个重点区域生物多样性调查评估) counts the areas done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["PLAN_AREAS", "STATUSES", "Progress", "area_status", "progress"]

STATUSES = ("planned", "surveying", "done")
#: the plan's number of key survey areas (plan_2021.json target 9.1)
PLAN_AREAS = 29


def area_status(started_on: date | None, finished_on: date | None, on: date) -> str:
    """``planned``, ``surveying`` or ``done`` on day ``on`` from the area's dates."""
    if finished_on is not None and finished_on <= on:
        return "done"
    if started_on is not None and started_on <= on:
        return "surveying"
    return "planned"


@dataclass(frozen=True)
class Progress:
    """Areas by status, of ``total``; ``share_done`` [%] of the areas held (None for none)."""

    planned: int
    surveying: int
    done: int

    @property
    def total(self) -> int:
        return self.planned + self.surveying + self.done

    @property
    def share_done(self) -> float | None:
        return None if self.total == 0 else 100.0 * self.done / self.total


def progress(statuses: Iterable[str]) -> Progress:
    """Count the statuses (each one of :data:`STATUSES`)."""
    n = dict.fromkeys(STATUSES, 0)
    for s in statuses:
        if s not in n:
            raise ValueError(f"unknown survey status {s!r}; one of {', '.join(STATUSES)}")
        n[s] += 1
    return Progress(n["planned"], n["surveying"], n["done"])
