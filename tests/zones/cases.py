"""Hand-drawn layers for the zones tests, near 西湖 (Hangzhou): squares in lon/lat degrees.

- control units: U1 重点管控 [120.00, 120.10] × [30.20, 30.30], U2 一般管控 [120.05, 120.15] ×
  [30.20, 30.30] (overlapping U1 on [120.05, 120.10]); U1 prohibits C26 (chemicals) and admits
  C2614 under conditions, U2 has only free text;
- red line R1 [120.20, 120.30] × [30.20, 30.30];
- water source W1 一级 [120.40, 120.45] × [30.20, 30.25] protecting site DW001.
"""

from __future__ import annotations

import json


def square(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def fc(features: list[dict], crs: str | None = None) -> bytes:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc, ensure_ascii=False).encode()


def feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": props}


U1 = feature(square(120.00, 30.20, 120.10, 30.30), code="ZH33010620001", name="西湖区产业集聚重点管控单元",
             unit_type="重点管控",
             requirements={"空间布局约束": ["禁止新建化学原料和化学制品制造项目（园区内除外）"],
                           "污染物排放管控": ["新建项目实行主要污染物排放等量或减量替代"]},
             rules=[{"prefix": "C26", "verdict": "prohibited", "clause": "单元准入清单 空间布局约束 第1条"},
                    {"prefix": "C2614", "verdict": "conditional", "clause": "单元准入清单 空间布局约束 第1条（园区内）"}])  # fmt: skip
U2 = feature(square(120.05, 30.20, 120.15, 30.30), code="ZH33010630001", name="西湖区一般管控单元",
             unit_type="一般管控", requirements={"资源开发效率要求": ["落实用水总量控制"]})  # fmt: skip
R1 = feature(
    square(120.20, 30.20, 120.30, 30.30), code="HX-330106-01", name="西湖群山水源涵养生态保护红线"
)
W1 = feature(square(120.40, 30.20, 120.45, 30.25), code="SY-DW001-1", name="DW001 一级保护区",
             level="一级", site_code="DW001")  # fmt: skip
