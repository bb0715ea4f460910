"""The demo's carbon accounts (:mod:`qingshan.sim.demo_carbon`) on a small province: twelve
months per enterprise ending at the last full month, plausible by industry, the planted
problems visible as warnings, and the factor correction's version history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.carbon.account import account
from qingshan.carbon.activity import activity_from_json
from qingshan.carbon.models import CarbonActivity, CarbonResult
from qingshan.carbon.results import carbon_codes
from qingshan.db.engine import make_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.geo.regions import seed_regions
from qingshan.sim.demo_carbon import demo_months, seed_demo_carbon

NOW = datetime(2026, 12, 6, 21, 50, tzinfo=UTC)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
#: (industry, GB/T 4754 code) × counties: six of each industry, two in 西湖区
KINDS = [(Industry.THERMAL_POWER, "4411"), (Industry.THERMAL_POWER, "4412"), (Industry.CEMENT, "3011"),
         (Industry.PAPER, "2211"), (Industry.PAPER, "2212"), (Industry.DYEING, "1713"),
         (Industry.CHEMICAL, "2611")]  # fmt: skip
COUNTIES = ["330106", "330106", "330109", "330206", "330603", "330302"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('carbon') / 'q.db'}")
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        n = 0
        for ind, code in KINDS:
            for county in COUNTIES:
                n += 1
                s.add(Enterprise(credit_code=f"91{county}MA2C{n:04d}X", name=f"企业{n}",
                                 industry=ind, industry_code=code, region_code=county))  # fmt: skip
    seeded = seed_demo_carbon(engine, now=NOW)
    assert seeded is not None and seed_demo_carbon(engine, now=NOW) is None  # once per database
    yield engine, seeded
    engine.dispose()


def test_twelve_months_ending_at_the_last_full_month(demo):
    engine, seeded = demo
    months = demo_months(NOW)
    assert (months[0], months[-1], len(months)) == (date(2025, 12, 1), date(2026, 11, 1), 12)
    assert (seeded.enterprises, seeded.months) == (42, 12)
    assert seeded.activities == 42 * 12 - 3  # three planted missing months
    assert seeded.seconds < 20
    with session_scope(engine) as s:
        per = dict(s.execute(select(CarbonActivity.enterprise_id, func.count())
                             .group_by(CarbonActivity.enterprise_id)).all())  # fmt: skip
        assert len(per) == 42 and sorted(set(per.values())) == [11, 12]
        assert s.scalar(select(func.count()).select_from(CarbonResult)
                        .where(CarbonResult.current.is_(True))) == seeded.activities  # fmt: skip


def test_activity_is_plausible_for_the_industry(demo):
    engine, _ = demo
    with session_scope(engine) as s:
        rows = s.execute(select(CarbonActivity.data, Enterprise.industry, Enterprise.industry_code)
                         .join(Enterprise, Enterprise.id == CarbonActivity.enterprise_id)).all()  # fmt: skip
    by: dict[str, list] = {}
    for data, ind, code in rows:
        by.setdefault(ind.value, []).append((activity_from_json(data), code))
    for a, code in by["thermal_power"]:
        coal = sum(f.amount for f in a.fuels if f.fuel == "raw_coal")
        assert 10_000 <= coal <= 100_000  # t a month
        assert (a.heat_exported_gj > 0) == (code == "4412")  # heat-and-power plants export steam
    for a, _ in by["cement"]:
        assert a.clinker_t is not None and 20_000 <= a.clinker_t <= 180_000
    for a, _ in by["dyeing"]:
        assert [f.fuel for f in a.fuels] == ["natural_gas"] and a.fuels[0].unit == "10^4 Nm3"
        assert a.electricity_purchased_mwh > 0 and a.heat_purchased_gj > 0
    assert all(any(f.fuel == "wood" for f in a.fuels) for a, c in by["paper"] if c == "2211")


def test_planted_problems_and_the_correction_show_on_the_accounts(demo):
    engine, seeded = demo
    assert seeded.corrected > 0
    with session_scope(engine) as s:
        kinds = {}
        for kind, ids in seeded.planted.items():
            (eid, *_) = ids
            kinds[kind] = {w.kind for w in account(s, PROVINCE, eid, 2026).warnings}
        assert all(kind in kinds[kind] for kind in ("ten_times", "missing_month", "no_value_added"))
        gas_user = seeded.planted["ten_times"][0]  # a dyeing mill: natural gas
        acc = account(s, PROVINCE, gas_user, 2026)
        jan = next(m for m in acc.months if m.month == date(2026, 1, 1))
        assert [v.version for v in jan.versions] == [2, 1]
        assert jan.versions[0].reason.startswith("factor correction: natural gas NCV 38.931")
        assert jan.versions[0].total_tco2 > jan.versions[1].total_tco2
        mar = next(m for m in acc.months if m.month == date(2026, 3, 1))
        assert [v.version for v in mar.versions] == [1]  # after the correction's months
        codes = carbon_codes(s, PROVINCE, 2026)
    assert len(codes) == 42 and {c.grade for c in codes.values()} >= {2, 3, 4}
