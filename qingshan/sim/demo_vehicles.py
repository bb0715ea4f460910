"""The demo's vehicle fleet and a year of I/M tests (synthetic, seeded, issue #21), with planted
station fraud and its ground truth.

- **fleet**: ``n_vehicles`` (300,000 at full scale) registered in the 11 cities of Zhejiang from
  2009 on — fuel, category, plate type, owner type by plausible shares (platform assumptions);
  VINs with a Chinese WMI and a valid GB 16735 check digit, plates valid under GA 36-2018
  (new-energy plates for electric and hybrid vehicles); the stage computed by
  :func:`qingshan.vehicles.stages.stages_for` from the registration date;
- **stations**: ``n_stations`` (40) I/M stations spread over the cities by fleet size, 2–6
  lines each with a dynamometer / analyser / opacimeter, calibrated within the year (ORM rows),
  each at a synthetic position drawn inside its county's polygon (the station map);
- **tests**: a year up to ``now`` — about 40 % of the combustion fleet comes for a periodic test;
  methods by fuel and category; an initial-test failure rate by stage (国III 20 %, 国IV 12 %,
  国V 7 %, 国VI 4 % — platform assumptions, about 6–7 % overall), failed vehicles retested 1–20
  days later (15 % at another station). Measured values are drawn as fractions of the limits
  of :mod:`qingshan.vehicles.judge`'s table (the [U] cells — a synthetic demo, not a
  judgement of real vehicles); ``passed`` is then COMPUTED by the judge, like an import's;
- **planted fraud** (``planted_per_kind`` stations each, disjoint, written to the side table
  ``station_fraud_truth``: ``kind``, ``unit`` = station_code, ``detail``, ``synthetic``):
  ``pass_rate`` (initial failures at a tenth of the base rate), ``identical_curve`` (a quarter
  of the tests share one of three curve digests), ``too_short`` (a fifth end before the
  method's minimum duration), ``impossible_hours`` (8 % start at 02:00–04:00 CST),
  ``fail_elsewhere`` (vehicles that failed elsewhere pass here 0.5–3 days later). Clean stations
  carry honest noise (rare short tests, rare night tests, retests elsewhere). The thresholds
  (:data:`qingshan.vehicles.synth.MIN_DURATION_S`) are V2's platform thresholds;
- a small **non-road machinery** registry (``n_machines``).

Everything is labelled synthetic (``synthetic`` columns, station names 合成). Deterministic for a
seed and ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from qingshan.db.engine import session_scope
from qingshan.geo.counties import county_at, region_extent
from qingshan.geo.errors import GeoError
from qingshan.geo.regions import children
from qingshan.vehicles.identity import VIN_TRANSLITERATION, VIN_WEIGHTS
from qingshan.vehicles.judge import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    LimitTable,
    judge_tests,
    limit_sets_for,
    read_limits,
)
from qingshan.vehicles.models import (
    NonRoadMachine,
    VehicleEquipment,
    VehicleStation,
    VehicleTestLine,
)
from qingshan.vehicles.stages import stages_for
from qingshan.vehicles.store import VehicleStore
from qingshan.vehicles.synth import MIN_DURATION_S

#: the demo county account's county (西湖区): a Hangzhou station is registered there first
DEMO_COUNTY = "330106"

__all__ = [
    "DemoFleet",
    "build_demo_fleet",
    "seed_demo_vehicles",
    "seed_demo_rs_obd",
    "TRUTH_TABLE",
    "FRAUD_KINDS",
]

CST = "Asia/Shanghai"
TRUTH_TABLE = "station_fraud_truth"
FRAUD_KINDS = ("pass_rate", "identical_curve", "too_short", "impossible_hours", "fail_elsewhere")
#: plate letter → city code and fleet share (platform assumption, roughly by population)
CITIES = {
    "A": ("330100", "杭州", 0.22), "B": ("330200", "宁波", 0.17), "C": ("330300", "温州", 0.15),
    "D": ("330600", "绍兴", 0.09), "E": ("330500", "湖州", 0.05), "F": ("330400", "嘉兴", 0.09),
    "G": ("330700", "金华", 0.12), "H": ("330800", "衢州", 0.03), "J": ("331000", "台州", 0.11),
    "K": ("331100", "丽水", 0.03), "L": ("330900", "舟山", 0.02),
}  # fmt: skip
#: nominal seconds per method (a test's length before the station's overhead; platform figures)
NOMINAL_S = {"double_idle": 120, "asm": 180, "vmas": 195, "free_accel": 90, "lug_down": 240}
FAIL_BY_STAGE = {"国III": 0.20, "国IV": 0.12, "国V": 0.07, "国VI": 0.04}
_WMI = np.array(
    ["LFV", "LSV", "LGB", "LVS", "LSG", "LBV", "LHG", "LZW", "LDC", "LVH", "LGW", "LJD"]
)
_VIN_CHARS = np.array(list("0123456789ABCDEFGHJKLMNPRSTUVWXYZ"))
_SERIAL = np.array(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"))
_YEAR_CODE = dict(zip(range(2009, 2031), "9ABCDEFGHJKLMNPRSTVWXY", strict=True))


@dataclass(frozen=True)
class DemoFleet:
    vehicles: pd.DataFrame  # the contract's vehicles frame
    stations: pd.DataFrame  # station_code, name, region_code, lines, lon, lat
    tests: pd.DataFrame  # the contract's im_tests frame, passed computed
    truth: pd.DataFrame  # kind, unit, detail, synthetic


def _vins(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """Unique VINs with valid check digits (GB 16735 / ISO 3779): WMI, random VDS, the model
    year code, a plant letter and a serial unique per row."""
    n = len(years)
    chars = np.empty((n, 17), dtype="<U1")
    chars[:, 0:3] = rng.choice(_WMI, n).astype("<U3")[:, None].view("<U1")
    chars[:, 3:8] = rng.choice(_VIN_CHARS, (n, 5))
    chars[:, 9] = np.array([_YEAR_CODE[int(y)] for y in years])
    chars[:, 10] = rng.choice(_VIN_CHARS[10:], n)
    serial = np.char.zfill(np.arange(n).astype(str), 6)
    chars[:, 11:17] = np.ascontiguousarray(serial.astype("<U6"))[:, None].view("<U1")
    lut = {c: v for c, v in VIN_TRANSLITERATION.items()}
    values = np.vectorize(lut.__getitem__)(np.where(chars == "", "0", chars))
    values[:, 8] = 0
    rem = (values * np.array(VIN_WEIGHTS)).sum(axis=1) % 11
    chars[:, 8] = np.where(rem == 10, "X", rem.astype(str))
    return np.ascontiguousarray(chars).view("<U17").ravel().astype(object)


def _join(chars: np.ndarray) -> np.ndarray:
    """Rows of one-character cells as strings (a view, no Python loop)."""
    return np.ascontiguousarray(chars.astype("<U1")).view(f"<U{chars.shape[1]}").ravel()


def _plates(rng: np.random.Generator, letters: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Unique plates valid under GA 36-2018 for each row's kind (ordinary, new_energy_small,
    new_energy_large)."""
    n = len(letters)
    out = np.empty(n, dtype=object)
    taken: set[str] = set()
    todo = np.arange(n)
    while len(todo):
        k = len(todo)
        digits = rng.integers(0, 10, (k, 5)).astype("<U1")
        ordinary = _join(rng.choice(_SERIAL, (k, 5)))  # no I / O in _SERIAL
        energy = rng.choice(np.array(["D", "F"]), k, p=[0.7, 0.3])
        second = rng.choice(_SERIAL, k)
        small_ne = np.char.add(np.char.add(energy, second), _join(digits[:, :4]))
        large_ne = np.char.add(_join(digits), energy)
        kd = kind[todo]
        serial = np.where(
            kd == "new_energy_small",
            small_ne,
            np.where(kd == "new_energy_large", large_ne, ordinary),
        )
        plates = np.char.add(np.char.add("浙", letters[todo]), serial)
        keep = []
        for i, p in zip(todo, plates, strict=True):
            if p in taken:
                keep.append(i)
            else:
                taken.add(p)
                out[i] = p
        todo = np.array(keep, dtype=int)
    return out


