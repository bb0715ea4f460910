"""Seeded synthetic frames in the shapes of the vehicles contract (``im_tests``, ``rs_readings``,
``obd_stream``, plus the ``vehicles`` and ``stations`` they refer to), with planted fraud,
high-emitter and tampering patterns and their ground truth.

Pure: no I/O, no clock; the same seed gives the same frames. Every record is synthetic. The
truth tables have one row per planted unit: ``kind`` (the check meant to find it) and ``unit``
(a ``station_code``, a ``plate`` or a ``vin``), so :mod:`qingshan.vehicles.scoring` can score
each check per unit as ``qc score`` does per series-hour.

Measured values are drawn as multiples of placeholder limits (the 限值a cells of the reference,
all [U]); ``passed`` is the generator's own verdict (the multiple is below 1 on every item, or
not) — a real import computes it with ``vehicles.judge`` instead, and ``limit_ref`` says
"synthetic" so no one mistakes it for a judgement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "METHODS",
    "MIN_DURATION_S",
    "SynthIM",
    "SynthRS",
    "SynthOBD",
    "synth_im_tests",
    "synth_rs_readings",
    "synth_obd_stream",
]

CST = "Asia/Shanghai"

#: method → (fuel, share of that fuel's tests, base initial-test failure rate, nominal test
#: seconds, items measured). Failure rates are platform assumptions for synthetic data.
METHODS: dict[str, tuple[str, float, float, int, tuple[str, ...]]] = {
    "double_idle": ("gasoline", 0.15, 0.05, 120, ("co_pct", "hc_ppm")),
    "asm": ("gasoline", 0.50, 0.08, 180, ("co_pct", "hc_ppm", "no_ppm")),
    "vmas": ("gasoline", 0.35, 0.10, 195, ("co_gkm", "hc_gkm", "nox_gkm")),
    "free_accel": ("diesel", 0.40, 0.06, 90, ("k_m1",)),
    "lug_down": ("diesel", 0.60, 0.09, 240, ("k_m1", "nox_ppm")),
}

#: the shortest plausible test per method, seconds: a test that ends sooner cannot have run the
#: method's cycle. Platform thresholds; the cycles of GB 18285-2018 / GB 3847-2018 were not read:
#: - asm 50: ASM5025 and ASM2540 each end at t = 25 s on the 快速检查 (fast check: 5 s stable,
#:   10 s analyser preset, 10 s sampling) when the vehicle passes, t = 90 s otherwise [MC:
#:   bjltl.com.cn, quoting the ASM procedure of GB 18285-2005; the 2018 text not checked];
#: - vmas 195: the urban driving cycle VMAS runs is 195 s long [U];
#: - double_idle 90, free_accel 60, lug_down 150: platform values [U].
MIN_DURATION_S: dict[str, int] = {
    "double_idle": 90,
    "asm": 50,
    "vmas": 195,
    "free_accel": 60,
    "lug_down": 150,
}

#: placeholder scales for synthetic values: the 限值a column of reference §2 (all [U]);
#: synthetic values are multiples of these, never a judgement
_SCALE = {
    "co_pct": 0.5,
    "hc_ppm": 90.0,
    "no_ppm": 700.0,
    "co_gkm": 8.0,
    "hc_gkm": 1.6,
    "nox_gkm": 1.3,
    "k_m1": 1.2,
    "nox_ppm": 1500.0,
}
_ITEMS = ("co_pct", "hc_ppm", "no_ppm", "lambda_", "co_gkm", "hc_gkm", "nox_gkm", "k_m1", "nox_ppm")
_CITY = {
    "A": "330100",
    "B": "330200",
    "C": "330300",
    "D": "330600",
    "E": "330500",
    "F": "330400",
    "G": "330700",
    "H": "330800",
    "J": "331000",
    "K": "331100",
    "L": "330900",
}
_PLATE_CHARS = np.array(list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"))


@dataclass(frozen=True)
class SynthIM:
    stations: pd.DataFrame  # station_code, name, region_code, lines
    vehicles: pd.DataFrame  # the contract's vehicles frame
    tests: pd.DataFrame  # the contract's im_tests frame
    truth: pd.DataFrame  # kind, unit (station_code)


@dataclass(frozen=True)
class SynthRS:
    sites: pd.DataFrame  # site_code, region_code, lon, lat
    readings: pd.DataFrame  # the contract's rs_readings frame (valid not yet computed: NaN-free)
    truth: pd.DataFrame  # kind ("high_emitter"), unit (plate), pollutant


@dataclass(frozen=True)
class SynthOBD:
    stream: pd.DataFrame  # the contract's obd_stream frame
    truth: pd.DataFrame  # kind ("scr_failure" | "data_gap"), unit (vin)


def _plates(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct synthetic Zhejiang plates (浙 + city letter + 5 characters)."""
    out: set[str] = set()
    cities = np.array(list(_CITY))
    while len(out) < n:
        k = n - len(out)
        c = rng.choice(cities, k)
        body = rng.choice(_PLATE_CHARS, (k, 5))
        out.update("浙" + ci + "".join(b) for ci, b in zip(c, body, strict=True))
    return np.array(sorted(out))[rng.permutation(n)]


