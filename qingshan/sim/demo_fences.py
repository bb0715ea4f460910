"""The demo's electronic fences (电子围栏, issue #20): drawn and checked once at demo build, so
``/zones/fences`` and a section's 电子围栏告警 panel are not empty on first start.

Runs after the demo's layers (:mod:`qingshan.sim.demo_zones`), so a drinking-water source takes
its synthetic 一级 zone as its fence; a section a 1,000 m circle (the platform's default). The
fences are drawn and checked by the ``zones-fences`` job's own two service steps
(:func:`~qingshan.zones.fences_service.sync_fences`, then
:func:`~qingshan.zones.fences_service.check_events`) with the registry's
:class:`~qingshan.zones.fences.FenceSites` and :class:`~qingshan.zones.fences.FenceEvents`, which
the platform hands in (the simulator sits below the platform and cannot import them).

The demo's own data give alerts of outlets and cases (its outlets and its year of cases carry
coordinates) but none of the public's complaints (the demo's complaints come through the case
intake, not the public form, and carry no point). So :data:`PLANTED` complaints are submitted
through the public complaint service (:func:`~qingshan.cases.complaints.submit_complaint`, which
also registers their case) at a point :data:`PLANTED_M` metres from a water section of a city of
:data:`PLANTED_CITIES` — inside its fence — each description ending in :data:`SYNTHETIC`.
Deterministic for a seed; idempotent (nothing is done when fences exist).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from pyproj import Geod
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from qingshan.cases.complaints import ComplaintInput, submit_complaint
from qingshan.cases.errors import BadCaseInput
from qingshan.cases.evidence import EvidenceLimits
from qingshan.cases.sink import CasesSink
from qingshan.db.engine import session_scope
from qingshan.zones.fences import EventKind, FenceEvents, FenceSites, SiteKind
from qingshan.zones.fences_models import ZoneFence, ZoneFenceAlert
from qingshan.zones.fences_service import CASE_POLICY, check_events, sync_fences

__all__ = ["DemoFences", "seed_demo_fences", "PLANTED_CITIES", "SYNTHETIC"]

#: the cities whose first water section (by site code) gets a planted complaint: 杭州 (the
#: hangzhou account's), 宁波 (ningbo's), 温州, 绍兴
PLANTED_CITIES = ("3301", "3302", "3303", "3306")
#: the planted complaint's distance from its section [m]: inside the 1,000 m default fence
PLANTED_M = (250.0, 700.0)
SYNTHETIC = "（演示数据，合成）"
COMPLAINTS = (
    "河道里有暗管往外排水，水面发黑，有一股臭味",
    "岸边排水口夜里排出白色泡沫水，下游有死鱼",
    "河面漂着一层油花，附近厂房旁的沟渠一直在往河里流水",
    "傍晚河水颜色发红，像是印染废水，气味刺鼻",
)
_GEOD = Geod(ellps="GRS80")  # CGCS2000's ellipsoid


@dataclass(frozen=True)
class DemoFences:
    fences: int
    planted: int
    alerts: dict[str, int]
    cases: int

    def __str__(self) -> str:
        by = ", ".join(f"{k} {v}" for k, v in sorted(self.alerts.items()))
        return (f"{self.fences} fences drawn; {sum(self.alerts.values())} alerts ({by}) — "
                f"{self.planted} planted complaints (synthetic); {self.cases} cases opened")  # fmt: skip


def _plant(session: Session, fences: list[ZoneFence], *, now: datetime, limits: EvidenceLimits,
           seed: int) -> int:  # fmt: skip
    """Submit one synthetic public complaint inside the fence of each planted city's first
    section; the number submitted."""
    rng = np.random.default_rng([seed, 20])
    planted = 0
    for i, city in enumerate(PLANTED_CITIES):
        fence = next((f for f in fences if f.site_kind == SiteKind.SECTION.value
                      and f.region_code.startswith(city)), None)  # fmt: skip
        if fence is None:
            continue
        azimuth = float(rng.uniform(0.0, 360.0))
        dist = float(rng.uniform(*PLANTED_M))
        lon, lat, _ = _GEOD.fwd(fence.site_lon, fence.site_lat, azimuth, dist)
        at = now - timedelta(hours=5 + 7 * i)
        inp = ComplaintInput(
            category="water_pollution",
            description=f"{COMPLAINTS[i % len(COMPLAINTS)]}{SYNTHETIC}",
            longitude=round(lon, 6),
            latitude=round(lat, 6),
            region_code=fence.region_code,
            place=f"{fence.name}附近河岸{SYNTHETIC}",
            observed_at=at - timedelta(minutes=40),
        )
        try:
            submit_complaint(session, inp, limits=limits, max_photos=0, with_secret=False, now=at)
        except BadCaseInput:  # e.g. the point fell across a city boundary: plant no other
            continue
        planted += 1
    return planted


def seed_demo_fences(engine: Engine, sites: FenceSites, events: FenceEvents, *, now: datetime,
                     limits: EvidenceLimits, seed: int = 2021) -> DemoFences | None:  # fmt: skip
    """Draw the fences, plant the synthetic complaints, check every event once (the default
    case policy: an outlet inside a source's fence opens a case); None when fences exist."""
    with session_scope(engine) as session:
        if session.scalar(select(ZoneFence.id).limit(1)) is not None:
            return None
        drawn = sync_fences(session, sites, actor="demo", now=now)
        fences = list(session.scalars(select(ZoneFence).order_by(ZoneFence.site_code)))
        planted = _plant(session, fences, now=now, limits=limits, seed=seed)
        # cases registered at the demo's present (which may run ahead of the wall clock)
        sink = CasesSink(actor="demo", registered_at=lambda r: r.occurred_at)
        run = check_events(session, events, now=now, sink=sink, case_policy=CASE_POLICY)
        kinds = Counter(session.scalars(select(ZoneFenceAlert.event_kind)))
    alerts = {k.value: kinds.get(k.value, 0) for k in EventKind}
    return DemoFences(drawn, planted, alerts, run.cases)