def _fleet(rng: np.random.Generator, n: int, now: pd.Timestamp) -> pd.DataFrame:
    letters = np.array(list(CITIES))
    city = rng.choice(
        letters, n, p=np.array([CITIES[c][2] for c in letters]) / sum(c[2] for c in CITIES.values())
    )
    fuel = rng.choice(
        np.array(["gasoline", "diesel", "hybrid", "cng", "electric"]),
        n,
        p=[0.70, 0.12, 0.06, 0.02, 0.10],
    )
    u = rng.random(n)
    category = np.select(
        [fuel == "diesel", fuel == "cng"],
        [np.select([u < 0.05, u < 0.40, u < 0.50], ["light_passenger", "light_goods", "heavy_passenger"], "heavy_goods"),
         np.where(u < 0.6, "light_passenger", "heavy_passenger")],
        np.select([u < 0.92, u < 0.98, u < 0.99], ["light_passenger", "light_goods", "heavy_goods"], "heavy_passenger"),
    )  # fmt: skip
    light = np.char.startswith(category.astype(str), "light")
    ne = (fuel == "electric") | (fuel == "hybrid")
    plate_type = np.where(
        ne,
        np.where(light, "new_energy_small", "new_energy_large"),
        np.where(light, "small", "large"),
    )
    kind = np.where(ne, plate_type, "ordinary")
    # registration: 2009-07-01 (after every group's 国III date) up to now, skewed to recent years
    span = (now.tz_convert(CST).normalize().tz_localize(None) - pd.Timestamp("2009-07-01")).days
    offset = (span * rng.beta(1.6, 1.0, n)).astype(int)
    registered = (pd.Timestamp("2009-07-01") + pd.to_timedelta(offset, "D")).date
    years = np.array([d.year for d in registered])
    owner = np.where(
        np.char.endswith(category.astype(str), "goods") | (rng.random(n) < 0.08),
        "company",
        "private",
    )
    owner = np.where((category == "light_passenger") & (rng.random(n) < 0.9), "private", owner)
    frame = pd.DataFrame({
        "vin": _vins(rng, years),
        "plate": _plates(rng, city, kind),
        "plate_type": plate_type,
        "fuel": fuel,
        "category": category,
        "registered": registered,
        "region_code": [CITIES[c][0] for c in city],
        "owner_type": owner,
        "synthetic": True,
    })  # fmt: skip
    frame.insert(5, "stage", stages_for(frame).to_numpy())
    return frame


