"""One owner per journal (issue 9, item 1): two writers on one directory used to append to the
same segment at their own offsets, and the next start truncated the mix. Now the second writer
refuses, naming the owner's pid, and recovery saves an unreadable tail aside before cutting it."""

import os
import subprocess
import sys
import time

import pytest

from qingshan.hj212.errors import JournalLocked
from qingshan.hj212.journal import (
    Journal,
    encode_record,
    journal_lock_state,
    read_records,
    segment_path,
)

_HOLD = """
import sys, time
from qingshan.hj212.journal import Journal
j = Journal(sys.argv[1]).open()
j.append_sync([b"child"], 1)
print("ready", flush=True)
time.sleep(60)
"""


def test_two_journals_on_one_directory_second_refuses(tmp_path):
    first = Journal(tmp_path).open()
    first.append_sync([b"a", b"b"], 1)
    with pytest.raises(JournalLocked, match=f"pid {os.getpid()}") as caught:
        Journal(tmp_path).open()  # used to open the same segment at its own offset
    assert caught.value.pid == os.getpid()
    assert caught.value.status_code == 409
    first.append_sync([b"c"], 2)
    first.close()
    assert journal_lock_state(tmp_path) == (False, None)
    with Journal(tmp_path) as again:  # the lock went with the owner
        again.append_sync([b"d"], 3)
    assert [r.frame for r in read_records(tmp_path)] == [b"a", b"b", b"c", b"d"]
    assert not list(tmp_path.glob("*.tail-*"))


def test_a_second_process_refuses_and_does_not_touch_the_segment(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        # the owner is writing a record right now: its bytes are on disk, not yet whole
        with open(segment_path(tmp_path, 1), "ab") as fh:
            fh.write(encode_record(b"in progress", 2)[:7])
        size = segment_path(tmp_path, 1).stat().st_size
        assert journal_lock_state(tmp_path) == (True, child.pid)
        with pytest.raises(JournalLocked, match=f"pid {child.pid}"):
            Journal(tmp_path).open()
        # a refused open never truncates (nor saves aside) what the live owner writes
        assert segment_path(tmp_path, 1).stat().st_size == size
        assert not list(tmp_path.glob("*.tail-*"))
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    deadline = time.monotonic() + 5
    while journal_lock_state(tmp_path)[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    with Journal(tmp_path) as journal:  # killed owner: no stale lock; its torn record kept aside
        assert journal.lock.held
    assert len(list(tmp_path.glob("*.tail-*"))) == 1
    assert [r.frame for r in read_records(tmp_path)] == [b"child"]


def test_recovery_saves_the_unreadable_tail_before_truncating(tmp_path, caplog):
    with Journal(tmp_path) as journal:
        journal.append_sync([b"first", b"second", b"third"], 1)
    path = segment_path(tmp_path, 1)
    data = bytearray(path.read_bytes())
    first_end = len(encode_record(b"first", 1))
    data[first_end + 20] ^= 0xFF  # "second" corrupt: "third" after it is unreadable too
    path.write_bytes(bytes(data))
    with caplog.at_level("WARNING", "qingshan.hj212.journal"), Journal(tmp_path) as journal:
        assert journal.durable == (1, first_end)
    [side] = tmp_path.glob("seg-000000000001.log.tail-*")
    assert side.read_bytes() == bytes(data[first_end:])  # nothing lost: kept aside
    assert side.name.endswith(f"-{first_end}")
    assert path.stat().st_size == first_end
    assert "saved to" in caplog.text and str(side) in caplog.text
    assert [r.frame for r in read_records(tmp_path)] == [b"first"]  # side files are not read


def _qingshan(engine, data_dir, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **extra_env,
        "QINGSHAN_DATA_DIR": str(data_dir),
        "QINGSHAN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "COLUMNS": "250",
    }
    return subprocess.run(
        [sys.executable, "-m", "qingshan.cli", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["listen", "--port", "0"]])
def test_a_second_listener_on_the_journal_is_refused_in_one_line(engine, tmp_path, command):
    directory = tmp_path / "journal" / "hj212"
    with Journal(directory):
        r = _qingshan(
            engine, tmp_path, *command,
            QINGSHAN_SECRET_KEY="k" * 32, QINGSHAN_SCHEDULER="0", QINGSHAN_HJ212_LISTENER="1",
        )  # fmt: skip
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    [line] = r.stderr.strip().splitlines()
    assert f"pid {os.getpid()}" in line and str(directory) in line
    assert "one listener per journal" in line
