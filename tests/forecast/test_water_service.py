"""The water forecast's service on a database (SQLite and PostgreSQL) and an observation store:
an issue is stored as issued, a section forecast to miss its target opens exactly one case
(a re-run of the issue, or the next day's warning of the same section, adds none), and the
pages' reads see it within scope only."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.cases.models import CaseRecord
from qingshan.cases.sink import CasesSink
from qingshan.db.engine import session_scope
from qingshan.errors import NotFound
from qingshan.forecast.store import list_batches, read_forecasts
from qingshan.forecast.water_models import WaterWarning
from qingshan.forecast.water_queries import section_forecast, sections_overview, warning_list
from qingshan.forecast.water_service import CODES, issue_water_forecast
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import ensure_series
from qingshan.sim.noise import ar1
from qingshan.timeseries.store import ObservationStore

ISSUE = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # 08:00 CST
#: (code, region, target class, typical values DO, CODMn, NH3-N, TP [mg/L])
SECTIONS = (
    ("T01", "330106", "III", (8.0, 3.0, 0.3, 0.08)),  # class II: meets III
    ("T02", "330106", "II", (4.0, 8.0, 1.3, 0.25)),  # class IV on every indicator: misses II
    ("T03", "330212", "III", (7.0, 4.5, 0.6, 0.12)),  # Ningbo, meets III
)


@pytest.fixture
def world(engine, tmp_path):
    store = ObservationStore(tmp_path / "observations")
    rng = np.random.default_rng(5)
    times = pd.date_range("2026-01-01T00:00Z", "2026-03-01T00:00Z", freq="1h", inclusive="left")
    rows = []
    with session_scope(engine) as s:
        seed_regions(s)
        for code, region, target, typical in SECTIONS:
            site = Site(code=code, name=f"断面{code}", kind=SiteKind.WATER_SECTION,
                        control_level=ControlLevel.PROVINCIAL, region_code=region,
                        longitude=120.1, latitude=30.2,
                        attrs={"target_class": target, "water_body": "river"})  # fmt: skip
            s.add(site)
            s.flush()
            series = ensure_series(s, [(site.id, c, Period.HOUR, None) for c in CODES.values()])
            for c, level in zip(CODES.values(), typical, strict=True):
                sid = series[(site.id, c, Period.HOUR)].id
                noise = ar1(rng, (1, len(times)), 0.95, 0.08)[0]
                rows.append(pd.DataFrame({"series_id": sid, "time": times, "period": "hour",
                                          "value": np.round(level * np.exp(noise), 3)}))  # fmt: skip
    store.append(pd.concat(rows, ignore_index=True), "water")
    return engine, store, tmp_path


def _issue(engine, store, data_dir, when=ISSUE):
    sink = CasesSink(actor="forecast", registered_at=lambda r: r.occurred_at)
    with session_scope(engine) as s:
        return issue_water_forecast(s, store, data_dir, when, threshold=0.6, sink=sink)


def test_a_warning_opens_exactly_one_case(world):
    engine, store, data_dir = world
    first = _issue(engine, store, data_dir)
    assert first.written and first.sections == 3 and first.warnings == 1 and first.cases == 1
    again = _issue(engine, store, data_dir)  # the same issue re-run: stored as issued
    assert not again.written and again.warnings == 0 and again.cases == 0
    with session_scope(engine) as s:
        [w] = s.scalars(select(WaterWarning)).all()
        assert w.section_code == "T02" and w.miss_probability >= 0.6
        assert w.target_class == 2 and w.forecast_class == 4 and w.lead == 1
        assert w.source_key == "forecast-water:T02:20260301T0000Z"
        case = s.get(CaseRecord, w.case_id)
        assert case.region_code == "330106" and case.category == "water_pollution"
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1
        assert w.evidence["target_class"] == "II" and len(w.evidence["days"]) == 7
        assert w.evidence["days"][0]["indicators"]["CODMn"]["limit"] == 4.0  # GB 3838 II
    # the next day's warning of the same section joins its open case
    nxt = _issue(engine, store, data_dir, datetime(2026, 3, 2, 0, 0, tzinfo=UTC))
    assert nxt.warnings == 1 and nxt.cases == 1
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(WaterWarning)) == 2
        assert s.scalar(select(func.count()).select_from(CaseRecord)) == 1
    assert [t.isoformat() for t in list_batches(data_dir, "section_water")] == [
        "2026-03-01T00:00:00+00:00", "2026-03-02T00:00:00+00:00",
    ]  # fmt: skip
    rows = read_forecasts(data_dir, "section_water", target_ids=["T01"], variables=["CODMn"])
    day = rows[(rows["period"] == "day") & (rows["issued_at"] == pd.Timestamp(ISSUE))]
    assert sorted(day["quantile"].unique()) == [0.05, 0.1, 0.5, 0.9, 0.95]
    assert len(day) == 7 * 5
    med = day[day["quantile"] == 0.5]["value"]
    assert ((med > 2.0) & (med < 4.5)).all()  # around its level of 3 mg/L


def test_pages_read_within_scope(world):
    engine, store, data_dir = world
    _issue(engine, store, data_dir)
    xihu, ningbo = Scope("330106", Role.COUNTY), Scope("330200", Role.CITY)
    with session_scope(engine) as s:
        ov = sections_overview(s, xihu, data_dir, 0.6)
        assert [x["code"] for x in ov["sections"]] == ["T01", "T02"]
        t02 = ov["sections"][1]
        assert t02["target_class"] == "II" and t02["class_tomorrow"] == "IV"
        assert t02["p_miss_max"] >= 0.6 and ov["sections"][0]["p_miss_max"] < 0.6
        detail = section_forecast(s, xihu, data_dir, store, "T02")
        assert len(detail["daily"]["TP"]) == 7 and len(detail["hourly"]["TP"]) == 24
        assert [i["target_limit"] for i in detail["indicators"]] == [6.0, 4.0, 0.5, 0.1]
        assert detail["miss"][0]["forecast_class"] == "IV"
        with pytest.raises(NotFound, match="T02"):
            section_forecast(s, ningbo, data_dir, store, "T02")
        assert warning_list(s, ningbo)["total"] == 0
        [item] = warning_list(s, xihu)["items"]
        assert item["section_code"] == "T02" and item["case_id"] is not None
