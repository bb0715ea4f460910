"""Every remaining error message of the standards library, by its text."""

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from qingshan.errors import QingshanError
from qingshan.standards import errors
from qingshan.standards.air_assessment import comprehensive_index
from qingshan.standards.aqi import aqi
from qingshan.standards.cli import register
from qingshan.standards.cwqi import cwqi, indicator_index
from qingshan.standards.water_quality import river_status

STATS = {"SO2_mean": 1, "NO2_mean": 1, "PM10_mean": 1, "PM2.5_mean": 1, "CO_p95": 1, "O3_8h_p90": 1}


def test_hierarchy():
    for cls in (errors.UnknownIndicator, errors.UnknownPollutantCode, errors.UnknownEdition,
                errors.InvalidValue, errors.InsufficientData, errors.EditionNotDetermined):  # fmt: skip
        assert issubclass(cls, errors.StandardsError) and issubclass(cls, QingshanError)
    assert errors.StandardsError.status_code == 422


def test_context_carried():
    with pytest.raises(errors.UnknownIndicator) as info:
        aqi({"PM25": 1}, edition="HJ 633-2012")
    assert "PM2.5_24h" in info.value.near
    assert "SO2_1h" in info.value.valid and info.value.context["key"] == "PM25"


def test_one_record_one_date():
    with pytest.raises(errors.InvalidValue, match=r"one record takes one date"):
        aqi({"PM2.5_24h": 1}, date=np.array(["2026-01-01", "2026-03-02"]))


def test_river_status_without_values():
    with pytest.raises(errors.InsufficientData, match=r"no indicator values to average"):
        river_status(["II"], [{"foo": 1}])


def test_cwqi_errors():
    with pytest.raises(errors.UnknownIndicator, match=r"unknown indicator 'XYZ'"):
        cwqi({"XYZ": 1})
    with pytest.raises(errors.UnknownKeyError, match=r"unknown water body 'sea'"):
        indicator_index("COD", 1, "sea")
    with pytest.raises(errors.InvalidValue, match=r"negative value for COD in CWQI"):
        indicator_index("COD", -1)


def test_negative_statistic():
    with pytest.raises(errors.InvalidValue, match=r"negative statistic SO2_mean"):
        comprehensive_index({**STATS, "SO2_mean": -1})


def test_cli_errors(tmp_path):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    res = runner.invoke(app, ["aqi", str(tmp_path / "missing.csv"), "--edition", "HJ 633-2012"])
    assert isinstance(res.exception, errors.StandardsError)
    assert str(res.exception) == f"file not found: {tmp_path / 'missing.csv'}"
    f = tmp_path / "a.csv"
    f.write_text("PM2.5_24h\n10\n")
    res = runner.invoke(app, ["aqi", str(f)])
    assert "no column 'date'; give --edition or --date-column" in str(res.exception)
    res = runner.invoke(app, ["water-class", str(f)])
    assert "no water-quality columns" in str(res.exception)
