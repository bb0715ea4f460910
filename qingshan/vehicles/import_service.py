"""Imports as a user makes them (issue #21): one file (CSV or .xlsx) of vehicles, I/M tests,
remote-sensing readings or OBD samples, checked whole against the importer's region and stored as one batch —
or refused with every problem named by row and field, nothing stored. The page
(:mod:`qingshan.vehicles.import_web`), the API (:mod:`qingshan.vehicles.import_api`) and the CLI
(:mod:`qingshan.vehicles.cli`) call :func:`import_file`; the row checks are
:mod:`qingshan.vehicles.importer` and :mod:`qingshan.vehicles.rs_import`.

Who may import: province and city officers (county officers read). What a region may write:
vehicles registered in it, tests made at its registered stations, readings of its registered
remote-sensing sites, OBD samples of trucks registered in it (the province: every one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.tablefile import TableFileError
from qingshan.vehicles.errors import ImportRejected
from qingshan.vehicles.models import VehicleStation
from qingshan.vehicles.service import (
    ImportResult,
    import_obd_stream,
    import_rs_readings,
    import_tests,
    import_vehicles,
    read_rows,
)
from qingshan.vehicles.store import VehicleStore

__all__ = [
    "IMPORTERS",
    "KINDS",
    "Kind",
    "Column",
    "COLUMNS",
    "Problem",
    "split_problems",
    "import_file",
    "template_headers",
]

Kind = Literal["vehicles", "tests", "rs", "obd"]
KINDS: tuple[Kind, ...] = ("vehicles", "tests", "rs", "obd")
#: the roles that may import (county officers see the page read-only)
IMPORTERS = frozenset({Role.PROVINCE, Role.CITY})


@dataclass(frozen=True)
class Column:
    header: str  # the template's header (a Chinese alias the reader knows; a unit in brackets)
    key: str  # the contract column
    required: bool
    zh: str
    en: str


def _c(header: str, key: str, required: bool, zh: str, en: str) -> Column:
    return Column(header, key, required, zh, en)


#: each import's columns, as the template writes them and the page explains them
COLUMNS: dict[Kind, tuple[Column, ...]] = {
    "vehicles": (
        _c("车辆识别代号", "vin", True, "17位VIN（GB 16735，校验位）", "17-character VIN (GB 16735, check digit)"),
        _c("号牌号码", "plate", True, "如 浙A12345、浙AD12345", "e.g. 浙A12345, 浙AD12345"),
        _c("号牌种类", "plate_type", True, "小型汽车、大型汽车、小型新能源汽车、大型新能源汽车", "small, large, new_energy_small, new_energy_large"),
        _c("燃料种类", "fuel", True, "汽油、柴油、混合动力、天然气、纯电动", "gasoline, diesel, hybrid, cng, electric"),
        _c("车辆类别", "category", True, "轻型载客、轻型载货、重型载客、重型载货", "light/heavy passenger/goods"),
        _c("注册登记日期", "registered", True, "2020-05-01", "registration date"),
        _c("行政区划代码", "region_code", True, "6位，须在本辖区内", "6 digits, inside your region"),
        _c("所有人类型", "owner_type", True, "个人、单位", "private, company"),
        _c("排放阶段", "stage", False, "空则按登记日期计算", "blank: computed from the registration date"),
    ),
    "tests": (
        _c("检验流水号", "test_id", True, "唯一", "unique"),
        _c("车辆识别代号", "vin", True, "17位VIN", "VIN"),
        _c("号牌号码", "plate", True, "", "plate"),
        _c("检验机构编码", "station_code", True, "本辖区已登记的检验机构", "a registered station of your region"),
        _c("检测线号", "line_no", True, "1、2…", "line number"),
        _c("检测方法", "method", True, "双怠速法、稳态工况法、简易瞬态工况法、自由加速法、加载减速法", "double_idle, asm, vmas, free_accel, lug_down"),
        _c("检验类别", "kind", True, "初检、复检", "initial, retest"),
        _c("检测开始时间", "started_at", True, "北京时间 2026-03-01 08:30:00", "China Standard Time"),
        _c("检测结束时间", "ended_at", True, "北京时间", "China Standard Time"),
        _c("co_pct", "co_pct", False, "CO（%），双怠速低怠速 / ASM5025", "CO %, low idle / ASM5025"),
        _c("hc_ppm", "hc_ppm", False, "HC（10⁻⁶）", "HC ppm"),
        _c("no_ppm", "no_ppm", False, "NO（10⁻⁶），ASM5025", "NO ppm, ASM5025"),
        _c("过量空气系数", "lambda_", False, "λ，双怠速", "λ, double idle"),
        _c("co_pct_hi", "co_pct_hi", False, "高怠速 CO（%）", "high idle CO %"),
        _c("hc_ppm_hi", "hc_ppm_hi", False, "高怠速 HC（10⁻⁶）", "high idle HC ppm"),
        _c("co_pct_2540", "co_pct_2540", False, "ASM2540 CO（%）", "ASM2540 CO %"),
        _c("hc_ppm_2540", "hc_ppm_2540", False, "ASM2540 HC（10⁻⁶）", "ASM2540 HC ppm"),
        _c("no_ppm_2540", "no_ppm_2540", False, "ASM2540 NO（10⁻⁶）", "ASM2540 NO ppm"),
        _c("co_gkm", "co_gkm", False, "简易瞬态 CO（g/km）", "VMAS CO g/km"),
        _c("hc_gkm", "hc_gkm", False, "简易瞬态 HC（g/km）", "VMAS HC g/km"),
        _c("nox_gkm", "nox_gkm", False, "简易瞬态 NOx（g/km）", "VMAS NOx g/km"),
        _c("光吸收系数", "k_m1", False, "k（m⁻¹），自由加速 / 加载减速", "k m⁻¹, free acceleration / lug-down"),
        _c("nox_ppm", "nox_ppm", False, "加载减速 NOx（10⁻⁶）", "lug-down NOx ppm"),
        _c("过程数据摘要", "curve_digest", False, "逐秒过程数据的摘要", "digest of the second-by-second curve"),
    ),
    "rs": (
        _c("检测编号", "reading_id", True, "唯一", "unique"),
        _c("站点编号", "site_code", True, "本辖区已登记的遥感站点", "a registered site of your region"),
        _c("号牌号码", "plate", True, "", "plate"),
        _c("检测时间", "at", True, "北京时间 2026-03-01 08:30:00", "China Standard Time"),
        _c("速度（km/h）", "speed_kmh", False, "0–200；有效窗口外的读数存为无效", "0–200; outside the validity window: stored invalid"),
        _c("加速度（m/s²）", "accel_ms2", False, "-10–10", "-10–10"),
        _c("比功率（kW/t）", "vsp_kwt", False, "VSP，-100–100", "VSP, -100–100"),
        _c("CO（%）", "co_pct", False, "0–14，至少一项污染物", "0–14; at least one pollutant"),
        _c("HC（10⁻⁶）", "hc_ppm", False, "0–10000", "0–10000"),
        _c("NO（10⁻⁶）", "no_ppm", False, "0–5000", "0–5000"),
        _c("不透光度（%）", "opacity_pct", False, "0–100，柴油车", "0–100, diesel"),
        _c("风速（m/s）", "wind_ms", False, "0–60", "0–60"),
    ),
    "obd": (
        _c("车辆识别代号", "vin", True, "本辖区已登记的车辆", "a registered vehicle of your region"),
        _c("采集时间", "at", True, "北京时间 2026-03-01 08:30:10；同一车同一时刻只一条", "China Standard Time; one sample per truck and time"),
        _c("NOx（10⁻⁶）", "nox_ppm", True, "SCR 下游 NOx，0–5000", "NOx downstream of the SCR, 0–5000"),
        _c("SCR温度（℃）", "scr_temp_c", True, "-40–800", "-40–800"),
        _c("反应剂喷射量", "urea_dosing", True, "尿素喷射量，0–100", "urea dosing, 0–100"),
        _c("车速（km/h）", "speed_kmh", True, "0–200", "0–200"),
        _c("反应剂余量（%）", "urea_level_pct", False, "尿素液位，0–100", "urea level, 0–100"),
        _c("经度", "lon", False, "73–136", "73–136"),
        _c("纬度", "lat", False, "3–54", "3–54"),
    ),
}  # fmt: skip
_ROW = re.compile(r"^row (\d+): ([^:]+): (.*)$", re.S)
_FILE = re.compile(r"^(file): (.*)$", re.S)


@dataclass(frozen=True)
class Problem:
    row: int | None  # the spreadsheet's row number; None for the file as a whole
    field: str
    what: str


def split_problems(problems: list[str]) -> list[Problem]:
    """``row <n>: <field>: <what>`` (and ``file: <what>``) as :class:`Problem` rows."""
    out = []
    for p in problems:
        if m := _ROW.match(p):
            out.append(Problem(int(m.group(1)), m.group(2).strip(), m.group(3).strip()))
        elif m := _FILE.match(p):
            out.append(Problem(None, "file", m.group(2).strip()))
        else:
            out.append(Problem(None, "", p))
    return out


def template_headers(kind: Kind) -> list[str]:
    return [c.header for c in COLUMNS[kind]]


def _stations(session: Session, scope: Scope) -> set[str]:
    return set(
        session.scalars(
            select(VehicleStation.station_code).where(
                VehicleStation.region_code.startswith(scope.prefix)
            )
        )
    )


def import_file(
    store: VehicleStore,
    session: Session,
    scope: Scope,
    kind: Kind,
    data: bytes,
    *,
    max_bytes: int,
) -> ImportResult:
    """Import one file of ``kind`` for ``scope``'s region: all rows or none
    (:class:`ImportRejected` listing every problem; an unreadable or too large file is one
    ``file:`` problem)."""
    label = {
        "vehicles": "vehicles",
        "tests": "tests",
        "rs": "remote-sensing readings",
        "obd": "OBD samples",
    }[kind]
    if len(data) > max_bytes:
        raise ImportRejected(label, [f"file: larger than the limit of {max_bytes} bytes "
                                     "(setting QINGSHAN_MAX_FILE_BYTES)"])  # fmt: skip
    try:
        rows = read_rows(data, max_bytes=max_bytes)
    except TableFileError as exc:
        raise ImportRejected(label, [f"file: {exc}"]) from exc
    if kind == "vehicles":
        return import_vehicles(store, rows, region_prefix=scope.prefix)
    if kind == "tests":
        return import_tests(store, rows, stations=_stations(session, scope))
    if kind == "obd":
        fleet = store.query("SELECT DISTINCT vin, region_code FROM vehicles")
        mine = fleet.loc[fleet["region_code"].astype(str).str.startswith(scope.prefix), "vin"]
        return import_obd_stream(store, rows, vins=set(mine))
    sites = store.read_rs_sites()
    mine = sites.loc[sites["region_code"].astype(str).str.startswith(scope.prefix), "site_code"]
    return import_rs_readings(store, rows, sites=set(mine))