def _vins(n: int, prefix: str = "LSY") -> np.ndarray:
    """``n`` synthetic 17-character VINs (prefix + a zero-padded serial; no check digit)."""
    width = 17 - len(prefix)
    return np.array([f"{prefix}{i:0{width}d}" for i in range(n)])


def _digests(rng: np.random.Generator, n: int) -> np.ndarray:
    hi = rng.integers(0, 2**63 - 1, n, dtype=np.int64)
    lo = rng.integers(0, 2**63 - 1, n, dtype=np.int64)
    return np.array([f"{a:016x}{b:016x}" for a, b in zip(hi, lo, strict=True)])


def _disjoint(rng: np.random.Generator, pool: np.ndarray, kinds: list[str], k: int) -> dict:
    picked = rng.choice(pool, k * len(kinds), replace=False)
    return {kind: picked[i * k : (i + 1) * k] for i, kind in enumerate(kinds)}


def synth_im_tests(
    seed: int = 0,
    *,
    n_stations: int = 150,
    tests_per_station: tuple[int, int] = (300, 700),
    start: str = "2025-01-01",
    days: int = 365,
    planted_per_kind: int | None = None,
) -> SynthIM:
    """A year of I/M tests at ``n_stations`` stations with five planted station-fraud kinds
    (disjoint stations, ``planted_per_kind`` each, default 4 % of the stations):

    - ``pass_rate``: initial-test failures at a tenth of the method's base rate;
    - ``identical_curve``: a quarter of the tests carry one of three curve digests, on
      different vehicles;
    - ``too_short``: a fifth of the tests end before the method's minimum duration;
    - ``impossible_hours``: 8 % of the tests start between 00:00 and 05:00 (CST);
    - ``fail_elsewhere``: 25 vehicles that failed an initial test at another station pass here
      0.5–3 days later.

    Clean stations carry the honest noise the checks must not flag: ASM fast-check passes
    (55–100 s, 30 % of ASM passes), rare aborted short tests (0.2 %), rare night tests (0.05 %),
    retests at another station (15 % of retests, 1–20 days later).
    """
    if n_stations < 20:
        raise ValueError(f"n_stations must be at least 20 (got {n_stations})")
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start, tz=CST)
    kinds = ["pass_rate", "identical_curve", "too_short", "impossible_hours", "fail_elsewhere"]
    k = planted_per_kind if planted_per_kind is not None else max(2, round(0.04 * n_stations))
    if k * len(kinds) > n_stations // 2:
        raise ValueError(f"{k} planted stations per kind leave too few clean ones")
    cities = np.array(list(_CITY))
    st_city = rng.choice(cities, n_stations)
    codes = np.array(
        [f"IM{_CITY[c]}{i:04d}" for i, c in enumerate(st_city)]
    )  # synthetic station codes
    stations = pd.DataFrame(
        {
            "station_code": codes,
            "name": [f"合成检测站{i:04d}（synthetic）" for i in range(n_stations)],
            "region_code": [_CITY[c] for c in st_city],
            "lines": rng.integers(2, 7, n_stations),
        }
    )
    plants = _disjoint(rng, codes, kinds, k)
    planted_of = {s: kind for kind, ss in plants.items() for s in ss}

    # initial tests, one vehicle each
    n_per = rng.integers(tests_per_station[0], tests_per_station[1] + 1, n_stations)
    n = int(n_per.sum())
    st_idx = np.repeat(np.arange(n_stations), n_per)
    station = codes[st_idx]
    vins = _vins(n)
    plates = _plates(rng, n)
    diesel = rng.random(n) < 0.3
    names = list(METHODS)
    gas_m = [m for m in names if METHODS[m][0] == "gasoline"]
    die_m = [m for m in names if METHODS[m][0] == "diesel"]
    method = np.where(
        diesel,
        rng.choice(die_m, n, p=[METHODS[m][1] for m in die_m]),
        rng.choice(gas_m, n, p=[METHODS[m][1] for m in gas_m]),
    )
    base_fail = np.array([METHODS[m][2] for m in method])
    kind_of = np.array([planted_of.get(s, "") for s in station])
    base_fail = np.where(kind_of == "pass_rate", base_fail * 0.1, base_fail)
    failed = rng.random(n) < base_fail
    day = rng.integers(0, days, n)
    sec = rng.uniform(8 * 3600, 18 * 3600, n)
    night = (rng.random(n) < 0.0005) | ((kind_of == "impossible_hours") & (rng.random(n) < 0.08))
    sec = np.where(night, rng.uniform(0, 5 * 3600, n), sec)
    started = t0 + pd.to_timedelta(day, "D") + pd.to_timedelta(sec, "s")
    nominal = np.array([METHODS[m][3] for m in method], dtype=float)
    minimum = np.array([MIN_DURATION_S[m] for m in method], dtype=float)
    dur = nominal + rng.uniform(20, 120, n)
    # ASM fast check: a passing vehicle may end each mode at 25 s — short, but honest
    fast = (method == "asm") & ~failed & (rng.random(n) < 0.3)
    dur = np.where(fast, rng.uniform(55, 100, n), dur)
    short = (rng.random(n) < 0.002) | ((kind_of == "too_short") & (rng.random(n) < 0.2))
    dur = np.where(short, minimum * rng.uniform(0.3, 0.8, n), dur)
    digest = _digests(rng, n)
    fake = (kind_of == "identical_curve") & (rng.random(n) < 0.25)
    if fake.any():
        pool = _digests(rng, 3)
        digest[fake] = rng.choice(pool, int(fake.sum()))
        failed[fake] = False
    initial = pd.DataFrame(
        {
            "vin": vins,
            "plate": plates,
            "station_code": station,
            "method": method,
            "kind": "initial",
            "started_at": started,
            "dur": dur,
            "failed": failed,
            "curve_digest": digest,
            "fuel": np.where(diesel, "diesel", "gasoline"),
        }
    )

    # retests of failed vehicles: the same station mostly, another one sometimes, 1–20 days on
    fails = initial[initial["failed"]]
    m = len(fails)
    other = rng.random(m) < 0.15
    re_station = np.where(other, rng.choice(codes, m), fails["station_code"].to_numpy())
    re_start = fails["started_at"] + pd.to_timedelta(rng.uniform(1, 20, m), "D")
    re_start = re_start.dt.normalize() + pd.to_timedelta(rng.uniform(8 * 3600, 18 * 3600, m), "s")
    retests = fails.assign(
        station_code=re_station,
        kind="retest",
        started_at=re_start.to_numpy(),
        dur=np.array([METHODS[x][3] for x in fails["method"]]) + rng.uniform(20, 120, m),
        failed=rng.random(m) < 0.05,
        curve_digest=_digests(rng, m),
    )

    # planted rescues: a vehicle failed elsewhere passes here 0.5–3 days later
    rescues = []
    pool = fails[~fails["station_code"].isin(plants["fail_elsewhere"])]
    for s in plants["fail_elsewhere"]:
        pick = pool.iloc[rng.choice(len(pool), min(25, len(pool)), replace=False)]
        at = pick["started_at"] + pd.to_timedelta(rng.uniform(0.5, 3, len(pick)), "D")
        hour = at.dt.tz_convert(CST).dt.hour
        at = at.where((hour >= 8) & (hour < 18), at.dt.normalize() + pd.Timedelta(hours=10))
        rescues.append(
            pick.assign(
                station_code=s,
                kind="initial",
                started_at=at.to_numpy(),
                dur=np.array([METHODS[x][3] for x in pick["method"]]) + 60.0,
                failed=False,
                curve_digest=_digests(rng, len(pick)),
            )
        )
    allt = pd.concat([initial, retests, *rescues], ignore_index=True)
    allt = allt.sort_values(["started_at", "vin"], kind="stable", ignore_index=True)
    tests = _measured(rng, allt)
    truth = pd.DataFrame(
        [(kind, s) for kind, ss in plants.items() for s in ss], columns=["kind", "unit"]
    )
    vehicles = initial[["vin", "plate", "fuel"]].copy()
    vehicles["plate_type"] = np.where(vehicles["fuel"] == "diesel", "large", "small")
    vehicles["category"] = np.where(vehicles["fuel"] == "diesel", "heavy_goods", "light_passenger")
    vehicles["stage"] = rng.choice(["国III", "国IV", "国V", "国VI"], n, p=[0.1, 0.25, 0.35, 0.3])
    vehicles["registered"] = (
        pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 4000, n), "D")
    ).date
    vehicles["region_code"] = [_CITY[p[1]] for p in vehicles["plate"]]
    vehicles["owner_type"] = rng.choice(["private", "company"], n, p=[0.8, 0.2])
    vehicles["synthetic"] = True
    vehicles = vehicles[
        ["vin", "plate", "plate_type", "fuel", "category", "stage", "registered",
         "region_code", "owner_type", "synthetic"]
    ]  # fmt: skip
    return SynthIM(stations, vehicles.reset_index(drop=True), tests, truth)


