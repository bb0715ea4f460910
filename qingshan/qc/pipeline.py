"""Run a rule pack's checks over one series, in order, masking invalid data before later checks.

Order (qc-rules.md §11, lesson 1): timing → HJ 212 source flag → invalidating marks → gross range
→ analyser range limit → zero run → *mask* (source-invalid, marked, FAIL so far) → spike, rate of
change, flat line, stuck value, stuck against the neighbours, frozen while the neighbours move,
detection limit, MAD, limit hugging,
repeated daily sequence, O2 checks. Every result carries the check's name, its parameters and the
rule-pack version (:class:`CheckResult`).

Ambient parameters carry their analyser in the pack (``analyser``: ``range``, ``detection_limit``,
``resolution``, ``source``), read by the range-limit and context checks. With a ``reference``
(the neighbours' median, :func:`qingshan.qc.context.neighbour_reference`) and a pack's
``regional_context``, a spike-type SUSPECT the neighbours share is an event and PASSes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from qingshan.qc import ambient as AM
from qingshan.qc import checks as C
from qingshan.qc import context as CX
from qingshan.qc import frozen as FZ
from qingshan.qc import patterns as PT
from qingshan.qc.errors import DuplicateTimes, EmptySeries, ShapeMismatch, UnsortedTimes
from qingshan.qc.flags import Flag, aggregate, utc_index
from qingshan.qc.flags import counts as flag_counts
from qingshan.qc.kernel import FlagArray, Times, seconds
from qingshan.qc.rules import RulePack

__all__ = ["CheckResult", "check_series", "step_seconds"]


@dataclass(frozen=True)
class CheckResult:
    """One check's flags over a series, with what is needed to reproduce them."""

    name: str
    flags: FlagArray = field(repr=False)
    params: dict[str, Any]
    rule_version: str

    def counts(self) -> dict[str, int]:
        return flag_counts(self.flags)


def step_seconds(times: Times) -> float:
    """Median sampling step [s] of sorted times (60 for minute data, 3600 for hourly)."""
    t = seconds(times)
    d = np.diff(t)
    d = d[d > 0]
    return float(np.median(d)) if d.size else 3600.0


def _points(duration: float, step: float) -> int:
    return max(int(round(duration / step)), 1)


