"""What the remote-sensing and OBD pages show, read from the store (issue #21): the sites with
their readings, validity share and exceedance rate, the repeat high emitters; the OBD fleet, its
NOx distribution, the SCR-failure and gap trucks with their evidence. Scoped by the viewer's
region (a site's region; a truck's registered region).

Exceedance rate (reference vehicles.md §3, a platform definition): vehicles judged non-compliant
by the repeat rule (§1 [MC]: the same pollutant over on 2 consecutive valid readings within 6
natural months) ÷ vehicles with valid readings. Per site: the non-compliant plates with a valid
reading at the site ÷ the plates with a valid reading there. The rule runs over every reading of
the window (a plate's readings at all sites), then the scope picks the sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from qingshan.accounts.scope import Scope
from qingshan.geo.regions import scope_prefix
from qingshan.vehicles import obd as obd_checks
from qingshan.vehicles import remote_sensing as rsr
from qingshan.vehicles.store import VehicleStore

__all__ = ["RSView", "OBDView", "rs_view", "obd_view", "rs_since", "NOX_BINS"]

CST = "Asia/Shanghai"
#: NOx histogram bin edges, ppm (display only)
NOX_BINS = (0, 50, 100, 200, 300, 500, 800, 1200, 2000)


@dataclass(frozen=True)
class RSView:
    region_code: str
    since: str
    until: str
    sites: list[
        dict
    ]  # site_code, name, region_code, lon, lat, readings, valid_share, plates, offenders, rate
    readings: int
    valid_share: float | None
    plates: int
    offenders: int
    rate: float | None
    emitters: list[dict]  # plate, vin, pollutants, runs, max_multiple, first_at, last_at, site
    rule: str


@dataclass(frozen=True)
class OBDView:
    region_code: str
    since: str
    until: str
    trucks: int
    reporting_last_day: int
    samples: int
    nox_hist: list[dict]  # lo, hi, n (samples with a warm SCR)
    nox_median: float | None
    scr: list[dict]  # vin, plate, start, end, minutes, median_nox_ppm, baseline_nox_ppm, nox_rise
    gaps: list[dict]  # vin, plate, from, to, minutes, speed_before, speed_after, km
    scr_rule: str
    gap_rule: str


def _cst(x: object) -> str:
    return pd.Timestamp(x).tz_convert(CST).strftime("%Y-%m-%d %H:%M")


def _months(now: datetime, n: int) -> list[str]:
    m = pd.Timestamp(now).tz_convert(CST).tz_localize(None).to_period("M")
    return [str(m - i) for i in range(n)]


def rs_since(now: datetime) -> pd.Timestamp:
    """The start of the remote-sensing pages' window: 00:00 CST 365 days before ``now``'s CST day."""
    today = pd.Timestamp(now).tz_convert(CST).normalize()
    return (today - pd.Timedelta(days=365)).tz_convert("UTC")


def _vins_of(store: VehicleStore, plates: list[str]) -> dict[str, str]:
    if not plates:
        return {}
    got = store.query(
        "SELECT plate, min(vin) AS vin FROM vehicles WHERE plate IN (SELECT unnest(?)) GROUP BY plate",
        params=[plates],
    )
    return dict(zip(got["plate"], got["vin"], strict=True))


def rs_view(store: VehicleStore, scope: Scope, *, now: datetime, limit: int = 200) -> RSView:
    """The readings of the 365 CST days before ``now``'s day (and today's), seen from ``scope``."""
    prefix = scope_prefix(scope.region_code)
    since = rs_since(now)
    readings = store.read_rs(_months(now, 13))
    readings = readings[readings["at"] >= since].reset_index(drop=True)
    sites = store.read_rs_sites()
    sites = sites[sites["region_code"].astype(str).str.startswith(prefix)]
    rule = (rsr.default_rules().refs or {}).get("repeat_rule", "")
    offenders = (
        rsr.repeat_offenders(rsr.repeat_exceedances(readings)) if len(readings) else pd.DataFrame()
    )
    bad = set(offenders["plate"]) if len(offenders) else set()
    mine = readings[readings["site_code"].isin(set(sites["site_code"]))]
    valid = mine[mine["valid"]]
    rows = []
    for s in sites.sort_values("site_code").itertuples(index=False):
        at = mine[mine["site_code"] == s.site_code]
        v = valid[valid["site_code"] == s.site_code]
        plates = set(v["plate"])
        n_bad = len(plates & bad)
        rows.append({
            "site_code": s.site_code, "name": s.name, "region_code": s.region_code,
            "lon": float(s.lon), "lat": float(s.lat), "readings": len(at),
            "valid_share": (len(v) / len(at)) if len(at) else None,
            "plates": len(plates), "offenders": n_bad,
            "rate": (n_bad / len(plates)) if plates else None,
        })  # fmt: skip
    plates_all = set(valid["plate"])
    bad_here = plates_all & bad
    emitters: list[dict] = []
    if bad_here:
        off = offenders[offenders["plate"].isin(bad_here)].sort_values(
            ["max_multiple", "plate"], ascending=[False, True]
        )
        site_of = readings.set_index("reading_id")["site_code"]
        names = dict(zip(sites["site_code"], sites["name"], strict=True))
        vins = _vins_of(store, list(off["plate"].head(limit)))
        for r in off.head(limit).itertuples(index=False):
            site = str(site_of.get(r.last_id, ""))
            emitters.append({
                "plate": r.plate, "vin": vins.get(r.plate, ""), "pollutants": r.pollutants,
                "runs": int(r.runs), "max_multiple": float(r.max_multiple),
                "first_at": _cst(r.first_at), "last_at": _cst(r.last_at),
                "site": names.get(site, site),
            })  # fmt: skip
    stamps = mine["at"]
    return RSView(
        region_code=scope.region_code,
        since=_cst(stamps.min()) if len(stamps) else "",
        until=_cst(stamps.max()) if len(stamps) else "",
        sites=rows,
        readings=len(mine),
        valid_share=(len(valid) / len(mine)) if len(mine) else None,
        plates=len(plates_all),
        offenders=len(bad_here),
        rate=(len(bad_here) / len(plates_all)) if plates_all else None,
        emitters=emitters,
        rule=rule,
    )


def obd_view(store: VehicleStore, scope: Scope, *, now: datetime, days: int = 30) -> OBDView:
    """The last ``days`` CST days (to ``now``) of the trucks registered in ``scope``."""
    prefix = scope_prefix(scope.region_code)
    today = pd.Timestamp(now).tz_convert(CST).tz_localize(None).normalize()
    labels = [str((today - pd.Timedelta(days=i)).date()) for i in range(days + 1)]
    stream = store.read_obd(labels)
    fleet = store.query("SELECT vin, plate, region_code FROM vehicles")
    if len(stream):
        mine = fleet.loc[fleet["region_code"].astype(str).str.startswith(prefix), "vin"]
        stream = stream[stream["vin"].isin(set(mine)).to_numpy()]
    plate = dict(zip(fleet["vin"], fleet["plate"], strict=True))
    warm = stream[stream["scr_temp_c"] >= 200.0]["nox_ppm"].to_numpy(dtype=float)
    counts, _ = np.histogram(warm, bins=[*NOX_BINS, np.inf])
    edges = [*NOX_BINS, None]
    hist = [{"lo": edges[i], "hi": edges[i + 1], "n": int(c)} for i, c in enumerate(counts)]
    scr = obd_checks.scr_failures(stream) if len(stream) else None
    gaps = obd_checks.data_gaps(stream) if len(stream) else None

    def rows(res: obd_checks.OBDResult | None, start: str, end: str) -> list[dict]:
        if res is None or res.evidence.empty:
            return []
        ev = res.evidence.sort_values(["minutes", "vin"], ascending=[False, True])
        out = []
        for r in ev.to_dict("records"):
            r = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()}
            r[start], r[end] = _cst(r[start]), _cst(r[end])
            r["plate"] = plate.get(r["vin"], "")
            out.append(r)
        return out

    yesterday = (today - pd.Timedelta(days=1)).tz_localize(CST).tz_convert("UTC")
    last_day = (stream["at"] >= yesterday) & (stream["at"] < yesterday + pd.Timedelta(days=1))
    return OBDView(
        region_code=scope.region_code,
        since=labels[-1],
        until=labels[0],
        trucks=int(stream["vin"].nunique()),
        reporting_last_day=int(stream.loc[last_day, "vin"].nunique()),
        samples=len(stream),
        nox_hist=hist,
        nox_median=float(np.median(warm)) if len(warm) else None,
        scr=rows(scr, "start", "end"),
        gaps=rows(gaps, "from", "to"),
        scr_rule=scr.rule if scr else "",
        gap_rule=gaps.rule if gaps else "",
    )
