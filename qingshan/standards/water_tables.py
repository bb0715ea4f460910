"""Tables of GB 3838-2002 and of the 2011 surface-water evaluation method.

Sources
-------
- GB 3838-2002 《地表水环境质量标准》 Table 1 (basic items, limits in mg/L; pH dimensionless;
  faecal coliform 个/L). Limits are upper limits (≤) except DO, a lower limit (≥).
- 《地表水环境质量评价办法（试行）》 环办〔2011〕22号: 3.1 (21 assessed indicators: Table 1
  without water temperature, total nitrogen and faecal coliform), 3.2 Table 1 (section status
  and colour), 4.1 Table 2 (river and basin status from the share of sections).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

CLASSES = ("I", "II", "III", "IV", "V", "劣V")
#: GB 3838 Roman numerals as published (Ⅰ…Ⅴ, U+2160…) → our labels
CLASS_ALIASES = MappingProxyType(
    {
        **{c: c for c in CLASSES},
        "Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "劣Ⅴ": "劣V",
        "1": "I", "2": "II", "3": "III", "4": "IV", "5": "V", "6": "劣V",
    }
)  # fmt: skip

WATER_BODIES = ("river", "lake")

#: GB 3838-2002 Table 1: item key → (name, limits of class I…V as decimal strings).
#: ``TP`` has river and lake/reservoir rows (Table 1 item 8); DO is a lower limit; pH is the
#: range 6–9 for every class. Water temperature (item 1) has no class limits.
GB3838_LIMITS: MappingProxyType[str, tuple[str, tuple[str, ...]]] = MappingProxyType(
    {
        "DO": ("溶解氧", ("7.5", "6", "5", "3", "2")),
        "CODMn": ("高锰酸盐指数", ("2", "4", "6", "10", "15")),
        "COD": ("化学需氧量", ("15", "15", "20", "30", "40")),
        "BOD5": ("五日生化需氧量", ("3", "3", "4", "6", "10")),
        "NH3_N": ("氨氮", ("0.15", "0.5", "1.0", "1.5", "2.0")),
        "TP_river": ("总磷", ("0.02", "0.1", "0.2", "0.3", "0.4")),
        "TP_lake": ("总磷", ("0.01", "0.025", "0.05", "0.1", "0.2")),
        "TN": ("总氮", ("0.2", "0.5", "1.0", "1.5", "2.0")),
        "Cu": ("铜", ("0.01", "1.0", "1.0", "1.0", "1.0")),
        "Zn": ("锌", ("0.05", "1.0", "1.0", "2.0", "2.0")),
        "F": ("氟化物", ("1.0", "1.0", "1.0", "1.5", "1.5")),
        "Se": ("硒", ("0.01", "0.01", "0.01", "0.02", "0.02")),
        "As": ("砷", ("0.05", "0.05", "0.05", "0.1", "0.1")),
        "Hg": ("汞", ("0.00005", "0.00005", "0.0001", "0.001", "0.001")),
        "Cd": ("镉", ("0.001", "0.005", "0.005", "0.005", "0.01")),
        "Cr6": ("六价铬", ("0.01", "0.05", "0.05", "0.05", "0.1")),
        "Pb": ("铅", ("0.01", "0.01", "0.05", "0.05", "0.1")),
        "CN": ("氰化物", ("0.005", "0.05", "0.2", "0.2", "0.2")),
        "VolatilePhenol": ("挥发酚", ("0.002", "0.002", "0.005", "0.01", "0.1")),
        "Petroleum": ("石油类", ("0.05", "0.05", "0.05", "0.5", "1.0")),
        "LAS": ("阴离子表面活性剂", ("0.2", "0.2", "0.2", "0.3", "0.3")),
        "Sulfide": ("硫化物", ("0.05", "0.1", "0.2", "0.5", "1.0")),
        "FecalColiform": ("粪大肠菌群", ("200", "2000", "10000", "20000", "40000")),
    }
)

#: pH range of every class (GB 3838-2002 Table 1 item 2); outside it the indicator is 劣V
PH_RANGE = ("6", "9")

#: input keys of the public interface (issue 3), mg/L; pH dimensionless; faecal coliform 个/L
INDICATORS = (
    "pH", "DO", "CODMn", "COD", "BOD5", "NH3_N", "TP", "TN", "Cu", "Zn", "F", "Se", "As",
    "Hg", "Cd", "Cr6", "Pb", "CN", "VolatilePhenol", "Petroleum", "LAS", "Sulfide",
    "FecalColiform",
)  # fmt: skip
NAMES_ZH = MappingProxyType(
    {
        "pH": "pH",
        "TP": "总磷",
        **{k: v[0] for k, v in GB3838_LIMITS.items() if not k.startswith("TP")},
    }
)

#: the 21 indicators that decide a section's class (环办〔2011〕22号 3.1)
ASSESSED = tuple(k for k in INDICATORS if k not in ("TN", "FecalColiform"))
#: reference indicators, classified but not deciding the class (环办〔2011〕22号 3.1)
REFERENCE = ("TN", "FecalColiform")
#: no over-standard multiple for these (环办〔2011〕22号 3.3)
NO_MULTIPLE = ("pH", "DO")
#: exceedances of cyanide and heavy metals come first among main pollutants (环办〔2011〕22号
#: 3.3: "当氰化物或铅、铬等重金属超标时，优先作为主要污染指标"); which metals count is our reading.
PRIORITY = ("CN", "Hg", "Cd", "Cr6", "Pb", "As")


@dataclass(frozen=True, slots=True)
class SectionStatus:
    """Water-quality status of a section class (环办〔2011〕22号 Table 1)."""

    name: str
    name_en: str
    colour_name: str
    color: str  # hex of the class on maps and legends (the method names the colour word only)


#: 环办〔2011〕22号 Table 1: status and colour word of each class (Ⅰ–Ⅱ 蓝, Ⅲ 绿, Ⅳ 黄, Ⅴ 橙,
#: 劣Ⅴ 红). The method gives no hex values; these are the palette of Chinese water-quality maps
#: as commonly reproduced (Ⅰ light blue, Ⅱ deeper blue) — CNEMC's own could not be checked.
#: The one table of class colours: the dashboard's legend reads it (qingshan.web.legend).
STATUS_BY_CLASS: MappingProxyType[str, SectionStatus] = MappingProxyType(
    {
        "I": SectionStatus("优", "excellent", "蓝色", "#CCFFFF"),
        "II": SectionStatus("优", "excellent", "蓝色", "#00CCFF"),
        "III": SectionStatus("良好", "good", "绿色", "#00FF00"),
        "IV": SectionStatus("轻度污染", "lightly polluted", "黄色", "#FFFF00"),
        "V": SectionStatus("中度污染", "moderately polluted", "橙色", "#FF9B00"),
        "劣V": SectionStatus("重度污染", "heavily polluted", "红色", "#FF0000"),
    }
)
