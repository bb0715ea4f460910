"""Vehicle KPIs for the targets' dashboards (issue #21), read from the columnar store with one
DuckDB query each. Platform definitions (shared/reference/vehicles.md §3 "failure-rate
indicators"), not from a standard; the Zhejiang 2021 plan (targets/data/plan_2021.json) has no
vehicle target with a figure, so these are dashboard KPIs only.

- ``diesel_old_share``: diesel vehicles of 国III (the oldest stage the fleet frame holds) among
  the region's diesel vehicles [%] — what old-vehicle phase-out (淘汰) leaves.
- ``im_initial_failure_rate``: initial (初检) I/M tests of the period failed ÷ initial tests
  [%], by the vehicle's region; pass/fail as :mod:`qingshan.vehicles.judge` computed it.
- ``obd_coverage``: heavy diesel goods vehicles (重型柴油货车) with at least one OBD sample in
  the period ÷ the region's heavy diesel goods vehicles [%] (remote-monitoring coverage).

Region: a GB/T 2260 code; the province (330000) reads every vehicle, a city (xxxx00) its
counties, a county itself. Period: CST calendar days, inclusive.
"""

from __future__ import annotations

from datetime import date, timedelta

from qingshan.vehicles.store import VehicleStore

__all__ = ["region_prefix", "vehicle_kpis"]


def region_prefix(region_code: str) -> str:
    """The code prefix a region's vehicles share (330000 → 33, 330100 → 3301, 330106 → 330106)."""
    if region_code.endswith("0000"):
        return region_code[:2]
    if region_code.endswith("00"):
        return region_code[:4]
    return region_code


def _months(start: date, end: date) -> list[str]:
    out, d = [], start.replace(day=1)
    while d <= end:
        out.append(d.strftime("%Y-%m"))
        d = (d + timedelta(days=32)).replace(day=1)
    return out


def vehicle_kpis(store: VehicleStore, region_code: str, start: date, end: date) -> dict[str, tuple[float | None, int, int]]:  # fmt: skip
    """``{kpi: (value %, numerator, denominator)}`` for the region and period; value None when
    the denominator is 0."""
    like = region_prefix(region_code) + "%"
    t0, t1 = str(start), str(end + timedelta(days=1))
    fleet = store.query(
        "SELECT count(*) FILTER (WHERE fuel = 'diesel') AS diesel, "
        "count(*) FILTER (WHERE fuel = 'diesel' AND stage = '国III') AS old, "
        "count(*) FILTER (WHERE fuel = 'diesel' AND category = 'heavy_goods') AS heavy "
        "FROM vehicles WHERE region_code LIKE ?",
        params=[like],
    ).iloc[0]
    tests = store.query(
        "SELECT count(*) AS n, count(*) FILTER (WHERE NOT t.passed) AS failed FROM im_tests t "
        "JOIN vehicles v USING (vin) WHERE t.kind = 'initial' AND v.region_code LIKE ? "
        "AND timezone('Asia/Shanghai', t.started_at) >= CAST(? AS TIMESTAMP) "
        "AND timezone('Asia/Shanghai', t.started_at) < CAST(? AS TIMESTAMP)",
        months=_months(start - timedelta(days=1), end + timedelta(days=1)),
        params=[like, t0, t1],
    ).iloc[0]
    obd = store.query(
        "SELECT count(DISTINCT o.vin) AS n FROM obd_stream o JOIN vehicles v USING (vin) "
        "WHERE v.fuel = 'diesel' AND v.category = 'heavy_goods' AND v.region_code LIKE ? "
        "AND timezone('Asia/Shanghai', o.at) >= CAST(? AS TIMESTAMP) "
        "AND timezone('Asia/Shanghai', o.at) < CAST(? AS TIMESTAMP)",
        params=[like, t0, t1],
    ).iloc[0]

    def pct(n: int, d: int) -> tuple[float | None, int, int]:
        return (None if d == 0 else round(100.0 * n / d, 1), n, d)

    return {
        "diesel_old_share": pct(int(fleet["old"]), int(fleet["diesel"])),
        "im_initial_failure_rate": pct(int(tests["failed"]), int(tests["n"])),
        "obd_coverage": pct(int(obd["n"]), int(fleet["heavy"])),
    }
