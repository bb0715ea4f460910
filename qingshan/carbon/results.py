"""What the carbon pages read across enterprises (issue #17): the results frame the roll-ups
take (one row per enterprise-month, current versions), the peak path a region sets, and the
碳效码 — intensity per 10^4 yuan of value added against the industry average of the same year
(:mod:`qingshan.carbon.grading`)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.archive.service import EnterpriseEntry, enterprise_directory
from qingshan.carbon.errors import BadActivity, OutsideScope
from qingshan.carbon.grading import CarbonCode, carbon_code, intensity
from qingshan.carbon.models import CarbonPeakPath, CarbonResult
from qingshan.carbon.service import (
    FRAME_COLUMNS,
    MIN_PEERS,
    enterprise_entry,
    enterprises_in_scope,
)
from qingshan.timeutil import utcnow


# ----------------------------------------------------------------------------------------
# the frame the pages roll up
# ----------------------------------------------------------------------------------------
def results_frame(session: Session, scope: Scope, *, year_from: int, year_to: int) -> pd.DataFrame:
    """One row per (enterprise, month) of the current versions in ``year_from``..``year_to`` of
    the enterprises ``scope`` sees, columns :data:`FRAME_COLUMNS` (tCO2, 10^4 yuan, MWh;
    ``electricity_mwh`` = purchased electricity of the month). Empty frame, same columns, when
    nothing is stored."""
    ents = enterprises_in_scope(session, scope)
    if not ents:
        return _empty_frame()
    rows = session.execute(
        select(CarbonResult.enterprise_id, CarbonResult.month, CarbonResult.scope1_tco2,
               CarbonResult.scope2_tco2, CarbonResult.biomass_tco2, CarbonResult.total_tco2,
               CarbonResult.value_added_10k_yuan, CarbonResult.electricity_mwh,
               CarbonResult.basis, CarbonResult.library_version)
        .where(CarbonResult.current.is_(True), CarbonResult.month >= date(year_from, 1, 1),
               CarbonResult.month <= date(year_to, 12, 1))
        .order_by(CarbonResult.enterprise_id, CarbonResult.month)
    ).all()  # fmt: skip
    out = []
    for eid, month, s1, s2, bio, total, va, elec, basis, libv in rows:
        e = ents.get(int(eid))
        if e is None:
            continue
        out.append((e.id, e.name, e.region_code, e.region_code[:4] + "00", e.industry,
                    e.industry_code, month, s1, s2, bio, total, va, elec, basis,
                    libv))  # fmt: skip
    if not out:
        return _empty_frame()
    df = pd.DataFrame(out, columns=FRAME_COLUMNS)
    df["month"] = pd.to_datetime(df["month"]).dt.date
    return df


def _empty_frame() -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype="object") for c in FRAME_COLUMNS})
    for c in ("scope1_tco2", "scope2_tco2", "biomass_tco2", "total_tco2", "value_added_10k_yuan",
              "electricity_mwh"):  # fmt: skip
        df[c] = df[c].astype("float64")
    df["enterprise_id"] = df["enterprise_id"].astype("int64")
    return df


# ----------------------------------------------------------------------------------------
# the peak path
# ----------------------------------------------------------------------------------------
def set_peak_path(
    session: Session,
    scope: Scope,
    region_code: str,
    path: dict[int, float],
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """Set ``region_code``'s peak path (达峰路径): year → target emissions [tCO2]. Replaces the
    years given (other years kept). Region users only, within their region."""
    if scope.role in (Role.PUBLIC, Role.ENTERPRISE):
        raise OutsideScope(f"{scope.username} may not set a peak path", field="region_code")
    scope.check_region(region_code)
    now = now or utcnow()
    for year, tco2 in path.items():
        if not 1990 <= int(year) <= 2100:
            raise BadActivity(f"year {year} is out of range (1990–2100)", field="year")
        if not math.isfinite(tco2) or tco2 < 0:
            raise BadActivity(f"peak-path value of {year} must be a finite number >= 0 "
                              f"(got {tco2!r})", field="tco2")  # fmt: skip
    for year, tco2 in sorted(path.items()):
        row = session.get(CarbonPeakPath, (region_code, int(year)))
        if row is None:
            session.add(CarbonPeakPath(region_code=region_code, year=int(year), tco2=float(tco2),
                                       set_by=actor, set_at=now))  # fmt: skip
        else:
            row.tco2, row.set_by, row.set_at = float(tco2), actor, now
    session.flush()


def peak_path(session: Session, region_code: str) -> dict[int, float]:
    """``region_code``'s peak path: year → tCO2, by year (empty when none is set)."""
    rows = session.execute(
        select(CarbonPeakPath.year, CarbonPeakPath.tco2)
        .where(CarbonPeakPath.region_code == region_code)
        .order_by(CarbonPeakPath.year)
    ).all()
    return {int(y): float(t) for y, t in rows}


