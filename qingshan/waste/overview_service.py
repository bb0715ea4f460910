"""危险废物监管总览 (issue #18), composed from the waste services for the ``/waste`` page: the
region's KPIs and each child region's (the cities of the province, the counties of a city; a
county sees itself) against the plan's targets, the facilities with their capacity use, the
year's received transfers between cities (the flow map) and the storage alerts.

Everything is read through :mod:`qingshan.waste.ledger_service` and
:mod:`qingshan.waste.manifest_service`; nothing is computed here but sums and the grouping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import enterprise_directory, enterprise_names
from qingshan.geo.regions import children, get_region
from qingshan.timeutil import as_cst, utcnow
from qingshan.waste import facility_service, ledger_service, manifest_service

__all__ = [
    "TARGETS",
    "WasteOverview",
    "enterprise_name",
    "get_overview",
    "region_label",
    "transporters",
]

#: GB/T 4754-2017 危险货物道路运输: the transporters a producer may choose
TRANSPORT_CODE = "5435"

#: the plan's waste targets (浙江省2021年生态环境保护工作要点 as transcribed in
#: ``qingshan/targets/data/plan_2021.json``: main.2, 14.1, 14.2, 14.3): KPI key → (plan code,
#: comparison, value [%, or 10^4 t/yr for capacity])
TARGETS: dict[str, tuple[str, str, float]] = {
    "utilisation_rate": ("main.2", ">=", 98.0),
    "county_coverage": ("14.1", ">=", 100.0),
    "small_producer_coverage": ("14.2", ">=", 70.0),
}


def region_label(code: str, lang: str) -> str:
    """A region's name in ``lang``; a code the geography does not hold (another province's
    county, a cross-province destination) is shown as the code marked 省外 / out of province,
    any other unknown one as the code itself."""
    try:
        r = get_region(code)
    except Exception:  # noqa: BLE001 — a label never breaks a page
        if len(code) == 6 and code.isdigit() and not code.startswith("33"):
            return f"{code} (out of province)" if lang == "en" else f"{code}（省外）"
        return code
    return r.name_en if lang == "en" else r.name


def _num(v: Any) -> float | None:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


@dataclass
class WasteOverview:
    """What ``/waste`` shows for one region and year."""

    region_code: str
    year: int
    years: list[int]
    kpis: dict[str, Any]
    rows: list[tuple[str, dict[str, Any]]]
    facilities: list[Any]
    flows: list[dict[str, Any]]
    alerts: list[Any]
    manifests: dict[str, int] = field(default_factory=dict)
    #: the year's manifests past a time limit (:func:`manifest_service.overdue_counts`)
    overdue: dict[str, int] = field(default_factory=dict)

    def met(self, key: str) -> bool | None:
        """Whether the region's KPI ``key`` meets its target (None: no value or target)."""
        target = TARGETS.get(key)
        v = _num(self.kpis.get(key))
        if target is None or v is None:
            return None
        return v >= target[2]


def _region(scope: Scope) -> str:
    return scope.region_code


def _transfers_once(session: Session, scope: Scope, year: int) -> pd.DataFrame:
    """:func:`manifest_service.transfers_frame`, read once per session and year: the KPIs of
    the region and of each of its cities or counties read the same province-wide frame."""
    cache: dict[int, pd.DataFrame] = session.info.setdefault("waste.transfers", {})
    if year not in cache:
        cache[year] = manifest_service.transfers_frame(session, scope, year)
    return cache[year]


def _kpis(session: Session, region: str, year: int) -> dict[str, Any]:
    """The ledger's KPIs of ``region`` with the tonnes utilised or disposed summed [t]."""
    k = dict(ledger_service.waste_kpis(session, region, year, transfers=_transfers_once))
    k["handled_t"] = sum(
        float(k.get(key) or 0.0) for key in ("self_utilised_t", "self_disposed_t", "received_t")
    )
    return k


def get_overview(session: Session, scope: Scope, *, year: int | None = None) -> WasteOverview:
    """The overview of ``scope``'s region for ``year`` (default: this year in CST)."""
    this_year = as_cst(utcnow()).year
    year = year or this_year
    region = _region(scope)
    session.info.pop("waste.transfers", None)  # a fresh read per page
    kpis = _kpis(session, region, year)
    level = get_region(region).level.value
    if scope.role is Role.COUNTY or level == "county":
        subs: list[str] = []
    else:
        subs = [r.code for r in children(region)]
    rows = [(code, _kpis(session, code, year)) for code in subs]
    facilities = facility_service.facilities(session, scope, year=year)
    frame = manifest_service.transfers_frame(session, scope, year)
    flows: list[dict[str, Any]] = []
    if len(frame):
        qty = frame["received_t"].fillna(frame["shipped_t"])
        g = (
            frame.assign(t=qty)
            .groupby(["origin_city", "dest_city"], as_index=False)["t"]
            .sum()
            .sort_values("t", ascending=False)
        )
        flows = [
            {"from": str(r.origin_city), "to": str(r.dest_city), "t": round(float(r.t), 2)}
            for r in g.itertuples()
        ]
    alerts = list(ledger_service.storage_alerts(session, scope, as_cst(utcnow()).date()))
    return WasteOverview(
        region_code=region,
        year=year,
        years=list(range(this_year, this_year - 3, -1)),
        kpis=kpis,
        rows=rows,
        facilities=facilities,
        flows=flows,
        alerts=alerts,
        overdue=manifest_service.overdue_counts(session, scope, year),
    )


def enterprise_name(session: Session, enterprise_id: int) -> str:
    """An enterprise's name from the archive ("" when unknown)."""
    return enterprise_names(session, [enterprise_id]).get(enterprise_id, "")


def transporters(session: Session) -> list[tuple[int, str, str]]:
    """The operating hazardous-goods road carriers (GB/T 4754-2017 5435) of the province as
    (id, name, county), by county then name: the transporters a producer's form offers."""
    rows = [
        (e.id, e.name, e.region_code)
        for e in enterprise_directory(session, "330000")
        if e.industry_code == TRANSPORT_CODE and e.status != "closed"
    ]
    return sorted(rows, key=lambda r: (r[2], r[1]))
