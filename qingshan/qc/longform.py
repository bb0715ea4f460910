"""QC of long-form data from any vendor's system: one row per (time, site, parameter, value).

Pure: a DataFrame in (``time`` tz-aware, ``site``, ``parameter`` as HJ 212-2017 code, ``value``,
optional ``flag``), a DataFrame out with one row per input row in input order: every check's
flag name, ``aggregate_flag``, validity and exceedance. Reading files is :mod:`.io`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qingshan.archive.limits import resolve_limit
from qingshan.qc import patterns as PT
from qingshan.qc.context import neighbour_reference, neighbour_sets
from qingshan.qc.errors import EmptySeries
from qingshan.qc.flags import Flag, FlagArray, aggregate, flag_names
from qingshan.qc.judge import judge_outlet
from qingshan.qc.marks import MarkInterval
from qingshan.qc.pipeline import step_seconds
from qingshan.qc.rules import RulePack

__all__ = ["check_long_frame", "station_context", "station_references"]

VERDICT_COLUMNS = ["valid", "period_valid", "converted", "exceedance", "multiple"]


def check_long_frame(
    df: pd.DataFrame,
    pack: RulePack,
    *,
    permit_limits: dict[str, float] | None = None,
    source_type: str | None = None,
    marks: dict[object, list[MarkInterval]] | None = None,
    now=None,
) -> pd.DataFrame:
    """Run ``pack`` over every site of ``df`` and return the per-row results (input order).

    Parameters
    ----------
    df : DataFrame with ``time`` (tz-aware), ``site``, ``parameter`` (HJ 212-2017 code),
        ``value`` [canonical unit], optional ``flag``.
    permit_limits : parameter code → limit [unit], applied to every site (else the national
        limit of ``source_type``, else none).
    marks : site → marks.
    now : reference time of the future-time check.
    """
    if len(df) == 0:
        raise EmptySeries("input")
    source_type = source_type or pack.source_type
    frame = df.reset_index(drop=True)
    codes = pd.unique(frame["parameter"].astype(str))
    limits = {}
    rows = [
        {"parameter_code": c, "limit": v, "standard": "permit (--limit)"}
        for c, v in (permit_limits or {}).items()
    ]
    for c in codes:
        lim = resolve_limit(c, rows, source_type=source_type)
        if lim is not None:
            limits[c] = lim
    refs, nbrs = station_context(frame, pack)
    parts = []
    for site, g in frame.groupby("site", sort=False):
        v = judge_outlet(
            g,
            pack=pack,
            marks=(marks or {}).get(site, ()),
            limits=limits,
            source_type=source_type,
            now=now,
            site=site,
            reference=refs.get(site),
            neighbours=nbrs.get(site),
        )
        rt = v.row_flags
        rt.index = g.index
        parts.append(rt)
    res = pd.concat(parts).reindex(frame.index)
    # a check one site ran and another did not (no PM10 to compare, no neighbours): not
    # evaluated there, and MISSING where the value is
    absent = frame["value"].isna().to_numpy()
    for c in res.columns:
        if c not in VERDICT_COLUMNS and res[c].isna().any():
            col = res[c].to_numpy(dtype=float)
            fill = np.where(absent, float(Flag.MISSING), float(Flag.NOT_EVALUATED))
            res[c] = np.where(np.isnan(col), fill, col).astype(np.uint8)
    copy = _copies(frame, pack)
    if copy is not None:
        res["cross_outlet_copy"] = copy
        flag_cols = [c for c in res.columns if c not in VERDICT_COLUMNS and c != "aggregate_flag"]
        res["aggregate_flag"] = aggregate([res[c].to_numpy(dtype=np.uint8) for c in flag_cols])
        dup = res["duplicate_time"].to_numpy() == Flag.FAIL
        res.loc[dup, "aggregate_flag"] = np.uint8(Flag.FAIL)
    flag_cols = [c for c in res.columns if c not in VERDICT_COLUMNS]
    out = frame.copy()
    for c in [c for c in flag_cols if c != "aggregate_flag"]:
        out[c] = flag_names(res[c].to_numpy(dtype=np.uint8))
    out["aggregate_flag"] = flag_names(res["aggregate_flag"].to_numpy(dtype=np.uint8))
    for c in VERDICT_COLUMNS:
        out[c] = res[c].to_numpy()
    return out


def station_references(frame: pd.DataFrame, pack: RulePack) -> dict[object, dict[str, pd.Series]]:
    """Each site's neighbours' median per parameter (site → code → Series over time): the
    references of :func:`station_context`."""
    return station_context(frame, pack)[0]


def station_context(
    frame: pd.DataFrame, pack: RulePack
) -> tuple[dict[object, dict[str, pd.Series]], dict[object, dict[str, pd.DataFrame]]]:
    """Each site's neighbours per parameter, from the other sites of ``frame``, for the
    parameters whose pack entry asks for regional context (``regional_context``: the ambient
    air parameters of the generic pack) and that at least three sites report.

    Returns
    -------
    (references, neighbours): site → code → the neighbours' median (Series over time,
    :func:`qingshan.qc.context.neighbour_reference`), and site → code → the neighbours' own
    values (DataFrame: time × neighbour site) for the frozen-run context
    (:mod:`qingshan.qc.frozen`) — one grouping (:func:`qingshan.qc.context.neighbour_sets`)
    for both. Empty for a frame of fewer than three sites.
    """
    refs: dict[object, dict[str, pd.Series]] = {}
    nbrs: dict[object, dict[str, pd.DataFrame]] = {}
    if frame["site"].nunique() < 3:
        return refs, nbrs
    t = pd.to_datetime(frame["time"], utc=True)
    key = pd.DataFrame(
        {"t": t, "site": frame["site"], "p": frame["parameter"].astype(str), "v": frame["value"]}
    )
    key = key[~key.duplicated(["t", "site", "p"])]
    for code, g in key.groupby("p", sort=False):
        cfg = pack.checks_for(str(code))
        ctx = cfg.get("regional_context")
        if ctx is None or g["site"].nunique() < 3:
            continue
        wide = g.pivot(index="t", columns="site", values="v").sort_index()
        analyser = cfg.get("analyser") or {}
        sets = neighbour_sets(
            wide,
            neighbours=int(ctx["neighbours"]),
            min_correlation=float(ctx["min_correlation"]),
            min_overlap=int(ctx.get("min_overlap", 48)),
            floor=float(analyser.get("resolution", 0.0)),
        )
        ref = neighbour_reference(wide, sets=sets)
        for j, site in enumerate(ref.columns):
            s = ref[site].dropna()
            if len(s):
                refs.setdefault(site, {})[str(code)] = s
            if "frozen_context" in cfg and sets[j].size >= 2:
                nbrs.setdefault(site, {})[str(code)] = wide.iloc[:, sets[j]]
    return refs, nbrs


def _copies(frame: pd.DataFrame, pack: RulePack) -> FlagArray | None:
    """``cross_outlet_copy`` flags per row (None with fewer than two sites)."""
    cfg = pack.checks_for("default").get("cross_outlet_copy")
    if cfg is None or frame["site"].nunique() < 2:
        return None
    out = np.full(len(frame), np.uint8(Flag.NOT_EVALUATED))
    t = pd.to_datetime(frame["time"], utc=True)
    key = pd.DataFrame(
        {"t": t, "site": frame["site"], "p": frame["parameter"].astype(str), "v": frame["value"]}
    )
    key = key[~key.duplicated(["t", "site", "p"])]
    for _code, g in key.groupby("p", sort=False):
        if g["site"].nunique() < 2:
            continue
        wide = g.pivot(index="t", columns="site", values="v").sort_index()
        step = step_seconds(wide.index)
        n = max(int(round(cfg["min_duration"] / step)), 2)
        flags = PT.cross_outlet_copy_test(
            wide.to_numpy(), n, min_distinct=int(cfg.get("min_distinct", 3))
        )
        long = pd.DataFrame(flags, index=wide.index, columns=wide.columns).stack()
        idx = pd.MultiIndex.from_arrays([g["t"], g["site"]])
        out[g.index.to_numpy()] = (
            long.reindex(idx).fillna(int(Flag.NOT_EVALUATED)).to_numpy(dtype=np.uint8)
        )
    return out
