"""Score the vehicles checks against planted truth, as ``qc score`` scores QC's checks against
the demo's injected faults — here per unit: a station (fraud checks), a plate (remote-sensing
repeat rule), a truck (OBD checks).

For each kind of planted pattern, the check meant to find it flags a set of units:
- recall = planted units of that kind it flags / planted units of that kind;
- false-alarm rate = *clean* units it flags / clean units, where clean = units with no planted
  pattern at all (a unit planted with another kind is neither a hit nor a false alarm);
- precision = hits / (hits + false alarms).

Goal (issue #21): recall ≥ 0.9 and false alarms ≤ 2 % for every check. The truth comes from
:mod:`qingshan.vehicles.synth` (or the demo's ground-truth table in the same shape: ``kind``,
``unit``). Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from qingshan.vehicles import fraud, obd, remote_sensing
from qingshan.vehicles.synth import synth_im_tests, synth_obd_stream, synth_rs_readings

__all__ = [
    "RECALL_GOAL",
    "FALSE_ALARM_GOAL",
    "score_check",
    "score_flags",
    "score_stations",
    "score_synthetic",
]

RECALL_GOAL = 0.9
FALSE_ALARM_GOAL = 0.02


def score_check(
    kind: str, flagged: Iterable[str], truth: pd.DataFrame, universe: Iterable[str]
) -> dict:
    """One check's figures: ``flagged`` units against the ``truth`` rows of ``kind`` over the
    ``universe`` of units the check looked at."""
    if not {"kind", "unit"} <= set(truth.columns):
        raise ValueError("truth needs columns kind and unit")
    units = set(universe)
    flags = set(flagged) & units
    planted = set(truth.loc[truth["kind"] == kind, "unit"]) & units
    clean = units - set(truth["unit"])
    hits, fa = len(flags & planted), len(flags & clean)
    recall = hits / len(planted) if planted else float("nan")
    rate = fa / len(clean) if clean else float("nan")
    return {
        "check": kind,
        "planted": len(planted),
        "detected": hits,
        "recall": recall,
        "clean": len(clean),
        "false_alarms": fa,
        "false_alarm_rate": rate,
        "precision": hits / (hits + fa) if hits + fa else float("nan"),
        "goal_met": bool(recall >= RECALL_GOAL and rate <= FALSE_ALARM_GOAL),
    }


def score_flags(
    flags: Mapping[str, Iterable[str]], truth: pd.DataFrame, universe: Iterable[str]
) -> pd.DataFrame:
    """One row per check (``flags``: check/kind → flagged units)."""
    units = list(universe)
    return pd.DataFrame([score_check(k, f, truth, units) for k, f in flags.items()])


def score_stations(
    tests: pd.DataFrame,
    truth: pd.DataFrame,
    station_codes: Iterable[str],
    vehicles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The five station-fraud checks over ``tests`` scored against ``truth`` (``kind``,
    ``unit`` = station_code — the demo's ``station_fraud_truth`` table has this shape) over the
    stations ``station_codes``: one row per check."""
    res = fraud.run_checks(tests, vehicles)
    return score_flags({k: r.flagged for k, r in res.items()}, truth, station_codes)


def score_synthetic(
    seed: int = 0,
    *,
    n_stations: int = 150,
    n_readings: int = 200_000,
    n_plates: int = 20_000,
    n_trucks: int = 60,
) -> pd.DataFrame:
    """Generate the seeded synthetic frames, run every check, score it: one row per check with
    ``domain`` (im | rs | obd) and the figures of :func:`score_check`."""
    im = synth_im_tests(seed, n_stations=n_stations)
    a = score_stations(im.tests, im.truth, im.stations["station_code"], im.vehicles).assign(
        domain="im"
    )
    rs = synth_rs_readings(seed, n_readings=n_readings, n_plates=n_plates)
    off = remote_sensing.repeat_offenders(remote_sensing.repeat_exceedances(rs.readings))
    b = score_flags(
        {"high_emitter": set(off["plate"])}, rs.truth, rs.readings["plate"].unique()
    ).assign(domain="rs")
    ob = synth_obd_stream(seed, n_trucks=n_trucks)
    c = score_flags(
        {
            "scr_failure": obd.scr_failures(ob.stream).flagged,
            "data_gap": obd.data_gaps(ob.stream).flagged,
        },
        ob.truth,
        ob.stream["vin"].unique(),
    ).assign(domain="obd")
    out = pd.concat([a, b, c], ignore_index=True)
    return out[["domain", *[col for col in out.columns if col != "domain"]]]
