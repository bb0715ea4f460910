"""``qingshan devices …`` and ``/api/v1/hj212`` on a real database."""

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.config import get_settings
from qingshan.db.engine import dispose_engines, session_scope
from qingshan.geo.regions import seed_regions
from qingshan.hj212.registry import write_rejects
from qingshan.platform.app import create_app

from .helpers import make_site


@pytest.fixture
def cli_env(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    dispose_engines()
    yield engine
    dispose_engines()  # close what the CLI and the app opened
    get_settings.cache_clear()


def test_devices_cli(cli_env, tmp_path):
    from qingshan.cli import app

    with session_scope(cli_env) as s:
        make_site(s, "SITE1")
    runner = CliRunner()
    r = runner.invoke(app, ["devices", "add", "MN01", "--password", "123456", "--site", "SITE1",
                            "--crc", "modbus-swapped"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "registered MN=MN01" in r.output
    csv = tmp_path / "devices.csv"
    csv.write_text("mn,password,site\nMN02,1,\nMN03,2,NOPE\n", encoding="utf-8")
    r = runner.invoke(app, ["devices", "import", str(csv)])
    assert r.exit_code != 0 and "line 3" in r.output and "unknown site 'NOPE'" in r.output
    csv.write_text("mn,password,site\nMN02,1,\nMN03,2,SITE1\n", encoding="utf-8")
    r = runner.invoke(app, ["devices", "import", str(csv)])
    assert r.exit_code == 0 and "imported 2 devices" in r.output
    r = runner.invoke(app, ["devices", "list", "--json"])
    assert r.exit_code == 0 and '"mn": "MN03"' in r.output
    r = runner.invoke(app, ["devices", "list"])
    assert "MN01" in r.output


def test_devices_import_reads_gbk_and_names_a_bad_file(cli_env, tmp_path):
    from qingshan.cli import app
    from qingshan.hj212.errors import DeviceImportError
    from qingshan.hj212.registry import get_device

    runner = CliRunner()
    gbk = tmp_path / "devices-gbk.csv"  # a bureau's spreadsheet saved as CSV in GBK
    gbk.write_bytes("mn,password,name\nMN09,secret-9,锅炉一号\n".encode("gbk"))
    r = runner.invoke(app, ["devices", "import", str(gbk)])
    assert r.exit_code == 0, r.output
    with session_scope(cli_env) as s:
        assert get_device(s, "MN09").name == "锅炉一号"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    r = runner.invoke(app, ["devices", "import", str(empty)])
    assert isinstance(r.exception, DeviceImportError)
    assert str(r.exception).startswith(f"{empty}: ") and "the file is empty" in str(r.exception)


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "zj", "province-pass", Role.PROVINCE, "330000")
        create_user(s, "pub", "public-pass", Role.PUBLIC, "330000")
    with TestClient(create_app(app_settings)) as c:
        yield c


def _token(client, username, password):
    r = client.post("/api/v1/auth/login", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_devices_api(client, engine):
    assert client.get("/api/v1/hj212/devices").status_code == 401
    admin = _token(client, "zj", "province-pass")
    public = _token(client, "pub", "public-pass")
    client.cookies.clear()
    r = client.post("/api/v1/hj212/devices", json={"mn": "A1", "password": "123456"}, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["mn"] == "A1" and "password" not in r.json()
    r = client.post("/api/v1/hj212/devices", json={"mn": "A1", "password": "1"}, headers=admin)
    assert r.status_code == 409 and "already registered" in r.text
    r = client.post("/api/v1/hj212/devices", json={"mn": "A2", "password": "1"}, headers=public)
    assert r.status_code == 403
    r = client.patch(
        "/api/v1/hj212/devices/A1", json={"enabled": False, "crc": "modbus"}, headers=admin
    )
    assert r.json()["enabled"] is False and r.json()["crc"] == "modbus"
    assert client.get("/api/v1/hj212/devices/NOPE", headers=public).status_code == 404
    status = client.get("/api/v1/hj212/status", headers=public).json()
    assert status[0]["mn"] == "A1" and status[0]["online"] is False
    assert client.get("/api/v1/hj212/devices/A1/status", headers=public).json()["packets"] == 0
    from datetime import UTC, datetime

    with session_scope(engine) as s:
        write_rejects(s, [{"received_at": datetime.now(UTC), "mn": "A1", "peer": "p",
                           "reason": "auth", "message": "wrong PW for MN=A1", "frame": None}])  # fmt: skip
    rejects = client.get("/api/v1/hj212/rejects?mn=A1", headers=public).json()
    assert rejects[0]["reason"] == "auth"
    assert client.delete("/api/v1/hj212/devices/A1", headers=admin).status_code == 204
    assert client.get("/api/v1/hj212/devices", headers=admin).json() == []
