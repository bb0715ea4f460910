"""The demo's carbon accounts (issue #17): every demo enterprise gets twelve months of activity
data ending at the demo's last full month, plausible for its industry and size, computed through
the carbon service (GB/T 32150 / the NDRC guidelines, the package's factor library), with a few
planted problems and one factor correction so that a version history exists.

Profiles (monthly, at the median size; invented for the demo from typical energy intensities,
not asserted anywhere): a coal power plant burns ~3×10^4 t raw coal (10^4–10^5 with size; the
heat-and-power plants, GB/T 4754 4412, export steam); a cement works makes ~6×10^4 t clinker
with ~0.145 t coal and ~85 kWh per tonne of cement; a paper mill ~8,000 t of paper with its own
coal boiler or bought steam (pulp mills also burn wood waste: biomass, reported apart); a
dyeing mill burns natural gas and buys electricity and park steam; a chemical plant gas, coal,
electricity and steam. Each enterprise has a size (log-normal) and an energy efficiency
(log-normal, so the 碳效码 grades spread); February dips for the Spring Festival.

Planted problems (shown as warnings on the accounts): one month typed in kWh instead of MWh
(a month > 10× the median), three enterprises missing a month, three without value added in a
month. The factor correction: the first three months were computed with natural gas's NCV
mistyped as 38.931 GJ/10^4 Nm3 (the guideline's 389.31), then recomputed with the package
library — the old versions stay (``current=False``) with the reason.

Rows are written with bulk inserts (:func:`qingshan.carbon.service.submit_many`, no audit rows:
the demo's build is not a user's change), once per database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, datetime

import numpy as np
from sqlalchemy import Engine, func, select

from qingshan.archive.service import EnterpriseEntry, enterprise_directory
from qingshan.carbon import service
from qingshan.carbon.activity import ActivityMonth, FuelUse
from qingshan.carbon.factors import FactorLibrary, fuel_ef, load_library
from qingshan.carbon.models import CarbonActivity
from qingshan.db.engine import session_scope
from qingshan.timeutil import as_cst

__all__ = ["DemoCarbon", "seed_demo_carbon", "demo_months", "MISTYPED_GAS_NCV"]

#: the natural-gas NCV of the demo's first, mistyped factor load [GJ/10^4 Nm3] (guideline: 389.31)
MISTYPED_GAS_NCV = 38.931
#: the months computed with the mistyped factor, then corrected
CORRECTED_MONTHS = 3
#: the month factor of each calendar month (Spring Festival in February)
SEASON = {1: 0.95, 2: 0.72, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.02, 7: 1.08, 8: 1.08, 9: 1.0,
          10: 0.98, 11: 1.0, 12: 1.03}  # fmt: skip


@dataclass(frozen=True)
class DemoCarbon:
    enterprises: int
    months: int
    activities: int
    corrected: int
    planted: dict[str, list[int]]
    seconds: float

    def __str__(self) -> str:
        planted = ", ".join(f"{k} {len(v)}" for k, v in self.planted.items())
        return (f"{self.enterprises} enterprises × {self.months} months: {self.activities} "
                f"monthly accounts, {self.corrected} recomputed after a factor correction; "
                f"planted: {planted}")  # fmt: skip


def demo_months(now: datetime, n: int = 12) -> list[date]:
    """The ``n`` months ending at the last full month before ``now`` (China time), oldest first."""
    today = as_cst(now).date()
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(date(y, m, 1))
    return out[::-1]


#: value added is set so that each industry's intensity lands near its national order of magnitude
#: (tCO2 per 10^4 yuan of value added, sector CO2 ÷ sector value added, rounded): thermal power
#: ≈ 25, cement ≈ 30, paper ≈ 4, dyeing ≈ 2.5, chemicals ≈ 3 — demo assumptions, not data.


def _activity(e: EnterpriseEntry, month: date, size: float, eff: float, rng: np.random.Generator,
              chp: bool, own_boiler: bool, pv: bool) -> ActivityMonth:  # fmt: skip
    k = SEASON[month.month] * float(rng.normal(1.0, 0.04))
    use = size * eff * k  # energy use scales with size, efficiency and the season
    out = size * k  # output and value added with size and the season only
    fuels: list[FuelUse] = []
    elec = heat_in = heat_out = green = 0.0
    clinker = None
    if e.industry == "thermal_power":
        coal = float(np.clip(30_000 * use, 10_000, 100_000))
        fuels += [FuelUse("raw_coal", round(coal, 1), "t"),
                  FuelUse("diesel", round(12 * size, 2), "t")]  # fmt: skip
        elec = 150 * size
        heat_out = coal * 20.908 * 0.35 if chp else 0.0
        va = coal / use * out * 0.06
    elif e.industry == "cement":
        clinker = float(np.clip(60_000 * out, 20_000, 180_000))
        fuels += [FuelUse("raw_coal", round(clinker * 0.145 * eff, 1), "t"),
                  FuelUse("diesel", round(20 * size, 2), "t")]  # fmt: skip
        elec = clinker / 0.75 * 0.085 * eff
        va = clinker / 0.75 * 0.023
    elif e.industry == "paper":
        paper = 8_000 * out
        if own_boiler:
            fuels.append(FuelUse("raw_coal", round(paper * 0.35 * eff, 1), "t"))
        else:
            heat_in = paper * 8.0 * eff
        fuels.append(FuelUse("natural_gas", round(paper * 0.002 * eff, 3), "10^4 Nm3"))
        if (e.industry_code or "").startswith("2211"):
            fuels.append(FuelUse("wood", round(paper * 0.3, 1), "t"))  # pulp mill: biomass
        elec = paper * 0.5 * eff
        va = paper * 0.30
    elif e.industry == "dyeing":
        fuels.append(FuelUse("natural_gas", round(20 * use, 3), "10^4 Nm3"))
        elec = 1_500 * use
        heat_in = 40_000 * use
        green = elec * 0.1 if pv else 0.0
        va = 2_400 * out
    else:  # chemical
        fuels.append(FuelUse("natural_gas", round(50 * use, 3), "10^4 Nm3"))
        if own_boiler:
            fuels.append(FuelUse("raw_coal", round(3_000 * use, 1), "t"))
        fuels.append(FuelUse("diesel", round(5 * size, 2), "t"))
        elec = 5_000 * use
        heat_in = 30_000 * use
        va = 3_750 * out
    return ActivityMonth(
        enterprise_id=e.id, month=month, fuels=tuple(fuels),
        electricity_purchased_mwh=round(elec, 1), green_electricity_mwh=round(green, 1),
        heat_purchased_gj=round(heat_in, 1), heat_exported_gj=round(heat_out, 1),
        clinker_t=None if clinker is None else round(clinker, 1),
        value_added_10k_yuan=round(va, 1), output_value_10k_yuan=round(va * 4, 1),
    )  # fmt: skip


def _mistyped(library: FactorLibrary, on: date) -> FactorLibrary:
    gas = library.fuel("natural_gas", on)
    p = {**gas.params, "ncv": MISTYPED_GAS_NCV}
    return library.with_override(replace(gas, params=p, value=fuel_ef(p["ncv"], p["cc"], p["of"])))


def _pick(ents: list[EnterpriseEntry], prefixes: tuple[str, ...], n: int, skip: set[int],
          industry: str | None = None) -> list[int]:  # fmt: skip
    """The first ``n`` enterprises (by id) of the first prefix that has them (Xihu, then
    Hangzhou, then anywhere): planted where the demo's county and city accounts see them."""
    out: list[int] = []
    for prefix in prefixes:
        for e in ents:
            if len(out) == n:
                return out
            if (
                e.region_code.startswith(prefix)
                and e.id not in skip
                and e.id not in out
                and (industry is None or e.industry == industry)
            ):
                out.append(e.id)
    return out


