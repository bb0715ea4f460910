"""Station-fraud checks over I/M tests (机动车排放检验机构 数据造假 筛查): pure, vectorised functions
of the contract's ``im_tests`` frame, each giving a score per station and the evidence rows
behind it.

Every check returns a :class:`CheckResult`: ``scores`` (one row per station that had tests:
``station_code``, ``score`` — larger is more suspicious —, ``n`` tests considered, ``hits`` and
``flagged``) and ``evidence`` (the tests or pairs of tests that make the case, with
``station_code``). The thresholds are platform values, stated on each function; none comes from a
standard, and the method minimum durations are platform values too (the test cycles of
GB 18285-2018 and GB 3847-2018 were not confirmed, reference §4 [U]).

Checks:
- :func:`pass_rate_outliers` — initial-test failures far below the peers of the same method and
  fuel (a station that passes everyone);
- :func:`identical_curves` — one second-by-second curve (``curve_digest``) on different vehicles;
- :func:`short_tests` — tests that end before the method's cycle could have run;
- :func:`impossible_hours` — tests started at night (CST), when stations do not test;
- :func:`fail_elsewhere_pass_here` — vehicles that failed at another station and pass here within
  days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from scipy import stats

from qingshan.qc.supervision import CaseReport
from qingshan.vehicles.case_subjects import station_subject
from qingshan.vehicles.synth import MIN_DURATION_S

__all__ = [
    "CheckResult",
    "CHECKS",
    "pass_rate_outliers",
    "identical_curves",
    "short_tests",
    "impossible_hours",
    "fail_elsewhere_pass_here",
    "run_checks",
    "station_case_reports",
    "CHECK_NAMES",
]

CST = "Asia/Shanghai"
_REQUIRED = ("test_id", "vin", "station_code", "method", "kind", "started_at", "passed")


@dataclass(frozen=True)
class CheckResult:
    """A check's verdict: per-station ``scores`` and the ``evidence`` rows, with the rule."""

    check: str
    rule: str  # the threshold, in words
    scores: pd.DataFrame  # station_code, score, n, hits, flagged
    evidence: pd.DataFrame  # station_code + the rows that support the score

    @property
    def flagged(self) -> set[str]:
        return set(self.scores.loc[self.scores["flagged"], "station_code"])


def _need(tests: pd.DataFrame, cols: tuple[str, ...]) -> None:
    missing = [c for c in cols if c not in tests.columns]
    if missing:
        raise ValueError(f"im_tests lacks column(s): {', '.join(missing)}")