def _measured(rng: np.random.Generator, t: pd.DataFrame) -> pd.DataFrame:
    """The contract's im_tests columns, with measured values as multiples of the placeholder
    scales: below 1 on every item of a passing test, above 1 on the first item of a failing
    one."""
    n = len(t)
    out = pd.DataFrame(
        {
            "test_id": [f"T{i:09d}" for i in range(n)],
            "vin": t["vin"].to_numpy(),
            "plate": t["plate"].to_numpy(),
            "station_code": t["station_code"].to_numpy(),
            "line_no": rng.integers(1, 5, n),
            "method": t["method"].to_numpy(),
            "kind": t["kind"].to_numpy(),
            "started_at": pd.DatetimeIndex(t["started_at"]).tz_convert("UTC").as_unit("ns"),
        }
    )
    out["ended_at"] = out["started_at"] + pd.to_timedelta(t["dur"].to_numpy(), "s")
    failed = t["failed"].to_numpy()
    method = t["method"].to_numpy()
    for item in _ITEMS:
        out[item] = np.nan
    for m, (_, _, _, _, items) in METHODS.items():
        sel = method == m
        k = int(sel.sum())
        for j, item in enumerate(items):
            mult = rng.uniform(0.15, 0.9, k)
            if j == 0:
                mult = np.where(failed[sel], rng.uniform(1.05, 2.5, k), mult)
            out.loc[sel, item] = mult * _SCALE[item]
        if m == "double_idle":
            out.loc[sel, "lambda_"] = rng.normal(1.0, 0.015, k)
    out["passed"] = ~failed
    out["limit_set"] = "a"
    out["limit_ref"] = "synthetic"
    out["curve_digest"] = t["curve_digest"].to_numpy()
    return out


