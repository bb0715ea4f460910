"""build_demo on SQLite and PostgreSQL: rows written, latest values, idempotent."""

from __future__ import annotations

import gc
import os
import shutil

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from qingshan.archive.models import Enterprise, Permit, PermitLimit
from qingshan.db.engine import dispose_engines, make_engine, session_scope
from qingshan.geo.models import Region
from qingshan.monitoring.models import LatestValue, Series, Site, SiteKind
from qingshan.sim.loader import build_demo
from qingshan.sim.models import InjectedFault
from qingshan.timeseries.store import ObservationStore

from .conftest import NOW, SEED


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


#: as tests/conftest.py's ``engine``: SQLite, and PostgreSQL when the run has one
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("QINGSHAN_TEST_POSTGRES_URL") else [])


@pytest.fixture(scope="module", params=BACKENDS)
def built(request, tmp_path_factory):
    """The small demo built once per backend for the module (~4 s a build, and as much to drop
    it): the tests that take it only read it, and a second build_demo on it
    (``test_build_is_idempotent``) must write nothing — which that test asserts."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo-db") / "test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        engine, databases = make_engine(f"sqlite:///{path}"), None
    else:
        databases = request.getfixturevalue("postgres_engines")()
        engine = next(databases)
    store = ObservationStore(tmp_path_factory.mktemp("demo-obs") / "obs")
    seen = []
    summary = build_demo(
        engine,
        store,
        scale="small",
        now=NOW,
        seed=SEED,
        progress=lambda fraction, what="": seen.append(fraction),
    )
    yield engine, store, summary, seen
    engine.dispose()
    dispose_engines()
    if databases is not None:
        databases.close()
    gc.collect()  # a leaked connection fails here, as in the ``engine`` fixture


def test_build_writes_the_province(built):
    engine, store, summary, seen = built
    assert summary.built and summary.scale == "small"
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    with session_scope(engine) as s:
        assert _count(s, Region) > 90
        assert _count(s, Site) == sum(summary.sites.values())
        assert _count(s, Series) == summary.series
        assert _count(s, Enterprise) == summary.enterprises == 33
        assert _count(s, Permit) == summary.permits
        assert _count(s, PermitLimit) == summary.permit_limits
        assert _count(s, InjectedFault) == summary.faults > 100
        # every series has a latest value but the minute series a site's outage (数据时效) blanks
        # from the first minute the demo stores
        latest = set(s.scalars(select(LatestValue.series_id)))
        blank = set(s.scalars(select(Series.id))) - latest
        outages = [f for f in s.scalars(select(InjectedFault).where(InjectedFault.kind == "gap"))
                   if f.params.get("outage")]  # fmt: skip
        first = {f.series_id: f.start for f in outages}
        assert len(latest) > 0.98 * summary.series
        for sid in blank:
            assert s.get(Series, sid).period == "min" and sid in first
        site = s.scalar(select(Site).where(Site.code == "1229A"))
        assert (site.name, site.longitude, site.latitude) == ("朝晖五区", 120.157, 30.2897)
        assert site.attrs["replayed_from"].startswith("CNEMC")
        outlet = s.scalar(select(Site).where(Site.kind == SiteKind.GAS_OUTLET).limit(1))
        assert outlet.enterprise_id is not None and outlet.attrs["reference_o2"] > 0
        kinds = set(s.scalars(select(InjectedFault.kind).distinct()))
        assert kinds == {
            "exceedance",
            "flat_line",
            "spike",
            "gap",
            "o2_tamper",
            "calibration",
            "limit_hugging",
            "capped",
            "stuck_zero",
            "pm_inversion",
            "range_limit",
        }
        # air stations carry latest hourly values for the map
        latest = s.execute(
            select(Site.code, LatestValue.time, LatestValue.value)
            .join(Series, Series.site_id == Site.id)
            .join(LatestValue, LatestValue.series_id == Series.id)
            .where(Site.kind == SiteKind.AIR_STATION, Series.parameter_code == "a34004")
        ).all()
    assert len(latest) == summary.sites["air_station"]
    assert max(t for _, t, _ in latest) == pd.Timestamp("2026-06-01 02:00", tz="UTC")
    assert sum(summary.rows.values()) > 500_000
    assert summary.rows["gas_outlet/min"] > 0


def test_store_holds_the_values(built):
    engine, store, summary, _ = built
    with session_scope(engine) as s:
        sid, lv = s.execute(
            select(Series.id, LatestValue.value)
            .join(Site, Site.id == Series.site_id)
            .join(LatestValue, LatestValue.series_id == Series.id)
            .where(Site.code == "1229A", Series.parameter_code == "a05024")
        ).one()
        fault = s.scalar(select(InjectedFault).where(InjectedFault.kind == "calibration").limit(1))
    start = NOW - pd.Timedelta(days=21)
    rows = store.query([sid], start, NOW, period="hour")
    assert 400 < len(rows) <= 21 * 24
    assert set(rows["source_flag"]) == {"N"} and set(rows["source"]) == {"sim:replay:cnemc-2019"}
    assert rows.sort_values("time")["value"].iloc[-1] == lv
    cal = store.query([fault.series_id], fault.start, fault.end, period="hour")
    assert list(cal["source_flag"]) == ["C"]


def test_build_is_idempotent(built):
    engine, store, summary, _ = built
    files = sorted(store.root.rglob("*.parquet"))
    again = build_demo(engine, store, scale="small", now=NOW, seed=SEED)
    assert not again.built
    assert again.series == summary.series and again.faults == summary.faults
    assert again.enterprises == summary.enterprises
    assert sorted(store.root.rglob("*.parquet")) == files


def test_naive_now_is_refused(engine, tmp_path):
    from datetime import datetime

    with pytest.raises(ValueError, match="now must be timezone-aware"):
        build_demo(engine, ObservationStore(tmp_path), now=datetime(2026, 6, 1))
    with pytest.raises(ValueError, match="unknown scale"):
        build_demo(engine, ObservationStore(tmp_path), scale="medium", now=NOW)
    with session_scope(engine) as s:
        assert _count(s, Site) == 0


def test_latest_values_match_the_generated_blocks(built):
    engine, _, _, _ = built
    with session_scope(engine) as s:
        flags = dict(
            s.execute(
                select(LatestValue.source_flag, func.count()).group_by(LatestValue.source_flag)
            ).all()
        )
        values = np.array(s.scalars(select(LatestValue.value)).all(), dtype=float)
    assert set(flags) <= {"N", "C"} and flags["N"] > 0.9 * sum(flags.values())
    assert np.isfinite(values).all()