def _method(rng: np.random.Generator, fuel: np.ndarray, category: np.ndarray) -> np.ndarray:
    n = len(fuel)
    heavy = np.char.startswith(category.astype(str), "heavy")
    diesel = fuel == "diesel"
    gas = rng.choice(np.array(["asm", "vmas", "double_idle"]), n, p=[0.55, 0.35, 0.10])
    die = np.where(
        heavy, rng.choice(np.array(["lug_down", "free_accel"]), n, p=[0.7, 0.3]), "free_accel"
    )
    return np.where(diesel, die, np.where(heavy, "double_idle", gas))


def _measure(
    rng: np.random.Generator, tests: pd.DataFrame, failed: np.ndarray, table: LimitTable
) -> pd.DataFrame:
    """Values as fractions of each item's limit: all within for a passing test, the first item
    1.05–2.5× over for a failing one (so the judge, run afterwards, agrees)."""
    lset = limit_sets_for(tests["started_at"], table).to_numpy()
    n = len(tests)
    cols = {
        c: np.full(n, np.nan)
        for c in set().union(*REQUIRED_COLUMNS.values(), *OPTIONAL_COLUMNS.values())
    }
    method = tests["method"].to_numpy()
    for m in REQUIRED_COLUMNS:
        for ls in ("a", "b"):
            sel = np.flatnonzero((method == m) & (lset == ls))
            if not len(sel):
                continue
            for j, col in enumerate(REQUIRED_COLUMNS[m] + OPTIONAL_COLUMNS[m]):
                cell = table.cell(m, ls, col)
                if cell.min is not None and cell.max is not None:  # λ window
                    mid, half = (cell.min + cell.max) / 2, (cell.max - cell.min) / 2
                    cols[col][sel] = mid + np.clip(rng.normal(0, 0.3, len(sel)), -0.9, 0.9) * half
                    continue
                assert cell.max is not None
                mult = rng.uniform(0.1, 0.9, len(sel))
                if j == 0:
                    mult = np.where(failed[sel], rng.uniform(1.05, 2.5, len(sel)), mult)
                cols[col][sel] = mult * cell.max
    return tests.assign(**cols)


