"""The record's findings and the compliance strip (pure parts)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from qingshan.archive.findings import (
    CaseRef,
    Finding,
    FindingKind,
    case_findings,
    compliance_strip,
    month_starts,
    quarter_starts,
)

NOW = datetime(2026, 3, 15, tzinfo=UTC)


def _case(i, **kw):
    base = dict(id=i, number=None, title=f"案件{i}", state="closed", source="qc_exceedance",
                category="exceedance", site_id=None, occurred_at=datetime(2025, 5, 1, tzinfo=UTC),
                registered_at=datetime(2025, 5, 1, tzinfo=UTC), due_at=None, closed_at=None,
                relapse_count=0, is_open=False)  # fmt: skip
    base.update(kw)
    return CaseRef(**base)


def test_cases_give_overdue_relapsed_and_fraud_findings():
    due = datetime(2025, 6, 1, tzinfo=UTC)
    found = case_findings(
        [
            _case(1, due_at=due, closed_at=datetime(2025, 6, 5, tzinfo=UTC)),  # closed late
            _case(2, due_at=due, closed_at=datetime(2025, 5, 20, tzinfo=UTC)),  # on time
            _case(3, due_at=due, is_open=True, state="rectifying"),  # open past the deadline
            _case(4, relapse_count=2),
            _case(5, category="monitoring_fraud"),
        ],
        now=NOW,
    )
    assert [(f.kind, f.key) for f in found] == [
        (FindingKind.OVERDUE_CASE, "case:1:overdue"),
        (FindingKind.OVERDUE_CASE, "case:3:overdue"),
        (FindingKind.RELAPSED_CASE, "case:4:relapse"),
        (FindingKind.DATA_FRAUD, "case:5"),
    ]
    assert found[0].time == due and found[0].ref_url == "/cases/1"


def test_periods():
    assert quarter_starts(date(2026, 3, 15), 3) == [date(2025, 7, 1), date(2025, 10, 1),
                                                    date(2026, 1, 1)]  # fmt: skip
    assert month_starts(date(2026, 1, 31), 2) == [date(2025, 12, 1), date(2026, 1, 1)]


def test_the_strip_takes_the_worst_finding_of_each_period_by_cst_date():
    f = [
        Finding(FindingKind.EXCEEDANCE, "qc_event:1", datetime(2025, 12, 31, 17, tzinfo=UTC),
                "超标", "/qc/outlets/X"),  # 2026-01-01 01:00 CST: in 2026Q1
        Finding(FindingKind.OVERDUE_CASE, "case:9:overdue", datetime(2026, 2, 1, tzinfo=UTC),
                "逾期", "/cases/9"),
        Finding(FindingKind.VIOLATION, "violation:1", datetime(2025, 11, 1, tzinfo=UTC), "违法",
                "/enterprises/1#violation-1"),
    ]  # fmt: skip
    q = compliance_strip(f, today=date(2026, 3, 15), freq="quarter", periods=12)
    assert len(q) == 12 and q[-1].label == "2026Q1" and q[0].label == "2023Q2"
    assert q[-1].worst == FindingKind.OVERDUE_CASE and q[-1].link == "/cases/9"
    assert q[-1].counts == {"exceedance": 1, "overdue_case": 1}
    assert q[-2].worst == FindingKind.VIOLATION and q[-3].worst is None
    m = compliance_strip(f, today=date(2026, 3, 15), freq="month", periods=12)
    assert [c.label for c in m[-3:]] == ["2026-01", "2026-02", "2026-03"]
    assert m[-3].worst == FindingKind.EXCEEDANCE and m[-2].worst == FindingKind.OVERDUE_CASE
