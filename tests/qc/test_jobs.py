"""The ``qc`` job and late-mark re-judgement on a real database and observation store."""

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.cases.models import CaseRecord, CaseSource
from qingshan.cases.service import CASES_SINK
from qingshan.config import Settings
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.jobs.job import JobContext
from qingshan.jobs.runner import run_job
from qingshan.monitoring.models import ControlLevel, Period, Site, SiteKind
from qingshan.monitoring.registry import get_or_create_series
from qingshan.platform import jobs as platform_jobs
from qingshan.platform.jobs import JOBS
from qingshan.qc import service
from qingshan.qc.jobs import day_windows, load_outlets, read_frames, rejudge_for_mark, run_qc
from qingshan.qc.models import QCEvent, QCJudgement
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow


def _exceedance_cases(s) -> list[tuple[CaseRecord, CaseSource]]:
    """The cases QC's exceedance reports opened (through the registry's sink), with their
    report."""
    rows = s.execute(
        select(CaseRecord, CaseSource)
        .join(CaseSource, CaseSource.case_id == CaseRecord.id)
        .where(CaseSource.source == "qc_exceedance")
        .order_by(CaseRecord.id)
    )
    return [(c, r) for c, r in rows]


def _setup(engine, tmp_path):
    """One ultra-low coal outlet (SO2 limit 35 mg/m³ at 6 % O2, from GB 13223 / 环发〔2015〕164号
    via the standards library) with yesterday's 24 CST hours: SO2 20–22 except hours 3–5 at 70
    measured at O2 6 % (converted 70 → 超标1倍), and an air station the job must leave alone."""
    settings = Settings(data_dir=tmp_path, secret_key="x" * 32)
    store = ObservationStore(settings.observations_dir)
    day0 = pd.Timestamp(utcnow()).tz_convert(CST).normalize() - pd.Timedelta(days=1)
    t = pd.date_range(day0, periods=24, freq="h").tz_convert("UTC")
    so2 = 20 + np.arange(24) % 3 * 1.0
    so2[3:6] = 70.0
    o2 = np.full(24, 6.0)
    with session_scope(engine) as s:
        seed_regions(s)
        site = Site(
            code="GAS1",
            name="一号锅炉排口",
            kind=SiteKind.GAS_OUTLET,
            control_level=ControlLevel.ENTERPRISE,
            region_code="330106",
            attrs={"source_type": "coal_boiler_ultralow", "reference_o2": 6.0},
        )
        air = Site(
            code="AIR1",
            name="测试站",
            kind=SiteKind.AIR_STATION,
            control_level=ControlLevel.PROVINCIAL,
            region_code="330106",
        )
        s.add_all([site, air])
        s.flush()
        ids = {
            c: get_or_create_series(s, site, c, Period.HOUR, u).id
            for c, u in (("a21026", "mg/m³"), ("a19001", "%"))
        }
        get_or_create_series(s, air, "a34004", Period.HOUR, "µg/m³")
        site_id = site.id
    rows = pd.concat(
        [
            pd.DataFrame({"series_id": ids["a21026"], "time": t, "value": so2}),
            pd.DataFrame(
                {"series_id": ids["a19001"], "time": t, "value": o2 + np.arange(24) * 0.01}
            ),
        ]
    ).assign(period="hour", raw_value=lambda d: d["value"], source_flag="N")
    store.append(rows, "gas_outlet")
    return settings, store, site_id, day0


def test_qc_job_is_registered():
    assert JOBS["qc"].func is platform_jobs.qc  # run_qc with the cases' sink


def test_day_windows_are_cst_days():
    w = day_windows(
        pd.Timestamp("2026-03-01 20:00", tz="UTC"), pd.Timestamp("2026-03-02 17:00", tz="UTC")
    )
    # 2026-03-02 04:00 CST … 2026-03-03 01:00 CST → the CST days 03-02 and 03-03
    assert [a.isoformat() for a, _ in w] == [
        "2026-03-01T16:00:00+00:00",
        "2026-03-02T16:00:00+00:00",
    ]
    assert all((b - a).total_seconds() == 86400 for a, b in w)


