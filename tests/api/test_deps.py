"""The API's dependencies: one observation store per application, closed on shutdown; the
providers the registry hands to the routes."""

from __future__ import annotations

import duckdb
import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from qingshan.api.deps import get_store
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
