"""The city/county statistics with the February of :mod:`.report_world` at 2026-03-02: counts
by state, category, source and region, closure rate and overdue by region, the monthly trend —
scoped per role — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from qingshan.accounts.service import scope_of
from qingshan.cases.errors import NotPermitted
from qingshan.cases.stats import cached_case_stats, case_stats
from qingshan.db.engine import session_scope

from .conftest import user
from .report_world import T, build_february

NOW = T(3, 2)


@pytest.fixture
def feb(engine, world):
    with session_scope(engine) as s:
        return build_february(s, world)


def _line(stats, code):
    r = next(r for r in stats.regions if r.code == code)
    return (r.total, r.open, r.closed, r.overdue, r.due, r.closed_due)


def test_province_sees_its_cities(engine, feb):
    with session_scope(engine) as s:
        st = case_stats(s, scope_of(user(s, "zj")), now=NOW)
    assert [r.code for r in st.regions][:3] == ["330100", "330200", "330300"]
    assert len(st.regions) == 11
    assert _line(st, "330100") == (7, 4, 2, 2, 3, 1)  # A B C D E F G; due A B F, B closed
    assert _line(st, "330200") == (1, 1, 0, 1, 1, 0)  # H
    assert _line(st, "331100") == (0, 0, 0, 0, 0, 0)
    hz = next(r for r in st.regions if r.code == "330100")
    assert hz.closure_rate == pytest.approx(1 / 3)
    assert hz.by_state == {"registered": 1, "rectifying": 2, "closed": 2, "reopened": 1,
                           "cancelled": 1}  # fmt: skip
    assert next(r for r in st.regions if r.code == "330300").closure_rate is None
    assert (st.total.total, st.total.overdue, st.total.due, st.total.closed_due) == (8, 3, 4, 1)
    assert st.by_state == {"registered": 1, "assigned": 1, "rectifying": 2, "submitted": 0,
                           "accepted": 0, "closed": 2, "reopened": 1, "merged": 0,
                           "cancelled": 1}  # fmt: skip
    assert st.by_category == {"water_pollution": 3, "air_pollution": 2, "noise": 2,
                              "solid_waste": 1}  # fmt: skip
    assert list(st.by_category)[0] == "water_pollution"  # largest first
    assert st.by_source == {"inspection": 8}
    assert st.trend[0] == ("2025-04", 0, 0) and len(st.trend) == 12
    assert st.trend[-4:] == [("2025-12", 1, 0), ("2026-01", 1, 1), ("2026-02", 6, 2),
                             ("2026-03", 0, 0)]  # fmt: skip


def test_a_city_sees_its_counties_and_a_county_itself(engine, feb):
    with session_scope(engine) as s:
        city = case_stats(s, scope_of(user(s, "hz")), now=NOW)
        county = case_stats(s, scope_of(user(s, "xihu")), now=NOW)
        ningbo = case_stats(s, scope_of(user(s, "nb")), now=NOW)
        with pytest.raises(NotPermitted, match="case reports are for province, city and county"):
            case_stats(s, scope_of(user(s, "owner")), now=NOW)
    assert len(city.regions) == 13 and city.scope_code == "330100"
    assert _line(city, "330106") == (6, 3, 2, 2, 3, 1)
    assert _line(city, "330108") == (1, 1, 0, 0, 0, 0)
    assert city.total.total == 7 and city.by_source == {"inspection": 7}
    assert [r.code for r in county.regions] == ["330106"]
    assert _line(county, "330106") == (6, 3, 2, 2, 3, 1)
    assert county.by_state["registered"] == 0  # E is 滨江's
    assert _line(ningbo, "330203") == (1, 1, 0, 1, 1, 0) and ningbo.total.total == 1
    # the statistics are kept for their time to live
    with session_scope(engine) as s:
        zj = scope_of(user(s, "zj"))
        first = cached_case_stats(s, zj)
        assert cached_case_stats(s, zj) is first  # within the TTL: the same figures
        assert cached_case_stats(s, zj, ttl=0) is not first  # expired: computed again
        assert cached_case_stats(s, scope_of(user(s, "hz"))).scope_code == "330100"
        with pytest.raises(NotPermitted):
            cached_case_stats(s, scope_of(user(s, "owner")))


def test_one_request_at_a_time_computes_a_scopes_statistics(monkeypatch):
    """Readers arriving together: the first computes, the others wait for it; once expired,
    one computes again while the others get the previous figures at once."""
    import threading
    import time
    from types import SimpleNamespace

    from qingshan.accounts.models import Role
    from qingshan.accounts.scope import Scope
    from qingshan.cases import stats

    calls = []
    gate = threading.Event()

    def slow(session, scope):
        calls.append(scope.region_code)
        gate.wait(10)
        return object()

    monkeypatch.setattr(stats, "case_stats", slow)
    session = SimpleNamespace(get_bind=lambda: SimpleNamespace(url="sqlite:///single-flight"))
    scope = Scope("330000", Role.PROVINCE)
    got: list = []

    def read(ttl):
        got.append(stats.cached_case_stats(session, scope, ttl=ttl))

    def together(ttl, before_open):
        threads = [threading.Thread(target=read, args=(ttl,)) for _ in range(8)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(got) < before_open and time.monotonic() < deadline:
            time.sleep(0.01)
        gate.set()
        for t in threads:
            t.join()

    together(60, before_open=0)  # nobody is served before the first computation ends
    assert len(calls) == 1 and len({id(x) for x in got}) == 1 and len(got) == 8
    first, got[:] = got[0], []
    gate.clear()
    together(0, before_open=7)  # expired: seven are served the previous figures at once
    assert len(calls) == 2  # one of them computed again
    assert sum(x is first for x in got) == 7


def test_counties_without_cases_are_listed_with_zeros(engine, feb):
    """Every county of the city has its line, a county without a case too (zeros, no rate),
    and the province lists all 11 cities whether they have cases or not."""
    with session_scope(engine) as s:
        city = case_stats(s, scope_of(user(s, "hz")), now=NOW)
        province = case_stats(s, scope_of(user(s, "zj")), now=NOW)
    from qingshan.geo.regions import children

    assert [r.code for r in city.regions if not r.own] == [c.code for c in children("330100")]
    empty = [r for r in city.regions if r.total == 0]
    assert len(empty) == 11 and _line(city, "330102") == (0, 0, 0, 0, 0, 0)
    assert next(r for r in city.regions if r.code == "330102").closure_rate is None
    assert len(province.regions) == 11 and _line(province, "330300") == (0, 0, 0, 0, 0, 0)