def test_run_qc_judges_stores_opens_cases_idempotently(engine, tmp_path):
    settings, store, site_id, day0 = _setup(engine, tmp_path)
    ctx = JobContext(settings=settings, engine=engine)
    run = run_job(JOBS["qc"], ctx)
    assert run.status == "ok" and run.message.startswith(
        "1 judgements stored (1 events) for 1 outlets"
    )
    with session_scope(engine) as s:
        j = s.scalars(select(QCJudgement)).one()
        assert j.window_start == day0.tz_convert("UTC").to_pydatetime() and j.trigger == "scheduled"
        assert j.limits["a21026"]["limit"] == 35.0 and j.limits["a21026"]["source"] == "national"
        assert j.limits["a21026"]["reference_o2"] == 6.0
        ev = s.scalars(select(QCEvent)).one()
        # 70 × (21 − 6)/(21 − 6.03…6.05): max at hour 5 (O2 6.05) → 70 × 15 / 14.95 = 70.234
        assert ev.periods == 3 and ev.max_value == pytest.approx(70 * 15 / 14.95)
        assert ev.max_multiple == pytest.approx((70 * 15 / 14.95 - 35) / 35)
        [(case, report)] = _exceedance_cases(s)
        assert report.source_key == ev.event_key and case.site_id == site_id
    # re-running: same inputs, same marks, same rules → nothing new, no second case
    assert run_qc(ctx, store=store).startswith("0 judgements stored")
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(QCJudgement)) == 1
        assert len(_exceedance_cases(s)) == 1
    # a late mark (故障 over the exceeding hours) → judged again, old verdict kept, same case
    with session_scope(engine) as s:
        mark = service.add_mark(
            s,
            site_id=site_id,
            kind="故障",
            start=(day0 + pd.Timedelta(hours=3)).tz_convert("UTC").to_pydatetime(),
            end=(day0 + pd.Timedelta(hours=6)).tz_convert("UTC").to_pydatetime(),
            created_by="ent",
        )
        [new] = rejudge_for_mark(s, store, mark, sink=CASES_SINK)
        assert (new.revision, new.trigger) == (2, "late_mark")
        assert new.summary["a21026"]["exceeding_periods"] == 0  # 故障 hours are invalid
        old = s.scalars(select(QCJudgement).where(QCJudgement.revision == 1)).one()
        assert old.superseded_by == new.id and old.summary["a21026"]["exceeding_periods"] == 3
        assert len(_exceedance_cases(s)) == 1
    # the job sees the mark already judged: nothing new
    assert run_qc(ctx, store=store).startswith("0 judgements stored")


def test_bulk_read_one_scan_per_stream(engine, tmp_path, monkeypatch):
    settings, store, site_id, day0 = _setup(engine, tmp_path)
    calls = []
    orig = store.scan
    monkeypatch.setattr(store, "scan", lambda *a, **k: calls.append(k["streams"]) or orig(*a, **k))
    with session_scope(engine) as s:
        metas = load_outlets(s)
    assert [m.code for m in metas] == ["GAS1"]  # outlets only
    frames = read_frames(store, metas, None, None)
    assert calls == [["gas_outlet"]]
    f = frames[site_id]
    assert len(f) == 48 and set(f["parameter"]) == {"a21026", "a19001"}


def test_rejudge_without_judgements_does_nothing(engine, tmp_path):
    settings, store, site_id, day0 = _setup(engine, tmp_path)
    with session_scope(engine) as s:
        mark = service.add_mark(
            s,
            site_id=site_id,
            kind="停运",
            start=day0.tz_convert("UTC").to_pydatetime(),
            end=(day0 + pd.Timedelta(hours=2)).tz_convert("UTC").to_pydatetime(),
            created_by="ent",
        )
        assert rejudge_for_mark(s, store, mark) == []


