"""A small world for the enforcement tests: 杭州's counties 西湖 330106 (8 enterprises), 滨江
330108 (4) and 余杭 330110 (4), 宁波 海曙 330203 (2); a roster of two inspectors per county and
two at the city; the item list; accounts of every level; the app on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.enforcement import service
from qingshan.enforcement.schemas import InspectorCreate, ItemCreate
from qingshan.geo.regions import seed_regions

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 CST, 2026Q4
PASSWORD = "enforce-test-pass"

ACCOUNTS = {
    "zj": (Role.PROVINCE, "330000"),
    "hz": (Role.CITY, "330100"),
    "nb": (Role.CITY, "330200"),
    "xihu": (Role.COUNTY, "330106"),
}
COUNTIES = {"330106": 8, "330108": 4, "330110": 4, "330203": 2}
ROSTER = [("330106", 2), ("330108", 2), ("330110", 2), ("330100", 2), ("330200", 2)]

KEY_ITEM = ItemCreate(
    code="HZ-KEY-Q", name="重点排污单位日常监管", legal_basis="《中华人民共和国环境保护法》第二十四条",
    target_group="key", ratio=0.25, frequency="quarter", qualification="执法证",
    same_county=True, inspectors_per_task=2, window_days=365, region_code="330000",
)  # fmt: skip


@dataclass
class World:
    enterprises: dict[str, list[int]]  # county → ids
    inspectors: dict[str, list[int]]  # region → ids
    owner_enterprise: int


def officer(username: str) -> Scope:
    role, region = ACCOUNTS[username]
    return Scope(region_code=region, role=role, username=username)


@pytest.fixture(autouse=True)
def _one_hash_per_password(monkeypatch):
    from qingshan.accounts import service as accounts_service

    real = accounts_service.hash_password
    monkeypatch.setattr(accounts_service, "hash_password",
                        lambda pw: _HASHES.get(pw) or _HASHES.setdefault(pw, real(pw)))  # fmt: skip


_HASHES: dict[str, str] = {}


def build_world(s) -> World:
    seed_regions(s)
    ents: dict[str, list[int]] = {}
    n = 0
    for county, count in COUNTIES.items():
        ents[county] = []
        for k in range(count):
            n += 1
            e = Enterprise(credit_code=f"91{county}MA{n:08d}", name=f"测试企业{n:02d}",
                           industry=Industry.CHEMICAL, region_code=county,
                           key_unit=k % 4 != 3)  # fmt: skip
            s.add(e)
            s.flush()
            ents[county].append(e.id)
    for u, (r, c) in ACCOUNTS.items():
        create_user(s, u, PASSWORD, r, c)
    owner = ents["330106"][0]
    create_user(s, "ent", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=owner)
    zj = officer("zj")
    inspectors: dict[str, list[int]] = {}
    for region, count in ROSTER:
        inspectors[region] = []
        for k in range(count):
            row = service.add_inspector(s, zj, InspectorCreate(
                name=f"检查员{region[-3:]}{k}", badge_no=f"ZJ{region}{k:02d}", region_code=region,
                unit="生态环境执法队", qualifications=["执法证"]), now=NOW)  # fmt: skip
            inspectors[region].append(row.id)
    service.add_item(s, zj, KEY_ITEM, actor="zj", now=NOW)
    return World(ents, inspectors, owner)


@pytest.fixture
def world(engine) -> World:
    with session_scope(engine) as s:
        return build_world(s)


@pytest.fixture
def client(world, app_settings):
    from qingshan.platform.app import create_app

    with TestClient(create_app(app_settings)) as c:
        yield c


def auth(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
