"""``qingshan forecast evaluate`` (issue #15): the JSON of the issue on a real slice (舟山 and
丽水, January–February 2019, a held-back tail), and one clear line for a bad file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qingshan.forecast.cli import app
from qingshan.forecast.daily import BadInput
from qingshan.forecast.evaluate import KEYS
from qingshan.forecast.files import evaluate_files

DATA = Path(__file__).parents[1] / "data"
SLICE = DATA / "cnemc_zhoushan_lishui_2019-01-02.csv.gz"


def test_evaluate_json_has_the_issues_keys_for_every_model_and_horizon():
    result = CliRunner().invoke(app, ["evaluate", "--train", str(SLICE), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"horizons", "persistence", "climatology"} <= set(out)
    for block in (out, out["persistence"], out["climatology"], out["seasonal_naive"],
                  out["statsforecast_ets"]):  # fmt: skip
        assert [h["days_ahead"] for h in block["horizons"]] == [1, 2, 3]
        for h in block["horizons"]:
            assert tuple(h) == KEYS
    assert KEYS == (
        "days_ahead", "aqi_level_accuracy", "primary_pollutant_accuracy", "aqi_mae", "pm25_mae",
        "o3_8h_mae", "polluted_hit_rate", "polluted_false_alarm_rate", "skill_vs_persistence",
    )  # fmt: skip
    assert all(h["skill_vs_persistence"] == 0.0 for h in out["persistence"]["horizons"])
    for h in out["horizons"]:
        assert 0.0 <= h["aqi_level_accuracy"] <= 1.0
        assert h["aqi_mae"] > 0
    # the held-back tail: the last quarter of 59 days (at least 21 days), all the model scored on
    assert out["period"]["train"] == ["2019-01-01", "2019-02-07"]
    assert out["period"]["test"] == ["2019-02-08", "2019-02-28"]
    assert out["period"]["cities"] == 2
    n = [h["n"] for h in out["details"]["model"]["horizons"]]
    assert n == [h["n"] for h in out["details"]["persistence"]["horizons"]]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", r"empty"),
        ("省份,流域,断面名称,监测时间,水质类别\n浙江省,钱塘江,闸口,02-04 08:00,II\n",
         r"surface-water table is not air data"),
        ("date,hour,type,杭州\n20190101,0,PM2.5,50\n", r"china_cities file"),
        ("date,hour,type,1001A\n20190101,0,PM2.5,50\n", r"none of its 1 stations is a national station of Zhejiang"),
        ("hello,world\n1,2\n", r"neither a CNEMC air file"),
    ],
)  # fmt: skip
def test_bad_files_raise_one_clear_error(tmp_path, content, message):
    bad = _write(tmp_path / "bad.csv", content)
    with pytest.raises(BadInput, match=message):
        evaluate_files(bad)


def test_a_binary_file_and_a_short_file(tmp_path):
    junk = tmp_path / "junk.csv.gz"
    junk.write_bytes(b"\x00\x01\x02 not gzip")
    with pytest.raises(BadInput, match=r"junk.csv.gz: cannot read as CSV"):
        evaluate_files(junk)
    short = tmp_path / "short.csv.gz"
    with gzip.open(SLICE, "rt", encoding="utf-8") as fh:
        head = [next(fh) for _ in range(15 * 24 * 20)]  # 20 days
    with gzip.open(short, "wt", encoding="utf-8") as fh:
        fh.writelines(head)
    with pytest.raises(BadInput, match=r"has 2\d days: too few to hold back"):
        evaluate_files(short)


def test_the_command_line_prints_one_line_not_a_traceback(tmp_path, capsys):
    from qingshan.cli import main

    bad = _write(tmp_path / "bad.csv", "hello,world\n1,2\n")
    with pytest.raises(SystemExit) as exc:
        main(["forecast", "evaluate", "--train", str(bad)])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: bad.csv: header") and "\n" not in err
