"""``qingshan audit verify`` and ``qingshan audit head``: OK and exit 0, or the first broken row
in one line and exit 1."""

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from qingshan.audit import acting_as
from qingshan.cli import main
from qingshan.config import get_settings
from qingshan.db.engine import dispose_engines, make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.hj212.registry import add_device


@pytest.fixture
def cli_env(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    dispose_engines()
    with acting_as("admin"), session_scope(engine) as s:
        for i in range(4):
            add_device(s, f"MN{i:04d}", "pw")
    yield engine
    dispose_engines()
    get_settings.cache_clear()


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``qingshan ARGS`` in this process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
        raise SystemExit(0)
    captured = capsys.readouterr()
    return exit_info.value.code or 0, captured.out, captured.err


def _head(capsys) -> str:
    code, out, _ = run(capsys, "audit", "head")
    assert code == 0
    return out.strip()


def test_verify_reports_the_rows_and_the_head(cli_env, capsys):
    anchor = _head(capsys)
    assert anchor.startswith("4:") and len(anchor) == 2 + 64
    code, out, err = run(capsys, "audit", "verify")
    assert (code, err) == (0, "")
    assert out.strip() == f"audit chain OK: 4 row(s) verified, head {anchor}"
    code, out, _ = run(capsys, "audit", "verify", "--from-id", "3", "--anchor", anchor, "--json")
    assert code == 0
    assert json.loads(out) == {
        "ok": True, "rows": 2, "head_id": 4, "head_hash": anchor[2:], "broken": None
    }  # fmt: skip


def test_head_as_json(cli_env, capsys):
    code, out, _ = run(capsys, "audit", "head", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["id"] == 4 and len(doc["hash"]) == 64 and doc["at"].endswith("+00:00")


def test_an_edited_row_is_one_line_and_exit_1(cli_env, capsys):
    with cli_env.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 2"))
    code, out, err = run(capsys, "audit", "verify")
    assert code == 1 and out == ""
    assert err.strip() == (
        "error: audit chain broken at row 2 (edited): its content does not match its hash "
        "(1 row(s) verified before it)"
    )
    code, out, _ = run(capsys, "audit", "verify", "--json")
    assert code == 1
    assert json.loads(out)["broken"] == {
        "id": 2, "kind": "edited", "detail": "its content does not match its hash"
    }  # fmt: skip


def test_a_published_head_that_no_longer_matches_fails(cli_env, capsys):
    anchor = _head(capsys)
    with cli_env.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 4"))
    code, _, err = run(capsys, "audit", "verify", "--anchor", anchor)
    assert code == 1
    assert err.startswith("error: audit chain broken at row 4 (rewritten): row 4 was published")
    assert "it is missing" in err and "(the chain itself holds: 3 row(s))" in err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--anchor", "4:abc"],
            1,
            "error: bad anchor '4:abc': expected ID:HASH, a row id and its 64-hex-digit hash "
            "(as `qingshan audit head` prints it)",
        ),
        (
            ["--from-id", "0"],
            2,
            "error: Invalid value for '--from-id': Input should be greater than or equal to 1 "
            "(try 'qingshan audit verify --help')",
        ),
    ],
)
def test_bad_options_are_one_line(cli_env, capsys, args, code, message):
    assert run(capsys, "audit", "verify", *args)[::2] == (code, message + "\n")


def test_the_installed_command_exits_1_on_a_broken_chain(tmp_path):
    """The command as a shell runs it (one backend is enough: the same code as above)."""
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with acting_as("admin"), session_scope(engine) as s:
        for i in range(3):
            add_device(s, f"MN{i:04d}", "pw")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    engine.dispose()
    env = {**os.environ, "QINGSHAN_DATA_DIR": str(tmp_path), "QINGSHAN_DATABASE_URL": url}
    r = subprocess.run(
        [sys.executable, "-m", "qingshan.cli", "audit", "verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "error: audit chain broken at row 3 (deleted): it does not link to row 1: rows between 1 "
        "and 3 were deleted (or row 1 was rewritten with a new hash) (1 row(s) verified before it)"
    ]
