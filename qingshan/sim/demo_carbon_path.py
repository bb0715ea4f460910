"""The demo's peak paths (达峰路径, issue #17): the province and each city get a yearly cap
[tCO2] so that the carbon overview's trajectory has a path to be read against.

Invented for the demo from the accounts themselves (not a plan of any bureau): X = the region's
emissions over the demo's last twelve months; the path rises slowly to a peak in 2030
(0.97 X in 2025 … 1.02 X in 2030, the dual-carbon goal's "peak before 2030") and falls 3 % a
year after it, to 2035. Set once per database (never over a path a user set).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.carbon.results import peak_path, results_frame, set_peak_path
from qingshan.db.engine import session_scope
from qingshan.geo.regions import CITY_CODES, PROVINCE_CODE

#: the path as multiples of the last twelve months' emissions, by year
SHAPE: dict[int, float] = {
    2025: 0.97, 2026: 0.985, 2027: 1.0, 2028: 1.01, 2029: 1.015, 2030: 1.02,
    2031: 0.99, 2032: 0.96, 2033: 0.93, 2034: 0.90, 2035: 0.875,
}  # fmt: skip


def seed_demo_peak_paths(engine: Engine) -> str | None:
    """Set the province's and the cities' demo paths; None when a path exists or there are no
    accounts."""
    province = Scope(PROVINCE_CODE, Role.PROVINCE, username="demo")
    with session_scope(engine) as session:
        if any(peak_path(session, code) for code in (PROVINCE_CODE, *CITY_CODES)):
            return None
        frame = results_frame(session, province, year_from=2020, year_to=2060)
        if frame.empty:
            return None
        last = max(frame["month"])
        first = date(last.year - 1, last.month, 1)
        recent = frame[frame["month"] > first]  # the twelve months ending at ``last``
        regions = {PROVINCE_CODE: float(recent["total_tco2"].sum())}
        for city in CITY_CODES:
            regions[city] = float(recent.loc[recent["city_code"] == city, "total_tco2"].sum())
        set_ = 0
        for code, x in regions.items():
            if x > 0:
                path = {y: round(x * k, -2) for y, k in SHAPE.items()}
                set_peak_path(session, province, code, path, actor="demo")
                set_ += 1
    return f"{set_} regions, {min(SHAPE)}–{max(SHAPE)}, peak in 2030"
