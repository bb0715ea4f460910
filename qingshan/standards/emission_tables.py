"""National emission-limit tables as data: one :class:`EmissionLimit` row per standard, table,
source type, pollutant and category.

Gas limits are hourly concentrations [mg/m³] in dry flue gas at standard state and at the
reference O2 of :data:`REFERENCE_O2`; water limits are concentrations [mg/L] (colour:
dilution ratio 稀释倍数; dioxin: pg TEQ/L) at the enterprise's total outlet.

Tags (``EmissionLimit.tag``), as in ``shared/reference/``: ``""`` = read in the standard or in
a source quoting it (named below); ``"[MC]"`` = medium confidence (agreeing secondary sources,
not read in a text of the standard); ``"[U]"`` = unverified (from memory of the text or the
reference notes' own [U]). Tagged rows are data, shown with their tag; tests do not assert them.

Sources
-------
- **GB 13223-2011** 《火电厂大气污染物排放标准》 Table 1 (new units from 2012-01-01, existing
  units from 2014-07-01, mercury from 2015-01-01), Table 2 (special limits); 5.2 reference O2
  (coal-fired boilers 6 %, oil- and gas-fired boilers 3 %, gas turbines 15 %). Confirmed cells
  as listed in ``shared/reference/qc-rules.md`` §8.1 (m.taodocs.com/p-407926987.html): coal SO2,
  coal NOx, gaseous-fuel SO2 and NOx, the dates; the other cells [U]. Ultra-low emission
  10 / 35 / 50 mg/m³ for coal-fired units at 6 % O2 is a policy target (环发〔2015〕164号), not
  part of GB 13223; category ``"ultra_low"``.
- **GB 4915-2013** 《水泥工业大气污染物排放标准》 Table 1 (new sources from 2014-03-01, existing
  from 2015-07-01), Table 2 (special limits): kiln and kiln-tail waste-heat system at 10 % O2
  (whole table [U] in the reference notes); dryers (烘干机、烘干磨、煤磨及冷却机, SO2 and NOx for
  dryers with an independent heat source) [U].
  **Amendment (修改单)**, approved by the MEE and issued jointly with SAMR, in force
  **2026-04-01** (zhcement.com/article/23743.html): the PM, SO2 and NOx limits of dryers with an
  independent heat source (采用独立热源的烘干设备) become 10, 50 and 80 mg/m³ and an NH3 limit of
  8 mg/m³ is added; new enterprises apply the whole amendment from 2026-04-01, existing ones its
  clause 6 (fugitive-emission controls) from 2028-01-01 and the rest from 2026-04-01. The
  publication date and the new reference O2 of those dryers were not obtained [U]; the press
  text names no table, so the special-limit (Table 2) rows of the amendment are [MC].
- **GB 3544-2008** 《制浆造纸工业水污染物排放标准》 Table 2 (new enterprises from 2008-08-01,
  existing from 2011-07-01; wanglu.net/thread/t12-187087-2.html) and Table 3 (special limits,
  [U]).
- **GB 13271-2014** 《锅炉大气污染物排放标准》 (boilers ≤ 65 t/h steam, hot-water and organic
  heat-carrier boilers of any size; briquette, coal-water slurry, coal gangue, petroleum coke,
  oil shale and biomass briquette boilers follow the coal-fired rows): Table 1 existing boilers
  (4.2: > 10 t/h steam or > 7 MW hot-water boilers from 2015-10-01, the others from
  2016-07-01; SO2 of coal-fired boilers in Guangxi, Chongqing, Sichuan and Guizhou 550), Table 2
  new boilers (4.3: from 2014-07-01), Table 3 special limits (4.4: where and when the MEE or the
  province decides); 5.2 reference O2 coal-fired 9 %, oil- and gas-fired 3.5 %. Read in the
  transcription of the official PDF in ``xiaolingjingguai/-`` (``gb13271_gb12348_limits.py``,
  checked there against the page images); Table 1 PM and coal SO2 (400, note (1) 550) and the
  dates also in zglvche.com/sys-nd/843.html and eiacloud.com (foreword). Smoke blackness
  (Ringelmann ≤ 1) is not a concentration and is not listed.
- **GB 4287-2012** 《纺织染整工业水污染物排放标准》 Table 2 (new enterprises from 2013-01-01,
  existing enterprises from 2015-01-01; existing ones used Table 1 in 2013–2014 — the dates in
  SGS SafeGuardS 121/15), Table 3 special limits. **Amendment of 2015-03-27** (环境保护部 with
  AQSIQ, in force on publication; copies at epfzxh.com/Article/ShowInfo.asp?InfoID=384 and
  noqb24.cn): (1) wastewater sent to a municipal treatment plant or municipal sewer must meet
  the **direct** limits (tables' note (3)); (2) Tables 1 and 2 indirect COD ``500 (4) / 200 (5)``
  and BOD5 ``150 (4) / 50 (5)``, (4) = to a park plant that collects and pre-treats dyeing
  wastewater separately, (5) = any other indirect discharge; (3) total antimony 0.10 mg/L,
  direct and indirect, in Tables 1–3, at the total outlet. The other Table 2 values are [MC]
  (three public implementations agree; not read in the text), Table 3 [U]. An MEE notice of
  2015-06-17 suspended the aniline and Cr(VI) rows (not listed here). A new textile standard
  was in its second consultation draft (jlsxsq.com); GB 4287-2012 is the one in force.
- **GB 8978-1996** 《污水综合排放标准》 Table 4 (second-class pollutants, units built from
  1998-01-01 by the date of their EIA approval, 4.2.2), grades 1 / 2 / 3 (4.1: grade 1 into GB 3838
  class III waters (protected zones excepted) and GB 3097 class 2 sea, grade 2 into classes IV–V
  and class 3 sea, grade 3 into a municipal sewer ending in a secondary treatment plant). Read in
  the transcription of the scanned standard in ``xiaolingjingguai/-`` (``gb8978_limits.py``) and
  on m.lovfp.com/wenku/rrves/nZKY0wd3eJ. A sector standard replaces it where one exists (1.2:
  textile dyeing GB 4287, pulp and paper GB 3544…). ``"—"`` cells (no limit) have no row; pH 6–9
  (every grade) is a range and is not listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["EmissionLimit", "EMISSION_LIMITS", "REFERENCE_O2"]


@dataclass(frozen=True, slots=True)
class EmissionLimit:
    """One limit value of an emission standard.

    Attributes
    ----------
    standard : str
        e.g. ``"GB 13271-2014"``.
    table : str
        e.g. ``"Table 3"``.
    source : str
        Source type key, e.g. ``"gas_industrial_boiler"``.
    pollutant : str
    category : str
        ``"new"``, ``"existing"``, ``"all"``, ``"special"``, ``"ultra_low"``; water:
        ``"direct"``, ``"indirect"``, ``"indirect_park"``, ``"indirect_municipal"``,
        ``"special_direct"``, ``"special_indirect"`` (GB 4287) or ``"grade_1"`` … ``"grade_3"``
        (GB 8978).
    limit : float [unit]
    unit : str
    applies_from : date or None
        First day the row applies (inclusive).
    note : str
    clause : str
        The clause of the standard that says when and to whom the table applies.
    tag : str
        ``""`` (confirmed), ``"[MC]"`` or ``"[U]"`` (see the module docstring).
    valid_to : date or None
        First day the row no longer applies (an amendment replaced it); None = in force.
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
    clause: str = ""
    tag: str = ""
    valid_to: dt.date | None = None


