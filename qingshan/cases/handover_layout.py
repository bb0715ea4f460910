"""The layout of the central inspection hand-over list (督察交办件清单), as data: its columns,
the words of its cells, a blank template. Read and checked by :mod:`.handover_file`.

The layout (the bureau's headers; the header row is the first of the first 10 rows holding
交办编号, so a title row above it is fine; columns in any order; other columns are ignored):

========  =====================================================================  ========
header    what                                                                   required
========  =====================================================================  ========
序号      the item's number in the list (a positive integer)                      yes
交办编号  the hand-over number, unique in the list (at most 100 characters)       yes
所在地区  the county or city: 西湖区, 杭州市西湖区 or 330106                      yes
污染类型  大气 / 水 / 噪声 / 固废 / 土壤 / 生态 / 辐射 / 其他 (see CATEGORY_WORDS)  yes
问题描述  what was reported (at most 4000 characters)                             yes
责任单位  the unit it is handed to (at most 128 characters)                      yes
办理时限  the deadline, a date (2026-04-30, 2026/4/30, 2026年4月30日)             yes
交办日期  the date it was handed over (default: the day of the import)           no
涉及企业  the enterprise: its name or 统一社会信用代码                              no
具体地址  the place (at most 200 characters)                                      no
经度 纬度 the point [° WGS-84], both or neither, within the region's city         no
严重程度  一般 / 较重 / 重大 (default 一般)                                          no
督察批次  the batch, e.g. 第二轮第三批 (at most 64 characters)                      no
========  =====================================================================  ========

Aliases the bureaus' lists use: 行政区域/所属地区 → 所在地区, 问题类型 → 污染类型, 信访内容/反映问题 →
问题描述, 办结时限 → 办理时限, 受理编号 → 交办编号.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "ALIASES",
    "CATEGORY_WORDS",
    "SEVERITY_WORDS",
    "HEADER_ROWS",
    "COLUMN_DOCS",
    "column_letter",
    "header_name",
    "template_xlsx",
]

#: header → field, in the order of the layout
COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "序号": "seq", "交办编号": "number", "所在地区": "region", "污染类型": "category",
        "问题描述": "description", "责任单位": "unit", "办理时限": "deadline",
        "交办日期": "handed_over", "涉及企业": "enterprise", "具体地址": "place",
        "经度": "longitude", "纬度": "latitude", "严重程度": "severity", "督察批次": "batch",
    }
)  # fmt: skip
REQUIRED = ("序号", "交办编号", "所在地区", "污染类型", "问题描述", "责任单位", "办理时限")
ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "行政区域": "所在地区", "所属地区": "所在地区", "问题类型": "污染类型", "信访内容": "问题描述",
        "反映问题": "问题描述", "办结时限": "办理时限", "受理编号": "交办编号",
    }
)  # fmt: skip
#: words of 污染类型 → case category (a category's own code is accepted too)
CATEGORY_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "大气": "air_pollution", "大气污染": "air_pollution", "废气": "air_pollution",
        "扬尘": "air_pollution", "油烟": "air_pollution", "恶臭": "air_pollution",
        "水": "water_pollution", "水污染": "water_pollution", "废水": "water_pollution",
        "噪声": "noise", "噪音": "noise",
        "固废": "solid_waste", "固体废物": "solid_waste", "危废": "solid_waste", "垃圾": "solid_waste",
        "土壤": "soil", "土壤污染": "soil",
        "生态": "ecology", "生态破坏": "ecology",
        "辐射": "radiation", "其他": "other", "其它": "other",
    }
)  # fmt: skip
SEVERITY_WORDS: Mapping[str, str] = MappingProxyType(
    {"一般": "general", "较重": "serious", "较大": "serious", "重大": "major"}
)
HEADER_ROWS = 10
#: header → (Chinese, English) of what it holds: the layout as the upload page shows it
COLUMN_DOCS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "序号": ("清单中的序号（正整数）", "the item's number in the list (a positive integer)"),
        "交办编号": ("交办编号，清单内不重复，至多 100 字", "the hand-over number, unique in the list"),
        "所在地区": ("区县或市：西湖区、杭州市西湖区或 330106", "county or city: 西湖区, 杭州市西湖区 or 330106"),
        "污染类型": ("大气、水、噪声、固废、土壤、生态、辐射、其他", "air, water, noise, waste, soil, ecology, radiation, other"),
        "问题描述": ("反映的问题，至多 4000 字", "what was reported, at most 4,000 characters"),
        "责任单位": ("承办的责任单位名称", "the responsible unit it is handed to"),
        "办理时限": ("日期：2026-04-30、2026/4/30 或 2026年4月30日", "a date: 2026-04-30, 2026/4/30 or 2026年4月30日"),
        "交办日期": ("交办的日期（默认导入当天）", "the hand-over date (default: the day of the import)"),
        "涉及企业": ("企业名称或统一社会信用代码", "the enterprise: name or unified social credit code"),
        "具体地址": ("具体地点，至多 200 字", "the place, at most 200 characters"),
        "经度": ("WGS-84 经度，与纬度同填或同空", "longitude [° WGS-84], with the latitude or not at all"),
        "纬度": ("WGS-84 纬度", "latitude [° WGS-84]"),
        "严重程度": ("一般、较重或重大（默认一般）", "一般, 较重 or 重大 (default 一般)"),
        "督察批次": ("如 第二轮第三批", "the batch, e.g. 第二轮第三批"),
    }
)  # fmt: skip


def column_letter(index: int) -> str:
    """The sheet's letter of a 0-based column index (0 → A, 26 → AA)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def header_name(value: Any) -> str:
    """A header cell as a header of :data:`COLUMNS` (spaces and a bracketed note removed,
    aliases resolved)."""
    text = re.sub(r"\s+", "", "" if value is None else str(value))
    text = re.sub(r"[（(].*?[)）]", "", text)  # 办理时限（日期） → 办理时限
    return ALIASES.get(text, text)


def template_xlsx() -> bytes:
    """A blank list with the layout's headers (required ones first) and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "督察交办件"
    ws.append(["中央生态环境保护督察交办件清单（第  批）"])
    ws.append(list(COLUMNS))
    ws.append([1, "D330000202603001", "杭州市西湖区", "大气", "反映某厂夜间排放刺鼻气味", "西湖区生态环境分局",
               "2026-04-30", "2026-03-01", "", "", "", "", "一般", "第三轮第一批"])  # fmt: skip
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, header in enumerate(COLUMNS):
        ws.column_dimensions[column_letter(i)].width = 40 if header == "问题描述" else 16
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
