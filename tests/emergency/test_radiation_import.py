"""Importing the sealed-source register from CSV / Excel (issue #22 follow-up, area radiation):
every bad row is named — an unknown nuclide, no reference date, an activity ≤ 0, an expired
licence, coordinates outside Zhejiang, a code already registered or given twice, a county
outside the importer's region — and nothing is half-imported; a good file (CSV with Chinese
headers, or .xlsx) is stored whole and each source is read back decayed; the API, the page and
the template download; enterprise accounts may not import."""

from __future__ import annotations

import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.emergency.radiation import service as svc
from qingshan.emergency.radiation.errors import ImportRejected
from qingshan.emergency.radiation.models import RadiationSource
from qingshan.emergency.radiation.source_import import COLUMNS, TEMPLATE_HEADERS
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.platform.app import create_app
from qingshan.tablefile import write_workbook
from qingshan.timeutil import utcnow

PASSWORD = "rad-import-password"
CITY = Scope(region_code="330100", role=Role.CITY, username="hz")
HEAD = ",".join(COLUMNS)  # the template's Chinese headers
CREDIT = "91330106MA2RAD001A"
GOOD = [  # code, nuclide, A0, reference date, county, status, disused, use, licence, expiry, credit, where, lon, lat
    "HZ-IMP-01,Co-60,3.7e12,2024-05-01,330106,在用,,辐照,浙环辐证[00001],2030-12-31," + CREDIT + ",一号辐照室,120.10,30.27",
    "HZ-IMP-02,cs137,1.11e11,2023-01-15,,贮存,,料位计,,,,,120.17,30.25",  # county from coordinates
    "HZ-IMP-03,Ir-192,3.7e12,2025-06-01,西湖区,废旧,2025-10-01,探伤,,,,,,",
]  # fmt: skip


def _csv(*rows: str) -> bytes:
    return ("\ufeff" + "\n".join([HEAD, *rows]) + "\n").encode()


def _count(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(RadiationSource)) or 0


def _seed(engine) -> None:
    with session_scope(engine) as s:
        seed_regions(s)
        e = Enterprise(credit_code=CREDIT, name="西湖辐照（测试）", industry=Industry.CHEMICAL,
                       industry_code="2614", region_code="330106", longitude=120.1, latitude=30.27)  # fmt: skip
        s.add(e)
        s.flush()
        create_user(s, "hz", PASSWORD, Role.CITY, "330100")
        create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=e.id)


def test_every_bad_row_named_and_nothing_half_imported(engine):
    _seed(engine)
    bad = _csv(
        GOOD[0],
        "HZ-BAD-01,Xx-99,1e9,2024-01-01,330106,在用,,,,,,,,",  # row 3
        "HZ-BAD-02,Co-60,1e9,,330106,在用,,,,,,,,",  # row 4: no reference date
        "HZ-BAD-03,Co-60,0,2024-01-01,330106,在用,,,,,,,,",  # row 5: activity 0
        "HZ-BAD-04,Co-60,1e9,2024-01-01,330106,在用,,,证[2],2020-01-01,,,,",  # row 6: expired
        "HZ-BAD-05,Co-60,1e9,2024-01-01,,在用,,,,,,,121.47,31.23",  # row 7: Shanghai
        "HZ-BAD-06,Co-60,1e9,2024-01-01,330211,在用,,,,,,,,",  # row 8: Ningbo, not Hangzhou's
        GOOD[0],  # row 9: the same code as row 2
    )
    with session_scope(engine) as s, pytest.raises(ImportRejected) as err:
        svc.import_sources(s, CITY, bad, actor="hz", now=utcnow(), max_bytes=1_000_000)
    text = "\n".join(err.value.problems)
    assert [p.split(",")[0] for p in err.value.problems] == [f"row {n}" for n in range(3, 10)]
    for words in ("unknown nuclide 'Xx-99'", "reference_date is required", "activity 0 Bq is not > 0",
                  "licence expired on 2020-01-01", "(121.47, 31.23) lies outside Zhejiang",
                  "county 330211 is outside your region", "is given in row 2 too"):  # fmt: skip
        assert words in text, (words, text)
    assert "source import refused, nothing stored: 7 bad row(s)" in str(err.value)
    assert _count(engine) == 0  # the good row was not stored either
    with session_scope(engine) as s:
        rows = svc.import_sources(s, CITY, _csv(*GOOD), actor="hz", now=utcnow(),
                                  max_bytes=1_000_000)  # fmt: skip
        got = {r.code: (r.nuclide, r.region_code, r.status, r.enterprise_id is not None)
               for r in rows}  # fmt: skip
    assert got == {"HZ-IMP-01": ("Co-60", "330106", "in_use", True),
                   "HZ-IMP-02": ("Cs-137", "330102", "in_storage", False),
                   "HZ-IMP-03": ("Ir-192", "330106", "disused", False)}  # fmt: skip
    with session_scope(engine) as s, pytest.raises(ImportRejected, match="already registered"):
        svc.import_sources(s, CITY, _csv(GOOD[0]), actor="hz", now=utcnow(), max_bytes=1_000_000)
    with session_scope(engine) as s:
        view = svc.get_source(s, CITY, "HZ-IMP-01", on=date(2029, 5, 1))
        # five years after its reference date, decayed by the table's own half-life
        assert 0.3 < view.activity_bq / 3.7e12 < 0.6
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        svc.import_sources(s, Scope(region_code="330106", role=Role.ENTERPRISE, username="ent"),
                           _csv(GOOD[1]), actor="ent", now=utcnow(), max_bytes=1_000_000)  # fmt: skip
    assert _count(engine) == 3