def build_demo_fleet(*, now: datetime, seed: int = 2021, n_vehicles: int = 300_000, n_stations: int = 40,
                     planted_per_kind: int = 2, table: LimitTable | None = None) -> DemoFleet:  # fmt: skip
    """The fleet, stations, a year of tests (judged) and the planted-fraud truth (pure)."""
    table = read_limits() if table is None else table
    rng = np.random.default_rng(seed)
    end = (
        pd.Timestamp(now).tz_convert("UTC")
        if pd.Timestamp(now).tzinfo
        else pd.Timestamp(now, tz="UTC")
    )
    vehicles = _fleet(rng, n_vehicles, end)

    # stations over the cities by fleet share (at least one each)
    letters = list(CITIES)
    share = np.array([CITIES[c][2] for c in letters])
    per_city = np.maximum(
        1, np.floor(share / share.sum() * (n_stations - len(letters))).astype(int) + 0
    )
    while per_city.sum() < n_stations:
        per_city[int(np.argmax(share / per_city))] += 1
    while per_city.sum() > n_stations:
        per_city[int(np.argmax(per_city))] -= 1
    st_region, st_code, st_name = [], [], []
    for c, k in zip(letters, per_city, strict=True):
        region, city, _ = CITIES[c]
        for i in range(int(k)):
            st_region.append(region)
            st_code.append(f"IM{region}{i + 1:02d}")
            st_name.append(f"{city}合成机动车检测站{i + 1:02d}（synthetic）")
    stations = pd.DataFrame({"station_code": st_code, "name": st_name, "region_code": st_region,
                             "lines": rng.integers(2, 7, len(st_code))})  # fmt: skip
    codes = stations["station_code"].to_numpy()
    order = rng.permutation(len(codes))
    plants = {
        kind: list(codes[order[i * planted_per_kind : (i + 1) * planted_per_kind]])
        for i, kind in enumerate(FRAUD_KINDS)
    }
    planted_of = {s: k for k, ss in plants.items() for s in ss}

    # initial tests: ~40 % of the combustion fleet, at a station of its city
    combustion = vehicles[vehicles["fuel"] != "electric"]
    due = combustion.sample(frac=0.4, random_state=int(rng.integers(1 << 31)))
    n = len(due)
    by_region = {r: codes[stations["region_code"].to_numpy() == r] for r in sorted(set(st_region))}
    station = np.empty(n, dtype=object)
    for r, cs in by_region.items():
        sel = (due["region_code"] == r).to_numpy()
        station[sel] = rng.choice(cs, int(sel.sum()))
    kind_of = np.array([planted_of.get(s, "") for s in station])
    method = _method(rng, due["fuel"].to_numpy(), due["category"].to_numpy())
    p_fail = np.array([FAIL_BY_STAGE[s] for s in due["stage"]])
    p_fail = np.where(kind_of == "pass_rate", p_fail * 0.1, p_fail)
    failed = rng.random(n) < p_fail
    start_day = end.tz_convert(CST).normalize() - pd.Timedelta(days=365)
    day = rng.integers(0, 365, n)
    sec = rng.uniform(8 * 3600, 18 * 3600, n)
    night = (rng.random(n) < 0.0005) | ((kind_of == "impossible_hours") & (rng.random(n) < 0.08))
    sec = np.where(night, rng.uniform(2 * 3600, 4 * 3600, n), sec)
    started = start_day + pd.to_timedelta(day, "D") + pd.to_timedelta(sec, "s")
    nominal = np.array([NOMINAL_S[m] for m in method], dtype=float)
    minimum = np.array([MIN_DURATION_S[m] for m in method], dtype=float)
    dur = nominal + rng.uniform(20, 120, n)
    short = (rng.random(n) < 0.002) | ((kind_of == "too_short") & (rng.random(n) < 0.2))
    dur = np.where(short, minimum * rng.uniform(0.3, 0.8, n), dur)
    digest = np.array([f"{x:016x}" for x in rng.integers(0, 1 << 62, n)])
    fake = (kind_of == "identical_curve") & (rng.random(n) < 0.25)
    pool = np.array([f"{x:016x}" for x in rng.integers(0, 1 << 62, 3)])
    digest[fake] = rng.choice(pool, int(fake.sum()))
    failed[fake] = False
    initial = pd.DataFrame({
        "vin": due["vin"].to_numpy(), "plate": due["plate"].to_numpy(), "station_code": station,
        "method": method, "kind": "initial", "started_at": started, "dur": dur, "failed": failed,
        "curve_digest": digest,
    })  # fmt: skip

    # retests of the failed ones, 1–20 days on, mostly at the same station
    fails = initial[initial["failed"]]
    m = len(fails)
    other = rng.random(m) < 0.15
    re_station = np.where(other, rng.choice(codes, m), fails["station_code"].to_numpy())
    re_start = (
        fails["started_at"].dt.tz_convert(CST) + pd.to_timedelta(rng.integers(1, 21, m), "D")
    ).dt.normalize()
    re_start = re_start + pd.to_timedelta(rng.uniform(8 * 3600, 18 * 3600, m), "s")
    retests = fails.assign(station_code=re_station, kind="retest", started_at=re_start.to_numpy(),
                           dur=np.array([NOMINAL_S[x] for x in fails["method"]]) + rng.uniform(20, 120, m),
                           failed=rng.random(m) < 0.05,
                           curve_digest=[f"{x:016x}" for x in rng.integers(0, 1 << 62, m)])  # fmt: skip
    # planted rescues: failed elsewhere, passes here 0.5–3 days later (daytime)
    rescues = []
    pool_f = fails[~fails["station_code"].isin(plants["fail_elsewhere"])]
    for s in plants["fail_elsewhere"]:
        pick = pool_f.iloc[rng.choice(len(pool_f), min(40, len(pool_f)), replace=False)]
        at = pick["started_at"].dt.tz_convert(CST) + pd.to_timedelta(
            rng.uniform(0.5, 3, len(pick)), "D"
        )
        at = at.where(
            (at.dt.hour >= 8) & (at.dt.hour < 18), at.dt.normalize() + pd.Timedelta(hours=10)
        )
        rescues.append(pick.assign(station_code=s, kind="initial", started_at=at.to_numpy(),
                                   dur=np.array([NOMINAL_S[x] for x in pick["method"]]) + 60.0, failed=False,
                                   curve_digest=[f"{x:016x}" for x in rng.integers(0, 1 << 62, len(pick))]))  # fmt: skip
    allt = pd.concat([initial, retests, *rescues], ignore_index=True)
    allt["started_at"] = pd.to_datetime(allt["started_at"], utc=True)
    allt = allt[allt["started_at"] < end].sort_values(
        ["started_at", "vin"], kind="stable", ignore_index=True
    )
    k = len(allt)
    tests = pd.DataFrame({
        "test_id": [f"DEMO{i:09d}" for i in range(k)],
        "vin": allt["vin"], "plate": allt["plate"], "station_code": allt["station_code"],
        "line_no": rng.integers(1, 5, k), "method": allt["method"], "kind": allt["kind"],
        "started_at": allt["started_at"].dt.as_unit("ns"),
    })  # fmt: skip
    tests["ended_at"] = tests["started_at"] + pd.to_timedelta(allt["dur"].to_numpy(), "s")
    tests = _measure(rng, tests, allt["failed"].to_numpy(), table)
    tests["curve_digest"] = allt["curve_digest"].to_numpy()
    tests["synthetic"] = True
    judged = judge_tests(tests, table)
    tests = tests.assign(
        passed=judged["passed"], limit_set=judged["limit_set"], limit_ref=judged["limit_ref"]
    )
    details = {
        "pass_rate": "initial-test failures at a tenth of the base rate",
        "identical_curve": "a quarter of the tests share one of three curve digests",
        "too_short": "a fifth of the tests end before the method's minimum duration",
        "impossible_hours": "8 % of the tests start at 02:00–04:00 CST",
        "fail_elsewhere": "up to 40 vehicles failed elsewhere pass here 0.5–3 days later",
    }
    truth = pd.DataFrame([(kind, s, details[kind], True) for kind, ss in plants.items() for s in ss],
                         columns=["kind", "unit", "detail", "synthetic"])  # fmt: skip
    # registered in a county of their city (a county account sees its own fleet and stations),
    # drawn from a generator of their own so the city-level draws above stay as they were
    county_rng = np.random.default_rng(seed + 1)
    vehicles = vehicles.assign(region_code=_in_counties(county_rng, vehicles["region_code"]))
    stations = stations.assign(region_code=_in_counties(None, stations["region_code"]))
    # a synthetic position inside the station's county (its own generator: nothing above moves)
    lon, lat = _points_in(np.random.default_rng(seed + 2), stations["region_code"])
    stations = stations.assign(lon=lon, lat=lat)
    return DemoFleet(vehicles, stations, tests, truth)


