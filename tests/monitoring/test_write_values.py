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
