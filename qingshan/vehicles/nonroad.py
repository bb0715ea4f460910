"""Non-road mobile machinery (非道路移动机械) registry rows and the low-emission-zone check —
pure, no I/O.

- **Types** (:data:`MACHINE_KINDS`): the scope list of GB 36886-2018 §1 (在用非道路柴油移动机械,
  "包括但不限于") [MC: baijiantest.com, selaoduyi.com reprints of the scope clause] — variable-speed
  machinery: 工程机械 (装载机、挖掘机、推土机、压路机、沥青摊铺机、叉车、非公路用卡车), 农业机械, 林业机械,
  材料装卸机械 (cranes are recorded there), 工业钻探设备, 雪犁装备, 机场地勤设备; constant-speed:
  空气压缩机, 发电机组, 渔业机械, 水泵.
- **Engine stages** 国I–国IV (GB 20891-2007 China I / II; GB 20891-2014 China III / IV, both cited
  by GB 36886-2018 §2 [MC]); written 国一 … 国四 or 国I … 国IV in files.
- **Code** (环保编码): the province's code format was not read [U]; a code is 6–32 letters/digits,
  unique in the registry.
- **Low-emission zone** (禁止使用高排放非道路移动机械区域): a zones layer of kind
  ``low_emission`` whose feature's ``level`` is the newest prohibited stage
  (:func:`qingshan.zones.layers.prohibited_stages`). A machine whose site lies in (or on the
  edge of) a zone in force and whose stage the zone prohibits is a :class:`LezHit`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import shapely
from shapely import STRtree
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from qingshan.qc.supervision import CaseReport
from qingshan.vehicles.case_subjects import machine_subject
from qingshan.zones.layers import NONROAD_STAGES, LayerKind, ZoneFeature, prohibited_stages

__all__ = [
    "MACHINE_KINDS",
    "ENGINE_STAGES",
    "ZHEJIANG_BBOX",
    "HEADERS",
    "MachineRow",
    "LezHit",
    "parse_machine",
    "parse_machine_rows",
    "lez_hits",
    "lez_case_report",
]

#: type key → (name as bureaus write it, GB 36886-2018 §1 scope group)
MACHINE_KINDS: Mapping[str, tuple[str, str]] = {
    "loader": ("装载机", "工程机械"),
    "excavator": ("挖掘机", "工程机械"),
    "bulldozer": ("推土机", "工程机械"),
    "roller": ("压路机", "工程机械"),
    "paver": ("沥青摊铺机", "工程机械"),
    "forklift": ("叉车", "工程机械"),
    "offroad_truck": ("非公路用卡车", "工程机械"),
    "agricultural": ("农业机械", "农业机械"),
    "forestry": ("林业机械", "林业机械"),
    "crane": ("起重机", "材料装卸机械"),
    "materials_handling": ("材料装卸机械", "材料装卸机械"),
    "drilling": ("工业钻探设备", "工业钻探设备"),
    "snow_plough": ("雪犁装备", "雪犁装备"),
    "airport_ground": ("机场地勤设备", "机场地勤设备"),
    "air_compressor": ("空气压缩机", "恒定转速"),
    "generator_set": ("发电机组", "恒定转速"),
    "fishery": ("渔业机械", "恒定转速"),
    "water_pump": ("水泵", "恒定转速"),
}

ENGINE_STAGES = NONROAD_STAGES
_STAGE_ALIASES = {"国一": "国I", "国二": "国II", "国三": "国III", "国四": "国IV",
                  "国1": "国I", "国2": "国II", "国3": "国III", "国4": "国IV"}  # fmt: skip
_BY_NAME = {zh: key for key, (zh, _) in MACHINE_KINDS.items()}

#: Zhejiang's extent [degrees lon/lat]: 118°01′–123°10′ E, 27°02′–31°11′ N (浙江省人民政府
#: "浙江概况"), rounded outwards to 0.1° — the same extent the zones layers are checked against
ZHEJIANG_BBOX = (117.9, 26.9, 123.3, 31.3)

CODE_RE = re.compile(r"^[A-Z0-9]{6,32}$")

#: file header (Chinese or English) → field
HEADERS: Mapping[str, str] = {
    "code": "code", "环保编码": "code", "编码": "code",
    "kind": "kind", "机械类型": "kind", "类型": "kind",
    "engine_stage": "engine_stage", "排放阶段": "engine_stage",
    "power_kw": "power_kw", "额定功率": "power_kw", "功率": "power_kw",
    "owner": "owner", "所属单位": "owner", "使用单位": "owner",
    "region_code": "region_code", "行政区划代码": "region_code",
    "registered": "registered", "登记日期": "registered",
    "site": "site", "作业地点": "site",
    "lon": "lon", "经度": "lon", "lat": "lat", "纬度": "lat",
}  # fmt: skip
REQUIRED = ("code", "kind", "engine_stage", "owner", "region_code", "registered")


@dataclass(frozen=True)
class MachineRow:
    """One validated registry row."""

    code: str
    kind: str
    engine_stage: str
    power_kw: float | None
    owner: str
    region_code: str
    registered: date
    site: str = ""
    lon: float | None = None
    lat: float | None = None


def _num(v: Any, field: str, problems: list[str]) -> float | None:
    if v is None or str(v).strip() == "":
        return None
    try:
        return float(str(v).strip())
    except ValueError:
        problems.append(f"{field}: {v!r} is not a number")
        return None


def parse_machine(values: Mapping[str, Any], *, today: date) -> tuple[MachineRow | None, list[str]]:
    """Validate one machine (a form or a file row): the row, or None and every problem, each
    ``<field>: <what is wrong>``."""
    p: list[str] = []
    g = {k: ("" if v is None else str(v).strip()) for k, v in values.items()}
    for f in REQUIRED:
        if not g.get(f):
            p.append(f"{f}: missing")
    code = g.get("code", "").upper()
    if code and not CODE_RE.match(code):
        p.append(f"code: {code!r} is not 6–32 letters or digits")
    kind = g.get("kind", "")
    kind = _BY_NAME.get(kind, kind)
    if kind and kind not in MACHINE_KINDS:
        p.append(f"kind: {g['kind']!r} is not a GB 36886-2018 scope type "
                 f"({', '.join(zh for zh, _ in MACHINE_KINDS.values())})")  # fmt: skip
    stage = (
        g.get("engine_stage", "")
        .replace("Ⅰ", "I")
        .replace("Ⅱ", "II")
        .replace("Ⅲ", "III")
        .replace("Ⅳ", "IV")
    )
    stage = _STAGE_ALIASES.get(stage, stage)
    if stage and stage not in ENGINE_STAGES:
        p.append(
            f"engine_stage: {g['engine_stage']!r} is not one of {', '.join(ENGINE_STAGES)} (GB 20891)"
        )
    power = _num(g.get("power_kw"), "power_kw", p)
    if power is not None and not 0 < power <= 5000:
        p.append(f"power_kw: {power:g} is outside 0–5000 kW")
    region = g.get("region_code", "")
    if region and not (len(region) == 6 and region.isdigit() and region.startswith("33")):
        p.append(f"region_code: {region!r} is not a 6-digit Zhejiang code (33xxxx)")
    reg: date | None = None
    if g.get("registered"):
        try:
            reg = datetime.strptime(g["registered"][:10].replace("/", "-"), "%Y-%m-%d").date()
        except ValueError:
            p.append(f"registered: {g['registered']!r} is not a date (YYYY-MM-DD)")
        else:
            if reg > today:
                p.append(f"registered: {reg} is in the future")
    lon, lat = _num(g.get("lon"), "lon", p), _num(g.get("lat"), "lat", p)
    if (lon is None) != (lat is None):
        p.append("lon, lat: give both or neither")
    elif lon is not None and lat is not None:
        x0, y0, x1, y1 = ZHEJIANG_BBOX
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            swapped = x0 <= lat <= x1 and y0 <= lon <= y1
            p.append(f"lon, lat: {lon:g}, {lat:g} is outside Zhejiang"
                     + ("; latitude and longitude look swapped" if swapped else ""))  # fmt: skip
    if len(g.get("owner", "")) > 200 or len(g.get("site", "")) > 200:
        p.append("owner / site: at most 200 characters")
    if p or reg is None:
        return None, p
    return MachineRow(
        code, kind, stage, power, g["owner"], region, reg, g.get("site", ""), lon, lat
    ), []


def parse_machine_rows(
    rows: Sequence[Sequence[Any]], *, today: date
) -> tuple[list[MachineRow], list[str]]:
    """A file's rows (first = header, Chinese or English names of :data:`HEADERS`) → the machines
    and every problem as ``row <n>: <field>: <what>`` (n = the file's line, header = 1); a code
    twice in the file is a problem of its second row."""
    if not rows:
        return [], ["file: no rows"]
    header = [HEADERS.get(str(h).strip().lstrip("\ufeff"), "") for h in rows[0]]
    missing = [f for f in REQUIRED if f not in header]
    if missing:
        return [], [f"header: missing column(s) {', '.join(missing)} (e.g. {', '.join(REQUIRED)})"]
    out: list[MachineRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(rows[1:], start=2):
        if not any(str(v or "").strip() for v in raw):
            continue
        values = {f: raw[i] if i < len(raw) else None for i, f in enumerate(header) if f}
        row, p = parse_machine(values, today=today)
        problems += [f"row {n}: {x}" for x in p]
        if row is not None:
            if row.code in seen:
                problems.append(f"row {n}: code: {row.code} is also on row {seen[row.code]}")
            else:
                seen[row.code] = n
                out.append(row)
    if not out and not problems:
        problems.append("file: no rows")
    return out, problems


@dataclass(frozen=True)
class LezHit:
    """A machine of a prohibited stage whose site is in a low-emission zone."""

    machine_code: str
    engine_stage: str
    region_code: str
    owner: str
    site: str
    lon: float
    lat: float
    zone: ZoneFeature

    @property
    def prohibited(self) -> tuple[str, ...]:
        return prohibited_stages(self.zone.level)


def lez_hits(machines: Sequence[Mapping[str, Any]], features: Sequence[ZoneFeature],
             geometries: Sequence[BaseGeometry]) -> list[LezHit]:  # fmt: skip
    """Every (machine, zone) where the machine's site (``lon``, ``lat``) is inside or on the edge
    of a ``low_emission`` feature and its ``engine_stage`` is prohibited there. Features of other
    kinds are ignored; machines without a site are not checked. Sorted by machine code, zone."""
    zones = [(f, g) for f, g in zip(features, geometries, strict=True)
             if f.layer_kind is LayerKind.LOW_EMISSION]  # fmt: skip
    located = [m for m in machines if m.get("lon") is not None and m.get("lat") is not None]
    if not zones or not located:
        return []
    geoms = [g for _, g in zones]
    shapely.prepare(geoms)
    tree = STRtree(geoms)
    pts = [Point(float(m["lon"]), float(m["lat"])) for m in located]
    mi, zi = tree.query(pts, predicate="intersects")
    out = []
    for i, j in zip(mi.tolist(), zi.tolist(), strict=True):
        m, f = located[i], zones[j][0]
        if m["engine_stage"] in prohibited_stages(f.level):
            out.append(LezHit(str(m["code"]), str(m["engine_stage"]), str(m["region_code"]),
                              str(m.get("owner") or ""), str(m.get("site") or ""),
                              float(m["lon"]), float(m["lat"]), f))  # fmt: skip
    out.sort(key=lambda h: (h.machine_code, h.zone.layer_id, h.zone.code))
    return out


def lez_case_report(hit: LezHit, *, found_at: datetime) -> CaseReport:
    """The case of one hit: ``source_key`` = ``vehicles:lez:<machine>:<layer>:<zone code>`` (the
    same machine found in the same zone again extends its case, never doubles it); category
    大气污染 (``air_pollution``), severity general (platform grading)."""
    f = hit.zone
    stages = "、".join(hit.prohibited)
    return CaseReport(
        source="vehicle_exhaust",
        source_key=f"vehicles:lez:{hit.machine_code}:{f.layer_id}:{f.code}",
        region_code=hit.region_code,
        category="air_pollution",
        severity="general",
        title=f"禁用区内使用高排放非道路移动机械：{hit.machine_code}（{hit.engine_stage}）"[:200],
        occurred_at=found_at,
        longitude=hit.lon,
        latitude=hit.lat,
        description=(
            f"非道路移动机械 {hit.machine_code}（{hit.engine_stage}，{hit.owner}）登记作业地点"
            f"{hit.site or ''}位于{f.name}（{f.code}），该区域禁止使用{stages}非道路移动机械。"
            "请核查现场并依法处理。"
        ),
        group_key=machine_subject(hit.machine_code),
        evidence={"machine_code": hit.machine_code, "engine_stage": hit.engine_stage,
                  "lon": hit.lon, "lat": hit.lat, "zone_code": f.code, "zone_name": f.name,
                  "layer": f"{f.layer_name} {f.layer_version}", "prohibited": list(hit.prohibited)},
    )  # fmt: skip
