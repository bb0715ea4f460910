"""Shared fixtures.

Database tests take the ``engine`` fixture: it is parametrised over SQLite and, when
``QINGSHAN_TEST_POSTGRES_URL`` is set (``make test`` sets it via scripts/with-postgres.sh),
PostgreSQL. Each test gets a freshly migrated, empty database: a copy of a database migrated once per
test process (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL). The PostgreSQL
databases get PostGIS where the cluster has it (the migrations create the extension when they can).

Spatial tests take ``gis_engine`` instead: SQLite, ``postgresql`` — PostgreSQL *without* PostGIS
(migrated with ``qingshan.postgis = off``) — and, when ``QINGSHAN_TEST_POSTGIS=1``
(scripts/with-postgres.sh sets it where the PostGIS package is installed), ``postgis``.
"""

from __future__ import annotations

import gc
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

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
POSTGIS = POSTGRES_URL is not None and os.environ.get("QINGSHAN_TEST_POSTGIS") == "1"
GIS_BACKENDS = BACKENDS + (["postgis"] if POSTGIS else [])


def _admin() -> Engine:
    """The test cluster's database of the URL, in autocommit (CREATE/DROP DATABASE)."""
    return make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")


def _database_url(name: str) -> str:
    return f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"


def _migrated_template(postgis: bool = True) -> Iterator[str | None]:
    if POSTGRES_URL is None:
        yield None
        return
    name = f"tmpl_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
        if not postgis:  # read by migration 0025_zone_postgis
            conn.execute(text(f"ALTER DATABASE {name} SET qingshan.postgis = 'off'"))
    eng = make_engine(_database_url(name))
    upgrade(eng)
    eng.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str | None]:
    """A PostgreSQL database migrated once per test process, the template every test's
    database is copied from (``CREATE DATABASE … TEMPLATE``: a file copy, ~0.1 s, where the
    migrations take ~1 s a test)."""
    yield from _migrated_template()


@pytest.fixture(scope="session")
def _postgres_template_plain() -> Iterator[str | None]:
    """The same, migrated with ``qingshan.postgis = off``: PostgreSQL without PostGIS."""
    yield from _migrated_template(postgis=False)


def _postgres_engine(template: str) -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database copied from ``template`` (named in the URL, so
    that servers started by a test reach the same database), dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    engine = make_engine(_database_url(name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_engines(_postgres_template):
    """The factory of migrated PostgreSQL databases (a generator: ``next`` gives the engine
    on a fresh database, ``close`` drops it), for fixtures that hold a database longer than
    a test."""
    return lambda: _postgres_engine(_postgres_template)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    """A SQLite database migrated once per test process; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert not leftovers, f"the template database left {leftovers} beside it"
    return path


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
    """A migrated, empty database on each backend (a copy of the per-process template).

    At teardown garbage is collected, so that a connection a test leaked (ResourceWarning)
    fails that test rather than whichever test the collector happens to run in later.
    """
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        gen = request.getfixturevalue("postgres_engines")()
        eng = next(gen)
        yield eng
        dispose_engines()  # engines code under test made for this database's URL
        gen.close()
    dispose_engines()
    gc.collect()


@pytest.fixture(params=GIS_BACKENDS)
def gis_engine(request, tmp_path) -> Iterator[Engine]:
    """A migrated, empty database on SQLite, PostgreSQL without PostGIS (``postgresql``) and
    PostgreSQL with PostGIS (``postgis``, required to be there when asked for)."""
    from qingshan.zones import postgis

    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        tmpl = "_postgres_template_plain" if request.param == "postgresql" else "_postgres_template"
        gen = _postgres_engine(request.getfixturevalue(tmpl))
        eng = next(gen)
        if request.param == "postgresql":  # a copy keeps no database setting: off here too
            admin = _admin()
            with admin.connect() as conn:
                conn.execute(
                    text(f"ALTER DATABASE {eng.url.database} SET qingshan.postgis = 'off'")
                )
            admin.dispose()
            eng.dispose()  # the connection make_engine opened predates the setting
        with session_scope(eng) as s:
            assert postgis.enabled(s) is (request.param == "postgis"), request.param
        yield eng
        dispose_engines()
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
def small_demo_dir(tmp_path_factory, request):
    """A data directory holding the small demo province, built once per test run (SQLite).

    Read only: a test copies it (``shutil.copytree``) before serving or changing it. Under
    pytest-xdist the workers share one build (~30 s of CPU each otherwise) in the run's common
    temporary root (``getbasetemp().parent``, one per run): the first worker to ask builds it
    under an exclusive ``flock``, the others wait on the lock and find it marked built.
    """
    import fcntl

    from rich.console import Console

    from qingshan.config import Settings
    from qingshan.platform.demo_links import DEMO_LINKS
    from qingshan.sim.demo import ensure_demo

    def build(data_dir: Path) -> None:
        settings = Settings(data_dir=data_dir, demo=True, sim_loggers=20)
        ensure_demo(settings, links=DEMO_LINKS, scale="small", console=Console(quiet=True))
        dispose_engines()

    if not hasattr(request.config, "workerinput"):  # no xdist: this process alone
        data_dir = tmp_path_factory.mktemp("small-demo")
        build(data_dir)
        return data_dir
    root = tmp_path_factory.getbasetemp().parent
    data_dir, built = root / "small-demo", root / "small-demo.built"
    with (root / "small-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            shutil.rmtree(data_dir, ignore_errors=True)  # a worker that died mid-build
            data_dir.mkdir()
            build(data_dir)
            built.touch()
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
