"""A small world for the manifest tests: a producer (西湖区), two transporters (余杭, 北仑), a
licensed facility (北仑, codes ``HW08`` and ``900-041-49``), an unlicensed one (镇海), an
outsider, and the scopes and users that act for them. Build it with :func:`build_world` inside
a session (``engine`` is the house's parametrised SQLite / PostgreSQL fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import create_user
from qingshan.archive.models import Enterprise, Industry
from qingshan.geo.regions import seed_regions
from qingshan.waste.facility_service import FacilitySpec, register_facility
from qingshan.waste.manifest_service import ManifestDraft

PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
WENZHOU = Scope("330300", Role.CITY, username="wenzhou")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
#: the transfer date of the worked manifests (the 2025 list is in force; 900-249-08 is listed)
ON = date(2026, 5, 12)
AT = datetime(2026, 5, 12, 1, 30, tzinfo=UTC)
PASSWORD = "qingshan-test-pass"


@dataclass(frozen=True)
class World:
    producer: int
    carrier1: int
    carrier2: int
    facility: int
    unlicensed: int
    outsider: int

    def owner(self, enterprise_id: int, name: str | None = None) -> Scope:
        return Scope("330000", Role.ENTERPRISE, enterprise_id=enterprise_id,
                     username=name or f"ent{enterprise_id}")  # fmt: skip

    def draft(self, **changes) -> ManifestDraft:
        base = dict(producer_id=self.producer, receiver_id=self.facility,
                    transporter_ids=(self.carrier1, self.carrier2), waste_code="900-249-08",
                    quantity_t=12.0, transfer_on=ON)  # fmt: skip
        base.update(changes)
        return ManifestDraft(**base)


def _ent(n: int, name: str, region: str, industry: Industry = Industry.CHEMICAL,
         code: str = "2614") -> Enterprise:  # fmt: skip
    return Enterprise(credit_code=f"91330000MA2WAST{n:02d}X", name=name, industry=industry,
                      industry_code=code, region_code=region)  # fmt: skip


def build_world(s: Session) -> World:
    seed_regions(s)
    ents = [
        _ent(1, "西湖精细化工", "330106"),
        _ent(2, "余杭危运物流", "330110", code="5435"),  # GB/T 4754 5435 危险货物道路运输
        _ent(3, "北仑危运车队", "330206", code="5435"),
        _ent(4, "北仑危废处置中心", "330206", code="7724"),
        _ent(5, "镇海焚烧厂", "330211"),
        _ent(6, "温州某化工", "330302"),
    ]
    s.add_all(ents)
    s.flush()
    w = World(*(e.id for e in ents))
    register_facility(s, PROVINCE, FacilitySpec(
        enterprise_id=w.facility, licence_no="浙危废经第3302000001号",
        licence_valid_from=date(2024, 1, 1), licence_valid_to=date(2028, 12, 31),
        capacity_t_per_year=600.0, codes=("HW08", "900-041-49"), methods=("D10", "R9"),
    ))  # fmt: skip
    register_facility(s, PROVINCE, FacilitySpec(
        enterprise_id=w.unlicensed, licence_no="浙危废经第3302000002号",
        licence_valid_from=date(2024, 1, 1), licence_valid_to=date(2028, 12, 31),
        capacity_t_per_year=300.0, codes=("HW18",),
    ))  # fmt: skip
    return w


def users(s: Session, w: World) -> dict[str, User]:
    """Real accounts: one per party, linked to its enterprise (Argon2-hashed passwords)."""
    return {
        name: create_user(s, name, PASSWORD, Role.ENTERPRISE, region, enterprise_id=eid)
        for name, region, eid in (
            ("producer1", "330106", w.producer),
            ("carrier1", "330110", w.carrier1),
            ("carrier2", "330206", w.carrier2),
            ("facility1", "330206", w.facility),
            ("outsider1", "330302", w.outsider),
        )
    }
