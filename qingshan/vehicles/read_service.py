"""Vehicles read service for the pages, the API and the exports (issue #21): the overview of a
region (fleet by stage, I/M initial-test failure rates, busiest stations), the station ranking
with the five fraud checks of :mod:`qingshan.vehicles.fraud`, a station's page, a vehicle's
history with its limits, and the tests of a month. DuckDB over the Parquet store for the big
frames, the ORM for the registry; every function takes the caller's :class:`Scope`.

Definitions (reference ``shared/reference/vehicles.md`` §3; platform reading):
- *initial-test failure rate* = initial tests failed ÷ initial tests (kind ``initial``);
- *retest pass rate* = retests passed ÷ retests (kind ``retest``).

Region scope: a vehicle belongs to the region it is registered in; a test belongs to the region
of the station that made it. The fraud checks run over every station's tests of the period (the
pass-rate check needs the peers of the whole province) and the ranking then shows the stations
in the caller's region only.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.scope import Scope
from qingshan.errors import NotFound
from qingshan.vehicles import fraud
from qingshan.vehicles.errors import VehicleError
from qingshan.vehicles.identity import check_plate, check_vin
from qingshan.vehicles.judge import METHODS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, read_limits
from qingshan.vehicles.models import VehicleEquipment, VehicleStation, VehicleTestLine
from qingshan.vehicles.stages import STAGES
from qingshan.vehicles.store import VehicleStore

__all__ = [
    "CHECKS",
    "Overview",
    "Ranking",
    "StationView",
    "VehicleView",
    "months_available",
    "resolve_period",
    "overview",
    "station_ranking",
    "station_points",
    "station_view",
    "vehicle_view",
    "find_vehicle",
    "month_tests",
]

#: the five station checks, in the order the pages show them
CHECKS = tuple(fraud.CHECKS)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^\d{4}$")
#: evidence rows shown per check on a station's page
EVIDENCE_ROWS = 50
#: remote-sensing readings shown on a vehicle's page (the latest)
RS_ROWS = 50
#: stations in the overview's busiest list
TOP_STATIONS = 10


def months_available(store: VehicleStore) -> list[str]:
    """The ``YYYY-MM`` months (CST) that hold committed tests, oldest first."""
    return sorted({p.parent.name.removeprefix("month=") for p in store.test_files()})


def resolve_period(store: VehicleStore, period: str | None) -> tuple[str, list[str]]:
    """A period label and its months: ``YYYY-MM`` one month, ``YYYY`` a year, empty the latest
    twelve months that hold tests. A malformed label is a :class:`VehicleError` naming it."""
    have = months_available(store)
    p = (period or "").strip()
    if not p:
        months = have[-12:]
        label = f"{months[0]}…{months[-1]}" if months else ""
        return label, months
    if _MONTH.match(p):
        return p, [p]
    if _YEAR.match(p):
        return p, [f"{p}-{m:02d}" for m in range(1, 13)]
    raise VehicleError(f"period {p!r}: YYYY-MM (a month), YYYY (a year) or empty (the last 12 months)",
                       field="period")  # fmt: skip


def _scope_stations(session: Session, scope: Scope) -> pd.DataFrame:
    rows = session.execute(
        select(VehicleStation.station_code, VehicleStation.name, VehicleStation.region_code)
        .where(VehicleStation.region_code.startswith(scope.prefix))
        .order_by(VehicleStation.station_code)
    ).all()
    return pd.DataFrame(rows, columns=["station_code", "name", "region_code"])


def _all_stations(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(VehicleStation.station_code, VehicleStation.name, VehicleStation.region_code)
    ).all()
    return pd.DataFrame(rows, columns=["station_code", "name", "region_code"])


def _rate(num: Any, den: Any) -> float | None:
    den = int(den)
    return None if den == 0 else round(float(num) / den, 4)


def _child_level(prefix: str) -> int:
    """Characters of the region code that name the level under the scope (city: 4, county: 6)."""
    return 4 if len(prefix) <= 2 else 6


@dataclass(frozen=True)
class Overview:
    """The numbers of a region's overview page (rates are fractions, None with no tests)."""

    region_code: str
    period: str
    months: list[str]
    vehicles: int
    stages: tuple[str, ...]
    fleet: list[dict[str, Any]]  # region_code, total, one key per stage (and "other")
    by_month: list[
        dict[str, Any]
    ]  # month, initial, initial_failed, fail_rate, retests, retest_passed, retest_pass_rate
    by_method: list[dict[str, Any]]  # method, same counts
    by_fuel: list[dict[str, Any]]  # fuel, same counts
    top_stations: list[dict[str, Any]]  # station_code, name, region_code, tests, initial, fail_rate
    tests: int = 0
    initial: int = 0
    initial_failed: int = 0
    fail_rate: float | None = None


