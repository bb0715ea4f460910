"""An enterprise's monthly CO2 emissions by GB/T 32150 and the NDRC accounting guidelines.

GB/T 32150-2015 《工业企业温室气体排放核算和报告通则》 §6 (核算边界确定: the reporting entity's
production systems) and §7 (核算步骤与方法: sources and formulas), as the 24 industry guidelines
(NDRC 2013–2015) apply them::

    E = E_fuel + E_process + E_elec,purchased + E_heat,purchased − E_elec,exported − E_heat,exported
    E_fuel  = Σ_i AD_i × NCV_i × CC_i × OF_i × 44/12                   (scope 1)
    E_proc  = clinker [t] × EF_clinker [tCO2/t]                         (scope 1, cement guideline)
    E_elec  = AD [MWh] × EF_grid [tCO2/MWh] (basis: ETS 0.5703 by default)   (scope 2)
    E_heat  = AD [GJ] × 0.11 [tCO2/GJ]                                 (scope 2)

Biomass combustion CO2 is computed the same way but reported apart and not counted in the total
(GB/T 32150-2015: "生物质燃料燃烧产生的温室气体排放，应单独核算并在报告中给予说明，但不计入温室
气体排放总量"). Sub-clause numbers inside §7 are not confirmed from the text (see docs/carbon.md). The method edition
follows the month (:func:`~qingshan.carbon.factors.method_edition`); the 2025 revision keeps the
same formulas for these sources (heat: measured first, 0.11 tCO2/GJ default, §7.5.6–7.5.7 [3P]).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from qingshan.carbon.activity import ActivityMonth, validate_activity
from qingshan.carbon.errors import CarbonError, WrongUnit
from qingshan.carbon.factor_files import CO2_PER_C, Factor
from qingshan.carbon.factors import FactorLibrary, method_edition

__all__ = [
    "EmissionLine",
    "MonthResult",
    "code_tco2",
    "emissions_month",
    "result_from_json",
    "result_to_json",
]


@dataclass(frozen=True)
class EmissionLine:
    """One source of the month: ``tco2`` [tCO2] (negative for exports) = ``activity`` [unit] ×
    the factor ``factor_id``."""

    source: str
    scope: int
    activity: float
    unit: str
    tco2: float
    biomass: bool
    factor_id: str


@dataclass(frozen=True)
class MonthResult:
    """The month's emissions [tCO2], its lines, the factors used and the warnings.

    ``green_tco2`` is the zero-carbon electricity's share at the grid factor: deducted from the
    total only for the 碳效码 intensity (2021 method: "扣除水电、风电、光伏等零碳电力"), see
    :func:`code_tco2`.
    """

    enterprise_id: int
    month: dt.date
    lines: tuple[EmissionLine, ...]
    scope1_tco2: float
    scope2_tco2: float
    biomass_tco2: float
    total_tco2: float
    edition: str
    library_version: str
    basis: str
    factors: dict[str, dict[str, Any]] = field(hash=False)
    warnings: tuple[str, ...]
    green_tco2: float = 0.0


def _month_label(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _period_warning(f: Factor, on: dt.date) -> str | None:
    """GB/T 32150 asks for the factor of the accounting period; when none covers it, the newest
    one is used and the result says so."""
    if f.valid_to is not None and on > f.valid_to:
        return (
            f"factor {f.id} ({f.value:.4g} {f.unit}) used past its stated period (valid to "
            f"{f.valid_to.isoformat()}) for {_month_label(on)}: no newer factor in the library"
        )
    if on < f.valid_from:
        return (
            f"factor {f.id} ({f.value:.4g} {f.unit}) used before its stated period (valid from "
            f"{f.valid_from.isoformat()}) for {_month_label(on)}: no earlier factor in the library"
        )
    return None


def emissions_month(
    a: ActivityMonth, library: FactorLibrary, *, basis: str = "ets", guideline: str = "general"
) -> MonthResult:
    """CO2 emissions of one enterprise-month [tCO2] by GB/T 32150-2015 §7 and the guidelines.

    Parameters
    ----------
    a : ActivityMonth
        The month's activity data; ``a.month`` is the first day of the month.
    library : FactorLibrary
        The factors; the one in force on ``a.month`` is used for each source.
    basis : {"ets", "national", "east_china", "non_fossil_excluded", "fossil"}
        Electricity-factor basis (口径). ``"ets"``: 0.5703 tCO2/MWh for 2023–2025 reporting.
    guideline : {"general", "later", "ipcc2006"}
        The fuel table tried first (then the general batch-1 table, then IPCC 2006).

    Returns
    -------
    MonthResult
        Lines per source, scope 1 (fuels, process) and scope 2 (purchased − exported
        electricity and heat) [tCO2], biomass apart, total = scope 1 + scope 2, the edition,
        the library version, every factor used (id → value, unit, source, validity, tag,
        params) and warnings (factor outside its stated period, fallback table used).

    Raises
    ------
    UnknownFuel, WrongUnit, NegativeAmount, InvalidAmount, UnknownFactor
    """
    validate_activity(a)
    if a.month.day != 1:
        raise CarbonError(
            f"month must be the first day of a month (got {a.month.isoformat()})", field="month"
        )
    on = a.month
    lines: list[EmissionLine] = []
    used: dict[str, Factor] = {}
    warnings: list[str] = []

    # fuel combustion (GB/T 32150-2015 §7; guidelines): AD × NCV × CC × OF × 44/12; same fuel summed
    amounts: dict[str, float] = {}
    for fu in a.fuels:
        f = library.fuel(fu.fuel, on, guideline=guideline)
        expected = str(f.params["activity_unit"])
        if fu.unit != expected:
            raise WrongUnit(fu.fuel, fu.unit, expected)
        amounts[fu.fuel] = amounts.get(fu.fuel, 0.0) + float(fu.amount)
        used[f.id] = f
        if f.params.get("guideline") != guideline and not f.params.get("biomass"):
            warnings.append(
                f"fuel {fu.fuel!r}: not in the {guideline!r} table; factor {f.id} used"
                + (
                    " (IPCC 2006 default, oxidation 100 %)"
                    if f.params.get("guideline") == "ipcc2006"
                    else ""
                )
            )
    for key, amount in amounts.items():
        f = library.fuel(key, on, guideline=guideline)
        p = f.params
        tco2 = amount * float(p["ncv"]) * float(p["cc"]) * float(p["of"]) * CO2_PER_C
        lines.append(
            EmissionLine(
                f"fuel:{key}", 1, amount, str(p["activity_unit"]), tco2, bool(p["biomass"]), f.id
            )
        )

    # process: cement clinker calcination (cement guideline 2013, carbonate decomposition)
    if a.clinker_t is not None and a.clinker_t > 0:
        f = library.process("clinker", on)
        used[f.id] = f
        lines.append(
            EmissionLine("process:clinker", 1, a.clinker_t, "t", a.clinker_t * _v(f), False, f.id)
        )

    # purchased minus exported electricity and heat (GB/T 32150-2015 §7; guidelines)
    green = 0.0
    if (
        a.electricity_purchased_mwh > 0
        or a.electricity_exported_mwh > 0
        or a.green_electricity_mwh > 0
    ):
        f = library.grid(on, basis=basis)
        used[f.id] = f
        ef = _v(f)
        if a.electricity_purchased_mwh > 0:
            lines.append(
                EmissionLine(
                    "electricity",
                    2,
                    a.electricity_purchased_mwh,
                    "MWh",
                    a.electricity_purchased_mwh * ef,
                    False,
                    f.id,
                )
            )
        if a.electricity_exported_mwh > 0:
            lines.append(
                EmissionLine(
                    "electricity_export",
                    2,
                    a.electricity_exported_mwh,
                    "MWh",
                    -a.electricity_exported_mwh * ef,
                    False,
                    f.id,
                )
            )
        if a.green_electricity_mwh > a.electricity_purchased_mwh:
            warnings.append(
                f"green electricity {a.green_electricity_mwh:g} MWh exceeds purchased electricity "
                f"{a.electricity_purchased_mwh:g} MWh: the 碳效码 deduction is capped at the purchase"
            )
        green = min(a.green_electricity_mwh, a.electricity_purchased_mwh) * ef
    if a.heat_purchased_gj > 0 or a.heat_exported_gj > 0:
        f = library.heat(on)
        used[f.id] = f
        if a.heat_purchased_gj > 0:
            lines.append(
                EmissionLine(
                    "heat", 2, a.heat_purchased_gj, "GJ", a.heat_purchased_gj * _v(f), False, f.id
                )
            )
        if a.heat_exported_gj > 0:
            lines.append(
                EmissionLine(
                    "heat_export",
                    2,
                    a.heat_exported_gj,
                    "GJ",
                    -a.heat_exported_gj * _v(f),
                    False,
                    f.id,
                )
            )

    for f in used.values():
        w = _period_warning(f, on)
        if w is not None:
            warnings.append(w)
    scope1 = sum(ln.tco2 for ln in lines if ln.scope == 1 and not ln.biomass)
    scope2 = sum(ln.tco2 for ln in lines if ln.scope == 2)
    biomass = sum(ln.tco2 for ln in lines if ln.biomass)
    return MonthResult(
        enterprise_id=a.enterprise_id,
        month=on,
        lines=tuple(lines),
        scope1_tco2=scope1,
        scope2_tco2=scope2,
        biomass_tco2=biomass,
        total_tco2=scope1 + scope2,
        edition=method_edition(on),
        library_version=library.version,
        basis=basis,
        factors={fid: _factor_json(f) for fid, f in sorted(used.items())},
        warnings=tuple(warnings),
        green_tco2=green,
    )


def _v(f: Factor) -> float:
    assert f.value is not None, f.id
    return f.value


def _factor_json(f: Factor) -> dict[str, Any]:
    d = f.to_json()
    d.pop("id")
    return d


def code_tco2(r: MonthResult) -> float:
    """CO2 counted for the 碳效码 intensity [tCO2]: the total minus zero-carbon electricity at the
    grid factor (2021 碳效等级评价方法: subtract hydro, wind and PV power)."""
    return r.total_tco2 - r.green_tco2


def result_to_json(r: MonthResult) -> dict[str, Any]:
    """A JSON-ready dict of ``r`` (month ISO, lines as dicts)."""
    return {
        "enterprise_id": r.enterprise_id,
        "month": r.month.isoformat(),
        "lines": [ln.__dict__.copy() for ln in r.lines],
        "scope1_tco2": r.scope1_tco2,
        "scope2_tco2": r.scope2_tco2,
        "biomass_tco2": r.biomass_tco2,
        "total_tco2": r.total_tco2,
        "green_tco2": r.green_tco2,
        "edition": r.edition,
        "library_version": r.library_version,
        "basis": r.basis,
        "factors": {k: dict(v) for k, v in r.factors.items()},
        "warnings": list(r.warnings),
    }


def result_from_json(d: dict[str, Any]) -> MonthResult:
    """The inverse of :func:`result_to_json`."""
    return MonthResult(
        enterprise_id=int(d["enterprise_id"]),
        month=dt.date.fromisoformat(str(d["month"])[:10]),
        lines=tuple(EmissionLine(**ln) for ln in d["lines"]),
        scope1_tco2=float(d["scope1_tco2"]),
        scope2_tco2=float(d["scope2_tco2"]),
        biomass_tco2=float(d["biomass_tco2"]),
        total_tco2=float(d["total_tco2"]),
        edition=str(d["edition"]),
        library_version=str(d["library_version"]),
        basis=str(d["basis"]),
        factors={k: dict(v) for k, v in d["factors"].items()},
        warnings=tuple(d.get("warnings", ())),
        green_tco2=float(d.get("green_tco2", 0.0)),
    )
