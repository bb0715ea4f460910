"""A small archive exchange file with real values: three enterprises (杭州 西湖区 热电, 萧山区 印染,
嘉兴 南湖区 造纸), their outlets, permits (the power plant's in two versions) with limits in the
HJ 212-2017 Appendix B units and annual caps — as a workbook or as CSV files."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from qingshan.archive.import_layout import SHEETS
from qingshan.tablefile import write_csv

POWER, DYE, PAPER = "91330106MA2H7K3B80", "913301097042156AXT", "91330402MA29XQ5R2N"
OTHER = "91330203144025872L"  # 宁波 海曙区, not in the file
P1, P2, P3 = f"{POWER}001P", f"{DYE}001P", f"{PAPER}001P"

ENTERPRISES = [
    ["统一社会信用代码", "企业名称", "行业类别", "行业代码", "所在区县", "地址", "经度", "纬度", "重点排污单位类别", "联系人", "状态"],
    [POWER, "杭州之江热电有限公司", "火电", "4411", "杭州市西湖区", "西湖区转塘街道之江路 88 号", 120.1332, 30.1901,
     "大气环境、水环境", "陈立新（环保负责人）0571-87651234", "在产"],
    [DYE, "杭州萧然印染有限公司", "印染", "1713", "330109", "萧山区瓜沥镇工业园 6 号", 120.4571, 30.1612,
     "水环境", "李红（厂长）13905710001；赵强 0571-82601122", "在产"],
    [PAPER, "嘉兴禾丰纸业有限公司", "造纸", "2221", "南湖区", "", None, None, "", "", "停产"],
]  # fmt: skip
OUTLETS = [
    ["排口编码", "统一社会信用代码", "排口名称", "排口类型", "控制级别", "经度", "纬度", "污染源类型", "基准氧含量"],
    [f"{POWER}-DA001", POWER, "1号锅炉废气排放口", "废气", "省控", 120.1335, 30.1903, "coal_boiler_ultralow", None],
    [f"{POWER}-DW001", POWER, "废水总排口", "废水", "企业", None, None, "", None],
    [f"{DYE}-DW001", DYE, "印染废水总排口", "废水", "企业", 120.4575, 30.1610, "dyeing_effluent", None],
    [f"{PAPER}-DW001", PAPER, "造纸废水总排口", "废水", "企业", None, None, "paper_effluent", None],
]  # fmt: skip
PERMITS = [
    ["许可证编号", "版本", "统一社会信用代码", "管理类别", "有效期起", "有效期止", "排口", "变更原因"],
    [P1, 1, POWER, "重点管理", date(2021, 1, 1), date(2025, 12, 31), f"{POWER}-DA001", "首次申领"],
    [P1, 2, POWER, "重点管理", date(2024, 7, 1), date(2029, 6, 30), f"{POWER}-DA001、{POWER}-DW001", "变更"],
    [P2, None, DYE, "重点", "2023-03-01", "2028/2/29", "", "首次申领"],
    [P3, None, PAPER, "简化管理", "2022年5月1日", "2027-04-30", "", ""],
]  # fmt: skip
LIMITS = [
    ["许可证编号", "版本", "排口编码", "污染物代码", "浓度限值", "单位", "均值类型", "执行标准", "年许可排放量"],
    [P1, 1, f"{POWER}-DA001", "a21026", 50, "mg/m3", "小时均值", "GB 13223-2011 表1", None],
    [P1, 2, f"{POWER}-DA001", "a21026", 35, "mg/m³", "小时均值", "环发〔2015〕164号", None],
    [P1, 2, f"{POWER}-DA001", "NOx", 50, "mg/m³", "小时均值", "环发〔2015〕164号", None],
    [P1, 2, f"{POWER}-DW001", "w01018", 60, "mg/L", "日均值", "GB 8978-1996", None],
    [P1, 2, None, "a21026", None, None, None, None, 120.5],
    [P1, 2, None, "a21002", None, None, None, None, 210],
    [P2, None, f"{DYE}-DW001", "w01018", 80, "mg/L", "日均值", "GB 4287-2012 表2", None],
    [P2, None, f"{DYE}-DW001", "氨氮", 10, "mg/L", "日均值", "GB 4287-2012 表2", None],
    [P2, None, None, "w01018", None, None, None, None, 36.8],
    [P3, None, f"{PAPER}-DW001", "w01018", 90, "mg/L", "日均值", "GB 3544-2008 表2", None],
]  # fmt: skip
SHEET_ROWS = {"企业": ENTERPRISES, "排口": OUTLETS, "排污许可证": PERMITS, "许可限值": LIMITS}
#: data rows per sheet
COUNTS = {"企业": 3, "排口": 4, "排污许可证": 4, "许可限值": 10}


def xlsx(sheets: dict[str, list[list]] | None = None) -> bytes:
    """A workbook of ``sheets`` (name → rows, the header first); default the good file."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in (sheets or SHEET_ROWS).items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_files(
    encoding: str = "gbk", sheets: dict[str, list[list]] | None = None
) -> list[tuple[str, bytes]]:
    """One CSV file per sheet, named by the sheet."""
    out = []
    for s in SHEETS:
        rows = (sheets or SHEET_ROWS)[s.name]
        cells = [[v.isoformat() if isinstance(v, date) else v for v in r] for r in rows[1:]]
        out.append((f"{s.name}.csv", write_csv(rows[0], cells, encoding=encoding)))
    return out


def changed(sheet: str, row: int, column: str, value) -> dict[str, list[list]]:
    """The good file with one cell (``row`` as the sheet numbers it) set to ``value``."""
    sheets = {k: [list(r) for r in v] for k, v in SHEET_ROWS.items()}
    sheets[sheet][row - 1][sheets[sheet][0].index(column)] = value
    return sheets
