"""What the remote-sensing and OBD API routes and exports read (issue #21), scoped like the pages
(:mod:`qingshan.vehicles.rs_obd_service`): a reading is seen when its site is in the viewer's
region, a truck when it is registered there.

- :func:`rs_readings` — the readings of a plate or a site over a window, each with its validity
  and screening verdict (``over``: the pollutants above the screening values of
  ``data/remote_sensing.json``), and, for a plate, the repeat rule's verdict over all its
  readings of the window (reference vehicles.md §1 [MC]);
- :func:`rs_emitters` — the repeat high emitters of the region, every one (the page lists 200);
- :func:`obd_truck` — one truck's OBD summary over the last ``days`` CST days: samples, means,
  the SCR-failure and data-gap episodes and which checks flag it;
- :func:`obd_flagged` — the region's flagged trucks, one row per truck and check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound
from qingshan.vehicles import obd as obd_checks
from qingshan.vehicles import remote_sensing as rsr
from qingshan.vehicles.errors import VehicleError
from qingshan.vehicles.identity import check_plate, check_vin
from qingshan.vehicles.rs_obd_service import rs_since, rs_view
from qingshan.vehicles.store import VehicleStore

__all__ = [
    "RSReadings",
    "OBDTruck",
    "rs_readings",
    "rs_emitters",
    "obd_truck",
    "obd_flagged",
    "FLAGGED_COLUMNS",
    "EMITTER_COLUMNS",
]

CST = "Asia/Shanghai"
#: the most readings one answer lists (``total`` counts them all)
MAX_READINGS = 5000
#: (header, key) of the flagged-trucks table and its export
FLAGGED_COLUMNS = (
    ("车辆识别代号 VIN", "vin"), ("号牌 plate", "plate"), ("地区 region", "region_code"),
    ("疑似问题 check", "check"), ("次数 episodes", "episodes"), ("累计分钟 minutes", "minutes"),
    ("首次开始 first (CST)", "first"), ("最近结束 last (CST)", "last"),
)  # fmt: skip
#: (header, key) of the high-emitters table and its export
EMITTER_COLUMNS = (
    ("号牌 plate", "plate"), ("车辆识别代号 VIN", "vin"), ("超标污染物 pollutants", "pollutants"),
    ("符合次数 readings", "runs"), ("最大超出倍数 largest excess", "max_multiple"),
    ("首次 first (CST)", "first_at"), ("最近 last (CST)", "last_at"), ("点位 site", "site"),
)  # fmt: skip


def _cst(x: object) -> str:
    return pd.Timestamp(x).tz_convert(CST).strftime("%Y-%m-%d %H:%M:%S")


def _num(x: Any) -> float | None:
    return None if x is None or x != x else round(float(x), 4)


@dataclass(frozen=True)
class RSReadings:
    plate: str
    site_code: str
    since: str
    until: str
    total: int
    readings: list[dict[str, Any]]
    #: the plate's repeat-rule verdict over the window (None for a site query)
    offender: dict[str, Any] | None = None
    rule: str = ""
    thresholds: dict[str, float] = field(default_factory=dict)


def _window(
    now: datetime, start: date | None, end: date | None
) -> tuple[pd.Timestamp, pd.Timestamp]:
    lo = rs_since(now) if start is None else pd.Timestamp(start).tz_localize(CST).tz_convert("UTC")
    hi = (pd.Timestamp(now) if end is None
          else (pd.Timestamp(end) + pd.Timedelta(days=1)).tz_localize(CST).tz_convert("UTC"))  # fmt: skip
    if hi <= lo:
        raise VehicleError("the window ends before it starts", field="end")
    if hi - lo > pd.Timedelta(days=732):
        raise VehicleError("a window of at most two years", field="start")
    return lo, hi


def _months(lo: pd.Timestamp, hi: pd.Timestamp) -> list[str]:
    a = lo.tz_convert(CST).tz_localize(None).to_period("M")
    b = hi.tz_convert(CST).tz_localize(None).to_period("M")
    return [str(p) for p in pd.period_range(a, b, freq="M")]


def rs_readings(store: VehicleStore, scope: Scope, *, plate: str = "", site: str = "", now: datetime,
                start: date | None = None, end: date | None = None, limit: int = MAX_READINGS) -> RSReadings:  # fmt: skip
    """The readings of ``plate`` and / or ``site`` in [start, end] (CST days; default the
    pages' window, 365 days to ``now``) at the sites of ``scope``, newest first. A malformed
    plate is a named error; a site outside the region, :class:`NotFound`."""
    plate = plate.strip().upper().replace("·", "").replace(" ", "")
    site = site.strip()
    if not plate and not site:
        raise VehicleError("give a plate or a site (site_code)", field="plate")
    if plate:
        check_plate(plate)
    lo, hi = _window(now, start, end)
    sites = store.read_rs_sites()
    mine = sites[sites["region_code"].astype(str).str.startswith(scope.prefix)]
    codes = set(mine["site_code"])
    if site and site not in codes:
        raise NotFound(f"no remote-sensing site {site!r} in region {scope.region_code}")
    readings = store.read_rs(_months(lo, hi))
    readings = readings[(readings["at"] >= lo) & (readings["at"] < hi)]
    if plate:
        readings = readings[readings["plate"] == plate]
    rules = rsr.default_rules()
    offender = None
    if plate and len(readings):
        off = rsr.repeat_offenders(rsr.repeat_exceedances(readings, rules))
        if len(off):
            r = off.iloc[0]
            offender = {"pollutants": str(r["pollutants"]).split(","), "runs": int(r["runs"]),
                        "max_multiple": round(float(r["max_multiple"]), 4),
                        "first_at": _cst(r["first_at"]), "last_at": _cst(r["last_at"])}  # fmt: skip
    seen = readings[readings["site_code"].isin(codes)]
    if site:
        seen = seen[seen["site_code"] == site]
    seen = seen.sort_values(["at", "reading_id"], ascending=[False, True])
    screened = rsr.screen(seen.head(limit).drop(columns=["valid"]), rules)
    names = dict(zip(mine["site_code"], mine["name"], strict=True))
    rows = []
    for r in screened.to_dict("records"):
        rows.append({
            "reading_id": r["reading_id"], "site_code": r["site_code"],
            "site_name": names.get(r["site_code"], ""), "plate": r["plate"], "at": _cst(r["at"]),
            **{c: _num(r[c]) for c in ("speed_kmh", "accel_ms2", "vsp_kwt", "wind_ms", *rsr.POLLUTANTS)},
            "valid": bool(r["valid"]), "high": bool(r["high"]),
            "over": [c for c in rules.thresholds if r[f"over_{c}"]],
            "synthetic": bool(r["synthetic"]),
        })  # fmt: skip
    return RSReadings(plate=plate, site_code=site, since=_cst(lo), until=_cst(hi), total=len(seen),
                      readings=rows, offender=offender, rule=(rules.refs or {}).get("repeat_rule", ""),
                      thresholds=dict(rules.thresholds))  # fmt: skip


def rs_emitters(
    store: VehicleStore, scope: Scope, *, now: datetime
) -> tuple[list[dict], str, str, str]:
    """Every repeat high emitter seen at the region's sites over the pages' window: (rows,
    since, until, rule), the rows as :data:`EMITTER_COLUMNS`."""
    view = rs_view(store, scope, now=now, limit=10**9)
    return view.emitters, view.since, view.until, view.rule


@dataclass(frozen=True)
class OBDTruck:
    vin: str
    plate: str
    region_code: str
    since: str
    until: str
    samples: int
    first: str
    last: str
    nox_ppm_median: float | None  # samples with a warm SCR (≥ 200 °C)
    urea_level_pct_min: float | None
    dosing_share: float | None  # samples with a warm SCR that dose urea
    flagged: list[str]
    scr: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    scr_rule: str
    gap_rule: str


def _days(now: datetime, days: int) -> list[str]:
    if not 1 <= days <= 366:
        raise VehicleError(f"days {days}: 1 to 366", field="days")
    today = pd.Timestamp(now).tz_convert(CST).tz_localize(None).normalize()
    return [str((today - pd.Timedelta(days=i)).date()) for i in range(days + 1)]


def _episodes(res: obd_checks.OBDResult, start: str, end: str) -> list[dict[str, Any]]:
    if res.evidence.empty:
        return []
    out = []
    for r in res.evidence.sort_values(start).to_dict("records"):
        r = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items() if k != "vin"}
        r[start], r[end] = _cst(r[start]), _cst(r[end])
        out.append({"start": r.pop(start), "end": r.pop(end), "minutes": r.pop("minutes"),
                    "detail": {k: (None if v != v else v) for k, v in r.items()}})  # fmt: skip
    return out


def obd_truck(
    store: VehicleStore, scope: Scope, vin: str, *, now: datetime, days: int = 30
) -> OBDTruck:
    """One truck registered in ``scope`` over the last ``days`` CST days; a malformed VIN is a
    named error, a truck not registered in the region :class:`NotFound`."""
    v = vin.strip().upper()
    check_vin(v)
    labels = _days(now, days)
    found = store.query("SELECT plate, region_code FROM vehicles WHERE vin = ? LIMIT 1", params=[v])
    if not len(found) or not str(found["region_code"].iloc[0]).startswith(scope.prefix):
        raise NotFound(f"no vehicle with VIN {v} in region {scope.region_code}")
    stream = store.query(
        'SELECT * FROM obd_stream WHERE vin = ? ORDER BY "at"', obd_days=labels, params=[v]
    )
    stream["at"] = pd.to_datetime(stream["at"], utc=True)
    scr = obd_checks.scr_failures(stream) if len(stream) else None
    gaps = obd_checks.data_gaps(stream) if len(stream) else None
    warm = stream[stream["scr_temp_c"] >= 200.0]
    return OBDTruck(
        vin=v, plate=str(found["plate"].iloc[0]), region_code=str(found["region_code"].iloc[0]),
        since=labels[-1], until=labels[0], samples=len(stream),
        first=_cst(stream["at"].iloc[0]) if len(stream) else "",
        last=_cst(stream["at"].iloc[-1]) if len(stream) else "",
        nox_ppm_median=_num(np.median(warm["nox_ppm"])) if len(warm) else None,
        urea_level_pct_min=_num(stream["urea_level_pct"].min()) if len(stream) else None,
        dosing_share=_num((warm["urea_dosing"] > 0.01).mean()) if len(warm) else None,
        flagged=[r.check for r in (scr, gaps) if r is not None and v in r.flagged],
        scr=_episodes(scr, "start", "end") if scr else [],
        gaps=_episodes(gaps, "from", "to") if gaps else [],
        scr_rule=scr.rule if scr else "", gap_rule=gaps.rule if gaps else "",
    )  # fmt: skip


def obd_flagged(
    store: VehicleStore, scope: Scope, *, now: datetime, days: int = 30
) -> tuple[list[dict], str, str]:
    """The flagged trucks registered in ``scope`` over the last ``days`` CST days: (rows,
    since, until), one row per truck and check (:data:`FLAGGED_COLUMNS`), longest first."""
    labels = _days(now, days)
    fleet = store.query("SELECT vin, plate, region_code FROM vehicles")
    mine = fleet[fleet["region_code"].astype(str).str.startswith(scope.prefix)]
    stream = store.read_obd(labels)
    stream = stream[stream["vin"].isin(set(mine["vin"])).to_numpy()]
    if stream.empty:
        return [], labels[-1], labels[0]
    info = mine.drop_duplicates("vin").set_index("vin")
    rows = []
    for res, start, end in ((obd_checks.scr_failures(stream), "start", "end"),
                            (obd_checks.data_gaps(stream), "from", "to")):  # fmt: skip
        ev = res.evidence[res.evidence["vin"].isin(res.flagged)]
        for vin, g in ev.groupby("vin", sort=True):
            rows.append({"vin": vin, "plate": str(info.at[vin, "plate"]), "region_code": str(info.at[vin, "region_code"]),
                         "check": res.check, "episodes": len(g), "minutes": round(float(g["minutes"].sum()), 1),
                         "first": _cst(g[start].min()), "last": _cst(g[end].max())})  # fmt: skip
    rows.sort(key=lambda r: (-r["minutes"], r["vin"], r["check"]))
    return rows, labels[-1], labels[0]
