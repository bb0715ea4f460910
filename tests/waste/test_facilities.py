"""Facilities (利用处置单位): licence registration (codes and category wildcards validated),
the licence term checked on the transfer date, capacity use from the year's receipts, scope."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from qingshan.accounts.errors import OutOfScope
from qingshan.db.engine import session_scope
from qingshan.errors import PermissionDenied
from qingshan.waste.errors import UnknownWasteCategory, UnknownWasteCode, UnlicensedFacility
from qingshan.waste.facility_service import (
    FacilitySpec,
    check_licence,
    facilities,
    register_facility,
)
from qingshan.waste.manifest_service import create_manifest, sign

from .manifest_world import AT, HANGZHOU, NINGBO, PROVINCE, XIHU, build_world


@pytest.fixture
def world(engine):
    with session_scope(engine) as s:
        return build_world(s)


def _spec(w, **more) -> FacilitySpec:
    base = dict(enterprise_id=w.facility, licence_no="浙危废经第3302000001号",
                licence_valid_from=date(2024, 1, 1), licence_valid_to=date(2026, 6, 30),
                capacity_t_per_year=600.0, codes=("HW08",))  # fmt: skip
    return FacilitySpec(**(base | more))


def test_registration_validates_codes_and_who_registers(engine, world):
    w = world
    with session_scope(engine) as s:
        with pytest.raises(UnknownWasteCategory, match=r"unknown category HW43 in a licence"):
            register_facility(s, PROVINCE, _spec(w, codes=("HW43",)))
        with pytest.raises(
            UnknownWasteCode, match=r"900-999-08 is not in the National Hazardous Waste List 2021"
        ):
            register_facility(s, PROVINCE, _spec(w, codes=("900-999-08",)))
        with pytest.raises(PermissionDenied, match=r"xihu may not register facilities"):
            register_facility(s, XIHU, _spec(w))
        with pytest.raises(OutOfScope, match=r"region 330206 is outside the scope 330100"):
            register_facility(s, HANGZHOU, _spec(w))
        # re-registration replaces the codes (the licence renewed with a narrower list)
        register_facility(s, NINGBO, _spec(w, codes=("900-249-08", "hw49")))
        (fac,) = [f for f in facilities(s, PROVINCE, year=2026) if f.enterprise_id == w.facility]
        assert fac.codes == ("900-249-08", "HW49")
        assert fac.licence_valid_to == date(2026, 6, 30)


def test_the_licence_term_is_checked_on_the_transfer_date(engine, world):
    w = world
    with session_scope(engine) as s:
        register_facility(s, PROVINCE, _spec(w))
        check_licence(s, w.facility, "900-249-08", date(2026, 6, 30))
        with pytest.raises(UnlicensedFacility,
                           match=r"licence 浙危废经第3302000001号 of receiver \d+ is not valid on 2026-07-01 "
                                 r"\(valid 2024-01-01–2026-06-30\)"):  # fmt: skip
            check_licence(s, w.facility, "900-249-08", date(2026, 7, 1))
        m = create_manifest(
            s, w.owner(w.producer), w.draft(transfer_on=date(2026, 7, 3)), actor="p"
        )
        with pytest.raises(UnlicensedFacility, match=r"is not valid on 2026-07-03"):
            sign(s, w.owner(w.producer), m.id, "submit")


def test_capacity_use_counts_the_year_s_receipts(engine, world):
    w = world
    with session_scope(engine) as s:
        for q, got, at in (
            (12.0, 11.8, AT),
            (6.0, 6.2, AT),
            (4.0, 4.0, datetime(2025, 12, 31, 16, 30, tzinfo=UTC)),
        ):
            draft = w.draft(quantity_t=q, transfer_on=at.date())
            m = create_manifest(s, w.owner(w.producer), draft, actor="p", at=at)
            sign(s, w.owner(w.producer), m.id, "submit", at=at)
            for c in (w.carrier1, w.carrier2):
                sign(s, w.owner(c), m.id, "pickup", at=at)
                sign(s, w.owner(c), m.id, "handover", at=at)
            sign(s, w.owner(w.facility), m.id, "receive", quantity_t=got, at=at)
        views = {f.enterprise_id: f for f in facilities(s, NINGBO, year=2026)}
    # 2025-12-31 16:30 UTC is 2026-01-01 00:30 CST: the third receipt counts in 2026
    fac = views[w.facility]
    assert fac.received_t == pytest.approx(22.0)  # 11.8 + 6.2 + 4.0
    assert fac.capacity_use == pytest.approx(22.0 / 600)
    assert views[w.unlicensed].received_t == 0.0 and views[w.unlicensed].codes == ("HW18",)
    assert fac.methods == ("D10", "R9")


def test_scope_of_the_facility_list(engine, world):
    w = world
    with session_scope(engine) as s:
        ids = lambda sc: sorted(f.enterprise_id for f in facilities(s, sc))  # noqa: E731
        assert ids(PROVINCE) == ids(NINGBO) == sorted([w.facility, w.unlicensed])
        assert ids(HANGZHOU) == []
        assert ids(w.owner(w.producer)) == sorted([w.facility, w.unlicensed])  # the published list
