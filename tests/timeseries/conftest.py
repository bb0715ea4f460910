"""Fixtures of the observation-store tests."""

from __future__ import annotations

import pytest

from qingshan.timeseries import ObservationStore


@pytest.fixture
def store(tmp_path) -> ObservationStore:
    return ObservationStore(tmp_path / "obs")