def test_event_across_cst_midnight_is_one_case(engine, tmp_path):
    """One outlet (ultra-low coal: SO2 35, NOx 50, PM 10 mg/m³ at 6 % O2), O2 at 6.00/6.02 %
    so the converted value is the measured one × 15/15 or 15/14.98, two CST days judged as two
    windows:

    - SO2 70 (超标1倍) at CST 22:00–24:00 of day 1 and 00:00–03:00 of day 2: one run across
      midnight → one case, 2 + 3 = 5 periods, 14:00–19:00 UTC;
    - NOx 100 (超标1倍) at 21:00–23:00 and 00:00–02:00: one compliant hour between, within the
      pack's ``max_gap_points`` = 1 → the same event, one case of 4 periods;
    - PM 20 at 21:00–23:00 and 01:00–03:00: two compliant hours between → two events, two cases.
    """
    settings = Settings(data_dir=tmp_path, secret_key="x" * 32)
    store = ObservationStore(settings.observations_dir)
    day1 = pd.Timestamp("2026-03-01", tz=CST)
    t = pd.date_range(day1, periods=48, freq="h").tz_convert("UTC")
    base = 5 + np.arange(48) % 3 * 1.0
    so2, nox, pm = base.copy(), base.copy(), base.copy() / 2
    so2[[22, 23, 24, 25, 26]] = 70.0
    nox[[21, 22, 24, 25]] = 100.0
    pm[[21, 22, 25, 26]] = 20.0
    with session_scope(engine) as s:
        seed_regions(s)
        site = Site(
            code="GAS2",
            name="二号锅炉排口",
            kind=SiteKind.GAS_OUTLET,
            control_level=ControlLevel.ENTERPRISE,
            region_code="330106",
            attrs={"source_type": "coal_boiler_ultralow", "reference_o2": 6.0},
        )
        s.add(site)
        s.flush()
        ids = {
            c: get_or_create_series(s, site, c, Period.HOUR, u).id
            for c, u in (("a21026", "mg/m³"), ("a21002", "mg/m³"), ("a34013", "mg/m³"),
                         ("a19001", "%"))
        }  # fmt: skip
        site_id = site.id
    o2 = 6.0 + np.arange(48) % 2 * 0.02  # not flat (a flat O2 is FAIL, its hours invalid)
    values = {"a21026": so2, "a21002": nox, "a34013": pm, "a19001": o2}
    rows = pd.concat(
        [pd.DataFrame({"series_id": ids[c], "time": t, "value": v}) for c, v in values.items()]
    ).assign(period="hour", raw_value=lambda d: d["value"], source_flag="N")
    store.append(rows, "gas_outlet")
    ctx = JobContext(settings=settings, engine=engine)
    now = (day1 + pd.Timedelta(days=2)).tz_convert("UTC").to_pydatetime()
    assert run_qc(ctx, store=store, now=now, sink=CASES_SINK).startswith(
        "2 judgements stored (6 events)"
    )

    def cases():
        with session_scope(engine) as s:
            return {
                (c.parameter_code, r.payload["event"]["start"]): (
                    r.payload["event"],
                    [(p["start"], p["end"], p["periods"]) for p in r.payload["parts"]],
                    c.title,
                )
                for c, r in _exceedance_cases(s)
            }

    got = cases()
    assert sorted(got) == [
        ("a21002", "2026-03-01T13:00:00+00:00"),
        ("a21026", "2026-03-01T14:00:00+00:00"),
        ("a34013", "2026-03-01T13:00:00+00:00"),
        ("a34013", "2026-03-01T17:00:00+00:00"),
    ]
    ev, parts, title = got[("a21026", "2026-03-01T14:00:00+00:00")]
    assert ev["end"] == "2026-03-01T19:00:00+00:00" and ev["periods"] == 5 and ev["windows"] == 2
    assert ev["max_value"] == pytest.approx(70 * 15 / 14.98)  # an hour at O2 6.02 %
    assert ev["max_multiple"] == pytest.approx(70 * 15 / 14.98 / 35 - 1, abs=1e-4)
    assert parts == [
        ("2026-03-01T14:00:00+00:00", "2026-03-01T16:00:00+00:00", 2),
        ("2026-03-01T16:00:00+00:00", "2026-03-01T19:00:00+00:00", 3),
    ]
    assert title.endswith("起 5 个时段)")
    ev, parts, _ = got[("a21002", "2026-03-01T13:00:00+00:00")]
    assert (ev["end"], ev["periods"]) == ("2026-03-01T18:00:00+00:00", 4)
    # the two stored events of the SO2 run share the first window's key
    with session_scope(engine) as s:
        keys = s.scalars(select(QCEvent.event_key).where(QCEvent.parameter_code == "a21026"))
        assert set(keys) == {f"{site_id}:a21026:2026-03-01T14:00:00+00:00"}
    # judged again: nothing new
    assert run_qc(ctx, store=store, now=now, sink=CASES_SINK).startswith("0 judgements stored")
    assert cases() == got
    # a late 故障 mark over CST 02:00–03:00 of day 2: day 2 judged again, the SO2 event is
    # now 2 + 2 = 4 periods ending 18:00 UTC — still one case, its day-2 part replaced
    with session_scope(engine) as s:
        mark = service.add_mark(
            s,
            site_id=site_id,
            kind="故障",
            start=(day1 + pd.Timedelta(hours=26)).tz_convert("UTC").to_pydatetime(),
            end=(day1 + pd.Timedelta(hours=27)).tz_convert("UTC").to_pydatetime(),
            created_by="ent",
        )
        [new] = rejudge_for_mark(s, store, mark, now=now, sink=CASES_SINK)
        assert new.window_start == (day1 + pd.Timedelta(days=1)).tz_convert("UTC").to_pydatetime()
    after = cases()
    assert sorted(after) == sorted(got)
    ev, parts, title = after[("a21026", "2026-03-01T14:00:00+00:00")]
    assert (ev["end"], ev["periods"]) == ("2026-03-01T18:00:00+00:00", 4)
    assert parts[1] == ("2026-03-01T16:00:00+00:00", "2026-03-01T18:00:00+00:00", 2)
    assert title.endswith("起 4 个时段)")
    with session_scope(engine) as s:
        assert len(_exceedance_cases(s)) == 4
    assert run_qc(ctx, store=store, now=now).startswith("0 judgements stored")


