"""The demo's coastal waters and sea outfalls (issue #25), every record synthetic:

- ~60 sea-area stations in five sea areas — 杭州湾, 宁波 (象山港 and the coast), 舟山, 台州, 温州 —
  each offshore (in no county polygon) and given its nearest coastal county, each standing for
  30–400 km² of sea; four surveys a year (February, May, August, November) of pH, DO, COD,
  DIN, PO4-P and petroleum at levels like the bulletins' (杭州湾 mostly 劣四类 by inorganic
  nitrogen, 舟山 and 宁波 mixed, 台州 and 温州 mostly first and second class);
- the 20 river-mouth sections of plan item 12.4 with 12 months of TN and TP, a few above their
  (synthetic) targets;
- ~120 sea outfalls along the coast of 嘉兴, 杭州湾南岸 (绍兴, 宁波), 宁波, 舟山, 台州 and 温州:
  industrial outfalls of archive enterprises of their city, sewage-plant outfalls with 2–4
  archive enterprises connected (纳管), agricultural and other outfalls; stages spread over
  排查 → 监测 → 溯源 → 整治 → 销号 through the service (整治 opens its case), monthly samples
  for the last 6 months of those past 排查, some above their limits (the newest exceeding
  sample opens a case).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Engine

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_directory
from qingshan.db.engine import session_scope
from qingshan.geo.counties import county_at
from qingshan.geo.regions import REGIONS
from qingshan.marine.coastal import service as coastal
from qingshan.marine.coastal.sea import river_mouths
from qingshan.marine.outfalls import service as outfalls
from qingshan.marine.outfalls.models import SeaOutfall
from qingshan.marine.outfalls.register import STAGES, OutfallInput, fallback_limits
from qingshan.qc.supervision import CaseSink
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST, utcnow

__all__ = ["seed_demo_marine"]

PROVINCE = Scope("330000", Role.PROVINCE, username="demo")
ACTOR = "demo-marine"
SOURCE = "demo-synthetic"
#: sea area → (box [lon0, lat0, lon1, lat1], stations, DIN level, PO4-P level [mg/L], cities
#: whose counties may be nearest)
AREAS = {
    "杭州湾": (
        (120.90, 30.25, 121.85, 30.70),
        12,
        0.72,
        0.040,
        ("330400", "330200", "330600", "330100"),
    ),
    "宁波近岸": ((121.60, 29.20, 122.15, 29.95), 12, 0.30, 0.022, ("330200",)),
    "舟山近岸": ((121.90, 29.75, 122.80, 30.80), 14, 0.34, 0.026, ("330900",)),
    "台州近岸": ((121.45, 28.15, 122.05, 29.15), 11, 0.20, 0.014, ("331000",)),
    "温州近岸": ((120.65, 27.15, 121.30, 28.10), 11, 0.17, 0.012, ("330300",)),
}
#: outfalls per sea area (the coast they lie on)
OUTFALLS = {"杭州湾": 30, "宁波近岸": 24, "舟山近岸": 18, "台州近岸": 26, "温州近岸": 22}
KIND_WEIGHTS = (
    ("industrial", 0.55),
    ("sewage_plant", 0.25),
    ("agricultural", 0.12),
    ("other", 0.08),
)
#: how far along the remediation stages the outfalls are (share of each final stage)
STAGE_WEIGHTS = (0.14, 0.18, 0.2, 0.2, 0.28)


def _points(rng: np.random.Generator, box: tuple[float, float, float, float], cities: tuple[str, ...],
            n: int, *, near_km: float) -> list[tuple[float, float, str]]:  # fmt: skip
    """``n`` offshore points of ``box`` (in no county) whose nearest county within ``near_km``
    is of one of ``cities``: (lon, lat, county)."""
    out: list[tuple[float, float, str]] = []
    for _ in range(200):
        lon = rng.uniform(box[0], box[2], 400)
        lat = rng.uniform(box[1], box[3], 400)
        inside = np.asarray(county_at(lon, lat, tolerance_km=0.0), dtype=object)
        for x, y, c in zip(lon, lat, inside, strict=True):
            if c is not None or len(out) >= n:
                continue
            near = county_at(float(x), float(y), tolerance_km=near_km)
            if near is not None and str(near)[:4] + "00" in cities:
                if all(abs(x - a) + abs(y - b) > 0.03 for a, b, _ in out):
                    out.append((round(float(x), 4), round(float(y), 4), str(near)))
        if len(out) >= n:
            break
    return out


def _sample(rng: np.random.Generator, din: float, po4: float) -> dict[str, float]:
    return {
        "pH": round(float(rng.uniform(7.85, 8.25)), 2),
        "DO": round(float(rng.uniform(5.6, 8.2)), 2),
        "COD": round(float(rng.uniform(0.6, 2.4)), 2),
        "DIN": round(float(din * rng.lognormal(0, 0.28)), 3),
        "PO4_P": round(float(po4 * rng.lognormal(0, 0.3)), 4),
        "Petroleum": round(float(rng.uniform(0.008, 0.045)), 3),
    }


def _month_days(now: datetime, months: int) -> list[date]:
    today = now.astimezone(CST).date()
    out = []
    y, m = today.year, today.month
    for _ in range(months):
        out.append(date(y, m, 10) if date(y, m, 10) <= today else date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def seed_demo_marine(engine: Engine, store: ObservationStore, *, now: datetime,
                     sink: CaseSink | None) -> str | None:  # fmt: skip
    """Seed the coastal stations, river-mouth sections and outfalls once; None when seeded."""
    with session_scope(engine) as session:
        if session.scalar(select(SeaOutfall.id).limit(1)) is not None:
            return None
    # the demo's now can run ahead of the clock (the hour after its newest value): cases refuse
    # a future occurrence, so the records here end at the earlier of the two
    now = min(now, utcnow())
    rng = np.random.default_rng(25)
    today = now.astimezone(CST).date()
    n_st = n_samples = 0
    with session_scope(engine) as session:
        # --- sea stations and their surveys
        surveys = [d for d in (date(today.year - 1, m, 15) for m in (2, 5, 8, 11))
                   if d > today - timedelta(days=365)]  # fmt: skip
        surveys += [d for d in (date(today.year, m, 15) for m in (2, 5, 8, 11)) if d <= today]
        batch = []
        for area, (box, n, din, po4, cities) in AREAS.items():
            for i, (lon, lat, _county) in enumerate(_points(rng, box, cities, n, near_km=40.0)):
                code = f"SEA{list(AREAS).index(area) + 1}{i + 1:02d}"
                site = coastal.ensure_station(session, code, f"{area}{i + 1:02d}号点位", lon, lat,
                                              area_km2=round(float(rng.uniform(30, 400)), 1),
                                              sea_area=area, synthetic=True)  # fmt: skip
                n_st += 1
                level = din * rng.uniform(0.7, 1.3)
                for d in surveys:
                    season = 1.15 if d.month in (8, 11) else 0.85
                    batch.append((site, d, _sample(rng, level * season, po4 * season)))
        n_samples = len(batch)
        coastal.write_samples(session, store, batch, source=SOURCE)
        # --- river mouths: 12 months of TN/TP
        coastal.ensure_river_mouths(session, synthetic=True)
        rows = []
        for k, m in enumerate(river_mouths()):
            over = k % 5 == 2  # every fifth section runs above its targets on the year
            for month in coastal.trailing_months(today):
                f = rng.uniform(1.0, 1.35) if over else rng.uniform(0.6, 1.02)
                seasonal = 1.1 if month.month in (1, 2, 12) else 0.95
                rows.append((m.code, month, round(m.tn_target * f * seasonal, 2),
                             round(m.tp_target * f * rng.uniform(0.85, 1.1), 3)))  # fmt: skip
        coastal.write_river_months(session, store, rows, source=SOURCE)
    # --- outfalls
    made, by_stage, exceeding = 0, {s: 0 for s in STAGES}, 0
    start = now - timedelta(days=330)
    with session_scope(engine) as session:
        directory = {c: [e for e in enterprise_directory(session, c) if e.status != "closed"]
                     for c in {c for a in AREAS.values() for c in a[4]}}  # fmt: skip
        kinds = [k for k, _ in KIND_WEIGHTS]
        weights = np.array([w for _, w in KIND_WEIGHTS])
        history: list[tuple[SeaOutfall, date, dict[str, float]]] = []
        latest: list[tuple[SeaOutfall, date, dict[str, float]]] = []
        days = _month_days(now, 6)
        for area, n in OUTFALLS.items():
            box, _, _, _, cities = AREAS[area]
            pts = _points(rng, (box[0] - 0.3, box[1], box[2], box[3]), cities, n, near_km=4.0)
            for i, (lon, lat, county) in enumerate(pts):
                city = county[:4] + "00"
                ents = directory.get(city) or []
                kind = str(rng.choice(kinds, p=weights / weights.sum()))
                if not ents:
                    kind = "sewage_plant"
                cname = REGIONS[county].name
                resp: int | None = None
                plant, connected = "", tuple[int, ...]()
                if kind == "sewage_plant":
                    plant = f"{cname}{'城东' if i % 2 else '城西'}污水处理厂"
                    if ents:
                        pick = rng.choice(
                            len(ents), size=min(len(ents), int(rng.integers(2, 5))), replace=False
                        )
                        connected = tuple(ents[int(j)].id for j in pick)
                else:
                    resp = ents[int(rng.integers(len(ents)))].id
                code = f"RHPK{county}{i + 1:03d}"
                names = {"industrial": "工业排污口", "sewage_plant": "污水处理厂排污口",
                         "agricultural": "养殖尾水排口", "other": "雨排口"}  # fmt: skip
                row = outfalls.register_outfall(session, PROVINCE, OutfallInput(
                    code=code, name=f"{cname}{area[:2]}{names[kind]}{i + 1:02d}", kind=kind, lon=lon,
                    lat=lat, sea_area=area, responsible_enterprise_id=resp, responsible_plant=plant,
                    connected_enterprise_ids=connected, note="演示数据 · synthetic"),
                    actor=ACTOR, now=start, synthetic=True)  # fmt: skip
                made += 1
                final = int(rng.choice(len(STAGES), p=np.array(STAGE_WEIGHTS)))
                d0 = start.astimezone(CST).date()
                for k in range(1, final + 1):
                    on = d0 + timedelta(days=int(60 * k + rng.integers(0, 40)))
                    on = min(on, today)
                    stage_now = datetime.combine(on, datetime.min.time(), tzinfo=CST) + timedelta(
                        hours=10
                    )
                    outfalls.advance_stage(session, PROVINCE, row.id, STAGES[k], on=on,
                                           note="演示数据 · synthetic", actor=ACTOR,
                                           now=min(stage_now, now), sink=sink)  # fmt: skip
                by_stage[STAGES[final]] += 1
                if final == 0:
                    continue
                limits, _, _ = fallback_limits(kind)
                bad = final in (2, 3) and rng.random() < 0.45
                exceeding += int(bad)
                for j, d in enumerate(days):
                    conc = {k: v * rng.uniform(0.25, 0.8) for k, v in limits.items()}
                    if "w21001" not in conc:
                        conc["w21001"] = float(rng.uniform(8, 25))
                    if bad and j >= len(days) - 2:
                        key = "w21003" if rng.random() < 0.5 else "w21011"
                        conc[key] = limits[key] * rng.uniform(1.2, 2.6)
                    vals = {k: round(float(v), 3) for k, v in conc.items()}
                    (latest if j == len(days) - 1 else history).append((row, d, vals))
        # the demo enterprise account's enterprise answers for one outfall on the 杭州湾 shore
        # (being traced, its newest sample over the NH3-N limit), so its account sees one
        account = session.scalar(select(User.enterprise_id).where(User.username == "enterprise"))
        if account is not None:
            row = outfalls.register_outfall(session, PROVINCE, OutfallInput(
                code="RHPK-DEMO-ENT", name="钱塘江口工业排污口（演示企业）", kind="industrial", lon=120.70,
                lat=30.34, sea_area="杭州湾", responsible_enterprise_id=int(account),
                note="演示数据 · synthetic"), actor=ACTOR, now=start, synthetic=True)  # fmt: skip
            for k, stage in enumerate(("monitoring", "tracing"), start=1):
                on = start.astimezone(CST).date() + timedelta(days=90 * k)
                outfalls.advance_stage(session, PROVINCE, row.id, stage, on=on, note="演示数据 · synthetic",
                                       actor=ACTOR, now=now, sink=sink)  # fmt: skip
            limits, _, _ = fallback_limits("industrial")
            for j, d in enumerate(days):
                vals = {k: round(float(v * rng.uniform(0.3, 0.7)), 3) for k, v in limits.items()}
                if j == len(days) - 1:
                    vals["w21003"] = round(limits["w21003"] * 1.6, 3)
                (latest if j == len(days) - 1 else history).append((row, d, vals))
            made += 1
            by_stage["tracing"] += 1
            exceeding += 1
        outfalls.add_outfall_samples(session, store, history, source=SOURCE, sink=None, now=now)
        outfalls.add_outfall_samples(session, store, latest, source=SOURCE, sink=sink, now=now)
    return (f"{n_st} sea stations ({n_samples} surveys), {len(river_mouths())} river-mouth sections, "
            f"{made} outfalls ({', '.join(f'{s} {n}' for s, n in by_stage.items())}; "
            f"{exceeding} exceeding), all synthetic")  # fmt: skip
