"""Emission stage by fuel, category and registration date; the dates are data ([U]), so the tests
check the mechanics against the table itself, not remembered dates."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from qingshan.vehicles.errors import StageUnknown
from qingshan.vehicles.stages import STAGE_DATES, stage_for, stages_for


def _start(group, stage, scope="national"):
    return next(
        r.start for r in STAGE_DATES if (r.group, r.stage, r.scope) == (group, stage, scope)
    )


def test_stage_changes_on_its_start_day():
    start = _start("heavy_diesel", "国V")
    assert stage_for("diesel", "heavy_goods", start) == "国V"
    assert stage_for("diesel", "heavy_goods", start - timedelta(days=1)) == "国IV"


def test_zhejiang_overrides_the_national_date():
    zj = _start("light_gasoline", "国VI", "zhejiang")
    national = _start("light_gasoline", "国VI")
    assert zj < national
    assert stage_for("gasoline", "light_passenger", zj) == "国VI"
    assert stage_for("gasoline", "light_passenger", zj, region="national") == "国V"


def test_every_row_carries_source_and_confidence():
    assert all(r.source and r.confidence in {"U", "MC", "confirmed"} for r in STAGE_DATES)


def test_electric_has_no_stage_and_bad_input_is_named():
    assert stage_for("electric", "light_passenger", date(2022, 1, 1)) == ""
    with pytest.raises(StageUnknown, match="fuel 'lpg': not one of gasoline, diesel"):
        stage_for("lpg", "light_passenger", date(2022, 1, 1))
    with pytest.raises(
        StageUnknown, match=r"registered 2005-01-01: before 国III for light_gasoline .*国I / 国II"
    ):
        stage_for("gasoline", "light_goods", date(2005, 1, 1))


def test_frame_matches_the_scalar():
    rows = [
        ("gasoline", "light_passenger", date(2016, 5, 1)),
        ("hybrid", "light_goods", date(2020, 1, 1)),
        ("diesel", "heavy_goods", date(2014, 3, 3)),
        ("cng", "heavy_passenger", date(2012, 1, 1)),
        ("electric", "light_passenger", date(2023, 1, 1)),
        ("diesel", "light_goods", date(2019, 7, 1)),
    ]
    df = pd.DataFrame(rows, columns=["fuel", "category", "registered"])
    assert list(stages_for(df)) == [stage_for(*r) for r in rows]
    with pytest.raises(StageUnknown, match="category 'bus'"):
        stages_for(
            pd.DataFrame(
                [("diesel", "bus", date(2020, 1, 1))], columns=["fuel", "category", "registered"]
            )
        )
