"""The ledger tests' world (imported by the ledger test modules; not a conftest, which the
manifests' tests may own): regions, five enterprises, a licensed facility, a collection point,
a year (2025) of declarations and the transfers frame the manifests' contract describes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.waste.models import WasteFacility

PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
CODES = {"p1": "91330106MA2WAST01A", "p2": "91330106MA2WAST02B", "p3": "91330206MA2WAST03C",
         "fac": "91330109MA2WAST04D", "op": "91330106MA2WAST05E"}  # fmt: skip
OIL = "900-249-08"


@dataclass(frozen=True)
class World:
    """``p1`` (西湖区, 120 t/yr, ships it all), ``p2`` (西湖区, small: 6 t/yr handled on site),
    ``p3`` (北仑区, 20 t/month Jan–Mar 2025 and nothing out: the dumping pattern), ``fac`` (萧山区,
    licensed 2025-03-01 for 50,000 t/yr), ``op`` (西湖区, runs the collection point)."""

    p1: int
    p2: int
    p3: int
    fac: int
    op: int

    def owner(self, enterprise_id: int) -> Scope:
        return Scope("330000", Role.ENTERPRISE, enterprise_id=enterprise_id,
                     username=f"ent{enterprise_id}")  # fmt: skip


@pytest.fixture(name="world")
def world_fixture(engine) -> World:
    with session_scope(engine) as s:
        seed_regions(s)
        made = {}
        for key, region, name in (("p1", "330106", "西湖化工"), ("p2", "330106", "西湖小微汽修"),
                                  ("p3", "330206", "北仑涂装"), ("fac", "330109", "萧山处置中心"),
                                  ("op", "330106", "西湖收运公司")):  # fmt: skip
            e = Enterprise(credit_code=CODES[key], name=name, industry=Industry.CHEMICAL,
                           industry_code="2614", region_code=region)  # fmt: skip
            s.add(e)
            made[key] = e
        s.flush()
        s.add(WasteFacility(enterprise_id=made["fac"].id, licence_no="3301000001",
                            licence_valid_from=date(2025, 3, 1), licence_valid_to=date(2030, 2, 28),
                            capacity_t_per_year=50000.0, methods=["D10"], region_code="330109"))  # fmt: skip
        s.flush()
        return World(**{k: e.id for k, e in made.items()})


def transfers_of(world: World):
    """A ``transfers_frame`` as the manifests' contract shapes it: p1 ships 10 t a month in
    2025 to the facility, which receives 9.8 t (month as a number 1–12)."""

    def frame(session, scope, year: int) -> pd.DataFrame:
        if year != 2025:
            return pd.DataFrame(columns=["producer_id", "receiver_id", "waste_code", "category",
                                         "shipped_t", "received_t", "month", "origin_city",
                                         "dest_city", "cross_province"])  # fmt: skip
        return pd.DataFrame({
            "producer_id": world.p1, "receiver_id": world.fac, "waste_code": OIL,
            "category": "HW08", "shipped_t": 10.0, "received_t": 9.8, "month": range(1, 13),
            "origin_city": "330100", "dest_city": "330100", "cross_province": False,
        })  # fmt: skip

    return frame


NOW = datetime(2026, 12, 6, 4, tzinfo=UTC)