def synth_rs_readings(
    seed: int = 0,
    *,
    n_readings: int = 200_000,
    n_plates: int = 20_000,
    n_sites: int = 40,
    start: str = "2025-01-01",
    days: int = 365,
    high_emitter_share: float = 0.01,
) -> SynthRS:
    """A year of roadside remote-sensing readings. Planted: ``high_emitter_share`` of the plates
    emit one pollutant above its screening threshold on 85 % of their passes (each gets at least
    4 readings). Clean plates exceed a threshold on 1 % of readings, singly; 10 % of the
    readings fall outside the validity window (speed, acceleration, VSP or wind) — with
    high readings among them that must not count.
    """
    rng = np.random.default_rng(seed)
    n_he = max(1, round(high_emitter_share * n_plates))
    plates = _plates(rng, n_plates)
    diesel = rng.random(n_plates) < 0.2
    # readings per plate: a heavy-tailed draw, high emitters at least 4
    weights = rng.pareto(1.5, n_plates) + 1.0
    per = np.maximum(1, rng.multinomial(n_readings - 4 * n_he, weights / weights.sum()))
    per[:n_he] += 4
    n = int(per.sum())
    pidx = np.repeat(np.arange(n_plates), per)
    sites = pd.DataFrame(
        {
            "site_code": [f"RS{i:04d}" for i in range(n_sites)],
            "region_code": rng.choice(list(_CITY.values()), n_sites),
            "lon": rng.uniform(118.5, 122.0, n_sites),
            "lat": rng.uniform(27.5, 30.8, n_sites),
        }
    )
    site = rng.integers(0, n_sites, n)
    at = pd.Timestamp(start, tz="UTC") + pd.to_timedelta(rng.uniform(0, days * 86400, n), "s")
    speed = rng.uniform(15, 70, n)
    accel = rng.uniform(-0.4, 0.9, n)
    wind = rng.uniform(0, 4.5, n)
    bad = rng.random(n) < 0.10
    which = rng.integers(0, 3, n)
    speed = np.where(bad & (which == 0), rng.uniform(0, 4.0, n), speed)
    accel = np.where(bad & (which == 1), rng.uniform(1.8, 3.0, n), accel)
    wind = np.where(bad & (which == 2), rng.uniform(5.5, 10, n), wind)
    # VSP (kW/t), light-duty approximation (Jimenez-Palacios 1999): v(1.1a + 0.132) + 3.02e-4 v³
    v = speed / 3.6
    vsp = v * (1.1 * accel + 0.132) + 3.02e-4 * v**3
    is_diesel = diesel[pidx]
    co = np.where(is_diesel, np.nan, rng.gamma(2.0, 0.15, n))
    hc = np.where(is_diesel, np.nan, rng.gamma(2.0, 30.0, n))
    no = rng.gamma(2.0, np.where(is_diesel, 200.0, 150.0), n)
    op = np.where(is_diesel, rng.gamma(2.0, 4.0, n), np.nan)
    # planted high emitters: plates 0..n_he-1, one pollutant each, on 85 % of their readings
    pol_names = np.array(["co_pct", "hc_ppm", "no_ppm", "opacity_pct"])
    he_pol = np.where(diesel[:n_he], rng.choice([2, 3], n_he), rng.choice([0, 1, 2], n_he))
    he_row = pidx < n_he
    hot = he_row & (rng.random(n) < 0.85)
    p_of = np.full(n, -1)
    p_of[he_row] = he_pol[pidx[he_row]]
    high = {0: 4.5 * 1.4, 1: 1000.0 * 1.4, 2: 1500.0 * 1.4, 3: 30.0 * 1.4}
    cols = {0: co, 1: hc, 2: no, 3: op}
    for j, arr in cols.items():
        sel = hot & (p_of == j)
        arr[sel] = high[j] * rng.uniform(0.8, 2.0, int(sel.sum()))
    # clean noise: 1 % of readings of other plates exceed one measured pollutant
    noise = (~he_row) & (rng.random(n) < 0.01)
    nj = np.where(is_diesel, rng.choice([2, 3], n), rng.choice([0, 1, 2], n))
    for j, arr in cols.items():
        sel = noise & (nj == j)
        arr[sel] = high[j] * rng.uniform(0.8, 1.5, int(sel.sum()))
    readings = pd.DataFrame(
        {
            "reading_id": [f"R{i:010d}" for i in range(n)],
            "site_code": sites["site_code"].to_numpy()[site],
            "plate": plates[pidx],
            "at": at.as_unit("ns"),
            "speed_kmh": speed,
            "accel_ms2": accel,
            "vsp_kwt": vsp,
            "co_pct": co,
            "hc_ppm": hc,
            "no_ppm": no,
            "opacity_pct": op,
            "valid": False,
            "wind_ms": wind,
        }
    )
    readings = readings.sort_values("at", kind="stable", ignore_index=True)
    truth = pd.DataFrame(
        {"kind": "high_emitter", "unit": plates[:n_he], "pollutant": pol_names[he_pol]}
    )
    return SynthRS(sites, readings, truth)


