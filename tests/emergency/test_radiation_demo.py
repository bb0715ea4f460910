"""The demo's radiation safety on the small demo province: stations with hourly series, the
register (mostly class IV/V, class II radiography sources mobile), the planted mobile source
that leaves its fence (an alert and a case), the disused sources mostly collected; a second
seeding adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.emergency.radiation import service as svc
from qingshan.emergency.radiation.models import RadiationSource
from qingshan.geo.counties import county_at
from qingshan.sim.demo_emergency_radiation import seed_demo_emergency_radiation
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")


def test_demo_radiation(small_demo_dir) -> None:
    settings = Settings(data_dir=small_demo_dir)
    engine = get_engine(settings.db_url)
    today = utcnow().date()
    with session_scope(engine) as s:
        stations = svc.stations_latest(s, PROVINCE)
        assert len(stations) >= 8 and all(st.value is not None for st in stations)
        assert all(county_at(st.lon, st.lat, tolerance_km=0.0) == st.region_code for st in stations)
        views = svc.list_sources(s, PROVINCE, on=today)
        assert len(views) == 120 and all(v.row.synthetic for v in views)
        counts = svc.category_counts(views)
        assert counts["IV"] + counts["V"] > 0.7 * sum(counts.values())
        mobile = [v for v in views if v.row.status == "mobile"]
        assert len(mobile) == 8 and {v.category for v in mobile} == {"II"}
        assert {v.row.nuclide for v in mobile} <= {"Ir-192", "Se-75"}
        [(alert, src)] = svc.alerts(s, PROVINCE)
        assert alert.kind == "fence" and alert.ended_at is None and alert.case_ref is not None
        assert src.region_code == "330106"  # the county account sees it
        assert [a.id for a, _ in svc.alerts(s, XIHU)] == [alert.id]
        case = s.get(CaseRecord, int(alert.case_ref))
        assert case is not None and case.category == "radiation"
        spent = svc.spent_figures(s, "330000", on=today)
        assert (spent["disused"], spent["collected"], spent["overdue"]) == (15, 13, 1)
        n = s.scalar(select(func.count()).select_from(RadiationSource))
    again = seed_demo_emergency_radiation(engine, ObservationStore(settings.observations_dir),
                                          now=utcnow(), sink=CASES_SINK)  # fmt: skip
    assert again is None
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(RadiationSource)) == n