def test_job_judges_hours_on_their_minute_data(engine, tmp_path):
    """An outlet with hourly SO2 70 (超标1倍) at CST 00:00–04:00 and 10-minute SO2 data for
    those hours: 6, 5, 4, 6 values (60, 50, 40, 60 valid minutes) → hour 2 is invalid
    (HJ 75-2017: < 45), neither exceeding nor compliant; hours 0, 1 and 3 exceed and, one
    invalid hour apart (``max_gap_points`` = 1), make one event of 3 periods. The late minute
    of hour 2 re-judges the day: 4 exceeding hours."""
    settings = Settings(data_dir=tmp_path, secret_key="x" * 32)
    store = ObservationStore(settings.observations_dir)
    day1 = pd.Timestamp("2026-03-01", tz=CST)
    t = pd.date_range(day1, periods=24, freq="h").tz_convert("UTC")
    so2 = np.full(24, 10.0) + np.arange(24) % 3
    so2[:4] = 70.0
    o2 = 6.0 + np.arange(24) % 2 * 0.02
    with session_scope(engine) as s:
        seed_regions(s)
        site = Site(
            code="GAS3",
            name="三号锅炉排口",
            kind=SiteKind.GAS_OUTLET,
            control_level=ControlLevel.ENTERPRISE,
            region_code="330106",
            attrs={"source_type": "coal_boiler_ultralow", "reference_o2": 6.0},
        )
        s.add(site)
        s.flush()
        ids = {
            (c, p): get_or_create_series(s, site, c, p, u).id
            for c, u in (("a21026", "mg/m³"), ("a19001", "%"))
            for p in (Period.HOUR, Period.MIN)
        }
    hourly = pd.concat(
        [
            pd.DataFrame({"series_id": ids[("a21026", Period.HOUR)], "time": t, "value": so2}),
            pd.DataFrame({"series_id": ids[("a19001", Period.HOUR)], "time": t, "value": o2}),
        ]
    ).assign(period="hour", raw_value=lambda d: d["value"], source_flag="N")
    store.append(hourly, "gas_outlet")
    mt = pd.date_range(t[0], periods=24, freq="10min")  # 4 hours of 10-minute data
    drop = [13, 20, 21]  # hour 1 lacks one value, hour 2 two (one comes late)
    minutes = pd.DataFrame(
        {"series_id": ids[("a21026", Period.MIN)], "time": mt, "value": 70.0}
    ).assign(period="min", raw_value=70.0, source_flag="N")
    store.append(minutes.drop(index=drop), "gas_outlet")
    ctx = JobContext(settings=settings, engine=engine)
    now = (day1 + pd.Timedelta(days=1)).tz_convert("UTC").to_pydatetime()
    assert run_qc(ctx, store=store, now=now).startswith("1 judgements stored (1 events)")
    with session_scope(engine) as s:
        j = s.scalars(select(QCJudgement)).one()
        so2_summary = j.summary["a21026"]
        assert so2_summary["checks"]["minute_validity"]["counts"] == {
            "pass": 3,
            "fail": 1,
            "not_evaluated": 20,
            "suspect": 0,
            "missing": 0,
        }
        assert so2_summary["exceeding_periods"] == 3 and so2_summary["events"] == 1
        ev = s.scalars(select(QCEvent)).one()
        assert (ev.periods, ev.max_multiple) == (3, pytest.approx(70 * 15 / 14.98 / 35 - 1))
        assert "minute_validity" not in j.summary["a19001"]["checks"]  # no O2 minutes
    assert run_qc(ctx, store=store, now=now).startswith("0 judgements stored")
    # the late minute of hour 2 arrives: 50 valid minutes → the 4 hours are one event
    store.append(minutes.loc[[20]], "gas_outlet")
    assert run_qc(ctx, store=store, now=now).startswith("1 judgements stored (1 events)")
    with session_scope(engine) as s:
        cur = s.scalars(select(QCJudgement).where(QCJudgement.superseded_by.is_(None))).one()
        assert cur.revision == 2 and cur.summary["a21026"]["exceeding_periods"] == 4
        assert cur.summary["a21026"]["checks"]["minute_validity"]["counts"]["fail"] == 0
