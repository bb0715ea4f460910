"""A small world for the case tests: regions, two enterprises, accounts of every level with
signer entitlements, responsible units; the app on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from qingshan.accounts.models import Role
from qingshan.accounts.service import create_user, link_enterprise
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases import service
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 CST
PASSWORD = "case-test-pass"

#: username → (role, region): 西湖 330106 and 滨江 330108 in 杭州, 海曙 330203 in 宁波
ACCOUNTS = {
    "zj": (Role.PROVINCE, "330000"),
    "hz": (Role.CITY, "330100"),
    "nb": (Role.CITY, "330200"),
    "xihu": (Role.COUNTY, "330106"),
    "binjiang": (Role.COUNTY, "330108"),
    "dept": (Role.COUNTY, "330106"),  # 西湖区生态环境分局: signs as department
    "gov": (Role.COUNTY, "330106"),  # 西湖区人民政府: signs as government
    "citizen": (Role.PUBLIC, "330000"),
}


@dataclass
class World:
    ent: int  # 西湖 thermal power plant
    ent2: int  # 滨江 paper mill
    dept_unit: int
    gov_unit: int


def make_draft(world: World, **kw) -> service.CaseDraft:
    base = dict(
        source="inspection", category="air_pollution", severity="general",
        title="锅炉烟气无组织排放", region_code="330106", occurred_at=NOW,
        enterprise_id=world.ent, longitude=120.10, latitude=30.25, place="西湖区转塘街道",
    )  # fmt: skip
    return service.CaseDraft(**(base | kw))


@pytest.fixture(autouse=True)
def _one_hash_per_password(monkeypatch):
    """Argon2 costs ~50 ms a hash by design: the world's accounts share one password, hashed
    once per test process."""
    from qingshan.accounts import service as accounts_service

    real = accounts_service.hash_password
    monkeypatch.setattr(
        accounts_service,
        "hash_password",
        lambda pw: _HASHES.get(pw) or _HASHES.setdefault(pw, real(pw)),
    )


_HASHES: dict[str, str] = {}


@pytest.fixture
def world(engine) -> World:
    with session_scope(engine) as s:
        seed_regions(s)
        ent = Enterprise(credit_code="91330106MA2XIHU01A", name="杭州西湖热电有限公司",
                         industry=Industry.THERMAL_POWER, region_code="330106",
                         longitude=120.10, latitude=30.25)  # fmt: skip
        ent2 = Enterprise(credit_code="91330108MA2BINJ02B", name="杭州滨江纸业有限公司",
                          industry=Industry.PAPER, region_code="330108")  # fmt: skip
        s.add_all([ent, ent2])
        s.flush()
        users = {u: create_user(s, u, PASSWORD, r, c) for u, (r, c) in ACCOUNTS.items()}
        owner = create_user(s, "owner", PASSWORD, Role.ENTERPRISE, "330106", enterprise_id=ent.id)
        group = create_user(s, "group", PASSWORD, Role.ENTERPRISE, "330100", enterprise_id=ent2.id)
        link_enterprise(s, group, ent.id)  # a group acting for both plants
        assert owner.enterprise_ids == {ent.id}
        service.grant_signer(s, users["dept"], "department", "330106", by="test")
        service.grant_signer(s, users["gov"], "government", "330106", by="test")
        service.grant_signer(s, users["hz"], "government", "330100", by="test")
        dept = service.add_unit(s, "西湖区生态环境分局", "department", "330106", ["*"])
        gov = service.add_unit(s, "西湖区人民政府", "government", "330106")
        return World(ent.id, ent2.id, dept.id, gov.id)


@pytest.fixture
def client(world, app_settings):
    with TestClient(create_app_for(app_settings)) as c:
        yield c


def create_app_for(settings):
    from qingshan.platform.app import create_app

    return create_app(settings)


def auth(client, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def user(session, username: str):
    from sqlalchemy import select

    from qingshan.accounts.models import User

    return session.scalars(select(User).where(User.username == username)).one()
