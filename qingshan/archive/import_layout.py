"""The layout of the archive's exchange file, as data: four sheets (企业, 排口, 排污许可证, 许可限值)
of one workbook, or one CSV file per sheet; their columns (Chinese headers, English aliases),
the words of their cells, and a blank template. Read by :mod:`.import_file`, written by
:mod:`.export`; ``docs/archive.md`` (Import and export) shows it.

Each sheet's header row is the first of its first 10 rows holding the sheet's key column (a
title row above it is fine); columns may come in any order; a header may carry a note in
brackets (``浓度限值（mg/m³）``); unknown columns are ignored, and so are the columns marked
read-only (written by the export for the reader: names of codes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from qingshan.archive.models import INDUSTRY_NAMES, Industry, PermitCategory
from qingshan.tablefile import write_csv, write_workbook

__all__ = [
    "Column",
    "Sheet",
    "SHEETS",
    "ENTERPRISES",
    "OUTLETS",
    "PERMITS",
    "LIMITS",
    "INDUSTRY_WORDS",
    "KEY_CATEGORY_WORDS",
    "STATUS_WORDS",
    "CATEGORY_WORDS",
    "KIND_WORDS",
    "LEVEL_WORDS",
    "AVERAGING_WORDS",
    "LIST_SEPARATORS",
    "template_xlsx",
    "template_csv",
]

#: separators of a list in one cell: 、 , ， ; ；
LIST_SEPARATORS = r"[、,，;；\s]+"


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header, as the export writes it
    key: str  # the field it fills
    zh: str  # what it holds (the upload panel and the template's notes)
    en: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 14
    read_only: bool = False  # written by the export for the reader, ignored on import


@dataclass(frozen=True)
class Sheet:
    name: str  # the sheet's (and the CSV file's) Chinese name
    name_en: str  # its English name (an alias of the sheet and of the CSV file's name)
    key: str  # the header that finds the header row (and tells a CSV file's sheet)
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def aliases(self) -> Mapping[str, str]:
        """Alias → header (an English alias in lower case too)."""
        out = {}
        for c in self.columns:
            for a in (c.key, *c.aliases):
                out[a] = c.header
                out[a.lower()] = c.header
        return out

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)


_CREDIT = Column("统一社会信用代码", "credit_code", "18 位统一社会信用代码（GB 32100-2015，校验位必须正确）",
                 "the 18-character unified social credit code (GB 32100-2015, check character right)",
                 True, ("信用代码", "社会信用代码", "credit code"), 22)  # fmt: skip
_NUMBER = Column("许可证编号", "number", "排污许可证编号（6–32 位）", "the permit number (6–32 characters)",
                 True, ("排污许可证编号", "permit_number", "permit"), 26)  # fmt: skip
_VERSION = Column("版本", "version", "版本号：空为新证或与现行版本相同；变更时填下一版本号",
                  "the version: blank for a new permit or the current version; the next number for a change",
                  False, ("版本号", "permit_version"), 6)  # fmt: skip

ENTERPRISES = Sheet("企业", "enterprises", "企业名称", (
    _CREDIT,
    Column("企业名称", "name", "单位名称（2–128 字）", "the name (2–128 characters)", True,
           ("单位名称", "enterprise"), 30),
    Column("行业类别", "industry", "火电、水泥、造纸、印染或化工（质控规则包）",
           "thermal power, cement, paper, dyeing or chemical (the QC rule pack)", True, ()),
    Column("行业代码", "industry_code", "GB/T 4754-2017 小类代码（4 位），可空",
           "the GB/T 4754-2017 class code (4 digits), optional", False, ("国民经济行业代码",)),
    Column("所在区县", "region_code", "区县行政区划代码或名称：330106、西湖区、杭州市西湖区",
           "the county: 330106, 西湖区 or 杭州市西湖区", True, ("所在地区", "行政区划", "区县", "region")),
    Column("区县名称", "region_name", "导出时写出，导入时忽略", "written by the export, ignored on import",
           read_only=True),
    Column("地址", "address", "生产经营场所地址（至多 200 字）", "the address (at most 200 characters)", False,
           ("详细地址", "生产经营场所地址"), 30),
    Column("经度", "longitude", "WGS-84 经度（度）", "longitude [° WGS-84]", False, ("lon",)),
    Column("纬度", "latitude", "WGS-84 纬度（度）", "latitude [° WGS-84]", False, ("lat",)),
    Column("重点排污单位类别", "key_categories", "水环境、大气环境、土壤环境、声环境、环境风险，用顿号分隔；空为非重点",
           "water, air, soil, noise, risk, separated by 、; blank: not a key unit", False,
           ("重点排污单位", "重点类别"), 22),
    Column("联系人", "contacts", "姓名（职务）电话，多人用分号分隔：张三（环保负责人）0571-88886666",
           "name (role) phone, several separated by ;", False, ("联系方式",), 34),
    Column("状态", "status", "在产、停产或关闭（默认在产）", "operating 在产, suspended 停产 or closed 关闭",
           False, ("生产状态",)),
    Column("变更原因", "reason", "修改已有企业时记入变更历史（默认“批量导入”）",
           "why an enterprise on file changes (kept in its history)", False, ("原因",), 20),
))  # fmt: skip

OUTLETS = Sheet("排口", "outlets", "排口名称", (
    Column("排口编码", "code", "排口（监测点位）编码，全省唯一", "the outlet's code, unique", True,
           ("排放口编码", "outlet_code", "outlet"), 26),
    _CREDIT,
    Column("排口名称", "name", "排放口名称", "the outlet's name", True, ("排放口名称",), 28),
    Column("排口类型", "kind", "废气或废水", "gas (废气) or water (废水)", True, ("排放口类型", "类型")),
    Column("控制级别", "control_level", "国控、省控、市控或企业（默认企业自行监测）",
           "national, provincial, city or enterprise (default)", False, ("级别",)),
    Column("经度", "longitude", "WGS-84 经度（度）", "longitude [° WGS-84]", False, ("lon",)),
    Column("纬度", "latitude", "WGS-84 纬度（度）", "latitude [° WGS-84]", False, ("lat",)),
    Column("污染源类型", "source_type", "决定国家标准限值与基准氧含量的源类型代码，如 coal_boiler_ultralow",
           "the source type (national limits and reference O2), e.g. coal_boiler_ultralow", False, (), 22),
    Column("污染源名称", "source_name", "如 燃煤发电锅炉（超低排放）", "e.g. 燃煤发电锅炉（超低排放）", False, (), 22),
    Column("基准氧含量", "reference_o2", "废气排口的基准氧含量（%），无国家标准源类型时填写",
           "the gas outlet's reference O2 [%] where no national source type gives it", False, ("基准氧",)),
))  # fmt: skip

PERMITS = Sheet("排污许可证", "permits", "有效期起", (
    _NUMBER,
    _VERSION,
    _CREDIT,
    Column("管理类别", "category", "重点管理、简化管理或登记管理（默认重点管理）",
           "key, simplified or registration (default key)", False, ("类别",)),
    Column("有效期起", "valid_from", "日期：2023-01-01、2023/1/1 或 2023年1月1日", "a date", True,
           ("有效期自", "valid_from"), 12),
    Column("有效期止", "valid_to", "日期，不早于有效期起", "a date, not before the start", True,
           ("有效期至", "valid_to"), 12),
    Column("排口", "outlets", "许可的排口编码，用顿号分隔（限值表中的排口自动加入）",
           "the outlets' codes, separated by 、 (those of the limits are added)", False,
           ("许可排口",), 30),
    Column("替代许可证", "supersedes", "本证替代的其他许可证编号（同号旧版本自动替代）",
           "other permit numbers this one replaces (older versions of its number are)", False, (), 22),
    Column("变更原因", "reason", "首次申领、变更、延续……", "first issue, change, renewal …", False,
           ("原因", "说明"), 14),
))  # fmt: skip

LIMITS = Sheet("许可限值", "limits", "污染物代码", (
    _NUMBER,
    _VERSION,
    Column("排口编码", "site_code", "浓度限值的排口；年许可排放量一行留空",
           "the outlet of a concentration limit; blank on an annual-cap row", False,
           ("排放口编码", "outlet_code", "outlet"), 26),
    Column("污染物代码", "parameter_code", "HJ 212-2017 附录B 代码，如 a21026、w01018",
           "the HJ 212-2017 Appendix B code, e.g. a21026, w01018", True, ("污染物", "parameter"), 12),
    Column("污染物名称", "parameter_name", "导出时写出，导入时忽略", "written by the export, ignored on import",
           read_only=True),
    Column("浓度限值", "limit", "许可排放浓度（排口行必填）", "the concentration limit (outlet rows)", False,
           ("许可浓度", "限值")),
    Column("单位", "unit", "HJ 212-2017 附录B 的单位：废气 mg/m³，废水 mg/L",
           "the Appendix B unit: mg/m³ for gas, mg/L for water", False, ("计量单位",), 8),
    Column("均值类型", "averaging", "小时均值或日均值（默认小时均值）", "hourly (default) or daily mean", False,
           ("均值", "平均时间")),
    Column("执行标准", "standard", "如 GB 13223-2011 表1", "e.g. GB 13223-2011 Table 1", False,
           ("排放标准",), 22),
    Column("年许可排放量", "tonnes_per_year", "年许可排放量（t/a），排口留空的一行",
           "the annual cap [t/a], on a row without outlet", False, ("许可排放量", "年排放量"), 12),
))  # fmt: skip

#: the sheets in the order the import reads them (an outlet needs its enterprise, a permit its
#: outlets)
SHEETS: tuple[Sheet, ...] = (ENTERPRISES, OUTLETS, PERMITS, LIMITS)

#: words of 行业类别 → rule-pack industry (its own key is accepted too)
INDUSTRY_WORDS: Mapping[str, Industry] = MappingProxyType(
    {**{v: k for k, v in INDUSTRY_NAMES.items()}, "火力发电": Industry.THERMAL_POWER,
     "水泥制造": Industry.CEMENT, "纸浆": Industry.PAPER, "化学工业": Industry.CHEMICAL,
     **{k.value: k for k in Industry}}
)  # fmt: skip
#: words of 重点排污单位类别 → key category
KEY_CATEGORY_WORDS: Mapping[str, str] = MappingProxyType(
    {"水环境": "water", "水": "water", "大气环境": "air", "大气": "air", "土壤环境": "soil",
     "土壤": "soil", "声环境": "noise", "噪声": "noise", "环境风险": "risk", "风险": "risk",
     **{k: k for k in ("water", "air", "soil", "noise", "risk")}}
)  # fmt: skip
STATUS_WORDS: Mapping[str, str] = MappingProxyType(
    {"在产": "operating", "生产": "operating", "停产": "suspended", "关闭": "closed",
     "operating": "operating", "suspended": "suspended", "closed": "closed"}
)  # fmt: skip
CATEGORY_WORDS: Mapping[str, str] = MappingProxyType(
    {"重点管理": "key", "重点": "key", "简化管理": "simplified", "简化": "simplified",
     "登记管理": "registration", "登记": "registration", **{c.value: c.value for c in PermitCategory}}
)  # fmt: skip
CATEGORY_NAMES = {"key": "重点管理", "simplified": "简化管理", "registration": "登记管理"}
KIND_WORDS: Mapping[str, str] = MappingProxyType(
    {"废气": "gas_outlet", "废气排放口": "gas_outlet", "废气排口": "gas_outlet", "gas": "gas_outlet",
     "gas_outlet": "gas_outlet", "废水": "water_outlet", "废水排放口": "water_outlet",
     "废水排口": "water_outlet", "water": "water_outlet", "water_outlet": "water_outlet"}
)  # fmt: skip
KIND_NAMES = {"gas_outlet": "废气", "water_outlet": "废水"}
LEVEL_WORDS: Mapping[str, str] = MappingProxyType(
    {"国控": "national", "省控": "provincial", "市控": "city", "企业": "enterprise",
     "企业自行监测": "enterprise", "自行监测": "enterprise", "national": "national",
     "provincial": "provincial", "city": "city", "enterprise": "enterprise"}
)  # fmt: skip
LEVEL_NAMES = {"national": "国控", "provincial": "省控", "city": "市控", "enterprise": "企业"}
AVERAGING_WORDS: Mapping[str, str] = MappingProxyType(
    {"小时均值": "hour", "小时": "hour", "时均值": "hour", "hour": "hour", "hourly": "hour",
     "日均值": "day", "日": "day", "day": "day", "daily": "day"}
)  # fmt: skip
AVERAGING_NAMES = {"hour": "小时均值", "day": "日均值"}

_EXAMPLE: dict[str, list[list[Any]]] = {
    "企业": [["913304007429141869", "嘉兴澄源热电有限公司", "火电", "4412", "330402", "南湖区",
              "嘉兴市南湖区东栅街道澄源路 8 号", 120.7821, 30.7463, "大气环境、水环境",
              "王建国（环保负责人）0573-82226666", "在产", ""]],
    "排口": [["913304007429141869-DA001", "913304007429141869", "1号锅炉废气排放口", "废气", "企业",
              120.7825, 30.7461, "coal_boiler_ultralow", "燃煤发电锅炉（超低排放）", ""]],
    "排污许可证": [["913304007429141869001P", "", "913304007429141869", "重点管理", "2023-01-01",
                    "2027-12-31", "913304007429141869-DA001", "", "首次申领"]],
    "许可限值": [["913304007429141869001P", "", "913304007429141869-DA001", "a21026", "二氧化硫",
                  35, "mg/m³", "小时均值", "环发〔2015〕164号", ""],
                 ["913304007429141869001P", "", "", "a21026", "二氧化硫", "", "", "", "", 120.5]],
}  # fmt: skip


def template_xlsx() -> bytes:
    """A workbook of the four sheets with their headers (a note on each: what it holds) and
    one example row each (an enterprise, its outlet, its permit, an SO2 limit and cap)."""
    return write_workbook(
        {s.name: (s.headers, _EXAMPLE[s.name]) for s in SHEETS},
        widths={c.header: c.width for s in SHEETS for c in s.columns},
        notes={c.header: f"{c.zh}\n{c.en}" for s in SHEETS for c in s.columns},
    )


def template_csv(sheet: Sheet, encoding: str = "utf-8") -> bytes:
    """One sheet of the template as CSV (UTF-8 with BOM, or GBK)."""
    return write_csv(sheet.headers, _EXAMPLE[sheet.name], encoding=encoding)
