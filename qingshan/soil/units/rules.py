"""The key-unit rules as data (pure; no I/O): when a hidden-danger check and a discharge report
fall due, what a self-monitoring sample is judged against and when it counts as exceeding.

Sources (the confidence tag of each entry: ``confirmed`` read in the text itself, ``MC`` several
consistent secondary sources quoting it, ``U`` the programme's choice where no text was found):

- 《中华人民共和国土壤污染防治法》(2018) 第二十一条 — a key soil-supervised unit (一) strictly
  controls its toxic and harmful substance discharges and reports them **yearly** to the
  ecology-environment department, (二) keeps a hidden-danger check system, (三) draws up and
  carries out a self-monitoring plan and reports the data; 第八十六条 — not reporting yearly,
  no check system, no self-monitoring: ordered to correct and fined [MC];
- 《工矿用地土壤环境管理办法(试行)》(生态环境部令第3号, 2018) 第十一条 — a unit keeps a system of
  soil and groundwater hidden-danger checks, checks its key areas and facilities **regularly**,
  draws up a rectification plan for what it finds and keeps the record; 第十二条 — it monitors
  soil and groundwater regularly (itself or through a third party) by the technical rules, chiefly
  around the areas and facilities with hidden dangers; 第十三条 — signs of pollution found by a
  check or by monitoring → find the source, stop new pollution, investigate and assess the risk
  as for a contaminated site [MC];
- 《重点监管单位土壤污染隐患排查指南(试行)》(生态环境部公告 2021年第1号) — a newly listed unit
  carries out a full check **within one year** of being listed; afterwards every 2–3 years for the
  places and facilities handling toxic substances; abnormal self-monitoring results call for a
  check at once [MC]. Zhejiang's list asks for a yearly check (the issue's brief); the programme
  keeps one check per listed year, due by 31 December of its year [U];
- HJ 1209-2021 《工业企业土壤和地下水自行监测技术指南(试行)》 — soil judged against GB 36600-2018
  for the land's use (a working factory: second-category land, GB 36600-2018 §3.3 / Table 1),
  groundwater against GB/T 14848-2017 [MC].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

__all__ = [
    "RULES",
    "Rule",
    "MEDIA",
    "SOIL_UNIT",
    "GROUNDWATER_UNIT",
    "SOIL_LAND_CATEGORY",
    "GROUNDWATER_EXCEEDING",
    "PH_RANGE",
    "check_due",
    "report_due",
    "check_state",
    "open_items_overdue",
    "listed_in",
    "soil_exceeding",
    "groundwater_exceeding",
]


@dataclass(frozen=True)
class Rule:
    """One rule: its key, the text it follows, the clause, what it says, its confidence."""

    key: str
    source: str
    clause: str
    says: str
    confidence: str


RULES: MappingProxyType[str, Rule] = MappingProxyType(
    {
        r.key: r
        for r in (
            Rule(
                "check_yearly",
                "《工矿用地土壤环境管理办法(试行)》(生态环境部令第3号, 2018); "
                "《重点监管单位土壤污染隐患排查指南(试行)》(2021)",
                "第十一条; 指南 §1 (排查频次)",
                "定期开展隐患排查; 新纳入名录一年内完成首次全面排查 — 本平台按浙江名录管理每年一次, "
                "当年 12 月 31 日前完成",
                "MC",
            ),
            Rule(
                "check_rectify",
                "《工矿用地土壤环境管理办法(试行)》(2018)",
                "第十一条",
                "发现污染隐患的, 应当制定整改方案, 及时采取技术、管理措施消除隐患; 如实记录并建立档案",
                "MC",
            ),
            Rule(
                "self_monitoring",
                "《工矿用地土壤环境管理办法(试行)》(2018); 《土壤污染防治法》(2018); HJ 1209-2021",
                "第十二条; 第二十一条(三)",
                "自行或委托第三方定期开展土壤和地下水监测, 监测数据报生态环境主管部门; "
                "土壤按 GB 36600-2018 第二类用地筛选值判定, 地下水按 GB/T 14848-2017 分类",
                "MC",
            ),
            Rule(
                "monitoring_exceeding",
                "《工矿用地土壤环境管理办法(试行)》(2018)",
                "第十三条",
                "监测发现污染迹象的, 应当排查污染源, 查明原因, 防止新增污染, 开展调查与风险评估 — "
                "土壤超过第二类用地筛选值、地下水劣于 IV 类即立案督办",
                "MC",
            ),
            Rule(
                "discharge_report",
                "《中华人民共和国土壤污染防治法》(2018)",
                "第二十一条(一); 第八十六条(三)",
                "严格控制有毒有害物质排放, 并按年度向生态环境主管部门报告排放情况 — "
                "本平台以次年 3 月 31 日为上一年度报告的截止日",
                "U",
            ),
        )
    }
)

MEDIA = ("soil", "groundwater")
#: the unit soil results are reported in: mg/kg dry soil (GB 36600-2018 Table 1 heading)
SOIL_UNIT = "mg/kg"
#: the unit groundwater results are reported in: mg/L (GB/T 14848-2017 Table 1, most rows)
GROUNDWATER_UNIT = "mg/L"
#: a working factory's land: 第二类用地 (GB 36600-2018 §3.3, industrial land M among them)
SOIL_LAND_CATEGORY = 2
#: groundwater classes counted as exceeding: V, worse than IV — GB/T 14848-2017 §4.1 says class
#: IV suits agricultural and some industrial use, class V is unfit for drinking [MC]
GROUNDWATER_EXCEEDING = ("V",)
#: pH is a number on 0–14 (the scale's own bounds)
PH_RANGE = (0.0, 14.0)
#: the month and day a year's discharge report is due in the next year [U]
_REPORT_DUE = (3, 31)


def check_due(year: int) -> date:
    """The day a year's hidden-danger check falls due: 31 December of ``year`` (rule
    ``check_yearly``)."""
    return date(year, 12, 31)


def report_due(year: int) -> date:
    """The day the discharge report of ``year`` falls due: 31 March of the next year (rule
    ``discharge_report``, [U])."""
    return date(year + 1, *_REPORT_DUE)


def check_state(due_on: date, done_on: date | None, today: date) -> str:
    """``done`` (on time), ``late`` (done after its due date), ``overdue`` (not done, due date
    passed) or ``open`` (not done, not yet due)."""
    if done_on is not None:
        return "late" if done_on > due_on else "done"
    return "overdue" if due_on < today else "open"


def open_items_overdue(items: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """The rectification items still open after their deadline (rule ``check_rectify``)."""
    out = []
    for it in items:
        if it.get("status") == "done":
            continue
        deadline = it.get("deadline")
        if deadline and date.fromisoformat(str(deadline)) < today:
            out.append(it)
    return out


def listed_in(listed_year: int, delisted_year: int | None, year: int) -> bool:
    """On the list in ``year``: listed that year or before, not yet taken off."""
    return listed_year <= year and (delisted_year is None or year < delisted_year)


def soil_exceeding(level: str) -> bool:
    """A soil sample exceeds when any item is over the second-category screening value
    (GB 36600-2018 §4.2: over screening → possible risk, investigate) — level
    ``over_screening`` or ``over_intervention``."""
    return level != "within_screening"


def groundwater_exceeding(klass: str) -> bool:
    """A groundwater sample exceeds when its class is in :data:`GROUNDWATER_EXCEEDING`."""
    return klass in GROUNDWATER_EXCEEDING
