"""Emission limits as data, and the reference-oxygen conversion.

Sources
-------
- GB 13223-2011 《火电厂大气污染物排放标准》 Table 1 (limits; new units from 2012-01-01,
  existing units from 2014-07-01, mercury from 2015-01-01), Table 2 (special limits, 大气污染物
  特别排放限值), 5.2 / Table 3 (reference O2: coal-fired boilers 6 %, oil- and gas-fired boilers
  3 %, gas turbines 15 %). Ultra-low emission (超低排放) 10 / 35 / 50 mg/m³ for coal-fired units
  at 6 % O2 is a policy target (环发〔2015〕164号), not part of GB 13223; listed as category
  ``"ultra_low"``.
- GB 4915-2013 《水泥工业大气污染物排放标准》 Table 1 (new sources from 2014-03-01, existing
  from 2015-07-01), Table 2 (special limits); reference O2 10 % for the kiln. The later
  amendment sheet (修改单) was not obtained and is not applied.
- GB 3544-2008 《制浆造纸工业水污染物排放标准》 Table 2 (new enterprises from 2008-08-01,
  existing from 2011-07-01) and Table 3 (special limits) [mg/L; colour 稀释倍数; dioxin
  pg TEQ/L].

Concentrations in mg/m³ (dry flue gas, standard state) unless stated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from qingshan.standards.errors import InvalidValue, StandardsError, UnknownKeyError

__all__ = [
    "EmissionLimit",
    "EMISSION_LIMITS",
    "REFERENCE_O2",
    "reference_o2_correct",
    "emission_limit",
]


@dataclass(frozen=True, slots=True)
class EmissionLimit:
    """One limit value of an emission standard.

    Attributes
    ----------
    standard : str
        e.g. ``"GB 13223-2011"``.
    table : str
        e.g. ``"Table 1"``.
    source : str
        Source type key, e.g. ``"coal_boiler"``.
    pollutant : str
    category : str
        ``"new"``, ``"existing"``, ``"all"``, ``"special"`` or ``"ultra_low"``.
    limit : float [unit]
    unit : str
    applies_from : date or None
    note : str
    """

    standard: str
    table: str
    source: str
    pollutant: str
    category: str
    limit: float
    unit: str
    applies_from: dt.date | None = None
    note: str = ""


_D = dt.date
_G13223, _G4915, _G3544 = "GB 13223-2011", "GB 4915-2013", "GB 3544-2008"
_MG = "mg/m³"
_NEW12, _OLD14, _HG15 = _D(2012, 1, 1), _D(2014, 7, 1), _D(2015, 1, 1)


def _rows() -> list[EmissionLimit]:
    r: list[EmissionLimit] = []
    a = r.append
    v: float  # a limit value [unit of the row]: whole numbers and decimals alike
    # GB 13223-2011 Table 1
    for cat, d in (("new", _NEW12), ("existing", _OLD14)):
        a(EmissionLimit(_G13223, "Table 1", "coal_boiler", "PM", cat, 30, _MG, d))
        a(EmissionLimit(_G13223, "Table 1", "coal_boiler", "SO2", cat, 100 if cat == "new" else 200, _MG, d,
                        "广西、重庆、四川、贵州: 200 (new) / 400 (existing)"))  # fmt: skip
        a(EmissionLimit(_G13223, "Table 1", "coal_boiler", "NOx", cat, 100, _MG, d,
                        "W-flame furnaces, existing CFB and units approved before 2004: 200"))  # fmt: skip
        a(EmissionLimit(_G13223, "Table 1", "oil_boiler", "PM", cat, 30, _MG, d))
        a(
            EmissionLimit(
                _G13223, "Table 1", "oil_boiler", "SO2", cat, 100 if cat == "new" else 200, _MG, d
            )
        )
        a(EmissionLimit(_G13223, "Table 1", "oil_boiler", "NOx", cat, 100, _MG, d))
        a(EmissionLimit(_G13223, "Table 1", "oil_turbine", "NOx", cat, 120, _MG, d))
    a(EmissionLimit(_G13223, "Table 1", "coal_boiler", "Hg", "all", 0.03, _MG, _HG15))
    for src, pm, so2, nox in (("gas_boiler_natural_gas", 5, 35, 100), ("gas_boiler_other", 10, 100, 200),
                              ("gas_turbine_natural_gas", 5, 35, 50), ("gas_turbine_other", 10, 100, 120)):  # fmt: skip
        for pol, v in (("PM", pm), ("SO2", so2), ("NOx", nox)):
            a(EmissionLimit(_G13223, "Table 1", src, pol, "all", v, _MG, _NEW12))
    # GB 13223-2011 Table 2, special limits
    for src, pm, so2, nox in (("coal_boiler", 20, 50, 100), ("oil_boiler", 20, 50, 100),
                              ("oil_turbine", 20, 50, 120), ("gas_boiler_natural_gas", 5, 35, 100),
                              ("gas_turbine_natural_gas", 5, 35, 50)):  # fmt: skip
        for pol, v in (("PM", pm), ("SO2", so2), ("NOx", nox)):
            a(EmissionLimit(_G13223, "Table 2", src, pol, "special", v, _MG))
    a(EmissionLimit(_G13223, "Table 2", "coal_boiler", "Hg", "special", 0.03, _MG))
    for pol, v in (("PM", 10), ("SO2", 35), ("NOx", 50)):
        a(EmissionLimit("环发〔2015〕164号", "ultra-low", "coal_boiler", pol, "ultra_low", v, _MG,
                        note="policy target at 6 % O2, not part of GB 13223-2011"))  # fmt: skip
    # GB 4915-2013 Tables 1 and 2, cement kiln and kiln-tail waste-heat system
    for pol, v, sp in (("PM", 30, 20), ("SO2", 200, 100), ("NOx", 400, 320), ("F", 5, 3),
                       ("Hg", 0.05, 0.05), ("NH3", 10, 8)):  # fmt: skip
        a(EmissionLimit(_G4915, "Table 1", "cement_kiln", pol, "new", v, _MG, _D(2014, 3, 1)))
        a(EmissionLimit(_G4915, "Table 1", "cement_kiln", pol, "existing", v, _MG, _D(2015, 7, 1)))
        a(EmissionLimit(_G4915, "Table 2", "cement_kiln", pol, "special", sp, _MG))
    # GB 3544-2008 Table 2 (and Table 3 special limits, same for all enterprise types)
    t2 = {"pulp_mill": (50, 50, 20, 100, 12, 15, 0.8, 12, 30),
          "pulp_and_paper_mill": (50, 30, 20, 90, 8, 12, 0.8, 12, 30),
          "paper_mill": (50, 30, 20, 80, 8, 12, 0.8, 12, 30)}  # fmt: skip
    t3 = (50, 10, 10, 60, 5, 10, 0.5, 8, 30)
    pols = ("colour", "SS", "BOD5", "COD", "NH3_N", "TN", "TP", "AOX", "dioxin")
    units = ("稀释倍数", *(["mg/L"] * 7), "pg TEQ/L")
    for src, vals in t2.items():
        for pol, v, u, sp in zip(pols, vals, units, t3, strict=True):
            a(EmissionLimit(_G3544, "Table 2", src, pol, "new", v, u, _D(2008, 8, 1)))
            a(EmissionLimit(_G3544, "Table 2", src, pol, "existing", v, u, _D(2011, 7, 1)))
            a(EmissionLimit(_G3544, "Table 3", src, pol, "special", sp, u))
    return r


#: every limit, immutable (see the module docstring for the sources)
EMISSION_LIMITS: tuple[EmissionLimit, ...] = tuple(_rows())

#: reference O2 [%] by source type (GB 13223-2011 5.2; GB 4915-2013 5.2)
REFERENCE_O2: MappingProxyType[str, float] = MappingProxyType(
    {
        "coal_boiler": 6.0, "oil_boiler": 3.0, "gas_boiler_natural_gas": 3.0, "gas_boiler_other": 3.0,
        "oil_turbine": 15.0, "gas_turbine_natural_gas": 15.0, "gas_turbine_other": 15.0,
        "cement_kiln": 10.0,
    }
)  # fmt: skip


def reference_o2_correct(
    concentration: npt.ArrayLike,
    o2: npt.ArrayLike,
    o2_ref: float | None = None,
    source: str | None = None,
) -> float | npt.NDArray[np.float64]:
    """Convert a measured concentration to the reference oxygen content.

    C = C′ × (21 − O2_ref) / (21 − O2) (GB 13223-2011 5.2, GB 4915-2013 5.2; formula shared by
    the emission standards).

    Parameters
    ----------
    concentration : float or array [mg/m³]
        Measured concentration C′.
    o2 : float or array [%]
        Measured O2, < 21.
    o2_ref : float [%], optional
        Reference O2; taken from :data:`REFERENCE_O2` when ``source`` is given instead.
    source : str, optional

    Returns
    -------
    float or ndarray [mg/m³]
    """
    if o2_ref is None:
        if source is None:
            raise InvalidValue("give o2_ref= or source=", field="o2_ref", value=None)
        if source not in REFERENCE_O2:
            raise UnknownKeyError("source type", source, REFERENCE_O2)
        o2_ref = REFERENCE_O2[source]
    o = np.asarray(o2, dtype=np.float64)
    if (o >= 21).any() or (o < 0).any():
        raise InvalidValue(f"measured O2 must be in [0, 21) %, got {float(np.max(o)) if (o >= 21).any() else float(np.min(o)):g}",
                           field="o2", value=o2, clause="GB 13223-2011 5.2")  # fmt: skip
    out = np.asarray(concentration, dtype=np.float64) * (21.0 - o2_ref) / (21.0 - o)
    return float(out) if np.ndim(out) == 0 else out


def emission_limit(standard: str, source: str, pollutant: str, category: str = "new",
                   date: dt.date | None = None) -> EmissionLimit:  # fmt: skip
    """Look up one limit.

    Parameters
    ----------
    standard, source, pollutant, category : str
        Keys of :data:`EMISSION_LIMITS`.
    date : date, optional
        When given, the limit must already apply on that date.

    Raises
    ------
    UnknownKeyError
        When no row matches (the message lists the valid values of the first key that fails).
    """
    standards = sorted({x.standard for x in EMISSION_LIMITS})
    if standard not in standards:
        raise UnknownKeyError("standard", standard, standards)
    rows = [x for x in EMISSION_LIMITS if x.standard == standard]
    for attr, val in (("source", source), ("pollutant", pollutant), ("category", category)):
        valid = sorted({getattr(x, attr) for x in rows})
        if val not in valid:
            raise UnknownKeyError(attr, val, valid)
        rows = [x for x in rows if getattr(x, attr) == val]
    row = rows[0]
    if date is not None and row.applies_from is not None and date < row.applies_from:
        raise StandardsError(
            f"{standard} {source} {pollutant} ({category}) applies from {row.applies_from}, not on {date}",
            applies_from=row.applies_from,
        )
    return row
