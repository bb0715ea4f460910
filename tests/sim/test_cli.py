"""``qingshan sim build`` and ``qingshan sim faults``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qingshan.config import get_settings
from qingshan.db.engine import dispose_engines


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    """The CLI on its default store: a SQLite file and Parquet under a fresh data directory
    (build_demo itself is tested on both backends in test_demo)."""
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("QINGSHAN_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    dispose_engines()
    yield tmp_path
    dispose_engines()  # close what the CLI and the app opened
    get_settings.cache_clear()


def test_sim_build_and_faults(cli_env):
    from qingshan.cli import app

    runner = CliRunner()
    args = ["sim", "build", "--scale", "small", "--now", "2026-06-01T11:17", "--json"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert summary["built"] and summary["now"] == "2026-06-01T03:17:00+00:00"
    r = runner.invoke(app, args)
    assert r.exit_code == 0 and json.loads(r.output.strip().splitlines()[-1])["built"] is False
    r = runner.invoke(app, ["sim", "faults", "--kind", "o2_tamper", "--json"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.strip().splitlines()]
    assert rows and {row["kind"] for row in rows} == {"o2_tamper"}
    assert {row["parameter"] for row in rows} == {"a19001"}
    r = runner.invoke(app, ["sim", "faults", "--limit", "3"])
    assert r.exit_code == 0 and "totals:" in r.output


def test_sim_build_rejects_a_bad_scale(cli_env):
    from qingshan.cli import app

    r = CliRunner().invoke(app, ["sim", "build", "--scale", "huge"])
    assert r.exit_code != 0
    assert "unknown scale 'huge'" in r.output