def synth_obd_stream(
    seed: int = 0,
    *,
    n_trucks: int = 60,
    days: int = 3,
    start: str = "2025-06-02",
    step_s: int = 60,
    planted_share: float = 0.1,
) -> SynthOBD:
    """Diesel trucks' remote-monitoring streams (one sample per ``step_s`` while driving,
    08:00–18:00 CST, nothing at night). Planted, on disjoint trucks (``planted_share`` each):

    - ``scr_failure``: on one day, from mid-morning for 2–5 h, urea dosing stops while the SCR
      is warm and downstream NOx climbs to 3–6 × the truck's normal;
    - ``data_gap``: two 40–120 min silences while the truck is moving (it reappears elsewhere).

    Clean noise: dosing pauses while the SCR is cold (the first 20 min of a day), 5–10 min
    dosing pauses with a warm SCR, 2–6 min gaps (tunnels).
    """
    rng = np.random.default_rng(seed)
    vins = _vins(n_trucks, prefix="LZT")
    k = max(1, round(planted_share * n_trucks))
    perm = rng.permutation(n_trucks)
    scr = set(vins[perm[:k]])
    gap = set(vins[perm[k : 2 * k]])
    per_day = (10 * 3600) // step_s
    frames = []
    for vin in vins:
        t = []
        for d in range(days):
            day0 = pd.Timestamp(start, tz=CST) + pd.Timedelta(days=d, hours=8)
            t.append(day0.value + np.arange(per_day, dtype=np.int64) * step_s * 10**9)
        at = np.concatenate(t)
        n = len(at)
        minute_of_day = np.tile(np.arange(per_day) * step_s / 60, days)
        speed = np.clip(rng.normal(55, 20, n), 0, 100)
        parked = (minute_of_day < 5) | (minute_of_day >= 10 * 60 - 5)  # engine start / stop
        speed[parked] = 0.0
        scr_temp = np.where(minute_of_day < 20, 80 + minute_of_day * 7, rng.normal(320, 25, n))
        base_nox = rng.uniform(40, 120)
        nox = base_nox * rng.lognormal(0, 0.25, n)
        dosing = np.where(scr_temp >= 200, rng.uniform(0.5, 2.0, n), 0.0)
        nox = np.where(scr_temp < 200, nox * 4, nox)  # cold SCR: no conversion yet
        urea = np.linspace(80, 80 - 3 * days, n)
        # clean noise: one short warm dosing pause per day
        for d in range(days):
            s = d * per_day + int(rng.integers(60, per_day - 20))
            ln = int(rng.integers(5, 11) * 60 // step_s)
            dosing[s : s + ln] = 0.0
        keep = np.ones(n, dtype=bool)
        for _ in range(days):
            s = int(rng.integers(30, n - 10))
            keep[s : s + int(rng.integers(2, 7) * 60 // step_s)] = False
        if vin in scr:
            d = int(rng.integers(0, days))
            s = d * per_day + int(rng.integers(90, 240) * 60 // step_s)
            ln = int(rng.integers(120, 301) * 60 // step_s)
            e = min(s + ln, (d + 1) * per_day)
            dosing[s:e] = 0.0
            ramp = np.linspace(1.0, rng.uniform(3, 6), e - s)
            nox[s:e] = base_nox * ramp * 1.5 * rng.lognormal(0, 0.15, e - s)
        if vin in gap:
            for _ in range(2):
                s = int(rng.integers(60, n - 200))
                e = s + int(rng.integers(40, 121) * 60 // step_s)
                keep[s:e] = False
                speed[s - 1] = max(speed[s - 1], 40.0)
                speed[e] = max(speed[e], 40.0)
        x = np.cumsum(speed * step_s / 3600 / 95.0) % 3.0  # degrees of longitude driven
        lon = 119.5 + np.where(x < 1.5, x, 3.0 - x)  # back and forth across the province
        lat = 30.0 + rng.normal(0, 0.01, n)
        frames.append(
            pd.DataFrame(
                {
                    "vin": vin,
                    "at": pd.to_datetime(at[keep], utc=True).as_unit("ns"),
                    "nox_ppm": nox[keep],
                    "scr_temp_c": scr_temp[keep],
                    "urea_level_pct": urea[keep],
                    "urea_dosing": dosing[keep],
                    "speed_kmh": speed[keep],
                    "lon": lon[keep],
                    "lat": lat[keep],
                }
            )
        )
    stream = pd.concat(frames, ignore_index=True)
    truth = pd.DataFrame(
        [("scr_failure", v) for v in sorted(scr)] + [("data_gap", v) for v in sorted(gap)],
        columns=["kind", "unit"],
    )
    return SynthOBD(stream, truth)
