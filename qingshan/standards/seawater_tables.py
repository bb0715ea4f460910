"""Tables of GB 3097-1997 《海水水质标准》 (Sea water quality standard) and of the coastal
water-quality grade.

Sources
-------
- GB 3097-1997 §3.1 (four classes by use), §3.2 Table 1 (海水水质标准, mg/L): limits of classes
  1–4 ("≤" upper limits; dissolved oxygen a "greater than" lower limit, ">"); pH ranges with
  the note on the sea area's normal variation; notes on 无机氮 (the sum of nitrate, nitrite and
  ammonia nitrogen) and 非离子氨 (Appendix B). Worse than class 4 is 劣四类.
- Coastal grade by class shares (近岸海域水质状况): see :data:`COASTAL_GRADES`.

Every row carries ``confidence`` ("confirmed" / "MC" / "U", as in
:mod:`.groundwater_tables`) and ``source``. ``None`` in a limit is the table's "—": no limit in
that class (a value above the previous class's limit meets it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType

CLASSES = ("I", "II", "III", "IV", "劣IV")
CLASS_NAMES_ZH = MappingProxyType(
    {"I": "第一类", "II": "第二类", "III": "第三类", "IV": "第四类", "劣IV": "劣四类"}
)
CLASS_NAMES_EN = MappingProxyType(
    {
        "I": "Class 1",
        "II": "Class 2",
        "III": "Class 3",
        "IV": "Class 4",
        "劣IV": "Worse than class 4",
    }
)
#: GB 3097-1997 §3.1: the use each class serves
CLASS_USES_ZH = MappingProxyType(
    {
        "I": "海洋渔业水域，海上自然保护区和珍稀濒危海洋生物保护区",
        "II": "水产养殖区，海水浴场，人体直接接触海水的海上运动或娱乐区，以及与人类食用直接有关的工业用水区",
        "III": "一般工业用水区，滨海风景旅游区",
        "IV": "海洋港口水域，海洋开发作业区",
        "劣IV": "劣于第四类海水水质标准",
    }
)

#: pH (Table 1 item 8): classes 1–2 7.8–8.5 and within 0.2 pH units of the sea area's normal
#: variation; classes 3–4 6.8–8.8 and within 0.5 pH units of it.
PH_I_II = ("7.8", "8.5")
PH_III_IV = ("6.8", "8.8")
PH_NORMAL_MARGIN = ("0.2", "0.5")  # classes 1–2, classes 3–4

T1 = "GB 3097-1997 Table 1"


@dataclass(frozen=True, slots=True)
class SeawaterIndicator:
    """One row of GB 3097-1997 Table 1.

    Attributes
    ----------
    key, name_zh, name_en, unit : str
    item : int
        Item number in Table 1.
    limits : tuple of 4 (str or None)
        Classes 1–4; upper limits ("≤") except DO (lower limits, ">"); ``None`` is "—".
    kind : str
        "upper", "lower_strict" (DO) or "ph".
    confidence, source : str
    """

    key: str
    name_zh: str
    name_en: str
    unit: str
    item: int
    limits: tuple[str | None, ...]
    kind: str = "upper"
    confidence: str = "U"
    source: str = ""


_MG = "mg/L"

_ROWS: tuple[SeawaterIndicator, ...] = (
    SeawaterIndicator("TotalColiform", "大肠菌群", "total coliforms", "个/L", 4,
                      ("10000", "10000", "10000", None)),
    SeawaterIndicator("TotalColiform_Shellfish", "大肠菌群（供人生食的贝类增养殖水质）",
                      "total coliforms (shellfish eaten raw)", "个/L", 4,
                      ("700", "700", "700", None)),
    SeawaterIndicator("FecalColiform", "粪大肠菌群", "faecal coliforms", "个/L", 5,
                      ("2000", "2000", "2000", None)),
    SeawaterIndicator("FecalColiform_Shellfish", "粪大肠菌群（供人生食的贝类增养殖水质）",
                      "faecal coliforms (shellfish eaten raw)", "个/L", 5,
                      ("140", "140", "140", None)),
    SeawaterIndicator("pH", "pH", "pH", "无量纲", 8, (), kind="ph"),
    SeawaterIndicator("DO", "溶解氧", "dissolved oxygen", _MG, 9, ("6", "5", "4", "3"),
                      kind="lower_strict"),
    SeawaterIndicator("COD", "化学需氧量（COD）", "chemical oxygen demand (alkaline KMnO4)", _MG, 10,
                      ("2", "3", "4", "5")),
    SeawaterIndicator("BOD5", "生化需氧量（BOD₅）", "biochemical oxygen demand (BOD5)", _MG, 11,
                      ("1", "3", "4", "5")),
    SeawaterIndicator("DIN", "无机氮（以N计）", "inorganic nitrogen (as N)", _MG, 12,
                      ("0.20", "0.30", "0.40", "0.50")),
    SeawaterIndicator("NonIonicAmmonia", "非离子氨（以N计）", "un-ionised ammonia (as N)", _MG, 13,
                      ("0.020", "0.020", "0.020", "0.020")),
    SeawaterIndicator("PO4_P", "活性磷酸盐（以P计）", "reactive phosphate (as P)", _MG, 14,
                      ("0.015", "0.030", "0.030", "0.045")),
    SeawaterIndicator("Hg", "汞", "mercury", _MG, 15, ("0.00005", "0.0002", "0.0002", "0.0005")),
    SeawaterIndicator("Cd", "镉", "cadmium", _MG, 16, ("0.001", "0.005", "0.010", "0.010")),
    SeawaterIndicator("Pb", "铅", "lead", _MG, 17, ("0.001", "0.005", "0.010", "0.050")),
    SeawaterIndicator("Cr6", "六价铬", "chromium (VI)", _MG, 18, ("0.005", "0.010", "0.020", "0.050")),
    SeawaterIndicator("Cr", "总铬", "total chromium", _MG, 19, ("0.05", "0.10", "0.20", "0.50")),
    SeawaterIndicator("As", "砷", "arsenic", _MG, 20, ("0.020", "0.030", "0.050", "0.050")),
    SeawaterIndicator("Cu", "铜", "copper", _MG, 21, ("0.005", "0.010", "0.050", "0.050")),
    SeawaterIndicator("Zn", "锌", "zinc", _MG, 22, ("0.020", "0.050", "0.10", "0.50")),
    SeawaterIndicator("Se", "硒", "selenium", _MG, 23, ("0.010", "0.020", "0.020", "0.050")),
    SeawaterIndicator("Ni", "镍", "nickel", _MG, 24, ("0.005", "0.010", "0.020", "0.050")),
    SeawaterIndicator("CN", "氰化物", "cyanide", _MG, 25, ("0.005", "0.005", "0.10", "0.20")),
    SeawaterIndicator("Sulfide", "硫化物（以S计）", "sulfide (as S)", _MG, 26,
                      ("0.02", "0.05", "0.10", "0.25")),
    SeawaterIndicator("VolatilePhenol", "挥发性酚", "volatile phenols", _MG, 27,
                      ("0.005", "0.005", "0.010", "0.050")),
    SeawaterIndicator("Petroleum", "石油类", "petroleum", _MG, 28, ("0.05", "0.05", "0.30", "0.50")),
    SeawaterIndicator("HCH", "六六六", "HCH", _MG, 29, ("0.001", "0.002", "0.003", "0.005")),
    SeawaterIndicator("DDT", "滴滴涕", "DDT", _MG, 30, ("0.00005", "0.0001", "0.0001", "0.0001")),
    SeawaterIndicator("Malathion", "马拉硫磷", "malathion", _MG, 31, ("0.0005", "0.001", "0.001", "0.001")),
    SeawaterIndicator("MethylParathion", "甲基对硫磷", "methyl parathion", _MG, 32,
                      ("0.0005", "0.001", "0.001", "0.001")),
    SeawaterIndicator("BaP", "苯并(a)芘", "benzo(a)pyrene", "µg/L", 33,
                      ("0.0025", "0.0025", "0.0025", "0.0025")),
    SeawaterIndicator("LAS", "阴离子表面活性剂（以LAS计）", "anionic surfactants (as LAS)", _MG, 34,
                      ("0.03", "0.10", "0.10", "0.10")),
)  # fmt: skip

#: Where the rows were read (docs/standards-seawater.md lists every search). The pages that
#: reproduce the standard's text end, in the stored copies, before Table 1. Secondary sources:
SRC_JS = (
    "a JavaScript transcription of GB 3097-1997 Table 1 (code index id 58510474653, "
    "'完整海水水质标准（35项）': every row, classes 1–4)"
)
SRC_APP = "an Angular monitoring app's class-1 alert texts (code index id 27636355674)"
SRC_EIA = "an EIA report's class-2 table (wanglu.net/thread/t12-172215-3.html)"
SRC_WENKU = "a table of class-3/4 limits (ryyc.cn/wenku/rdaac/Q2KN6reGmX)"
#: rows read alike in two or more independent secondary sources → "MC"
_MC = {
    "pH": f"{SRC_JS}; {SRC_APP} (class 1 7.8~8.5 and 0.2); {SRC_WENKU} (classes 3–4 6.8~8.8, 0.5)",
    "DO": f"{SRC_JS}; {SRC_APP} (class 1 > 6); {SRC_EIA} (class 2 > 5)",
    "COD": f"{SRC_JS}; {SRC_APP} (class 1 ≤ 2); {SRC_EIA} (class 2 ≤ 3); {SRC_WENKU} (4, 5)",
    "DIN": f"{SRC_JS}; {SRC_APP} (0.2); {SRC_EIA} (0.30); {SRC_WENKU} (0.4, 0.5)",
    "PO4_P": f"{SRC_JS}; {SRC_EIA} (class 2 0.03); {SRC_WENKU} (0.03, 0.045)",
    "NonIonicAmmonia": f"{SRC_JS}; {SRC_WENKU} (0.02)",
    "TotalColiform": f"{SRC_JS}; {SRC_WENKU} (class 3 10000, class 4 —)",
    "TotalColiform_Shellfish": f"{SRC_JS}; {SRC_WENKU} (class 3 ≤ 700, class 4 —)",
}


def _tag(r: SeawaterIndicator) -> SeawaterIndicator:
    if r.key in _MC:
        return replace(r, confidence="MC", source=_MC[r.key])
    return replace(r, confidence="U", source=f"{SRC_JS} only (agrees with the values recalled)")


INDICATORS: MappingProxyType[str, SeawaterIndicator] = MappingProxyType(
    {r.key: _tag(r) for r in _ROWS}
)
NAMES_ZH = MappingProxyType({k: r.name_zh for k, r in INDICATORS.items()})
NAMES_EN = MappingProxyType({k: r.name_en for k, r in INDICATORS.items()})
UNITS = MappingProxyType({k: r.unit for k, r in INDICATORS.items()})


@dataclass(frozen=True, slots=True)
class CoastalGrade:
    """One grade of coastal water quality by class shares.

    The grade holds when the share of classes I+II is ≥ ``min_good`` % (if given) and the share
    of 劣四类 is ≤ ``max_worst`` % (if given); grades are tried best first, the last takes the
    rest.
    """

    key: str
    name_zh: str
    name_en: str
    min_good: str | None
    max_worst: str | None


#: Coastal water-quality grade (近岸海域水质状况: 优, 良好, 一般, 差, 极差) from the shares of
#: classes, by area (national bulletins since 2018 report 面积比例) or by station (点位比例,
#: HJ 442-2008). The method in force is HJ 442.10-2020 《近岸海域环境监测技术规范 第十部分
#: 评价及报告》 (§4 近岸海域环境质量; it replaced HJ 442-2008 on 2021-03-01; HJ 442.8-2020 is
#: the part on direct-discharge sources, not the evaluation). Its grading table could not be
#: read: the thresholds below are tagged "U". They reproduce every grade the 2017 national
#: bulletin (HJ 442-2008, station shares) published for the four seas and the country: 黄海
#: 82.5 % / 2.2 % 良好, 渤海 67.9 / 9.9 一般, 南海 75.8 / 15.2 一般, 全国 67.8 / 15.6 一般, 东海
#: 46.9 / 31.0 差 (so 劣四类 31 % is not yet 极差; where between 31 % and 100 % 极差 starts is
#: not pinned down by the published figures: 40 % is taken, as GB 3838's river method
#: (环办〔2011〕22号 4.1) puts 重度污染 at 劣V ≥ 40 %).
COASTAL_GRADES: tuple[CoastalGrade, ...] = (
    CoastalGrade("excellent", "优", "excellent", "90", None),
    CoastalGrade("good", "良好", "good", "80", "5"),
    CoastalGrade("fair", "一般", "fair", "60", "30"),
    CoastalGrade("poor", "差", "poor", None, "40"),
    CoastalGrade("very_poor", "极差", "very poor", None, None),
)
COASTAL_GRADE_KEYS = tuple(g.key for g in COASTAL_GRADES)
COASTAL_GRADES_CONFIDENCE = "U"
COASTAL_GRADES_SOURCE = (
    "HJ 442.10-2020 §4 (table not read); thresholds checked against the 2017 中国近岸海域生态"
    "环境质量公报 grades (daowen.com/lilun/2170843.html)"
)
