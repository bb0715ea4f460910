"""The archive's import and export from the API (province and city accounts, region-scoped)
and the command line (``qingshan archive import|export|template``)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Permit
from qingshan.cli import app as cli_app
from qingshan.db.engine import dispose_engines, session_scope
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app

from .import_world import POWER, SHEET_ROWS, changed, csv_files, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def client(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "zj", "province-pass", Role.PROVINCE, "330000")
        create_user(s, "hz", "hangzhou-pass", Role.CITY, "330100")
        create_user(s, "xh", "xihu-pass", Role.COUNTY, "330106")
    with TestClient(create_app(app_settings)) as c:
        yield c


def _h(client, user, pw):
    r = client.post("/api/v1/auth/login", data={"username": user, "password": pw})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _upload(client, headers, files, **params):
    return client.post(
        "/api/v1/archive/import",
        params=params,
        headers=headers,
        files=[
            ("file", (name, data, XLSX if name.endswith("xlsx") else "text/csv"))
            for name, data in files
        ],
    )


def _count(engine, table) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(table))


def test_import_dry_run_then_import_and_export_round_trip(client, engine):
    zj = _h(client, "zj", "province-pass")
    r = _upload(client, zj, [("archive.xlsx", xlsx())], dry_run="true")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["dry_run"] is True and body["rows"] == 21
    assert body["counts"]["企业"] == {"new": 3}
    assert _count(engine, Enterprise) == 0  # a dry run stores nothing
    r = _upload(client, zj, csv_files("gbk"))
    assert r.status_code == 200 and r.json()["counts"]["排污许可证"] == {"new": 3, "version": 1}
    assert (_count(engine, Enterprise), _count(engine, Permit)) == (3, 4)
    export = client.get("/api/v1/archive/export", headers=zj)
    assert export.status_code == 200 and export.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in export.headers["content-disposition"]
    r = _upload(client, zj, [("export.xlsx", export.content)])
    assert r.json()["changes"] == [] and r.json()["counts"]["许可限值"] == {"unchanged": 10}
    gbk = client.get(
        "/api/v1/archive/export", params={"format": "csv-gbk", "region": "330100"}, headers=zj
    )
    with zipfile.ZipFile(io.BytesIO(gbk.content)) as z:
        text = z.read("企业.csv").decode("gb18030")
    assert POWER in text and "嘉兴禾丰纸业" not in text  # 杭州 only


def test_bad_rows_answer_422_with_every_problem(client, engine):
    zj = _h(client, "zj", "province-pass")
    bad = changed("许可限值", 2, "单位", "mg/L")  # SO2 is in mg/m³
    r = _upload(client, zj, [("bad.xlsx", xlsx(bad))])
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "ArchiveImportRejected" and body["context"] == {"problems": 1}
    (p,) = body["problems"]
    assert (p["sheet"], p["row"], p["column"], p["header"]) == ("许可限值", 2, "F", "单位")
    assert "HJ 212-2017 Appendix B gives 'mg/m³'" in p["message"]
    assert _count(engine, Enterprise) == 0


def test_a_city_may_not_import_another_citys_enterprises(client, engine):
    hz = _h(client, "hz", "hangzhou-pass")
    r = _upload(client, hz, [("archive.xlsx", xlsx())])
    assert r.status_code == 422
    assert [(p["sheet"], p["row"], p["header"]) for p in r.json()["problems"]] == [
        ("企业", 4, "所在区县")
    ]
    only_hz = {k: v for k, v in SHEET_ROWS.items()}
    only_hz = {k: [r for r in v if "91330402MA29XQ5R2N" not in [str(c) for c in r] and not str(r[0]).startswith("91330402")] for k, v in only_hz.items()}  # fmt: skip
    r = _upload(client, hz, [("hz.xlsx", xlsx(only_hz))])
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["企业"] == {"new": 2}
    # a county reads the export of its own region, but does not import; a region outside is refused
    xh = _h(client, "xh", "xihu-pass")
    assert _upload(client, xh, [("hz.xlsx", xlsx(only_hz))]).status_code == 403
    wb = load_workbook(io.BytesIO(client.get("/api/v1/archive/export", headers=xh).content))
    assert [r[0] for r in wb["企业"].iter_rows(min_row=2, values_only=True)] == [POWER]
    r = client.get("/api/v1/archive/export", params={"region": "330400"}, headers=hz)
    assert r.status_code == 422 and "outside your region 330100" in r.json()["detail"]


def test_a_file_over_the_size_cap_is_refused(engine, app_settings):
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "zj", "province-pass", Role.PROVINCE, "330000")
    small = app_settings.model_copy(update={"max_file_bytes": 4000})
    with TestClient(create_app(small)) as client:
        r = _upload(client, _h(client, "zj", "province-pass"), [("archive.xlsx", xlsx())])
    assert r.status_code == 422
    assert (
        "larger than the limit of 4000 bytes (setting QINGSHAN_MAX_FILE_BYTES)"
        in r.json()["problems"][0]["message"]
    )


def test_a_file_larger_than_a_request_body_is_read_up_to_the_file_cap(engine, app_settings):
    """The import takes files up to ``max_file_bytes``, not the API's general body limit."""
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "zj", "province-pass", Role.PROVINCE, "330000")
    settings = app_settings.model_copy(
        update={"max_request_bytes": 64 * 1024, "max_file_bytes": 4 * 1024 * 1024}
    )
    padded = xlsx() + b"\0" * (200 * 1024)  # past the body limit, under the file cap
    with TestClient(create_app(settings)) as client:
        r = _upload(client, _h(client, "zj", "province-pass"), [("archive.xlsx", padded)])
    assert r.status_code != 413, r.text  # read and judged as a file, not cut off as a body
    assert r.status_code in (200, 422), r.text


def test_the_command_line(engine, app_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", app_settings.db_url)
    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path))
    with session_scope(engine) as s:
        seed_regions(s)
        create_user(s, "hz", "hangzhou-pass", Role.CITY, "330100")
    runner = CliRunner()
    book = tmp_path / "archive.xlsx"
    book.write_bytes(xlsx(changed("企业", 2, "统一社会信用代码", "91330106MA2H7K3B8A")))
    r = runner.invoke(cli_app, ["archive", "import", str(book), "--json"])
    assert r.exit_code == 1
    problems = json.loads(r.output)["problems"]
    assert problems[0]["header"] == "统一社会信用代码" and "expected '0'" in problems[0]["message"]
    book.write_bytes(xlsx())
    r = runner.invoke(cli_app, ["archive", "import", str(book), "--dry-run", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["counts"]["企业"] == {"new": 3}
    r = runner.invoke(cli_app, ["archive", "import", str(book)])
    assert r.exit_code == 0 and "21 rows (imported)" in r.output
    out = tmp_path / "out.xlsx"
    r = runner.invoke(cli_app, ["archive", "export", str(out), "--region", "330100"])
    assert r.exit_code == 0 and "企业 2, 排口 3, 排污许可证 3, 许可限值 9" in r.output
    csv_dir = tmp_path / "csv"
    assert (
        runner.invoke(
            cli_app, ["archive", "export", str(csv_dir), "--encoding", "gbk", "--as", "hz"]
        ).exit_code
        == 0
    )
    r = runner.invoke(
        cli_app, ["archive", "import", *sorted(str(p) for p in csv_dir.iterdir()), "--as", "hz"]
    )
    assert r.exit_code == 0 and "nothing" not in r.output and "2 unchanged" in r.output
    dispose_engines()
