"""The API's dependencies: one observation store per application, closed on shutdown; the
providers the registry hands to the routes."""

from __future__ import annotations

import duckdb
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from qingshan.accounts.models import Role, User
from qingshan.api.deps import SessionDep, get_store
from qingshan.archive.service import OutletCounts
from qingshan.cases.service import CASES_SINK, site_cases_public
from qingshan.platform.app import create_app, outlet_counts
from qingshan.qc.supervision import CaseSink, SiteCases


def test_one_store_per_application_closed_on_shutdown(app_settings):
    app = create_app(app_settings)
    store = app.state.store
    seen = []

    @app.get("/_store_probe")
    def probe(request: Request) -> dict:
        seen.append(get_store(request))
        return {}

    with TestClient(app) as client:
        for _ in range(3):
            assert client.get("/_store_probe").status_code == 200
        assert client.get("/api/v1/health").status_code == 200
    assert seen == [store, store, store]
    with pytest.raises(duckdb.ConnectionException):
        store._con.execute("SELECT 1")


def test_the_archive_counts_come_from_cases_and_qc(app_settings):
    providers = create_app(app_settings).state.providers
    assert providers[OutletCounts] is outlet_counts
    assert providers[CaseSink] is CASES_SINK and providers[SiteCases] is site_cases_public


def test_a_route_answers_only_after_its_commit(app_settings, engine):
    """The session commits when the route returns and before the response is sent: a commit
    that fails is the client's error, never a 200 for changes that were not stored (FastAPI's
    default for a ``yield`` dependency runs its exit after the response has gone out)."""
    app = create_app(app_settings)

    def twin(name: str) -> User:
        return User(username=name, password_hash="x", role=Role.PROVINCE, region_code="330000")

    @app.post("/_commit_probe")
    def probe(session: SessionDep) -> dict:
        session.add_all([twin("probe-twin"), twin("probe-twin")])  # unique: fails at commit
        return {"saved": True}

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/_commit_probe").status_code == 500
    with engine.connect() as con:  # the test's engine: the app's was disposed at shutdown
        n = con.execute(select(func.count()).where(User.username == "probe-twin")).scalar()
    assert n == 0
