"""A newcomer's mistakes at the command line: one line on stderr, exit 2 for usage errors and 1
for domain errors, never a traceback.

Every command of the tree is found by walking it, so a new command is covered without a change
here: each gets an unknown option and, when it has required parameters, none of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from qingshan.cli import app, main

ROOT = Path(__file__).resolve().parents[1]
QINGSHAN = ROOT / ".venv" / "bin" / "qingshan"


def _tree() -> list[tuple[tuple[str, ...], object]]:
    """(path, command) of every group and command under ``qingshan``."""
    root = typer.main.get_command(app)
    out = []

    def walk(path: tuple[str, ...], command) -> None:
        out.append((path, command))
        ctx = command.context_class(command, info_name=path[-1] if path else "qingshan")
        for name in getattr(command, "list_commands", lambda _ctx: [])(ctx):
            walk((*path, name), command.get_command(ctx, name))

    walk((), root)
    return out


TREE = _tree()
COMMANDS = [path for path, command in TREE if path]
REQUIRED = [
    path
    for path, command in TREE
    if path and any(p.required for p in command.params) and not hasattr(command, "list_commands")
]


def test_the_tree_is_walked():
    names = {" ".join(p) for p in COMMANDS}
    assert {"aqi", "water-class", "qc check", "qc score", "sim faults", "import cnemc"} <= names
    assert {"devices list", "db upgrade", "users add", "serve", "demo"} <= names
    assert {"aqi", "qc check", "import cnemc", "users add"} <= {" ".join(p) for p in REQUIRED}


def run_main(capsys, *args: str) -> tuple[int, str]:
    """Run the CLI's ``main`` in this process; (exit code, stdout + stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
        raise SystemExit(0)
    captured = capsys.readouterr()
    code = exit_info.value.code
    return (0 if code is None else code), captured.out + captured.err


def _error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_refuses_an_unknown_option(capsys, path):
    code, output = run_main(capsys, *path, "--no-such-option")
    assert code == 2, output
    assert "Traceback" not in output
    line = _error_line(output)
    assert "No such option: --no-such-option" in line
    assert f"(try 'qingshan {' '.join(path)} --help')" in line


@pytest.mark.parametrize("path", REQUIRED, ids=" ".join)
def test_every_command_says_what_is_missing(capsys, path):
    code, output = run_main(capsys, *path)
    assert code == 2, output
    assert "Traceback" not in output
    assert _error_line(output).startswith("error: Missing ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "error: No such command 'frobnicate'. (try 'qingshan --help')"),
        (["aqi"], "error: Missing argument 'file'. (try 'qingshan aqi --help')"),
        (
            ["sim", "faults", "--limit", "-1"],
            "error: Invalid value for '--limit': Input should be greater than or equal to 0 "
            "(try 'qingshan sim faults --help')",
        ),
        (
            ["qc", "check", "x.csv"],
            "error: Missing option '--out'. (try 'qingshan qc check --help')",
        ),
    ],
)
def test_usage_errors(capsys, args, message):
    code, output = run_main(capsys, *args)
    assert code == 2
    assert _error_line(output) == message


def test_a_group_without_a_command_shows_its_help(capsys):
    code, output = run_main(capsys, "qc")
    assert code == 2
    assert "check" in output and "score" in output and "Traceback" not in output


def test_help_exits_0(capsys):
    code, output = run_main(capsys, "sim", "faults", "--help")
    assert code == 0 and "--limit" in output


# ------------------------------------------------------------------------ malformed files


