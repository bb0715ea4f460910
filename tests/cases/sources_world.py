"""A small world for the case-source tests (complaints, Open311, the hand-over list): regions,
an enterprise in 西湖区, officers of the province, 杭州市 and 西湖区 and a 宁波 city account,
responsible units of 西湖区; the app on it with a fresh evidence directory.

Fixtures are imported by the test modules (``from .sources_world import …``)."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases import service
from qingshan.cases.evidence import EvidenceLimits
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 CST
PASSWORD = "sources-test-pass"
#: 西湖区 转塘 (in 杭州市), 海曙区 (in 宁波市), and a point in Shanghai
XIHU = (120.10, 30.25)
HAISHU = (121.55, 29.87)
SHANGHAI = (121.47, 31.23)

ACCOUNTS = {
    "zj": (Role.PROVINCE, "330000"),
    "hz": (Role.CITY, "330100"),
    "nb": (Role.CITY, "330200"),
    "xihu": (Role.COUNTY, "330106"),
    "dept": (Role.COUNTY, "330106"),  # signs acceptances as the department
    "gov": (Role.COUNTY, "330106"),  # signs acceptances as the local government
}


@dataclass
class SourcesWorld:
    ent: int  # 杭州西湖热电有限公司, 西湖区
    dept_unit: int  # 西湖区生态环境分局
    gov_unit: int  # 西湖区人民政府


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG image (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def limits_for(tmp_path, max_bytes: int = 1024 * 1024) -> EvidenceLimits:
    return EvidenceLimits(tmp_path / "evidence", max_bytes, frozenset({"jpeg", "png", "pdf"}))


@pytest.fixture
def sources_world(engine) -> SourcesWorld:
    with session_scope(engine) as s:
        seed_regions(s)
        ent = Enterprise(credit_code="91330106MA2XIHU01A", name="杭州西湖热电有限公司",
                         industry=Industry.THERMAL_POWER, region_code="330106",
                         longitude=120.10, latitude=30.25)  # fmt: skip
        s.add(ent)
        s.flush()
        users = {u: create_user(s, u, PASSWORD, r, c) for u, (r, c) in ACCOUNTS.items()}
        service.grant_signer(s, users["dept"], "department", "330106", by="test")
        service.grant_signer(s, users["gov"], "government", "330106", by="test")
        dept = service.add_unit(s, "西湖区生态环境分局", "department", "330106", ["*"])
        gov = service.add_unit(s, "西湖区人民政府", "government", "330106")
        return SourcesWorld(ent.id, dept.id, gov.id)


@pytest.fixture
def sources_client(sources_world, app_settings):
    from qingshan.platform.app import create_app

    with TestClient(create_app(app_settings)) as c:
        yield c


def login(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def user(session, username: str):
    from sqlalchemy import select

    from qingshan.accounts.models import User

    return session.scalars(select(User).where(User.username == username)).one()


def xlsx_bytes(rows: list[list[object]], *, title: str | None = None) -> bytes:
    """A workbook whose first sheet holds ``rows`` (after an optional merged title row)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title is not None:
        ws.append([title])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
