"""Score ``qingshan qc check`` on real CNEMC station data with faults inserted at seeded rows.

``python -m benchmarks.qc_real FILE [--seed 2019] [--faults 300] [--sites N] [--split DATE] [--json]``

FILE is any CNEMC air file (``china_sites_*`` layout, read by
:func:`qingshan.ingest.cnemc.parse_air`; plain or gzipped). The script

1. reads the station-hours of the six measured types (PM2.5, PM10, SO2, NO2, O3, CO);
2. inserts faults of every kind below at random rows drawn from ``numpy.random.default_rng
   (seed)``, each fault on rows no other fault touched;
3. writes the result as a long-form CSV and runs the ``qc check`` command on it (the command's
   own function, generic rule pack), exactly as a user would;
4. prints, per kind, the share of faulty rows that ``qc check`` flags (aggregate flag SUSPECT
   or FAIL) and, over the untouched rows, the share flagged (and by which check).

Kinds (the faults a monitoring centre meets in station data):

=================  ==============================================================================
``spike``          one value × U(4, 10) (rounded to the series' resolution)
``flat_line``      12–72 h of one series held at its first value (a frozen logger / analyser),
                   where the freeze changes at least half of the window's values by a step or
                   more (``--any-window``: anywhere, also where the data already sit still)
``stuck_zero``     10–20 h of a gas (SO2, NO2, O3, CO) at exactly 0 (zeroed analyser, CO "0.0")
``pm_inversion``   PM2.5 := PM10 × U(1.5, 3) at one hour (PM10 sampler failing low, or PM2.5
                   heater failure) — 倒挂 well beyond measurement noise
``night_titration`` at a night hour (00–04 CST) with NO2 ≥ 80 µg/m³, O3 := U(180, 300) µg/m³
``range_limit``    1–3 h of one series at its analyser's upper range (saturated), the range
                   read from the rule pack
=================  ==============================================================================

Rows of the *other* parameter of a two-parameter fault (the PM10 of an inversion, the NO2 of a
titration fault) are the fault's partners: they are flagged by design and counted neither as
faulty nor as untouched. NO2 > NOx cannot be scored here: CNEMC files carry no NOx.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.ingest.cnemc import parse_air
from qingshan.qc.cli import check as qc_check
from qingshan.qc.rules import load_rulepack

KINDS = ("spike", "flat_line", "stuck_zero", "pm_inversion", "night_titration", "range_limit")
#: HJ 212 codes of the CNEMC types
PM25, PM10, SO2, NO2, O3, CO = "a34004", "a34002", "a21026", "a21004", "a05024", "a21005"
GASES = (SO2, NO2, O3, CO)
#: decimals CNEMC publishes (µg/m³ as integers, CO in 0.1 mg/m³)
DECIMALS = {PM25: 0, PM10: 0, SO2: 0, NO2: 0, O3: 0, CO: 1}
#: the packaged copy of the shared Jan–Sep 2019 Zhejiang station file (same layout)
DEFAULT_FILE = (
    Path(__file__).parents[1] / "qingshan" / "sim" / "data" / "cnemc_zhejiang_2019_hourly.csv.gz"
)
FLAGGED = ("suspect", "fail")


@dataclass
class Inserted:
    """The faulty frame and the ground truth: row → kind (faulty) or kind (partner)."""

    frame: pd.DataFrame
    kind: np.ndarray  # per row: "" (untouched) or the fault kind
    partner: np.ndarray  # per row: True for the other parameter of a two-parameter fault
    episodes: dict[str, int] = field(default_factory=dict)
    episode: np.ndarray | None = None  # per row: the fault's number, −1 for untouched rows


def read_station_hours(path: str | Path, sites: int | None = None) -> pd.DataFrame:
    """Long station-hours (``time`` UTC, ``site``, ``parameter``, ``value``) of a CNEMC file,
    sorted by site, parameter and time; the first ``sites`` stations only when given."""
    rows = parse_air(Path(path)).rows
    if sites is not None:
        keep = sorted(rows["site"].unique())[:sites]
        rows = rows[rows["site"].isin(keep)]
    return rows[["time", "site", "parameter", "value"]].reset_index(drop=True)


class _Inserter:
    def __init__(
        self, frame: pd.DataFrame, rng: np.random.Generator, any_window: bool = False
    ) -> None:
        self.f = frame
        self.rng = rng
        self.any_window = any_window
        self.v = frame["value"].to_numpy(dtype=float).copy()
        self.kind = np.full(len(frame), "", dtype=object)
        self.partner = np.zeros(len(frame), bool)
        self.busy = np.zeros(len(frame), bool)
        self.episode = np.full(len(frame), -1, dtype=np.int64)
        self.next_episode = 0
        self.ns = pd.DatetimeIndex(frame["time"]).as_unit("ns").asi8
        self.series = {k: g.index.to_numpy() for k, g in frame.groupby(["site", "parameter"])}
        self.by_code: dict[str, list[tuple[str, str]]] = {}
        for s, p in self.series:
            self.by_code.setdefault(p, []).append((s, p))
        # (site, hour) → row of each parameter, for the two-parameter faults
        self.at = {
            p: pd.Series(
                g.index.to_numpy(), index=pd.MultiIndex.from_arrays([g["site"], g["time"]])
            )
            for p, g in frame.groupby("parameter")
        }

    def _series(self, codes: Sequence[str]) -> np.ndarray:
        keys = [k for c in codes for k in self.by_code.get(c, [])]
        return self.series[keys[int(self.rng.integers(len(keys)))]]

    def _window(self, rows: np.ndarray, hours: int) -> np.ndarray | None:
        """Rows of one series inside ``hours`` from a random start row, if all are free."""
        for _ in range(50):
            i = int(self.rng.integers(rows.size))
            t0 = self.ns[rows[i]]
            sel = rows[(self.ns[rows] >= t0) & (self.ns[rows] < t0 + hours * 3_600_000_000_000)]
            if sel.size and not self.busy[sel].any():
                return sel
        return None

    def mark(self, rows: np.ndarray, kind: str, partners: np.ndarray | None = None) -> None:
        self.kind[rows] = kind
        self.busy[rows] = True
        self.episode[rows] = self.next_episode
        self.next_episode += 1
        if partners is not None:
            self.partner[partners] = True
            self.busy[partners] = True

    def spike(self) -> bool:
        rows = self._series(list(DECIMALS))
        sel = self._window(rows, 1)
        if sel is None or not self.v[sel[0]] > 0:
            return False
        r = sel[0]
        code = self.f.at[r, "parameter"]
        self.v[r] = np.round(self.v[r] * self.rng.uniform(4.0, 10.0), DECIMALS[code])
        self.mark(sel, "spike")
        return True

    def flat_line(self) -> bool:
        for _ in range(20):
            sel = self._window(self._series(list(DECIMALS)), int(self.rng.integers(12, 73)))
            if sel is None or sel.size < 2:
                return False
            if self.any_window or self._freeze_changes(sel):
                break
        else:
            return False
        self.v[sel] = self.v[sel[0]]
        self.mark(sel, "flat_line")
        return True

    def _freeze_changes(self, sel: np.ndarray) -> bool:
        """Whether holding ``sel`` at its first value changes at least half of its values by a
        step or more: a freeze the data already show (CO at 0.3 mg/m³ for a day, a real run of
        equal values at the resolution) changes nothing and is not a fault to find."""
        step = 10.0 ** -DECIMALS[self.f.at[sel[0], "parameter"]]
        changed = np.abs(self.v[sel] - self.v[sel[0]]) >= step - 1e-9
        return bool(changed.mean() >= 0.5)

    def stuck_zero(self) -> bool:
        sel = self._window(self._series(GASES), int(self.rng.integers(10, 21)))
        if sel is None or sel.size < 2:
            return False
        self.v[sel] = 0.0
        self.mark(sel, "stuck_zero")
        return True

    def _pair(self, a: str, b: str, ok) -> tuple[int, int] | None:
        """A free (row of ``a``, row of ``b``) at the same site and hour where ``ok(va, vb)``."""
        both = self.at[a].index.intersection(self.at[b].index)
        for _ in range(200):
            key = both[int(self.rng.integers(both.size))]
            ra, rb = int(self.at[a][key]), int(self.at[b][key])
            if not (self.busy[ra] or self.busy[rb]) and ok(key, self.v[ra], self.v[rb]):
                return ra, rb
        return None

    def pm_inversion(self) -> bool:
        pair = self._pair(PM25, PM10, lambda _k, a, b: b >= 1)
        if pair is None:
            return False
        r25, r10 = pair
        self.v[r25] = np.round(self.v[r10] * self.rng.uniform(1.5, 3.0))
        self.mark(np.array([r25]), "pm_inversion", np.array([r10]))
        return True

    def night_titration(self) -> bool:
        def night(key, _o3, no2):
            return no2 >= 80 and pd.Timestamp(key[1]).tz_convert("Asia/Shanghai").hour < 5

        pair = self._pair(O3, NO2, night)
        if pair is None:
            return False
        r_o3, r_no2 = pair
        self.v[r_o3] = np.round(self.rng.uniform(180.0, 300.0))
        self.mark(np.array([r_o3]), "night_titration", np.array([r_no2]))
        return True

    def range_limit(self, upper: dict[str, float]) -> bool:
        sel = self._window(self._series(list(upper)), int(self.rng.integers(1, 4)))
        if sel is None:
            return False
        code = self.f.at[sel[0], "parameter"]
        self.v[sel] = upper[code]
        self.mark(sel, "range_limit")
        return True


def analyser_ranges(industry: str = "generic") -> dict[str, float]:
    """Upper analyser range per parameter code from the rule pack [unit of the series]."""
    pack = load_rulepack(industry)
    out = {}
    for code in DECIMALS:
        cfg = pack.checks_for(code)
        analyser = cfg.get("analyser") or {}
        if "range_limit" in cfg and analyser.get("range") is not None:
            out[code] = float(analyser["range"][1])
    return out


def insert_faults(
    frame: pd.DataFrame, seed: int, per_kind: int, any_window: bool = False
) -> Inserted:
    """Insert ``per_kind`` faults of every kind (fewer where no free rows are found);
    ``any_window``: flat lines anywhere, also where the freeze changes nothing."""
    rng = np.random.default_rng(seed)
    ins = _Inserter(frame, rng, any_window)
    upper = analyser_ranges()
    episodes = dict.fromkeys(KINDS, 0)
    for kind in KINDS:
        for _ in range(per_kind):
            if kind == "range_limit":
                done = bool(upper) and ins.range_limit(upper)
            else:
                done = getattr(ins, kind)()
            episodes[kind] += int(done)
    out = frame.copy()
    out["value"] = ins.v
    return Inserted(out, ins.kind, ins.partner, episodes, ins.episode)


def run_check(frame: pd.DataFrame, workdir: Path) -> pd.DataFrame:
    """Write ``frame`` as a long-form CSV (times in CST, as CNEMC publishes them) and run the
    ``qc check`` command on it; return its output rows (input order)."""
    src, dst = workdir / "faulty.csv", workdir / "flags.csv"
    cst = pd.DatetimeIndex(frame["time"]).tz_convert("Asia/Shanghai").strftime("%Y-%m-%dT%H:%M")
    pd.DataFrame(
        {
            "time": cst,
            "site": frame["site"],
            "parameter": frame["parameter"],
            "value": frame["value"],
        }
    ).to_csv(src, index=False)
    qc_check(file=src, industry="generic", out_path=dst, limit=[], source_type=None)
    return pd.read_csv(dst, dtype={"site": str})


def score(
    ins: Inserted,
    result: pd.DataFrame,
    original: pd.DataFrame | None = None,
    split: str | None = None,
) -> dict:
    """Recall per kind (and per parameter) and the flag rate on untouched rows; with the
    ``original`` frame, why flat-line rows were missed (:func:`flat_line_misses`); with a
    ``split`` date (CST, ``YYYY-MM-DD``), the same figures for the rows before and from it
    (:func:`score_periods`: tune on one part, report the other as held out)."""
    agg = result["aggregate_flag"].to_numpy()
    flagged = np.isin(agg, FLAGGED)
    present = result["value"].notna().to_numpy()
    code = result["parameter"].astype(str).to_numpy()
    kinds = []
    for kind in KINDS:
        rows = ins.kind == kind
        n = int(rows.sum())
        per = {
            c: round(float(flagged[rows & (code == c)].mean()), 3) for c in sorted(set(code[rows]))
        }
        kinds.append(
            {
                "kind": kind,
                "faults": ins.episodes.get(kind, 0),
                "fault_rows": n,
                "recall": float(flagged[rows].mean()) if n else None,
                "recall_by_parameter": per,
            }
        )
    untouched = (ins.kind == "") & ~ins.partner & present
    checks = [
        c
        for c in result.columns
        if c not in ("time", "site", "parameter", "value", "aggregate_flag")
        and result[c].dtype == object
        and result[c].isin(FLAGGED).any()
    ]
    by_check = {
        c: float(result.loc[untouched, c].isin(FLAGGED).mean())
        for c in checks
        if result.loc[untouched, c].isin(FLAGGED).any()
    }
    out = {
        "kinds": kinds,
        "untouched_rows": int(untouched.sum()),
        "untouched_flag_rate": float(flagged[untouched].mean()) if untouched.any() else 0.0,
        "untouched_flags_by_check": dict(sorted(by_check.items(), key=lambda kv: -kv[1])),
        "runs_flagged_but_not_from_first_hour": _late_starts(ins, result),
    }
    if original is not None:
        out["flat_line_misses"] = flat_line_misses(ins, flagged, original)
    if split is not None:
        out["periods"] = score_periods(ins, flagged, present, split)
    return out


def score_periods(ins: Inserted, flagged: np.ndarray, present: np.ndarray, split: str) -> dict:
    """Recall per kind and the untouched-row flag rate for the rows before ``split`` (a CST
    date) and from it, each row by its own hour (a fault across the split counts on both
    sides)."""
    cst = pd.DatetimeIndex(ins.frame["time"]).tz_convert("Asia/Shanghai").tz_localize(None)
    before = np.asarray(cst < pd.Timestamp(split))
    untouched = (ins.kind == "") & ~ins.partner & present
    out = {}
    for name, sel in ((f"before {split}", before), (f"from {split}", ~before)):
        part: dict = {"untouched_rows": int((untouched & sel).sum())}
        part["untouched_flag_rate"] = (
            float(flagged[untouched & sel].mean()) if (untouched & sel).any() else 0.0
        )
        part["recall"] = {
            k: round(float(flagged[(ins.kind == k) & sel].mean()), 4)
            for k in KINDS
            if ((ins.kind == k) & sel).any()
        }
        part["fault_rows"] = {k: int(((ins.kind == k) & sel).sum()) for k in KINDS}
        out[name] = part
    return out


#: the checks that find runs (flat line, stuck value, zero run, stuck against the neighbours)
PERSISTENCE = ("flat_line", "stuck_value", "stuck_context", "zero_run")


def _late_starts(ins: Inserted, result: pd.DataFrame) -> int:
    """Flat-line and stuck-zero faults a persistence check flags somewhere but not on their
    first row (the start of a run missed)."""
    if ins.episode is None:
        return 0
    flagged = np.zeros(len(result), bool)
    for c in PERSISTENCE:
        if c in result.columns:
            flagged |= result[c].isin(FLAGGED).to_numpy()
    n = 0
    for kind in ("flat_line", "stuck_zero"):
        for ep in np.unique(ins.episode[ins.kind == kind]):
            rows = np.flatnonzero(ins.episode == ep)
            if flagged[rows].any() and not flagged[rows[0]]:
                n += 1
    return n


def flat_line_misses(ins: Inserted, flagged: np.ndarray, original: pd.DataFrame) -> dict:
    """Where the missed flat-line rows lie: their share whose frozen value is at or below the
    analyser's detection limit (rule pack), and their share in faults that the same station
    shows for real — a run of the same value at least as long in its untouched data within 30
    days either side: repetition that the data cannot tell from a frozen analyser."""
    pack = load_rulepack("generic")
    f = ins.frame
    missed = (ins.kind == "flat_line") & ~flagged
    if not missed.any() or ins.episode is None:
        return {"missed_rows": 0}
    ns = pd.DatetimeIndex(f["time"]).as_unit("ns").asi8
    month = 30 * 86_400_000_000_000
    value = original["value"].to_numpy(dtype=float)
    below_dl = lookalike = either = 0
    by_code: dict[str, int] = {}
    for ep in np.unique(ins.episode[missed]):
        rows = np.flatnonzero(ins.episode == ep)
        m = int(missed[rows].sum())
        site, code = f.at[rows[0], "site"], f.at[rows[0], "parameter"]
        level = float(f.at[rows[0], "value"])
        by_code[code] = by_code.get(code, 0) + m
        dl = (pack.checks_for(code).get("analyser") or {}).get("detection_limit")
        low = dl is not None and level <= dl
        below_dl += m * low
        series = np.flatnonzero(
            (f["site"].to_numpy() == site) & (f["parameter"].to_numpy() == code)
        )
        near = series[np.abs(ns[series] - ns[rows[0]]) <= month]
        near = near[ins.kind[near] == ""]
        seen = _longest_equal_run(value[near]) >= rows.size
        lookalike += m * seen
        either += m * (low or seen)
    n = int(missed.sum())
    return {
        "missed_rows": n,
        "share_at_or_below_detection_limit": round(below_dl / n, 3),
        "share_with_a_real_run_as_long_within_30_days": round(lookalike / n, 3),
        "share_either": round(either / n, 3),
        "by_parameter": dict(sorted(by_code.items())),
    }


def _longest_equal_run(x: np.ndarray) -> int:
    if x.size == 0:
        return 0
    change = np.flatnonzero(np.r_[True, x[1:] != x[:-1], True])
    return int(np.diff(change).max())


def score_file(
    path: str | Path = DEFAULT_FILE,
    *,
    seed: int = 2019,
    per_kind: int = 300,
    sites: int | None = None,
    any_window: bool = False,
    split: str | None = "2019-07-01",
) -> dict:
    """Read, insert, check, score (see the module docstring); ``split``: a CST date to score
    the rows before and from separately (None: not)."""
    t0 = time.perf_counter()
    frame = read_station_hours(path, sites)
    ins = insert_faults(frame, seed, per_kind, any_window)
    with tempfile.TemporaryDirectory() as tmp:
        result = run_check(ins.frame, Path(tmp))
    out = score(ins, result, frame, split)
    out.update(
        file=str(path),
        rows=len(frame),
        sites=int(frame["site"].nunique()),
        seed=seed,
        seconds=round(time.perf_counter() - t0, 1),
    )
    return out


def _print(res: dict) -> None:
    print(
        f"{res['file']}: {res['rows']:,} station-hours, {res['sites']} stations, seed {res['seed']}"
    )
    print(f"{'kind':<16}{'faults':>8}{'rows':>8}{'recall':>9}  by parameter")
    for k in res["kinds"]:
        rec = "-" if k["recall"] is None else f"{k['recall']:.3f}"
        per = " ".join(f"{c} {r:.3f}" for c, r in k["recall_by_parameter"].items())
        print(f"{k['kind']:<16}{k['faults']:>8}{k['fault_rows']:>8}{rec:>9}  {per}")
    print(
        f"untouched rows flagged: {res['untouched_flag_rate']:.4%} of {res['untouched_rows']:,}"
        f" ({res['seconds']} s)"
    )
    for c, r in res["untouched_flags_by_check"].items():
        print(f"  {c:<20}{r:.4%}")
    print(
        f"runs flagged but not from their first hour: {res['runs_flagged_but_not_from_first_hour']}"
    )
    if "flat_line_misses" in res:
        print("flat-line rows missed:", res["flat_line_misses"])
    for name, part in res.get("periods", {}).items():
        rec = " ".join(f"{k} {r:.3f}" for k, r in part["recall"].items())
        print(
            f"rows {name}: untouched flagged {part['untouched_flag_rate']:.4%} of "
            f"{part['untouched_rows']:,}; recall {rec}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help="CNEMC china_sites_* file")
    ap.add_argument("--seed", type=int, default=2019)
    ap.add_argument("--faults", type=int, default=300, help="faults inserted per kind")
    ap.add_argument("--sites", type=int, default=None, help="only the first N stations")
    ap.add_argument(
        "--any-window",
        action="store_true",
        help="flat lines anywhere, also where holding the value changes nothing (the first score)",
    )
    ap.add_argument(
        "--split",
        default="2019-07-01",
        help="CST date: also score the rows before and from it (tune / held out); '' for none",
    )
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    res = score_file(
        a.file,
        seed=a.seed,
        per_kind=a.faults,
        sites=a.sites,
        any_window=a.any_window,
        split=a.split or None,
    )
    if a.json:
        print(json.dumps(res, indent=2))
    else:
        _print(res)


if __name__ == "__main__":
    main()
