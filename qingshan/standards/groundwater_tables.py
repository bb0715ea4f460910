"""Tables of GB/T 14848-2017 《地下水质量标准》 (Standard for groundwater quality).

Sources
-------
- GB/T 14848-2017 Table 1 (地下水质量常规指标及限值, 39 conventional indicators) and Table 2
  (地下水质量非常规指标及限值, 54 non-conventional indicators); limits for classes I–IV are
  upper limits "≤"; class V is "> the class IV limit". pH is a range per class (Table 1 item 5).
- §6.2 (single-indicator evaluation): the class is the range the value falls in; where several
  classes share a limit the better class is taken ("指标限值相同时，从优不从劣").
- §6.3 (overall evaluation): the worst single-indicator class, naming the indicators in it;
  its example: chloride 400 mg/L and tetrachloroethylene 350 µg/L are class V, so the sample is
  class V with those two as the class-V indicators.
- The clause numbers (§6.2, §6.3) and wording are as two independent secondary sources quote
  them (MC); GB/T 14848-1993 §6.2 (read in its text) states the same "从优不从劣" rule with the
  same volatile-phenol example.

Every row carries ``confidence``: "confirmed" (read in the standard's text), "MC" (several
consistent secondary sources: environmental-impact reports, monitoring-station tables that
reproduce the table), or "U" (from a single secondary source or memory; check before it
becomes a blocking rule). ``source`` says where the row was read. See
docs/standards-groundwater.md for what was searched.

Units are the table's own: mg/L unless the row says otherwise (µg/L for the organics of
Tables 1 and 2, Bq/L for gross α/β, NTU, 铂钴色度单位, MPN/100 mL, CFU/mL). Values are decimal
strings; ``None`` in a limit means the class has no upper limit (the table gives "> x" for
class IV of gross α/β, so every value above class III is class IV).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType

CLASSES = ("I", "II", "III", "IV", "V")

#: zh / en names of the classes (GB/T 14848-2017 §4.1)
CLASS_NAMES_ZH = MappingProxyType({"I": "Ⅰ类", "II": "Ⅱ类", "III": "Ⅲ类", "IV": "Ⅳ类", "V": "Ⅴ类"})
CLASS_NAMES_EN = MappingProxyType(
    {"I": "Class I", "II": "Class II", "III": "Class III", "IV": "Class IV", "V": "Class V"}
)
#: GB/T 14848-2017 §4.1: what each class reflects and suits (short form)
CLASS_USES_ZH = MappingProxyType(
    {
        "I": "化学组分含量低，适用于各种用途",
        "II": "化学组分含量较低，适用于各种用途",
        "III": "化学组分含量中等，以GB 5749为依据，主要适用于集中式生活饮用水水源及工农业用水",
        "IV": "化学组分含量较高，适用于农业和部分工业用水，适当处理后可作生活饮用水",
        "V": "化学组分含量高，不宜作为生活饮用水水源",
    }
)

#: pH ranges (GB/T 14848-2017 Table 1 item 5): classes I–III 6.5 ≤ pH ≤ 8.5; class IV
#: 5.5 ≤ pH < 6.5 or 8.5 < pH ≤ 9.0; class V pH < 5.5 or pH > 9.0.
PH_I_III = ("6.5", "8.5")
PH_IV = ("5.5", "9.0")

T1 = "GB/T 14848-2017 Table 1"
T2 = "GB/T 14848-2017 Table 2"


@dataclass(frozen=True, slots=True)
class GroundwaterIndicator:
    """One row of GB/T 14848-2017 Table 1 or 2.

    Attributes
    ----------
    key : str
        The programme's key (GB 3838 keys of :mod:`.water_tables` where the substance is the
        same).
    name_zh, name_en : str
    unit : str
        The table's unit for the row.
    table : int
        1 (常规指标) or 2 (非常规指标).
    item : int
        Item number in the table (Table 2 numbers continue from Table 1: 40–93).
    group : str
        Table 1's groups: "sensory" (感官性状及一般化学指标), "micro" (微生物指标), "toxic"
        (毒理学指标), "radio" (放射性指标); Table 2: "toxic".
    limits : tuple of 4 (str or None)
        Upper limits of classes I–IV ("≤"); class V is above the class IV limit. ``None``: no
        upper limit in that class. pH has ``()`` (ranges, :data:`PH_I_III`, :data:`PH_IV`).
    kind : str
        "upper" (≤ limits), "ph" (ranges), "presence" (无/有: 0 = none, > 0 = present → V).
    confidence : str
        "confirmed", "MC" or "U" (module docstring).
    source : str
        Where the row was read.
    """

    key: str
    name_zh: str
    name_en: str
    unit: str
    table: int
    item: int
    group: str
    limits: tuple[str | None, ...]
    kind: str = "upper"
    confidence: str = "U"
    source: str = ""


def _row(
    key: str,
    item: int,
    name_zh: str,
    name_en: str,
    unit: str,
    group: str,
    limits: tuple[str | None, ...],
    kind: str = "upper",
    confidence: str = "U",
    source: str = "",
) -> GroundwaterIndicator:
    return GroundwaterIndicator(
        key, name_zh, name_en, unit, 1 if item <= 39 else 2, item, group, limits, kind,
        confidence, source,
    )  # fmt: skip


_MG = "mg/L"
_UG = "µg/L"

_ROWS: tuple[GroundwaterIndicator, ...] = (
    # --- Table 1: sensory and general chemical (感官性状及一般化学指标) ---
    _row("Colour", 1, "色", "colour", "铂钴色度单位", "sensory", ("5", "5", "15", "25")),
    _row("OdourTaste", 2, "嗅和味", "odour and taste", "无/有", "sensory", ("0", "0", "0", "0"),
         kind="presence"),
    _row("Turbidity", 3, "浑浊度", "turbidity", "NTU", "sensory", ("3", "3", "3", "10")),
    _row("VisibleMatter", 4, "肉眼可见物", "visible matter", "无/有", "sensory", ("0", "0", "0", "0"),
         kind="presence"),
    _row("pH", 5, "pH", "pH", "无量纲", "sensory", (), kind="ph"),
    _row("TotalHardness", 6, "总硬度（以CaCO₃计）", "total hardness (as CaCO3)", _MG, "sensory",
         ("150", "300", "450", "650")),
    _row("TDS", 7, "溶解性总固体", "total dissolved solids", _MG, "sensory",
         ("300", "500", "1000", "2000")),
    _row("SO4", 8, "硫酸盐", "sulfate", _MG, "sensory", ("50", "150", "250", "350")),
    _row("Cl", 9, "氯化物", "chloride", _MG, "sensory", ("50", "150", "250", "350")),
    _row("Fe", 10, "铁", "iron", _MG, "sensory", ("0.1", "0.2", "0.3", "2.0")),
    _row("Mn", 11, "锰", "manganese", _MG, "sensory", ("0.05", "0.05", "0.10", "1.50")),
    _row("Cu", 12, "铜", "copper", _MG, "sensory", ("0.01", "0.05", "1.00", "1.50")),
    _row("Zn", 13, "锌", "zinc", _MG, "sensory", ("0.05", "0.5", "1.00", "5.00")),
    _row("Al", 14, "铝", "aluminium", _MG, "sensory", ("0.01", "0.05", "0.20", "0.50")),
    _row("VolatilePhenol", 15, "挥发性酚类（以苯酚计）", "volatile phenols (as phenol)", _MG,
         "sensory", ("0.001", "0.001", "0.002", "0.01")),
    # 不得检出 in class I: recorded as 0 (a result reported as not detected)
    _row("LAS", 16, "阴离子表面活性剂", "anionic surfactants", _MG, "sensory",
         ("0", "0.1", "0.3", "0.3")),
    _row("CODMn", 17, "耗氧量（COD_Mn法，以O₂计）", "oxygen consumption (CODMn, as O2)", _MG,
         "sensory", ("1.0", "2.0", "3.0", "10.0")),
    _row("NH3_N", 18, "氨氮（以N计）", "ammonia nitrogen (as N)", _MG, "sensory",
         ("0.02", "0.10", "0.50", "1.50")),
    _row("Sulfide", 19, "硫化物", "sulfide", _MG, "sensory", ("0.005", "0.01", "0.02", "0.10")),
    _row("Na", 20, "钠", "sodium", _MG, "sensory", ("100", "150", "200", "400")),
    # --- Table 1: microbiological (微生物指标) ---
    _row("TotalColiform", 21, "总大肠菌群", "total coliforms", "MPN/100mL", "micro",
         ("3.0", "3.0", "3.0", "100")),
    _row("TotalBacteria", 22, "菌落总数", "total bacterial count", "CFU/mL", "micro",
         ("100", "100", "100", "1000")),
    # --- Table 1: toxicological (毒理学指标) ---
    _row("NO2_N", 23, "亚硝酸盐（以N计）", "nitrite (as N)", _MG, "toxic",
         ("0.01", "0.10", "1.00", "4.80")),
    _row("NO3_N", 24, "硝酸盐（以N计）", "nitrate (as N)", _MG, "toxic",
         ("2.0", "5.0", "20.0", "30.0")),
    _row("CN", 25, "氰化物", "cyanide", _MG, "toxic", ("0.001", "0.01", "0.05", "0.1")),
    _row("F", 26, "氟化物", "fluoride", _MG, "toxic", ("1.0", "1.0", "1.0", "2.0")),
    _row("I", 27, "碘化物", "iodide", _MG, "toxic", ("0.04", "0.04", "0.08", "0.50")),
    _row("Hg", 28, "汞", "mercury", _MG, "toxic", ("0.0001", "0.0001", "0.001", "0.002")),
    _row("As", 29, "砷", "arsenic", _MG, "toxic", ("0.001", "0.001", "0.01", "0.05")),
    _row("Se", 30, "硒", "selenium", _MG, "toxic", ("0.01", "0.01", "0.01", "0.1")),
    _row("Cd", 31, "镉", "cadmium", _MG, "toxic", ("0.0001", "0.001", "0.005", "0.01")),
    _row("Cr6", 32, "铬（六价）", "chromium (VI)", _MG, "toxic", ("0.005", "0.01", "0.05", "0.10")),
    _row("Pb", 33, "铅", "lead", _MG, "toxic", ("0.005", "0.005", "0.01", "0.10")),
    _row("Chloroform", 34, "三氯甲烷", "chloroform", _UG, "toxic", ("0.5", "6", "60", "300")),
    _row("CarbonTetrachloride", 35, "四氯化碳", "carbon tetrachloride", _UG, "toxic",
         ("0.5", "0.5", "2.0", "50.0")),
    _row("Benzene", 36, "苯", "benzene", _UG, "toxic", ("0.5", "1.0", "10.0", "120")),
    _row("Toluene", 37, "甲苯", "toluene", _UG, "toxic", ("0.5", "140", "700", "1400")),
    # --- Table 1: radioactivity (放射性指标); class IV is "> 0.5" / "> 1.0": no upper limit ---
    _row("GrossAlpha", 38, "总α放射性", "gross alpha", "Bq/L", "radio", ("0.1", "0.1", "0.5", None)),
    _row("GrossBeta", 39, "总β放射性", "gross beta", "Bq/L", "radio", ("0.1", "1.0", "1.0", None)),
    # --- Table 2: non-conventional, toxicological (非常规指标 毒理学指标) ---
    _row("Be", 40, "铍", "beryllium", _MG, "toxic", ("0.0001", "0.0001", "0.002", "0.06")),
    _row("B", 41, "硼", "boron", _MG, "toxic", ("0.02", "0.10", "0.50", "2.00")),
    _row("Sb", 42, "锑", "antimony", _MG, "toxic", ("0.0001", "0.0005", "0.005", "0.01")),
    _row("Ba", 43, "钡", "barium", _MG, "toxic", ("0.01", "0.10", "0.70", "4.00")),
    _row("Ni", 44, "镍", "nickel", _MG, "toxic", ("0.002", "0.002", "0.02", "0.10")),
    _row("Co", 45, "钴", "cobalt", _MG, "toxic", ("0.005", "0.005", "0.05", "0.10")),
    _row("Mo", 46, "钼", "molybdenum", _MG, "toxic", ("0.001", "0.01", "0.07", "0.15")),
    _row("Ag", 47, "银", "silver", _MG, "toxic", ("0.001", "0.01", "0.05", "0.10")),
    _row("Tl", 48, "铊", "thallium", _MG, "toxic", ("0.0001", "0.0001", "0.0001", "0.001")),
    _row("Dichloromethane", 49, "二氯甲烷", "dichloromethane", _UG, "toxic", ("1", "2", "20", "500")),
    _row("Dichloroethane12", 50, "1,2-二氯乙烷", "1,2-dichloroethane", _UG, "toxic",
         ("0.5", "3.0", "30.0", "40.0")),
    _row("Trichloroethane111", 51, "1,1,1-三氯乙烷", "1,1,1-trichloroethane", _UG, "toxic",
         ("0.5", "400", "2000", "4000")),
    _row("Trichloroethane112", 52, "1,1,2-三氯乙烷", "1,1,2-trichloroethane", _UG, "toxic",
         ("0.5", "0.5", "5.0", "60.0")),
    _row("Dichloropropane12", 53, "1,2-二氯丙烷", "1,2-dichloropropane", _UG, "toxic",
         ("0.5", "0.5", "5.0", "60.0")),
    _row("Bromoform", 54, "三溴甲烷", "bromoform", _UG, "toxic", ("0.5", "10.0", "100", "800")),
    _row("VinylChloride", 55, "氯乙烯", "vinyl chloride", _UG, "toxic", ("0.5", "0.5", "5.0", "90.0")),
    _row("Dichloroethylene11", 56, "1,1-二氯乙烯", "1,1-dichloroethylene", _UG, "toxic",
         ("0.5", "3.0", "30.0", "60.0")),
    _row("Dichloroethylene12", 57, "1,2-二氯乙烯", "1,2-dichloroethylene", _UG, "toxic",
         ("0.5", "5.0", "50.0", "60.0")),
    _row("Trichloroethylene", 58, "三氯乙烯", "trichloroethylene", _UG, "toxic",
         ("0.5", "7.0", "70.0", "210")),
    _row("Tetrachloroethylene", 59, "四氯乙烯", "tetrachloroethylene", _UG, "toxic",
         ("0.5", "4.0", "40.0", "300")),
    _row("Chlorobenzene", 60, "氯苯", "chlorobenzene", _UG, "toxic", ("0.5", "60.0", "300", "600")),
    _row("oDichlorobenzene", 61, "邻二氯苯", "o-dichlorobenzene", _UG, "toxic",
         ("0.5", "200", "1000", "2000")),
    _row("pDichlorobenzene", 62, "对二氯苯", "p-dichlorobenzene", _UG, "toxic",
         ("0.5", "30.0", "300", "600")),
    _row("Trichlorobenzenes", 63, "三氯苯（总量）", "trichlorobenzenes (total)", _UG, "toxic",
         ("0.5", "4.0", "20.0", "180")),
    _row("Ethylbenzene", 64, "乙苯", "ethylbenzene", _UG, "toxic", ("0.5", "30.0", "300", "600")),
    _row("Xylenes", 65, "二甲苯（总量）", "xylenes (total)", _UG, "toxic", ("0.5", "100", "500", "1000")),
    _row("Styrene", 66, "苯乙烯", "styrene", _UG, "toxic", ("0.5", "2.0", "20.0", "40.0")),
    _row("DNT24", 67, "2,4-二硝基甲苯", "2,4-dinitrotoluene", _UG, "toxic", ("0.1", "0.5", "5.0", "60.0")),
    _row("DNT26", 68, "2,6-二硝基甲苯", "2,6-dinitrotoluene", _UG, "toxic", ("0.1", "0.5", "5.0", "30.0")),
    _row("Naphthalene", 69, "萘", "naphthalene", _UG, "toxic", ("1", "10", "100", "600")),
    _row("Anthracene", 70, "蒽", "anthracene", _UG, "toxic", ("1", "360", "1800", "3600")),
    _row("Fluoranthene", 71, "荧蒽", "fluoranthene", _UG, "toxic", ("1", "50", "240", "480")),
    _row("BbF", 72, "苯并(b)荧蒽", "benzo(b)fluoranthene", _UG, "toxic", ("0.1", "0.4", "4.0", "8.0")),
    _row("BaP", 73, "苯并(a)芘", "benzo(a)pyrene", _UG, "toxic", ("0.002", "0.002", "0.01", "0.50")),
    _row("PCBs", 74, "多氯联苯（总量）", "polychlorinated biphenyls (total)", _UG, "toxic",
         ("0.05", "0.05", "0.50", "10.0")),
    _row("DEHP", 75, "邻苯二甲酸二（2-乙基己基）酯", "di(2-ethylhexyl) phthalate", _UG, "toxic",
         ("3", "3", "8.0", "300")),
    _row("TCP246", 76, "2,4,6-三氯酚", "2,4,6-trichlorophenol", _UG, "toxic",
         ("0.05", "20.0", "200", "300")),
    _row("PCP", 77, "五氯酚", "pentachlorophenol", _UG, "toxic", ("0.05", "0.90", "9.0", "18.0")),
    _row("HCH", 78, "六六六（总量）", "HCH (total)", _UG, "toxic", ("0.01", "0.50", "5.00", "300")),
    _row("Lindane", 79, "γ-六六六（林丹）", "gamma-HCH (lindane)", _UG, "toxic",
         ("0.01", "0.20", "2.00", "150")),
    _row("DDT", 80, "滴滴涕（总量）", "DDT (total)", _UG, "toxic", ("0.01", "0.10", "1.00", "2.00")),
    _row("HCB", 81, "六氯苯", "hexachlorobenzene", _UG, "toxic", ("0.01", "0.10", "1.00", "2.00")),
    _row("Heptachlor", 82, "七氯", "heptachlor", _UG, "toxic", ("0.01", "0.04", "0.40", "0.80")),
    _row("D24", 83, "2,4-滴", "2,4-D", _UG, "toxic", ("0.1", "6.0", "30.0", "150")),
    _row("Carbofuran", 84, "克百威", "carbofuran", _UG, "toxic", ("0.05", "1.40", "7.00", "14.0")),
    _row("Aldicarb", 85, "涕灭威", "aldicarb", _UG, "toxic", ("0.05", "0.60", "3.00", "30.0")),
    _row("Dichlorvos", 86, "敌敌畏", "dichlorvos", _UG, "toxic", ("0.05", "0.10", "1.00", "2.00")),
    _row("MethylParathion", 87, "甲基对硫磷", "methyl parathion", _UG, "toxic",
         ("0.05", "4.00", "20.0", "40.0")),
    _row("Malathion", 88, "马拉硫磷", "malathion", _UG, "toxic", ("0.05", "25.0", "250", "500")),
    _row("Dimethoate", 89, "乐果", "dimethoate", _UG, "toxic", ("0.05", "16.0", "80.0", "160")),
    _row("Chlorpyrifos", 90, "毒死蜱", "chlorpyrifos", _UG, "toxic", ("0.05", "6.00", "30.0", "60.0")),
    _row("Chlorothalonil", 91, "百菌清", "chlorothalonil", _UG, "toxic", ("0.05", "1.00", "10.0", "150")),
    _row("Atrazine", 92, "莠去津", "atrazine", _UG, "toxic", ("0.05", "0.40", "2.00", "600")),
    _row("Glyphosate", 93, "草甘膦", "glyphosate", _UG, "toxic", ("0.1", "140", "700", "1400")),
)  # fmt: skip

#: Where the rows were read (docs/standards-groundwater.md lists every search). The standard's
#: own text could not be reached through the stored copies: the pages that reproduce it end
#: before the tables. Secondary sources:
SRC_SILENCE = (
    "sm1lewc/Silence.Water Silence.Water/Groundwater/Data/GBT_14848_2017.json @907c6d3 "
    "(all 93 rows, classes I–IV)"
)
SRC_H05 = (
    "a TypeScript groundwater evaluation engine (code index id 61027713334), GB_T14848_2017_LIMITS "
    "(19 indicators; its F, Hg class I and bacteria rows differ and are not counted)"
)
SRC_PYJUDGE = (
    "a Python GB/T 14848-2017 judging module (code index id 70366400549): pH ranges, gross α/β "
    "'> III' rule, the wording of the single-indicator and overall evaluation"
)
#: rows read alike in two or more independent secondary sources → "MC"
_MC = {
    "pH": f"{SRC_SILENCE}; {SRC_H05}; {SRC_PYJUDGE}",
    **{
        k: f"{SRC_SILENCE}; {SRC_H05}"
        for k in (
            "TDS", "TotalHardness", "Cl", "SO4", "NO3_N", "NO2_N", "NH3_N", "Fe", "Mn", "As",
            "Cr6", "Pb", "Cd", "CODMn",
        )
    },
}  # fmt: skip
#: rows where the sources disagree: kept as Silence.Water has them (the 2017 values as recalled;
#: the other source carries the 1993 edition's Hg class I 0.00005 and an F class I of 0.5)
_CONFLICT = {
    "Hg": "conflict: H-05 engine has class I 0.00005 (the 1993 value)",
    "F": "conflict: H-05 engine has class I 0.5",
}


def _tag(r: GroundwaterIndicator) -> GroundwaterIndicator:
    if r.key in _MC:
        return replace(r, confidence="MC", source=_MC[r.key])
    note = f"; {_CONFLICT[r.key]}" if r.key in _CONFLICT else ""
    return replace(r, confidence="U", source=f"{SRC_SILENCE} only{note}")


#: key → row, in table order (Table 1 items 1–39, then Table 2 items 40–93)
INDICATORS: MappingProxyType[str, GroundwaterIndicator] = MappingProxyType(
    {r.key: _tag(r) for r in _ROWS}
)
NAMES_ZH = MappingProxyType({k: r.name_zh for k, r in INDICATORS.items()})
NAMES_EN = MappingProxyType({k: r.name_en for k, r in INDICATORS.items()})
UNITS = MappingProxyType({k: r.unit for k, r in INDICATORS.items()})
#: the 39 conventional indicators (Table 1) and the 54 non-conventional ones (Table 2)
CONVENTIONAL = tuple(k for k, r in INDICATORS.items() if r.table == 1)
NON_CONVENTIONAL = tuple(k for k, r in INDICATORS.items() if r.table == 2)