# ----------------------------------------------------------------------------------------
# 碳效码
# ----------------------------------------------------------------------------------------
def _year_intensities(session: Session, year: int) -> dict[int, float | None]:
    """enterprise → the year's intensity [tCO2/10^4 yuan] over its current results (None when
    a month lacks value added). The CO2 counted is the total minus zero-carbon electricity
    (:func:`qingshan.carbon.accounting.code_tco2`, the 2021 method's deduction)."""
    rows = session.execute(
        select(CarbonResult.enterprise_id, CarbonResult.total_tco2,
               CarbonResult.value_added_10k_yuan, CarbonResult.green_tco2)
        .where(CarbonResult.current.is_(True), CarbonResult.month >= date(year, 1, 1),
               CarbonResult.month <= date(year, 12, 1))
    ).all()  # fmt: skip
    tco2: dict[int, float] = defaultdict(float)
    va: dict[int, float | None] = {}
    for eid, total, v, green in rows:
        eid = int(eid)
        tco2[eid] += float(total) - float(green or 0.0)
        if v is None:
            va[eid] = None
        elif eid not in va or va[eid] is not None:
            va[eid] = (va.get(eid) or 0.0) + float(v)
    return {e: intensity(tco2[e], va[e]) for e in tco2}


def carbon_codes(session: Session, scope: Scope, year: int) -> dict[int, CarbonCode]:
    """enterprise id → 碳效码 of ``year`` of every enterprise ``scope`` sees that has a result in
    the year (the rule of :func:`carbon_code_of`, computed once for all)."""
    mine = enterprises_in_scope(session, scope)
    if not mine:
        return {}
    everyone = enterprise_directory(session, "330000")
    intens = _year_intensities(session, year)
    return {eid: _code(entry, everyone, intens, year) for eid, entry in mine.items()
            if eid in intens}  # fmt: skip


def _code(
    entry: EnterpriseEntry, everyone: list[EnterpriseEntry], intens: dict[int, float | None],
    year: int,
) -> CarbonCode:  # fmt: skip
    division = (entry.industry_code or "")[:2]
    peers = [v for e in everyone
             if division and (e.industry_code or "")[:2] == division
             and (v := intens.get(e.id)) is not None]  # fmt: skip
    basis = f"GB/T 4754-2017 division {division}"
    if len(peers) < MIN_PEERS:
        peers = [v for e in everyone
                 if e.industry == entry.industry and (v := intens.get(e.id)) is not None]  # fmt: skip
        basis = (f"rule-pack industry {entry.industry} (division {division or '—'} has fewer "
                 f"than {MIN_PEERS} peers)")  # fmt: skip
    avg = sum(peers) / len(peers) if peers else None
    code = carbon_code(intens.get(entry.id), avg)
    return replace(
        code, method=f"{code.method}; peers: {basis}, {len(peers)} enterprises in {year}"
    )


def carbon_code_of(session: Session, scope: Scope, enterprise_id: int, year: int) -> CarbonCode:
    """The 碳效码 of ``enterprise_id`` for ``year``: intensity = the year's CO2 [tCO2] (the total
    less zero-carbon electricity, :func:`qingshan.carbon.accounting.code_tco2`) ÷ its value added
    [10^4 yuan]; K = intensity ÷ the mean intensity of its peers in the same year — the
    enterprises of its GB/T 4754-2017 division (大类, the first two digits of ``industry_code``),
    or of its rule-pack industry when the division has fewer than :data:`MIN_PEERS` enterprises
    with an intensity (the code's ``method`` says which). Grades and levels per
    :mod:`qingshan.carbon.grading` (2021 method; verify against DB33/T 1347—2023). No value
    added: no intensity, no grade (a warning on the account)."""
    entry = enterprise_entry(session, scope, enterprise_id)
    return _code(entry, enterprise_directory(session, "330000"),
                 _year_intensities(session, year), year)  # fmt: skip