_COUNTS = """
    count(*) FILTER (WHERE kind = 'initial') AS initial,
    count(*) FILTER (WHERE kind = 'initial' AND NOT passed) AS initial_failed,
    count(*) FILTER (WHERE kind = 'retest') AS retests,
    count(*) FILTER (WHERE kind = 'retest' AND passed) AS retest_passed
"""


def _rates(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for r in frame.to_dict("records"):
        r = {k: (int(v) if k in {"initial", "initial_failed", "retests", "retest_passed"} else v)
             for k, v in r.items()}  # fmt: skip
        r["fail_rate"] = _rate(r["initial_failed"], r["initial"])
        r["retest_pass_rate"] = _rate(r["retest_passed"], r["retests"])
        out.append(r)
    return out


def overview(
    store: VehicleStore, session: Session, scope: Scope, *, period: str | None = None
) -> Overview:
    """The overview of the caller's region over ``period`` (see :func:`resolve_period`)."""
    label, months = resolve_period(store, period)
    stations = _scope_stations(session, scope)
    codes = list(stations["station_code"])
    level = _child_level(scope.prefix)
    fleet = store.query(
        f"SELECT substr(region_code, 1, {level}) AS area, stage, count(*) AS n FROM vehicles "
        "WHERE starts_with(region_code, ?) GROUP BY 1, 2",
        params=[scope.prefix],
    )
    rows: dict[str, dict[str, Any]] = {}
    for r in fleet.itertuples(index=False):
        code = str(r.area).ljust(6, "0")
        row = rows.setdefault(
            code, {"region_code": code, "total": 0, **{s: 0 for s in STAGES}, "other": 0}
        )
        key = r.stage if r.stage in STAGES else "other"
        row[key] += int(r.n)
        row["total"] += int(r.n)
    fleet_rows = sorted(rows.values(), key=lambda x: x["region_code"])
    months = [m for m in months if m in set(months_available(store))]
    where = "list_contains(?, station_code)"
    if months and codes:
        by_month = store.query(f"SELECT strftime(timezone('Asia/Shanghai', started_at), '%Y-%m') AS month, {_COUNTS} "
                               f"FROM im_tests WHERE {where} GROUP BY 1 ORDER BY 1", months=months, params=[codes])  # fmt: skip
        by_method = store.query(f"SELECT method, {_COUNTS} FROM im_tests WHERE {where} GROUP BY 1",
                                months=months, params=[codes])  # fmt: skip
        by_fuel = store.query(f"SELECT coalesce(v.fuel, 'unknown') AS fuel, {_COUNTS} FROM im_tests t "
                              f"LEFT JOIN (SELECT DISTINCT vin, fuel FROM vehicles) v USING (vin) "
                              f"WHERE list_contains(?, t.station_code) GROUP BY 1 ORDER BY 1",
                              months=months, params=[codes])  # fmt: skip
        top = store.query(f"SELECT station_code, count(*) AS tests, {_COUNTS} FROM im_tests WHERE {where} "
                          f"GROUP BY 1 ORDER BY tests DESC, station_code LIMIT {TOP_STATIONS}",
                          months=months, params=[codes])  # fmt: skip
    else:
        empty = pd.DataFrame(columns=["initial", "initial_failed", "retests", "retest_passed"])
        by_month = empty.assign(month=[])
        by_method = empty.assign(method=[])
        by_fuel = empty.assign(fuel=[])
        top = empty.assign(station_code=[], tests=[])
    order = {m: i for i, m in enumerate(METHODS)}
    method_rows = sorted(_rates(by_method), key=lambda r: order.get(r["method"], 99))
    names = stations.set_index("station_code")
    top_rows = []
    for r in _rates(top):
        code = r["station_code"]
        r["tests"] = int(r["tests"])
        r["name"] = str(names.loc[code, "name"]) if code in names.index else code
        r["region_code"] = str(names.loc[code, "region_code"]) if code in names.index else ""
        top_rows.append(r)
    month_rows = _rates(by_month)
    initial = sum(r["initial"] for r in month_rows)
    failed = sum(r["initial_failed"] for r in month_rows)
    return Overview(
        region_code=scope.region_code, period=label, months=months,
        vehicles=sum(r["total"] for r in fleet_rows), stages=STAGES, fleet=fleet_rows,
        by_month=month_rows, by_method=method_rows, by_fuel=_rates(by_fuel), top_stations=top_rows,
        tests=sum(r["initial"] + r["retests"] for r in month_rows), initial=initial,
        initial_failed=failed, fail_rate=_rate(failed, initial),
    )  # fmt: skip


# -- the fraud checks over a period, cached by the files they read ----------------------------
_CACHE: OrderedDict[tuple[str, ...], dict[str, fraud.CheckResult]] = OrderedDict()
_LOCK = threading.Lock()


def _checks(
    store: VehicleStore, months: list[str]
) -> tuple[dict[str, fraud.CheckResult], pd.DataFrame]:
    """Every check over every station's tests of ``months`` (cached by the committed files:
    a new batch is a new key) and those tests."""
    files = tuple(str(p) for p in store.test_files(months))
    key = (str(store.root), *files, *(str(p) for p in store.vehicle_files()))
    tests = store.read_tests(months) if files else store.read_tests([])
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit, tests
    vehicles = store.query("SELECT DISTINCT vin, fuel FROM vehicles")
    results = fraud.run_checks(tests, vehicles if len(vehicles) else None)
    with _LOCK:
        _CACHE[key] = results
        while len(_CACHE) > 4:
            _CACHE.popitem(last=False)
    return results, tests


@dataclass(frozen=True)
class Ranking:
    """The stations of the caller's region with their checks over ``period``."""

    period: str
    months: list[str]
    rules: dict[str, str]
    rows: list[
        dict[str, Any]
    ]  # station_code, name, region_code, tests, initial, fail_rate, flagged (n), <check>, <check>_flagged


def station_ranking(store: VehicleStore, session: Session, scope: Scope, *, period: str | None = None,
                    sort: str = "flagged") -> Ranking:  # fmt: skip
    """Every station of the caller's region with the five check scores over ``period``, sorted
    by ``sort`` (``flagged`` = how many checks flag it, then the summed score rank; a check
    name; ``tests``; ``fail_rate``; ``station_code``) — highest first except the code."""
    label, months = resolve_period(store, period)
    sort = sort or "flagged"
    if sort not in {"flagged", "tests", "fail_rate", "station_code", *CHECKS}:
        raise VehicleError(f"sort {sort!r}: one of flagged, tests, fail_rate, station_code, {', '.join(CHECKS)}",
                           field="sort")  # fmt: skip
    stations = _scope_stations(session, scope)
    results, tests = _checks(store, months)
    counts = (
        tests.assign(initial=tests["kind"] == "initial",
                     failed=(tests["kind"] == "initial") & ~tests["passed"].astype(bool))
        .groupby("station_code")[["initial", "failed"]].sum()
        .join(tests.groupby("station_code").size().rename("tests"))
    )  # fmt: skip
    rows = []
    for st in stations.itertuples(index=False):
        code = st.station_code
        row: dict[str, Any] = {"station_code": code, "name": st.name, "region_code": st.region_code}
        c = counts.loc[code] if code in counts.index else None
        row["tests"] = int(c["tests"]) if c is not None else 0
        row["initial"] = int(c["initial"]) if c is not None else 0
        row["fail_rate"] = _rate(c["failed"], c["initial"]) if c is not None else None
        flagged = 0
        for name in CHECKS:
            sc = results[name].scores
            hit = sc[sc["station_code"] == code]
            row[name] = round(float(hit["score"].iloc[0]), 4) + 0.0 if len(hit) else None
            row[f"{name}_hits"] = int(hit["hits"].iloc[0]) if len(hit) else 0
            row[f"{name}_flagged"] = bool(hit["flagged"].iloc[0]) if len(hit) else False
            flagged += row[f"{name}_flagged"]
        row["flagged"] = flagged
        rows.append(row)
    if sort == "station_code":
        rows.sort(key=lambda r: r["station_code"])
    elif sort == "flagged":
        rows.sort(
            key=lambda r: (-r["flagged"], -sum((r[c] or 0) > 0 for c in CHECKS), r["station_code"])
        )
    else:
        rows.sort(key=lambda r: (r[sort] is None, -(r[sort] or 0), r["station_code"]))
    return Ranking(label, months, {n: results[n].rule for n in CHECKS}, rows)


#: a station's band on the map by how many of the five checks flag it: 0, 1, 2 and more
SCORE_BANDS = ("clean", "one", "several")


def station_points(session: Session, scope: Scope, ranking: Ranking) -> list[dict[str, Any]]:
    """The ranking's stations that have a position, for the map: code, name, lon, lat, tests,
    initial-test pass rate (1 − failure rate), checks flagged and the band (:data:`SCORE_BANDS`),
    and the flagged checks with their scores (each check's own scale, as the ranking shows it)."""
    pos = {c: (lon, lat) for c, lon, lat in session.execute(
        select(VehicleStation.station_code, VehicleStation.lon, VehicleStation.lat)
        .where(VehicleStation.region_code.startswith(scope.prefix), VehicleStation.lon.is_not(None),
               VehicleStation.lat.is_not(None)))}  # fmt: skip
    out = []
    for r in ranking.rows:
        if r["station_code"] not in pos:
            continue
        lon, lat = pos[r["station_code"]]
        out.append({"station_code": r["station_code"], "name": r["name"], "lon": lon, "lat": lat,
                    "tests": r["tests"], "pass_rate": None if r["fail_rate"] is None else round(1 - r["fail_rate"], 4),
                    "flagged": r["flagged"], "band": SCORE_BANDS[min(r["flagged"], 2)],
                    "checks": {c: r[c] for c in CHECKS if r[f"{c}_flagged"]}})  # fmt: skip
    return out


@dataclass(frozen=True)
class StationView:
    """One station's page: registry, lines, equipment, the checks with evidence, peers."""

    station_code: str
    name: str
    region_code: str
    status: str
    cma_number: str
    cma_valid_until: date | None
    synthetic: bool
    period: str
    lines: list[
        dict[str, Any]
    ]  # line_no, methods, equipment: [device_id, kind, model, calibrated_on, calibration_due, overdue]
    checks: list[dict[str, Any]]  # check, rule, score, hits, n, flagged, columns, evidence (rows)
    peers: list[dict[str, Any]]  # method, initial, fail_rate, peer_initial, peer_fail_rate
    tests: int = 0
    recent: list[dict[str, Any]] = field(default_factory=list)


def _cell(v: Any) -> Any:
    if isinstance(v, pd.Timestamp):
        return (
            v.tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
            if v.tzinfo
            else v.strftime("%Y-%m-%d")
        )
    if isinstance(v, float):
        return None if v != v else round(v, 3)
    if hasattr(v, "item"):
        return _cell(v.item())
    return v


def station_view(store: VehicleStore, session: Session, scope: Scope, code: str, *, period: str | None = None,
                 today: date | None = None) -> StationView:  # fmt: skip
    """A station of the caller's region; :class:`NotFound` for an unknown station or one
    outside the region (the same answer, so the page does not tell which)."""
    st = session.scalar(select(VehicleStation).where(VehicleStation.station_code == code))
    if st is None or not st.region_code.startswith(scope.prefix):
        raise NotFound(f"no I/M station {code!r} in region {scope.region_code}")
    label, months = resolve_period(store, period)
    results, tests = _checks(store, months)
    today = today or date.today()
    lines = []
    for line in session.scalars(select(VehicleTestLine).where(VehicleTestLine.station_id == st.id)
                                .order_by(VehicleTestLine.line_no)):  # fmt: skip
        eq = session.scalars(select(VehicleEquipment).where(VehicleEquipment.line_id == line.id)
                             .order_by(VehicleEquipment.device_id))  # fmt: skip
        lines.append({"line_no": line.line_no, "methods": line.methods.split(","), "equipment": [
            {"device_id": e.device_id, "kind": e.kind, "model": e.model, "calibrated_on": e.calibrated_on,
             "calibration_due": e.calibration_due,
             "overdue": e.calibration_due is not None and e.calibration_due < today} for e in eq]})  # fmt: skip
    checks = []
    for name in CHECKS:
        r = results[name]
        sc = r.scores[r.scores["station_code"] == code]
        ev = r.evidence[r.evidence["station_code"] == code].drop(columns="station_code")
        checks.append({
            "check": name, "rule": r.rule,
            "score": round(float(sc["score"].iloc[0]), 4) + 0.0 if len(sc) else None,
            "hits": int(sc["hits"].iloc[0]) if len(sc) else 0, "n": int(sc["n"].iloc[0]) if len(sc) else 0,
            "flagged": bool(sc["flagged"].iloc[0]) if len(sc) else False, "evidence_total": len(ev),
            "columns": list(ev.columns),
            "evidence": [[_cell(v) for v in row] for row in ev.head(EVIDENCE_ROWS).itertuples(index=False)],
        })  # fmt: skip
    ini = tests[tests["kind"] == "initial"]
    peers = []
    for method in METHODS:
        m = ini[ini["method"] == method]
        own, other = m[m["station_code"] == code], m[m["station_code"] != code]
        if not len(own):
            continue
        peers.append({"method": method, "initial": len(own), "fail_rate": _rate((~own["passed"]).sum(), len(own)),
                      "peer_initial": len(other),
                      "peer_fail_rate": _rate((~other["passed"]).sum(), len(other))})  # fmt: skip
    mine = tests[tests["station_code"] == code].sort_values("started_at", ascending=False)
    recent = [{"test_id": t.test_id, "vin": t.vin, "plate": t.plate, "method": t.method, "kind": t.kind,
               "started_at": _cell(t.started_at), "passed": bool(t.passed)}
              for t in mine.head(20).itertuples(index=False)]  # fmt: skip
    return StationView(st.station_code, st.name, st.region_code, st.status, st.cma_number, st.cma_valid_until,
                       st.synthetic, label, lines, checks, peers, tests=len(mine), recent=recent)  # fmt: skip


@dataclass(frozen=True)
class VehicleView:
    """A vehicle's identity and its tests, each with the limits it was judged against."""

    vehicle: dict[str, Any]
    #: test fields and ``items``: column, value, max / min, unit, within, confidence
    tests: list[dict[str, Any]]
    stations: dict[str, str]  # station_code → name
    #: the latest remote-sensing readings of its plate (:data:`RS_ROWS`) and how many there are
    rs: list[dict[str, Any]] = field(default_factory=list)
    rs_total: int = 0
    #: OBD samples, first / last (CST), mean NOx and urea level; None without OBD data
    obd: dict[str, Any] | None = None


def _vin(vin: str) -> str:
    v = vin.strip().upper()
    check_vin(v)
    return v


def find_vehicle(store: VehicleStore, query: str) -> str:
    """The VIN of a plate or VIN typed in the search box (a malformed one is a named error;
    :class:`NotFound` when no stored vehicle has it)."""
    q = re.sub(r"[\s·.]", "", query or "").upper()
    if not q:
        raise VehicleError("search: type a plate (浙A12345) or a 17-character VIN", field="q")
    if len(q) == 17 and q.isascii():
        return _vin(q)
    check_plate(q)
    found = store.query("SELECT vin FROM vehicles WHERE plate = ? LIMIT 1", params=[q])
    if not len(found):
        raise NotFound(f"no vehicle with plate {q!r} is stored")
    return str(found["vin"].iloc[0])


def vehicle_view(store: VehicleStore, session: Session, scope: Scope, vin: str) -> VehicleView:
    """A vehicle registered in the caller's region or tested at one of its stations;
    :class:`VinInvalid` (422, naming the position) for a malformed VIN, :class:`NotFound`
    when it is not stored or out of reach."""
    v = _vin(vin)
    found = store.query("SELECT * FROM vehicles WHERE vin = ? LIMIT 1", params=[v])
    tests = store.query("SELECT * FROM im_tests WHERE vin = ? ORDER BY started_at", params=[v])
    for col in ("started_at", "ended_at"):
        tests[col] = pd.to_datetime(tests[col], utc=True)
    mine = set(_scope_stations(session, scope)["station_code"])
    in_reach = (len(found) and str(found["region_code"].iloc[0]).startswith(scope.prefix)) or bool(
        set(tests["station_code"]) & mine
    )
    if not len(found) or not in_reach:
        raise NotFound(f"no vehicle with VIN {v} in region {scope.region_code}")
    vehicle = {k: _cell(x) for k, x in found.iloc[0].to_dict().items()}
    table = read_limits()
    out = []
    for t in tests.to_dict("records"):
        items = []
        for col in (*REQUIRED_COLUMNS.get(t["method"], ()), *OPTIONAL_COLUMNS.get(t["method"], ())):
            val = t.get(col)
            if val is None or val != val:
                continue
            try:
                cell = table.cell(t["method"], t["limit_set"], col)
            except VehicleError:
                items.append({"column": col, "value": round(float(val), 4), "max": None, "min": None,
                              "unit": "", "within": None, "confidence": "", "item": col})  # fmt: skip
                continue
            within = (cell.max is None or val <= cell.max) and (cell.min is None or val >= cell.min)
            items.append({"column": col, "item": cell.item, "value": round(float(val), 4), "max": cell.max,
                          "min": cell.min, "unit": cell.unit, "within": bool(within),
                          "confidence": cell.confidence})  # fmt: skip
        out.append({"test_id": t["test_id"], "station_code": t["station_code"], "line_no": int(t["line_no"]),
                    "method": t["method"], "kind": t["kind"], "started_at": _cell(pd.Timestamp(t["started_at"])),
                    "duration_s": int((pd.Timestamp(t["ended_at"]) - pd.Timestamp(t["started_at"])).total_seconds()),
                    "passed": bool(t["passed"]), "limit_set": t["limit_set"], "limit_ref": t["limit_ref"],
                    "items": items})  # fmt: skip
    codes = {t["station_code"] for t in out}
    names = {s.station_code: s.name for s in session.scalars(
        select(VehicleStation).where(VehicleStation.station_code.in_(codes)))} if codes else {}  # fmt: skip
    rs_rows = store.query(
        "SELECT reading_id, site_code, \"at\", speed_kmh, vsp_kwt, co_pct, hc_ppm, no_ppm, opacity_pct, valid, "
        "count(*) OVER () AS total FROM rs_readings WHERE plate = ? ORDER BY \"at\" DESC LIMIT ?",
        params=[vehicle["plate"], RS_ROWS],
    )  # fmt: skip
    rs = [{k: _cell(x) for k, x in r.items() if k != "total"} for r in rs_rows.to_dict("records")]
    for r, at in zip(rs, pd.to_datetime(rs_rows["at"], utc=True), strict=True):
        r["at"] = _cell(at)
    obd = store.query(
        'SELECT count(*) AS samples, min("at") AS first, max("at") AS last, avg(nox_ppm) AS nox_ppm, '
        "avg(urea_level_pct) AS urea_level_pct FROM obd_stream WHERE vin = ?",
        params=[v],
    ).iloc[0]
    obd_out = None
    if int(obd["samples"]):
        obd_out = {"samples": int(obd["samples"]), "first": _cell(pd.to_datetime(obd["first"], utc=True)),
                   "last": _cell(pd.to_datetime(obd["last"], utc=True)), "nox_ppm": _cell(float(obd["nox_ppm"])),
                   "urea_level_pct": _cell(float(obd["urea_level_pct"]))}  # fmt: skip
    total = int(rs_rows["total"].iloc[0]) if len(rs_rows) else 0
    return VehicleView(vehicle, out, names, rs=rs, rs_total=total, obd=obd_out)


def month_tests(store: VehicleStore, session: Session, scope: Scope, month: str) -> pd.DataFrame:
    """The tests of one ``YYYY-MM`` month (CST) made at the stations of the caller's region,
    with the vehicle's fuel and stage, ordered by station and start."""
    if not _MONTH.match(month or ""):
        raise VehicleError(f"month {month!r}: YYYY-MM", field="month")
    codes = list(_scope_stations(session, scope)["station_code"])
    if not codes or month not in months_available(store):
        return pd.DataFrame()
    return store.query(
        "SELECT t.*, v.fuel, v.stage FROM im_tests t LEFT JOIN (SELECT DISTINCT vin, fuel, stage FROM vehicles) v "
        "USING (vin) WHERE list_contains(?, t.station_code) ORDER BY t.station_code, t.started_at",
        months=[month], params=[codes],
    )  # fmt: skip
