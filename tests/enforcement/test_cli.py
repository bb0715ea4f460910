"""``qingshan spot-check items|plan|draw|verify|results`` and ``qingshan credit recompute|show``
as an operator runs them (one process per command, on both databases)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from qingshan.cli import main
from qingshan.config import get_settings
from qingshan.db.engine import session_scope
from qingshan.enforcement.credit import RULE_FILE
from qingshan.enforcement.draw import canonical
from qingshan.enforcement.service import draw_inputs_file
from qingshan.timeutil import as_cst, utcnow

TODAY = as_cst(utcnow()).date()
QUARTER = f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def qingshan(engine, tmp_path, monkeypatch, capsys):
    """Run ``qingshan ARGS`` in this process on the test database (as an operator would)."""
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("COLUMNS", "250")

    def run(*args: str) -> Ran:
        get_settings.cache_clear()
        capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return run


def test_plan_draw_verify_and_a_changed_file(qingshan, engine, world, tmp_path):
    r = qingshan("spot-check", "items", "--json")
    assert r.returncode == 0, r.stderr
    assert [i["code"] for i in json.loads(r.stdout)] == ["HZ-KEY-Q"]
    r = qingshan("spot-check", "plan", "HZ-KEY-Q", "--region", "330100",
                 "--period", QUARTER, "--as", "hz")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("plan 1: 杭州市")
    r = qingshan("spot-check", "draw", "1", "--seed", "2021", "--json")
    assert r.returncode == 0, r.stderr
    draw = json.loads(r.stdout)
    assert draw["seed"] == 2021 and len(draw["tasks"]) == 4
    r = qingshan("spot-check", "verify", str(draw["id"]))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "OK: the draw is reproduced"
    # a kept copy of the file, altered: the hash differs and the change is named
    with session_scope(engine) as s:
        obj = json.loads(draw_inputs_file(s, draw["id"]))
    kept = Path(tmp_path) / "inputs.json"
    kept.write_bytes(canonical(obj))
    r = qingshan("spot-check", "verify", "--file", str(kept))
    assert r.returncode == 0, r.stdout + r.stderr
    obj["seed"] = 2022
    kept.write_bytes(canonical(obj))
    r = qingshan("spot-check", "verify", "--file", str(kept))
    assert r.returncode == 1
    assert (
        "hash: DIFFERS from the published" in r.stdout and "changed: seed: 2021 → 2022" in r.stdout
    )
    r = qingshan("spot-check", "results", "1")
    assert r.returncode == 0 and "0/4 recorded" in r.stdout


def test_cli_errors_are_one_line(qingshan, engine, world, tmp_path):
    r = qingshan("spot-check", "draw", "9")
    assert r.returncode == 1 and r.stderr.strip() == "error: no spot-check plan 9"
    r = qingshan("spot-check", "plan", "HZ-KEY-Q", "--region", "330100",
                 "--period", "2026H1")  # fmt: skip
    assert r.returncode == 1
    assert "error: period: '2026H1' is not a quarter period YYYYQn" in r.stderr
    r = qingshan("spot-check", "verify")
    assert r.returncode == 1 and "give a draw id or --file PATH" in r.stderr


def test_credit_recompute_and_show(qingshan, engine, world, tmp_path):
    r = qingshan("credit", "recompute", "--json")
    assert r.returncode == 0, r.stderr
    run = json.loads(r.stdout)
    assert run["rated"] == 18 and run["by_grade"]["trustworthy"] == 18
    e = world.enterprises["330106"][0]
    r = qingshan("credit", "show", str(e))
    assert r.returncode == 0 and "诚信 (trustworthy) 100.0" in r.stdout
    five = str(RULE_FILE.with_name("credit_rule_5.json"))
    r = qingshan("credit", "recompute", "--rule", five, "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["rule_version"].endswith("-5")
