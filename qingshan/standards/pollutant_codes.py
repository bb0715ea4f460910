"""Pollutant codes of HJ 212-2017 Appendix B, their HJ/T 212-2005 predecessors and units.

Source: HJ 212-2017 《污染物在线监控（监测）系统数据传输标准》 Appendix B, Table B.1 (water
pollutants, codes taken from HJ 525-2009) and Table B.2 (flue gas and air, from HJ 524-2009);
the "原编码" column gives the HJ/T 212-2005 code. Units are the default units of those tables.
Only the items met in monitoring practice are listed (the full HJ 524/525 lists run to
hundreds of chemicals); extend :data:`POLLUTANT_CODES` rather than special-casing callers.

The 2005 codes of water (three digits, ``001``) and air (two digits, ``01``) do not collide
as strings, so :data:`CODE_2005_TO_2017` is one flat mapping; :data:`CODE_2005_TO_2017_BY_MEDIUM`
keeps them apart for a caller that knows the ST system code.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from qingshan.standards.errors import UnknownPollutantCode

__all__ = [
    "Pollutant",
    "POLLUTANT_CODES",
    "CODE_2005_TO_2017",
    "CODE_2005_TO_2017_BY_MEDIUM",
    "COMMON_NAMES",
    "normalise_code",
    "medium_of_st",
    "parameter_of",
    "DISCHARGE_UNITS",
    "STATISTICS",
]


@dataclass(frozen=True, slots=True)
class Pollutant:
    """One row of HJ 212-2017 Appendix B.

    Attributes
    ----------
    code : str
        HJ 212-2017 code, e.g. ``"a21026"``.
    name : str
        Chinese name as in the standard, e.g. ``"二氧化硫"``.
    name_en : str
        English name.
    unit : str
        Default unit of the concentration (or of the value, for flow and state items).
    code_2005 : str or None
        HJ/T 212-2005 code (原编码), None where the 2005 table had none.
    medium : str
        ``"air"`` (Table B.2) or ``"water"`` (Table B.1).
    """

    code: str
    name: str
    name_en: str
    unit: str
    code_2005: str | None
    medium: str


_W = "water"
_A = "air"

# (code, name zh, name en, unit, 2005 code, medium)
_ROWS: tuple[tuple[str, str, str, str, str | None, str], ...] = (
    # --- Table B.1, water -------------------------------------------------------------------
    ("w00000", "污水", "wastewater flow", "L/s", "B01", _W),
    ("w01001", "pH值", "pH", "无量纲", "001", _W),
    ("w01002", "色度", "colour", "倍", "002", _W),
    ("w01003", "浑浊度", "turbidity", "NTU", None, _W),
    ("w01009", "溶解氧", "dissolved oxygen", "mg/L", None, _W),
    ("w01010", "水温", "water temperature", "℃", None, _W),
    ("w01012", "悬浮物", "suspended solids", "mg/L", "003", _W),
    ("w01014", "电导率", "conductivity", "μS/cm", None, _W),
    ("w01016", "叶绿素", "chlorophyll", "mg/L", None, _W),
    ("w01017", "五日生化需氧量", "BOD5", "mg/L", "010", _W),
    ("w01018", "化学需氧量", "chemical oxygen demand (COD)", "mg/L", "011", _W),
    ("w01019", "高锰酸盐指数", "permanganate index (CODMn)", "mg/L", None, _W),
    ("w01020", "总有机碳", "total organic carbon", "mg/L", None, _W),
    ("w02003", "粪大肠菌群", "faecal coliform", "个/L", None, _W),
    ("w02006", "细菌总数", "total bacteria", "个/mL", None, _W),
    ("w19002", "阴离子表面活性剂", "anionic surfactants (LAS)", "mg/L", None, _W),
    ("w20111", "总汞", "mercury (total)", "mg/L", "020", _W),
    ("w20113", "烷基汞", "alkyl mercury", "mg/L", None, _W),
    ("w20115", "总镉", "cadmium (total)", "mg/L", None, _W),
    ("w20116", "总铬", "chromium (total)", "mg/L", None, _W),
    ("w20117", "六价铬", "chromium (VI)", "mg/L", "024", _W),
    ("w20119", "总砷", "arsenic (total)", "mg/L", None, _W),
    ("w20120", "总铅", "lead (total)", "mg/L", None, _W),
    ("w20121", "总镍", "nickel (total)", "mg/L", None, _W),
    ("w20122", "总铜", "copper (total)", "mg/L", None, _W),
    ("w20123", "总锌", "zinc (total)", "mg/L", None, _W),
    ("w20124", "总锰", "manganese (total)", "mg/L", None, _W),
    ("w20125", "总铁", "iron (total)", "mg/L", None, _W),
    ("w20128", "总硒", "selenium (total)", "mg/L", None, _W),
    ("w21001", "总氮", "total nitrogen", "mg/L", "065", _W),
    ("w21003", "氨氮", "ammonia nitrogen (NH3-N)", "mg/L", "060", _W),
    ("w21011", "总磷", "total phosphorus", "mg/L", "101", _W),
    ("w21016", "氰化物", "cyanide", "mg/L", None, _W),
    ("w21017", "氟化物", "fluoride", "mg/L", None, _W),
    ("w21019", "硫化物", "sulfide", "mg/L", None, _W),
    ("w22001", "石油类", "petroleum", "mg/L", "080", _W),
    ("w22002", "动植物油", "animal and vegetable oils", "mg/L", None, _W),
    ("w23002", "挥发酚", "volatile phenol", "mg/L", "110", _W),
    # --- Table B.2, flue gas and air ------------------------------------------------------
    ("a00000", "废气", "flue-gas flow", "m³/s", "B02", _A),
    ("a01001", "温度", "air temperature", "℃", None, _A),
    ("a01002", "湿度", "relative humidity", "%", None, _A),
    ("a01006", "气压", "atmospheric pressure", "kPa", None, _A),
    ("a01007", "风速", "wind speed", "m/s", None, _A),
    ("a01008", "风向", "wind direction", "°", None, _A),
    ("a01011", "烟气流速", "flue-gas velocity", "m/s", "S02", _A),
    ("a01012", "烟气温度", "flue-gas temperature", "℃", "S03", _A),
    ("a01013", "烟气压力", "flue-gas pressure", "kPa", "S08", _A),
    ("a01014", "烟气湿度", "flue-gas humidity", "%", "S05", _A),
    ("a01016", "烟道截面积", "flue cross-section area", "m²", "S07", _A),
    ("a01017", "烟气动压", "flue-gas dynamic pressure", "kPa", "S04", _A),
    ("a05002", "甲烷", "methane", "mg/m³", None, _A),
    ("a05024", "臭氧", "ozone", "mg/m³", None, _A),
    ("a19001", "氧气含量", "oxygen", "%", "S01", _A),
    ("a21001", "氨", "ammonia", "mg/m³", "10", _A),
    ("a21002", "氮氧化物", "nitrogen oxides (NOx)", "mg/m³", "03", _A),
    ("a21003", "一氧化氮", "nitric oxide", "mg/m³", None, _A),
    ("a21004", "二氧化氮", "nitrogen dioxide", "mg/m³", None, _A),
    ("a21005", "一氧化碳", "carbon monoxide", "mg/m³", "04", _A),
    # a21022 氯气 (chlorine) [MC: HJ 212-2017 Table B.2 as a public code map quotes it; not in the
    # reference excerpt] — added for the chemical parks' boundary stations (issue #22)
    ("a21022", "氯气", "chlorine", "mg/m³", None, _A),
    ("a21024", "氯化氢", "hydrogen chloride", "mg/m³", "08", _A),
    ("a21026", "二氧化硫", "sulfur dioxide", "mg/m³", "02", _A),
    ("a21028", "硫化氢", "hydrogen sulfide", "mg/m³", "05", _A),
    ("a24087", "碳氢化合物", "hydrocarbons", "mg/m³", "25", _A),
    ("a24088", "非甲烷总烃", "non-methane hydrocarbons", "mg/m³", None, _A),
    ("a25002", "苯", "benzene", "mg/m³", None, _A),
    ("a25003", "甲苯", "toluene", "mg/m³", "17", _A),
    ("a25005", "二甲苯", "xylene", "mg/m³", "18", _A),
    ("a31001", "甲醛", "formaldehyde", "mg/m³", "19", _A),
    ("a34001", "总悬浮颗粒物", "total suspended particulates (TSP)", "mg/m³", None, _A),
    ("a34002", "可吸入颗粒物", "PM10", "mg/m³", None, _A),
    ("a34004", "细颗粒物", "PM2.5", "mg/m³", None, _A),
    ("a34013", "烟尘", "smoke / particulate matter", "mg/m³", "01", _A),
)

#: HJ 212-2017 code → :class:`Pollutant` (HJ 212-2017 Appendix B, Tables B.1 and B.2).
POLLUTANT_CODES: MappingProxyType[str, Pollutant] = MappingProxyType(
    {r[0]: Pollutant(*r) for r in _ROWS}
)

#: HJ/T 212-2005 code → HJ 212-2017 code, split by medium (ST 21–27/32–35 water, else air).
CODE_2005_TO_2017_BY_MEDIUM: MappingProxyType[str, MappingProxyType[str, str]] = MappingProxyType(
    {
        m: MappingProxyType(
            {p.code_2005: p.code for p in POLLUTANT_CODES.values() if p.code_2005 and p.medium == m}
        )
        for m in (_W, _A)
    }
)

#: HJ/T 212-2005 code → HJ 212-2017 code (HJ 212-2017 Appendix B, column 原编码).
CODE_2005_TO_2017: MappingProxyType[str, str] = MappingProxyType(
    {**CODE_2005_TO_2017_BY_MEDIUM[_W], **CODE_2005_TO_2017_BY_MEDIUM[_A]}
)

#: Common names and symbols → HJ 212-2017 code (non-normative convenience aliases).
COMMON_NAMES: MappingProxyType[str, str] = MappingProxyType(
    {
        "SO2": "a21026",
        "NOX": "a21002",
        "NO": "a21003",
        "NO2": "a21004",
        "CO": "a21005",
        "O3": "a05024",
        "PM10": "a34002",
        "PM2.5": "a34004",
        "PM25": "a34004",
        "TSP": "a34001",
        "O2": "a19001",
        "NH3": "a21001",
        "HCL": "a21024",
        "H2S": "a21028",
        "NMHC": "a24088",
        "CH4": "a05002",
        "DUST": "a34013",
        "SMOKE": "a34013",
        "FLOW_GAS": "a00000",
        "PH": "w01001",
        "DO": "w01009",
        "CODMN": "w01019",
        "COD": "w01018",
        "BOD5": "w01017",
        "NH3-N": "w21003",
        "NH3_N": "w21003",
        "TP": "w21011",
        "TN": "w21001",
        "SS": "w01012",
        "TOC": "w01020",
        "HG": "w20111",
        "CD": "w20115",
        "CR": "w20116",
        "CR6": "w20117",
        "AS": "w20119",
        "PB": "w20120",
        "NI": "w20121",
        "CU": "w20122",
        "ZN": "w20123",
        "SE": "w20128",
        "CN": "w21016",
        "F": "w21017",
        "SULFIDE": "w21019",
        "PETROLEUM": "w22001",
        "VOLATILEPHENOL": "w23002",
        "LAS": "w19002",
        "FECALCOLIFORM": "w02003",
        "FLOW_WATER": "w00000",
        "WATER_TEMPERATURE": "w01010",
    }
)

#: HJ 212-2017 Appendix B codes of an outlet's auxiliary parameters (HJ 75-2017 §6: the O2 a
#: gas pollutant is converted with, the flows, the flue-gas temperature)
O2_CODE = "a19001"
FLOW_CODES = ("a00000", "w00000")
FLUE_TEMP_CODE = "a01012"

#: gas pollutants whose limits are stated at a reference O2 and that are judged on the converted
#: concentration (GB 13223-2011 §5.2, GB 4915-2013 §5.2): SO2, NOx, particulate matter, CO, HCl,
#: NH3 (HJ 212-2017 Appendix B codes)
GAS_POLLUTANTS = frozenset({"a21026", "a21002", "a34013", "a21005", "a21024", "a21001"})

#: HJ 212-2017 Appendix B, Tables B.1 and B.2, column 缺省计量单位（排放量）: the default unit of a
#: code's ``-Cou`` value (the amount discharged in the data's period, §6.3.3.2 Table 4 and
#: Appendix D). Codes without an entry have no discharge amount (pH, temperatures, …; O3 and
#: animal/vegetable oils are not in the 2017 tables).
DISCHARGE_UNITS: MappingProxyType[str, str] = MappingProxyType(
    {code: unit for unit, codes in (
        ("m³", ("w00000", "a00000")),
        ("kg", ("w01012", "w01017", "w01018", "w01019", "w01020", "w19002", "w20116", "w20121",
                "w20122", "w20123", "w20124", "w20125", "w21001", "w21003", "w21011", "w21016",
                "w21017", "w21019", "w22001", "w23002", "a21002", "a21003", "a21004", "a21005",
                "a21024", "a21026", "a21028", "a24087", "a24088", "a25002", "a25003", "a25005",
                "a31001", "a34013")),
        ("g", ("w20111", "w20115", "w20117", "w20119", "w20120", "w20128", "a05002", "a21001",
               "a34001", "a34002", "a34004")),
        ("mg", ("w20113",)),
    ) for code in codes}
)  # fmt: skip

#: CP field suffixes (HJ 212-2017 §6.3.3.2 Table 4) stored as their own parameter
#: ``<code>-<suffix>`` beside the code's value (``-Rtd`` real time, ``-Avg`` periods):
#: suffix → (Chinese, English) name of the statistic
STATISTICS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        "Min": ("最小值", "minimum"),
        "Max": ("最大值", "maximum"),
        "Cou": ("排放量", "amount discharged"),
        "ZsRtd": ("折算实时值", "converted, real time"),
        "ZsMin": ("折算最小值", "converted minimum"),
        "ZsAvg": ("折算均值", "converted mean"),
        "ZsMax": ("折算最大值", "converted maximum"),
    }
)
_STATISTIC_OF = {s.lower(): s for s in STATISTICS}

_BY_NAME_ZH = {p.name: p.code for p in POLLUTANT_CODES.values()}
_ST_WATER = frozenset({"21", "24", "26", "32", "33", "34", "52"})


def parameter_of(code: str) -> Pollutant:
    """The Appendix B row of an HJ 212-2017 code, or of ``<code>-<statistic>`` (a derived row:
    name with the statistic's, unit of the code — of :data:`DISCHARGE_UNITS` for ``-Cou``).

    Raises
    ------
    UnknownPollutantCode
        When the code is not normalised, or not known.
    """
    if code in POLLUTANT_CODES:
        return POLLUTANT_CODES[code]
    base, _, statistic = code.rpartition("-")
    if base not in POLLUTANT_CODES or statistic not in STATISTICS or normalise_code(code) != code:
        raise UnknownPollutantCode(code, [*POLLUTANT_CODES, *(f"<code>-{s}" for s in STATISTICS)])
    p = POLLUTANT_CODES[base]
    zh, en = STATISTICS[statistic]
    unit = DISCHARGE_UNITS[base] if statistic == "Cou" else p.unit
    return Pollutant(code, f"{p.name}{zh}", f"{p.name_en}, {en}", unit, None, p.medium)


def medium_of_st(st: str) -> str:
    """Medium of an HJ 212 ST system code (HJ 212-2017 Table 5).

    Parameters
    ----------
    st : str
        System code, e.g. ``"32"`` (surface-water pollution source).

    Returns
    -------
    str
        ``"water"`` for water systems (21, 24, 26, 32, 33, 34, 52), ``"air"`` otherwise.
    """
    return _W if str(st) in _ST_WATER else _A


def normalise_code(code: str, medium: str | None = None) -> str:
    """Normalise a pollutant code or common name to its HJ 212-2017 code.

    Accepts an HJ 212-2017 code (``"a21026"``, any case), an HJ/T 212-2005 code (``"02"``,
    ``"011"``, ``"B01"``), a common symbol (``"SO2"``, ``"PM2.5"``, ``"O2"``, ``"NH3-N"``) or the
    Chinese name of Appendix B (``"二氧化硫"``); any of these followed by a statistic of
    :data:`STATISTICS` (``"a21026-Cou"``, ``"02-ZsAvg"``) gives ``<code>-<statistic>``, a
    parameter of its own (``-Cou`` only for codes with a :data:`DISCHARGE_UNITS` entry).

    Parameters
    ----------
    code : str
        The code or name to normalise.
    medium : {"air", "water"} or None
        Restrict 2005 codes to one medium (from the packet's ST, see :func:`medium_of_st`).

    Returns
    -------
    str
        The HJ 212-2017 code (HJ 212-2017 Appendix B).

    Raises
    ------
    UnknownPollutantCode
        When nothing matches; the message lists near matches and the valid codes.
    """
    key = str(code).strip()
    low = key.lower()
    if low in POLLUTANT_CODES:
        return low
    base, dash, suffix = key.rpartition("-")
    statistic = _STATISTIC_OF.get(suffix.lower()) if dash else None
    if statistic is not None:  # "<code>-<statistic>": a parameter of its own (STATISTICS)
        base = normalise_code(base, medium)
        if statistic == "Cou" and base not in DISCHARGE_UNITS:
            raise UnknownPollutantCode(key, [f"{c}-Cou" for c in DISCHARGE_UNITS])
        return f"{base}-{statistic}"
    table = (
        CODE_2005_TO_2017
        if medium is None
        else CODE_2005_TO_2017_BY_MEDIUM.get(medium, MappingProxyType({}))
    )
    if key.upper() in table:
        return table[key.upper()]
    up = key.upper().replace(" ", "")
    if up in COMMON_NAMES:
        return COMMON_NAMES[up]
    if key in _BY_NAME_ZH:
        return _BY_NAME_ZH[key]
    raise UnknownPollutantCode(key, [*POLLUTANT_CODES, *COMMON_NAMES])
