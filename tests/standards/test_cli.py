import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from qingshan.cli import SUBCOMMANDS
from qingshan.standards.cli import register

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    register(a)
    return a


def test_registered():
    assert ("qingshan.standards.cli", "register", None) in SUBCOMMANDS


CSV = (
    "date,station,PM2.5_24h,PM10,O3\n"
    "2019-01-01,A,80,100,90\n"
    "2026-03-02,B,80,100,90\n"
    "2019-01-02,C,abc,1,1\n"
    "notadate,D,1,1,1\n"
    "2019-01-03,E,-5,1,1\n"
)


def test_aqi_csv_bad_rows_reported(app, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text(CSV)
    res = runner.invoke(app, ["aqi", str(f), "--json"])
    assert res.exit_code == 1
    out = json.loads(res.stdout.splitlines()[0])
    assert [r["aqi"] for r in out["results"]] == [107, 119]
    assert [r["edition"] for r in out["results"]] == ["HJ 633-2012", "HJ 633-2026"]
    assert [e["row"] for e in out["errors"]] == [4, 5, 6]
    assert "'abc' is not a concentration" in out["errors"][0]["error"]


def test_aqi_excel_in_and_out(app, tmp_path):
    src = tmp_path / "in.xlsx"
    pd.DataFrame({"SO2_1h": [900], "SO2_24h": [523], "PM2.5_1h": [52]}).to_excel(src, index=False)
    dst = tmp_path / "out.xlsx"
    res = runner.invoke(
        app, ["aqi", str(src), "--report", "hourly", "--edition", "HJ 633-2012", "-o", str(dst)]
    )
    assert res.exit_code == 0, res.output
    got = pd.read_excel(dst)
    assert got["aqi"].tolist() == [158] and got["iaqi_SO2_24h"].tolist() == [158]
    assert got["iaqi_SO2_1h"].isna().all() and got["primary_indicators"].tolist() == ["SO2_24h"]


def test_aqi_json_file_and_no_columns(app, tmp_path):
    f = tmp_path / "in.csv"
    f.write_text("station,PM2.5\nA,52\n")
    dst = tmp_path / "out.json"
    res = runner.invoke(
        app, ["aqi", str(f), "--report", "realtime", "--edition", "HJ 633-2012", "-o", str(dst)]
    )
    assert res.exit_code == 0
    assert json.loads(dst.read_text())["results"][0]["aqi"] == 72
    g = tmp_path / "none.csv"
    g.write_text("station,foo\nA,1\n")
    res = runner.invoke(app, ["aqi", str(g), "--edition", "HJ 633-2012"])
    assert res.exit_code != 0
    assert "no pollutant columns" in str(res.exception)


def test_water_class_cnemc_layout(app, tmp_path):
    f = tmp_path / "w.csv"
    f.write_text(
        "断面名称,pH(无量纲),溶解氧(mg/L),氨氮(mg/L),总磷(mg/L),kind\n"
        "甲,7.5,8,0.1,0.05,lake\n乙,7.5,8,0.1,0.05,river\n丙,7.5,x,0.1,0.05,river\n丁,7,8,0.1,0.05,sea\n"
    )
    res = runner.invoke(app, ["water-class", str(f), "--water-body", "kind", "--json"])
    assert res.exit_code == 1
    out = json.loads(res.stdout.splitlines()[0])
    assert [r["section_class"] for r in out["results"]] == ["III", "II"]
    assert [e["row"] for e in out["errors"]] == [4, 5]


def test_water_class_table_output(app, tmp_path):
    f = tmp_path / "w.csv"
    f.write_text("section,NH3_N,COD\nA,1.6,45\n")
    res = runner.invoke(app, ["water-class", str(f)])
    assert res.exit_code == 0 and "劣V" in res.stdout
