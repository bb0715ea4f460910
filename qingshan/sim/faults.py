"""Fault injection: pure edits of a :class:`~qingshan.sim.blocks.Block` plus the ground truth.

Each injector picks windows that do not overlap an earlier fault of the same series, edits
values and flags in place and appends :class:`Fault` records (``end`` exclusive, UTC), which
the loader writes as :class:`~qingshan.sim.models.InjectedFault` rows. Kinds:

- ``exceedance``: an outlet pollutant above its permit limit (gas: converted to reference O2,
  hours; water: whole days, so the daily mean exceeds) — ``params`` give limit and factor.
- ``o2_tamper``: reported O2 lowered while the true converted concentration exceeds the limit;
  the record sits on the O2 series and names the hidden pollutant (qc-rules.md §9).
- ``flat_line``: a value repeated unchanged (恒值) — data flag stays N.
- ``spike``: one hour multiplied by 4–10.
- ``gap``: no rows at all for every parameter of the site (logger offline).
- ``calibration``: data flag C (HJ 212-2017 Table 8) with the reading of the check standard.
- ambient stations (:func:`inject_ambient`): ``stuck_zero`` — a gas (SO2, NO2, O3, CO) at
  exactly 0 for 10–20 h (a zeroed analyser); ``pm_inversion`` — PM2.5 raised to U(1.5, 3) ×
  PM10 for one hour (倒挂); ``night_titration`` — O3 raised to U(180, 300) µg/m³ in a night
  hour (00–05 CST) whose NO2 is ≥ 80 µg/m³; ``range_limit`` — 1–3 h at the analyser's upper
  range (saturated). The two-parameter kinds are recorded on both series (the pair is what is
  wrong); the values of the second series are not changed.
- ``limit_hugging``: a gas pollutant generated at 0.88–0.97 × its limit (贴限排放) — one record
  over the whole series (:func:`record_patterns`, from the generator's ``Block.patterns``).
- ``capped``: the hours where the generator's cap on an outlet pollutant (0.98 × the limit
  converted, gas; 0.97 × the limit, water) held the value down (削峰), one record per run of
  such hours, hours another fault overwrote excluded.

The last two are patterns the value generators build in, recorded without reserving the
series (``busy``), so recording them draws nothing and changes no value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qingshan.sim.blocks import Block, C
from qingshan.timeutil import CST


@dataclass(frozen=True)
class Fault:
    sidx: int
    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    params: dict = field(default_factory=dict)


class Injector:
    """Inject faults into one block; ``quiet`` marks hours whose minute data must be flat."""

    def __init__(self, block: Block, rng: np.random.Generator) -> None:
        self.b = block
        self.rng = rng
        self.busy = np.zeros(block.value.shape, bool)
        self.quiet = np.zeros(block.value.shape, bool)
        self.faults: list[Fault] = []
        n_t = len(block.times)
        self.step = block.times[1] - block.times[0] if n_t > 1 else pd.Timedelta(hours=1)

    # ---------------------------------------------------------------- helpers
    def count(self, n_rows: int, per_year: float, minimum: int) -> int:
        """Episodes to inject: Poisson with ``per_year`` per row-year, at least ``minimum``."""
        years = len(self.b.times) * self.step / pd.Timedelta(days=365)
        return max(minimum, int(self.rng.poisson(per_year * n_rows * years)))

    def window(self, rows, hours: int, recent: int | None = None) -> int | None:
        """A start index where ``rows`` are free for ``hours`` steps (None if none found)."""
        n_t = len(self.b.times)
        lo = 0 if recent is None else max(0, n_t - recent)
        if n_t - lo < hours:
            return None
        for _ in range(20):
            t0 = int(self.rng.integers(lo, n_t - hours + 1))
            if (
                not self.busy[rows, t0 : t0 + hours].any()
                and np.isfinite(self.b.value[rows, t0 : t0 + hours]).all()
            ):
                return t0
        return None

    def record(self, rows, kind: str, t0: int, t1: int, params: dict | None = None) -> None:
        self.busy[rows, t0:t1] = True
        start = self.b.times[t0]
        end = self.b.times[t1 - 1] + self.step
        for r in np.atleast_1d(rows):
            self.faults.append(Fault(int(self.b.sidx[r]), kind, start, end, dict(params or {})))

    # ---------------------------------------------------------------- generic faults
    def flat_line(self, rows: np.ndarray, n: int, hours=(12, 72)) -> None:
        for r in self.rng.choice(rows, n):
            h = int(self.rng.integers(*hours))
            t0 = self.window(r, h)
            if t0 is None:
                continue
            level = self.b.value[r, t0]
            self.b.value[r, t0 : t0 + h] = level
            self.quiet[r, t0 : t0 + h] = True
            self.record(r, "flat_line", t0, t0 + h, {"value": float(level)})

    def spike(self, rows: np.ndarray, n: int) -> None:
        for r in self.rng.choice(rows, n):
            t0 = self.window(r, 1)
            if t0 is None:
                continue
            factor = float(self.rng.uniform(4.0, 10.0))
            before = self.b.value[r, t0]
            after = np.round(before * factor, 3)
            self.b.value[r, t0] = after
            self.record(
                r,
                "spike",
                t0,
                t0 + 1,
                {"factor": round(factor, 3), "value_before": float(before), "value": float(after)},
            )

    def gap(self, groups: list[np.ndarray], n: int, hours=(4, 48)) -> None:
        for g in self.rng.choice(len(groups), n):
            rows = groups[g]
            h = int(self.rng.integers(*hours))
            t0 = self.window(rows, h)
            if t0 is None:
                continue
            self.b.value[rows, t0 : t0 + h] = np.nan
            self.record(rows, "gap", t0, t0 + h)

    def outage(self, groups: list[np.ndarray], n: int, rng: np.random.Generator) -> None:
        """Sites that stopped reporting: a ``gap`` that runs to the end of the block, 3–47 h
        (late or missing at the demo's "now": the data-freshness page's subject). Draws from its
        own ``rng`` so that every other fault and value is the same with or without it."""
        n_t = len(self.b.times)
        for g in rng.choice(len(groups), min(n, len(groups)), replace=False):
            rows = groups[g]
            h = min(int(rng.integers(3, 48)), n_t)
            if self.busy[rows, n_t - h :].any():
                continue
            self.b.value[rows, n_t - h :] = np.nan
            self.record(rows, "gap", n_t - h, n_t, {"outage": True})

    def calibration(
        self, rows: np.ndarray, every_days: float, standard: np.ndarray, hour_cst: int = 2
    ) -> None:
        """Periodic checks: one hour flagged C every ``every_days`` at ``hour_cst`` (CST), the
        value replaced by ``standard`` (the check standard's reading, per row)."""
        local = self.b.times.tz_convert(CST)
        slots = np.flatnonzero((local.hour == hour_cst) & (local.minute == 0))
        period = max(1, int(round(every_days)))
        for k, r in enumerate(rows):
            offset = int(self.rng.integers(period))
            for t0 in slots[offset::period]:
                if self.busy[r, t0] or not np.isfinite(self.b.value[r, t0]):
                    continue
                self.b.value[r, t0] = standard[k]
                self.b.flag[r, t0] = C
                self.quiet[r, t0] = True
                self.record(r, "calibration", t0, t0 + 1, {"standard": float(standard[k])})

    # ---------------------------------------------------------------- ambient stations
    def stuck_zero(self, rows: np.ndarray, n: int, hours=(10, 21)) -> None:
        for r in self.rng.choice(rows, n):
            h = int(self.rng.integers(*hours))
            t0 = self.window(r, h)
            if t0 is None:
                continue
            self.b.value[r, t0 : t0 + h] = 0.0
            self.quiet[r, t0 : t0 + h] = True
            self.record(r, "stuck_zero", t0, t0 + h, {"value": 0.0})

    def pm_inversion(self, pairs: list[tuple[int, int]], n: int) -> None:
        """PM2.5 (first row of a pair) raised above PM10 (second row) for one hour."""
        for k in self.rng.choice(len(pairs), n):
            r25, r10 = pairs[int(k)]
            t0 = self.window([r25, r10], 1)
            if t0 is None or not self.b.value[r10, t0] > 0:
                continue
            factor = float(self.rng.uniform(1.5, 3.0))
            pm10 = float(self.b.value[r10, t0])
            self.b.value[r25, t0] = np.round(pm10 * factor)
            params = {
                "factor": round(factor, 3),
                "pm10": pm10,
                "value": float(self.b.value[r25, t0]),
            }
            self.record([r25, r10], "pm_inversion", t0, t0 + 1, params)

    def night_titration(
        self, pairs: list[tuple[int, int]], n: int, night: np.ndarray, no2_min: float = 80.0
    ) -> None:
        """O3 (first row of a pair) raised in a night hour whose NO2 (second row) ≥ ``no2_min``."""
        for k in self.rng.choice(len(pairs), n):
            r_o3, r_no2 = pairs[int(k)]
            with np.errstate(invalid="ignore"):
                ok = night & (self.b.value[r_no2] >= no2_min) & np.isfinite(self.b.value[r_o3])
            ok &= ~(self.busy[r_o3] | self.busy[r_no2])
            hours = np.flatnonzero(ok)
            if hours.size == 0:
                continue
            t0 = int(self.rng.choice(hours))
            self.b.value[r_o3, t0] = np.round(self.rng.uniform(180.0, 300.0))
            params = {"no2": float(self.b.value[r_no2, t0]), "value": float(self.b.value[r_o3, t0])}
            self.record([r_o3, r_no2], "night_titration", t0, t0 + 1, params)

    def range_limit(self, rows: np.ndarray, n: int, upper: np.ndarray, hours=(1, 4)) -> None:
        """1–3 h at the analyser's upper range; ``upper`` per row of the block."""
        for r in self.rng.choice(rows, n):
            h = int(self.rng.integers(*hours))
            t0 = self.window(r, h)
            if t0 is None:
                continue
            self.b.value[r, t0 : t0 + h] = upper[r]
            self.record(r, "range_limit", t0, t0 + h, {"value": float(upper[r])})


def inject_ambient(
    inj: Injector,
    stations: np.ndarray,
    codes: list[str],
    upper: dict[str, float],
    rates: dict[str, float],
    minimum: int = 1,
) -> None:
    """The ambient faults at the stations ``stations`` (indices of their first row / n_params):
    ``rates`` per series-year (``stuck_zero`` per gas series, ``range_limit`` per series) or
    per station-year (``pm_inversion``, ``night_titration``); ``upper`` the analyser's upper
    range per parameter code [unit of the series]."""
    if len(stations) == 0:
        return
    n_p = len(codes)
    col = {c: i for i, c in enumerate(codes)}
    base = np.asarray(stations) * n_p
    gases = np.concatenate([base + col[c] for c in ("a21026", "a21004", "a05024", "a21005")])
    inj.stuck_zero(gases, inj.count(len(gases), rates["stuck_zero"], minimum))
    pm = [(int(b + col["a34004"]), int(b + col["a34002"])) for b in base]
    inj.pm_inversion(pm, inj.count(len(pm), rates["pm_inversion"], minimum))
    ox = [(int(b + col["a05024"]), int(b + col["a21004"])) for b in base]
    local = inj.b.times.tz_convert(CST).hour
    night = np.asarray((local >= 0) & (local < 5))
    inj.night_titration(ox, inj.count(len(ox), rates["night_titration"], minimum), night)
    ranged = [c for c in codes if c in upper]
    rows = np.concatenate([base + col[c] for c in ranged])
    per_row = np.zeros(inj.b.value.shape[0])
    for c in ranged:
        per_row[np.arange(col[c], per_row.size, n_p)] = upper[c]
    inj.range_limit(rows, inj.count(len(rows), rates["range_limit"], minimum), per_row)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and (exclusive) ends of the runs of True in a 1-D boolean array."""
    d = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def record_patterns(inj: Injector) -> None:
    """Record the generator's built-in patterns (``Block.patterns``) as faults: one
    ``limit_hugging`` record per hugging series over the whole block, and one ``capped`` record
    per run of hours where the cap bound and no other fault changed the value, nor the O2 it is
    converted with (an ``o2_tamper`` of the site's O2 lowers every converted value of the site).
    Call after every other injector; reserves nothing, draws nothing."""
    pat = inj.b.patterns
    if not pat:
        return
    b = inj.b
    t_end = b.times[-1] + inj.step
    for r, params in sorted(pat.get("limit_hugging", {}).items()):
        inj.faults.append(Fault(int(b.sidx[r]), "limit_hugging", b.times[0], t_end, dict(params)))
    capped = pat.get("capped")
    if capped is None:
        return
    held = capped & ~inj.busy & np.isfinite(b.value)
    if "o2_row" in pat:
        held &= ~inj.busy[pat["o2_row"]]
    ref = pat.get("reference_o2")
    for r in np.flatnonzero(held.any(axis=1)):
        params = {"limit": float(pat["limit"][r])}
        if ref is not None:
            params["reference_o2"] = float(ref[r])
        for a, e in zip(*_runs(held[r]), strict=True):
            inj.faults.append(
                Fault(
                    int(b.sidx[r]),
                    "capped",
                    b.times[a],
                    b.times[e - 1] + inj.step,
                    {**params, "hours": int(e - a)},
                )
            )


def inject_generic(
    inj: Injector,
    conc_rows: np.ndarray,
    groups: list[np.ndarray],
    rates: dict[str, float],
    minimum: int = 1,
) -> None:
    """Flat lines, spikes and gaps at ``rates`` (episodes per series-year)."""
    if len(conc_rows) == 0:
        return
    inj.flat_line(conc_rows, inj.count(len(conc_rows), rates["flat_line"], minimum))
    inj.spike(conc_rows, inj.count(len(conc_rows), rates["spike"], minimum))
    inj.gap(groups, inj.count(len(groups), rates["gap"], minimum))


def gas_exceedances(
    inj: Injector,
    n_params: int,
    p_index: dict[str, int],
    o2_index: int,
    limits: np.ndarray,
    ref_o2: np.ndarray,
    standards: list[str],
    n: int,
    recent: int | None = None,
) -> None:
    """Hourly exceedances of converted concentrations at gas outlets.

    ``limits`` [mg/m³] has shape (n_sites, len(p_index)); ``ref_o2`` [%] shape (n_sites,).
    """
    rng, b = inj.rng, inj.b
    n_sites = b.value.shape[0] // n_params
    codes = list(p_index)
    for _ in range(n):
        i, j = int(rng.integers(n_sites)), int(rng.integers(len(codes)))
        r, r_o2 = i * n_params + p_index[codes[j]], i * n_params + o2_index
        h = int(rng.integers(2, 13))
        t0 = inj.window([r, r_o2], h, recent)
        if t0 is None:
            continue
        factor = float(rng.uniform(1.3, 3.0))
        o2 = b.value[r_o2, t0 : t0 + h]
        conv = limits[i, j] * factor * np.exp(rng.normal(0, 0.05, h))
        b.value[r, t0 : t0 + h] = np.round(conv * (21.0 - o2) / (21.0 - ref_o2[i]), 2)
        inj.record(
            r,
            "exceedance",
            t0,
            t0 + h,
            {
                "limit": float(limits[i, j]),
                "factor": round(factor, 3),
                "averaging": "hour",
                "reference_o2": float(ref_o2[i]),
                "standard": standards[i],
                "converted": True,
            },
        )


def o2_tampering(
    inj: Injector,
    n_params: int,
    p_index: dict[str, int],
    o2_index: int,
    limits: np.ndarray,
    ref_o2: np.ndarray,
    n: int,
) -> None:
    """Reported O2 lowered so that a real exceedance converts to an apparently compliant value."""
    rng, b = inj.rng, inj.b
    n_sites = b.value.shape[0] // n_params
    codes = list(p_index)
    for _ in range(n):
        i, j = int(rng.integers(n_sites)), int(rng.integers(len(codes)))
        r, r_o2 = i * n_params + p_index[codes[j]], i * n_params + o2_index
        h = int(rng.integers(24, 121))
        t0 = inj.window([r, r_o2], h)
        if t0 is None:
            continue
        true_o2 = b.value[r_o2, t0 : t0 + h].copy()
        true_factor = float(rng.uniform(1.1, 1.35))
        conv = limits[i, j] * true_factor * np.exp(rng.normal(0, 0.04, h))
        measured = conv * (21.0 - true_o2) / (21.0 - ref_o2[i])
        reported = 21.0 - (21.0 - true_o2) * conv / (0.9 * limits[i, j])
        reported = np.round(np.clip(reported, 2.0, None), 2)
        b.value[r, t0 : t0 + h] = np.round(measured, 2)
        b.value[r_o2, t0 : t0 + h] = reported
        inj.busy[r, t0 : t0 + h] = True
        inj.record(
            r_o2,
            "o2_tamper",
            t0,
            t0 + h,
            {
                "pollutant": codes[j],
                "limit": float(limits[i, j]),
                "reference_o2": float(ref_o2[i]),
                "true_o2_mean": round(float(true_o2.mean()), 2),
                "reported_o2_mean": round(float(reported.mean()), 2),
                "true_converted_factor": round(true_factor, 3),
            },
        )


def water_exceedances(
    inj: Injector,
    n_params: int,
    p_index: dict[str, int],
    limits: np.ndarray,
    standards: list[str],
    n: int,
    recent: int | None = None,
) -> None:
    """Whole-day exceedances of COD / NH3-N at water outlets (daily means above the limit)."""
    rng, b = inj.rng, inj.b
    n_sites = b.value.shape[0] // n_params
    codes = list(p_index)
    local_hour = b.times.tz_convert(CST).hour
    for _ in range(n):
        i, j = int(rng.integers(n_sites)), int(rng.integers(len(codes)))
        r = i * n_params + p_index[codes[j]]
        days = int(rng.integers(1, 4))
        t0 = inj.window(r, days * 24 + 24, recent)
        if t0 is None:
            continue
        t0 += int((24 - local_hour[t0]) % 24)  # from local midnight
        h = days * 24
        factor = float(rng.uniform(1.2, 2.5))
        b.value[r, t0 : t0 + h] = np.round(
            limits[i, j] * factor * np.exp(rng.normal(0, 0.08, h)), 3
        )
        inj.record(
            r,
            "exceedance",
            t0,
            t0 + h,
            {
                "limit": float(limits[i, j]),
                "factor": round(factor, 3),
                "averaging": "day",
                "standard": standards[i],
            },
        )
