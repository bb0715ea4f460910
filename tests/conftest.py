"""Shared fixtures.

Database tests take the ``engine`` fixture: it is parametrised over SQLite and, when
``QINGSHAN_TEST_POSTGRES_URL`` is set (``make test`` sets it via scripts/with-postgres.sh),
PostgreSQL. Each test gets a freshly migrated, empty database.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from qingshan.db.engine import dispose_engines, make_engine, session_scope
from qingshan.db.migrate import upgrade

POSTGRES_URL = os.environ.get("QINGSHAN_TEST_POSTGRES_URL")

# Apps built by tests run no background services unless a test asks for them.
os.environ.setdefault("QINGSHAN_HJ212_LISTENER", "0")
os.environ.setdefault("QINGSHAN_SCHEDULER", "0")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _postgres_engine() -> Iterator[Engine]:
    """A fresh schema in the test PostgreSQL database (named in the URL, so that servers
    started by a test reach the same schema), dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_engines():
    """The factory of :func:`_postgres_engine` (a generator: ``next`` gives the engine on a
    fresh schema, ``close`` drops it), for fixtures that hold a database longer than a test."""
    return _postgres_engine


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once every test module is imported, move what exists (modules, their tables and
    caches: ~300k objects) out of the collector's reach, so that the ``gc.collect()`` at each
    database test's teardown walks only what tests create (0.1–0.3 s a test otherwise)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """Each test reads the settings from its own environment (``get_settings`` is cached per
    process: a test that sets ``QINGSHAN_*`` must not see, or leave, another test's)."""
    from qingshan.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path) -> Iterator[Engine]:
    """A migrated, empty database on each backend.

    At teardown garbage is collected, so that a connection a test leaked (ResourceWarning)
    fails that test rather than whichever test the collector happens to run in later.
    """
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        upgrade(eng)
        yield eng
        eng.dispose()
    else:
        gen = _postgres_engine()
        eng = next(gen)
        upgrade(eng)
        yield eng
        dispose_engines()  # engines code under test made for this database's URL
        gen.close()
    dispose_engines()
    gc.collect()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session on a migrated database that commits at the end of the test."""
    with session_scope(engine) as s:
        yield s


def pytest_collection_modifyitems(config, items):
    """Run browser tests last: Playwright's sync API keeps an event loop running in the main
    thread while its browser fixture lives, which would break later tests using asyncio.run."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def small_demo_dir(tmp_path_factory):
    """A data directory holding the small demo province, built once per test run (SQLite)."""
    from rich.console import Console

    from qingshan.config import Settings
    from qingshan.sim.demo import ensure_demo

    data_dir = tmp_path_factory.mktemp("small-demo")
    settings = Settings(data_dir=data_dir, demo=True, sim_loggers=20)
    ensure_demo(settings, scale="small", console=Console(quiet=True))
    dispose_engines()
    return data_dir


@pytest.fixture
def app_settings(engine, tmp_path):
    """Settings of an app on the test database (``engine``) and a fresh data directory."""
    from qingshan.config import Settings

    return Settings(
        data_dir=tmp_path,
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key-0123456789abcdef",
        scheduler=False,
        cookie_secure=False,  # the test client speaks plain http
    )
