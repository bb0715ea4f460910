"""The incident report (突发环境事件总结报告) as a Word document (python-docx, in memory; pure
core: the data in, the bytes out). Sections: the facts, the level and its basis (国办函〔2014〕119号
附件1, each criterion met with its item and confidence), the timeline of stages, the command log
(orders with whom, due and done), the monitoring summary per temporary point (readings, highest,
readings above the chosen standard value), the affected sites and the nearest resources. Chinese
(the bureaus' language), with the English field names where a reader may need them."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from docx import Document
from docx.shared import Pt

from qingshan.timeutil import as_cst

__all__ = ["ReportData", "build_report"]

STAGE_NAMES = {
    "reported": "接报", "verified": "核实", "responding": "应急响应",
    "monitoring": "跟踪监测", "recovering": "应急终止/后期处置", "closed": "结案",
}  # fmt: skip
KIND_NAMES = {
    "report": "接报", "stage": "阶段", "level": "定级", "facts": "事实更新", "order": "指令",
    "done": "完成", "note": "情况", "point": "布点", "readings": "监测数据",
}  # fmt: skip


def _t(value: datetime | None) -> str:
    return "—" if value is None else as_cst(value).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class ReportData:
    code: str
    title: str
    description: str
    occurred_at: datetime
    region_name: str
    position: str
    enterprise: str
    origin: str
    facts: list[tuple[str, str]]  # (label, value)
    level: str
    level_name: str
    response_level: str
    lead: str
    basis: list[dict[str, Any]]
    level_source: str
    stage: str
    closed_at: datetime | None
    log: list[dict[str, Any]]  # seq, at, actor, kind, to_whom, content, due_at, done_at
    points: list[dict[str, Any]]  # name, parameter, unit, n, max, last, standard, exceeding
    affected: list[dict[str, Any]]  # kind, name, code, distance_km, method
    resources: list[str] = field(default_factory=list)
    synthetic: bool = False
    generated_at: datetime | None = None


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def build_report(d: ReportData) -> bytes:
    """The .docx bytes of the report of ``d``."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    doc.add_heading(f"突发环境事件总结报告 — {d.title}", level=1)
    if d.synthetic:
        doc.add_paragraph("【演示数据 synthetic】本报告由演示数据生成，不是真实事件。")
    doc.add_paragraph(f"编号 {d.code} · 生成于 {_t(d.generated_at)}（北京时间）")

    doc.add_heading("一、事件概况 Facts", level=2)
    _table(doc, ["项目", "内容"], [
        ["事件名称", d.title], ["发生时间", _t(d.occurred_at)], ["发生地", d.region_name],
        ["位置（经度, 纬度）", d.position], ["涉事企业", d.enterprise or "—"],
        ["来源", d.origin], ["当前阶段", STAGE_NAMES.get(d.stage, d.stage)],
        ["结案时间", _t(d.closed_at)],
    ])  # fmt: skip
    if d.description:
        doc.add_paragraph(d.description)
    if d.facts:
        _table(doc, ["定级事实", "值"], [[k, v] for k, v in d.facts])

    doc.add_heading("二、事件级别及依据 Level and its basis", level=2)
    doc.add_paragraph(
        f"级别：{d.level_name}（{d.level}级）；响应级别：{d.response_level}级；牵头：{d.lead}。"
    )
    if d.basis:
        _table(doc, ["条目", "分级标准", "可信度"],
               [[f"{b['level']}级({b['item']})", b["text"], b["confidence"]] for b in d.basis])  # fmt: skip
    else:
        doc.add_paragraph("已知事实未达到较大及以上任一情形，定为一般（Ⅳ级）。")
    doc.add_paragraph(f"依据：{d.level_source}")

    doc.add_heading("三、处置过程 Timeline", level=2)
    stages = [e for e in d.log if e["kind"] in ("report", "stage", "level")]
    _table(doc, ["时间", "事项", "内容", "人员"], [
        [_t(e["at"]), KIND_NAMES.get(e["kind"], e["kind"]), e["content"], e["actor"]]
        for e in stages
    ])  # fmt: skip

    doc.add_heading("四、指挥调度记录 Command log", level=2)
    orders = [e for e in d.log if e["kind"] == "order"]
    if orders:
        _table(doc, ["下达时间", "下达人", "接收", "指令内容", "时限", "完成时间"], [
            [_t(e["at"]), e["actor"], e["to_whom"], e["content"], _t(e["due_at"]),
             _t(e["done_at"]) if e["done_at"] else "未完成"]
            for e in orders
        ])  # fmt: skip
    else:
        doc.add_paragraph("无指令记录。")
    others = [e for e in d.log if e["kind"] in ("note", "facts", "point", "readings", "done")]
    if others:
        doc.add_paragraph("其他记录：")
        _table(doc, ["时间", "类型", "内容", "人员"], [
            [_t(e["at"]), KIND_NAMES.get(e["kind"], e["kind"]), e["content"], e["actor"]]
            for e in others
        ])  # fmt: skip

    doc.add_heading("五、应急监测 Monitoring summary", level=2)
    if d.points:
        _table(doc, ["监测点", "项目", "单位", "数据数", "最大值", "最新值", "标准值", "超标次数"], [
            [p["name"], p["parameter"], p["unit"], str(p["n"]), p["max"], p["last"],
             p["standard"], str(p["exceeding"])]
            for p in d.points
        ])  # fmt: skip
    else:
        doc.add_paragraph("未设临时监测点。")

    doc.add_heading("六、受影响的水体断面和饮用水水源 Affected sites", level=2)
    if d.affected:
        _table(doc, ["类型", "名称", "编码", "距离(km)", "方法"], [
            [a["kind"], a["name"], a["code"], f"{a['distance_km']:.2f}", a["method"]]
            for a in d.affected
        ])  # fmt: skip
        doc.add_paragraph("按事发点直线距离筛查，未区分上下游，仅供研判。")
    else:
        doc.add_paragraph("事发点周边范围内未发现登记的断面或水源。")
    if d.resources:
        doc.add_heading("七、就近应急资源 Nearest resources", level=2)
        for line in d.resources:
            doc.add_paragraph(line, style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