@pytest.fixture
def bad_files(tmp_path) -> dict[str, Path]:
    files = {
        "ragged.csv": b"a,b\n1,2\n3,4,5,6\n",
        "gbk.csv": "站点,日期\n1,2\n".encode("gbk"),
        "empty.csv": b"",
        "quote.csv": b'"a,b\n1,2\n',
        "fake.xlsx": b"not a workbook",
        "air.csv": b"date,hour,type,1001A\n20240101,1,PM2.5,1,2,3\n",
        "cut.csv": b"date,hour,type,1001A\n20240101,0,PM2.5,1",  # cut inside the value 12
        "binary.csv": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        "latin.csv": b"a,b\n\xff\xfe,\x80\n",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return {name: tmp_path / name for name in files}


@pytest.mark.parametrize(
    ("command", "name", "message"),
    [
        (["aqi"], "ragged.csv", "cannot read as CSV: line 3 has 4 fields, the header 2"),
        (["aqi"], "empty.csv", "cannot read as CSV: the file is empty"),
        (["aqi"], "fake.xlsx", "cannot read as Excel: not an Excel workbook"),
        # GBK is read: what is said is about the columns, which were decoded
        (["water-class"], "gbk.csv", "no water-quality columns"),
        (["water-class"], "binary.csv", "cannot read as CSV: a binary file, not CSV text"),
        (["water-class"], "empty.csv", "cannot read as CSV: the file is empty"),
        (
            ["water-class"],
            "latin.csv",
            "cannot read as CSV: neither UTF-8 nor GBK text (byte 0xff at offset 4); "
            "save it as CSV UTF-8",
        ),
        (
            ["water-class"],
            "quote.csv",
            'cannot read as CSV: a quote (") opened on line 1 is never closed',
        ),
        (["qc", "check"], "ragged.csv", "cannot read as CSV: line 3 has 4 fields, the header 2"),
        (["qc", "check"], "gbk.csv", "missing column(s) time, site, parameter, value"),
        (["qc", "check"], "binary.csv", "cannot read as CSV: a binary file, not CSV text"),
        (["qc", "check"], "empty.csv", "cannot read as CSV: the file is empty"),
        (["import", "cnemc"], "gbk.csv", "header '站点,日期' is neither a CNEMC air file"),
        (["import", "cnemc"], "binary.csv", "cannot read as CSV: a binary file, not CSV text"),
        (["import", "cnemc"], "empty.csv", "cannot read as CSV: the file is empty"),
        (["import", "cnemc"], "latin.csv", "cannot read as CSV: neither UTF-8 nor GBK text"),
        (
            ["import", "cnemc"],
            "air.csv",
            "air.csv: 1 bad row(s) refused, the rest stored (first: line 2: 6 fields, the "
            "header 4 (a row cut off or broken): row refused, nothing of it stored)",
        ),
        (
            ["import", "cnemc"],
            "cut.csv",
            "cut.csv: 1 bad row(s) refused, the rest stored (first: line 2: the file ends "
            "inside this row (no line break): a truncated file; row refused, nothing of it "
            "stored)",
        ),
    ],
)
def test_a_malformed_file_is_one_line_naming_it(
    capsys, monkeypatch, tmp_path, bad_files, command, name, message
):
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path / "data"))
    extra = ["--out", str(tmp_path / "flags.csv")] if command == ["qc", "check"] else []
    code, output = run_main(capsys, *command, str(bad_files[name]), *extra)
    assert code == 1, output
    assert "Traceback" not in output
    line = _error_line(output)
    assert name in line and message in line


def test_bad_rows_exit_1(capsys, tmp_path):
    """``raise typer.Exit(1)`` in a command (rows with errors) is the process's exit code."""
    path = tmp_path / "aqi.csv"
    path.write_text("station,PM2.5\nA,35\nB,not-a-number\n")
    code, output = run_main(
        capsys, "aqi", str(path), "--report", "hourly", "--edition", "HJ 633-2012"
    )
    assert code == 1, output
    assert "not-a-number" in output


# ----------------------------------------------------------- the real executable, subprocesses


def run_cli(args, tmp_path) -> subprocess.CompletedProcess:
    exe = [str(QINGSHAN)] if QINGSHAN.exists() else [sys.executable, "-m", "qingshan.cli"]
    env = {**os.environ, "QINGSHAN_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "60"}
    env.pop("QINGSHAN_DATABASE_URL", None)
    env.pop("QINGSHAN_DEMO", None)
    return subprocess.run([*exe, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["frobnicate"], 2, "error: No such command 'frobnicate'. (try 'qingshan --help')"),
        (["aqi"], 2, "error: Missing argument 'file'. (try 'qingshan aqi --help')"),
        (
            ["sim", "faults", "--limit", "-1"],
            2,
            "error: Invalid value for '--limit': Input should be greater than or equal to 0 "
            "(try 'qingshan sim faults --help')",
        ),
        (
            ["qc", "score"],
            1,
            "error: the database sqlite:///{data}/qingshan.db is not set up (no table "
            "'injected_fault'): run `qingshan db upgrade` to create its tables, or "
            "`qingshan sim build` for the demo province",
        ),
        (
            ["devices", "list"],
            1,
            "error: the database sqlite:///{data}/qingshan.db is not set up (no table "
            "'hj212_device_status'): run `qingshan db upgrade` to create its tables, or "
            "`qingshan sim build` for the demo province",
        ),
    ],
)
def test_the_executable(tmp_path, args, code, message):
    result = run_cli(args, tmp_path)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    # one line, even on a narrow terminal
    assert result.stderr.strip() == message.format(data=tmp_path / "data")