def check_series(
    times: Times,
    values: npt.ArrayLike,
    *,
    code: str,
    pack: RulePack,
    source_flags: npt.ArrayLike | None = None,
    marked_invalid: npt.ArrayLike | None = None,
    received_at: Times | None = None,
    now: object = None,
    limit: float | None = None,
    running: npt.ArrayLike | None = None,
    reference: npt.ArrayLike | None = None,
    neighbours: npt.ArrayLike | None = None,
) -> list[CheckResult]:
    """Run ``pack``'s checks for parameter ``code`` over one series.

    Parameters
    ----------
    times : datetime array, sorted strictly ascending (UTC)
    values : array [canonical unit of ``code``]
    code : str
        HJ 212-2017 parameter code.
    pack : RulePack
    source_flags : array of str or None
        HJ 212 data flags (N, F, M, S, D, C, T, B).
    marked_invalid : bool array or None
        True inside an invalidating enterprise mark (:func:`qingshan.qc.marks.mark_mask`).
    received_at : datetime array or None
        Arrival times, for the late-arrival check.
    now : datetime or None
        Reference time of the future-time check (passed in: checks never read the clock).
    limit : float or None [unit]
        Emission limit, for limit hugging.
    running : bool array or None
        True while the unit produces (no stop mark), for the O2 checks.
    reference : array or None [canonical unit of ``code``]
        The neighbours' median at ``times`` (ambient stations), for the context checks.
    neighbours : 2-D array or None [canonical unit of ``code``]
        The neighbours' own values at ``times`` (one column per neighbour), for the frozen-run
        context (``frozen_context``, :mod:`qingshan.qc.frozen`).

    Raises
    ------
    EmptySeries, UnsortedTimes, DuplicateTimes, ShapeMismatch
    """
    x = np.asarray(values, dtype="float64")
    t_idx = utc_index(times)
    if x.size == 0:
        raise EmptySeries(f"series {code}")
    if t_idx.size != x.size:
        raise ShapeMismatch("values", x.size, "times", t_idx.size)
    t = seconds(t_idx)
    d = np.diff(t)
    if (d < 0).any():
        i = int(np.flatnonzero(d < 0)[0]) + 1
        raise UnsortedTimes(i, t_idx[i - 1], t_idx[i])
    if (d == 0).any():
        i = int(np.flatnonzero(d == 0)[0]) + 1
        raise DuplicateTimes(i, t_idx[i])
    cfg = pack.checks_for(code)
    ver = pack.version
    missing = np.isnan(x)
    out: list[CheckResult] = []

    def add(name: str, flags: npt.ArrayLike, params: Mapping[str, Any]) -> FlagArray:
        arr = np.array(flags, dtype=np.uint8)
        arr[missing] = np.uint8(Flag.MISSING)  # a missing value is MISSING for every check
        out.append(CheckResult(name, arr, dict(params), ver))
        return arr

    step = step_seconds(t_idx)
    if now is not None and "future_time" in cfg:
        add("future_time", C.future_time_test(t_idx, now, **cfg["future_time"]), cfg["future_time"])
    if "time_gap" in cfg and cfg["time_gap"]["max_gap"] > step:
        add("time_gap", C.time_gap_test(t_idx, **cfg["time_gap"]), cfg["time_gap"])
    if received_at is not None and "late_arrival" in cfg:
        add(
            "late_arrival",
            C.late_arrival_test(t_idx, received_at, **cfg["late_arrival"]),
            cfg["late_arrival"],
        )
    invalid = np.zeros(x.shape, bool)
    if source_flags is not None:
        f = add("hj212_flag", C.hj212_flag_test(source_flags), {"table": "HJ 212-2017 Table 8"})
        invalid |= f == Flag.FAIL
    if marked_invalid is not None:
        mk = np.asarray(marked_invalid, dtype=bool)
        if mk.shape != x.shape:
            raise ShapeMismatch("values", x.size, "marked_invalid", mk.size)
        add(
            "marks",
            np.where(mk, np.uint8(Flag.FAIL), np.uint8(Flag.PASS)),
            {"rule": "公告2022年第21号"},
        )
        invalid |= mk
    if "gross_range" in cfg:
        g = cfg["gross_range"]
        f = add(
            "gross_range",
            C.gross_range_test(x, tuple(g["fail_span"]), g.get("suspect_span"), mask=invalid),
            g,
        )
        invalid |= f == Flag.FAIL
    analyser: dict[str, Any] = cfg.get("analyser") or {}
    if "range_limit" in cfg and analyser.get("range") is not None:
        rl = cfg["range_limit"]
        upper = float(analyser["range"][1])
        f = add(
            "range_limit",
            AM.range_limit_test(x, upper, rl.get("tolerance_share", 0.01), mask=invalid),
            {**rl, "upper": upper, "source": analyser.get("source")},
        )
        invalid |= f == Flag.FAIL
    if "zero_run" in cfg:
        z = cfg["zero_run"]
        f = add("zero_run", C.zero_run_test(x, t_idx, mask=invalid, **z), z)
        invalid |= f == Flag.FAIL
    mask = invalid
    floor = cfg.get("floor", {}).get("value") if isinstance(cfg.get("floor"), dict) else None
    # values at or below the analyser floor (detection limit) repeat legitimately at clean sites
    flat_mask = mask if floor is None else (mask | (x <= floor))
    ref = None
    if reference is not None:
        ref = np.asarray(reference, dtype="float64")
        if ref.shape != x.shape:
            raise ShapeMismatch("values", x.size, "reference", ref.size)
        if not np.isfinite(ref).any():
            ref = None
    ctx = cfg.get("regional_context")
    moved = None
    if ctx is not None and ref is not None:
        moved = CX.moved_with_neighbours(
            np.where(mask, np.nan, x),
            ref,
            _points(ctx["window_duration"], step) | 1,
            ctx["min_ratio"],
            floor=float(analyser.get("resolution", 0.0)),
        )

    def spike_type(name: str, flags: npt.ArrayLike, params: Mapping[str, Any]) -> None:
        """A spike-type check: its SUSPECTs the neighbours share are events (PASS)."""
        arr = np.array(flags, dtype=np.uint8)
        if moved is not None and ctx is not None and name in ctx["checks"]:
            arr[(arr == Flag.SUSPECT) & moved] = np.uint8(Flag.PASS)
            params = {**params, "regional_context": ctx}
        add(name, arr, params)

    if "spike" in cfg:
        sp = cfg["spike"]
        spike_type("spike", C.spike_test(x, mask=mask, **sp), sp)
    if "relative_spike" in cfg:
        spike_type(
            "relative_spike",
            C.relative_spike_test(x, mask=mask, **cfg["relative_spike"]),
            cfg["relative_spike"],
        )
    if "neighbour_spike" in cfg and ref is not None:
        ns = cfg["neighbour_spike"]
        add(
            "neighbour_spike",
            CX.neighbour_spike_test(
                x, t_idx, ref, **ns, floor=float(analyser.get("resolution", 0.0)), mask=mask
            ),
            ns,
        )
    if "rate_of_change" in cfg:
        spike_type(
            "rate_of_change",
            C.rate_of_change_test(x, t_idx, mask=mask, **cfg["rate_of_change"]),
            cfg["rate_of_change"],
        )
    an: dict[str, float] = {}
    explained = None
    sc: dict[str, Any] = dict(cfg.get("stuck_context") or {})
    explain_steps = sc.pop("explain_steps", None)
    if sc and ref is not None and analyser.get("resolution") is not None:
        an = {
            "resolution": float(analyser["resolution"]),
            "detection_limit": float(analyser.get("detection_limit") or 0.0),
        }
        if explain_steps is not None:
            # runs the neighbours explain are normal repetition at the resolution
            explained = CX.repetition_explained(
                x,
                t_idx,
                ref,
                **an,
                max_steps=float(explain_steps),
                window_duration=sc.get("window_duration", 604800.0),
                mask=mask,
            )

    fz: dict[str, Any] = dict(cfg.get("frozen_context") or {})
    still_share = None
    nb = None
    if neighbours is not None:
        nb = np.asarray(neighbours, dtype="float64")
        nb = nb[:, None] if nb.ndim == 1 else nb
        if nb.shape[0] != x.size:
            raise ShapeMismatch("values", x.size, "neighbours", nb.shape[0])
        if nb.shape[1] < int(fz.get("min_neighbours", 2)) or not np.isfinite(nb).any():
            nb = None
    if fz and nb is not None and analyser.get("resolution") is not None:
        # the neighbours sat still with the station: the weather or the resolution
        still_share = fz.pop("still_share", None)
        if still_share is not None:
            still = FZ.still_with_neighbours(
                x,
                t_idx,
                nb,
                float(analyser["resolution"]),
                max_share=float(still_share),
                min_neighbours=int(fz.get("min_neighbours", 2)),
                mask=mask,
            )
            explained = still if explained is None else (explained | still)
    else:
        fz = {}

    def persistence(name: str, flags: npt.ArrayLike, params: Mapping[str, Any]) -> None:
        arr = np.array(flags, dtype=np.uint8)
        if explained is not None:
            arr[(arr == Flag.SUSPECT) & explained] = np.uint8(Flag.PASS)
            params = {**params, "explained_steps": explain_steps}
            if still_share is not None:
                params["still_with_neighbours"] = still_share
        add(name, arr, params)

    if "flat_line" in cfg:
        fl = cfg["flat_line"]
        if fl["suspect_duration"] >= 2 * step:
            persistence(
                "flat_line",
                C.flat_line_test(
                    x,
                    t_idx,
                    fl["suspect_duration"],
                    fl.get("fail_duration"),
                    fl.get("tolerance", 0.0),
                    mask=flat_mask,
                ),
                fl,
            )
    if "stuck_value" in cfg:
        sv = cfg["stuck_value"]
        persistence("stuck_value", C.stuck_value_test(x, t_idx, mask=flat_mask, **sv), sv)
    if an and ref is not None:
        add(
            "stuck_context",
            CX.stuck_context_test(x, t_idx, ref, **an, **sc, mask=mask),
            {**cfg["stuck_context"], **an},
        )
    if fz and nb is not None:
        dl = float(analyser.get("detection_limit") or 0.0)
        raise_dl = bool(fz.pop("raise_to_detection_limit", False))
        fz.pop("basis", None)
        add(
            "frozen_context",
            FZ.frozen_among_neighbours_test(
                x,
                t_idx,
                nb,
                float(analyser["resolution"]),
                dl if raise_dl else 0.0,
                mask=mask,
                **fz,
            ),
            {
                **cfg["frozen_context"],
                "resolution": float(analyser["resolution"]),
                "neighbours": nb.shape[1],
            },
        )
    if "detection_limit" in cfg:
        add(
            "detection_limit",
            C.detection_limit_test(x, t_idx, mask=mask, **cfg["detection_limit"]),
            cfg["detection_limit"],
        )
    if "mad" in cfg:
        m = cfg["mad"]
        w = _points(m["window_duration"], step) | 1
        if w >= 5:
            spike_type(
                "mad",
                C.mad_outlier_test(
                    x, w, m.get("suspect_z", 6.0), m.get("fail_z"), m.get("min_mad", 0.0), mask=mask
                ),
                m,
            )
    if "limit_hugging" in cfg and limit is not None:
        h = cfg["limit_hugging"]
        add(
            "limit_hugging",
            PT.limit_hugging_test(
                x,
                limit,
                _points(h["window_duration"], step),
                band=tuple(h["band"]),
                min_share=h["min_share"],
                mask=mask,
            ),
            {**h, "limit": limit},
        )
    if "repeated_daily" in cfg and step < 86400:
        r = cfg["repeated_daily"]
        add(
            "repeated_daily",
            PT.repeated_daily_sequence_test(
                x,
                t_idx,
                _points(r["min_duration"], step),
                tolerance=r.get("tolerance", 0.0),
                mask=mask,
            ),
            r,
        )
    if "o2_range" in cfg:
        add("o2_range", PT.o2_range_test(x, running, mask=mask, **cfg["o2_range"]), cfg["o2_range"])
    if "o2_shift" in cfg:
        o = cfg["o2_shift"]
        add(
            "o2_shift",
            PT.o2_shift_test(
                x,
                _points(o["window_duration"], step) | 1,
                _points(o["baseline_duration"], step),
                o["delta"],
                mask=mask,
            ),
            o,
        )
    return out


def aggregate_results(results: list[CheckResult], n: int) -> FlagArray:
    """Aggregate flag of each value over ``results`` (NOT_EVALUATED when there are none)."""
    if not results:
        return np.full(n, np.uint8(Flag.NOT_EVALUATED))
    return aggregate([r.flags for r in results])
