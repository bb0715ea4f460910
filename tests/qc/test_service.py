"""Marks, stored judgements, late-mark re-judgement, replay and cases on SQLite and PostgreSQL."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.db.engine import session_scope
from qingshan.geo.models import Region, RegionLevel
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.qc import service
from qingshan.qc.errors import MarkOverlap, QCError
from qingshan.qc.jobs import rejudge_for_mark
from qingshan.qc.models import QCEvent, QCJudgement
from qingshan.qc.supervision import CaseReport, CaseSink
from qingshan.timeseries.store import ObservationStore

UTC = "UTC"
T0 = pd.Timestamp("2024-03-01 00:00", tz=UTC)
WINDOW = (T0.to_pydatetime(), (T0 + pd.Timedelta(hours=12)).to_pydatetime())
LIMITS = {"a21026": {"limit": 35.0, "standard": "GB 13223-2011 超低排放", "source": "permit"}}


class RecordingSink:
    """A :class:`CaseSink` keeping the reports it is given (the latest per source key)."""

    def __init__(self) -> None:
        self.reports: dict[tuple[str, str], CaseReport] = {}

    def open_case(self, session, report: CaseReport) -> int:
        self.reports[(report.source, report.source_key)] = report
        return list(self.reports).index((report.source, report.source_key)) + 1

    def exceedances(self) -> list[CaseReport]:
        return [r for (src, _), r in self.reports.items() if src == "qc_exceedance"]


def _site(session) -> int:
    session.add(
        Region(code="330000", name="浙江省", name_en="Zhejiang", level=RegionLevel("province"))
    )
    site = Site(
        code="GAS1",
        name="一号锅炉排口",
        kind=SiteKind.GAS_OUTLET,
        control_level=ControlLevel.ENTERPRISE,
        region_code="330000",
        attrs={"source_type": "coal_boiler_ultralow"},
    )
    session.add(site)
    session.flush()
    return site.id


def _frame() -> pd.DataFrame:
    """12 hourly SO2 values at 6 % O2 (so converted = measured); hours 3–5 at 70 (超标1倍)."""
    t = pd.date_range(T0, periods=12, freq="h")
    so2 = np.array([20, 21, 19, 70, 70, 70, 22, 20, 18, 21, 20, 19.5])
    o2 = np.full(12, 6.0) + np.arange(12) * 0.01
    return pd.concat(
        [
            pd.DataFrame({"time": t, "parameter": "a21026", "value": so2, "flag": "N"}),
            pd.DataFrame({"time": t, "parameter": "a19001", "value": o2, "flag": "N"}),
        ],
        ignore_index=True,
    )


def _store(session, site_id: int, tmp_path) -> ObservationStore:
    """The observations of :func:`_frame` in an observation store, on registered series."""
    store = ObservationStore(tmp_path / "observations")
    site = session.get(Site, site_id)
    ids = {
        c: get_or_create_series(session, site, c, Period.HOUR, u).id
        for c, u in (("a21026", "mg/m³"), ("a19001", "%"))
    }
    f = _frame()
    rows = pd.DataFrame(
        {
            "series_id": f["parameter"].map(ids),
            "time": f["time"],
            "period": "hour",
            "value": f["value"],
            "raw_value": f["value"],
            "source_flag": f["flag"],
            "source": "test",
        }
    )
    store.append(rows, "gas_outlet")
    return store


def test_judge_store_event_case_late_mark_and_replay(engine, tmp_path):
    sink = RecordingSink()
    with session_scope(engine) as s:
        site_id = _site(s)
        j1, v = service.judge_site(
            s,
            _frame(),
            site_id=site_id,
            window=WINDOW,
            industry="thermal_power",
            source_type="coal_boiler_ultralow",
            limits=LIMITS,
            now=T0 + pd.Timedelta(days=1),
            sink=sink,
        )
        assert j1.revision == 1 and j1.rule_version == "thermal_power/2023.1"
        ev = s.scalars(select(QCEvent)).all()
        assert len(ev) == 1 and ev[0].periods == 3
        assert ev[0].max_multiple == pytest.approx((70 * 15 / (21 - 6.05) - 35) / 35, rel=1e-6)
        [report] = sink.exceedances()
        assert "超标" in report.title and report.evidence["rule"]["limit"] == 35.0
        assert (report.region_code, report.site_id, report.category, report.severity) == (
            "330000",
            site_id,
            "emission_exceedance",
            "major",  # 超标1.1倍 ≥ 1
        )
        assert (
            len(report.evidence["series"]) == 12
        )  # 3 event hours ± 6 h of context, clipped to the data
        assert report.evidence["judgement_id"] == j1.id and "rejudged" not in report.evidence
        # judged again with the same data: a new revision, still one case
        j2, _ = service.judge_site(
            s,
            _frame(),
            site_id=site_id,
            window=WINDOW,
            industry="thermal_power",
            source_type="coal_boiler_ultralow",
            limits=LIMITS,
            trigger="manual",
            sink=sink,
        )
        assert j2.revision == 2 and s.get(QCJudgement, j1.id).superseded_by == j2.id
        [report] = sink.exceedances()  # the same key: the same case
        assert report.evidence["rejudged"] == [j2.id]
        # a late 故障 mark over the exceeding hours: re-judged, no event, earlier judgements kept
        mark = service.add_mark(
            s,
            site_id=site_id,
            kind="故障",
            start=(T0 + pd.Timedelta(hours=3)).to_pydatetime(),
            end=(T0 + pd.Timedelta(hours=6)).to_pydatetime(),
            created_by="企业A",
            proof=["file-1"],
        )
        new = rejudge_for_mark(s, _store(s, site_id, tmp_path), mark)
        assert len(new) == 1 and new[0].trigger == "late_mark" and new[0].revision == 3
        assert new[0].summary["a21026"]["exceeding_periods"] == 0
        assert s.scalar(select(func.count()).select_from(QCJudgement)) == 3
        assert len(sink.exceedances()) == 1  # the case module decides its fate
        # replay the first judgement from stored inputs and rule version
        r = service.replay(s, j1.id, _frame())
        assert r == {
            "judgement_id": j1.id,
            "rule_version": "thermal_power/2023.1",
            "inputs_match": True,
            "summary_match": True,
        }
        bad = _frame()
        bad.loc[0, "value"] = 99.0
        with pytest.raises(
            QCError, match=f"judgement {j1.id}: the observations given differ from those judged"
        ):
            service.replay(s, j1.id, bad)


def test_marks_overlap_and_revoke(engine):
    with session_scope(engine) as s:
        site_id = _site(s)
        a = service.add_mark(
            s,
            site_id=site_id,
            kind="停运",
            start=T0.to_pydatetime(),
            end=(T0 + pd.Timedelta(hours=5)).to_pydatetime(),
            created_by="u1",
        )
        with pytest.raises(MarkOverlap, match=f"overlaps mark #{a.id} 停运"):
            service.add_mark(
                s,
                site_id=site_id,
                kind="故障",
                start=(T0 + pd.Timedelta(hours=4)).to_pydatetime(),
                end=(T0 + pd.Timedelta(hours=8)).to_pydatetime(),
                created_by="u1",
            )
        service.revoke_mark(s, a.id, by="u1")
        b = service.add_mark(
            s,
            site_id=site_id,
            kind="故障",
            start=(T0 + pd.Timedelta(hours=4)).to_pydatetime(),
            end=(T0 + pd.Timedelta(hours=8)).to_pydatetime(),
            created_by="u1",
        )
        assert [m.id for m in service.site_marks(s, site_id)] == [b.id]
        from qingshan.errors import NotFound

        with pytest.raises(NotFound, match=f"no active mark {a.id}"):
            service.revoke_mark(s, a.id, by="u1")


def test_sinks_are_case_sinks():
    from qingshan.cases.service import CASES_SINK

    assert isinstance(RecordingSink(), CaseSink) and isinstance(CASES_SINK, CaseSink)


def test_without_a_sink_events_are_stored_and_no_case_is_opened(engine):
    with session_scope(engine) as s:
        site_id = _site(s)
        service.judge_site(s, _frame(), site_id=site_id, window=WINDOW, industry="thermal_power",
                           source_type="coal_boiler_ultralow", limits=LIMITS)  # fmt: skip
        assert s.scalar(select(func.count()).select_from(QCEvent)) == 1
