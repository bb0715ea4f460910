"""Score the checks against the demo province's injected faults (ground truth).

Unit of scoring: one series-hour of hourly data. For each fault kind, a *detector* is the set
of checks (or the verdict) that is meant to find it; a series-hour inside a fault of that kind
that the detector flags is a hit. Hours inside a fault of another kind are neither hits nor
false alarms; hours outside every fault are *clean*. Kinds include the demo's built-in fraud patterns
(``limit_hugging``: 贴限 outlets over their whole series; ``capped``: the hours an outlet's value
was held at its cap), so hours of those patterns are not clean and their findings no false alarms.

- recall = fault hours detected / fault hours
- precision = hits / (hits + detector flags on clean hours)
- false-alarm rate = detector flags on clean hours / clean hours
- overall false-alarm rate = clean hours flagged by any platform check or an exceedance verdict
  (HJ 212 source flags excluded), with the share of each check in ``false_alarms_by_check``
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from sqlalchemy import select

from qingshan.archive.limits import resolve_limit
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.monitoring.models import Series, Site, SiteKind
from qingshan.qc.errors import QCError
from qingshan.qc.flags import Flag
from qingshan.qc.jobs import load_outlets, read_frames
from qingshan.qc.judge import judge_outlet
from qingshan.qc.longform import station_context
from qingshan.qc.service import rulepack_for
from qingshan.sim.models import InjectedFault
from qingshan.timeseries.store import ObservationStore

__all__ = ["DETECTORS", "air_references", "score_frames", "score_demo"]

#: fault kind → checks whose SUSPECT/FAIL detect it ("exceedance" and "gap" are verdicts)
DETECTORS: dict[str, frozenset[str]] = {
    "spike": frozenset(
        {"spike", "relative_spike", "mad", "gross_range", "rate_of_change", "neighbour_spike"}
    ),
    "flat_line": frozenset(
        {"flat_line", "stuck_value", "detection_limit", "stuck_context", "zero_run"}
    ),
    "calibration": frozenset({"hj212_flag"}),
    "o2_tamper": frozenset({"o2_shift", "o2_range", "o2_consistency", "flat_line"}),
    "exceedance": frozenset({"<exceeding>"}),
    "gap": frozenset({"<missing>"}),
    # patterns the demo builds into outlet values (recorded by sim.faults.record_patterns)
    "limit_hugging": frozenset({"limit_hugging"}),
    "capped": frozenset({"converted_flat", "flat_line", "stuck_value", "ceiling"}),
    # ambient stations (sim.faults.inject_ambient)
    "stuck_zero": frozenset({"zero_run", "flat_line", "stuck_value", "stuck_context"}),
    "pm_inversion": frozenset({"pm_inversion"}),
    "night_titration": frozenset({"night_titration"}),
    "range_limit": frozenset({"range_limit", "gross_range"}),
}


def _hours(start, end) -> pd.DatetimeIndex:
    return pd.date_range(
        pd.Timestamp(start).ceil("h"), pd.Timestamp(end), freq="h", inclusive="left"
    )


def _fault_hours(faults: pd.DataFrame) -> dict[tuple[int, str], np.ndarray]:
    """(series id, kind) → the hour starts [ns] inside faults of that kind (sorted, unique)."""
    out: dict[tuple[int, str], list] = defaultdict(list)
    for sid, kind, start, end in faults[["series_id", "kind", "start", "end"]].itertuples(
        index=False
    ):
        out[(int(sid), kind)].append(_hours(start, end).as_unit("ns").asi8)
    return {k: np.unique(np.concatenate(v)) for k, v in out.items()}


#: checks that judge two parameters of a station together (:mod:`qingshan.qc.ambient`)
PAIR_CHECKS = frozenset({"pm_inversion", "no2_above_nox", "night_titration"})


def _partner_faulty(sid_of_row: np.ndarray, hour_ns: np.ndarray, fh: dict) -> np.ndarray:
    """True on rows outside every fault of their own series whose hour is inside a fault of
    another series of the site."""
    by_sid: dict[int, list] = defaultdict(list)
    for (sid, _k), hrs in fh.items():
        by_sid[sid].append(hrs)
    own = {sid: np.unique(np.concatenate(h)) for sid, h in by_sid.items()}
    out = np.zeros(sid_of_row.size, bool)
    for sid in np.unique(sid_of_row):
        rows = sid_of_row == sid
        others = [h for s, h in own.items() if s != int(sid)]
        if not others:
            continue
        hrs = hour_ns[rows]
        mine = own.get(int(sid), np.empty(0, np.int64))
        out[rows] = np.isin(hrs, np.concatenate(others)) & ~np.isin(hrs, mine)
    return out


def _score_site(site: dict, faults: pd.DataFrame, kinds: list[str], grid_ns: np.ndarray, end):
    """Counts of one site: {kind: (tp, fn, fp)}, clean hours, clean hours with any alarm."""
    frame = site["frame"]
    # the pack QC judges this site with (one choice: qingshan.qc.rules.rulepack_for), in its
    # newest version: the whole demo year is judged at once
    pack = rulepack_for(site["kind"], site.get("industry"))
    limits = {}
    for c in frame["parameter"].unique():
        lim = resolve_limit(
            c,
            site.get("permit_limits", ()),
            source_type=site.get("source_type"),
            archive_reference_o2=site.get("reference_o2"),
        )
        if lim is not None:
            limits[c] = lim
    v = judge_outlet(
        frame[["time", "parameter", "value", "flag"]],
        pack=pack,
        limits=limits,
        source_type=site.get("source_type"),
        now=end,
        reference=site.get("reference"),
        neighbours=site.get("neighbours"),
    )
    rt = v.row_flags
    sid_of_row = frame["series_id"].to_numpy()
    hour_ns = (
        pd.DatetimeIndex(pd.to_datetime(frame["time"], utc=True)).floor("h").as_unit("ns").asi8
    )
    bad = (np.uint8(Flag.SUSPECT), np.uint8(Flag.FAIL))
    flagged = {
        c: np.isin(rt[c].to_numpy(), bad)
        for c in rt.columns
        if rt[c].dtype == np.uint8 and c != "aggregate_flag"
    }
    fh = _fault_hours(faults)
    # a two-parameter check judges the pair: on a clean row whose partner hour is faulty (a
    # PM2.5 spike makes PM10 look low), its flag is the partner's fault, not a false alarm
    excused = _partner_faulty(sid_of_row, hour_ns, fh)
    for c in PAIR_CHECKS & set(flagged):
        flagged[c] = flagged[c] & ~excused
    # platform alarms: every check except the source's own HJ 212 flag (reported, not found)
    alarm = np.zeros(len(rt), bool)
    for c, f in flagged.items():
        if c != "hj212_flag":
            alarm |= f
    isnan = frame["value"].isna().to_numpy()
    detected = {}
    for kind, checks in DETECTORS.items():
        if kind == "exceedance":
            detected[kind] = (rt["exceedance"] == "exceeding").to_numpy()
        elif kind == "gap":
            detected[kind] = isnan
        else:
            d = np.zeros(len(rt), bool)
            for c in checks:
                if c in flagged:
                    d |= flagged[c]
            if kind == "o2_tamper":  # recorded on the O2 series
                d &= (frame["parameter"] == "a19001").to_numpy()
            detected[kind] = d
    counts = {k: [0, 0, 0] for k in kinds}
    clean_hours = clean_any = 0
    by_check: dict[str, int] = defaultdict(int)
    clean_rows = np.zeros(len(rt), bool)
    any_fault: dict[int, list] = defaultdict(list)
    for (sid, _k), hrs in fh.items():
        any_fault[sid].append(hrs)
    order = np.argsort(sid_of_row, kind="stable")
    bounds = np.flatnonzero(np.diff(sid_of_row[order])) + 1
    for sel in np.split(order, bounds):
        if sel.size == 0:
            continue
        sid = int(sid_of_row[sel[0]])
        hrs = hour_ns[sel]
        faulty = np.concatenate(any_fault[sid]) if sid in any_fault else np.empty(0, np.int64)
        clean = ~np.isin(hrs, faulty)
        clean_rows[sel] = clean
        clean_hours += int(clean.sum())
        clean_any += int((clean & (alarm[sel] | detected["exceedance"][sel])).sum())
        for kind in kinds:
            f_hrs = fh.get((sid, kind))
            det = detected[kind][sel]
            c = counts[kind]
            c[2] += int((clean & det).sum())
            if f_hrs is None:
                continue
            if kind == "gap":
                present = hrs[~isnan[sel]]
                missing = np.isin(f_hrs, grid_ns) & ~np.isin(f_hrs, present)
                c[0] += int(missing.sum())
                c[1] += int(f_hrs.size - missing.sum())
                continue
            inside = np.isin(hrs, f_hrs)
            hit = int((inside & det).sum())
            c[0] += hit
            c[1] += int(f_hrs.size) - hit
    for c, f in flagged.items():
        if c != "hj212_flag":
            by_check[c] += int((clean_rows & f).sum())
    by_check["<exceeding>"] += int((clean_rows & detected["exceedance"]).sum())
    return counts, clean_hours, clean_any, dict(by_check)


def _score_site_job(args):
    return _score_site(*args)


def score_frames(
    sites: list[dict], faults: pd.DataFrame, grid: pd.DatetimeIndex, *, workers: int = 1
) -> dict:
    """Score a set of sites.

    Parameters
    ----------
    sites : dicts with ``frame`` (hourly long form: time, parameter, value, flag, series_id),
        ``kind``, ``industry``, ``source_type``, ``permit_limits`` (PermitLimit rows as dicts),
        optional ``reference_o2`` (the archive's) and ``reference`` (an air station's
        neighbours' median per parameter, :func:`air_references`) and ``neighbours`` (its
        neighbours' own values per parameter, for the frozen-run context)
    faults : DataFrame series_id, kind, start, end (UTC, end exclusive)
    grid : the hourly axis the demo generated (for gaps)
    workers : processes judging sites in parallel (0: one per CPU, at most 8)
    """
    kinds = sorted(set(faults["kind"])) if len(faults) else []
    grid_ns = grid.as_unit("ns").asi8
    end = grid[-1] + pd.Timedelta(hours=1)
    by_series = {sid: g for sid, g in faults.groupby("series_id")}
    tasks = []
    for site in sites:
        if site["frame"].empty:
            continue
        sids = pd.unique(site["frame"]["series_id"])
        f = [by_series[x] for x in sids if x in by_series]
        sf = pd.concat(f) if f else faults.iloc[:0]
        tasks.append((site, sf, kinds, grid_ns, end))
    if workers == 0:
        workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as ex:
            results = list(ex.map(_score_site_job, tasks, chunksize=4))
    else:
        results = [_score_site(*t) for t in tasks]
    tp: defaultdict[str, int] = defaultdict(int)
    fn: defaultdict[str, int] = defaultdict(int)
    fp: defaultdict[str, int] = defaultdict(int)
    clean_hours = clean_any_flag = 0
    by_check: dict[str, int] = defaultdict(int)
    for counts, ch, ca, bc in results:
        clean_hours += ch
        clean_any_flag += ca
        for c, k in bc.items():
            by_check[c] += k
        for k, (a, b, c) in counts.items():
            tp[k] += a
            fn[k] += b
            fp[k] += c
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
        # which checks fire on clean hours (share of clean series-hours), largest first
        "false_alarms_by_check": {
            c: k / clean_hours if clean_hours else 0.0
            for c, k in sorted(by_check.items(), key=lambda kv: -kv[1])
            if k
        },
        "sites": len(sites),
    }


def air_references(frames: dict[int, pd.DataFrame], kinds: dict[int, str]) -> tuple[dict, dict]:
    """Each air station's neighbours' median per parameter and the neighbours' own values
    (site id → code → Series / DataFrame), from every air station of the province
    (:func:`qingshan.qc.longform.station_context`, the context ``qc check`` gives the stations
    of a file), with the generic pack's parameters."""
    air = [sid for sid, k in kinds.items() if k == "air_station" and sid in frames]
    if len(air) < 3:
        return {}, {}
    long = pd.concat(
        [frames[sid][["time", "parameter", "value"]].assign(site=sid) for sid in air],
        ignore_index=True,
    )
    return station_context(long, rulepack_for("air_station", None))


def score_demo(limit_sites: int | None = None, settings=None, *, workers: int = 0) -> dict:
    """Score against the demo province in the configured stores (``qingshan sim build``).

    Observations are read in bulk, one store scan per stream (:func:`qingshan.qc.jobs.read_frames`);
    outlets are judged in ``workers`` processes (0: one per CPU, at most 8; 1: in process). Air
    stations are judged with their neighbours' context (:func:`air_references`), read from every
    air station of the province, those without faults included.
    """
    settings = settings or get_settings()
    engine = get_engine(settings.db_url)
    store = ObservationStore(settings.observations_dir)
    with session_scope(engine) as s:
        faults = pd.DataFrame(
            s.execute(
                select(
                    InjectedFault.series_id,
                    InjectedFault.kind,
                    InjectedFault.start,
                    InjectedFault.end,
                )
            ).all(),
            columns=["series_id", "kind", "start", "end"],
        )
        if faults.empty:
            raise QCError("no injected faults: build the demo province first (qingshan sim build)")
        fault_sites = sorted(
            set(
                s.scalars(
                    select(Series.site_id).where(
                        Series.id.in_(faults["series_id"].unique().tolist())
                    )
                )
            )
        )
        if limit_sites:
            fault_sites = fault_sites[:limit_sites]
        metas = load_outlets(s, fault_sites)
        air_ids = sorted(
            set(s.scalars(select(Site.id).where(Site.kind == SiteKind.AIR_STATION)))
            - set(fault_sites)
        )
        context = load_outlets(s, air_ids, kinds=("air_station",)) if air_ids else []
    frames = read_frames(store, [*metas, *context], None, None)
    refs, nbrs = air_references(frames, {m.site_id: m.kind for m in [*metas, *context]})
    sites = [
        {
            "frame": frames[m.site_id],
            "kind": m.kind,
            "industry": m.industry,
            "source_type": m.source_type,
            "permit_limits": m.permit_limits,
            "reference_o2": m.reference_o2,
            "reference": refs.get(m.site_id),
            "neighbours": nbrs.get(m.site_id),
        }
        for m in metas
        if m.site_id in frames
    ]
    t_min = min(x["frame"]["time"].min() for x in sites)
    t_max = max(x["frame"]["time"].max() for x in sites)
    grid = pd.date_range(t_min, t_max, freq="h")
    keep = faults["series_id"].isin(pd.concat([x["frame"]["series_id"] for x in sites]).unique())
    return score_frames(sites, faults[keep], grid, workers=workers)
