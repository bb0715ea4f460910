"""Annual emissions of an enterprise per permitted pollutant, against its permit's annual caps
(许可排放量, t/a), with the coverage of the data they come from.

Per outlet and pollutant, the amount is taken from the loggers' ``-Cou`` totals where the
observation store holds them (:func:`qingshan.monitoring.emissions.emission_totals`, HJ 212-2017
Appendix D: the sum of the valid hourly amounts); otherwise from the hourly concentration and
flow by the same appendix's method (:func:`hourly_discharge_kg`: flue gas D.2.5 eq. (33)
``G_h = C_h · Q_h · 10⁻⁶``; wastewater the same product with ``C`` in mg/L = g/m³ and
``10⁻³``), over the hours where both values are valid (data flag not in
:data:`~qingshan.timeseries.rollups.HJ212_INVALID_FLAGS`). **Coverage** is the share of the
period's hours that had a valid amount; missing hours are not filled, so a low coverage means
the total is a lower bound.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.monitoring.emissions import emission_totals
from qingshan.monitoring.models import Period, Series
from qingshan.standards.pollutant_codes import FLOW_CODES, POLLUTANT_CODES
from qingshan.timeseries.rollups import valid_mask
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import CST

__all__ = ["FLOW_TO_M3_PER_H", "hourly_discharge_kg", "AnnualEmission", "annual_emissions"]

#: cubic metres per hour per unit of flow
FLOW_TO_M3_PER_H = {"m³/s": 3600.0, "m³/h": 1.0, "L/s": 3.6, "m3/s": 3600.0, "m3/h": 1.0}
#: kilograms per (concentration unit × m³): mg/m³ → 10⁻⁶ kg/m³, mg/L = g/m³ → 10⁻³ kg/m³
CONC_TO_KG_PER_M3 = {"mg/m³": 1e-6, "mg/L": 1e-3, "µg/m³": 1e-9}

T = TypeVar("T", float, np.ndarray, pd.Series)


def hourly_discharge_kg(concentration: T, conc_unit: str, flow: T, flow_unit: str) -> T:
    """Amount discharged in one hour from its mean concentration and flow (HJ 212-2017
    Appendix D.2.5 eq. (33) for flue gas, ``G_h = C_h · Q_h · 10⁻⁶``; for wastewater the same
    product with C in mg/L).

    Parameters
    ----------
    concentration : float, array or Series [conc_unit: mg/m³ or mg/L]
    flow : float, array or Series [flow_unit: m³/s, m³/h or L/s]

    Returns
    -------
    float, array or Series [kg]

    Raises
    ------
    ValueError
        A unit this function does not know (the message lists the known ones).
    """
    c = CONC_TO_KG_PER_M3.get(conc_unit)
    q = FLOW_TO_M3_PER_H.get(flow_unit)
    if c is None:
        raise ValueError(f"concentration unit {conc_unit!r}: one of {list(CONC_TO_KG_PER_M3)}")
    if q is None:
        raise ValueError(f"flow unit {flow_unit!r}: one of {list(FLOW_TO_M3_PER_H)}")
    return concentration * flow * (c * q)


@dataclass(frozen=True)
class AnnualEmission:
    """One pollutant's amount over [start, end) [CST dates] against the cap.

    ``tonnes`` [t]; ``cap`` [t/a] or None; ``share`` = tonnes / cap; ``coverage`` [0–1] hours
    with a valid amount / hours of the period (summed over the outlets); ``basis`` ``"cou"``,
    ``"flow_x_concentration"`` or ``"mixed"``."""

    parameter_code: str
    start: date
    end: date
    tonnes: float
    cap: float | None
    share: float | None
    coverage: float
    basis: str


def annual_emissions(
    session: Session,
    store: ObservationStore,
    site_ids: Sequence[int],
    caps: dict[str, float],
    start: date,
    end: date,
) -> list[AnnualEmission]:
    """Amounts of the pollutants in ``caps`` (code → t/a) discharged by the outlets
    ``site_ids`` over the CST days [start, end)."""
    if not site_ids or not caps or end <= start:
        return []
    hours = int((end - start).days) * 24
    t0 = datetime.combine(start, datetime.min.time(), CST)
    t1 = datetime.combine(end, datetime.min.time(), CST)
    kg: dict[str, float] = defaultdict(float)
    got: dict[str, int] = defaultdict(int)
    basis: dict[str, set[str]] = defaultdict(set)
    done: set[tuple[int, str]] = set()
    for tot in emission_totals(session, store, site_ids, start, end, freq="month", codes=caps):
        if tot.kg is not None:
            kg[tot.code] += tot.kg
            got[tot.code] += tot.hours
            basis[tot.code].add("cou")
            done.add((tot.site_id, tot.code))
    series = session.scalars(
        select(Series).where(
            Series.site_id.in_(list(site_ids)),
            Series.period == Period.HOUR,
            Series.parameter_code.in_([*caps, *FLOW_CODES]),
        )
    ).all()
    by_site: dict[int, dict[str, Series]] = defaultdict(dict)
    for s in series:
        by_site[s.site_id][s.parameter_code] = s
    wanted = {
        sid: (flow, [p for c, p in params.items() if c in caps and (sid, c) not in done])
        for sid, params in by_site.items()
        for flow in [next((params[f] for f in FLOW_CODES if f in params), None)]
        if flow is not None
    }
    ids = [s.id for flow, ps in wanted.values() if ps for s in (flow, *ps)]
    rows = (
        store.query(ids, t0, t1, period="hour", columns=["value", "source_flag"])
        if ids
        else pd.DataFrame()
    )
    if len(rows):
        rows = rows.assign(ok=valid_mask(rows) & rows["value"].notna())
        for _sid, (flow, params) in wanted.items():
            f = rows[(rows["series_id"] == flow.id) & rows["ok"]].set_index("time")["value"]
            for p in params:
                c = rows[(rows["series_id"] == p.id) & rows["ok"]].set_index("time")["value"]
                both = pd.concat([c.rename("c"), f.rename("q")], axis=1, join="inner")
                if both.empty:
                    continue
                unit = p.unit or POLLUTANT_CODES[p.parameter_code].unit
                amount = hourly_discharge_kg(both["c"], unit, both["q"], flow.unit)
                kg[p.parameter_code] += float(amount.sum())
                got[p.parameter_code] += len(both)
                basis[p.parameter_code].add("flow_x_concentration")
    n_sites = {c: sum(1 for s in by_site.values() if c in s) or 1 for c in caps}
    out = []
    for code, cap in caps.items():
        t = kg.get(code, 0.0) / 1000.0
        b = basis.get(code, set())
        out.append(
            AnnualEmission(code, start, end, t, cap, None if not cap else t / cap,
                           min(got.get(code, 0) / (hours * n_sites[code]), 1.0) if hours else 0.0,
                           "mixed" if len(b) > 1 else next(iter(b), "none"))
        )  # fmt: skip
    return out
