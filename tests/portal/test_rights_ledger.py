"""The emission-rights ledger, hand-worked (SQLite and PostgreSQL): allocations, a priced trade,
a lease that returns the day after its term, 收储 and 储备出让, retirement on closure and a
reversal; every refusal names what is wrong and stores nothing; the cap holds until a city
officer approves a county's change; an enterprise reads only its own accounts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.rights_fixtures import HANGZHOU, NINGBO, NOW, PROVINCE, XIHU, seed
from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.errors import PermissionDenied
from qingshan.portal.rights import service
from qingshan.portal.rights.errors import RightsError, RightsNotFound
from qingshan.portal.rights.models import RightsAccount, RightsCapChange, RightsMovement
from qingshan.portal.rights.service import Party

ISSUANCE = Party("issuance")


def ent(i: int) -> Party:
    return Party("enterprise", enterprise_id=i)


def _count(s) -> tuple[int, int, int]:
    return (s.scalar(select(func.count()).select_from(RightsAccount)),
            s.scalar(select(func.count()).select_from(RightsMovement)),
            s.scalar(select(func.count()).select_from(RightsCapChange)))  # fmt: skip


def _by(rows, eid, pol):
    (row,) = [b for b in rows if b.enterprise_id == eid and b.pollutant == pol]
    return row


def test_a_year_of_movements_reconciles_by_hand(engine):
    ids = seed(engine)
    dye, power = ids["西湖印染"], ids["西湖热电"]
    mv = service.record_movement
    with session_scope(engine) as s:
        # 2026-01-10: COD 60 t/a to the dye works, 30 t/a to the power plant (初始分配, 有偿使用 at 4000 yuan/t)
        mv(
            s,
            XIHU,
            kind="allocation",
            pollutant="COD",
            to=ent(dye),
            from_=ISSUANCE,
            amount_t=60,
            on=date(2026, 1, 10),
            document_no="西环排〔2026〕1号",
            now=NOW,
            value_yuan=240000,
        )
        mv(
            s,
            XIHU,
            kind="allocation",
            pollutant="COD",
            to=ent(power),
            from_=ISSUANCE,
            amount_t=30,
            on=date(2026, 1, 10),
            document_no="西环排〔2026〕2号",
            now=NOW,
        )
        # 2026-03-01: the dye works sells 12.5 t/a to the power plant for 75000 yuan
        mv(
            s,
            XIHU,
            kind="trade",
            pollutant="COD",
            to=ent(power),
            from_=ent(dye),
            amount_t=12.5,
            on=date(2026, 3, 1),
            document_no="交易〔2026〕7号",
            now=NOW,
            value_yuan=75000,
        )
        # 2026-04-01 … 2026-09-30: it leases 5 t/a to the power plant; returned 2026-10-01
        mv(
            s,
            XIHU,
            kind="lease",
            pollutant="COD",
            to=ent(power),
            from_=ent(dye),
            amount_t=5,
            on=date(2026, 4, 1),
            lease_end=date(2026, 9, 30),
            document_no="租〔2026〕1号",
            now=NOW,
            value_yuan=6000,
        )
        # 2026-05-01: the county's reserve buys 10 t/a from the dye works (收储) …
        mv(
            s,
            XIHU,
            kind="reserve_purchase",
            pollutant="COD",
            to=Party("reserve", region_code="330106"),
            from_=ent(dye),
            amount_t=10,
            on=date(2026, 5, 1),
            document_no="收储〔2026〕1号",
            now=NOW,
            value_yuan=50000,
        )
        # … and releases 4 t/a to the power plant's new line (储备出让, a major project)
        mv(
            s,
            XIHU,
            kind="reserve_release",
            pollutant="COD",
            to=ent(power),
            from_=Party("reserve", region_code="330106"),
            amount_t=4,
            on=date(2026, 6, 1),
            document_no="出让〔2026〕1号",
            now=NOW,
            project="热电扩建",
        )
    with session_scope(engine) as s:
        rows = service.balances(s, XIHU, year=2026)
        d, p = _by(rows, dye, "COD"), _by(rows, power, "COD")
        assert (
            d.opening,
            d.allocated,
            d.sold,
            d.leased_out,
            d.lease_back,
            d.to_reserve,
            d.closing,
        ) == (0, 60, 12.5, 5, 5, 10, 37.5)
        assert (
            p.allocated,
            p.bought,
            p.leased_in,
            p.lease_returned,
            p.from_reserve,
            p.closing,
        ) == (30, 12.5, 5, 5, 4, 46.5)
        assert (
            d.cap == 100
            and p.cap == 60
            and d.sold_value_yuan == 75000
            and p.bought_value_yuan == 75000
        )
        # the reserve keeps 6 t/a; Σ of every balance is 0 (issuance −90)
        assert service.ledger_totals(s)["balances"] == 0
        # in 2025 nothing was held yet; in 2027 the opening is 2026's closing
        assert service.balances(s, XIHU, year=2027)[0].opening in (37.5, 46.5)
        assert _by(service.balances(s, XIHU, year=2027), dye, "COD").opening == 37.5
        # the county's year: 90 allocated, 12.5 traded for 75000 yuan, 5 leased, 收储 10, 出让 4
        (r,) = [r for r in service.region_report(s, HANGZHOU, year=2026) if r.pollutant == "COD"]
        assert (r.region_code, r.allocated, r.traded, r.traded_value_yuan, r.leased) == (
            "330106",
            90,
            12.5,
            75000,
            5,
        )
        assert (
            r.reserve_purchased,
            r.reserve_released,
            r.held_by_enterprises,
            r.reserve_position,
        ) == (10, 4, 84, 6)
        (res,) = service.reserve_position(s, XIHU, on=date(2026, 12, 31))
        assert (res.balance, res.purchased, res.released, res.paid_yuan) == (6, 10, 4, 50000)
        assert service.reserve_position(s, XIHU, on=date(2026, 5, 15))[0].balance == 10
        lines = service.statement(s, XIHU, dye, year=2026)
        assert [(ln.kind, ln.amount, ln.balance) for ln in lines] == [
            ("allocation", 60, 60),
            ("trade", -12.5, 47.5),
            ("lease", -5, 42.5),
            ("reserve_purchase", -10, 32.5),
            ("lease_return", 5, 37.5),
        ]
        assert lines[1].counterpart == "西湖热电" and lines[3].counterpart.endswith("储备")
        with pytest.raises(RightsNotFound):
            service.statement(s, NINGBO, dye, year=2026)


def test_refusals_name_what_is_wrong_and_store_nothing(engine):
    ids = seed(engine)
    dye, power, nb = ids["西湖印染"], ids["西湖热电"], ids["宁波化工"]
    mv = service.record_movement
    with session_scope(engine) as s:
        mv(
            s,
            XIHU,
            kind="allocation",
            pollutant="COD",
            to=ent(dye),
            from_=ISSUANCE,
            amount_t=20,
            on=date(2026, 1, 10),
            document_no="1号",
            now=NOW,
        )
        # a 3-month lease out of the dye works' 20 t/a (returned 2026-07-01)
        mv(
            s,
            XIHU,
            kind="lease",
            pollutant="COD",
            to=ent(power),
            from_=ent(dye),
            amount_t=15,
            on=date(2026, 4, 1),
            lease_end=date(2026, 6, 30),
            document_no="租1号",
            now=NOW,
        )
    with session_scope(engine) as s:
        before = _count(s)
    cases = [
        (dict(kind="trade", pollutant="COD", to=ent(power), from_=ent(dye), amount_t=5.001,
              on=date(2026, 5, 1)), f"insufficient balance: account enterprise:{dye}:COD holds 5 t/a"),
        # the lessee cannot sell what it must return on 2026-07-01
        (dict(kind="trade", pollutant="COD", to=ent(dye), from_=ent(power), amount_t=1,
              on=date(2026, 5, 1)), f"insufficient balance: account enterprise:{power}:COD"),
        (dict(kind="allocation", pollutant="COD", to=ent(dye), from_=ISSUANCE, amount_t=80.5,
              on=date(2026, 2, 1)), f"cap exceeded: account enterprise:{dye}:COD would hold 100.5 t/a, over the cap of 100 t/a"),
        (dict(kind="allocation", pollutant="SO2", to=ent(dye), from_=ISSUANCE, amount_t=1,
              on=date(2026, 2, 1)), "over no permit cap for it and no approved change"),
        (dict(kind="allocation", pollutant="PM10", to=ent(dye), from_=ISSUANCE, amount_t=1,
              on=date(2026, 2, 1)), "unknown pollutant 'PM10'"),
        (dict(kind="lease", pollutant="COD", to=ent(power), from_=ent(dye), amount_t=1,
              on=date(2026, 8, 1), lease_end=date(2026, 7, 31)), r"the lease ends \(2026-07-31\) before it starts \(2026-08-01\)"),
        (dict(kind="trade", pollutant="COD", to=ent(power), from_=ent(dye), amount_t=0,
              on=date(2026, 8, 1)), "amount must be > 0"),
        (dict(kind="trade", pollutant="COD", to=ent(power), from_=ISSUANCE, amount_t=1,
              on=date(2026, 8, 1)), "a trade .* moves rights from enterprise to enterprise, not from issuance"),
    ]  # fmt: skip
    for kwargs, message in cases:
        with session_scope(engine) as s, pytest.raises(RightsError, match=message):
            mv(s, XIHU, document_no="x号", now=NOW, **kwargs)
    # out of region: Xihu cannot touch Ningbo's enterprise; Ningbo cannot see Xihu's
    with session_scope(engine) as s, pytest.raises(RightsNotFound):
        mv(
            s,
            XIHU,
            kind="allocation",
            pollutant="COD",
            to=ent(nb),
            from_=ISSUANCE,
            amount_t=1,
            on=date(2026, 2, 1),
            document_no="x",
            now=NOW,
        )
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        mv(
            s,
            Scope("330106", Role.ENTERPRISE, enterprise_id=dye, username="e"),
            kind="allocation",
            pollutant="COD",
            to=ent(dye),
            from_=ISSUANCE,
            amount_t=1,
            on=date(2026, 2, 1),
            document_no="x",
            now=NOW,
        )
    with session_scope(engine) as s:
        assert _count(s) == before
        assert service.balances(s, NINGBO, year=2026) == []


def test_cap_change_needs_a_higher_level_officer(engine):
    ids = seed(engine)
    dye = ids["西湖印染"]
    with session_scope(engine) as s:
        c = service.request_cap_change(
            s,
            XIHU,
            enterprise_id=dye,
            pollutant="SO2",
            cap_t=12,
            reason="锅炉改造后新增二氧化硫排放",
            document_no="变更1号",
            now=NOW,
        )
        cid = c.id
    with session_scope(engine) as s, pytest.raises(PermissionDenied, match="higher level"):
        service.decide_cap_change(s, XIHU, cid, approve=True, now=NOW)
    with session_scope(engine) as s, pytest.raises(RightsError, match="no permit cap"):
        service.record_movement(s, XIHU, kind="allocation", pollutant="SO2", to=ent(dye),
                                from_=ISSUANCE, amount_t=12, on=date(2026, 2, 1), document_no="a",
                                now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        service.decide_cap_change(s, HANGZHOU, cid, approve=True, now=NOW)
    with session_scope(engine) as s:
        service.record_movement(s, XIHU, kind="allocation", pollutant="SO2", to=ent(dye),
                                from_=ISSUANCE, amount_t=12, on=date(2026, 2, 1), document_no="a",
                                now=NOW)  # fmt: skip
        with pytest.raises(RightsError, match="over the cap of 12 t/a"):
            service.record_movement(s, XIHU, kind="allocation", pollutant="SO2", to=ent(dye),
                                    from_=ISSUANCE, amount_t=0.001, on=date(2026, 2, 2),
                                    document_no="b", now=NOW)  # fmt: skip
    with session_scope(engine) as s:
        assert _by(service.balances(s, PROVINCE, year=2026), dye, "SO2").cap == 12


def test_reversal_and_retirement_and_enterprise_view(engine):
    ids = seed(engine)
    dye, power = ids["西湖印染"], ids["西湖热电"]
    mv = service.record_movement
    with session_scope(engine) as s:
        mv(
            s,
            XIHU,
            kind="allocation",
            pollutant="COD",
            to=ent(dye),
            from_=ISSUANCE,
            amount_t=40,
            on=date(2026, 1, 10),
            document_no="1号",
            now=NOW,
        )
        t = mv(
            s,
            XIHU,
            kind="trade",
            pollutant="COD",
            to=ent(power),
            from_=ent(dye),
            amount_t=10,
            on=date(2026, 3, 1),
            document_no="2号",
            now=NOW,
            value_yuan=50000,
        )
        lease = mv(s, XIHU, kind="lease", pollutant="COD", to=ent(power), from_=ent(dye),
                   amount_t=5, on=date(2026, 4, 1), lease_end=date(2027, 3, 31),
                   document_no="3号", now=NOW)  # fmt: skip
        tid, lid = t.id, lease.id
    with session_scope(engine) as s:
        service.reverse_movement(s, XIHU, tid, on=date(2026, 3, 5), document_no="冲正1号", now=NOW)
        with pytest.raises(RightsError, match="already reversed"):
            service.reverse_movement(
                s, XIHU, tid, on=date(2026, 3, 5), document_no="冲正2号", now=NOW
            )
        # reversing a lease reverses its return too: both sides back to before the lease
        assert len(service.reverse_movement(s, XIHU, lid, on=date(2026, 5, 1), document_no="冲正3号",
                                            now=NOW)) == 2  # fmt: skip
        # closure: the dye works' 40 t/a retired (注销)
        mv(
            s,
            XIHU,
            kind="retirement",
            pollutant="COD",
            to=ISSUANCE,
            from_=ent(dye),
            amount_t=40,
            on=date(2026, 11, 30),
            document_no="注销1号",
            now=NOW,
        )
    with session_scope(engine) as s:
        rows = service.balances(s, XIHU, year=2026)
        d, p = _by(rows, dye, "COD"), _by(rows, power, "COD")
        assert (d.sold, d.sold_value_yuan, d.leased_out, d.retired, d.closing) == (0, 0, 0, 40, 0)
        assert (p.bought, p.leased_in, p.closing) == (0, 0, 0)
        assert service.balances(s, XIHU, year=2027)[0].closing == 0  # the reversed return is gone
        mine = service.balances(
            s, Scope("330106", Role.ENTERPRISE, enterprise_id=power, username="e"), year=2026
        )
        assert [b.enterprise_id for b in mine] == [power]
        with pytest.raises(PermissionDenied):
            service.balances(s, Scope("330000", Role.PUBLIC), year=2026)
        assert service.ledger_totals(s)["balances"] == 0
