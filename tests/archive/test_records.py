"""Writing the archive: enterprises with history, permit versions (overlap refused, units
checked), inspections with violations, penalties and their status; nothing half-stored."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from qingshan.archive.errors import ArchiveConflict, BadArchiveInput, InvalidCreditCode
from qingshan.archive.models import (
    EnterpriseChange,
    Inspection,
    Penalty,
    Permit,
    PermitCap,
    PermitLimit,
    Violation,
)
from qingshan.archive.records import (
    CapInput,
    EnterpriseInput,
    LimitInput,
    PermitInput,
    ViolationInput,
    create_enterprise,
    issue_permit,
    record_inspection,
    record_penalty,
    set_penalty_status,
    update_enterprise,
)
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Parameter, Site, SiteKind
from qingshan.standards.pollutant_codes import POLLUTANT_CODES

NOW = datetime(2026, 3, 1, 6, tzinfo=UTC)
CODE = "913304007429141869"


@pytest.fixture
def ent(session):
    seed_regions(session)
    for code in ("a21026", "a21002", "w01018"):
        p = POLLUTANT_CODES[code]
        session.add(Parameter(code=code, name=p.name, name_en=p.name_en, unit=p.unit))
    e = create_enterprise(
        session,
        EnterpriseInput(CODE, "嘉兴澄源热电有限公司", "thermal_power", "330402",
                        industry_code="4412", key_categories=["air", "water"]),
        actor="tester", now=NOW,
    )  # fmt: skip
    for code, kind in (("JX-DA001", SiteKind.GAS_OUTLET), ("JX-DW001", SiteKind.WATER_OUTLET)):
        session.add(Site(code=code, name=code, kind=kind, control_level=ControlLevel.ENTERPRISE,
                         region_code="330402", enterprise_id=e.id))  # fmt: skip
    session.flush()
    return e


def _permit(number="913304007429141869001P", start=date(2023, 1, 1), end=date(2027, 12, 31),
            **kw):  # fmt: skip
    return PermitInput(number, start, end, outlets=["JX-DA001"],
                       limits=[LimitInput("JX-DA001", "a21026", 35, "mg/m3", "hour",
                                          "GB 13223-2011 表1")],
                       caps=[CapInput("a21026", 120.5)], **kw)  # fmt: skip


def test_create_keeps_a_history_row_and_refuses_duplicates(session, ent):
    assert ent.key_unit is True and ent.key_categories == ["water", "air"]
    (row,) = session.scalars(select(EnterpriseChange)).all()
    assert row.changes["credit_code"] == [None, CODE] and row.reason == "建档"
    with pytest.raises(ArchiveConflict, match=f"{CODE} is already on file"):
        create_enterprise(session, EnterpriseInput(CODE, "另一家公司", "cement", "330402"),
                          actor="t")  # fmt: skip


def test_a_bad_credit_code_names_the_expected_check_character(session, ent):
    with pytest.raises(InvalidCreditCode, match="expected 'L'"):
        create_enterprise(session, EnterpriseInput("91110000600037341N", "北京某公司", "cement",
                                                   "330402"), actor="t")  # fmt: skip


def test_update_records_who_what_old_new_and_why(session, ent):
    row = update_enterprise(session, ent.id, {"address": "嘉兴市南湖区1号", "status": "suspended"},
                            actor="hangzhou", reason="现场核实", now=NOW)  # fmt: skip
    assert row.actor == "hangzhou" and row.reason == "现场核实"
    assert row.changes == {"address": ["", "嘉兴市南湖区1号"], "status": ["operating", "suspended"]}
    assert (
        update_enterprise(session, ent.id, {"status": "suspended"}, actor="x", reason="r") is None
    )
    with pytest.raises(BadArchiveInput, match="status 'gone' is not valid: one of operating"):
        update_enterprise(session, ent.id, {"status": "gone"}, actor="x", reason="r")
    with pytest.raises(BadArchiveInput, match="industry code|region_code '330400'"):
        update_enterprise(session, ent.id, {"region_code": "330400"}, actor="x", reason="r")
    with pytest.raises(BadArchiveInput, match="say why"):
        update_enterprise(session, ent.id, {"status": "closed"}, actor="x", reason=" ")


def test_a_permit_change_is_a_new_version_superseding_the_old(session, ent):
    v1 = issue_permit(session, ent.id, _permit(), actor="t", now=NOW)
    assert (v1.version, v1.superseded_by_id) == (1, None)
    lim = session.scalars(select(PermitLimit)).one()
    assert (lim.unit, lim.limit) == ("mg/m³", 35.0)  # mg/m3 read as mg/m³
    assert session.scalars(select(PermitCap)).one().tonnes_per_year == 120.5
    v2 = issue_permit(session, ent.id, _permit(start=date(2025, 1, 1), end=date(2029, 12, 31),
                                               reason="变更"), actor="t", now=NOW)  # fmt: skip
    assert v2.version == 2 and v2.number == v1.number
    session.refresh(v1)
    assert v1.superseded_by_id == v2.id


def test_overlapping_validity_of_another_permit_is_refused_storing_nothing(session, ent):
    issue_permit(session, ent.id, _permit(), actor="t", now=NOW)
    with pytest.raises(ArchiveConflict, match=r"overlaps permit 913304007429141869001P v1 "
                       r"\(2023-01-01–2027-12-31\)"):  # fmt: skip
        issue_permit(session, ent.id, _permit("913304007429141869002P", date(2027, 6, 1),
                                              date(2031, 5, 31)), actor="t")  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Permit)) == 1
    # superseding it explicitly is allowed
    first = session.scalars(select(Permit)).one()
    p = issue_permit(session, ent.id, _permit("913304007429141869002P", date(2027, 6, 1),
                                              date(2031, 5, 31)), actor="t",
                     supersedes=[first.id])  # fmt: skip
    session.refresh(first)
    assert first.superseded_by_id == p.id


def test_limits_in_wrong_units_and_bad_caps_are_refused(session, ent):
    bad = _permit()
    bad.limits = [LimitInput("JX-DW001", "w01018", 80, "mg/m³", "day")]
    with pytest.raises(BadArchiveInput, match="w01018 .* is in 'mg/m³': HJ 212-2017 Appendix B "
                       "gives 'mg/L'"):  # fmt: skip
        issue_permit(session, ent.id, bad, actor="t")
    bad = _permit()
    bad.caps = [CapInput("w01001", 1.0)]  # pH has no discharged mass
    with pytest.raises(BadArchiveInput, match="cap parameter_code 'w01001'"):
        issue_permit(session, ent.id, bad, actor="t")
    bad = _permit()
    bad.outlets = ["NOT-MINE"]
    with pytest.raises(BadArchiveInput, match="outlet 'NOT-MINE' is not valid: an outlet of"):
        issue_permit(session, ent.id, bad, actor="t")
    with pytest.raises(BadArchiveInput, match="valid_to '2022-01-01' is not valid"):
        issue_permit(session, ent.id, _permit(end=date(2022, 1, 1)), actor="t")
    assert session.scalar(select(func.count()).select_from(Permit)) == 0


def test_inspection_with_violations_all_or_nothing(session, ent):
    at = datetime(2026, 2, 10, 2, tzinfo=UTC)
    insp = record_inspection(session, ent.id, kind="onsite", inspected_at=at,
                             inspectors=["张三", "李四"], actor="t", source="spot_check",
                             source_ref="spot:1", now=NOW,
                             violations=[ViolationInput("facility_idle", "脱硫设施停运",
                                                        "JX-DA001", "a21026")])  # fmt: skip
    v = session.scalars(select(Violation)).one()
    assert v.inspection_id == insp.id and v.found_at == at
    with pytest.raises(BadArchiveInput, match="violation category 'nope' is not valid"):
        record_inspection(session, ent.id, kind="remote", inspected_at=at, inspectors=["王五"],
                          actor="t", now=NOW, violations=[ViolationInput("nope")])  # fmt: skip
    with pytest.raises(BadArchiveInput, match="inspected_at .* not in the future"):
        record_inspection(session, ent.id, kind="remote", inspected_at=datetime(2027, 1, 1,
                          tzinfo=UTC), inspectors=["王五"], actor="t", now=NOW)  # fmt: skip
    assert session.scalar(select(func.count()).select_from(Inspection)) == 1


def test_penalties_need_an_amount_for_fines_and_follow_their_lifecycle(session, ent):
    p = record_penalty(session, ent.id, decision_no="嘉环罚〔2025〕12号",
                       legal_basis="《中华人民共和国大气污染防治法》第九十九条", kind="fine",
                       amount_yuan=200000, decided_on=date(2025, 6, 3), actor="t", now=NOW)  # fmt: skip
    assert p.status == "decided"
    with pytest.raises(BadArchiveInput, match="amount_yuan None is not valid: an amount > 0"):
        record_penalty(session, ent.id, decision_no="嘉环罚〔2025〕13号", legal_basis="某法",
                       kind="fine", decided_on=date(2025, 6, 3), actor="t", now=NOW)  # fmt: skip
    with pytest.raises(ArchiveConflict, match="already on file"):
        record_penalty(session, ent.id, decision_no="嘉环罚〔2025〕12号", legal_basis="某法",
                       kind="warning", decided_on=date(2025, 6, 3), actor="t", now=NOW)  # fmt: skip
    set_penalty_status(session, p.id, "executed", actor="t")
    with pytest.raises(BadArchiveInput, match="cannot go from executed to revoked; from "
                       r"executed: none \(final\)"):  # fmt: skip
        set_penalty_status(session, p.id, "revoked", actor="t")
    assert session.scalar(select(func.count()).select_from(Penalty)) == 1
