"""The section history's means and multiples in JSON to 4 significant figures (issue #14: a
year of daily means at 16 digits was most of the section page's 236 kB); in Python the model
keeps the value computed."""

from __future__ import annotations

import json
import math

import pytest

from qingshan.monitoring.history_schemas import IndicatorValue, round_significant


@pytest.mark.parametrize(
    ("x", "rounded"),
    [
        (7.130416666666666, 7.13),  # pH
        (10.392083333333334, 10.39),  # DO [mg/L]
        (0.012291666666666666, 0.01229),  # NH3-N [mg/L]
        (0.007958333333333333, 0.007958),  # TP [mg/L]
        (1234.5678, 1235.0),
        (-0.123456, -0.1235),
        (0.0, 0.0),
        (None, None),
    ],
)
def test_four_significant_figures(x, rounded):
    assert round_significant(x) == rounded


def test_nan_stays_nan():
    assert math.isnan(round_significant(float("nan")))  # type: ignore[arg-type]


def test_the_json_is_rounded_the_model_is_not():
    v = IndicatorValue(
        value=0.5123456, indicator_class="III", worse_than_target=True, multiple=0.02469120
    )
    assert json.loads(v.model_dump_json()) == {
        "value": 0.5123, "indicator_class": "III", "worse_than_target": True, "multiple": 0.02469,
    }  # fmt: skip
    assert v.model_dump()["value"] == 0.5123456
    empty = IndicatorValue(value=None, indicator_class=None, worse_than_target=None)
    assert json.loads(empty.model_dump_json())["value"] is None
