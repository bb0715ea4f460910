"""The station registry (ORM, both backends): a station with its lines; a second one with the
same code is refused by name; listing by region prefix."""

from __future__ import annotations

import pytest

from qingshan.geo.regions import seed_regions
from qingshan.vehicles.errors import VehicleError
from qingshan.vehicles.service import add_station, list_stations


def test_station_with_lines_and_scope(session):
    seed_regions(session)
    st = add_station(session, station_code="IM33010601", name="西湖检测站", region_code="330106",
                     lines=["asm,vmas", "lug_down,free_accel"])  # fmt: skip
    add_station(
        session, station_code="IM33020001", name="宁波检测站", region_code="330200", lines=["asm"]
    )
    session.flush()
    assert sorted(st_lines(session, st.id)) == [
        (1, "asm,vmas"),
        (2, "lug_down,free_accel"),
    ]
    assert [s.station_code for s in list_stations(session, region_prefix="3301")] == ["IM33010601"]
    assert len(list_stations(session)) == 2
    with pytest.raises(VehicleError, match="station 'IM33010601' is already registered"):
        add_station(session, station_code="IM33010601", name="x", region_code="330106", lines=[])


def st_lines(session, station_id):
    from sqlalchemy import select

    from qingshan.vehicles.models import VehicleTestLine

    rows = session.scalars(select(VehicleTestLine).where(VehicleTestLine.station_id == station_id))
    return [(r.line_no, r.methods) for r in rows]
