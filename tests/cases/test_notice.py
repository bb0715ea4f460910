"""The monthly dispatch notice (月调度通报) and the quarterly follow-up list (季现场盯办) with
worked numbers: the February of :mod:`.report_world`, every figure checked, on SQLite and
PostgreSQL; stored and read back; cut to a city's and a county's region."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qingshan.accounts.service import scope_of
from qingshan.cases import reporting
from qingshan.cases.errors import BadCaseInput, NotPermitted
from qingshan.cases.notice import Figures, Notice, region_lines
from qingshan.cases.periods import Month, Quarter
from qingshan.db.engine import session_scope

from .conftest import user
from .report_world import T, build_february

FEB = Month(2026, 2)
NOW = T(3, 2)

XIHU = Figures(new=4, closed=2, due=3, closed_due=1, open=3, overdue=2, relapses=1, notice=2,
               supervise=1)  # fmt: skip
BINJIANG = Figures(new=1, open=1)
HAISHU = Figures(new=1, due=1, open=1, overdue=1)


@pytest.fixture
def feb(engine, world):
    with session_scope(engine) as s:
        return build_february(s, world)


def _rows(notice: Notice) -> dict[str, Figures]:
    return {r.code + ("*" if r.own else ""): r.figures for r in notice.rows}


def test_every_figure_of_february(engine, feb):
    with session_scope(engine) as s:
        notice = reporting.issue_notice(s, FEB, actor="zj", now=NOW)
    assert notice.month == "2026-02" and notice.scope_code == "330000" and notice.complete
    assert notice.as_of == T(3, 1, 0)
    rows = _rows(notice)
    assert rows["330106"] == XIHU
    assert rows["330108"] == BINJIANG
    assert rows["330203"] == HAISHU
    assert rows["330100"] == XIHU + BINJIANG
    assert rows["330200"] == HAISHU
    assert rows["330300"] == Figures()  # every city and county has its line, zeros too
    assert len([r for r in notice.rows if r.level == "city"]) == 11
    assert len([r for r in notice.rows if r.level == "county"]) == 90
    assert not [r for r in notice.rows if r.own]  # no case at a city's own level
    assert notice.total == Figures(new=6, closed=2, due=4, closed_due=1, open=5, overdue=3,
                                   relapses=1, notice=2, supervise=1)  # fmt: skip
    assert XIHU.closure_rate == pytest.approx(1 / 3)
    assert notice.total.closure_rate == 0.25
    assert BINJIANG.closure_rate is None  # nothing was due
    assert notice.total.escalations == 3
    main, annex = region_lines(notice)
    assert [r.code for r in main][:2] == ["330100", "330200"] and len(main) == 11
    assert len(annex) == 90
    # the overdue list: A 28 days (督办), F 3 days (通报), H 0 days, longest first
    got = [(o.case_id, o.days_overdue, o.level, o.state, o.region_code) for o in notice.overdue]
    assert got == [
        (feb["A"], 28, 2, "rectifying", "330106"),
        (feb["F"], 3, 1, "rectifying", "330106"),
        (feb["H"], 0, 0, "assigned", "330203"),
    ]
    a = notice.overdue[0]
    assert a.due_at == T(1, 31) and a.title == "A 河道排污" and a.unit == "西湖区生态环境分局"
    assert a.region == "西湖区" and a.region_en == "Xihu District"
    assert Notice.from_dict(notice.to_dict()) == notice  # stored as JSON, read back the same
    with session_scope(engine) as s:
        with pytest.raises(NotPermitted, match="case reports are for province, city and county"):
            reporting.read_notice(s, scope_of(user(s, "owner")), FEB, now=NOW)
        with pytest.raises(NotPermitted, match="month 2026-04 has not begun"):
            reporting.issue_notice(s, Month(2026, 4), actor="zj", now=NOW)


def test_stored_and_read_back_cut_to_each_region(engine, feb):
    with session_scope(engine) as s:
        live_city = reporting.read_notice(s, scope_of(user(s, "hz")), FEB, now=NOW)
        live_county = reporting.read_notice(s, scope_of(user(s, "xihu")), FEB, now=NOW)
        assert not live_city.issued
        issued = reporting.issue_notice(s, FEB, actor="zj", now=NOW)
    with session_scope(engine) as s:
        assert reporting.issued_months(s) == ["2026-02"]
        province = reporting.read_notice(s, scope_of(user(s, "zj")), FEB, now=NOW + timedelta(1))
        city = reporting.read_notice(s, scope_of(user(s, "hz")), FEB, now=NOW)
        county = reporting.read_notice(s, scope_of(user(s, "xihu")), FEB, now=NOW)
    assert province.issued and province.issued_by == "zj" and province.notice == issued
    assert city.issued and city.notice.total == XIHU + BINJIANG
    assert [r.code for r in city.notice.rows][:3] == ["330102", "330105", "330106"]
    assert len(city.notice.rows) == 13 and _rows(city.notice)["330106"] == XIHU
    assert [o.case_id for o in city.notice.overdue] == [feb["A"], feb["F"]]  # not 宁波's H
    assert county.notice.total == XIHU and [r.code for r in county.notice.rows] == ["330106"]
    # the issued notice cut to a region equals the one computed for that region
    assert city.notice.total == live_city.notice.total
    assert city.notice.rows == live_city.notice.rows
    assert city.notice.overdue == live_city.notice.overdue
    assert county.notice.rows == live_county.notice.rows
    # issuing again replaces the stored one
    with session_scope(engine) as s:
        reporting.issue_notice(s, FEB, actor="hz-admin", now=NOW + timedelta(days=1))
        assert reporting.issued_months(s) == ["2026-02"]
        assert reporting.read_notice(s, scope_of(user(s, "zj")), FEB).issued_by == "hz-admin"


def test_bad_periods_are_named():
    with pytest.raises(BadCaseInput, match=r"month: '2026-13' is not a month YYYY-MM"):
        Month.parse("2026-13")
    with pytest.raises(BadCaseInput, match=r"quarter: '2026Q5' is not a quarter YYYYQn"):
        Quarter.parse("2026Q5")
    assert str(Month.parse("2026-01").previous()) == "2025-12"
    assert Quarter.parse("2026-Q1").end == Month(2026, 4).start


def test_january_the_running_month_and_the_quarters(engine, feb):
    with session_scope(engine) as s:
        jan = reporting.issue_notice(s, Month(2026, 1), actor="zj", now=NOW)
        # D: due 2025-12-31, closed 01-15 (due and done); A: due 01-31, not done
        assert _rows(jan)["330106"] == Figures(new=1, closed=1, due=2, closed_due=1, open=1,
                                               overdue=1)  # fmt: skip
        assert [(o.case_id, o.days_overdue) for o in jan.overdue] == [(feb["A"], 0)]
        march = reporting.read_notice(s, scope_of(user(s, "zj")), Month(2026, 3), now=NOW)
    assert not march.issued and not march.notice.complete and march.notice.as_of == NOW
    # the running month up to now: nothing new; A, F and H still due (and overdue); C, due on
    # 03-20, was closed in February
    assert march.notice.total == Figures(due=3, open=5, overdue=3)
    with session_scope(engine) as s:
        q1 = reporting.quarter_followup(s, scope_of(user(s, "zj")), Quarter(2026, 1), now=NOW)
        city = reporting.quarter_followup(s, scope_of(user(s, "hz")), Quarter(2026, 1), now=NOW)
        q4 = reporting.quarter_followup(s, scope_of(user(s, "zj")), Quarter(2025, 4), now=NOW)
    assert q1.cut_off == NOW and q1.quarter == "2026Q1"
    got = [(i.case_id, i.reasons, i.level, i.days_overdue) for i in q1.items]
    assert got == [
        (feb["A"], ("overdue", "supervised"), 2, 30),
        (feb["F"], ("overdue",), 1, 5),
        (feb["H"], ("overdue",), 0, 2),
        (feb["D"], ("relapsed", "relapsed_in_quarter"), 0, None),
    ]
    assert [i.case_id for i in city.items] == [feb["A"], feb["F"], feb["D"]]
    # the last quarter of 2025, at its end: D was assigned and past its deadline (12-31 10:00)
    assert q4.cut_off == T(1, 1, 0)
    assert [(i.case_id, i.reasons, i.days_overdue) for i in q4.items] == [
        (feb["D"], ("overdue",), 0)
    ]


@pytest.fixture
def cli_env(engine, feb, tmp_path, monkeypatch):
    from qingshan.config import get_settings
    from qingshan.db.engine import dispose_engines

    monkeypatch.setenv("QINGSHAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QINGSHAN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    dispose_engines()
    yield feb
    dispose_engines()
    get_settings.cache_clear()


def test_the_command_line_issues_a_month_on_demand(cli_env, engine, tmp_path):
    """``qingshan cases notice --month 2026-02`` stores February's notice (the province's
    figures: 西湖 + 滨江 + 海曙) with its files; a bad or future month is named, nothing stored."""
    import json

    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from qingshan.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["cases", "notice", "--month", "2026-13"])
    assert r.exit_code == 1 and "month: '2026-13' is not a month YYYY-MM" in r.output
    r = runner.invoke(app, ["cases", "notice", "--month", "2099-01"])
    assert r.exit_code == 1 and "month 2099-01 has not begun: no notice yet" in r.output
    with session_scope(engine) as s:
        assert reporting.issued_months(s) == []
    xlsx, docx = tmp_path / "通报.xlsx", tmp_path / "通报.docx"
    r = runner.invoke(
        app, ["cases", "notice", "--month", "2026-02", "--xlsx", str(xlsx), "--docx", str(docx)]
    )
    assert r.exit_code == 0, r.output
    assert (
        "notice 2026-02: 6 new, 2 closed, closure rate 25.0 % (1/4), 3 overdue, 1 relapses, "
        "3 escalations" in r.output
    )
    with session_scope(engine) as s:
        assert reporting.issued_months(s) == ["2026-02"]
        stored = reporting.read_notice(s, scope_of(user(s, "zj")), FEB)
    assert stored.issued and stored.issued_by == "cli"
    assert stored.notice.total == XIHU + BINJIANG + HAISHU
    assert load_workbook(xlsx).sheetnames[0] and docx.read_bytes()[:2] == b"PK"
    r = runner.invoke(app, ["cases", "notice", "--month", "2026-02", "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["total"]["overdue"] == 3