_D = dt.date
_MG, _MGL = "mg/m³", "mg/L"
_U, _MC = "[U]", "[MC]"
_G13223, _G4915, _G3544 = "GB 13223-2011", "GB 4915-2013", "GB 3544-2008"
_G13271, _G4287, _G8978 = "GB 13271-2014", "GB 4287-2012", "GB 8978-1996"


def _gb13223() -> list[EmissionLimit]:
    r: list[EmissionLimit] = []
    a = r.append
    new12, old14 = _D(2012, 1, 1), _D(2014, 7, 1)
    for cat, d in (("new", new12), ("existing", old14)):
        a(EmissionLimit(_G13223, "Table 1", "coal_boiler", "PM", cat, 30, _MG, d, tag=_U))
        a(EmissionLimit(_G13223, "Table 1", "coal_boiler", "SO2", cat, 100 if cat == "new" else 200, _MG, d,
                        "广西、重庆、四川、贵州: 200 (new) / 400 (existing)"))  # fmt: skip
        a(EmissionLimit(_G13223, "Table 1", "coal_boiler", "NOx", cat, 100, _MG, d,
                        "W-flame furnaces, existing CFB and units approved before 2004: 200"))  # fmt: skip
        for pol, v in (("PM", 30), ("SO2", 100 if cat == "new" else 200), ("NOx", 100)):
            a(EmissionLimit(_G13223, "Table 1", "oil_boiler", pol, cat, v, _MG, d, tag=_U))
        a(EmissionLimit(_G13223, "Table 1", "oil_turbine", "NOx", cat, 120, _MG, d, tag=_U))
    a(
        EmissionLimit(
            _G13223, "Table 1", "coal_boiler", "Hg", "all", 0.03, _MG, _D(2015, 1, 1), tag=_U
        )
    )
    for src, pm, so2, nox in (("gas_boiler_natural_gas", 5, 35, 100), ("gas_boiler_other", 10, 100, 200),
                              ("gas_turbine_natural_gas", 5, 35, 50), ("gas_turbine_other", 10, 100, 120)):  # fmt: skip
        a(EmissionLimit(_G13223, "Table 1", src, "PM", "all", pm, _MG, new12, tag=_U))
        a(EmissionLimit(_G13223, "Table 1", src, "SO2", "all", so2, _MG, new12))
        a(EmissionLimit(_G13223, "Table 1", src, "NOx", "all", nox, _MG, new12))
    for src, pm, so2, nox in (("coal_boiler", 20, 50, 100), ("oil_boiler", 20, 50, 100),
                              ("oil_turbine", 20, 50, 120), ("gas_boiler_natural_gas", 5, 35, 100),
                              ("gas_turbine_natural_gas", 5, 35, 50)):  # fmt: skip
        for pol, v in (("PM", pm), ("SO2", so2), ("NOx", nox)):
            a(EmissionLimit(_G13223, "Table 2", src, pol, "special", v, _MG, tag=_U))
    a(EmissionLimit(_G13223, "Table 2", "coal_boiler", "Hg", "special", 0.03, _MG, tag=_U))
    for pol, v in (("PM", 10), ("SO2", 35), ("NOx", 50)):
        a(EmissionLimit("环发〔2015〕164号", "ultra-low", "coal_boiler", pol, "ultra_low", v, _MG,
                        note="policy target at 6 % O2, not part of GB 13223-2011"))  # fmt: skip
    return r


