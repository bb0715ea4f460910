"""Shared fixtures of the demo-province tests: a fixed "now" and the small province, generated
once per session (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from qingshan.sim.catalog import build_catalogue
from qingshan.sim.generate import STREAMS, generate_stream
from qingshan.sim.scale import SCALES
from qingshan.sim.timeline import hour_axis, minute_axis
from qingshan.timeutil import as_cst

NOW = datetime(2026, 6, 1, 3, 17, tzinfo=UTC)
SEED = 2021


def small_catalogue(seed: int = SEED):
    return build_catalogue(SCALES["small"], np.random.default_rng([seed, 0]), as_cst(NOW).date())


@pytest.fixture(scope="session")
def catalogue():
    return small_catalogue()


@pytest.fixture(scope="session")
def streams(catalogue):
    sc = SCALES["small"]
    times = hour_axis(NOW, sc.days)
    minutes = minute_axis(NOW, sc.minute_days, sc.minute_interval)
    return {s: generate_stream(catalogue, s, times, minutes, SEED) for s in STREAMS}


@pytest.fixture(scope="session")
def year(catalogue):
    """A whole year of air and water values for the small catalogue (seasons)."""
    times = hour_axis(NOW, 365)
    return {s: generate_stream(catalogue, s, times, None, SEED) for s in ("air", "water")}
