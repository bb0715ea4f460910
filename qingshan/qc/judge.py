"""Judge one outlet: checks → aggregate flags → validity → converted means → exceedance → events.

Pure: a long-form frame of one site's values, its marks, the rule pack and the limits in; every
per-row flag and every verdict out. The same function serves ``qingshan qc check`` (files), the
stored, replayable verdicts (:mod:`qingshan.qc.service`) and the score against the demo's faults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from qingshan.archive.limits import convert_to_reference_o2, reference_o2
from qingshan.qc import ambient as AM
from qingshan.qc import checks as C
from qingshan.qc import patterns as PT
from qingshan.qc.exceedance import Event, Status, events_from_runs, judge_arrays
from qingshan.qc.flags import Flag, FlagArray, aggregate
from qingshan.qc.kernel import BoolArray, FloatArray, IntArray
from qingshan.qc.marks import STOP_KINDS, MarkInterval, mark_mask, validate_marks
from qingshan.qc.pipeline import CheckResult, check_series, step_seconds
from qingshan.qc.rules import RulePack
from qingshan.qc.validity import hourly_means, valid_values, water_daily_arrays
from qingshan.standards.pollutant_codes import FLOW_CODES, FLUE_TEMP_CODE, GAS_POLLUTANTS, O2_CODE
from qingshan.timeutil import CST

__all__ = ["SeriesVerdict", "OutletVerdict", "judge_outlet", "minute_validity"]

NE, P, S, F = (np.uint8(int(f)) for f in (Flag.NOT_EVALUATED, Flag.PASS, Flag.SUSPECT, Flag.FAIL))


@dataclass
class SeriesVerdict:
    """Everything judged for one parameter of one outlet (rows in time order)."""

    code: str
    rows: IntArray  # positions in the input frame, time order, first of duplicates only
    times: pd.DatetimeIndex
    values: FloatArray
    results: list[CheckResult]
    aggregate: FlagArray
    valid: BoolArray
    converted: FloatArray | None = None
    #: the periods' starts: UTC hours (gas) or naive CST days (water)
    period_index: pd.Index | None = None
    #: per period: ``mean`` [unit], ``valid``, (the means' counts), ``status``, ``limit``,
    #: ``multiple`` — as arrays; :attr:`periods` is the frame of them
    period_cols: dict[str, npt.NDArray[Any]] | None = field(default=None, repr=False)
    period_of_row: npt.NDArray[np.datetime64] | pd.DatetimeIndex | None = (
        None  # period start of each row
    )
    events: list[Event] = field(default_factory=list)
    limit: dict | None = None

    @cached_property
    def periods(self) -> pd.DataFrame | None:
        """Hour (gas) or day (water) means with their verdicts, indexed by period start; built
        when asked for (the stored verdict needs only :meth:`period_counts`)."""
        if self.period_cols is None:
            return None
        return pd.DataFrame(self.period_cols, index=self.period_index)

    def period_counts(self) -> tuple[int, int, int]:
        """(periods, valid periods, exceeding periods)."""
        cols = self.period_cols
        if cols is None:
            return 0, 0, 0
        return (
            int(len(cols["mean"])),
            int(np.sum(cols["valid"])),
            int(np.sum(cols["status"] == Status.EXCEEDING)),
        )


@dataclass
class OutletVerdict:
    site: object
    rule_version: str
    series: dict[str, SeriesVerdict]
    frame: pd.DataFrame = field(repr=False)  # the rows judged
    dup: BoolArray = field(repr=False)  # duplicated (parameter, time) rows after the first
    order_flag: FlagArray = field(repr=False)  # rows out of time order: SUSPECT

    @cached_property
    def row_flags(self) -> pd.DataFrame:
        """One row per input row (input index): each check + aggregate + verdicts; built when
        asked for (the stored verdict does not need it: ~10 % of a judgement)."""
        return _row_table(self.frame, self.series, self.dup, self.order_flag)


def _align(src_t: pd.DatetimeIndex, src_v: FloatArray, t: pd.DatetimeIndex) -> FloatArray:
    """Values of a series at exactly the times ``t`` (NaN where absent)."""
    return pd.Series(src_v, index=src_t).reindex(t).to_numpy(dtype="float64")


def judge_outlet(
    frame: pd.DataFrame,
    *,
    pack: RulePack,
    marks: Iterable[MarkInterval] = (),
    limits: Mapping[str, dict] | None = None,
    source_type: str | None = None,
    now=None,
    site: object = None,
    minutes: pd.DataFrame | None = None,
    reference: Mapping[str, pd.Series] | None = None,
    neighbours: Mapping[str, pd.DataFrame] | None = None,
) -> OutletVerdict:
    """Judge one outlet.

    Parameters
    ----------
    frame : DataFrame with ``time`` (tz-aware), ``parameter`` (HJ 212-2017 code), ``value``
        [canonical unit], optional ``flag`` (HJ 212 data flag) and ``received_at``. Any row order;
        duplicated (parameter, time) rows after the first are FAIL (``duplicate_time``) and not
        used; rows out of time order are SUSPECT (``timestamp_order``).
    pack : RulePack
    marks : enterprise marks of this outlet (validated: overlaps and inverted intervals raise)
    limits : parameter code → ``{"limit", "standard", "source", "reference_o2"}``
        (:func:`.limits.resolve_limit`; ``reference_o2`` [%] is what gas values are converted to)
    source_type : str or None — gives the reference O2 for gas pollutants
    now : datetime — reference time for the future-time check
    minutes : DataFrame or None — the outlet's minute data (HJ 212 CN 2051: ``time``,
        ``parameter``, ``value``, optional ``flag``) beside hourly ``frame``: each hour of a
        parameter they cover is valid only with ≥ ``hour_min_valid_minutes`` (45, HJ 75-2017)
        valid minutes (check ``minute_validity``: FAIL below, PASS at or above, not evaluated
        outside the minute data's span). A minute is valid when present, not flagged
        F/M/D/C/T/B and not inside an invalidating mark.
    reference : parameter code → Series (UTC time index) or None — an ambient station's
        neighbours' median per parameter (:func:`qingshan.qc.context.neighbour_reference`),
        for the context checks of the pack.
    neighbours : parameter code → DataFrame (UTC time index, one column per neighbour) or
        None — an ambient station's neighbours' own values
        (:func:`qingshan.qc.longform.station_context`), for the frozen-run context
        (:mod:`qingshan.qc.frozen`).
    """
    marks = validate_marks(marks)
    limits = dict(limits or {})
    invalid_kinds = set(pack.validity.get("invalidating_marks", ()))
    frame = frame.reset_index(drop=True) if not isinstance(frame.index, pd.RangeIndex) else frame
    t_all = pd.DatetimeIndex(pd.to_datetime(frame["time"], utc=True))
    codes = frame["parameter"].astype(str).to_numpy()
    dup = (
        pd.DataFrame({"p": codes, "t": t_all.as_unit("ns").asi8})
        .duplicated(keep="first")
        .to_numpy()
    )
    order_flag = np.full(len(frame), P)
    for code in pd.unique(codes):
        pos = np.flatnonzero(codes == code)
        tt = t_all.as_unit("ns").asi8[pos]
        prev_max = np.maximum.accumulate(np.concatenate(([np.iinfo(np.int64).min], tt[:-1])))
        order_flag[pos[tt < prev_max]] = S
    # sorted, de-duplicated series per parameter
    base: dict[str, tuple[IntArray, pd.DatetimeIndex, FloatArray]] = {}
    for code in pd.unique(codes):
        pos = np.flatnonzero((codes == code) & ~dup)
        pos = pos[np.argsort(t_all.as_unit("ns").asi8[pos], kind="stable")]
        base[code] = (pos, t_all[pos], frame["value"].to_numpy(dtype="float64")[pos])
    stopped_of = {c: mark_mask(b[1], marks, STOP_KINDS, parameter=c) for c, b in base.items()}
    verdicts: dict[str, SeriesVerdict] = {}
    for code, (pos, t, x) in base.items():
        flags_col = frame["flag"].to_numpy(dtype=object)[pos] if "flag" in frame else None
        rec = (
            pd.to_datetime(frame["received_at"], utc=True).to_numpy()[pos]
            if "received_at" in frame
            else None
        )
        inv = mark_mask(t, marks, invalid_kinds, parameter=code) if marks else None
        ref = None
        if reference is not None and code in reference:
            ref = _align(pd.DatetimeIndex(reference[code].index), reference[code].to_numpy(), t)
        nb = None
        if neighbours is not None and code in neighbours:
            w = neighbours[code]
            nb = w.set_axis(pd.DatetimeIndex(w.index), axis=0).reindex(t).to_numpy(dtype="float64")
        results = check_series(
            t,
            x,
            code=code,
            pack=pack,
            source_flags=flags_col,
            marked_invalid=inv,
            received_at=rec,
            now=now,
            running=~stopped_of[code],
            reference=ref,
            neighbours=nb,
        )
        if minutes is not None and len(minutes):
            mv = minute_validity(minutes, code, t, pack, marks, invalid_kinds)
            if mv is not None:
                results.append(mv)
        verdicts[code] = SeriesVerdict(
            code, pos, t, x, results, np.empty(0, np.uint8), np.empty(0, bool)
        )
    _cross_checks(verdicts, base, stopped_of, pack)
    _ambient_checks(verdicts, pack)
    for v in verdicts.values():
        for r in v.results:
            r.flags[np.isnan(v.values)] = np.uint8(Flag.MISSING)
        v.aggregate = (
            aggregate([r.flags for r in v.results]) if v.results else np.full(v.values.size, NE)
        )
        v.valid = valid_values(v.values, v.aggregate)
    for code, v in verdicts.items():
        _periods(v, verdicts, pack, limits.get(code), source_type)
    _o2_consistency(verdicts, pack)
    return OutletVerdict(site, pack.version, verdicts, frame, dup, order_flag)


#: HJ 212-2017 data flags that make a minute invalid
INVALID_MINUTE_FLAGS = frozenset("FMDCTB")


def minute_validity(
    minutes: pd.DataFrame,
    code: str,
    hours: pd.DatetimeIndex,
    pack: RulePack,
    marks=(),
    invalid_kinds=(),
) -> CheckResult | None:
    """HJ 75-2017 minute → hour validity of the hourly values of ``code`` at ``hours``.

    An hour counts its valid minutes (each value counts for the minute data's sampling step);
    FAIL with fewer than the pack's ``hour_min_valid_minutes`` (45), PASS otherwise. Only hours
    that lie wholly inside the span of the minute data (first to last minute value + step) are
    evaluated: an hour whose minutes were never kept is not evaluated, an hour inside the span
    with minutes missing is short of them. None when ``minutes`` hold nothing of ``code``.
    """
    m = minutes[minutes["parameter"].astype(str) == code]
    if m.empty:
        return None
    mt = pd.DatetimeIndex(pd.to_datetime(m["time"], utc=True))
    order = np.argsort(mt.as_unit("ns").asi8, kind="stable")
    mt = mt[order]
    keep = ~mt.duplicated()
    mt = mt[keep]
    x = m["value"].to_numpy(dtype="float64")[order][keep]
    ok = np.isfinite(x)
    if "flag" in m:
        fl = m["flag"].to_numpy(dtype=object)[order][keep]
        ok &= ~np.isin(fl.astype(str), list(INVALID_MINUTE_FLAGS))
    if marks:
        ok &= ~mark_mask(mt, marks, set(invalid_kinds), parameter=code)
    step = step_seconds(mt) if mt.size > 1 else 60.0
    need = int(pack.validity.get("hour_min_valid_minutes", 45))
    per = hourly_means(mt, x, ok, min_valid_minutes=need, step_seconds=step)
    h = pd.DatetimeIndex(hours).floor("h")
    vm = per["valid_minutes"].reindex(h).fillna(0.0).to_numpy()
    covered = (h >= mt[0]) & (h + pd.Timedelta(hours=1) <= mt[-1] + pd.Timedelta(seconds=step))
    f = np.where(~covered, NE, np.where(vm >= need, P, F)).astype(np.uint8)
    return CheckResult(
        "minute_validity",
        f,
        {"min_valid_minutes": need, "step_seconds": step, "source": "HJ 75-2017"},
        pack.version,
    )


def _cross_checks(verdicts, base, stopped_of, pack) -> None:
    """O2 / flow / flue temperature against the unit's state, added to each series' results."""
    ver = pack.version
    stop = dict(pack.stop)
    for code, v in verdicts.items():
        t = v.times
        stopped = stopped_of[code]
        if not stopped.any():
            continue
        aux = {
            k: _align(base[k][1], base[k][2], t) if k in base else None
            for k in (*FLOW_CODES, FLUE_TEMP_CODE, O2_CODE)
        }
        flow = next((aux[k] for k in FLOW_CODES if aux[k] is not None), None)
        f = PT.stopped_but_running_test(
            stopped,
            flow,
            aux[FLUE_TEMP_CODE],
            aux[O2_CODE],
            stop_flow_limit=stop.get("stop_flow_limit"),
            temp_limit=stop.get("temp_limit"),
            o2_running_max=stop.get("o2_running_max", 19.0),
        )
        v.results.append(CheckResult("stopped_but_running", np.asarray(f, np.uint8), stop, ver))
    for code in FLOW_CODES:
        if code in verdicts and "min_running_flow" in stop:
            v = verdicts[code]
            f = PT.flow_state_test(v.values, ~stopped_of[code], stop["min_running_flow"])
            v.results.append(CheckResult("flow_state", np.asarray(f, np.uint8), stop, ver))


#: two-parameter checks of an ambient station: name → (function, takes the times)
AMBIENT_PAIR_CHECKS: dict[str, tuple[Callable[..., Any], bool]] = {
    "pm_inversion": (AM.pm_inversion_test, False),
    "no2_above_nox": (AM.no2_above_nox_test, False),
    "night_titration": (AM.night_titration_test, True),
}


def _failed(v: SeriesVerdict) -> BoolArray:
    out = np.zeros(v.values.size, bool)
    for r in v.results:
        out |= r.flags == F
    return out


def _ambient_checks(verdicts: dict[str, SeriesVerdict], pack: RulePack) -> None:
    """PM2.5 against PM10, NO2 against NOx, O3 against NO2 at night (:mod:`.ambient`): each
    configured on its first parameter with the ``partner`` code; the hour's flag goes on both
    series (either analyser may be wrong). Values already FAIL on either side are not used."""
    for code, v in list(verdicts.items()):
        cfg = pack.checks_for(code)
        for name, (fn, timed) in AMBIENT_PAIR_CHECKS.items():
            if name not in cfg:
                continue
            params = {k: x for k, x in cfg[name].items() if k not in ("partner", "basis")}
            partner = cfg[name]["partner"]
            pv = verdicts.get(partner)
            if pv is None or pv is v:
                continue
            other = _align(pv.times, np.where(_failed(pv), np.nan, pv.values), v.times)
            if "night_hours" in params:
                params["night_hours"] = tuple(params["night_hours"])
            args = (v.values, other, v.times) if timed else (v.values, other)
            f = np.asarray(fn(*args, **params, mask=_failed(v)), dtype=np.uint8)
            v.results.append(CheckResult(name, f, dict(cfg[name]), pack.version))
            on_partner = (
                pd.Series(f, index=v.times).reindex(pv.times).fillna(int(NE)).to_numpy(np.uint8)
            )
            on_partner[on_partner == np.uint8(Flag.MISSING)] = NE  # the first one was missing
            pv.results.append(CheckResult(name, on_partner, dict(cfg[name]), pack.version))


def _floor_hour(t: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """``t.floor("h")``, in integer arithmetic for a UTC index (the same values, without
    pandas' rounding machinery: ~5 % of a judgement)."""
    if str(t.tz) != "UTC" or t.hasnans:
        return t.floor("h")
    per_hour = {"s": 3600, "ms": 3_600_000, "us": 3_600_000_000, "ns": 3_600_000_000_000}[t.unit]
    i = t.asi8
    return pd.DatetimeIndex(i - i % per_hour, dtype=t.dtype, name=t.name)


def _periods(v: SeriesVerdict, verdicts, pack: RulePack, limit: dict | None, source_type) -> None:
    """Period means, conversion, judgement and events for one series."""
    step = step_seconds(v.times) if v.times.size > 1 else 3600.0
    water = pack.medium == "water" or v.code.startswith("w")
    x, valid = v.values, v.valid
    if not water and v.code in GAS_POLLUTANTS and O2_CODE in verdicts:
        o2v = verdicts[O2_CODE]
        o2 = _align(o2v.times, np.where(o2v.valid, o2v.values, np.nan), v.times)
        ref = (limit or {}).get("reference_o2")
        if ref is None:
            ref = reference_o2(source_type or pack.source_type)
        if ref is not None:
            v.converted = np.asarray(convert_to_reference_o2(x, o2, ref), dtype="float64")
            x = v.converted
            valid = valid & ~np.isnan(x)
    vd = pack.validity
    lim = None if limit is None else limit["limit"]
    index: pd.Index
    cols: dict[str, npt.NDArray[Any]]
    if water:
        if step < 86400:
            flow_code = next((c for c in FLOW_CODES if c in verdicts and c != v.code), None)
            q = None
            if flow_code:
                fv = verdicts[flow_code]
                q = _align(fv.times, np.where(fv.valid, fv.values, np.nan), v.times)
            index, cols = water_daily_arrays(
                v.times, x, valid, q, min_valid=int(vd.get("water_day_min_valid", 4))
            )
        else:
            index = v.times.tz_convert(CST).floor("D").tz_localize(None)
            cols = {"mean": np.where(valid, x, np.nan), "valid": valid}
        v.period_of_row = v.times.tz_convert(CST).floor("D").tz_localize(None).to_numpy()
        period = pd.Timedelta(days=1)
        starts = pd.DatetimeIndex(index).tz_localize(CST).tz_convert("UTC")
    else:
        hours = _floor_hour(v.times)
        if step < 3600:
            per = hourly_means(
                v.times,
                x,
                valid,
                min_valid_minutes=int(vd.get("hour_min_valid_minutes", 45)),
                step_seconds=step,
            )
            index, cols = per.index, {c: per[c].to_numpy() for c in per.columns}
        else:  # one period per row; a repeated hour counts once (its first row)
            first = ~hours.duplicated()
            index = hours[first]
            cols = {"mean": np.where(valid, x, np.nan)[first], "valid": valid[first]}
        v.period_of_row = hours  # stays a UTC index: no object detour
        period = pd.Timedelta(hours=1)
        starts = pd.DatetimeIndex(index)
    # the verdict's columns as arrays: a frame per series (``judge``'s, then one with every
    # column) was ~40 % of a judgement; :attr:`SeriesVerdict.periods` builds it when asked
    cols["status"], cols["limit"], cols["multiple"] = judge_arrays(cols["mean"], cols["valid"], lim)
    v.period_index, v.period_cols, v.limit = index, cols, limit
    if lim is not None:
        ev = pack.events
        v.events = events_from_runs(
            starts,
            cols["status"],
            cols["mean"],
            lim,
            period=period,
            min_points=int(ev.get("min_points", 1)),
            max_gap_points=int(ev.get("max_gap_points", 0)),
        )
        hug = pack.checks_for(v.code).get("limit_hugging")
        if hug is not None and len(index) > 1:
            w = max(int(round(hug["window_duration"] / period.total_seconds())), 2)
            pf = PT.limit_hugging_test(
                cols["mean"],
                lim,
                w,
                band=tuple(hug["band"]),
                min_share=hug["min_share"],
                max_cv=hug.get("max_cv"),
                min_valid_share=hug.get("min_valid_share", 1.0),
            )
            pf = np.where(pf == Flag.MISSING, NE, pf).astype(np.uint8)
            # each row's period's flag (NOT_EVALUATED where the row's period has none)
            at = pd.Index(index).get_indexer(pd.Index(v.period_of_row))
            row_f = np.where(at >= 0, pf[at], NE)
            row_f = np.where(np.isnan(v.values), np.uint8(Flag.MISSING), row_f).astype(np.uint8)
            v.results.append(
                CheckResult("limit_hugging", row_f, {**hug, "limit": lim}, pack.version)
            )
            v.aggregate = aggregate([r.flags for r in v.results])
        cap = pack.checks_for(v.code).get("ceiling")
        if cap is not None and v.values.size > 1:
            row_step = step_seconds(v.times)
            w = max(int(round(cap["window_duration"] / row_step)), int(cap["min_count"]))
            y = v.converted if v.converted is not None else v.values
            f = np.asarray(
                PT.ceiling_test(
                    y,
                    lim,
                    w,
                    band=tuple(cap["band"]),
                    tolerance_share=cap["tolerance_share"],
                    min_count=int(cap["min_count"]),
                ),
                np.uint8,
            )
            f = np.where(np.isnan(v.values), np.uint8(Flag.MISSING), f).astype(np.uint8)
            v.results.append(CheckResult("ceiling", f, {**cap, "limit": lim}, pack.version))
            v.aggregate = aggregate([r.flags for r in v.results])


def _o2_consistency(verdicts: dict[str, SeriesVerdict], pack: RulePack) -> None:
    """O2 against the pollutant: a converted concentration held within ``tolerance_share`` of
    the limit for ``duration`` while the measured one moves is the fingerprint of a reported O2
    adjusted to fit (O2 篡改, qc-rules.md §9). SUSPECT on the pollutant (``converted_flat``) and
    on the O2 series at the same times (``o2_consistency``)."""
    cfg = pack.checks_for(O2_CODE).get("o2_consistency")
    if cfg is None or O2_CODE not in verdicts:
        return
    o2v = verdicts[O2_CODE]
    hits = np.zeros(o2v.times.size, bool)
    for _code, v in verdicts.items():
        if v.converted is None or v.limit is None:
            continue
        tol = cfg["tolerance_share"] * v.limit["limit"]
        f = C.flat_line_test(v.converted, v.times, cfg["duration"], None, tol)
        raw_flat = C.flat_line_test(v.values, v.times, cfg["duration"], None, tol)
        f = np.where(
            (f == S) & (raw_flat != S), S, np.where(np.isnan(v.values), np.uint8(Flag.MISSING), P)
        ).astype(np.uint8)
        v.results.append(
            CheckResult("converted_flat", f, {**cfg, "limit": v.limit["limit"]}, pack.version)
        )
        v.aggregate = aggregate([r.flags for r in v.results])
        at = (
            pd.Series(f == S, index=v.times)
            .reindex(o2v.times, fill_value=False)
            .to_numpy(dtype=bool)
        )
        hits |= at
    # only where O2 sits below its own month: the converted value was made to fit by a lower O2
    step = step_seconds(o2v.times) if o2v.times.size > 1 else 3600.0
    w = max(int(round(cfg.get("baseline_duration", 2592000) / step)), 2)
    if o2v.values.size < w // 4:  # fewer values than the median needs: no baseline anywhere
        base = np.full(o2v.values.size, np.nan)
    else:
        base = (
            pd.Series(np.where(o2v.valid, o2v.values, np.nan))
            .rolling(w, min_periods=w // 4)
            .median()
            .to_numpy()
        )
    with np.errstate(invalid="ignore"):
        dropped = (base - o2v.values) > cfg.get("min_drop", 1.0)
    f = np.where(hits & dropped, S, P).astype(np.uint8)
    f[np.isnan(o2v.values)] = np.uint8(Flag.MISSING)
    o2v.results.append(CheckResult("o2_consistency", f, cfg, pack.version))
    o2v.aggregate = aggregate([r.flags for r in o2v.results])


def _row_table(
    frame: pd.DataFrame, verdicts: dict[str, SeriesVerdict], dup: BoolArray, order_flag: FlagArray
) -> pd.DataFrame:
    n = len(frame)
    names: list[str] = []
    for v in verdicts.values():
        for r in v.results:
            if r.name not in names:
                names.append(r.name)
    cols = {
        name: np.full(n, NE, dtype=np.uint8)
        for name in ["duplicate_time", "timestamp_order", *names]
    }
    cols["duplicate_time"] = np.where(dup, F, P).astype(np.uint8)
    cols["timestamp_order"] = order_flag.astype(np.uint8)
    extra = {
        "valid": np.zeros(n, bool),
        "converted": np.full(n, np.nan),
        "period_valid": np.full(n, None, dtype=object),
        "exceedance": np.full(n, "", dtype=object),
        "multiple": np.full(n, np.nan),
    }
    for v in verdicts.values():
        for r in v.results:
            cols[r.name][v.rows] = r.flags
        extra["valid"][v.rows] = v.valid
        if v.converted is not None:
            extra["converted"][v.rows] = v.converted
        if v.periods is not None:
            per = v.periods.reindex(v.period_of_row)
            extra["period_valid"][v.rows] = per["valid"].to_numpy()
            extra["exceedance"][v.rows] = per["status"].to_numpy()
            extra["multiple"][v.rows] = per["multiple"].to_numpy()
    # missing values: MISSING from every check that saw them
    value = frame["value"].to_numpy(dtype="float64")
    out = pd.DataFrame(cols, index=frame.index)
    out.loc[np.isnan(value) & ~dup, :] = np.uint8(Flag.MISSING)
    out["aggregate_flag"] = aggregate([out[c].to_numpy() for c in out.columns])
    out.loc[dup, "aggregate_flag"] = F
    for k, arr in extra.items():
        out[k] = arr
    return out
