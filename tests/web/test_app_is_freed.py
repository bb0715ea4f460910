"""An app that is served and dropped is freed with everything it built.

FastAPI keeps facts about endpoint functions in module-level LRU caches (4,096 entries): an
endpoint closure that holds its app keeps that app, its routes and their validators (~50k
objects) alive for the life of the process. Every test builds an app, so such a leak made each
later garbage collection slower and the suite minutes longer; a server that builds one app never
notices, which is why this is checked here.
"""

import gc
import weakref

from fastapi.testclient import TestClient

from qingshan.platform.app import create_app


def test_a_dropped_app_is_garbage(app_settings):
    app = create_app(app_settings)
    with TestClient(app) as client:
        for path in ("/login", "/api/v1/docs", "/api/v1/redoc", "/api/v1/health"):
            assert client.get(path).status_code == 200
    ref = weakref.ref(app)
    del app, client
    gc.collect()
    assert ref() is None, "something still holds the app: " + ", ".join(
        type(o).__name__ for o in gc.get_referrers(ref())
    )


def test_an_app_that_answered_405_is_garbage(app_settings):
    """The 405 middleware's per-app cache of documented paths holds its app weakly."""
    app = create_app(app_settings)
    with TestClient(app) as client:
        response = client.request("PATCH", "/api/v1/health")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET"
    ref = weakref.ref(app)
    del app, client, response
    gc.collect()
    assert ref() is None, "something still holds the app: " + ", ".join(
        type(o).__name__ for o in gc.get_referrers(ref())
    )