def _gb4915() -> list[EmissionLimit]:
    r: list[EmissionLimit] = []
    a = r.append
    dates = (("new", _D(2014, 3, 1)), ("existing", _D(2015, 7, 1)))
    for pol, v, sp in (("PM", 30, 20), ("SO2", 200, 100), ("NOx", 400, 320), ("F", 5, 3),
                       ("Hg", 0.05, 0.05), ("NH3", 10, 8)):  # fmt: skip
        for cat, d in dates:
            a(EmissionLimit(_G4915, "Table 1", "cement_kiln", pol, cat, v, _MG, d, tag=_U))
        a(EmissionLimit(_G4915, "Table 2", "cement_kiln", pol, "special", sp, _MG, tag=_U))
    # dryers with an independent heat source: the original values until the 2026 amendment
    amended = _D(2026, 4, 1)
    src = "cement_dryer_independent_heat"
    for pol, v, sp in (("PM", 30, 20), ("SO2", 600, 400), ("NOx", 400, 300)):
        for cat, d in dates:
            a(EmissionLimit(_G4915, "Table 1", src, pol, cat, v, _MG, d, tag=_U, valid_to=amended))
        a(EmissionLimit(_G4915, "Table 2", src, pol, "special", sp, _MG, tag=_U, valid_to=amended))
    note = "GB 4915-2013 amendment (修改单), in force 2026-04-01 for new and existing enterprises"
    for pol, v in (("PM", 10), ("SO2", 50), ("NOx", 80), ("NH3", 8)):
        for cat in ("new", "existing"):
            a(
                EmissionLimit(
                    _G4915, "Table 1 (amendment 2026)", src, pol, cat, v, _MG, amended, note
                )
            )
        a(EmissionLimit(_G4915, "Table 2 (amendment 2026)", src, pol, "special", v, _MG, amended,
                        note, tag=_MC))  # fmt: skip
    return r


def _gb3544() -> list[EmissionLimit]:
    r: list[EmissionLimit] = []
    t2 = {"pulp_mill": (50, 50, 20, 100, 12, 15, 0.8, 12, 30),
          "pulp_and_paper_mill": (50, 30, 20, 90, 8, 12, 0.8, 12, 30),
          "paper_mill": (50, 30, 20, 80, 8, 12, 0.8, 12, 30)}  # fmt: skip
    t3 = (50, 10, 10, 60, 5, 10, 0.5, 8, 30)
    pols = ("colour", "SS", "BOD5", "COD", "NH3_N", "TN", "TP", "AOX", "dioxin")
    units = ("稀释倍数", *([_MGL] * 7), "pg TEQ/L")
    for src, vals in t2.items():
        for pol, v, u, sp in zip(pols, vals, units, t3, strict=True):
            r.append(EmissionLimit(_G3544, "Table 2", src, pol, "new", v, u, _D(2008, 8, 1)))
            r.append(EmissionLimit(_G3544, "Table 2", src, pol, "existing", v, u, _D(2011, 7, 1)))
            r.append(EmissionLimit(_G3544, "Table 3", src, pol, "special", sp, u, tag=_U))
    return r


