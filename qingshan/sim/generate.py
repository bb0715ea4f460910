"""From catalogue to values: one function per stream returning blocks and ground truth.

Pure and deterministic: every stream draws from its own generator seeded by ``(seed, stream)``,
so a stream's values do not depend on which other streams were generated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qingshan.qc.rules import load_rulepack
from qingshan.sim.air import SYNTH_SOURCE, air_values
from qingshan.sim.blocks import Block
from qingshan.sim.catalog import Catalogue
from qingshan.sim.faults import (
    Fault,
    Injector,
    gas_exceedances,
    inject_ambient,
    inject_generic,
    o2_tampering,
    record_patterns,
    water_exceedances,
)
from qingshan.sim.limits import POLLUTANTS_GAS, SOURCE_TYPES
from qingshan.sim.outlets import (
    GAS_CODES,
    WATER_CODES,
    gas_values,
    minute_values,
    water_outlet_values,
)
from qingshan.sim.params import STREAM_PARAMETERS
from qingshan.sim.water import water_values

STREAMS = ("air", "water", "gas_outlet", "water_outlet")
_STREAM_KEY = {s: i + 1 for i, s in enumerate(STREAMS)}
_KINDS = {
    "air": ("air_station",),
    "water": ("water_section", "drinking_water_source"),
    "gas_outlet": ("gas_outlet",),
    "water_outlet": ("water_outlet",),
}

#: generic fault rates [episodes per series-year; gaps per site-year]
RATES = {
    "air": {"flat_line": 0.5, "spike": 1.0, "gap": 0.5},
    "water": {"flat_line": 0.5, "spike": 1.0, "gap": 1.0},
    "gas_outlet": {"flat_line": 0.5, "spike": 1.0, "gap": 0.5},
    "water_outlet": {"flat_line": 0.5, "spike": 1.0, "gap": 0.5},
}
#: ambient-station faults [stuck_zero, range_limit: per series-year; pm_inversion,
#: night_titration: per station-year]
AMBIENT_RATES = {"stuck_zero": 0.5, "range_limit": 0.5, "pm_inversion": 1.0, "night_titration": 0.5}
CALIBRATION_EVERY_DAYS = 14
#: readings of the check standards during calibration hours, by parameter code
CHECK_STANDARD = {
    "a21026": 200.0,
    "a21004": 200.0,
    "a05024": 200.0,
    "a21005": 4.0,
    "w01019": 4.0,
    "w21003": 0.5,
    "w21011": 0.1,
    "w01018": 50.0,
    "a19001": 20.9,
}


@dataclass
class StreamData:
    stream: str
    blocks: list[Block]
    faults: list[Fault]


#: sites per stream whose data stop 3–47 h before the demo's "now" (数据时效: late, missing)
OUTAGES = {"air": 3, "water": 2, "gas_outlet": 4, "water_outlet": 3}


def analyser_ranges(codes: list[str]) -> dict[str, float]:
    """Upper analyser range per ambient parameter [unit of the series], from the ambient rule
    pack QC judges stations with (``analyser.range``; HJ 654-2013 / HJ 653-2013 [U])."""
    pack = load_rulepack("generic")
    out = {}
    for c in codes:
        analyser = pack.checks_for(c).get("analyser") or {}
        if analyser.get("range") is not None:
            out[c] = float(analyser["range"][1])
    return out


def stream_rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAM_KEY[stream]])


def _rows(n_sites: int, n_params: int, params: list[int]) -> np.ndarray:
    return (np.arange(n_sites)[:, None] * n_params + np.asarray(params)[None, :]).ravel()


def _groups(n_sites: int, n_params: int) -> list[np.ndarray]:
    return [np.arange(i * n_params, (i + 1) * n_params) for i in range(n_sites)]


def generate_stream(
    cat: Catalogue,
    stream: str,
    times: pd.DatetimeIndex,
    minute_times: pd.DatetimeIndex | None,
    seed: int,
) -> StreamData:
    """Values (hourly, and minute for outlets) and injected faults of one stream."""
    rng = stream_rng(seed, stream)
    sites = cat.sites[cat.sites["kind"].isin(_KINDS[stream])]
    series = cat.series_of(stream, "hour")
    codes = [c for c, _, _ in STREAM_PARAMETERS[stream]]
    n_p = len(codes)
    sidx = series.index.to_numpy()
    if len(sidx) != len(sites) * n_p:
        raise AssertionError(f"{stream}: series and sites out of step")
    make = {
        "air": air_values,
        "water": water_values,
        "gas_outlet": gas_values,
        "water_outlet": water_outlet_values,
    }[stream]
    block = make(sites, sidx, times, rng)
    inj = Injector(block, rng)
    n_s = len(sites)
    days = len(times) / 24
    if stream == "air":
        synth = np.flatnonzero(block.source[::n_p] == SYNTH_SOURCE)
        rows = (synth[:, None] * n_p + np.arange(5)[None, :]).ravel()
        inject_generic(inj, rows, [np.arange(i * n_p, (i + 1) * n_p) for i in synth], RATES[stream])
        cal = (
            synth[:, None] * n_p
            + np.array([codes.index(c) for c in ("a21026", "a21004", "a21005", "a05024")])[None, :]
        ).ravel()
        inj.calibration(
            cal, CALIBRATION_EVERY_DAYS, np.array([CHECK_STANDARD[codes[r % n_p]] for r in cal])
        )
        inject_ambient(inj, synth, codes, analyser_ranges(codes), AMBIENT_RATES)
    elif stream == "water":
        conc = [codes.index(c) for c in ("w01019", "w21003", "w21011")]
        inject_generic(inj, _rows(n_s, n_p, conc), _groups(n_s, n_p), RATES[stream])
        cal = _rows(n_s, n_p, conc)
        inj.calibration(
            cal, CALIBRATION_EVERY_DAYS, np.array([CHECK_STANDARD[codes[r % n_p]] for r in cal])
        )
    elif stream == "gas_outlet":
        kinds = [g["source_type"] for g in sites["gen"]]
        p_index = {c: GAS_CODES.index(c) for c in POLLUTANTS_GAS}
        limits = np.array([[SOURCE_TYPES[k].limits[c] for c in POLLUTANTS_GAS] for k in kinds])
        ref = np.array([SOURCE_TYPES[k].reference_o2 for k in kinds])
        std = [SOURCE_TYPES[k].standard for k in kinds]
        o2 = GAS_CODES.index("a19001")
        o2_tampering(
            inj, n_p, p_index, o2, limits, ref, max(1, int(rng.poisson(0.05 * n_s * days / 365)))
        )
        gas_exceedances(
            inj,
            n_p,
            p_index,
            o2,
            limits,
            ref,
            std,
            max(2, int(rng.poisson(2.0 * n_s * days / 365))),
        )
        gas_exceedances(inj, n_p, p_index, o2, limits, ref, std, max(1, n_s // 20), recent=24)
        inject_generic(
            inj, _rows(n_s, n_p, list(p_index.values())), _groups(n_s, n_p), RATES[stream]
        )
        cal = _rows(n_s, n_p, [p_index["a21026"], p_index["a21002"], o2])
        typical = np.nanmedian(block.value[cal], axis=1)
        inj.calibration(
            cal,
            CALIBRATION_EVERY_DAYS,
            np.where(cal % n_p == o2, CHECK_STANDARD["a19001"], np.round(typical * 2.5, 2)),
        )
    else:
        kinds = [g["source_type"] for g in sites["gen"]]
        p_index = {c: WATER_CODES.index(c) for c in ("w01018", "w21003")}
        limits = np.array([[SOURCE_TYPES[k].limits[c] for c in p_index] for k in kinds])
        std = [SOURCE_TYPES[k].standard for k in kinds]
        water_exceedances(
            inj, n_p, p_index, limits, std, max(2, int(rng.poisson(1.0 * n_s * days / 365)))
        )
        water_exceedances(inj, n_p, p_index, limits, std, max(1, n_s // 30), recent=96)
        inject_generic(
            inj, _rows(n_s, n_p, list(p_index.values())), _groups(n_s, n_p), RATES[stream]
        )
        cal = _rows(n_s, n_p, list(p_index.values()))
        inj.calibration(
            cal,
            CALIBRATION_EVERY_DAYS,
            np.array(
                [
                    CHECK_STANDARD["w01018"]
                    if codes[r % n_p] == "w01018"
                    else CHECK_STANDARD["w21003"]
                    for r in cal
                ]
            ),
        )
    # a few sites stopped reporting before "now" (never a replayed national station)
    groups = (
        [np.arange(i * n_p, (i + 1) * n_p) for i in synth] if stream == "air" else _groups(n_s, n_p)
    )
    inj.outage(groups, OUTAGES[stream], stream_rng(seed + 1, stream))
    record_patterns(inj)  # limit hugging and the cap, built into outlet values
    blocks, faults = [block], list(inj.faults)
    if stream.endswith("outlet") and minute_times is not None and len(minute_times):
        min_sidx = cat.series_of(stream, "min").index.to_numpy()
        mblock = minute_values(block, codes, min_sidx, minute_times, inj.quiet, rng)
        blocks.append(mblock)
        to_min = dict(zip(sidx.tolist(), min_sidx.tolist(), strict=True))
        m0 = minute_times[0]
        faults += [
            Fault(to_min[f.sidx], f.kind, max(f.start, m0), f.end, f.params)
            for f in inj.faults
            if f.end > m0
        ]
    return StreamData(stream, blocks, faults)
