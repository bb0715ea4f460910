"""The bulk judging path (:func:`qingshan.qc.jobs.judge_windows`, what the ``qc`` job and
``qingshan batch qc`` call) stores what :func:`~qingshan.qc.jobs.judge_window` one outlet and
one window at a time stores, on SQLite and PostgreSQL."""

import numpy as np
import pandas as pd
from sqlalchemy import select

from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.qc import service
from qingshan.qc.jobs import day_windows, judge_window, judge_windows, load_outlets, read_frames
from qingshan.qc.models import QCEvent, QCJudgement
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

DAY1 = pd.Timestamp("2026-03-01", tz=CST)
NOW = (DAY1 + pd.Timedelta(days=2)).tz_convert("UTC").to_pydatetime()


def _outlets(engine, store: ObservationStore) -> dict[str, int]:
    """Two sets (A, B) of three ultra-low coal outlets (SO2 35 mg/m³ at 6 % O2, GB 13223 /
    环发〔2015〕164号), B a copy of A's observations, two CST days each: outlet 1 with SO2 at
    70 across CST midnight (one event over two windows), outlet 2 clean, outlet 3 with SO2
    flat at 20 for both days (flat line) and NOx 100 on three hours of day 2."""
    t = pd.date_range(DAY1, periods=48, freq="h").tz_convert("UTC")
    base = 5 + np.arange(48) % 3 * 1.0
    o2 = 6.0 + np.arange(48) % 2 * 0.02
    so2_1 = base.copy()
    so2_1[[22, 23, 24, 25, 26]] = 70.0
    nox_3 = base.copy()
    nox_3[[30, 31, 32]] = 100.0
    data = {
        1: {"a21026": so2_1, "a21002": base, "a19001": o2},
        2: {"a21026": base, "a21002": base + 1, "a19001": o2},
        3: {"a21026": np.full(48, 20.0), "a21002": nox_3, "a19001": o2},
    }
    units = {"a21026": "mg/m³", "a21002": "mg/m³", "a19001": "%"}
    sites: dict[str, int] = {}
    frames = []
    with session_scope(engine) as s:
        seed_regions(s)
        for prefix in ("A", "B"):
            for n, values in data.items():
                site = Site(
                    code=f"{prefix}{n}",
                    name=f"{prefix}{n} 锅炉排口",
                    kind=SiteKind.GAS_OUTLET,
                    control_level=ControlLevel.ENTERPRISE,
                    region_code="330106",
                    attrs={"source_type": "coal_boiler_ultralow", "reference_o2": 6.0},
                )
                s.add(site)
                s.flush()
                sites[site.code] = site.id
                for code, v in values.items():
                    sid = get_or_create_series(s, site, code, Period.HOUR, units[code]).id
                    frames.append(pd.DataFrame({"series_id": sid, "time": t, "value": v}))
    rows = pd.concat(frames).assign(period="hour", raw_value=lambda d: d["value"], source_flag="N")
    store.append(rows, "gas_outlet")
    return sites


def _stored(engine, site_id: int) -> tuple[list[tuple], list[tuple], int]:
    """An outlet's judgements and events as comparable rows (ids, the site id and the marks'
    ids left out, event keys with the site id cut off), and the number of its cases."""
    with session_scope(engine) as s:
        js = s.scalars(
            select(QCJudgement)
            .where(QCJudgement.site_id == site_id)
            .order_by(QCJudgement.window_start, QCJudgement.revision)
        ).all()
        judgements = [
            (j.window_start, j.window_end, j.revision, j.trigger, j.industry, j.rule_version,
             j.inputs_digest, [{**m, "id": None} for m in j.marks], j.limits, j.source_type, j.summary, j.created_at,
             j.superseded_by is None)
            for j in js
        ]  # fmt: skip
        evs = s.scalars(
            select(QCEvent).where(QCEvent.site_id == site_id).order_by(QCEvent.start)
        ).all()
        events = [
            (e.parameter_code, e.event_key.split(":", 1)[1], e.start, e.end, e.periods,
             e.max_value, e.max_multiple, e.limit, e.standard, e.limit_source)
            for e in evs
        ]  # fmt: skip
        cases = len(
            s.execute(
                select(CaseRecord.id)
                .join(CaseSource, CaseSource.case_id == CaseRecord.id)
                .where(CaseRecord.site_id == site_id)
                .distinct()
            ).all()
        )
    return judgements, events, cases


def test_bulk_equals_one_by_one(engine, tmp_path):
    store = ObservationStore(Settings(data_dir=tmp_path, secret_key="x" * 32).observations_dir)
    sites = _outlets(engine, store)
    windows = day_windows(DAY1.tz_convert("UTC"), NOW)
    assert len(windows) == 2
    with session_scope(engine) as s:
        metas = {m.code: m for m in load_outlets(s)}
    frames = read_frames(store, list(metas.values()), windows[0][0], windows[-1][1])

    def one_by_one() -> int:
        n = 0
        for code in ("A1", "A2", "A3"):
            with session_scope(engine) as s:
                for w in windows:
                    m = metas[code]
                    n += (
                        judge_window(s, m, frames[m.site_id], w, now=NOW, sink=CASES_SINK)
                        is not None
                    )
        return n

    def bulk() -> list:
        outlets = [(metas[c], frames[metas[c].site_id], None) for c in ("B1", "B2", "B3")]
        # two outlets a transaction: the event across midnight of B1 is found in its own
        # transaction, B3's verdicts in the next one
        return judge_windows(engine, outlets, windows, now=NOW, sink=CASES_SINK, per_transaction=2)

    assert one_by_one() == 6
    stored = bulk()
    assert [(j.site_id, j.window) for j in stored] == [
        (sites[c], w) for c in ("B1", "B2", "B3") for w in windows
    ]
    assert sum(j.events for j in stored) == 3  # SO2 of B1 on both days, NOx of B3 on day 2
    for n in (1, 2, 3):
        a, b = _stored(engine, sites[f"A{n}"]), _stored(engine, sites[f"B{n}"])
        assert a == b, f"outlet {n}"
    a_judgements, a_events, a_cases = _stored(engine, sites["A1"])
    assert len(a_judgements) == 2 and a_cases == 1  # one case for the run across midnight
    assert {e[1] for e in a_events} == {"a21026:2026-03-01T14:00:00+00:00"}
    # again: the same inputs, marks and rules → nothing stored, by either path
    assert one_by_one() == 0 and bulk() == []
    # a mark on one outlet of each set: only that outlet's windows it touches are judged again
    for code in ("A3", "B3"):
        with session_scope(engine) as s:
            service.add_mark(
                s,
                site_id=sites[code],
                kind="故障",
                start=(DAY1 + pd.Timedelta(hours=30)).tz_convert("UTC").to_pydatetime(),
                end=(DAY1 + pd.Timedelta(hours=33)).tz_convert("UTC").to_pydatetime(),
                created_by="ent",
                now=NOW,
            )
    assert one_by_one() == 1
    assert [(j.site_id, j.window, j.events) for j in bulk()] == [(sites["B3"], windows[1], 0)]
    for n in (1, 2, 3):
        assert _stored(engine, sites[f"A{n}"]) == _stored(engine, sites[f"B{n}"]), f"outlet {n}"
    a_judgements, _, _ = _stored(engine, sites["A3"])
    assert [(j[2], j[-1]) for j in a_judgements] == [(1, True), (1, False), (2, True)]