def _scores(stations: pd.Index, score, n, hits, flagged) -> pd.DataFrame:
    return (
        pd.DataFrame(
            {"station_code": stations, "score": score, "n": n, "hits": hits, "flagged": flagged}
        )
        .sort_values(["score", "station_code"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


def _counts(
    tests: pd.DataFrame, hit: np.ndarray | pd.Series, min_hits: int, min_share: float
) -> pd.DataFrame:
    g = pd.DataFrame({"station_code": tests["station_code"].to_numpy(), "hit": np.asarray(hit)})
    agg = g.groupby("station_code", sort=True)["hit"].agg(["size", "sum"])
    share = agg["sum"] / agg["size"]
    flagged = (agg["sum"] >= min_hits) & (share >= min_share)
    return _scores(
        agg.index,
        share.to_numpy(),
        agg["size"].to_numpy(),
        agg["sum"].to_numpy(),
        flagged.to_numpy(),
    )


def pass_rate_outliers(
    tests: pd.DataFrame,
    vehicles: pd.DataFrame | None = None,
    *,
    z_threshold: float = 4.0,
    min_tests: int = 30,
) -> CheckResult:
    """Stations whose initial tests fail far less often than their peers'.

    Peers are the other stations' initial tests of the same method and fuel (fuel from
    ``vehicles`` by VIN when given, else the method alone). For station s and group g with n
    initial tests, f failures and peer failure rate p (the group's failures at the other
    stations ÷ their tests), the station's deficit is summed over its groups:
    z = (Σf − Σ n·p) / √(Σ n·p·(1 − p)) — the normal approximation of a sum of binomials.
    Score = −z. Flagged when z ≤ −``z_threshold`` (default 4: one-sided p ≈ 3·10⁻⁵, so about
    0.005 false stations among 150 clean ones) and the station has ≥ ``min_tests`` initial
    tests. Platform threshold. Evidence: per station and group, n, f, the expected failures.
    """
    _need(tests, _REQUIRED)
    t = tests.loc[tests["kind"] == "initial", ["station_code", "method", "vin", "passed"]]
    keys = ["method"]
    if vehicles is not None:
        fuel = vehicles.drop_duplicates("vin").set_index("vin")["fuel"]
        t = t.assign(fuel=t["vin"].map(fuel).fillna("unknown").to_numpy())
        keys = ["method", "fuel"]
    g = (
        t.assign(fail=~t["passed"].astype(bool))
        .groupby(["station_code", *keys], sort=True)["fail"]
        .agg(n="size", f="sum")
        .reset_index()
    )
    tot = g.groupby(keys)[["n", "f"]].transform("sum")
    peer_n = tot["n"] - g["n"]
    p = np.where(peer_n > 0, (tot["f"] - g["f"]) / peer_n.where(peer_n > 0, 1), np.nan)
    g["expected"] = g["n"] * p
    g["var"] = g["n"] * p * (1 - p)
    s = g.dropna(subset=["expected"]).groupby("station_code")[["n", "f", "expected", "var"]].sum()
    z = (s["f"] - s["expected"]) / np.sqrt(s["var"].where(s["var"] > 0))
    z = z.fillna(0.0)
    flagged = (z <= -z_threshold) & (s["n"] >= min_tests)
    scores = _scores(
        s.index, (-z).to_numpy(), s["n"].to_numpy(), s["f"].to_numpy(), flagged.to_numpy()
    )
    ev = g[g["station_code"].isin(s.index[flagged])].drop(columns="var")
    return CheckResult(
        "pass_rate",
        f"initial-test failures z ≤ −{z_threshold:g} against peers of the same "
        f"{'/'.join(keys)} (≥ {min_tests} tests)",
        scores,
        ev.reset_index(drop=True),
    )


def identical_curves(tests: pd.DataFrame, *, min_hits: int = 3) -> CheckResult:
    """Tests whose second-by-second curve (``curve_digest``) also belongs to a test of a
    different vehicle. Real curves of two vehicles never coincide to the bit, so any shared
    digest across VINs is evidence of a replayed curve. Flagged: ≥ ``min_hits`` such tests at a
    station (platform threshold; one may be a data-entry error). Score = their share of the
    station's tests. Evidence: the tests, with how many vehicles share the digest."""
    _need(tests, (*_REQUIRED, "curve_digest"))
    dcode, digests = pd.factorize(tests["curve_digest"], sort=False)  # missing: −1
    empty = np.flatnonzero(np.asarray(digests, dtype=object) == "")
    if empty.size:
        dcode = np.where(dcode == empty[0], -1, dcode)
    vcode, vins = pd.factorize(tests["vin"], sort=False)
    has = dcode >= 0
    pairs = np.unique(dcode[has].astype(np.int64) * max(len(vins), 1) + vcode[has])
    nvin = np.bincount(pairs // max(len(vins), 1), minlength=max(int(dcode.max(initial=-1)) + 1, 1))
    vehicles = np.where(has, nvin[np.where(has, dcode, 0)], 0)
    shared = vehicles >= 2
    cols = ["test_id", "vin", "station_code", "curve_digest", "started_at"]
    ev = tests.loc[shared, cols].assign(vehicles=vehicles[shared])
    return CheckResult(
        "identical_curve",
        f"≥ {min_hits} tests whose curve digest is shared with another vehicle",
        _counts(tests, shared, min_hits, 0.0),
        ev.reset_index(drop=True),
    )


def short_tests(
    tests: pd.DataFrame,
    *,
    min_duration_s: Mapping[str, float] = MIN_DURATION_S,
    min_hits: int = 5,
    min_share: float = 0.02,
) -> CheckResult:
    """Tests that end before the method's minimum duration (``MIN_DURATION_S``: ASM's from the
    fast-check procedure [MC], the others platform values [U] — see its comment). An occasional aborted test is short
    honestly (the synthetic set assumes 0.2 % of tests, and even then a station of 300 tests
    shows 5 now and then); flagged: ≥ ``min_hits`` (5) short tests AND ≥ ``min_share`` (2 %) of
    the station's tests — platform thresholds. Score = the share. Evidence: the short tests
    with their duration and minimum."""
    _need(tests, (*_REQUIRED, "ended_at"))
    unknown = set(tests["method"].unique()) - set(min_duration_s)
    if unknown:
        raise ValueError(f"no minimum duration for method(s): {', '.join(sorted(unknown))}")
    dur = (tests["ended_at"] - tests["started_at"]).dt.total_seconds().to_numpy()
    minimum = tests["method"].map(min_duration_s).to_numpy(dtype=float)
    short = dur < minimum
    ev = tests.loc[short, ["test_id", "vin", "station_code", "method", "started_at"]].assign(
        duration_s=dur[short], minimum_s=minimum[short]
    )
    return CheckResult(
        "too_short",
        f"≥ {min_hits} tests and ≥ {min_share:.0%} shorter than the method's minimum",
        _counts(tests, short, min_hits, min_share),
        ev.reset_index(drop=True),
    )


def impossible_hours(
    tests: pd.DataFrame,
    *,
    night: tuple[int, int] = (22, 6),
    min_hits: int = 5,
    min_share: float = 0.01,
) -> CheckResult:
    """Tests started at night, China Standard Time: from ``night[0]`` h to ``night[1]`` h
    (platform default 22:00–06:00; I/M stations test in business hours). Flagged: ≥ ``min_hits``
    (5) such tests and ≥ ``min_share`` (1 %) of the station's tests — platform thresholds: a
    late retest now and then is honest, a habit is not. Score = the share. Evidence:
    the tests with their local start."""
    _need(tests, _REQUIRED)
    lo, hi = night
    if not (0 <= lo < 24 and 0 <= hi < 24):
        raise ValueError(f"night hours must be in 0..23 (got {night})")
    local = tests["started_at"].dt.tz_convert(CST)
    h = local.dt.hour.to_numpy()
    hit = (h >= lo) | (h < hi) if lo > hi else (h >= lo) & (h < hi)
    ev = tests.loc[hit, ["test_id", "vin", "station_code", "method"]].assign(
        started_local=local[hit].dt.strftime("%Y-%m-%d %H:%M").to_numpy()
    )
    return CheckResult(
        "impossible_hours",
        f"≥ {min_hits} tests and ≥ {min_share:.1%} started {lo:02d}:00–{hi:02d}:00 CST",
        _counts(tests, hit, min_hits, min_share),
        ev.reset_index(drop=True),
    )


def fail_elsewhere_pass_here(
    tests: pd.DataFrame, *, within_days: float = 7.0, alpha: float = 1e-4, min_hits: int = 5
) -> CheckResult:
    """Vehicles that fail at one station and pass at another within ``within_days`` (7, a
    platform value: shorter than a real repair plus a booking usually takes).

    Each pass that follows the same vehicle's failure at a different station within the window
    is a *rescue*. Vehicles do change station honestly after a repair, so the count alone is
    not the signal: a station is flagged when its rescues are improbable under the pooled rate
    of the other stations — a one-sided binomial test, P(X ≥ r | passes, rate) < ``alpha``
    (1·10⁻⁴) — and number ≥ ``min_hits``. Score = −log10 of that probability. Evidence: the
    (failed test, rescuing test) pairs."""
    _need(tests, _REQUIRED)
    vcode, _ = pd.factorize(tests["vin"], sort=False)
    scode, stations = pd.factorize(tests["station_code"], sort=True)
    at0 = pd.DatetimeIndex(tests["started_at"]).as_unit("ns").asi8
    order = np.lexsort((at0, vcode))  # by vehicle, then time
    vin, st, at = vcode[order], scode[order], at0[order]
    passed = tests["passed"].to_numpy(dtype=bool)[order]
    n = len(order)
    # the last failure of the same vehicle strictly before each test: a running maximum of
    # the failures' row numbers, valid when it falls inside the vehicle's own rows
    fail_row = np.where(~passed, np.arange(n), -1)
    prev = np.maximum.accumulate(np.r_[-1, fail_row[:-1]]) if n else fail_row
    first_of_vin = np.flatnonzero(np.r_[True, vin[1:] != vin[:-1]]) if n else fail_row
    start = np.repeat(first_of_vin, np.diff(np.r_[first_of_vin, n])) if n else fail_row
    ok = prev >= start
    j = np.where(ok, prev, 0)
    rescue = ok & passed & (st != st[j]) & ((at - at[j]) <= within_days * 86400e9)
    k = len(stations)
    passes = np.bincount(st[passed], minlength=k)
    r = np.bincount(st[rescue], minlength=k)
    tot_r, tot_p = r.sum(), passes.sum()
    other_p = tot_p - passes
    rate = np.where(other_p > 0, (tot_r - r) / np.where(other_p > 0, other_p, 1), 0.0)
    p = stats.binom.sf(r - 1, passes, np.clip(rate, 1e-9, 1.0))
    score = -np.log10(np.clip(p, 1e-300, 1.0))
    flagged = (p < alpha) & (r >= min_hits)
    rows, frows = order[rescue], order[j[rescue]]
    ids = tests["test_id"]
    ev = pd.DataFrame(
        {
            "station_code": np.asarray(stations, dtype=object)[st[rescue]],
            "vin": tests["vin"].iloc[rows].to_numpy(),
            "test_id": ids.iloc[rows].to_numpy(),
            "passed_at": tests["started_at"].iloc[rows].to_numpy(),
            "failed_test_id": ids.iloc[frows].to_numpy(),
            "failed_station": tests["station_code"].iloc[frows].to_numpy(),
            "days_after": (at[rescue] - at[j[rescue]]) / 86400e9,
        }
    )
    return CheckResult(
        "fail_elsewhere",
        f"passes within {within_days:g} d of a failure elsewhere: binomial P < {alpha:g} "
        f"against the other stations' rate, ≥ {min_hits}",
        _scores(pd.Index(stations), score, passes, r, flagged),
        ev,
    )


#: check name → function of (tests, vehicles)
CHECKS = {
    "pass_rate": lambda t, v: pass_rate_outliers(t, v),
    "identical_curve": lambda t, v: identical_curves(t),
    "too_short": lambda t, v: short_tests(t),
    "impossible_hours": lambda t, v: impossible_hours(t),
    "fail_elsewhere": lambda t, v: fail_elsewhere_pass_here(t),
}


def run_checks(tests: pd.DataFrame, vehicles: pd.DataFrame | None = None) -> dict[str, CheckResult]:
    """Every station-fraud check over ``tests``."""
    return {name: fn(tests, vehicles) for name, fn in CHECKS.items()}


#: check → its name as bureaus write it
CHECK_NAMES: Mapping[str, str] = {
    "pass_rate": "合格率显著高于同类检验机构",
    "identical_curve": "不同车辆检测过程曲线相同",
    "too_short": "检测时长短于方法最短时长",
    "impossible_hours": "非正常时段检测",
    "fail_elsewhere": "异地不合格后短期内本站合格",
}


def station_case_reports(
    results: Mapping[str, CheckResult],
    stations: pd.DataFrame,
    *,
    period: str,
    found_at: datetime,
    evidence_rows: int = 20,
) -> list[CaseReport]:
    """One :class:`CaseReport` per station that any check flagged over the screened ``period``
    (a label the caller chooses for the window of tests, e.g. ``"2025"`` or ``"2025-Q3"``).
    ``source_key`` = ``vehicles:im:<station>:<period>``: screening the same period again reports
    the same key (the case is extended, never doubled); ``group_key`` = ``vehicles:im:<station>``
    attaches a later period to the station's open case. Category 监测数据弄虚作假
    (``monitoring_fraud``); severity by how many checks agree — 1 general, 2 serious, ≥ 3 major
    (platform grading). ``stations``: station_code, name, region_code. Evidence: per check its
    rule, score and the first ``evidence_rows`` evidence rows."""
    need = {"station_code", "name", "region_code"} - set(stations.columns)
    if need:
        raise ValueError(f"stations lacks column(s): {', '.join(sorted(need))}")
    if not period or len(period) > 40:
        raise ValueError("period: a label of 1–40 characters")
    info = stations.drop_duplicates("station_code").set_index("station_code")
    by_station: dict[str, list[str]] = {}
    for name, r in results.items():
        for code in sorted(r.flagged):
            by_station.setdefault(code, []).append(name)
    out = []
    for code, checks in sorted(by_station.items()):
        if code not in info.index:
            raise ValueError(f"flagged station {code!r} is not in the stations registry")
        st = info.loc[code]
        ev: dict[str, object] = {"station_code": code, "period": period, "checks": {}}
        for c in checks:
            r = results[c]
            sc = r.scores.set_index("station_code").loc[code]
            rows = r.evidence[r.evidence["station_code"] == code].head(evidence_rows)
            ev["checks"][c] = {  # type: ignore[index]
                "rule": r.rule,
                "score": round(float(sc["score"]), 4),
                "n": int(sc["n"]),
                "hits": int(sc["hits"]),
                "rows": rows.astype(str).to_dict("records"),
            }
        names = "、".join(CHECK_NAMES.get(c, c) for c in checks)
        out.append(
            CaseReport(
                source="vehicle_exhaust",
                source_key=f"vehicles:im:{code}:{period}",
                region_code=str(st["region_code"]),
                category="monitoring_fraud",
                severity=("general", "serious", "major")[min(len(checks), 3) - 1],
                title=f"机动车排放检验机构疑似数据造假：{st['name']}"[:200],
                occurred_at=found_at,
                description=(
                    f"{period} 检验数据筛查：{st['name']}（{code}）{names}。"
                    "请核查该机构检测记录、过程数据与视频，依法处理。"
                ),
                group_key=station_subject(code),
                evidence=ev,
            )
        )
    return out
