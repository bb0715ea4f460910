"""``qingshan qc check`` on real CNEMC hourly data and on bad input."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from qingshan.qc.cli import app
from qingshan.qc.errors import EmptySeries, InputFileError, MixedUnits
from qingshan.qc.io import read_long_form

DATA = Path(__file__).parent / "data" / "cnemc_zhejiang_2019-01_02_4sites.csv.gz"
runner = CliRunner()


def test_real_cnemc_hourly_air_no_flood(tmp_path):
    out = tmp_path / "flags.csv"
    r = runner.invoke(app, ["check", str(DATA), "--out", str(out)])
    assert r.exit_code == 0, r.output
    inp = pd.read_csv(DATA)
    res = pd.read_csv(out)
    assert len(res) == len(inp) == 33552
    assert (res["time"] == inp["time"]).all() and (res["site"] == inp["site"]).all()  # input order
    for col in ("gross_range", "flat_line", "mad", "aggregate_flag", "valid", "exceedance"):
        assert col in res.columns
    assert set(res["aggregate_flag"]) <= {"pass", "not_evaluated", "suspect", "fail", "missing"}
    present = res["value"].notna()
    assert (res.loc[~present, "aggregate_flag"] == "missing").all()
    flagged = res.loc[present, "aggregate_flag"].isin(["suspect", "fail"]).mean()
    assert flagged < 0.01  # real series: no flood of false alarms
    assert (res["exceedance"] == "no_limit").all()  # ambient air has no emission limit


def _write(tmp_path, rows, name="in.csv"):
    p = tmp_path / name
    pd.DataFrame(rows).to_csv(p, index=False)
    return p


def test_thermal_power_file_with_o2_flags_and_limit(tmp_path):
    t = pd.date_range("2024-05-01 08:00", periods=6, freq="h").strftime(
        "%Y-%m-%dT%H:%M:%S"
    )  # CST, no offset
    so2 = [20, 21, 60, 62, 19, 20]
    rows = [
        {"time": a, "site": "G1", "parameter": "SO2", "value": v, "flag": "N"}
        for a, v in zip(t, so2, strict=True)
    ]
    rows += [{"time": a, "site": "G1", "parameter": "O2", "value": 6.0, "flag": "N"} for a in t]
    rows[5]["flag"] = "C"  # calibration hour
    rows[1]["value"] = "n/a"
    p = _write(tmp_path, rows)
    out = tmp_path / "o.csv"
    r = runner.invoke(
        app,
        ["check", str(p), "--industry", "thermal_power", "--out", str(out), "--limit", "SO2=35"],
    )
    assert r.exit_code == 0, r.output
    res = pd.read_csv(out)
    so = res[res["parameter"] == "SO2"].reset_index(drop=True)
    assert so["hj212_flag"].tolist()[5] == "fail" and not so["valid"][5]
    assert so["aggregate_flag"][1] == "missing"
    assert so["exceedance"].tolist() == [
        "compliant",
        "insufficient",
        "exceeding",
        "exceeding",
        "compliant",
        "insufficient",
    ]
    assert so["multiple"][2] == pytest.approx((60 - 35) / 35, rel=1e-5)


def test_duplicates_and_unsorted_rows_are_flagged_not_dropped(tmp_path):
    rows = [
        {"time": "2024-01-01T01:00:00+08:00", "site": "A", "parameter": "PM2.5", "value": 30},
        {"time": "2024-01-01T00:00:00+08:00", "site": "A", "parameter": "PM2.5", "value": 31},
        {"time": "2024-01-01T00:00:00+08:00", "site": "A", "parameter": "PM2.5", "value": 99},
    ]
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["check", str(_write(tmp_path, rows)), "--out", str(out)])
    assert r.exit_code == 0, r.output
    res = pd.read_csv(out)
    assert res["timestamp_order"].tolist() == ["pass", "suspect", "suspect"]
    assert res["duplicate_time"].tolist() == ["pass", "pass", "fail"]
    assert res["aggregate_flag"].tolist()[2] == "fail"


def test_bad_input_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_long_form(tmp_path / "nope.csv")
    p = _write(tmp_path, [{"time": "2024-01-01", "site": "A", "value": 1}])
    with pytest.raises(InputFileError, match="missing column\\(s\\) parameter"):
        read_long_form(p)
    p = _write(tmp_path, [{"time": "yesterday", "site": "A", "parameter": "SO2", "value": 1}])
    with pytest.raises(
        InputFileError, match=r"\(row 2\): cannot read time 'yesterday' as ISO 8601"
    ):
        read_long_form(p)
    p = tmp_path / "empty.csv"
    p.write_text("time,site,parameter,value\n")
    with pytest.raises(EmptySeries, match="empty file empty.csv"):
        read_long_form(p)
    p = _write(
        tmp_path,
        [
            {
                "time": "2024-01-01T00:00",
                "site": "A",
                "parameter": "SO2",
                "value": 1,
                "unit": "mg/m3",
            },
            {
                "time": "2024-01-01T01:00",
                "site": "A",
                "parameter": "SO2",
                "value": 1000,
                "unit": "ug/m3",
            },
        ],
    )
    with pytest.raises(MixedUnits, match="series 'A/a21026' mixes units mg/m3, ug/m3"):
        read_long_form(p)


def test_times_without_offset_are_cst_and_excel_works(tmp_path):
    rows = [
        {"time": "2024-01-01T08:00:00", "site": "A", "parameter": "二氧化硫", "value": 1.5},
        {"time": "2024-01-01T09:00:00Z", "site": "A", "parameter": "a21026", "value": np.nan},
    ]
    p = tmp_path / "in.xlsx"
    pd.DataFrame(rows).to_excel(p, index=False)
    df = read_long_form(p)
    assert df["time_utc"].tolist() == [
        pd.Timestamp("2024-01-01 00:00", tz="UTC"),
        pd.Timestamp("2024-01-01 09:00", tz="UTC"),
    ]
    assert df["code"].tolist() == ["a21026", "a21026"]
