"""The demo's toxic-gas early warning (issue #22, area gas): two synthetic chemical parks — one
in 上虞区 (330604) and one in 镇海区 (330211), named after the real parks there but with made-up
boundaries and stations (labelled synthetic) — with four boundary stations each, registered as
HJ 212 devices whose simulated loggers stream in ``make run`` (each site carries its simulated
factors, ``attrs["sim_codes"]``), and 24 h of minute history ending at the demo's present (``hours``):

- the planted leak: H2S at 上虞 station 2 rising from background to ~25 mg/m³ over the last
  90 min (GB/T 50493-2019 AL1 10 / AL2 20 mg/m³ [MC]) and staying there in the live stream: a
  level-1 alarm escalated to level 2, which opens an incident;
- a short NH3 spike 2.5 h ago at 镇海 station 1 (a level-1 alarm, cleared, acknowledged by the
  ningbo account);
- Cl2 at 镇海 station 3 in and out of its level-1 set-point over the last hour (a level-1 alarm
  that stays active and, unacknowledged for 30 min, opens a case).

The history is judged by the same :func:`~qingshan.emergency.gas.service.judge` the
``emergency-gas`` job runs, in 30-minute steps, then minute by minute from 100 to 45 min ago
(where the leak rises), then 5-minute steps: the leak's alarm is raised within a minute of its
data. Idempotent: a second build adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine, select

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.db.engine import session_scope
from qingshan.emergency.gas import service as gas
from qingshan.emergency.gas.models import GasAlarm, GasPark
from qingshan.monitoring import registry
from qingshan.monitoring.models import Period, Series, Site
from qingshan.qc.supervision import CaseSink
from qingshan.timeseries.schema import OBSERVATION_SCHEMA
from qingshan.timeseries.store import ObservationStore

__all__ = ["seed_demo_emergency_gas"]

PASSWORD = "gas-demo"
#: background (mean, relative spread) at a park boundary [mg/m³]; wind from the ESE, 3 m/s
BACKGROUND: dict[str, tuple[float, float]] = {
    "a21028": (0.004, 0.5), "a21001": (0.05, 0.4), "a21024": (0.02, 0.4),
    "a21022": (0.01, 0.4), "a25002": (0.005, 0.5), "a25003": (0.01, 0.5),
    "a25005": (0.01, 0.5), "a24088": (0.8, 0.3),
    gas.WIND_DIRECTION: (115.0, 0.08), gas.WIND_SPEED: (3.0, 0.3),
}  # fmt: skip

_SY = [[120.823, 30.104], [120.862, 30.098], [120.898, 30.108], [120.901, 30.152],
       [120.866, 30.161], [120.826, 30.150]]  # fmt: skip
_ZH = [[121.603, 29.972], [121.641, 29.968], [121.677, 29.975], [121.679, 30.016],
       [121.640, 30.022], [121.601, 30.013]]  # fmt: skip


@dataclass(frozen=True)
class _Park:
    code: str
    name: str
    region: str
    ring: list[list[float]]
    substances: list[str]
    stations: list[tuple[str, str, float, float]]  # code, name, longitude, latitude


PARKS = (
    _Park("DEMO-GAS-SY", "杭州湾上虞经济技术开发区（演示）", "330604", _SY,
          ["a21028", "a21001", "a21024", "a25002", "a24088"],
          [("GAS-SY-01", "上虞园区西边界站", 120.824, 30.127),
           ("GAS-SY-02", "上虞园区南边界站", 120.862, 30.099),
           ("GAS-SY-03", "上虞园区东边界站", 120.900, 30.130),
           ("GAS-SY-04", "上虞园区北边界站", 120.864, 30.158)]),
    _Park("DEMO-GAS-ZH", "宁波石化经济技术开发区（演示）", "330211", _ZH,
          ["a21022", "a21001", "a25003", "a25005", "a24088"],
          [("GAS-ZH-01", "镇海园区西边界站", 121.602, 29.993),
           ("GAS-ZH-02", "镇海园区南边界站", 121.641, 29.969),
           ("GAS-ZH-03", "镇海园区东边界站", 121.678, 29.996),
           ("GAS-ZH-04", "镇海园区北边界站", 121.640, 30.020)]),
)  # fmt: skip
LEAK = ("GAS-SY-02", "a21028")


def _mn(code: str) -> str:
    return f"GAS{code.replace('-', '')}DEMO"


def _profile(station: str, substances: list[str]) -> dict[str, list[float]]:
    """The simulated logger's factors: background, and the leak going on at its station."""
    out = {c: list(BACKGROUND[c]) for c in substances}
    out[gas.WIND_DIRECTION] = list(BACKGROUND[gas.WIND_DIRECTION])
    out[gas.WIND_SPEED] = list(BACKGROUND[gas.WIND_SPEED])
    if station == LEAK[0]:
        out[LEAK[1]] = [25.0, 0.1]  # the leak goes on in the live stream
    return out


