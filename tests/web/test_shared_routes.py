"""Applications of one process share their prepared routes, never their state.

:mod:`qingshan.web.shared_routes` includes the routers once per process; each application then
answers from its own settings, database and data directory.
"""

from __future__ import annotations

import shutil

from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

PASSWORD = "shared-routes-password"


def _sign_in(client: TestClient) -> int:
    return client.post(
        "/api/v1/auth/login", data={"username": "zj", "password": PASSWORD}
    ).status_code


def test_two_apps_share_routes_and_keep_their_own_databases(
    engine, app_settings, _sqlite_template, tmp_path
) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "zj", PASSWORD, Role.PROVINCE, "330000", display_name="省厅管理员")
    other_db = tmp_path / "other" / "other.db"
    other_db.parent.mkdir()
    shutil.copyfile(_sqlite_template, other_db)  # migrated, no account
    other = app_settings.model_copy(
        update={"data_dir": tmp_path / "other", "database_url": f"sqlite:///{other_db}"}
    )
    demo, empty = create_app(app_settings), create_app(other)
    shared = {id(r) for r in demo.router.routes} & {id(r) for r in empty.router.routes}
    assert len(shared) > 90, "the routers' included routes are the same objects"
    with TestClient(demo) as a, TestClient(empty) as b:
        assert _sign_in(a) == 200  # the account exists in the first app's database only
        assert _sign_in(b) == 401
        assert a.get("/login").status_code == b.get("/login").status_code == 200
        schema = a.get("/api/v1/openapi.json").json()
        assert schema == b.get("/api/v1/openapi.json").json()
        assert "/api/v1/auth/login" in schema["paths"]
        # the 405 middleware reads the documented methods of each app
        assert b.request("PATCH", "/api/v1/health").headers["allow"] == "GET"
