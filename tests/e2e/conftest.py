"""Browser-test fixtures: the real server in a subprocess and Debian's Chromium via Playwright.

The server is ``uvicorn --factory qingshan.platform.app:create_app`` on a free port, with its data
directory in a temporary directory (demo mode, no scheduler). Chromium is the one of Debian's
``chromium`` package, launched by its path; ``playwright install`` is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade

from .helpers import new_page
from .seed import (
    seed_air_stations,
    seed_devices,
    seed_enterprises,
    seed_users,
    seed_water_sections,
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare_data(data_dir: Path) -> None:
    engine = make_engine(f"sqlite:///{data_dir / 'qingshan.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_air_stations(session)
        seed_water_sections(session)
        seed_devices(session)
        seed_users(session)
        seed_enterprises(session, data_dir / "observations")
    engine.dispose()


@contextmanager
def running_server(data_dir: Path, **env_extra: str) -> Iterator[str]:
    """Serve ``data_dir`` with the real app in a subprocess; yield its base URL."""
    port = _free_port()
    env = os.environ | {
        "QINGSHAN_DATA_DIR": str(data_dir),
        "QINGSHAN_DEMO": "1",
        "QINGSHAN_SCHEDULER": "0",
        **env_extra,
    }
    env.pop("QINGSHAN_DATABASE_URL", None)
    log = (data_dir / "server.log").open("wb")
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "qingshan.platform.app:create_app",
           "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {proc.returncode}:\n"
                    + (data_dir / "server.log").read_text(errors="replace")
                )
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer /api/v1/health within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        _report_server_errors(data_dir / "server.log")


def _report_server_errors(path: Path) -> None:
    """Print the tail of a served app's log when it holds a traceback: pytest shows it beside
    the failing test, so a 500 in the server is seen, not guessed from a browser timeout."""
    text = path.read_text(errors="replace")
    if "Traceback" in text:
        print(f"--- {path} (tail) ---\n{text[-6000:]}", file=sys.stderr)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory) -> Iterator[str]:
    """Base URL of a running Qingshan server on a fresh, seeded data directory."""
    data_dir = tmp_path_factory.mktemp("qingshan-e2e")
    _prepare_data(data_dir)
    with running_server(data_dir) as url:
        yield url


@pytest.fixture(scope="session")
def demo_server_url(small_demo_dir, tmp_path_factory) -> Iterator[str]:
    """The small demo province served as ``make run`` serves the full one: HJ 212 listener on a
    free port with simulated loggers feeding it. It serves a copy: the build is shared, read
    only (the server and its loggers write to their data directory)."""
    data_dir = tmp_path_factory.mktemp("demo-served") / "data"
    shutil.copytree(small_demo_dir, data_dir)
    with running_server(
        data_dir,
        QINGSHAN_HJ212_LISTENER="1",
        QINGSHAN_HJ212_PORT=str(_free_port()),
        QINGSHAN_SIM_LOGGERS="20",
    ) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh page (1440×900, zh-CN; the browser clock in UTC so that CST is shown on purpose,
    not by accident of the machine's zone) recording console errors in
    ``page.qs_errors``."""
    page = new_page(browser, 1440, 900)
    yield page
    page.context.close()
