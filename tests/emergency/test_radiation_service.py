"""Radiation service on a real database: the register (refused without a reference date or with
an unknown nuclide, nothing stored; decay to a day), scope, position reports (API rows and CSV,
all or nothing), the job's excursion → alert → one case per excursion, the collection rate, and
dose-rate station series written to and read from the observation store with their flags."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.models import Enterprise, Industry
from qingshan.cases.models import CaseRecord
from qingshan.cases.service import CASES_SINK
from qingshan.db.engine import session_scope
from qingshan.emergency.radiation import service as svc
from qingshan.emergency.radiation.errors import ImportRejected, RadiationError, UnknownNuclide
from qingshan.emergency.radiation.models import RadiationAlert, RadiationPosition, RadiationSource
from qingshan.emergency.radiation.nuclides import nuclide
from qingshan.emergency.radiation.register import SourceInput
from qingshan.errors import PermissionDenied
from qingshan.geo.regions import seed_regions
from qingshan.platform.kpis import kpi_registry
from qingshan.qc.flags import Flag
from qingshan.targets.kpi import KpiValue, Period
from qingshan.timeseries.store import ObservationStore

NOW = datetime(2026, 6, 3, 2, 0, tzinfo=UTC)
TODAY = date(2026, 6, 3)
PROVINCE = Scope("330000", Role.PROVINCE, username="province")
XIHU = Scope("330106", Role.COUNTY, username="xihu")
NINGBO = Scope("330200", Role.CITY, username="ningbo")
FENCE = {"type": "Polygon", "coordinates": [[[120.10, 30.25], [120.14, 30.25], [120.14, 30.29],
                                             [120.10, 30.29], [120.10, 30.25]]]}  # fmt: skip


def _seed(engine) -> int:
    with session_scope(engine) as s:
        seed_regions(s)
        e = Enterprise(credit_code="91330106TEST00001X", name="杭州探伤检测有限公司",
                       industry=list(Industry)[0], region_code="330106")  # fmt: skip
        s.add(e)
        s.flush()
        return e.id


def _mobile(eid: int, code: str = "IR-001") -> SourceInput:
    return SourceInput(code, "Ir-192", 3.0e12, date(2026, 3, 1), "330106", status="mobile",
                       use="γ探伤", licence_no="浙环辐证[A0001]", enterprise_id=eid,
                       lon=120.12, lat=30.27)  # fmt: skip


def test_register_decay_and_refusals(engine) -> None:
    eid = _seed(engine)
    with session_scope(engine) as s:
        svc.register_source(s, XIHU, _mobile(eid), actor="xihu", now=NOW, fence=FENCE)
    with session_scope(engine) as s:
        v = svc.get_source(s, XIHU, "IR-001", on=TODAY)
        days = (TODAY - date(2026, 3, 1)).days
        assert v.activity_bq == pytest.approx(3.0e12 * 2 ** (-days / nuclide("Ir-192").half_life_d))
        assert v.category_at_reference == "II" and v.holder == "杭州探伤检测有限公司"
        with pytest.raises(PermissionDenied):
            svc.register_source(
                s, NINGBO, _mobile(eid, "IR-002"), actor="ningbo", now=NOW, fence=FENCE
            )
        with pytest.raises(RadiationError, match="reference_date: an activity needs"):
            svc.register_source(s, XIHU, SourceInput("X1", "Cs-137", 1e9, None, "330106"),
                                actor="xihu", now=NOW)  # fmt: skip
        with pytest.raises(UnknownNuclide, match="'U-235'"):
            svc.register_source(s, XIHU, SourceInput("X2", "U-235", 1e9, TODAY, "330106"),
                                actor="xihu", now=NOW)  # fmt: skip
        with pytest.raises(RadiationError, match="region_code: 339999 is not a county of Zhejiang"):
            svc.register_source(s, PROVINCE, SourceInput("X3", "Cs-137", 1e9, TODAY, "339999"),
                                actor="zj", now=NOW)  # fmt: skip
        with pytest.raises(RadiationError, match="fence: a mobile source needs"):
            svc.register_source(s, XIHU, _mobile(eid, "IR-003"), actor="xihu", now=NOW)
        with pytest.raises(RadiationError, match="code: a source 'IR-001' is already"):
            svc.register_source(s, XIHU, _mobile(eid), actor="xihu", now=NOW, fence=FENCE)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(RadiationSource)) == 1
        assert svc.list_sources(s, NINGBO, on=TODAY) == []  # out of Ningbo's region


def test_positions_alert_once_per_excursion_and_case(engine) -> None:
    eid = _seed(engine)
    with session_scope(engine) as s:
        svc.register_source(s, XIHU, _mobile(eid), actor="xihu", now=NOW, fence=FENCE)
    t = [NOW - timedelta(minutes=60 - 5 * i) for i in range(6)]
    inside, outside = (120.12, 30.27), (120.20, 30.27)
    rows = [{"source": "IR-001", "time": ti, "lon": p[0], "lat": p[1], "dose_usv_h": 1.2}
            for ti, p in zip(t, [inside, outside, outside, inside, outside, outside], strict=True)]  # fmt: skip
    with session_scope(engine) as s:
        with pytest.raises(ImportRejected, match=r"row 2: source: unknown source 'NOPE'"):
            svc.add_positions(
                s, XIHU, [rows[0], {**rows[1], "source": "NOPE"}], origin="api", now=NOW
            )
        assert svc.add_positions(s, XIHU, rows[:3], origin="api", now=NOW) == {
            "added": 3,
            "duplicates": 0,
        }
    with session_scope(engine) as s:
        run = svc.check_positions(s, CASES_SINK, now=NOW)
        assert (run["alerts_new"], run["cases"]) == (1, 1)
    with session_scope(engine) as s:  # the same excursion goes on: no new alert, no new case
        assert svc.add_positions(s, XIHU, rows[2:4], origin="api", now=NOW) == {
            "added": 1,
            "duplicates": 1,
        }
        run = svc.check_positions(s, CASES_SINK, now=NOW)
        assert (run["alerts_new"], run["alerts_ended"], run["cases"]) == (0, 1, 0)
    csv = "source,time,lon,lat,dose_usv_h\n" + "".join(
        f"IR-001,{r['time'].astimezone(UTC).isoformat()},{r['lon']},{r['lat']},1.2\n"
        for r in rows[4:]
    )
    with session_scope(engine) as s:
        with pytest.raises(RadiationError, match="missing column"):
            svc.import_positions_csv(s, XIHU, "source,time\n", now=NOW)
        assert svc.import_positions_csv(s, XIHU, csv, now=NOW)["added"] == 2
        run = svc.check_positions(s, CASES_SINK, now=NOW)
        assert (run["alerts_new"], run["cases"]) == (1, 1)  # a second excursion: a second case
    with session_scope(engine) as s:
        al = svc.alerts(s, XIHU)
        assert [(a.kind, a.reports, a.ended_at is None) for a, _ in al] == [
            ("fence", 2, True),
            ("fence", 2, False),
        ]
        assert all(a.case_ref for a, _ in al)
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 2
        assert s.scalar(select(func.count()).select_from(RadiationPosition).where(
            RadiationPosition.checked.is_(False))) == 0  # fmt: skip
        assert svc.alerts(s, NINGBO) == []
        assert s.scalar(select(func.count()).select_from(RadiationAlert)) == 2


def test_spent_sources_rate(engine) -> None:
    eid = _seed(engine)
    with session_scope(engine) as s:
        for i in range(4):
            svc.register_source(s, XIHU, SourceInput(f"CS-{i}", "Cs-137", 1e9, date(2010, 1, 1), "330106",
                                                     enterprise_id=eid), actor="xihu", now=NOW)  # fmt: skip
        for i in range(3):
            svc.mark_disused(s, XIHU, f"CS-{i}", date(2026, 1, 10), actor="xihu", now=NOW)
        svc.record_collection(s, XIHU, "CS-0", date(2026, 2, 1), "provincial_storage", "浙江省城市放射性废物库",
                              actor="xihu", now=NOW)  # fmt: skip
        svc.record_collection(s, XIHU, "CS-1", date(2026, 5, 1), "return_to_producer", "原生产单位",
                              actor="xihu", now=NOW)  # fmt: skip
        with pytest.raises(RadiationError, match="status: source CS-3 is not disused"):
            svc.record_collection(
                s, XIHU, "CS-3", TODAY, "provincial_storage", "库", actor="xihu", now=NOW
            )
        with pytest.raises(RadiationError, match="facility_kind: unknown 'landfill'"):
            svc.record_collection(s, XIHU, "CS-2", TODAY, "landfill", "x", actor="xihu", now=NOW)
    with session_scope(engine) as s:
        f = svc.spent_figures(s, "330000", on=TODAY)
        assert f == {"disused": 3, "collected": 2, "in_time": 1, "overdue": 1, "rate": 66.7}
        assert svc.spent_figures(s, "330200", on=TODAY)["rate"] is None
        kpi = kpi_registry().get("emergency.spent_sources_collected")
        half = Period(date(2026, 1, 1), TODAY)
        assert kpi.value(s, "330100", half) == KpiValue(66.7, "%", "2 / 3（逾期未收 1）")
        early = Period(date(2026, 1, 1), date(2026, 2, 1))  # one collected, none overdue yet
        assert kpi.value(s, "330106", early) == KpiValue(33.3, "%", "1 / 3（逾期未收 0）")
        assert kpi.value(s, "330200", half) is None  # no source disused in Ningbo: no data


def test_station_series_flags(engine, tmp_path) -> None:
    _seed(engine)
    store = ObservationStore(tmp_path / "obs")
    hours = pd.date_range(NOW - timedelta(days=60), NOW, freq="h", inclusive="left")
    rng = np.random.default_rng(3)
    dose = rng.normal(80.0, 3.0, len(hours))
    rain = np.zeros(len(hours))
    dose[-10] = 140.0  # a dry spike: investigate
    dose[-5], rain[-6] = 135.0, 2.0  # a bump an hour after rain: flagged rain
    with session_scope(engine) as s:
        site, ids = svc.ensure_station(
            s, "RAD330106-01", "西湖辐射站", "330106", 120.13, 30.26, reports_rain=True
        )
        frames = {ids[svc.DOSE_RATE]: pd.DataFrame({"time": hours, "value": dose}),
                  ids[svc.RAIN]: pd.DataFrame({"time": hours, "value": rain})}  # fmt: skip
        assert svc.write_station_hours(s, store, frames, source="t") == 2 * len(hours)
    with session_scope(engine) as s:
        [latest] = svc.stations_latest(s, XIHU)
        assert latest.value == pytest.approx(dose[-1]) and latest.reports_rain
        out = svc.station_series(s, store, XIHU, "RAD330106-01", now=NOW, days=7)
        flags = out["flags"]
        assert out["baseline"].level is not None and out["baseline"].level < 135.0
        assert Flag(flags.flag[-10]) is Flag.SUSPECT and not flags.rain[-10]
        assert Flag(flags.flag[-5]) is Flag.PASS and flags.rain[-5]
        assert len(out["times"]) == 7 * 24


def test_an_hour_out_of_the_fence_opens_one_incident(engine) -> None:
    from qingshan.emergency.incidents import service as incidents
    from qingshan.emergency.incidents.levels import judge
    from qingshan.emergency.incidents.models import EmergencyIncident

    eid = _seed(engine)
    with session_scope(engine) as s:
        svc.register_source(s, XIHU, _mobile(eid), actor="xihu", now=NOW, fence=FENCE)
    rows = [{"source": "IR-001", "time": NOW - timedelta(minutes=80 - 10 * i), "lon": 120.20, "lat": 30.27}
            for i in range(8)]  # fmt: skip
    with session_scope(engine) as s:
        svc.add_positions(
            s, XIHU, rows[:4], origin="api", now=NOW
        )  # 30 min out: a case, no incident
        run = svc.check_positions(s, CASES_SINK, now=NOW, open_incident=incidents.open_incident)
        assert (run["cases"], run["incidents"]) == (1, 0)
    with session_scope(engine) as s:
        svc.add_positions(s, XIHU, rows[4:], origin="api", now=NOW)  # 70 min out: the incident
        run = svc.check_positions(s, CASES_SINK, now=NOW, open_incident=incidents.open_incident)
        assert (run["cases"], run["incidents"]) == (0, 1)
    with session_scope(engine) as s:
        svc.add_positions(s, XIHU, [{**rows[-1], "time": NOW}], origin="api", now=NOW)
        assert (
            svc.check_positions(s, CASES_SINK, now=NOW, open_incident=incidents.open_incident)[
                "incidents"
            ]
            == 0
        )
        [inc] = s.scalars(select(EmergencyIncident)).all()
        [(alert, _)] = svc.alerts(s, XIHU)
        assert alert.incident_id == inc.id and inc.origin == "radiation"
        # a class II source out of control: the level the incidents' criteria give a lost class
        # I/II source (their data, [U]: not typed in here)
        assert inc.level == judge({"radiation_event": "class_I_II_lost"}).level
