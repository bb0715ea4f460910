"""Fixtures of the carbon accounts' tests: a migrated database with the regions and a few
enterprises (``carbon_world``), and the scopes that read them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.carbon.factors import Factor, fuel_ef
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions

PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
#: "now" of the accounts' tests: December 2026, so every month of 2026 up to November is past
NOW = datetime(2026, 12, 6, 4, tzinfo=UTC)


@dataclass(frozen=True)
class CarbonWorld:
    """Ids of the enterprises: ``power`` (西湖区, 4411), ``cement`` (宁波 北仑, 3011) and
    ``dyeing`` (five mills, division 17: 萧山 ×3, 柯桥 ×2)."""

    power: int
    cement: int
    dyeing: tuple[int, ...]

    def owner(self, enterprise_id: int) -> Scope:
        """An enterprise user acting for ``enterprise_id`` only."""
        return Scope("330000", Role.ENTERPRISE, enterprise_id=enterprise_id,
                     username=f"ent{enterprise_id}")  # fmt: skip


#: credit codes of the world's enterprises
POWER_CODE = "91330106MA2CARB01A"
CEMENT_CODE = "91330206MA2CARB02B"
DYEING_CODES = tuple(f"9133060{n}MA2CARB1{n}C" for n in range(5))


@pytest.fixture
def carbon_world(engine) -> CarbonWorld:
    with session_scope(engine) as s:
        seed_regions(s)
        power = Enterprise(credit_code=POWER_CODE, name="西湖热电厂", industry=Industry.THERMAL_POWER,
                           industry_code="4411", region_code="330106")  # fmt: skip
        cement = Enterprise(credit_code=CEMENT_CODE, name="北仑水泥厂", industry=Industry.CEMENT,
                            industry_code="3011", region_code="330206")  # fmt: skip
        dyeing = [
            Enterprise(credit_code=code, name=f"印染厂{n}", industry=Industry.DYEING,
                       industry_code="1713", region_code="330109" if n < 3 else "330603")
            for n, code in enumerate(DYEING_CODES)
        ]  # fmt: skip
        s.add_all([power, cement, *dyeing])
        s.flush()
        return CarbonWorld(power.id, cement.id, tuple(e.id for e in dyeing))


def corrected(factor: Factor, **params: float) -> Factor:
    """``factor`` with ``params`` changed (a fuel's ``ncv``, ``cc``, ``of``): a correction to
    pass to ``FactorLibrary.with_override``, which validates it and recomputes the value."""
    p = {**factor.params, **params}
    value = fuel_ef(p["ncv"], p["cc"], p["of"]) if factor.kind == "fuel" else factor.value
    return replace(factor, params=p, value=value)
