"""A known February 2026 for the report tests: eight cases with known dates, walked through the
case service (so their histories are real), in 西湖 330106 and 滨江 330108 (杭州) and 海曙 330203
(宁波). Times are CST; ``T(2, 3)`` is 2026-02-03 10:00 CST.

=====  ======  ===========================================================================
case   region  story
=====  ======  ===========================================================================
A      西湖    registered 01-10, assigned due 01-31; overdue all February: the scheduler marks it
              overdue and 通报 on 02-01, 督办 on 02-20 (20 days over)
B      西湖    registered 02-03, assigned due 02-20, submitted 02-15, signed 02-16, 销号 02-17
C      西湖    registered 02-05, assigned due 03-20, 销号 early on 02-25
D      西湖    registered 2025-12-01, 销号 2026-01-15; the same enterprise's problem again on
              02-10 reopens it (反弹)
E      滨江    registered 02-26, not yet assigned
F      西湖    registered 02-02, assigned due 02-25, submitted 02-20, returned 02-22 (退回);
              the city escalates it (通报) on 02-26
G      西湖    registered 02-04, cancelled 02-06
H      海曙    registered 02-11, assigned due 02-28, not done
=====  ======  ===========================================================================
"""

from __future__ import annotations

from datetime import datetime

from qingshan.cases import service
from qingshan.cases.deadlines import check_deadlines
from qingshan.timeutil import CST

from .conftest import make_draft, user


def T(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CST)


def _new(s, world, at, **kw) -> int:
    kw.setdefault("enterprise_id", None)
    kw.setdefault("category", "water_pollution")
    draft = make_draft(world, occurred_at=at, **kw)
    return service.register_case(s, draft, actor="xihu", now=at).case.id


def _close(s, case_id, at, region_user="xihu", dept="dept", gov="gov") -> None:
    service.start_rectification(s, user(s, region_user), case_id, now=at)
    service.submit_for_acceptance(s, user(s, region_user), case_id, reason="已整改", now=at)
    service.sign_acceptance(s, user(s, dept), case_id, "department", now=at)
    service.sign_acceptance(s, user(s, gov), case_id, "government", now=at)
    service.close_case(s, user(s, region_user), case_id, now=at)


def build_february(s, world) -> dict[str, int]:
    """The eight cases; returns their ids by letter."""
    xihu, hz, nb = user(s, "xihu"), user(s, "hz"), user(s, "nb")
    service.add_unit(s, "海曙区生态环境分局", "department", "330203", ["*"])
    ids = {}
    ids["D"] = _new(
        s, world, T(12, 1, year=2025), enterprise_id=world.ent, category="air_pollution"
    )
    service.assign_case(s, xihu, ids["D"], now=T(12, 1, year=2025))
    _close(s, ids["D"], T(1, 15))
    ids["A"] = _new(s, world, T(1, 10), title="A 河道排污")
    service.assign_case(s, xihu, ids["A"], due_at=T(1, 31), now=T(1, 10))
    service.start_rectification(s, xihu, ids["A"], now=T(1, 12))
    check_deadlines(s, now=T(2, 1))  # A: overdue, 通报
    ids["F"] = _new(s, world, T(2, 2), title="F 餐饮油烟", category="air_pollution")
    service.assign_case(s, xihu, ids["F"], due_at=T(2, 25), now=T(2, 2))
    ids["B"] = _new(s, world, T(2, 3), title="B 噪声扰民", category="noise")
    service.assign_case(s, xihu, ids["B"], due_at=T(2, 20), now=T(2, 3))
    service.start_rectification(s, xihu, ids["B"], now=T(2, 4))
    service.submit_for_acceptance(s, xihu, ids["B"], reason="已整改", now=T(2, 15))
    service.sign_acceptance(s, user(s, "dept"), ids["B"], "department", now=T(2, 16))
    service.sign_acceptance(s, user(s, "gov"), ids["B"], "government", now=T(2, 16))
    service.close_case(s, xihu, ids["B"], now=T(2, 17))
    ids["G"] = _new(s, world, T(2, 4), title="G 重复登记")
    service.cancel_case(s, xihu, ids["G"], reason="非环境问题", now=T(2, 6))
    ids["C"] = _new(s, world, T(2, 5), title="C 工地扬尘", category="solid_waste")
    service.assign_case(s, xihu, ids["C"], due_at=T(3, 20), now=T(2, 5))
    reg = service.register_case(
        s, make_draft(world, occurred_at=T(2, 10), title="D 再次冒黑烟"), actor="xihu", now=T(2, 10)
    )
    assert reg.outcome == "relapse" and reg.case.id == ids["D"]
    ids["H"] = _new(s, world, T(2, 11), title="H 码头堆场", region_code="330203",
                    longitude=121.5, latitude=29.87)  # fmt: skip
    service.assign_case(s, nb, ids["H"], due_at=T(2, 28), now=T(2, 11))
    service.start_rectification(s, xihu, ids["F"], now=T(2, 12))
    service.submit_for_acceptance(s, xihu, ids["F"], reason="已整改", now=T(2, 20))
    check_deadlines(s, now=T(2, 20))  # A: 督办 (20 days over)
    service.return_case(s, xihu, ids["F"], reason="油烟净化器未安装", now=T(2, 22))
    _close(s, ids["C"], T(2, 25))
    ids["E"] = _new(s, world, T(2, 26), title="E 夜间施工", region_code="330108",
                    category="noise", longitude=120.2, latitude=30.2)  # fmt: skip
    service.escalate_case(s, hz, ids["F"], reason="逾期未整改", now=T(2, 26))
    return ids
