"""The CLI as an operator meets it: bad settings and missing pieces give one clear line and a
non-zero exit, never a traceback."""

import os
import subprocess
import sys

import pytest


def run(args, tmp_path, **env):
    full = {**os.environ, "QINGSHAN_DATA_DIR": str(tmp_path), **env}
    full.pop("QINGSHAN_DEMO", None)
    return subprocess.run(
        [sys.executable, "-m", "qingshan.cli", *args],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["serve"],
            {"QINGSHAN_HTTP_PORT": "abc"},
            "error: bad settings: QINGSHAN_HTTP_PORT: Input should be a valid integer",
        ),
        (
            ["db", "upgrade"],
            {"QINGSHAN_DATABASE_URL": "postgresql+psycopg://x:pw@127.0.0.1:1/db"},
            "error: cannot connect to the database postgresql+psycopg://x:***@127.0.0.1:1/db",
        ),
        (["serve"], {}, "error: QINGSHAN_SECRET_KEY is not set: it is required outside demo mode"),
        (
            ["serve"],
            {"QINGSHAN_SECRET_KEY": "a-long-enough-secret-of-32-bytes"},
            "error: the database is not up to date: run `qingshan db upgrade`",
        ),
        (
            ["jobs", "run", "nope"],
            {},
            "error: no job 'nope'; jobs are: case-deadlines, case-notice, compact, credit, emergency-gas, emergency-plans, emergency-radiation, forecast-air, forecast-water, indices, qc, ranking-rollups, rollups, soil-units, target-reminders, vehicles-screening, waste-balance, zones-fences, zones-sweep",
        ),
    ],
)
def test_errors_are_one_clear_line(tmp_path, args, env, message):
    result = run(args, tmp_path, **env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # one line, never wrapped
    assert message in result.stderr


def test_db_upgrade_then_current(tmp_path):
    assert "database at revision" in run(["db", "upgrade"], tmp_path).stdout
    assert "up to date" in run(["db", "current"], tmp_path).stdout
