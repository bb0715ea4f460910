"""Shared set-up of the emission-rights tests: regions, three enterprises with permits and caps
(two in 西湖区 330106, one in 宁波 海曙区 330203), and the scopes that act on them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry, Permit, PermitCap
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import Parameter

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
HANGZHOU = Scope("330100", Role.CITY, username="hangzhou")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")

#: name → (county, {HJ 212 code: cap t/a})
ENTERPRISES = {
    "西湖印染": ("330106", {"w01018": 100.0, "w21003": 10.0}),  # COD 100 t/a, NH3-N 10 t/a
    "西湖热电": ("330106", {"a21026": 200.0, "a21002": 300.0, "w01018": 60.0}),
    "宁波化工": ("330203", {"w01018": 80.0}),
}


def seed(engine) -> dict[str, int]:
    """The enterprises with one current permit each (2025-01-01 … 2029-12-31) and its caps."""
    ids: dict[str, int] = {}
    with session_scope(engine) as s:
        seed_regions(s)
        for code, name in (
            ("w01018", "COD"),
            ("w21003", "NH3-N"),
            ("a21026", "SO2"),
            ("a21002", "NOx"),
        ):
            s.add(Parameter(code=code, name=name, name_en=name, unit="mg/L"))
        s.flush()
        for n, (name, (county, caps)) in enumerate(ENTERPRISES.items(), 1):
            e = Enterprise(credit_code=f"91{county}MA2RGT{n:02d}X", name=name,
                           industry=Industry.CHEMICAL, industry_code="2614", region_code=county)  # fmt: skip
            s.add(e)
            s.flush()
            p = Permit(enterprise_id=e.id, number=f"9133{n:04d}RIGHTS001P", version=1,
                       valid_from=date(2025, 1, 1), valid_to=date(2029, 12, 31), reason="首次申领")  # fmt: skip
            s.add(p)
            s.flush()
            for code, t in caps.items():
                s.add(PermitCap(permit_id=p.id, parameter_code=code, tonnes_per_year=t))
            ids[name] = e.id
    return ids