def test_after_db_upgrade_qc_score_asks_for_the_demo(tmp_path):
    assert run_cli(["db", "upgrade"], tmp_path).returncode == 0
    result = run_cli(["qc", "score"], tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: no injected faults: build the demo province first (qingshan sim build)"
    )


def test_gbk_files_are_read_as_published(capsys, tmp_path):
    """Bureaus' spreadsheets saved as CSV in GBK: the Chinese names come through."""
    aqi = tmp_path / "aqi_gbk.csv"
    aqi.write_bytes("站点,PM2.5\n滨江站,35\n".encode("gbk"))
    code, output = run_main(
        capsys, "aqi", str(aqi), "--report", "hourly", "--edition", "HJ 633-2012"
    )
    assert code == 0, output
    assert "滨江站" in output
    long = tmp_path / "qc_gbk.csv"
    long.write_bytes(
        "time,site,parameter,value\n2026-05-01 00:00,一号排口,a21026,20\n".encode("gbk")
    )
    out = tmp_path / "flags.csv"
    code, output = run_main(capsys, "qc", "check", str(long), "--out", str(out))
    assert "Traceback" not in output
    assert "一号排口" in out.read_text(encoding="utf-8-sig"), output


# ------------------------------------------------------------------------ files too large


@pytest.mark.parametrize(
    ("command", "name", "content"),
    [
        (["aqi"], "big.csv", b"a,b\n" + b"1,2\n" * 600),
        (["aqi"], "big.xlsx", b"PK" + b"\x00" * 3000),
        (["water-class"], "big.csv", b"a,b\n" + b"1,2\n" * 600),
        (["qc", "check"], "big.csv", b"a,b\n" + b"1,2\n" * 600),
        (["import", "cnemc"], "big.csv", b"date,hour,type\n" + b"1,2,3\n" * 600),
        (["devices", "import"], "big.csv", b"mn,password\n" + b"1,2\n" * 600),
    ],
)
def test_a_file_over_the_limit_is_refused_naming_the_setting(
    capsys, monkeypatch, tmp_path, command, name, content
):
    """Issue #9 item 10: every file the CLI reads is bounded by QINGSHAN_MAX_FILE_BYTES."""
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QINGSHAN_MAX_FILE_BYTES", "2048")
    path = tmp_path / name
    path.write_bytes(content)
    extra = ["--out", str(tmp_path / "flags.csv")] if command == ["qc", "check"] else []
    code, output = run_main(capsys, *command, str(path), *extra)
    assert code == 1, output
    line = _error_line(output)
    assert name in line
    assert "larger than the limit of 0.00195312 MiB (setting QINGSHAN_MAX_FILE_BYTES)" in line


def test_a_compressed_file_that_expands_past_the_limit_is_refused(capsys, monkeypatch, tmp_path):
    """A 'zip bomb': 10 MB of zeros gzip to ~10 kB; the reader stops just past the limit."""
    import gzip

    monkeypatch.setenv("QINGSHAN_MAX_FILE_BYTES", str(1024 * 1024))
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" + b"0" * 10_000_000))
    assert path.stat().st_size < 20_000
    code, output = run_main(capsys, "water-class", str(path))
    assert code == 1, output
    assert "decompresses to more than the limit of 1 MiB" in _error_line(output)


@pytest.mark.parametrize("args", [["devices", "import"], ["import", "cnemc"], ["aqi"]])
def test_dev_zero_is_refused_without_reading_it_all(tmp_path, args):
    """``/dev/zero`` (an endless file) used to grow the process without bound; now the reader
    stops at the limit (the default, 64 MiB) and names it."""
    result = run_cli([*args, "/dev/zero"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "larger than the limit of 64 MiB (setting QINGSHAN_MAX_FILE_BYTES)" in result.stderr
