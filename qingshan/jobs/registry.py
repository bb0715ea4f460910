"""Periodic jobs: what runs, how often. ``qingshan serve`` runs them on a schedule;
``qingshan jobs run NAME`` runs one by hand. A job is a function ``(ctx: JobContext) -> str``
returning a one-line summary; batch kernels inside take and return DataFrames (see
:mod:`qingshan.timeseries.rollups`), so the same code runs on Dask."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from qingshan.config import Settings
from qingshan.errors import NotFound


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    engine: Engine


@dataclass(frozen=True)
class Job:
    name: str
    target: str  # "module:function"
    every: timedelta
    description: str

    def load(self) -> Callable[[JobContext], str]:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)


JOBS: dict[str, Job] = {
    job.name: job
    for job in [
        Job(
            "rollups",
            "qingshan.jobs.builtin:rollups",
            timedelta(minutes=10),
            "hour → day → month means with coverage (GB 3095-2012 §8.2 Table 4)",
        ),
        Job(
            "compact",
            "qingshan.jobs.builtin:compact",
            timedelta(minutes=30),
            "rewrite observation partitions of many small files into one sorted file",
        ),
        Job(
            "qc",
            "qingshan.qc.jobs:run_qc",
            timedelta(minutes=15),
            "QC verdicts of every outlet's recent CST days; exceedance events → supervision cases",
        ),
    ]
}


def get_job(name: str) -> Job:
    try:
        return JOBS[name]
    except KeyError:
        raise NotFound(f"no job {name!r}; jobs are: {', '.join(sorted(JOBS))}") from None