def _gb13271() -> list[EmissionLimit]:
    r: list[EmissionLimit] = []
    # (table, category, applies_from, clause): {fuel: (PM, SO2, NOx, Hg or None)}
    tables = {
        ("Table 1", "existing", _D(2015, 10, 1), "4.2"): {
            "coal": (80, 400, 400, 0.05), "oil": (60, 300, 400, None), "gas": (30, 100, 400, None)},
        ("Table 2", "new", _D(2014, 7, 1), "4.3"): {
            "coal": (50, 300, 300, 0.05), "oil": (30, 200, 250, None), "gas": (20, 50, 200, None)},
        ("Table 3", "special", None, "4.4"): {
            "coal": (30, 200, 200, 0.05), "oil": (30, 100, 200, None), "gas": (20, 50, 150, None)},
    }  # fmt: skip
    for (table, cat, start, clause), by_fuel in tables.items():
        for fuel, vals in by_fuel.items():
            for pol, v in zip(("PM", "SO2", "NOx", "Hg"), vals, strict=True):
                if v is None:
                    continue
                note = ""
                if cat == "existing":
                    note = "steam ≤ 10 t/h or hot water ≤ 7 MW: from 2016-07-01"
                    if (fuel, pol) == ("coal", "SO2"):
                        note += "; 广西、重庆、四川、贵州: 550 (Table 1 note (1))"
                if cat == "special":
                    note = "where and from when the MEE or the province decides"
                r.append(EmissionLimit(_G13271, table, f"{fuel}_industrial_boiler", pol, cat, v,
                                       _MG, start, note, clause))  # fmt: skip
    return r


def _gb4287() -> list[EmissionLimit]:
    r: list[EmissionLimit] = []
    a = r.append
    src, start, amended = "dyeing_finishing", _D(2013, 1, 1), _D(2015, 3, 27)
    when = "new enterprises from 2013-01-01, existing ones from 2015-01-01"
    amend = "2015 amendment"
    # pollutant, unit, Table 2 direct, Table 2 indirect (5), Table 3 direct, Table 3 indirect
    rows = (("COD", _MGL, 80, 200, 60, 80), ("BOD5", _MGL, 20, 50, 15, 20),
            ("SS", _MGL, 50, 100, 20, 50), ("colour", "稀释倍数", 50, 80, 30, 50),
            ("NH3_N", _MGL, 10, 20, 8, 10), ("TN", _MGL, 15, 30, 12, 15),
            ("TP", _MGL, 0.5, 1.5, 0.5, 0.5))  # fmt: skip
    for pol, unit, direct, indirect, sp_direct, sp_indirect in rows:
        by_amendment = pol in ("COD", "BOD5")  # the amendment itself gives these indirect values
        a(
            EmissionLimit(
                _G4287, "Table 2", src, pol, "direct", direct, unit, start, when, "4.2, 4.3", _MC
            )
        )
        a(EmissionLimit(_G4287, "Table 2", src, pol, "indirect", indirect, unit, start,
                        f"{when}; {amend} note (5): any other indirect discharge" if by_amendment
                        else when, "4.2, 4.3", "" if by_amendment else _MC))  # fmt: skip
        a(EmissionLimit(_G4287, "Table 2", src, pol, "indirect_municipal", direct, unit, amended,
                        f"{amend} note (3): to a municipal plant or sewer, the direct limit",
                        "4.2, 4.3", _MC))  # fmt: skip
        a(EmissionLimit(_G4287, "Table 3", src, pol, "special_direct", sp_direct, unit, None,
                        "special limits", "4.4", _U))  # fmt: skip
        a(EmissionLimit(_G4287, "Table 3", src, pol, "special_indirect", sp_indirect, unit, None,
                        "special limits", "4.4", _U))  # fmt: skip
    for pol, v in (("COD", 500), ("BOD5", 150)):
        a(EmissionLimit(_G4287, "Table 2", src, pol, "indirect_park", v, _MGL, amended,
                        f"{amend} note (4): to a park plant that collects and pre-treats dyeing "
                        "wastewater apart", "4.2, 4.3"))  # fmt: skip
    for table, clause, cats in (
        ("Table 2", "4.2, 4.3", ("direct", "indirect", "indirect_park", "indirect_municipal")),
        ("Table 3", "4.4", ("special_direct", "special_indirect")),
    ):
        for cat in cats:
            a(EmissionLimit(_G4287, table, src, "Sb", cat, 0.10, _MGL, amended,
                            f"{amend} item 3: total antimony, at the total outlet", clause))  # fmt: skip
    return r


