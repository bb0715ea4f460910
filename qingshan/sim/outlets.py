"""Hourly and minute values of enterprise outlets.

Gas outlets (CEMS): a load factor drives flow and O2 (more excess air at part load); each
pollutant's concentration *converted* to the reference O2 sits at a fixed share of its permit
limit with AR(1) noise, and the stored value is the *measured* (实测) concentration
``C' = C × (21 − O2) / (21 − O2_ref)`` (HJ 75-2017; qc-rules.md §7), so QC must convert before
comparing with the limit. Two fraud patterns are built into the values and recorded as ground
truth (:func:`qingshan.sim.faults.record_patterns`): 5 % of gas pollutants run at 0.88–0.97 ×
the limit (贴限, ``limit_hugging``) and every converted value is capped at 0.98 × the limit
(削峰, ``capped``, over the hours where the cap binds). Water outlets: COD and NH3-N at a share of their limit (capped at 0.97 × the limit, also
recorded as ``capped``), flow with the
production shift, pH 6.5–8.5. Minute data repeat the hour's value with zero-mean noise, so the
mean of an hour's minutes equals the hour's value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.sim.blocks import Block
from qingshan.sim.limits import NOX, PM, SO2, SOURCE_TYPES
from qingshan.sim.noise import ar1, diurnal
from qingshan.sim.params import STREAM_PARAMETERS
from qingshan.sim.timeline import local_hour

#: per gas source type: (measured O2 at full load [%], flow capacity range [m³/s],
#: flue temperature range [℃], day-load swing [-])
GAS_PROFILE = {
    "coal_boiler_ultralow": (5.5, (150.0, 400.0), (45.0, 55.0), 0.15),
    "coal_boiler_special": (5.8, (100.0, 300.0), (45.0, 58.0), 0.15),
    "gas_turbine": (14.5, (200.0, 350.0), (80.0, 100.0), 0.25),
    "cement_kiln": (9.0, (80.0, 180.0), (90.0, 130.0), 0.03),
    "coal_industrial_boiler": (8.5, (5.0, 25.0), (50.0, 70.0), 0.10),
    "gas_industrial_boiler": (3.5, (3.0, 15.0), (60.0, 120.0), 0.10),
}
#: per water source type: flow capacity range [L/s]
WATER_FLOW = {
    "paper_effluent": (50.0, 250.0),
    "pulp_paper_effluent": (100.0, 300.0),
    "dyeing_effluent": (20.0, 120.0),
    "chemical_effluent": (5.0, 50.0),
}

GAS_CODES = [c for c, _, _ in STREAM_PARAMETERS["gas_outlet"]]
WATER_CODES = [c for c, _, _ in STREAM_PARAMETERS["water_outlet"]]
POLLUTANTS = (SO2, NOX, PM)
#: converted concentrations are capped at this share of the limit (a deliberate fraud pattern,
#: 削峰: the value the DAS reports never exceeds it); recorded as ``capped`` faults
CAP_SHARE = 0.98
#: marginal log-sd of the converted concentration's AR(1) variation [-]
CONVERTED_SD = 0.18
#: water outlets' COD / NH3-N are capped at this share of the limit (also ``capped`` faults)
WATER_CAP_SHARE = 0.97


def o2_factor(o2: np.ndarray, reference_o2: np.ndarray) -> np.ndarray:
    """Measured-to-converted factor ``(21 − O2_ref) / (21 − O2)`` [-] (qc-rules.md §7)."""
    return (21.0 - reference_o2) / np.maximum(21.0 - o2, 0.5)


def _round(value: np.ndarray, stream: str) -> np.ndarray:
    for p, (_, _, decimals) in enumerate(STREAM_PARAMETERS[stream]):
        value[:, p] = np.round(value[:, p], decimals)
    return value


def gas_values(
    sites: pd.DataFrame, sidx: np.ndarray, times: pd.DatetimeIndex, rng: np.random.Generator
) -> Block:
    """Hourly SO2, NOx, PM (measured, mg/m³), O2 (%), flow (m³/s) and flue temperature (℃)."""
    n, n_t = len(sites), len(times)
    hour = local_hour(times)
    kinds = [g["source_type"] for g in sites["gen"]]
    prof = [GAS_PROFILE[k] for k in kinds]
    ref = np.array([SOURCE_TYPES[k].reference_o2 for k in kinds])
    swing = np.array([p[3] for p in prof])
    load = np.clip(
        0.8 + swing[:, None] * diurnal(hour, 14.0)[None, :] + ar1(rng, (n, n_t), 0.95, 0.06),
        0.35,
        1.0,
    )
    o2 = (
        np.array([p[0] for p in prof])[:, None] + 2.0 * (1.0 - load) + ar1(rng, (n, n_t), 0.9, 0.25)
    )
    o2 = np.clip(o2, 1.0, 19.5)
    value: np.ndarray = np.empty((n, len(GAS_CODES), n_t))
    factor = o2_factor(o2, ref[:, None])
    n_c = len(GAS_CODES)
    hugging: dict[int, dict] = {}
    capped = np.zeros((n * n_c, n_t), bool)
    for code in POLLUTANTS:
        p = GAS_CODES.index(code)
        limit = np.array([SOURCE_TYPES[k].limits[code] for k in kinds])
        share = rng.uniform(0.25, 0.75, n)
        hug = rng.random(n) < 0.05
        share[hug] = rng.uniform(0.88, 0.97)  # a few hug the limit (贴限)
        converted = (limit * share)[:, None] * np.exp(ar1(rng, (n, n_t), 0.9, CONVERTED_SD))
        cap = CAP_SHARE * limit[:, None]
        capped[np.arange(n) * n_c + p] = converted > cap  # the cap binds (削峰)
        converted = np.minimum(converted, cap)
        value[:, p] = converted / factor
        for i in np.flatnonzero(hug):
            hugging[int(i * n_c + p)] = {
                "share": round(float(share[i]), 4),
                "limit": float(limit[i]),
                "reference_o2": float(ref[i]),
            }
    cap = np.array([rng.uniform(*p[1]) for p in prof])
    value[:, GAS_CODES.index("a19001")] = o2
    value[:, GAS_CODES.index("a00000")] = (
        cap[:, None] * load * np.exp(ar1(rng, (n, n_t), 0.8, 0.03))
    )
    temp = np.array([rng.uniform(*p[2]) for p in prof])
    value[:, GAS_CODES.index("a01012")] = (
        temp[:, None] + 6.0 * (load - 0.8) + ar1(rng, (n, n_t), 0.9, 1.0)
    )
    value = _round(value, "gas_outlet").reshape(n * len(GAS_CODES), n_t)
    cap_limit = np.zeros(n * n_c)
    for code in POLLUTANTS:
        rows = np.arange(n) * n_c + GAS_CODES.index(code)
        cap_limit[rows] = [SOURCE_TYPES[k].limits[code] for k in kinds]
    return Block(
        "gas_outlet",
        "hour",
        np.asarray(sidx),
        times,
        value,
        np.zeros(value.shape, np.uint8),
        np.full(value.shape[0], "sim:synthetic", dtype=object),
        patterns={
            "limit_hugging": hugging,
            "capped": capped,
            "limit": cap_limit,
            "reference_o2": np.repeat(ref, n_c),
            # each row's O2 row: a changed O2 changes every converted value of its site
            "o2_row": np.repeat(np.arange(n) * n_c + GAS_CODES.index("a19001"), n_c),
        },
    )


def water_outlet_values(
    sites: pd.DataFrame, sidx: np.ndarray, times: pd.DatetimeIndex, rng: np.random.Generator
) -> Block:
    """Hourly COD, NH3-N [mg/L], flow [L/s] and pH of water outlets."""
    n, n_t = len(sites), len(times)
    hour = local_hour(times)
    kinds = [g["source_type"] for g in sites["gen"]]
    value: np.ndarray = np.empty((n, len(WATER_CODES), n_t))
    n_c = len(WATER_CODES)
    capped = np.zeros((n * n_c, n_t), bool)
    cap_limit = np.zeros(n * n_c)
    for code, sd in (("w01018", 0.15), ("w21003", 0.3)):
        p = WATER_CODES.index(code)
        limit = np.array([SOURCE_TYPES[k].limits[code] for k in kinds])
        share = rng.uniform(0.2, 0.65, n)
        conc = (limit * share)[:, None] * np.exp(ar1(rng, (n, n_t), 0.96, sd))
        cap = WATER_CAP_SHARE * limit[:, None]
        capped[np.arange(n) * n_c + p] = conc > cap
        cap_limit[np.arange(n) * n_c + p] = limit
        value[:, p] = np.minimum(conc, cap)
    cap = np.array([rng.uniform(*WATER_FLOW[k]) for k in kinds])
    shift = 0.8 + 0.2 * diurnal(hour, 13.0)
    value[:, WATER_CODES.index("w00000")] = (
        cap[:, None] * shift * np.exp(ar1(rng, (n, n_t), 0.9, 0.08))
    )
    value[:, WATER_CODES.index("w01001")] = np.clip(
        rng.uniform(6.9, 8.2, n)[:, None] + ar1(rng, (n, n_t), 0.95, 0.15), 6.2, 8.9
    )
    value = _round(value, "water_outlet").reshape(n * len(WATER_CODES), n_t)
    return Block(
        "water_outlet",
        "hour",
        np.asarray(sidx),
        times,
        value,
        np.zeros(value.shape, np.uint8),
        np.full(value.shape[0], "sim:synthetic", dtype=object),
        patterns={"limit_hugging": {}, "capped": capped, "limit": cap_limit},
    )


#: relative (multiplicative) minute noise per parameter code; others get additive noise
_MINUTE_REL = {
    "a21026": 0.08,
    "a21002": 0.06,
    "a34013": 0.1,
    "a00000": 0.02,
    "w01018": 0.04,
    "w21003": 0.06,
    "w00000": 0.05,
}
_MINUTE_ABS = {"a19001": 0.15, "a01012": 0.4, "w01001": 0.03}


def minute_values(
    hourly: Block,
    codes: list[str],
    sidx: np.ndarray,
    times: pd.DatetimeIndex,
    quiet: np.ndarray,
    rng: np.random.Generator,
) -> Block:
    """Minute data for the last hours of ``hourly``: the hour's value plus zero-mean noise.

    Parameters
    ----------
    hourly : Block
        Hourly values (faults already injected); rows parameter-minor per site.
    codes : list of str
        Parameter code of each row position within a site.
    sidx : ndarray
        Catalogue series indices of the minute series (same order as ``hourly``).
    times : DatetimeIndex
        Minute period starts [UTC], inside ``hourly.times``.
    quiet : ndarray of bool, shape of ``hourly.value``
        Hours whose minutes repeat the hourly value exactly (flat lines, calibration).
    """
    col = hourly.times.get_indexer(times.floor("h"))
    if (col < 0).any():
        raise ValueError("minute times outside the hourly axis")
    per_hour = int(pd.Timedelta(hours=1) / (times[1] - times[0])) if len(times) > 1 else 1
    n = hourly.value.shape[0]
    base = hourly.value[:, col]
    flag = hourly.flag[:, col]
    noise = rng.standard_normal((n, len(times)))
    noise = noise.reshape(n, -1, per_hour)
    noise -= noise.mean(axis=2, keepdims=True)  # minutes average to the hourly value
    noise = noise.reshape(n, len(times)) * ~quiet[:, col]
    n_codes = len(codes)
    rel = np.array([_MINUTE_REL.get(c, 0.0) for c in codes] * (n // n_codes))[:, None]
    ab = np.array([_MINUTE_ABS.get(c, 0.0) for c in codes] * (n // n_codes))[:, None]
    value = base * (1.0 + rel * noise) + ab * noise
    decimals = dict((c, d) for c, _, d in STREAM_PARAMETERS[hourly.stream])
    dec = np.array([decimals[c] for c in codes] * (n // n_codes))
    for d in np.unique(dec):
        value[dec == d] = np.round(value[dec == d], d)
    return Block(
        hourly.stream, "min", np.asarray(sidx), times, value, flag.copy(), hourly.source.copy()
    )
