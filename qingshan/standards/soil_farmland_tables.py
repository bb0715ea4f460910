"""Tables of GB 15618-2018 《土壤环境质量 农用地土壤污染风险管控标准（试行）》 as data.

Values are mg/kg of dry soil (重金属和类金属砷均按元素总量计, Table 1 note 1).

Sources and confidence
----------------------
Each row carries ``confidence``: ``"confirmed"`` = read in the standard's own text;
``"MC"`` = several consistent secondary sources (not read in a text of the standard); ``"U"`` =
unverified. Only confirmed rows are test expectations (tests of MC/U rows use the data's own
values). What was searched, and where each value was read, is in
``docs/standards-soil-farmland.md``.

- **Table 1** 农用地土壤污染风险筛选值（基本项目）: columns by soil pH, written in the table as
  ``pH≤5.5``, ``5.5<pH≤6.5``, ``6.5<pH≤7.5``, ``pH>7.5``; Cd, Hg, As, Pb and Cr have a 水田
  (paddy) and a 其他 (other) row; Cu has a 果园 (orchard) and a 其他 row; Ni and Zn one row.
  Note 2 of Table 1: for paddy–upland rotation land (水旱轮作地) the stricter screening value of
  the two applies.
- **Table 2** 农用地土壤污染风险筛选值（其他项目）: 六六六总量 (sum of α-, β-, γ-, δ-HCH),
  滴滴涕总量 (sum of p,p'-DDE, p,p'-DDD, o,p'-DDT, p,p'-DDT) 0.10; 苯并[a]芘 0.55 —
  independent of pH and land use.
- **Table 3** 农用地土壤污染风险管制值: Cd, Hg, As, Pb, Cr by the same four pH columns, one row
  each (no land-use split). Cu, Ni, Zn and the Table 2 items have no control value.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "FarmlandItem", "ITEMS", "NAMES_ZH", "PH_BANDS", "PH_BAND_LABELS", "PH_EDGES",
    "SCREENING", "CONTROL", "TABLE2_SCREENING", "SCREENING_CONFIDENCE", "CONTROL_CONFIDENCE",
    "TABLE2_CONFIDENCE", "LAND_USES", "LAND_USE_NAMES", "CONTROLLED",
]  # fmt: skip

#: pH columns of Tables 1 and 3, as keys (ASCII spelling of the table's own headings).
PH_BANDS = ("pH<=5.5", "5.5<pH<=6.5", "6.5<pH<=7.5", "pH>7.5")
#: the headings exactly as GB 15618-2018 Tables 1 and 3 print them
PH_BAND_LABELS = MappingProxyType(
    {"pH<=5.5": "pH≤5.5", "5.5<pH<=6.5": "5.5<pH≤6.5", "6.5<pH<=7.5": "6.5<pH≤7.5",
     "pH>7.5": "pH>7.5"}
)  # fmt: skip
#: upper edges of the first three bands, each INCLUDED in its band (≤), as decimal strings
PH_EDGES = ("5.5", "6.5", "7.5")

#: land uses (Table 1 row heads): 水田 / 其他; Cu's row heads are 果园 / 其他, so an orchard is
#: its own key; ``rotation`` is 水旱轮作地 (Table 1 note 2: the stricter value of paddy and other).
LAND_USES = ("paddy", "other", "orchard", "rotation")
LAND_USE_NAMES = MappingProxyType(
    {
        "paddy": ("水田", "paddy field"),
        "other": ("其他", "other farmland"),
        "orchard": ("果园", "orchard"),
        "rotation": ("水旱轮作地", "paddy–upland rotation"),
    }
)


@dataclass(frozen=True, slots=True)
class FarmlandItem:
    """One item of GB 15618-2018.

    Attributes
    ----------
    key, name_zh, name_en : str
    cas : str or None
        CAS number; None for the sums (六六六总量, 滴滴涕总量).
    basic : bool
        True for the eight basic items of Table 1 (必测), False for Table 2 (其他项目, 选测).
    table : int
        1 or 2 (the screening table that lists it).
    """

    key: str
    name_zh: str
    name_en: str
    cas: str | None
    basic: bool
    table: int


ITEMS: MappingProxyType[str, FarmlandItem] = MappingProxyType(
    {
        i.key: i
        for i in (
            FarmlandItem("Cd", "镉", "cadmium", "7440-43-9", True, 1),
            FarmlandItem("Hg", "汞", "mercury", "7439-97-6", True, 1),
            FarmlandItem("As", "砷", "arsenic", "7440-38-2", True, 1),
            FarmlandItem("Pb", "铅", "lead", "7439-92-1", True, 1),
            FarmlandItem("Cr", "铬", "chromium", "7440-47-3", True, 1),
            FarmlandItem("Cu", "铜", "copper", "7440-50-8", True, 1),
            FarmlandItem("Ni", "镍", "nickel", "7440-02-0", True, 1),
            FarmlandItem("Zn", "锌", "zinc", "7440-66-6", True, 1),
            FarmlandItem("hch", "六六六总量", "total HCH (α+β+γ+δ)", None, False, 2),
            FarmlandItem(
                "ddt",
                "滴滴涕总量",
                "total DDT (p,p'-DDE+p,p'-DDD+o,p'-DDT+p,p'-DDT)",
                None,
                False,
                2,
            ),  # fmt: skip
            FarmlandItem("benzo_a_pyrene", "苯并[a]芘", "benzo[a]pyrene", "50-32-8", False, 2),
        )
    }
)
NAMES_ZH = MappingProxyType({k: v.name_zh for k, v in ITEMS.items()})

#: GB 15618-2018 Table 1: item → row head → screening values for the four pH bands [mg/kg].
#: Row heads: "paddy" (水田), "other" (其他), "orchard" (果园, Cu only), "all" (no split).
SCREENING: MappingProxyType[str, MappingProxyType[str, tuple[str, str, str, str]]] = (
    MappingProxyType(
        {
            "Cd": MappingProxyType({"paddy": ("0.3", "0.4", "0.6", "0.8"),
                                    "other": ("0.3", "0.3", "0.3", "0.6")}),
            "Hg": MappingProxyType({"paddy": ("0.5", "0.5", "0.6", "1.0"),
                                    "other": ("1.3", "1.8", "2.4", "3.4")}),
            "As": MappingProxyType({"paddy": ("30", "30", "25", "20"),
                                    "other": ("40", "40", "30", "25")}),
            "Pb": MappingProxyType({"paddy": ("80", "100", "140", "240"),
                                    "other": ("70", "90", "120", "170")}),
            "Cr": MappingProxyType({"paddy": ("250", "250", "300", "350"),
                                    "other": ("150", "150", "200", "250")}),
            "Cu": MappingProxyType({"orchard": ("150", "150", "200", "200"),
                                    "other": ("50", "50", "100", "100")}),
            "Ni": MappingProxyType({"all": ("60", "70", "100", "190")}),
            "Zn": MappingProxyType({"all": ("200", "200", "250", "300")}),
        }
    )
)  # fmt: skip
#: confidence of each Table 1 row (item → row head → tag); see docs/standards-soil-farmland.md
SCREENING_CONFIDENCE: MappingProxyType[str, MappingProxyType[str, str]] = MappingProxyType(
    {k: MappingProxyType({row: "MC" for row in rows}) for k, rows in SCREENING.items()}
)

#: GB 15618-2018 Table 2 (其他项目): one screening value each, any pH and land use [mg/kg]
TABLE2_SCREENING = MappingProxyType({"hch": "0.10", "ddt": "0.10", "benzo_a_pyrene": "0.55"})
TABLE2_CONFIDENCE = MappingProxyType({k: "MC" for k in TABLE2_SCREENING})

#: GB 15618-2018 Table 3 risk control values for the four pH bands [mg/kg]
CONTROL: MappingProxyType[str, tuple[str, str, str, str]] = MappingProxyType(
    {
        "Cd": ("1.5", "2.0", "3.0", "4.0"),
        "Hg": ("2.0", "2.5", "4.0", "6.0"),
        "As": ("200", "150", "120", "100"),
        "Pb": ("400", "500", "700", "1000"),
        "Cr": ("800", "850", "1000", "1300"),
    }
)
CONTROL_CONFIDENCE = MappingProxyType({k: "MC" for k in CONTROL})

#: items with a control value (Table 3): the ones §5.2–5.3 speak of (镉、汞、砷、铅、铬)
CONTROLLED = tuple(CONTROL)
