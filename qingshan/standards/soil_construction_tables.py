"""Tables of GB 36600-2018 《土壤环境质量 建设用地土壤污染风险管控标准（试行）》.

Issued 2018-06-22 by the Ministry of Ecology and Environment and SAMR, in force 2018-08-01,
replacing HJ 350-2007. Values are contents in soil [mg/kg, dry soil]; dioxins are a total toxic
equivalent (总毒性当量) in mg/kg.

Sources
-------
- **Table 1** (表1 建设用地土壤污染风险筛选值和管制值（基本项目）, 45 items) and **Table 2** (表2
  … （其他项目）, 40 items): per item the risk screening value (筛选值) and the risk intervention
  value (管制值), each for first-category and second-category land (第一类用地 / 第二类用地).
- **Note ①** of both tables (As and Co: both screening values; V: the first-category screening
  value only): where a site's content exceeds
  the screening value but is equal to or below the soil environmental background value (土壤环境
  背景值, 3.6; Appendix A gives reference values), the site is not brought under contaminated-site
  management (不纳入污染地块管理).
- Notes ②–⑤ of Table 2: chlordane = α- + γ-chlordane; DDT = o,p'- + p,p'-DDT; endosulfan =
  α- + β-endosulfan; PCBs (total) = the sum of twelve dioxin-like congeners (PCB 77, 81, 105,
  114, 118, 123, 126, 156, 157, 167, 169, 189).
- Land categories, 4.1: 第一类用地 = GB 50137 residential land (R), primary and secondary school
  land (A33), medical and health land (A5), social-welfare land (A6), community parks and
  children's parks in park green land (G1); 第二类用地 = industrial (M), logistics and warehouse
  (W), commercial and business facilities (B), road and transport facilities (S), public
  utilities (U), public administration and services (A) except A33, A5, A6, green land and
  squares (G) except community and children's parks. 4.2: other construction land is
  categorised by analogy with 4.1.

Confidence (``SoilItem.confidence``, the same for the four cells of a row, which were always read
as a whole row): ``"confirmed"`` = read in a text of the standard itself; ``"MC"`` = several
consistent secondary sources (transcriptions of the official PDF in public repositories, site
reports quoting a cell), not read in the standard's own text; ``"U"`` = unverified. Each row
names its sources (``SoilItem.sources``, keys of :data:`SOURCES`); docs/standards-soil-
construction.md lists what was searched. Only confirmed cells are test expectations.

- Table 1 rows 1–34 (metals and inorganics, volatile organics): **confirmed** in a copy of the
  standard's 5.1 and Table 1 ("standard-text"), and the same in the three secondary sources.
- Table 1 rows 35–45 (semi-volatile organics) and all of Table 2: **MC** — three transcriptions
  of the official PDF (a double-read CSV with page numbers, a table module, an enum of all 85
  items) agree cell by cell.
- The clause texts used by the code — 4.1 (land categories), 5.3.1–5.3.5 (use of the values),
  the notes ①–⑤ — are **MC**: the PDF transcription quotes 5.3.1, 5.3.2, 5.3.3, 5.3.5 and
  note ①, a second public seed cites 5.3.1; the wording of 4.1 is MC from site reports that apply
  it (a planned social-welfare use taken as 第一类用地, an administrative office use as 第二类).
  Which cells carry note ① (As, Co both; V first category only) is MC (the double-read CSV).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType

__all__ = [
    "SoilItem", "ITEMS", "NAMES_ZH", "NAMES_EN", "LAND_CATEGORIES", "LAND_NAMES_ZH",
    "LAND_NAMES_EN", "LEVELS", "LEVEL_NAMES_ZH", "LEVEL_NAMES_EN", "GROUPS_ZH", "UNIT",
    "STANDARD", "SOURCES",
]  # fmt: skip

STANDARD = "GB 36600-2018"
UNIT = "mg/kg"

#: 第一类用地 / 第二类用地 (GB 36600-2018 4.1.1, 4.1.2)
LAND_CATEGORIES = (1, 2)
LAND_NAMES_ZH = MappingProxyType({1: "第一类用地", 2: "第二类用地"})
LAND_NAMES_EN = MappingProxyType({1: "first-category land", 2: "second-category land"})

#: judgement levels, mildest first (GB 36600-2018 5.3.2–5.3.5)
LEVELS = ("within_screening", "over_screening", "over_intervention")
LEVEL_NAMES_ZH = MappingProxyType(
    {
        "within_screening": "不超过筛选值",
        "over_screening": "超过筛选值",
        "over_intervention": "超过管制值",
    }
)
LEVEL_NAMES_EN = MappingProxyType(
    {
        "within_screening": "within the screening value",
        "over_screening": "over the screening value",
        "over_intervention": "over the intervention value",
    }
)

GROUPS_ZH = MappingProxyType(
    {
        "metals": "重金属和无机物",
        "voc": "挥发性有机物",
        "svoc": "半挥发性有机物",
        "pesticides": "有机农药类",
        "pcb_pbb_dioxins": "多氯联苯、多溴联苯和二噁英类",
        "tph": "石油烃类",
    }
)

#: source keys → where the row was read (see the module docstring and
#: docs/standards-soil-construction.md)
SOURCES = MappingProxyType(
    {
        "mee": "https://www.mee.gov.cn/ywgz/fgbz/bz/bzwb/trhj/201807/t20180703_446027.shtml",
        "standard-text": (
            "http://m.boteman.cn/paper/239121497.html — a copy of the standard's text: 5.1 "
            "(保护人体健康的建设用地土壤污染风险筛选值和管制值见表1和表2，其中表1为基本项目，表2为"
            "其他项目) and Table 1 with its header (单位 mg/kg; 筛选值 / 管制值 × 第一类用地 / 第二类"
            "用地), rows 1–34 in full, note mark ① on both As screening cells"
        ),
        "pdf-transcription": (
            "public-repository transcription of the official PDF's text layer (pages 3–6, Tables 1 "
            "and 2; superscripted rows checked against page images); find_string "
            "'不纳入污染地块管理', file id 70370853711"
        ),
        "java-enum": (
            "public-repository enum SoilConstructionlItem of all 85 items, citing the MEE PDF "
            "https://www.mee.gov.cn/ywgz/fgbz/bz/bzwb/trhj/201807/W020190626596188930731.pdf; "
            "find_string '一溴二氯甲烷', file id 55234010367 (dioxins given in ng/kg)"
        ),
        "srs-csv": (
            "lensis22414017/SRS data/standards/gb36600_2018_official.csv (commit 82050c3): all 85 "
            "rows with page numbers, transcribed from the MEE PDF W020190626596188930731.pdf and "
            "double-read; note ① on As and Co (both screening values) and on the V first-category "
            "screening value only"
        ),
        "site-report-as": (
            "https://www.qianlima.com/bid-575390723.html (site report: As second-category "
            "screening value 60 mg/kg)"
        ),
    }
)

#: Table 1 rows read in the standard's own text ("standard-text"): 1–34
_CONFIRMED_T1 = frozenset(range(1, 35))


@dataclass(frozen=True)
class SoilItem:
    """One row of GB 36600-2018 Table 1 or Table 2.

    Attributes
    ----------
    key : str
        Programme key ("As", "Cr6", "benzo_a_pyrene", "tph_c10_c40" …).
    table : int
        1 (basic items, 基本项目) or 2 (other items, 其他项目).
    no : int
        Row number (序号) in its table.
    group : str
        Table section, a key of :data:`GROUPS_ZH`.
    name_zh, name_en, cas : str
        Name as the table writes it, English name, CAS number ("" where the table has none).
    screening : tuple of float
        Risk screening value (筛选值) for land category 1 and 2 [mg/kg].
    intervention : tuple of float
        Risk intervention value (管制值) for land category 1 and 2 [mg/kg].
    background_lands : tuple of int
        Land categories whose screening value carries note ① (As and Co: 1 and 2; V: 1 only):
        over screening but ≤ the soil background value → not managed as a contaminated site.
    note : str
        The table's note for the row (composition of a sum), "" if none.
    confidence : str
        "confirmed", "MC" or "U" (module docstring).
    sources : tuple of str
        Keys of :data:`SOURCES`.
    """

    key: str
    table: int
    no: int
    group: str
    name_zh: str
    name_en: str
    cas: str
    screening: tuple[float, float]
    intervention: tuple[float, float]
    background_lands: tuple[int, ...] = ()
    note: str = ""
    confidence: str = "MC"
    sources: tuple[str, ...] = ("pdf-transcription",)
    aliases: tuple[str, ...] = ()

    @property
    def background_note(self) -> bool:
        """Note ① applies to at least one land category."""
        return bool(self.background_lands)

    @property
    def basic(self) -> bool:
        """True for the 45 basic items of Table 1 (5.2: mandatory in preliminary investigation)."""
        return self.table == 1

    @property
    def citation(self) -> str:
        """E.g. ``GB 36600-2018 表1 序号39``."""
        return f"{STANDARD} 表{self.table} 序号{self.no}"


_NOTE_BG = "注①：超过筛选值但等于或者低于土壤环境背景值（3.6，附录A）的，不纳入污染地块管理"


def _r(
    key: str,
    no: int,
    group: str,
    zh: str,
    en: str,
    cas: str,
    s1: float,
    s2: float,
    i1: float,
    i2: float,
    *,
    bg: tuple[int, ...] = (),
    note: str = "",
    aliases: tuple[str, ...] = (),
) -> SoilItem:
    return SoilItem(
        key=key, table=0, no=no, group=group, name_zh=zh, name_en=en, cas=cas,
        screening=(float(s1), float(s2)), intervention=(float(i1), float(i2)),
        background_lands=bg, note=_NOTE_BG if bg else note, aliases=aliases,
    )  # fmt: skip


# (key, no, group, name_zh, name_en, cas, screening 1, screening 2, intervention 1, 2)
_T1: tuple[SoilItem, ...] = (
    _r("As", 1, "metals", "砷", "arsenic", "7440-38-2", 20, 60, 120, 140, bg=(1, 2)),
    _r("Cd", 2, "metals", "镉", "cadmium", "7440-43-9", 20, 65, 47, 172),
    _r("Cr6", 3, "metals", "铬（六价）", "chromium (VI)", "18540-29-9", 3.0, 5.7, 30, 78,
     aliases=("六价铬", "Cr(VI)", "Cr6+", "铬(六价)")),
    _r("Cu", 4, "metals", "铜", "copper", "7440-50-8", 2000, 18000, 8000, 36000),
    _r("Pb", 5, "metals", "铅", "lead", "7439-92-1", 400, 800, 800, 2500),
    _r("Hg", 6, "metals", "汞", "mercury", "7439-97-6", 8, 38, 33, 82),
    _r("Ni", 7, "metals", "镍", "nickel", "7440-02-0", 150, 900, 600, 2000),
    _r("carbon_tetrachloride", 8, "voc", "四氯化碳", "carbon tetrachloride", "56-23-5",
     0.9, 2.8, 9, 36),
    _r("chloroform", 9, "voc", "氯仿", "chloroform", "67-66-3", 0.3, 0.9, 5, 10,
     aliases=("三氯甲烷",)),
    _r("chloromethane", 10, "voc", "氯甲烷", "chloromethane", "74-87-3", 12, 37, 21, 120),
    _r("1_1_dichloroethane", 11, "voc", "1,1-二氯乙烷", "1,1-dichloroethane", "75-34-3",
     3, 9, 20, 100),
    _r("1_2_dichloroethane", 12, "voc", "1,2-二氯乙烷", "1,2-dichloroethane", "107-06-2",
     0.52, 5, 6, 21),
    _r("1_1_dichloroethylene", 13, "voc", "1,1-二氯乙烯", "1,1-dichloroethylene", "75-35-4",
     12, 66, 40, 200),
    _r("cis_1_2_dichloroethylene", 14, "voc", "顺-1,2-二氯乙烯", "cis-1,2-dichloroethylene",
     "156-59-2", 66, 596, 200, 2000),
    _r("trans_1_2_dichloroethylene", 15, "voc", "反-1,2-二氯乙烯", "trans-1,2-dichloroethylene",
     "156-60-5", 10, 54, 31, 163),
    _r("dichloromethane", 16, "voc", "二氯甲烷", "dichloromethane", "75-09-2", 94, 616, 300, 2000),
    _r("1_2_dichloropropane", 17, "voc", "1,2-二氯丙烷", "1,2-dichloropropane", "78-87-5",
     1, 5, 5, 47),
    _r("1_1_1_2_tetrachloroethane", 18, "voc", "1,1,1,2-四氯乙烷", "1,1,1,2-tetrachloroethane",
     "630-20-6", 2.6, 10, 26, 100),
    _r("1_1_2_2_tetrachloroethane", 19, "voc", "1,1,2,2-四氯乙烷", "1,1,2,2-tetrachloroethane",
     "79-34-5", 1.6, 6.8, 14, 50),
    _r("tetrachloroethylene", 20, "voc", "四氯乙烯", "tetrachloroethylene", "127-18-4",
     11, 53, 34, 183),
    _r("1_1_1_trichloroethane", 21, "voc", "1,1,1-三氯乙烷", "1,1,1-trichloroethane", "71-55-6",
     701, 840, 840, 840),
    _r("1_1_2_trichloroethane", 22, "voc", "1,1,2-三氯乙烷", "1,1,2-trichloroethane", "79-00-5",
     0.6, 2.8, 5, 15),
    _r("trichloroethylene", 23, "voc", "三氯乙烯", "trichloroethylene", "79-01-6", 0.7, 2.8, 7, 20),
    _r("1_2_3_trichloropropane", 24, "voc", "1,2,3-三氯丙烷", "1,2,3-trichloropropane", "96-18-4",
     0.05, 0.5, 0.5, 5),
    _r("vinyl_chloride", 25, "voc", "氯乙烯", "vinyl chloride", "75-01-4", 0.12, 0.43, 1.2, 4.3),
    _r("benzene", 26, "voc", "苯", "benzene", "71-43-2", 1, 4, 10, 40),
    _r("chlorobenzene", 27, "voc", "氯苯", "chlorobenzene", "108-90-7", 68, 270, 200, 1000),
    _r("1_2_dichlorobenzene", 28, "voc", "1,2-二氯苯", "1,2-dichlorobenzene", "95-50-1",
     560, 560, 560, 560),
    _r("1_4_dichlorobenzene", 29, "voc", "1,4-二氯苯", "1,4-dichlorobenzene", "106-46-7",
     5.6, 20, 56, 200),
    _r("ethylbenzene", 30, "voc", "乙苯", "ethylbenzene", "100-41-4", 7.2, 28, 72, 280),
    _r("styrene", 31, "voc", "苯乙烯", "styrene", "100-42-5", 1290, 1290, 1290, 1290),
    _r("toluene", 32, "voc", "甲苯", "toluene", "108-88-3", 1200, 1200, 1200, 1200),
    _r("m_p_xylene", 33, "voc", "间二甲苯+对二甲苯", "m-xylene + p-xylene", "108-38-3, 106-42-3",
     163, 570, 500, 570, aliases=("间,对-二甲苯", "间/对-二甲苯", "间对二甲苯")),
    _r("o_xylene", 34, "voc", "邻二甲苯", "o-xylene", "95-47-6", 222, 640, 640, 640),
    _r("nitrobenzene", 35, "svoc", "硝基苯", "nitrobenzene", "98-95-3", 34, 76, 190, 760),
    _r("aniline", 36, "svoc", "苯胺", "aniline", "62-53-3", 92, 260, 211, 663),
    _r("2_chlorophenol", 37, "svoc", "2-氯酚", "2-chlorophenol", "95-57-8", 250, 2256, 500, 4500),
    _r("benzo_a_anthracene", 38, "svoc", "苯并[a]蒽", "benzo[a]anthracene", "56-55-3",
     5.5, 15, 55, 151),
    _r("benzo_a_pyrene", 39, "svoc", "苯并[a]芘", "benzo[a]pyrene", "50-32-8", 0.55, 1.5, 5.5, 15),
    _r("benzo_b_fluoranthene", 40, "svoc", "苯并[b]荧蒽", "benzo[b]fluoranthene", "205-99-2",
     5.5, 15, 55, 151),
    _r("benzo_k_fluoranthene", 41, "svoc", "苯并[k]荧蒽", "benzo[k]fluoranthene", "207-08-9",
     55, 151, 550, 1500),
    _r("chrysene", 42, "svoc", "䓛", "chrysene", "218-01-9", 490, 1293, 4900, 12900,
     aliases=("屈",)),
    _r("dibenz_a_h_anthracene", 43, "svoc", "二苯并[a,h]蒽", "dibenz[a,h]anthracene", "53-70-3",
     0.55, 1.5, 5.5, 15),
    _r("indeno_1_2_3_cd_pyrene", 44, "svoc", "茚并[1,2,3-cd]芘", "indeno[1,2,3-cd]pyrene",
     "193-39-5", 5.5, 15, 55, 151),
    _r("naphthalene", 45, "svoc", "萘", "naphthalene", "91-20-3", 25, 70, 255, 700),
)  # fmt: skip

_T2: tuple[SoilItem, ...] = (
    _r("Sb", 1, "metals", "锑", "antimony", "7440-36-0", 20, 180, 40, 360),
    _r("Be", 2, "metals", "铍", "beryllium", "7440-41-7", 15, 29, 98, 290),
    _r("Co", 3, "metals", "钴", "cobalt", "7440-48-4", 20, 70, 190, 350, bg=(1, 2)),
    _r("methylmercury", 4, "metals", "甲基汞", "methylmercury", "22967-92-6", 5.0, 45, 10, 120),
    _r("V", 5, "metals", "钒", "vanadium", "7440-62-2", 165, 752, 330, 1500, bg=(1,)),
    _r("cyanide", 6, "metals", "氰化物", "cyanide", "57-12-5", 22, 135, 44, 270),
    _r("bromodichloromethane", 7, "voc", "一溴二氯甲烷", "bromodichloromethane", "75-27-4",
     0.29, 1.2, 2.9, 12),
    _r("bromoform", 8, "voc", "溴仿", "bromoform", "75-25-2", 32, 103, 320, 1030),
    _r("dibromochloromethane", 9, "voc", "二溴氯甲烷", "dibromochloromethane", "124-48-1",
     9.3, 33, 93, 330),
    _r("1_2_dibromoethane", 10, "voc", "1,2-二溴乙烷", "1,2-dibromoethane", "106-93-4",
     0.07, 0.24, 0.7, 2.4),
    _r("hexachlorocyclopentadiene", 11, "svoc", "六氯环戊二烯", "hexachlorocyclopentadiene",
     "77-47-4", 1.1, 5.2, 2.3, 10),
    _r("2_4_dinitrotoluene", 12, "svoc", "2,4-二硝基甲苯", "2,4-dinitrotoluene", "121-14-2",
     1.8, 5.2, 18, 52),
    _r("2_4_dichlorophenol", 13, "svoc", "2,4-二氯酚", "2,4-dichlorophenol", "120-83-2",
     117, 843, 234, 1690),
    _r("2_4_6_trichlorophenol", 14, "svoc", "2,4,6-三氯酚", "2,4,6-trichlorophenol", "88-06-2",
     39, 137, 78, 560),
    _r("2_4_dinitrophenol", 15, "svoc", "2,4-二硝基酚", "2,4-dinitrophenol", "51-28-5",
     78, 562, 156, 1130),
    _r("pentachlorophenol", 16, "svoc", "五氯酚", "pentachlorophenol", "87-86-5", 1.1, 2.7, 12, 27),
    _r("dehp", 17, "svoc", "邻苯二甲酸二(2-乙基己基)酯", "bis(2-ethylhexyl) phthalate",
     "117-81-7", 42, 121, 420, 1210, aliases=("DEHP",)),
    _r("butyl_benzyl_phthalate", 18, "svoc", "邻苯二甲酸丁基苄酯", "butyl benzyl phthalate",
     "85-68-7", 312, 900, 3120, 9000),
    _r("di_n_octyl_phthalate", 19, "svoc", "邻苯二甲酸二正辛酯", "di-n-octyl phthalate",
     "117-84-0", 390, 2812, 800, 5700),
    _r("3_3_dichlorobenzidine", 20, "svoc", "3,3'-二氯联苯胺", "3,3'-dichlorobenzidine", "91-94-1",
     1.3, 3.6, 13, 36),
    _r("atrazine", 21, "pesticides", "阿特拉津", "atrazine", "1912-24-9", 2.6, 7.4, 26, 74),
    _r("chlordane", 22, "pesticides", "氯丹", "chlordane", "12789-03-6", 2.0, 6.2, 20, 62,
     note="注②：α-氯丹、γ-氯丹两种物质含量总和"),
    _r("p_p_ddd", 23, "pesticides", "p,p'-滴滴滴", "p,p'-DDD", "72-54-8", 2.5, 7.1, 25, 71),
    _r("p_p_dde", 24, "pesticides", "p,p'-滴滴伊", "p,p'-DDE", "72-55-9", 2.0, 7.0, 20, 70),
    _r("ddt", 25, "pesticides", "滴滴涕", "DDT", "50-29-3", 2.0, 6.7, 21, 67,
     note="注③：o,p'-滴滴涕、p,p'-滴滴涕两种物质含量总和"),
    _r("dichlorvos", 26, "pesticides", "敌敌畏", "dichlorvos", "62-73-7", 1.8, 5.0, 18, 50),
    _r("dimethoate", 27, "pesticides", "乐果", "dimethoate", "60-51-5", 86, 619, 170, 1240),
    _r("endosulfan", 28, "pesticides", "硫丹", "endosulfan", "115-29-7", 234, 1687, 470, 3400,
     note="注④：α-硫丹、β-硫丹两种物质含量总和"),
    _r("heptachlor", 29, "pesticides", "七氯", "heptachlor", "76-44-8", 0.13, 0.37, 1.3, 3.7),
    _r("alpha_hch", 30, "pesticides", "α-六六六", "alpha-HCH", "319-84-6", 0.09, 0.3, 0.9, 3),
    _r("beta_hch", 31, "pesticides", "β-六六六", "beta-HCH", "319-85-7", 0.32, 0.92, 3.2, 9.2),
    _r("gamma_hch", 32, "pesticides", "γ-六六六", "gamma-HCH (lindane)", "58-89-9",
     0.62, 1.9, 6.2, 19),
    _r("hexachlorobenzene", 33, "pesticides", "六氯苯", "hexachlorobenzene", "118-74-1",
     0.33, 1, 3.3, 10),
    _r("mirex", 34, "pesticides", "灭蚁灵", "mirex", "2385-85-5", 0.03, 0.09, 0.3, 0.9),
    _r("pcbs_total", 35, "pcb_pbb_dioxins", "多氯联苯（总量）", "PCBs (total)", "",
     0.14, 0.38, 1.4, 3.8,
     note="注⑤：PCB77、PCB81、PCB105、PCB114、PCB118、PCB123、PCB126、PCB156、PCB157、"
              "PCB167、PCB169、PCB189十二种物质含量总和"),
    _r("pcb126", 36, "pcb_pbb_dioxins", "3,3',4,4',5-五氯联苯（PCB 126）",
     "3,3',4,4',5-pentachlorobiphenyl (PCB 126)", "57465-28-8", 4e-5, 1e-4, 4e-4, 1e-3),
    _r("pcb169", 37, "pcb_pbb_dioxins", "3,3',4,4',5,5'-六氯联苯（PCB 169）",
     "3,3',4,4',5,5'-hexachlorobiphenyl (PCB 169)", "32774-16-6", 1e-4, 4e-4, 1e-3, 4e-3),
    _r("dioxins_teq", 38, "pcb_pbb_dioxins", "二噁英类（总毒性当量）",
     "dioxins (total toxic equivalent)", "", 1e-5, 4e-5, 1e-4, 4e-4),
    _r("pbbs_total", 39, "pcb_pbb_dioxins", "多溴联苯（总量）", "PBBs (total)", "",
     0.02, 0.06, 0.2, 0.6),
    _r("tph_c10_c40", 40, "tph", "石油烃（C10-C40）", "petroleum hydrocarbons (C10–C40)", "",
     826, 4500, 5000, 9000, aliases=("石油烃", "石油烃(C10-C40)", "石油烃C10-C40")),
)  # fmt: skip


def _build() -> dict[str, SoilItem]:
    out: dict[str, SoilItem] = {}
    for table, rows in ((1, _T1), (2, _T2)):
        for row in rows:
            confirmed = table == 1 and row.no in _CONFIRMED_T1
            sources: tuple[str, ...] = ("standard-text",) if confirmed else ()
            sources = (*sources, "srs-csv", "pdf-transcription", "java-enum")
            if row.key == "As":
                sources = (*sources, "site-report-as")
            out[row.key] = replace(
                row,
                table=table,
                sources=sources,
                confidence="confirmed" if confirmed else "MC",
            )
    return out


#: every item of Tables 1 (45) and 2 (40), in table order
ITEMS: MappingProxyType[str, SoilItem] = MappingProxyType(_build())
NAMES_ZH = MappingProxyType({k: v.name_zh for k, v in ITEMS.items()})
NAMES_EN = MappingProxyType({k: v.name_en for k, v in ITEMS.items()})
