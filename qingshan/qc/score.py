"""Score the checks against the demo province's injected faults (ground truth).

Unit of scoring: one series-hour of hourly data. For each fault kind, a *detector* is the set
of checks (or the verdict) that is meant to find it; a series-hour inside a fault of that kind
that the detector flags is a hit. Hours inside a fault of another kind are neither hits nor
false alarms; hours outside every fault are *clean*.

- recall = fault hours detected / fault hours
- precision = hits / (hits + detector flags on clean hours)
- false-alarm rate = detector flags on clean hours / clean hours
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from qingshan.qc.flags import Flag
from qingshan.qc.judge import judge_outlet
from qingshan.qc.limits import resolve_limit
from qingshan.qc.rules import load_rulepack

__all__ = ["DETECTORS", "score_frames", "score_demo", "pack_for"]

#: fault kind → checks whose SUSPECT/FAIL detect it ("exceedance" and "gap" are verdicts)
DETECTORS: dict[str, frozenset[str]] = {
    "spike": frozenset({"spike", "relative_spike", "mad", "gross_range", "rate_of_change"}),
    "flat_line": frozenset({"flat_line", "stuck_value", "detection_limit"}),
    "calibration": frozenset({"hj212_flag"}),
    "o2_tamper": frozenset({"o2_shift", "o2_range", "o2_consistency", "flat_line"}),
    "exceedance": frozenset({"<exceeding>"}),
    "gap": frozenset({"<missing>"}),
}


def pack_for(site_kind: str, industry: str | None):
    """The rule pack an outlet or station is judged with."""
    if site_kind == "gas_outlet":
        return load_rulepack(
            industry if industry in ("thermal_power", "cement") else "thermal_power"
        )
    if site_kind == "water_outlet":
        return load_rulepack("paper")
    return load_rulepack("generic")


def _hours(start, end) -> pd.DatetimeIndex:
    return pd.date_range(
        pd.Timestamp(start).ceil("h"), pd.Timestamp(end), freq="h", inclusive="left"
    )


def score_frames(sites: list[dict], faults: pd.DataFrame, grid: pd.DatetimeIndex) -> dict:
    """Score a set of sites.

    Parameters
    ----------
    sites : dicts with ``frame`` (hourly long form: time, parameter, value, flag, series_id),
        ``kind``, ``industry``, ``source_type``, ``permit_limits`` (PermitLimit rows as dicts)
    faults : DataFrame series_id, kind, start, end (UTC, end exclusive)
    grid : the hourly axis the demo generated (for gaps)
    """
    fault_hours: dict[tuple[int, str], set] = defaultdict(set)
    any_fault: dict[int, set] = defaultdict(set)
    for f in faults.itertuples():
        hrs = set(_hours(f.start, f.end).as_unit("ns").asi8)
        fault_hours[(f.series_id, f.kind)] |= hrs
        any_fault[f.series_id] |= hrs
    kinds = sorted(set(faults["kind"])) if len(faults) else []
    tp = defaultdict(int)
    fn = defaultdict(int)
    fp = defaultdict(int)
    clean_hours = 0
    clean_any_flag = 0
    grid_ns = grid.as_unit("ns").asi8
    for site in sites:
        frame = site["frame"]
        if frame.empty:
            continue
        pack = pack_for(site["kind"], site.get("industry"))
        codes = frame["parameter"].unique()
        limits = {}
        for c in codes:
            lim = resolve_limit(
                c, site.get("permit_limits", ()), source_type=site.get("source_type")
            )
            if lim is not None:
                limits[c] = lim
        v = judge_outlet(
            frame[["time", "parameter", "value", "flag"]],
            pack=pack,
            limits=limits,
            source_type=site.get("source_type"),
            now=grid[-1] + pd.Timedelta(hours=1),
        )
        rt = v.row_flags
        sid_of_row = frame["series_id"].to_numpy()
        hour_ns = (
            pd.DatetimeIndex(pd.to_datetime(frame["time"], utc=True)).floor("h").as_unit("ns").asi8
        )
        # platform alarms: every check except the source's own HJ 212 flag (reported, not found)
        alarm = np.zeros(len(rt), bool)
        for c in rt.columns:
            if rt[c].dtype == np.uint8 and c not in ("aggregate_flag", "hj212_flag"):
                alarm |= np.isin(rt[c].to_numpy(), (Flag.SUSPECT, Flag.FAIL))
        detected = {}
        for kind, checks in DETECTORS.items():
            if kind == "exceedance":
                detected[kind] = (rt["exceedance"] == "exceeding").to_numpy()
            elif kind == "gap":
                detected[kind] = frame["value"].isna().to_numpy()
            else:
                cols = [c for c in checks if c in rt.columns]
                d = np.zeros(len(rt), bool)
                for c in cols:
                    d |= np.isin(rt[c].to_numpy(), (Flag.SUSPECT, Flag.FAIL))
                if kind == "o2_tamper":  # recorded on the O2 series
                    d &= (frame["parameter"] == "a19001").to_numpy()
                detected[kind] = d
        for sid in np.unique(sid_of_row):
            sel = sid_of_row == sid
            hrs = hour_ns[sel]
            present = set(hrs[~frame["value"].isna().to_numpy()[sel]])
            faulty = any_fault.get(int(sid), set())
            clean = ~np.isin(hrs, list(faulty)) if faulty else np.ones(hrs.size, bool)
            clean_hours += int(clean.sum()) + 0
            clean_any_flag += int((clean & (alarm[sel] | detected["exceedance"][sel])).sum())
            for kind in kinds:
                fh = fault_hours.get((int(sid), kind), set())
                det = detected[kind][sel]
                if kind == "gap":
                    missing_hours = set(grid_ns) - present
                    tp[kind] += len(fh & missing_hours)
                    fn[kind] += len(fh - missing_hours)
                    fp[kind] += int((clean & det).sum())
                    continue
                inside = np.isin(hrs, list(fh)) if fh else np.zeros(hrs.size, bool)
                tp[kind] += int((inside & det).sum())
                fn[kind] += len(fh) - int(inside.sum()) + int((inside & ~det).sum())
                fp[kind] += int((clean & det).sum())
    rows = []
    for kind in kinds:
        total = tp[kind] + fn[kind]
        rows.append(
            {
                "kind": kind,
                "faults": int((faults["kind"] == kind).sum()),
                "fault_hours": total,
                "recall": tp[kind] / total if total else 0.0,
                "precision": None if tp[kind] + fp[kind] == 0 else tp[kind] / (tp[kind] + fp[kind]),
                "false_alarm_rate": fp[kind] / clean_hours if clean_hours else 0.0,
            }
        )
    return {
        "kinds": rows,
        "clean_hours": clean_hours,
        "overall_false_alarm_rate": clean_any_flag / clean_hours if clean_hours else 0.0,
        "sites": len(sites),
    }


def score_demo(limit_sites: int | None = None, settings=None) -> dict:
    """Score against the demo province in the configured stores (``qingshan sim build``)."""
    from sqlalchemy import select

    from qingshan.archive.models import Enterprise, PermitLimit
    from qingshan.config import get_settings
    from qingshan.db.engine import get_engine, session_scope
    from qingshan.monitoring.models import Series, Site
    from qingshan.qc.errors import QCError
    from qingshan.sim.models import InjectedFault
    from qingshan.timeseries.store import ObservationStore

    settings = settings or get_settings()
    engine = get_engine(settings.db_url)
    store = ObservationStore(settings.observations_dir)
    with session_scope(engine) as s:
        faults = pd.DataFrame(
            [(f.series_id, f.kind, f.start, f.end) for f in s.scalars(select(InjectedFault))],
            columns=["series_id", "kind", "start", "end"],
        )
        if faults.empty:
            raise QCError("no injected faults: build the demo province first (qingshan sim build)")
        fault_sites = set(
            s.scalars(
                select(Series.site_id).where(Series.id.in_(faults["series_id"].unique().tolist()))
            )
        )
        rows = s.execute(
            select(Site, Enterprise.industry)
            .outerjoin(Enterprise, Site.enterprise_id == Enterprise.id)
            .where(Site.id.in_(fault_sites))
            .order_by(Site.id)
        ).all()
        if limit_sites:
            rows = rows[:limit_sites]
        meta = []
        for site, industry in rows:
            series = {
                x.id: x.parameter_code
                for x in s.scalars(
                    select(Series).where(Series.site_id == site.id, Series.period == "hour")
                )
            }
            pl = [
                {
                    "parameter_code": p.parameter_code,
                    "limit": p.limit,
                    "unit": p.unit,
                    "averaging": p.averaging,
                    "standard": p.standard,
                }
                for p in s.scalars(select(PermitLimit).where(PermitLimit.site_id == site.id))
            ]
            meta.append((site, None if industry is None else str(industry), series, pl))
    sites = []
    t_min, t_max = None, None
    for site, industry, series, pl in meta:
        if not series:
            continue
        obs = store.scan(list(series), None, None, period="hour", columns=["value", "source_flag"])
        obs["parameter"] = obs["series_id"].map(series)
        frame = pd.DataFrame(
            {
                "time": obs["time"],
                "parameter": obs["parameter"],
                "value": obs["value"],
                "flag": obs["source_flag"],
                "series_id": obs["series_id"],
            }
        )
        if len(frame):
            t_min = frame["time"].min() if t_min is None else min(t_min, frame["time"].min())
            t_max = frame["time"].max() if t_max is None else max(t_max, frame["time"].max())
        sites.append(
            {
                "frame": frame,
                "kind": str(site.kind),
                "industry": industry,
                "source_type": (site.attrs or {}).get("source_type"),
                "permit_limits": pl,
            }
        )
    grid = pd.date_range(t_min, t_max, freq="h")
    keep = faults["series_id"].isin(pd.concat([x["frame"]["series_id"] for x in sites]).unique())
    return score_frames(sites, faults[keep], grid)