def test_api_page_and_template(engine, app_settings):
    _seed(engine)
    xlsx = write_workbook({"台账": (list(COLUMNS), [r.split(",") for r in GOOD[:2]])})
    with TestClient(create_app(app_settings)) as c:

        def login(name: str) -> None:
            c.cookies.clear()
            r = c.post("/api/v1/auth/login", data={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text

        login("ent")
        r = c.post("/api/v1/emergency/radiation/sources/import",
                   files={"file": ("t.csv", _csv(GOOD[0]), "text/csv")})  # fmt: skip
        assert r.status_code == 403
        login("hz")
        t = c.get("/api/v1/emergency/radiation/sources/import/template?format=xlsx")
        assert t.status_code == 200
        ws = load_workbook(io.BytesIO(t.content)).active
        assert [cell.value for cell in ws[1]] == TEMPLATE_HEADERS
        page_t = c.get("/emergency/radiation/sources/template.csv")
        assert page_t.status_code == 200 and "编号,核素" in page_t.content.decode("utf-8-sig")
        r = c.post("/api/v1/emergency/radiation/sources/import",
                   files={"file": ("bad.csv", _csv("X-1,Co-60,-5,2024-01-01,330106,,,,,,,,,"), "text/csv")})  # fmt: skip
        assert r.status_code == 422
        assert r.json()["context"]["problems"] == [
            "row 2, column C (出厂活度): activity -5 Bq is not > 0"
        ]
        r = c.post("/api/v1/emergency/radiation/sources/import",
                   files={"file": ("reg.xlsx", xlsx, "application/octet-stream")})  # fmt: skip
        assert r.status_code == 201, r.text
        assert (r.json()["created"], r.json()["codes"]) == (2, ["HZ-IMP-01", "HZ-IMP-02"])
        # the page: a bad file lists its rows, a good one says how many
        r = c.post("/emergency/radiation/sources/import",
                   files={"file": ("p.csv", _csv(GOOD[2].replace("Ir-192", "U-235")), "text/csv")})  # fmt: skip
        assert r.status_code == 422 and 'id="qs-emrad-problems"' in r.text and "U-235" in r.text
        r = c.post("/emergency/radiation/sources/import",
                   files={"file": ("p.csv", _csv(GOOD[2]), "text/csv")})  # fmt: skip
        assert r.status_code == 200 and 'id="qs-emrad-imported"' in r.text
        assert 'data-code="HZ-IMP-03"' in r.text
    assert _count(engine) == 3
