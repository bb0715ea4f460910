"""Emission limits and reference oxygen the demo's permits carry, in one place with sources.

Every figure is read from the standards library (:func:`qingshan.standards.emission_limits.
emission_limit` over the tables of :mod:`qingshan.standards.emission_tables`, reference O2 from
``REFERENCE_O2``): this module only chooses, per demo source type, the standard, table row
(source, category) and pollutants — it holds no limit of its own.
Gas limits are hourly concentrations [mg/m³] at the reference O2 [%] (dry, standard state);
water limits are daily concentrations [mg/L]. ``[U]`` marks figures the reference notes
(``qc-rules.md`` §7–8) flag as to be confirmed against the official text.

Sources
-------
- GB 13223-2011 《火电厂大气污染物排放标准》 Table 1/2; ultra-low emission (超低排放) for coal
  units per 《煤电节能减排升级与改造行动计划（2014—2020年）》 and 环发〔2015〕164号: PM 10,
  SO2 35, NOx 50 at 6 % O2.
- GB 4915-2013 《水泥工业大气污染物排放标准》 Table 2 (special limits), kiln tail at 10 % O2 [U].
- GB 13271-2014 《锅炉大气污染物排放标准》 Table 3 (special limits), coal boilers at 9 % O2,
  gas boilers at 3.5 % O2 (5.2).
- GB 3544-2008 《制浆造纸工业水污染物排放标准》 Table 2: paper mills COD 80, NH3-N 8;
  pulp-and-paper mills COD 90, NH3-N 8.
- GB 4287-2012 《纺织染整工业水污染物排放标准》 Table 2, direct discharge: COD 80, NH3-N 10
  (the library tags the Table 2 cells [MC]).
- GB 8978-1996 《污水综合排放标准》 Table 4 grade 1 (其他排污单位): COD 100, NH3-N 15.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from qingshan.standards.emission_limits import REFERENCE_O2, emission_limit


@dataclass(frozen=True, slots=True)
class SourceType:
    """A kind of emission source with its limits.

    Attributes
    ----------
    key : str
        ``Site.attrs["source_type"]`` of outlets of this kind.
    medium : str
        ``"gas"`` or ``"water"``.
    reference_o2 : float or None
        Reference oxygen content for 折算 [%]; None for water.
    limits : mapping
        HJ 212-2017 parameter code → limit [mg/m³ at reference O2, or mg/L].
    averaging : str
        ``"hour"`` (gas, CEMS hourly mean) or ``"day"`` (water, daily mean).
    standard : str
        Citation, e.g. ``"GB 13223-2011 表2"``.
    """

    key: str
    name: str
    medium: str
    reference_o2: float | None
    limits: MappingProxyType[str, float]
    averaging: str
    standard: str


def _m(**kw: float) -> MappingProxyType[str, float]:
    return MappingProxyType(dict(kw))


SO2, NOX, PM = "a21026", "a21002", "a34013"
POLLUTANTS_GAS = (SO2, NOX, PM)
COD, NH3N = "w01018", "w21003"

#: HJ 212-2017 code → pollutant name in :mod:`qingshan.standards.emission_limits`
_STD_NAME = {PM: "PM", SO2: "SO2", NOX: "NOx", COD: "COD", NH3N: "NH3_N"}


def _std(key, name, medium, std_source, standard, source, category, codes, averaging, cite):
    """A source type whose limits and reference O2 are read from the standards library
    (:func:`qingshan.standards.emission_limits.emission_limit`, ``REFERENCE_O2``)."""
    limits = {
        c: float(emission_limit(standard, source, _STD_NAME[c], category).limit) for c in codes
    }
    ref = float(REFERENCE_O2[std_source]) if medium == "gas" else None
    return SourceType(key, name, medium, ref, MappingProxyType(limits), averaging, cite)


_GAS = (PM, SO2, NOX)  # the order of the permit rows written by the catalog
_WATER = (COD, NH3N)
_TYPES = (
    _std(
        "coal_boiler_ultralow",
        "燃煤发电锅炉（超低排放）",
        "gas",
        "coal_boiler",
        "环发〔2015〕164号",
        "coal_boiler",
        "ultra_low",
        _GAS,
        "hour",
        "GB 13223-2011; 超低排放 环发〔2015〕164号",
    ),
    _std(
        "coal_boiler_special",
        "燃煤发电锅炉",
        "gas",
        "coal_boiler",
        "GB 13223-2011",
        "coal_boiler",
        "special",
        _GAS,
        "hour",
        "GB 13223-2011 表2 特别排放限值",
    ),
    _std(
        "gas_turbine",
        "燃气轮机组",
        "gas",
        "gas_turbine_natural_gas",
        "GB 13223-2011",
        "gas_turbine_natural_gas",
        "special",
        _GAS,
        "hour",
        "GB 13223-2011 表2 燃气轮机组",
    ),
    _std(
        "cement_kiln",
        "水泥窑及窑尾余热利用系统",
        "gas",
        "cement_kiln",
        "GB 4915-2013",
        "cement_kiln",
        "special",
        _GAS,
        "hour",
        "GB 4915-2013 表2 特别排放限值",
    ),
    _std(
        "coal_industrial_boiler",
        "燃煤工业锅炉",
        "gas",
        "coal_industrial_boiler",
        "GB 13271-2014",
        "coal_industrial_boiler",
        "special",
        _GAS,
        "hour",
        "GB 13271-2014 表3 特别排放限值",
    ),
    _std(
        "gas_industrial_boiler",
        "燃气工业锅炉",
        "gas",
        "gas_industrial_boiler",
        "GB 13271-2014",
        "gas_industrial_boiler",
        "special",
        _GAS,
        "hour",
        "GB 13271-2014 表3 特别排放限值",
    ),
    _std(
        "paper_effluent",
        "造纸企业废水总排口",
        "water",
        None,
        "GB 3544-2008",
        "paper_mill",
        "new",
        _WATER,
        "day",
        "GB 3544-2008 表2 造纸企业",
    ),
    _std(
        "pulp_paper_effluent",
        "制浆和造纸联合企业废水总排口",
        "water",
        None,
        "GB 3544-2008",
        "pulp_and_paper_mill",
        "new",
        _WATER,
        "day",
        "GB 3544-2008 表2 制浆和造纸联合企业",
    ),
    _std(
        "dyeing_effluent",
        "印染企业废水总排口",
        "water",
        None,
        "GB 4287-2012",
        "dyeing_finishing",
        "direct",
        _WATER,
        "day",
        "GB 4287-2012 表2 直接排放",
    ),
    _std(
        "chemical_effluent",
        "化工企业废水总排口",
        "water",
        None,
        "GB 8978-1996",
        "other_units",
        "grade_1",
        _WATER,
        "day",
        "GB 8978-1996 表4 一级",
    ),
)

SOURCE_TYPES: MappingProxyType[str, SourceType] = MappingProxyType({t.key: t for t in _TYPES})
"""Source-type key → :class:`SourceType`."""


def source_type(key: str) -> SourceType:
    """Look a source type up; an unknown key lists the valid ones."""
    try:
        return SOURCE_TYPES[key]
    except KeyError:
        raise KeyError(f"unknown source type {key!r}; valid: {', '.join(SOURCE_TYPES)}") from None


#: Which outlets an enterprise of each industry has: (source type, probability weight) choices
#: for its gas outlets and its water outlets, and how many of each (min, max).
INDUSTRY_OUTLETS = MappingProxyType(
    {
        "thermal_power": (
            (
                (
                    ("coal_boiler_ultralow", 0.6),
                    ("coal_boiler_special", 0.15),
                    ("gas_turbine", 0.25),
                ),
                (1, 3),
            ),
            ((), (0, 0)),
        ),
        "cement": (((("cement_kiln", 1.0),), (1, 2)), ((), (0, 0))),
        "paper": (
            ((("coal_industrial_boiler", 0.5), ("gas_industrial_boiler", 0.5)), (0, 1)),
            ((("paper_effluent", 0.7), ("pulp_paper_effluent", 0.3)), (1, 1)),
        ),
        "dyeing": (
            ((("gas_industrial_boiler", 0.7), ("coal_industrial_boiler", 0.3)), (0, 1)),
            ((("dyeing_effluent", 1.0),), (1, 1)),
        ),
        "chemical": (
            ((("gas_industrial_boiler", 0.6), ("coal_industrial_boiler", 0.4)), (1, 1)),
            ((("chemical_effluent", 1.0),), (1, 1)),
        ),
    }
)