#: GB 8978-1996 Table 4, 其他排污单位 / 一切排污单位: pollutant → (unit, grade 1, 2, 3; None = "—")
_GB8978_OTHER: dict[str, tuple[str, float, float, float | None]] = {
    "colour": ("稀释倍数", 50, 80, None), "SS": (_MGL, 70, 150, 400),
    "BOD5": (_MGL, 20, 30, 300), "COD": (_MGL, 100, 150, 500),
    "petroleum": (_MGL, 5, 10, 20), "animal_vegetable_oil": (_MGL, 10, 15, 100),
    "volatile_phenol": (_MGL, 0.5, 0.5, 2.0), "total_cyanide": (_MGL, 0.5, 0.5, 1.0),
    "sulfide": (_MGL, 1.0, 1.0, 1.0), "NH3_N": (_MGL, 15, 25, None),
    "fluoride": (_MGL, 10, 10, 20), "phosphate_P": (_MGL, 0.5, 1.0, None),
    "formaldehyde": (_MGL, 1.0, 2.0, 5.0), "aniline": (_MGL, 1.0, 2.0, 5.0),
    "nitrobenzene": (_MGL, 2.0, 3.0, 5.0), "LAS": (_MGL, 5.0, 10, 20),
    "Cu": (_MGL, 0.5, 1.0, 2.0), "Zn": (_MGL, 2.0, 5.0, 5.0), "Mn": (_MGL, 2.0, 2.0, 5.0),
    "TOC": (_MGL, 20, 30, None),
}  # fmt: skip
#: grade 1, 2, 3 values of one pollutant (None = "—", no limit)
_Grades = tuple[float, float, float | None]
#: GB 8978-1996 Table 4 rows for named industries (the chemical ones): source → overrides
_GB8978_INDUSTRY: dict[str, tuple[str, dict[str, _Grades]]] = {
    "petrochemical": ("石油化工工业（包括石油炼制）",
                      {"COD": (60, 120, 500), "NH3_N": (15, 50, None)}),
    "dye_manufacturing": ("染料工业",
                          {"COD": (100, 200, 1000), "BOD5": (20, 60, 600), "NH3_N": (15, 50, None)}),
    "pharmaceutical_api": ("医药原料药", {"COD": (100, 300, 1000), "NH3_N": (15, 50, None)}),
}  # fmt: skip


def _gb8978() -> list[EmissionLimit]:
    r: list[EmissionLimit] = []
    start = _D(1998, 1, 1)
    none: dict[str, _Grades] = {}
    sources = {"other_units": ("其他排污单位 / 一切排污单位", none)} | _GB8978_INDUSTRY
    for src, (name, overrides) in sources.items():
        for pol, (unit, g1, g2, g3) in _GB8978_OTHER.items():
            values = overrides.get(pol, (g1, g2, g3))
            for i, v in enumerate(values, start=1):
                if v is None:
                    continue
                r.append(EmissionLimit(_G8978, "Table 4", src, pol, f"grade_{i}", v, unit, start,
                                       f"{name}; units built from 1998-01-01", "4.1, 4.2.2"))  # fmt: skip
    return r


#: every limit, immutable (see the module docstring for the sources and tags)
EMISSION_LIMITS: tuple[EmissionLimit, ...] = tuple(
    _gb13223() + _gb4915() + _gb3544() + _gb13271() + _gb4287() + _gb8978()
)

#: reference O2 [%] by source type: GB 13223-2011 5.2, GB 4915-2013 (kiln), GB 13271-2014 5.2
REFERENCE_O2: MappingProxyType[str, float] = MappingProxyType(
    {
        "coal_boiler": 6.0, "oil_boiler": 3.0, "gas_boiler_natural_gas": 3.0, "gas_boiler_other": 3.0,
        "oil_turbine": 15.0, "gas_turbine_natural_gas": 15.0, "gas_turbine_other": 15.0,
        "cement_kiln": 10.0,
        "coal_industrial_boiler": 9.0, "oil_industrial_boiler": 3.5, "gas_industrial_boiler": 3.5,
    }
)  # fmt: skip
