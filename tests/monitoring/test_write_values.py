"""registry.write_values: the one way the record domains store sampled values — one store
write, and each series' latest value advanced, never moved back by an older sample."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, LatestValue, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series, write_values
from qingshan.timeseries.store import ObservationStore


def test_write_values_stores_rows_and_advances_the_latest_value(session, tmp_path) -> None:
    store = ObservationStore(tmp_path / "observations")
    seed_regions(session)
    site = Site(code="GW-T1", name="GW-T1", kind=SiteKind.GROUNDWATER_WELL,
                control_level=ControlLevel.PROVINCIAL, region_code="330106")  # fmt: skip
    session.add(site)
    session.flush()
    sid = get_or_create_series(session, site, "w21003", Period.DAY, "mg/L").id
    may, june = datetime(2026, 5, 3, 16, tzinfo=UTC), datetime(2026, 6, 3, 16, tzinfo=UTC)
    kw = {"period": "day", "stream": "groundwater", "source": "t"}
    assert write_values(session, store, [], **kw) == 0
    assert write_values(session, store, [(sid, may, 0.4), (sid, june, 0.6)], **kw) == 2
    # May corrected: the store keeps the newer revision, the latest value stays June's
    assert write_values(session, store, [(sid, may, 0.1)], **kw) == 1
    lv = session.scalars(select(LatestValue).where(LatestValue.series_id == sid)).one()
    assert (lv.time.replace(tzinfo=UTC), lv.value, lv.source_flag) == (june, 0.6, "N")
    got = store.query(sid, may, datetime(2026, 7, 1, tzinfo=UTC), period="day")
    assert got["value"].tolist() == [0.1, 0.6]


def test_sampled_streams_are_not_rolled_up(session) -> None:
    """A well's day samples are not averaged into a month (the roll-ups' coverage rules are for
    continuous monitoring); a city water site's daily values are."""
    from qingshan.monitoring.registry import rollup_series_maps

    seed_regions(session)
    well = Site(code="GW-T2", name="GW-T2", kind=SiteKind.GROUNDWATER_WELL,
                control_level=ControlLevel.PROVINCIAL, region_code="330106")  # fmt: skip
    section = Site(code="WS-T2", name="WS-T2", kind=SiteKind.WATER_SECTION,
                   control_level=ControlLevel.PROVINCIAL, region_code="330106")  # fmt: skip
    session.add_all([well, section])
    session.flush()
    sampled = get_or_create_series(session, well, "w21003", Period.DAY, "mg/L").id
    continuous = get_or_create_series(session, section, "w21003", Period.DAY, "mg/L").id
    maps = rollup_series_maps(session, Period.DAY, Period.MONTH)
    assert continuous in maps["water"] and "groundwater" not in maps
    assert all(sampled not in m for m in maps.values())