def _history(station: str, code: str, minutes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Minute values [mg/m³, ° or m/s] of ``code`` at ``station`` (minutes before now)."""
    mean, spread = BACKGROUND[code]
    values = np.maximum(0.0, rng.normal(mean, mean * spread, len(minutes)))
    if code == gas.WIND_DIRECTION:
        values = values % 360
    if (station, code) == LEAK:  # rising from 90 min to 30 min ago, then ~25 mg/m³
        ramp = np.clip((90 - minutes) / 60.0, 0.0, 1.0)
        values = values + ramp * rng.normal(25.0, 1.5, len(minutes))
    if (station, code) == ("GAS-ZH-01", "a21001"):  # a 2-minute spike 2.5 h ago (AL1 20)
        values = np.where((minutes <= 151) & (minutes >= 150), 24.0 + minutes % 2, values)
    if (station, code) == ("GAS-ZH-03", "a21022"):  # in and out of AL1 (1 mg/m³) for an hour
        values = np.where(minutes <= 60, np.where(minutes % 2 == 0, 1.3, 0.7), values)
    return values


def seed_demo_emergency_gas(
    engine: Engine, store: ObservationStore, *, now: datetime,
    open_incident: gas.IncidentOpener | None = None, sink: CaseSink | None = None,
    seed: int = 22, hours: int = 24,
) -> str | None:  # fmt: skip
    """Register the demo parks and stations, write ``hours`` (≥ 3) of history and judge it
    (module docstring); None when the demo parks exist."""
    if hours < 3:
        raise ValueError(f"hours={hours}: the planted events need at least 3 h of history")
    with session_scope(engine) as session:
        if session.scalar(select(GasPark.id).where(GasPark.code == PARKS[0].code)):
            return None
    rng = np.random.default_rng(seed)
    end = now.replace(second=0, microsecond=0)
    minutes = np.arange(hours * 60, 0, -1)  # minutes before ``end``
    times = [end - timedelta(minutes=int(m)) for m in minutes]
    columns: dict[str, list[object]] = {name: [] for name in OBSERVATION_SCHEMA.names}
    n_stations = 0
    with session_scope(engine) as session:
        for p in PARKS:
            park = gas.register_park(session, code=p.code, name=p.name, region_code=p.region,
                                     boundary=p.ring, synthetic=True)  # fmt: skip
            subs = p.substances
            for code, name, lon, lat in p.stations:
                station = gas.register_station(
                    session,
                    park,
                    code=code,
                    name=name,
                    longitude=lon,
                    latitude=lat,
                    mn=_mn(code),
                    password=PASSWORD,
                    substances=subs,
                    synthetic=True,
                )
                n_stations += 1
                site = station.site_id
                codes = [*subs, gas.WIND_DIRECTION, gas.WIND_SPEED]
                series = registry.ensure_series(
                    session, [(site, c, Period.MIN, None) for c in codes]
                )
                row = session.get(Site, site)
                assert row is not None
                row.attrs = {**row.attrs, "sim_codes": _profile(code, subs)}
                for c in codes:
                    sid = series[(site, c, Period.MIN)].id
                    values = _history(code, c, minutes, rng)
                    columns["series_id"].extend([sid] * len(times))
                    columns["time"].extend(times)
                    columns["period"].extend(["min"] * len(times))
                    columns["value"].extend(np.round(values, 4).tolist())
                    columns["raw_value"].extend(np.round(values, 4).tolist())
                    columns["source_flag"].extend(["N"] * len(times))
                    columns["qc_flag"].extend([0] * len(times))
                    columns["source"].extend(["demo:synthetic"] * len(times))
                    columns["received_at"].extend([t + timedelta(seconds=61) for t in times])
                    columns["revision"].extend([0] * len(times))
    table = pa.Table.from_pydict(columns, schema=OBSERVATION_SCHEMA)
    rows = store.append(table, "park_gas")
    with session_scope(engine) as session:
        registry.update_latest(session, table.to_pandas())
    # judge the history as the job would have: 10-minute steps, then minute by minute
    steps = [end - timedelta(minutes=m) for m in range(hours * 60 - 30, 100, -30)]
    steps += [end - timedelta(minutes=m) for m in range(100, 45, -1)]
    steps += [end - timedelta(minutes=m) for m in range(45, -1, -5)]
    raised = incidents = cases = 0
    for i, at in enumerate(steps):
        with session_scope(engine) as session:
            r = gas.judge(session, store, at + timedelta(seconds=30), open_incident=open_incident,
                          sink=sink, actor="demo",
                          lookback=timedelta(hours=hours + 1) if i == 0 else gas.FIRST_LOOKBACK)  # fmt: skip
            raised += len(r.raised)
            incidents += len(r.incidents)
            cases += len(r.cases)
    with session_scope(engine) as session:  # the cleared NH3 alarm, acknowledged in time
        ningbo = Scope(region_code="330200", role=Role.CITY, username="ningbo")
        for alarm in session.scalars(select(GasAlarm).where(GasAlarm.parameter_code == "a21001",
                                                            GasAlarm.acknowledged_at.is_(None))):  # fmt: skip
            gas.acknowledge(session, ningbo, alarm.id, now=alarm.raised_at + timedelta(minutes=6),
                            note="园区已排查：装卸区氨水管线法兰泄漏，已紧固（演示）")  # fmt: skip
        n_series = session.query(Series).count()
    return (f"{len(PARKS)} chemical parks, {n_stations} boundary stations, {rows} minute values "
            f"({n_series} series in all); {raised} alarms raised, {incidents} incidents, "
            f"{cases} cases opened (synthetic)")  # fmt: skip
