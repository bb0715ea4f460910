"""The real-data scoring script (``python -m benchmarks.qc_real``) on the published CNEMC file of
2019-01-01 (every national station, hours 0–23), cut to its first 30 station columns (a CNEMC file
of its own, to stay fast; 24 of them report)."""

import csv
import importlib.util
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "china_sites_20190101.csv"
# benchmarks/ is a directory of scripts beside the package, not installed: load the script
_spec = importlib.util.spec_from_file_location("qc_real", ROOT / "benchmarks" / "qc_real.py")
assert _spec is not None and _spec.loader is not None
Q = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = Q  # its dataclasses look their module up
_spec.loader.exec_module(Q)
COLUMNS, SITES = 30, 24


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The file with its first 30 station columns: the same CNEMC layout."""
    path = tmp_path_factory.mktemp("cnemc") / "china_sites_20190101_30.csv"
    with DATA.open(encoding="utf-8", newline="") as src, path.open("w", newline="") as dst:
        w = csv.writer(dst)
        for row in csv.reader(src):
            w.writerow(row[: 3 + COLUMNS])
    return path


def test_inserted_faults_are_where_the_truth_says(small):
    frame = Q.read_station_hours(small)
    assert frame["site"].nunique() == SITES and set(frame["parameter"]) == set(Q.DECIMALS)
    assert Q.read_station_hours(small, sites=5)["site"].nunique() == 5
    ins = Q.insert_faults(frame, seed=5, per_kind=8)
    changed = ins.frame["value"].to_numpy() != frame["value"].to_numpy()
    # every changed row is a fault row (a flat line keeps its first value, so not every fault
    # row changes); partners are never changed and never faulty
    assert (ins.kind[changed] != "").all()
    assert not changed[ins.partner].any() and (ins.kind[ins.partner] == "").all()
    assert (ins.frame["value"].to_numpy()[ins.kind == "stuck_zero"] == 0).all()
    upper = Q.analyser_ranges()
    pack = Q.load_rulepack("generic")
    assert upper == {c: pack.checks_for(c)["analyser"]["range"][1] for c in Q.DECIMALS}
    # the same seed inserts the same faults
    again = Q.insert_faults(frame, seed=5, per_kind=8)
    assert (again.kind == ins.kind).all()


def test_score_file_runs_qc_check_and_reports_every_kind(small, capsys):
    res = Q.score_file(small, seed=1, per_kind=8)
    kinds = {k["kind"]: k for k in res["kinds"]}
    assert set(kinds) == set(Q.KINDS)
    assert res["sites"] == SITES and res["rows"] > 2500
    # faults no working analyser produces are found whole, from their first hour
    for kind in ("stuck_zero", "range_limit"):
        assert kinds[kind]["fault_rows"] > 0 and kinds[kind]["recall"] == 1.0
    assert res["runs_flagged_but_not_from_first_hour"] == 0
    assert kinds["spike"]["recall"] >= 0.75
    assert 0 <= res["untouched_flag_rate"] < 0.01
    assert res["untouched_rows"] + sum(k["fault_rows"] for k in res["kinds"]) <= res["rows"]
    Q._print(res)
    out = capsys.readouterr().out
    assert "stuck_zero" in out and "untouched rows flagged" in out
    assert np.isfinite(res["seconds"])


def test_score_splits_rows_by_cst_date(small):
    """Tune on one part, report the other as held out: the parts partition the rows."""
    ins = Q.insert_faults(Q.read_station_hours(small, SITES), seed=3, per_kind=8)
    with tempfile.TemporaryDirectory() as tmp:
        result = Q.run_check(ins.frame, Path(tmp))
    res = Q.score(ins, result, split="2019-01-01 12:00")
    a, b = res["periods"].values()
    assert list(res["periods"]) == ["before 2019-01-01 12:00", "from 2019-01-01 12:00"]
    assert a["untouched_rows"] + b["untouched_rows"] == res["untouched_rows"]
    for k in Q.KINDS:
        assert a["fault_rows"][k] + b["fault_rows"][k] == int((ins.kind == k).sum())
    # the parts' flag rates weigh up to the whole
    whole = (
        a["untouched_flag_rate"] * a["untouched_rows"]
        + b["untouched_flag_rate"] * b["untouched_rows"]
    ) / res["untouched_rows"]
    assert abs(whole - res["untouched_flag_rate"]) < 1e-12