def seed_demo_carbon(engine: Engine, *, now: datetime, seed: int = 2026) -> DemoCarbon | None:
    """Give every demo enterprise its monthly carbon accounts (None when accounts exist)."""
    started = time.monotonic()
    rng = np.random.default_rng([seed, 17])
    months = demo_months(now)
    library = load_library()
    with session_scope(engine) as session:
        if session.scalar(select(func.count()).select_from(CarbonActivity)):
            return None
        ents = [e for e in enterprise_directory(session, "330000") if e.status != "closed"]
        where = ("330106", "3301", "33")
        ten = _pick(ents, where, 1, set(), "dyeing")
        missing = _pick(ents, where, 3, set(ten))
        no_va = _pick(ents, where, 3, set(ten) | set(missing))
        acts: list[ActivityMonth] = []
        for e in ents:
            size = float(np.clip(rng.lognormal(0.0, 0.5), 0.3, 3.0))
            eff = float(np.clip(rng.lognormal(0.0, 0.3), 0.5, 2.2))
            chp = (e.industry_code or "") == "4412"
            own_boiler, pv = bool(rng.random() < 0.6), bool(rng.random() < 0.3)
            for i, m in enumerate(months):
                a = _activity(e, m, size, eff, rng, chp, own_boiler, pv)
                if e.id in missing and i == len(months) - 3:
                    continue
                if e.id in no_va and i == len(months) - 2:
                    a = replace(a, value_added_10k_yuan=None)
                if e.id in ten and i == len(months) - 6:  # electricity typed in kWh
                    a = replace(a, electricity_purchased_mwh=a.electricity_purchased_mwh * 1000)
                acts.append(a)
        early = set(months[:CORRECTED_MONTHS])
        first = [a for a in acts if a.month in early]
        rest = [a for a in acts if a.month not in early]
        service.submit_many(session, first, source="sim", actor="demo",
                            library=_mistyped(library, months[0]), now=now)  # fmt: skip
        service.submit_many(session, rest, source="sim", actor="demo", library=library, now=now)
        corrected = service.recompute(
            session, library, months=sorted(early), now=now,
            reason=f"natural gas NCV {MISTYPED_GAS_NCV} → 389.31 GJ/10^4 Nm3 (a typing error in "
                   "the first factor load)",
        )  # fmt: skip
    return DemoCarbon(enterprises=len(ents), months=len(months), activities=len(acts),
                      corrected=corrected,
                      planted={"ten_times": ten, "missing_month": missing, "no_value_added": no_va},
                      seconds=time.monotonic() - started)  # fmt: skip
