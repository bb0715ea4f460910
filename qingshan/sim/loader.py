"""The loader: build the demo province into a database and an observation store.

The only I/O of :mod:`qingshan.sim`: it writes what the pure modules generate. The relational
rows go into one transaction that commits after every observation has been appended, so an
interrupted build leaves no half-built province in the database ("build if absent" retries
it; the store's re-send rule absorbs re-appended identical rows).
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import Engine, func, insert, select

from qingshan.archive.models import Enterprise, Industry, Permit, PermitLimit
from qingshan.db.engine import session_scope
from qingshan.geo.regions import seed_regions
from qingshan.monitoring.models import (
    ControlLevel,
    LatestValue,
    Parameter,
    Period,
    Series,
    Site,
    SiteKind,
)
from qingshan.sim.blocks import FLAGS
from qingshan.sim.catalog import Catalogue, build_catalogue
from qingshan.sim.generate import STREAMS, generate_stream
from qingshan.sim.models import InjectedFault
from qingshan.sim.params import parameter_codes
from qingshan.sim.scale import get_scale
from qingshan.sim.timeline import hour_axis, minute_axis
from qingshan.standards.pollutant_codes import POLLUTANT_CODES
from qingshan.timeutil import as_cst

Progress = Callable[[float, str], None]

#: the site whose presence means "the demo province is built"
MARKER_SITE = "1223A"
#: threads appending observation files concurrently
APPEND_THREADS = 3


@dataclass
class DemoSummary:
    """What :func:`build_demo` found or built."""

    built: bool
    scale: str | None = None
    seed: int | None = None
    now: datetime | None = None
    sites: dict[str, int] = field(default_factory=dict)
    series: int = 0
    enterprises: int = 0
    permits: int = 0
    permit_limits: int = 0
    faults: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        if not self.built:
            return (
                f"already built: {sum(self.sites.values())} sites, {self.series} series, "
                f"{self.enterprises} enterprises, {self.faults} injected faults"
            )
        return (
            f"built ({self.scale}, seed {self.seed}) in {self.seconds:.1f} s: "
            f"{self.sites}, {self.series} series, {self.enterprises} enterprises, "
            f"{self.permit_limits} permit limits, {self.faults} injected faults, "
            f"{sum(self.rows.values()):,} observations"
        )

    def as_dict(self) -> dict:
        d = asdict(self)
        d["now"] = self.now.isoformat() if self.now else None
        return d


def _existing(session) -> DemoSummary:
    kinds = dict(session.execute(select(Site.kind, func.count()).group_by(Site.kind)).all())
    return DemoSummary(
        built=False,
        sites={str(k): v for k, v in kinds.items()},
        series=session.scalar(select(func.count()).select_from(Series)),
        enterprises=session.scalar(select(func.count()).select_from(Enterprise)),
        permits=session.scalar(select(func.count()).select_from(Permit)),
        permit_limits=session.scalar(select(func.count()).select_from(PermitLimit)),
        faults=session.scalar(select(func.count()).select_from(InjectedFault)),
    )


def is_built(engine: Engine) -> bool:
    """Whether the database already holds the demo province."""
    with session_scope(engine) as session:
        return session.scalar(select(Site.id).where(Site.code == MARKER_SITE)) is not None


def _seed_parameters(session) -> None:
    have = set(session.scalars(select(Parameter.code)))
    for code in parameter_codes():
        if code not in have:
            p = POLLUTANT_CODES[code]
            session.add(Parameter(code=code, name=p.name, name_en=p.name_en, unit=p.unit))
    session.flush()


def _write_catalogue(session, cat: Catalogue) -> np.ndarray:
    """Insert enterprises, sites, permits, limits and series; return series ids by sidx."""
    ent = {}
    for e in cat.enterprises.itertuples(index=False):
        ent[e.credit_code] = Enterprise(
            credit_code=e.credit_code,
            name=e.name,
            industry=Industry(e.industry),
            region_code=e.region_code,
            longitude=e.longitude,
            latitude=e.latitude,
        )
    session.add_all(ent.values())
    session.flush()
    sites = {}
    for s in cat.sites.itertuples(index=False):
        sites[s.code] = Site(
            code=s.code,
            name=s.name,
            kind=SiteKind(s.kind),
            control_level=ControlLevel(s.control_level),
            region_code=s.region_code,
            enterprise_id=ent[s.enterprise_code].id if s.enterprise_code else None,
            longitude=s.longitude,
            latitude=s.latitude,
            attrs=s.attrs,
        )
    session.add_all(sites.values())
    session.flush()
    permits = {}
    for p in cat.permits.itertuples(index=False):
        permits[p.number] = Permit(
            enterprise_id=ent[p.credit_code].id,
            number=p.number,
            valid_from=p.valid_from,
            valid_to=p.valid_to,
        )
    session.add_all(permits.values())
    session.flush()
    session.add_all(
        PermitLimit(
            permit_id=permits[lim.number].id,
            site_id=sites[lim.site_code].id,
            parameter_code=lim.parameter_code,
            limit=lim.limit,
            unit=lim.unit,
            averaging=lim.averaging,
            standard=lim.standard,
        )
        for lim in cat.limits.itertuples(index=False)
    )
    session.flush()
    site_id = {code: s.id for code, s in sites.items()}
    rows = [
        dict(
            site_id=site_id[r.site_code],
            parameter_code=r.parameter_code,
            period=Period(r.period),
            unit=r.unit,
        )
        for r in cat.series.itertuples(index=False)
    ]
    session.execute(insert(Series), rows)
    ids = {
        (s, p, str(per)): i
        for i, s, p, per in session.execute(
            select(Series.id, Series.site_id, Series.parameter_code, Series.period)
        )
    }
    return np.array(
        [
            ids[(site_id[r.site_code], r.parameter_code, r.period)]
            for r in cat.series.itertuples(index=False)
        ],
        dtype=np.int64,
    )


def _latest_rows(block, series_ids: np.ndarray) -> list[dict]:
    ok = np.isfinite(block.value)
    has = ok.any(axis=1)
    last = block.value.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
    out = []
    for r in np.flatnonzero(has):
        t = last[r]
        out.append(
            dict(
                series_id=int(series_ids[block.sidx[r]]),
                time=block.times[t].to_pydatetime(),
                value=float(block.value[r, t]),
                source_flag=FLAGS[block.flag[r, t]],
                qc_flag=0,
                attrs={},
            )
        )
    return out


def _no_progress(fraction: float, what: str = "") -> None:
    """The progress callback of a silent build."""


def build_demo(
    engine: Engine,
    store,
    *,
    scale: str = "small",
    now: datetime,
    seed: int = 2021,
    progress: Progress | None = None,
) -> DemoSummary:
    """Build the demo province if the database does not hold it yet.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        A migrated database.
    store : qingshan.timeseries.store.ObservationStore
        Where the observations go.
    scale : {"small", "full"}
        ``small``: every real station and section, a few synthetic sites and 3 enterprises per
        city, 21 days of hourly data and 1 day of 10-minute outlet data (tests); ``full``:
        ≥ 100 air stations, ≥ 160 sections, 520 enterprises, 365 days hourly, 3 days minute.
    now : datetime
        The demo's present [timezone-aware]; the data end at the last whole hour before it.
    seed : int
        Seed of every random choice; same seed and ``now`` → same province.
    progress : callable(fraction, description), optional
        Called as the build advances (fraction in [0, 1]).

    Returns
    -------
    DemoSummary
        ``built=False`` with the existing counts when the province was already there.
    """
    report: Progress = progress or _no_progress
    sc = get_scale(scale)
    if now.tzinfo is None:
        raise ValueError(f"now must be timezone-aware, got naive {now!r}")
    t_start = _time.perf_counter()
    with session_scope(engine) as session:
        if session.scalar(select(Site.id).where(Site.code == MARKER_SITE)) is not None:
            return _existing(session)
    report(0.0, "catalogue")
    cat = build_catalogue(sc, np.random.default_rng([seed, 0]), as_cst(now).date())
    times = hour_axis(now, sc.days)
    minute_times = minute_axis(now, sc.minute_days, sc.minute_interval)
    summary = DemoSummary(built=True, scale=sc.name, seed=seed, now=now)
    weights = {"air": 0.15, "water": 0.25, "gas_outlet": 0.35, "water_outlet": 0.2}
    with session_scope(engine) as session:
        seed_regions(session)
        session.flush()
        _seed_parameters(session)
        series_ids = _write_catalogue(session, cat)
        report(0.05, "sites and series")
        done = 0.05
        latest: list[dict] = []
        faults: list[dict] = []
        # appends run in threads (Parquet encoding and fsync release the GIL) while the
        # next block is generated; at most a few tables wait in memory
        with ThreadPoolExecutor(max_workers=APPEND_THREADS) as pool:
            pending: list[tuple[str, Future]] = []
            for stream in STREAMS:
                data = generate_stream(cat, stream, times, minute_times, seed)
                for block in data.blocks:
                    key = f"{stream}/{block.period}"
                    summary.rows.setdefault(key, 0)
                    for table in block.rows(series_ids):
                        pending.append((key, pool.submit(store.append, table, stream)))
                        while len(pending) > 2 * APPEND_THREADS:
                            k, fut = pending.pop(0)
                            summary.rows[k] += fut.result()
                    latest += _latest_rows(block, series_ids)
                faults += [
                    dict(
                        series_id=int(series_ids[f.sidx]),
                        kind=f.kind,
                        start=f.start.to_pydatetime(),
                        end=f.end.to_pydatetime(),
                        params=f.params,
                    )
                    for f in data.faults
                ]
                done += weights[stream]
                report(done, stream)
            for k, fut in pending:
                summary.rows[k] += fut.result()
        for chunk in range(0, len(faults), 20_000):
            session.execute(insert(InjectedFault), faults[chunk : chunk + 20_000])
        session.execute(insert(LatestValue), latest)
        summary.sites = {str(k): int(v) for k, v in cat.sites["kind"].value_counts().items()}
        summary.series = len(series_ids)
        summary.enterprises = len(cat.enterprises)
        summary.permits = len(cat.permits)
        summary.permit_limits = len(cat.limits)
        summary.faults = len(faults)
    summary.seconds = round(_time.perf_counter() - t_start, 2)
    report(1.0, "done")
    return summary
