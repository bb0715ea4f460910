"""The demo's radiation safety (issue #22), every record synthetic:

- 10 ambient γ dose-rate stations (one per city but 舟山, 西湖 first for the county account), each
  with a year of hourly values ending at the demo's now — a station level of 65–105 nGy/h
  (inside the national survey's range), a small daily cycle, noise, and rain that raises the
  reading by 10–40 nGy/h for a few hours (radon-progeny washout) — and hourly rain at 8 of them;
- a register of 120 sealed sources held by archive enterprises, at their place: mostly class
  IV/V gauges, ECDs, smoke detectors and static eliminators, a few class III, and 8 class II γ
  radiography sources (Ir-192, Se-75) in mobile use, each with a fence (its licensed work area);
- position reports of the mobile sources over the last 6 hours — one (in 西湖 when an
  enterprise is there) leaves its fence for the last 40 minutes, which the
  ``emergency-radiation`` check run here turns into an alert and a case;
- 15 disused sources, 12 collected in time, 1 late, 1 awaiting collection within its deadline
  and 1 overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.emergency.radiation import service as svc
from qingshan.emergency.radiation.models import RadiationSource
from qingshan.emergency.radiation.register import SourceInput, Status
from qingshan.geo.counties import county_at, region_extent
from qingshan.geo.regions import REGIONS
from qingshan.qc.supervision import CaseSink
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

__all__ = ["seed_demo_emergency_radiation"]

PROVINCE = Scope("330000", Role.PROVINCE, username="demo")
#: the station counties: 西湖 first (the demo county account), then one urban county per city
STATION_COUNTIES = ("330106", "330203", "330302", "330402", "330502", "330602", "330702",
                    "330802", "331002", "331102")  # fmt: skip
#: (nuclide, A0 range [Bq], use, status weights) of the register's kinds of source
KINDS = (
    ("Am-241", (1e6, 4e7), "烟雾报警器/静电消除", 30),
    ("Ni-63", (3e8, 7e8), "电子俘获检测器（ECD）", 15),
    ("Kr-85", (1e9, 4e9), "静电消除器/测厚仪", 10),
    ("Sr-90", (1e9, 4e9), "测厚仪", 10),
    ("Cs-137", (2e9, 5e10), "料位计/密度计", 22),
    ("Co-60", (1e9, 8e10), "料位计", 10),
)
N_SOURCES, N_MOBILE, N_DISUSED = 120, 8, 15


def _square(lon: float, lat: float, half_deg: float) -> dict:
    return {"type": "Polygon", "coordinates": [[
        [lon - half_deg, lat - half_deg], [lon + half_deg, lat - half_deg],
        [lon + half_deg, lat + half_deg], [lon - half_deg, lat + half_deg],
        [lon - half_deg, lat - half_deg]]]}  # fmt: skip


def _hours(
    rng: np.random.Generator, n: int, level: float, rains: bool
) -> tuple[np.ndarray, np.ndarray]:
    """A year of hourly dose rate [nGy/h] and rain [mm]."""
    t = np.arange(n)
    dose = level + 2.0 * np.sin(2 * np.pi * (t % 24) / 24) + 3.0 * np.sin(2 * np.pi * t / (24 * 365)) \
        + rng.normal(0, 2.0, n)  # fmt: skip
    rain = np.zeros(n)
    starts = np.flatnonzero(rng.random(n) < 0.012)  # ~100 rain events a year
    for s in starts:
        length = int(rng.integers(2, 9))
        m = min(length, n - int(s))
        rain[s : s + m] += rng.gamma(1.5, 1.5, m)
        bump = rng.uniform(10, 40)
        for k in range(min(length + 4, n - int(s))):
            dose[s + k] += bump * (1.0 if k < 2 else np.exp(-(k - 1) / 2.0))
    return np.round(dose, 1), np.round(rain, 1) if rains else np.full(n, np.nan)


def seed_demo_emergency_radiation(engine: Engine, store: ObservationStore, *, now: datetime,
                                  sink: CaseSink, days: int = 365, seed: int = 2022) -> str | None:  # fmt: skip
    """Seed the stations (``days`` of hourly values: a year in the full demo, fewer in the
    tests' small one, whose store writes are fsync-bound), the register, the tracks and the
    disused sources; None when the demo register exists already (a second build adds nothing)."""
    rng = np.random.default_rng(seed)
    now = min(now, utcnow())  # the demo's "now" may run ahead of the clock; cases refuse the future
    end = now.replace(minute=0, second=0, microsecond=0)
    today = now.astimezone(CST).date()
    with session_scope(engine) as session:
        if session.scalar(
            select(RadiationSource.id).where(RadiationSource.synthetic.is_(True)).limit(1)
        ):
            return None
        entries = [e for e in enterprise_directory(session, "330000")
                   if e.longitude is not None and e.latitude is not None and e.status == "operating"]  # fmt: skip
        if not entries:
            return None
        # -- stations ---------------------------------------------------------------------
        hours = pd.date_range(end - timedelta(days=days), end, freq="h", inclusive="left")
        n_st = 0
        frames: dict[int, pd.DataFrame] = {}
        for i, county in enumerate(STATION_COUNTIES):
            lon, lat = region_extent(county).center
            if county_at(lon, lat, tolerance_km=0.0) != county:
                continue  # the centre of a concave county may lie outside it
            rains = i not in (3, 7)
            site, ids = svc.ensure_station(
                session, f"RAD{county}01", f"{_county_name(county)}辐射环境自动监测站（模拟）", county,
                round(lon, 5), round(lat, 5), reports_rain=rains, attrs={"synthetic": True})  # fmt: skip
            dose, rain = _hours(rng, len(hours), float(rng.uniform(65, 105)), rains)
            frames[ids[svc.DOSE_RATE]] = pd.DataFrame({"time": hours, "value": dose})
            if rains:
                frames[ids[svc.RAIN]] = pd.DataFrame({"time": hours, "value": rain})
            n_st += 1
        svc.write_station_hours(session, store, frames, source="demo:synthetic")
        # -- the register -------------------------------------------------------------------
        order = rng.permutation(len(entries))
        holders = [entries[k] for k in order[:N_SOURCES]]
        xihu = [e for e in entries if e.region_code == "330106"]
        hz = [e for e in entries if e.region_code.startswith("3301")]
        planted_holder = (xihu or hz or entries)[0]
        mobile_holders = [planted_holder] + [h for h in holders if h.id != planted_holder.id][
            : N_MOBILE - 1
        ]
        made = 0
        for j, h in enumerate(mobile_holders):
            nuc = "Ir-192" if j % 3 != 2 else "Se-75"
            ref = today - timedelta(days=int(rng.integers(5, 40)))
            a0 = (
                float(rng.uniform(2.0e12, 3.7e12))
                if nuc == "Ir-192"
                else float(rng.uniform(2.6e12, 3.0e12))
            )
            svc.register_source(session, PROVINCE, SourceInput(
                f"ZJ-M{j + 1:03d}", nuc, a0, ref, h.region_code, status=Status.MOBILE, use="工业γ射线探伤（移动）",
                licence_no=f"浙环辐证[{h.region_code[:4]}{h.id:04d}]", enterprise_id=h.id,
                licence_expiry=today + timedelta(days=int(rng.integers(200, 1500))),
                location=f"{h.name} 作业区（模拟）", lon=h.longitude, lat=h.latitude),
                actor="demo", now=now, fence=_square(float(h.longitude or 0), float(h.latitude or 0), 0.02),
                synthetic=True)  # fmt: skip
            made += 1
        weights = np.array([k[3] for k in KINDS], float)
        fixed = [h for h in holders if h.id not in {m.id for m in mobile_holders}]
        for j in range(N_SOURCES - N_MOBILE):
            h = fixed[j % len(fixed)]
            nuc, (lo, hi), use, _ = KINDS[int(rng.choice(len(KINDS), p=weights / weights.sum()))]
            ref = today - timedelta(days=int(rng.integers(200, 365 * 12)))
            a0 = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
            disused = j < N_DISUSED
            status = (
                Status.DISUSED if disused else (Status.IN_STORAGE if j % 9 == 0 else Status.IN_USE)
            )
            disused_on = None
            if disused:
                # 11 long ago, 1 collected late, 1 long ago not collected (overdue), 2 recent
                back = 30 if j in (13, 14) else int(rng.integers(120, 700))
                disused_on = today - timedelta(days=back)
            row = svc.register_source(session, PROVINCE, SourceInput(
                f"ZJ-S{j + 1:03d}", nuc, a0, ref, h.region_code, status=status, use=use,
                licence_no=f"浙环辐证[{h.region_code[:4]}{h.id:04d}]", enterprise_id=h.id,
                licence_expiry=today + timedelta(days=int(rng.integers(-60, 1500))),
                location=f"{h.name}（模拟）", lon=h.longitude, lat=h.latitude, disused_on=disused_on),
                actor="demo", now=now, synthetic=True)  # fmt: skip
            made += 1
            if disused and disused_on is not None and j not in (12, 14):
                late = j == 11
                collected = disused_on + timedelta(
                    days=int(rng.integers(100, 140) if late else rng.integers(10, 80))
                )
                kind = (
                    "return_to_producer"
                    if nuc in ("Co-60", "Cs-137") and j % 2
                    else "provincial_storage"
                )
                name = "原生产单位" if kind == "return_to_producer" else "浙江省城市放射性废物库"
                svc.record_collection(session, PROVINCE, row.code, min(collected, today), kind, name,
                                      actor="demo", now=now)  # fmt: skip
        # -- tracks: every 5 minutes over the last 6 hours, the planted one leaves at the end
        rows = []
        steps = 72
        for j, h in enumerate(mobile_holders):
            x0, y0 = float(h.longitude or 0), float(h.latitude or 0)
            walk = np.cumsum(rng.normal(0, 0.0012, (steps, 2)), axis=0)
            walk = np.clip(walk, -0.015, 0.015)
            for k in range(steps):
                t = end - timedelta(minutes=5 * (steps - k))
                lon, lat = x0 + walk[k, 0], y0 + walk[k, 1]
                if j == 0 and k >= steps - 8:  # the last 40 minutes: heading east out of the fence
                    lon = x0 + 0.02 + 0.004 * (k - (steps - 8) + 1)
                rows.append({"source": f"ZJ-M{j + 1:03d}", "time": t, "lon": round(lon, 6),
                             "lat": round(lat, 6), "dose_usv_h": round(float(rng.uniform(0.8, 2.5)), 2)})  # fmt: skip
        svc.add_positions(session, PROVINCE, rows, origin="demo", now=now)
        run = svc.check_positions(session, sink, now=now)
    return (f"{n_st} dose-rate stations ({days} days hourly), {made} sources ({N_MOBILE} mobile class II, "
            f"{N_DISUSED} disused), {len(rows)} position reports → {run['alerts_new']} alert(s), "
            f"{run['cases']} case(s)")  # fmt: skip


def _county_name(code: str) -> str:
    r = REGIONS.get(code)
    return code if r is None else r.name
