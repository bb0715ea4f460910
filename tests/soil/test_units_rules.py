"""The key-unit rules (pure): a check's state on each side of its due date, the report's due day,
rectification items open past their deadline, the years a unit is on the list, and what counts
as exceeding (GB 36600 over screening; GB/T 14848 class V)."""

from __future__ import annotations

from datetime import date

from qingshan.soil.units import rules


def test_check_state_around_the_due_date():
    due = rules.check_due(2025)
    assert due == date(2025, 12, 31)
    assert rules.check_state(due, None, date(2025, 12, 31)) == "open"  # due today: not yet late
    assert rules.check_state(due, None, date(2026, 1, 1)) == "overdue"
    assert rules.check_state(due, date(2025, 12, 31), date(2026, 3, 1)) == "done"
    assert rules.check_state(due, date(2026, 1, 1), date(2026, 3, 1)) == "late"


def test_report_due_and_items_and_listing():
    assert rules.report_due(2025) == date(2026, 3, 31)
    items = [{"item": "a", "deadline": "2026-06-30", "status": "open"},
             {"item": "b", "deadline": "2026-06-30", "status": "done", "done_on": "2026-06-01"},
             {"item": "c", "deadline": "2026-07-01", "status": "open"}]  # fmt: skip
    assert [i["item"] for i in rules.open_items_overdue(items, date(2026, 7, 1))] == ["a"]
    assert rules.listed_in(2024, None, 2024) and rules.listed_in(2024, None, 2030)
    assert not rules.listed_in(2024, None, 2023)
    assert rules.listed_in(2024, 2026, 2025) and not rules.listed_in(2024, 2026, 2026)


def test_what_exceeds():
    assert not rules.soil_exceeding("within_screening")
    assert rules.soil_exceeding("over_screening") and rules.soil_exceeding("over_intervention")
    assert [k for k in ("I", "II", "III", "IV", "V") if rules.groundwater_exceeding(k)] == ["V"]
    assert {r.confidence for r in rules.RULES.values()} <= {"confirmed", "MC", "U"}