def _points_in(rng: np.random.Generator, counties: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A random point inside each row's county polygon (rejection sampling in the county's
    bounding box against :func:`qingshan.geo.counties.county_at` without tolerance; the county's
    centre after 200 misses, or when the county has no polygon)."""
    lon = np.empty(len(counties))
    lat = np.empty(len(counties))
    for i, code in enumerate(counties.astype(str)):
        try:
            ext = region_extent(code)
        except GeoError:
            lon[i], lat[i] = np.nan, np.nan
            continue
        w, s, e, n = ext.bbox
        lon[i], lat[i] = ext.center
        for _ in range(200):
            x, y = float(rng.uniform(w, e)), float(rng.uniform(s, n))
            if county_at(x, y, tolerance_km=0.0) == code:
                lon[i], lat[i] = round(x, 5), round(y, 5)
                break
    return lon, lat


def _in_counties(rng: np.random.Generator | None, cities: pd.Series) -> np.ndarray:
    """A county of each row's city: drawn at random by ``rng``, or, with None (stations), in
    turn over the city's counties from the demo county account's own (西湖) first."""
    out = cities.to_numpy(dtype=object).copy()
    for city in cities.unique():
        counties = sorted((r.code for r in children(city)), key=lambda c: (c != DEMO_COUNTY, c))
        if not counties:
            continue
        sel = np.flatnonzero(cities.to_numpy() == city)
        picks = (rng.integers(0, len(counties), len(sel)) if rng is not None
                 else np.arange(len(sel)) % len(counties))  # fmt: skip
        out[sel] = np.array(counties, dtype=object)[picks]
    return out


def seed_demo_vehicles(engine: Engine, store: VehicleStore, *, now: datetime, seed: int = 2021,
                       n_vehicles: int = 300_000, n_stations: int = 40, n_machines: int = 2_000) -> str | None:  # fmt: skip
    """Store the demo fleet and tests (one batch), its truth table, the stations with lines and
    equipment, and the non-road machinery; None when the demo stations exist already."""
    with session_scope(engine) as session:
        if session.scalar(
            select(VehicleStation.id).where(VehicleStation.synthetic.is_(True)).limit(1)
        ):
            return None
    fleet = build_demo_fleet(now=now, seed=seed, n_vehicles=n_vehicles, n_stations=n_stations)
    rng = np.random.default_rng(seed + 1)
    today = (
        pd.Timestamp(now).tz_convert(CST).date()
        if pd.Timestamp(now).tzinfo
        else pd.Timestamp(now).date()
    )
    with session_scope(engine) as session:
        for st in fleet.stations.itertuples(index=False):
            row = VehicleStation(station_code=st.station_code, name=st.name, region_code=st.region_code,
                                 cma_number=f"SYN{st.station_code[2:]}", cma_valid_until=today + timedelta(days=int(rng.integers(60, 1500))),
                                 synthetic=True, lon=None if np.isnan(st.lon) else float(st.lon),
                                 lat=None if np.isnan(st.lat) else float(st.lat))  # fmt: skip
            session.add(row)
            session.flush()
            for line_no in range(1, int(st.lines) + 1):
                methods = "asm,vmas,double_idle" if line_no % 2 else "lug_down,free_accel"
                line = VehicleTestLine(station_id=row.id, line_no=line_no, methods=methods)
                session.add(line)
                session.flush()
                kinds = (
                    ("dynamometer", "gas_analyser")
                    if line_no % 2
                    else ("dynamometer", "opacimeter", "nox_analyser")
                )
                for kind in kinds:
                    cal = today - timedelta(days=int(rng.integers(1, 400)))
                    session.add(VehicleEquipment(line_id=line.id, device_id=f"{st.station_code}-{line_no}-{kind}",
                                                 kind=kind, model="合成型号（synthetic）", calibrated_on=cal,
                                                 calibration_due=cal + timedelta(days=365)))  # fmt: skip
        regions = [CITIES[c][0] for c in CITIES]
        machine_kinds = (
            "excavator",
            "loader",
            "forklift",
            "roller",
            "crane",
            "paver",
            "generator_set",
            "air_compressor",
        )
        for i in range(n_machines):
            session.add(NonRoadMachine(
                code=f"FL33{i:08d}", kind=str(rng.choice(machine_kinds)),
                engine_stage=str(rng.choice(["国I", "国II", "国III", "国IV"], p=[0.05, 0.25, 0.55, 0.15])),
                power_kw=float(np.round(rng.uniform(18, 300), 1)), owner=f"合成工程公司{i % 300:03d}（synthetic）",
                region_code=str(rng.choice(regions)), registered=date(2020, 1, 1) + timedelta(days=int(rng.integers(0, 1800))),
                synthetic=True,
            ))  # fmt: skip
    store.write_batch(vehicles=fleet.vehicles, tests=fleet.tests)
    store.write_table(TRUTH_TABLE, fleet.truth)
    t = fleet.tests
    init = t[t["kind"] == "initial"]
    return (f"{len(fleet.vehicles):,} vehicles, {len(fleet.stations)} stations, {len(t):,} I/M tests "
            f"(initial failure {1 - init['passed'].mean():.1%}), {len(fleet.truth)} planted fraud stations, "
            f"{n_machines:,} non-road machines (synthetic)")  # fmt: skip


# -- remote sensing and OBD (session 8, helper V4) -------------------------------------------------
RS_TRUTH_TABLE = "rs_high_emitter_truth"
OBD_TRUTH_TABLE = "obd_truth"
#: the demo's remote-sensing sites: real roads of the cities, synthetic sites (code, city letter,
#: name, lon, lat — positions on the named road, rounded; no real site is implied)
RS_SITES = (
    ("RS330100A", "A", "杭州 石祥路（合成遥感点，synthetic）", 120.176, 30.335),
    ("RS330100B", "A", "杭州 之江路（合成遥感点，synthetic）", 120.152, 30.213),
    ("RS330200A", "B", "宁波 环城北路（合成遥感点，synthetic）", 121.560, 29.904),
    ("RS330200B", "B", "宁波 北仑 新大路（合成遥感点，synthetic）", 121.845, 29.905),
    ("RS330300A", "C", "温州 温州大道（合成遥感点，synthetic）", 120.699, 28.004),
    ("RS330600A", "D", "绍兴 越东路（合成遥感点，synthetic）", 120.620, 30.005),
    ("RS330400A", "F", "嘉兴 中环北路（合成遥感点，synthetic）", 120.760, 30.785),
    ("RS330700A", "G", "金华 李渔路（合成遥感点，synthetic）", 119.650, 29.092),
    ("RS331000A", "J", "台州 开发大道（合成遥感点，synthetic）", 121.420, 28.660),
    ("RS330500A", "E", "湖州 二环东路（合成遥感点，synthetic）", 120.130, 30.880),
)


def seed_demo_rs_obd(store: VehicleStore, *, now: datetime, seed: int = 2021, scale: str = "full") -> str | None:  # fmt: skip
    """Store the demo's remote-sensing sites (side table ``rs_sites``), a year of readings at them
    and the last 30 CST days of a few hundred heavy diesel trucks' OBD samples, all from
    :mod:`qingshan.vehicles.synth` with its planted high emitters (1.5 % of the plates) and SCR
    failure / data-gap trucks (5 % each), their truth tables (``rs_high_emitter_truth``,
    ``obd_truth``: kind, unit, synthetic). Plates and VINs are the demo fleet's (read from the
    store), so a reading links to its vehicle. None when the sites exist already or the store
    holds no fleet."""
    from qingshan.vehicles.synth import synth_obd_stream, synth_rs_readings

    if len(store.read_rs_sites()):
        return None
    fleet = store.query("SELECT vin, plate, fuel, category FROM vehicles WHERE fuel <> 'electric'")
    if fleet.empty:
        return None
    full = scale == "full"
    end = pd.Timestamp(now)
    end = (end if end.tzinfo else end.tz_localize("UTC")).tz_convert(CST)
    rng = np.random.default_rng(seed + 4)
    sites = pd.DataFrame(
        [(code, CITIES[c][0], name, lon, lat) for code, c, name, lon, lat in RS_SITES],
        columns=["site_code", "region_code", "name", "lon", "lat"],
    ).assign(synthetic=True)
    n_plates = min(20_000 if full else 1_500, len(fleet) // 2)
    rs = synth_rs_readings(seed, n_readings=300_000 if full else 20_000, n_plates=n_plates,
                           n_sites=len(sites), start=str((end - pd.Timedelta(days=365)).date()), days=365,
                           high_emitter_share=0.015)  # fmt: skip
    readings = rs.readings
    readings = readings[readings["at"] <= end.tz_convert("UTC")]
    # synthetic plates → the fleet's: diesel plates (no CO measured) to diesel vehicles
    per_plate = readings.groupby("plate")["co_pct"].count() == 0
    is_diesel = (fleet["fuel"] == "diesel").to_numpy()
    pools = {d: rng.permutation(fleet["plate"].to_numpy()[is_diesel == d]) for d in (True, False)}
    plate_map: dict[str, str] = {}
    for diesel in (True, False):
        want = per_plate.index[per_plate.to_numpy() == diesel]
        pool = pools[diesel]
        if len(pool) < len(want):  # too few of that fuel: the rest from the other pool
            pool = np.concatenate([pool, pools[not diesel][-(len(want) - len(pool)) :]])
        plate_map.update(zip(want, pool[: len(want)], strict=True))
    site_map = dict(zip(rs.sites["site_code"], sites["site_code"], strict=True))
    readings = readings.assign(
        plate=readings["plate"].map(plate_map),
        site_code=readings["site_code"].map(site_map),
        reading_id="RS" + readings["reading_id"].str[1:],
        synthetic=True,
    )
    rs_truth = rs.truth.assign(unit=rs.truth["unit"].map(plate_map), synthetic=True)
    rs_truth = rs_truth[rs_truth["unit"].isin(set(readings["plate"]))]

    trucks = fleet.loc[(fleet["fuel"] == "diesel") & (fleet["category"] == "heavy_goods"), "vin"]
    n_trucks = min(300 if full else 60, len(trucks))
    obd = None
    obd_truth = pd.DataFrame(columns=["kind", "unit", "synthetic"])
    if n_trucks:
        start = (end - pd.Timedelta(days=30)).date()
        o = synth_obd_stream(seed, n_trucks=n_trucks, days=30, start=str(start), step_s=300,
                             planted_share=0.05)  # fmt: skip
        vin_map = dict(
            zip(sorted(o.stream["vin"].unique()), rng.choice(trucks.to_numpy(), n_trucks, replace=False), strict=True)
        )  # fmt: skip
        obd = o.stream.assign(vin=o.stream["vin"].map(vin_map), synthetic=True)
        obd = obd[obd["at"] <= end.tz_convert("UTC")]
        obd_truth = o.truth.assign(unit=o.truth["unit"].map(vin_map), synthetic=True)
    store.write_batch(rs_readings=readings, obd_stream=obd)
    store.write_table(RS_TRUTH_TABLE, rs_truth.reset_index(drop=True))
    store.write_table(OBD_TRUTH_TABLE, obd_truth.reset_index(drop=True))
    store.write_rs_sites(sites)
    return (f"{len(sites)} remote-sensing sites, {len(readings):,} readings of {readings['plate'].nunique():,} plates "
            f"({len(rs_truth)} planted high emitters), {n_trucks} OBD trucks × 30 days = "
            f"{0 if obd is None else len(obd):,} samples ({len(obd_truth)} planted SCR-failure / gap trucks) (synthetic)")  # fmt: skip
