"""Reading vehicles and I/M tests from CSV / Excel rows into contract frames, with every
problem named by row and field. Pure (rows in, frame and problems out); the service reads the
file, checks duplicates against the store and writes the batch only when nothing is wrong.

Checks per row: a valid plate and VIN (:mod:`qingshan.vehicles.identity`), known codes (fuel,
category, method …, in English keys or the Chinese labels bureaus use), dates and times, each
measured value inside its instrument's range (:data:`INSTRUMENT_RANGES`), the values its method
requires, a limit for its method and limit set (:mod:`qingshan.vehicles.judge`), no test_id or
VIN twice. Naive times are China Standard Time. A ``passed`` / 检验结论 column in the file is
ignored: pass/fail is computed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qingshan.tablefile import (
    cell_text,
    find_header,
    header_key,
    is_blank,
    parse_date,
    parse_number,
)
from qingshan.vehicles.cells import parse_time, read_ranged
from qingshan.vehicles.errors import LimitMissing, StageUnknown
from qingshan.vehicles.identity import plate_problem, vin_problem
from qingshan.vehicles.judge import (
    METHODS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    LimitTable,
    judge_tests,
    limit_sets_for,
)
from qingshan.vehicles.stages import CATEGORIES, FUELS, STAGES, stage_for

__all__ = ["INSTRUMENT_RANGES", "parse_vehicle_rows", "parse_test_rows", "find_table"]

#: measuring range per item [low, high] — typical analyser / opacimeter ranges (HJ/T 289-2006,
#: HJ/T 290-2006, HJ/T 291-2006, HJ/T 395-2007 equipment specifications, not read) [U]
_RANGE = {
    "co_pct": (0.0, 14.0),
    "hc_ppm": (0.0, 10000.0),
    "no_ppm": (0.0, 5000.0),
    "lambda_": (0.5, 3.0),
    "co_gkm": (0.0, 100.0),
    "hc_gkm": (0.0, 50.0),
    "nox_gkm": (0.0, 50.0),
    "k_m1": (0.0, 16.0),
    "nox_ppm": (0.0, 5000.0),
}
INSTRUMENT_RANGES: Mapping[str, tuple[float, float]] = {
    **_RANGE,
    "co_pct_hi": _RANGE["co_pct"],
    "hc_ppm_hi": _RANGE["hc_ppm"],
    "co_pct_2540": _RANGE["co_pct"],
    "hc_ppm_2540": _RANGE["hc_ppm"],
    "no_ppm_2540": _RANGE["no_ppm"],
}

VEHICLE_ALIASES = {
    "vin": "vin", "VIN": "vin", "车辆识别代号": "vin", "车架号": "vin",
    "plate": "plate", "号牌号码": "plate", "车牌号": "plate",
    "plate_type": "plate_type", "号牌种类": "plate_type",
    "fuel": "fuel", "燃料种类": "fuel",
    "category": "category", "车辆类别": "category",
    "registered": "registered", "注册登记日期": "registered", "初次登记日期": "registered",
    "region_code": "region_code", "行政区划代码": "region_code",
    "owner_type": "owner_type", "所有人类型": "owner_type",
    "stage": "stage", "排放阶段": "stage",
}  # fmt: skip
TEST_ALIASES = {
    "test_id": "test_id", "检验流水号": "test_id",
    "vin": "vin", "VIN": "vin", "车辆识别代号": "vin",
    "plate": "plate", "号牌号码": "plate",
    "station_code": "station_code", "检验机构编码": "station_code",
    "line_no": "line_no", "检测线号": "line_no",
    "method": "method", "检测方法": "method",
    "kind": "kind", "检验类别": "kind",
    "started_at": "started_at", "检测开始时间": "started_at",
    "ended_at": "ended_at", "检测结束时间": "ended_at",
    "curve_digest": "curve_digest", "过程数据摘要": "curve_digest",
    "光吸收系数": "k_m1", "过量空气系数": "lambda_",
    **{c: c for c in INSTRUMENT_RANGES},
}  # fmt: skip
LABELS: Mapping[str, Mapping[str, str]] = {
    "plate_type": {"小型汽车": "small", "大型汽车": "large", "小型新能源汽车": "new_energy_small",
                   "大型新能源汽车": "new_energy_large"},
    "fuel": {"汽油": "gasoline", "柴油": "diesel", "混合动力": "hybrid", "天然气": "cng", "纯电动": "electric"},
    "category": {"轻型载客": "light_passenger", "轻型载货": "light_goods", "重型载客": "heavy_passenger",
                 "重型载货": "heavy_goods"},
    "owner_type": {"个人": "private", "单位": "company"},
    "method": {"双怠速法": "double_idle", "稳态工况法": "asm", "简易瞬态工况法": "vmas", "自由加速法": "free_accel",
               "加载减速法": "lug_down"},
    "kind": {"初检": "initial", "复检": "retest"},
}  # fmt: skip
CODES: Mapping[str, Sequence[str]] = {
    "plate_type": ("small", "large", "new_energy_small", "new_energy_large"),
    "fuel": FUELS,
    "category": CATEGORIES,
    "owner_type": ("private", "company"),
    "method": METHODS,
    "kind": ("initial", "retest"),
}
VEHICLE_REQUIRED = (
    "vin",
    "plate",
    "plate_type",
    "fuel",
    "category",
    "registered",
    "region_code",
    "owner_type",
)
TEST_REQUIRED = (
    "test_id",
    "vin",
    "plate",
    "station_code",
    "line_no",
    "method",
    "kind",
    "started_at",
    "ended_at",
)


def find_table(rows: Sequence[Sequence[Any]], aliases: Mapping[str, str]) -> tuple[int, list[str]]:
    """The header row's index and its column keys (``""`` for an unknown header); anchors on VIN."""
    at = find_header(rows, "vin", aliases)
    if at is None:
        return -1, []
    return at, [header_key(c, aliases) for c in rows[at]]


def _code(field: str, value: Any) -> str:
    text = cell_text(value)
    code = LABELS.get(field, {}).get(text, text)
    if code not in CODES[field]:
        raise ValueError(
            f"{text!r} is not one of {', '.join(CODES[field])} (or {', '.join(LABELS[field])})"
        )
    return code


def _records(rows: Sequence[Sequence[Any]], aliases: Mapping[str, str], required: Sequence[str],
             problems: list[str]) -> list[tuple[int, dict[str, Any]]]:  # fmt: skip
    at, keys = find_table(rows, aliases)
    if at < 0:
        problems.append("file: no header row with a VIN / 车辆识别代号 column in the first 10 rows")
        return []
    missing = [k for k in required if k not in keys]
    if missing:
        problems.append(f"row {at + 1}: header: missing column(s) {', '.join(missing)}")
        return []
    out = []
    for i, cells in enumerate(rows[at + 1 :], start=at + 2):
        if all(is_blank(c) for c in cells):
            continue
        out.append(
            (i, {k: (cells[j] if j < len(cells) else None) for j, k in enumerate(keys) if k})
        )
    if not out:
        problems.append("file: no data rows under the header")
    return out


def parse_vehicle_rows(
    rows: Sequence[Sequence[Any]], *, synthetic: bool = False
) -> tuple[pd.DataFrame, list[str]]:
    """Vehicles frame (contract columns) and the problems, ``row <n>: <field>: <what>``."""
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, rec in _records(rows, VEHICLE_ALIASES, VEHICLE_REQUIRED, problems):
        row: dict[str, Any] = {"synthetic": synthetic}
        bad = []
        for f in ("plate_type", "fuel", "category", "owner_type"):
            try:
                row[f] = _code(f, rec.get(f))
            except ValueError as exc:
                bad.append(f"row {n}: {f}: {exc}")
        row["vin"] = cell_text(rec.get("vin")).upper()
        row["plate"] = cell_text(rec.get("plate")).upper().replace("·", "").replace(" ", "")
        if msg := vin_problem(row["vin"] or None):
            bad.append(f"row {n}: vin: {msg}")
        if msg := plate_problem(row["plate"] or None, row.get("plate_type")):
            bad.append(f"row {n}: plate: {msg}")
        try:
            row["registered"] = parse_date(rec.get("registered"))
        except ValueError as exc:
            bad.append(f"row {n}: registered: {exc}")
        region = cell_text(rec.get("region_code"))
        if not (len(region) == 6 and region.isdigit()):
            bad.append(f"row {n}: region_code: {region!r} is not a 6-digit region code")
        row["region_code"] = region
        if row["vin"] in seen:
            bad.append(f"row {n}: vin: {row['vin']} already on row {seen[row['vin']]}")
        seen.setdefault(row["vin"], n)
        given = cell_text(rec.get("stage"))
        if not bad:
            try:
                computed = stage_for(row["fuel"], row["category"], row["registered"])
            except StageUnknown as exc:
                bad.append(f"row {n}: stage: {exc}")
                computed = ""
            if given and given not in STAGES:
                bad.append(f"row {n}: stage: {given!r} is not one of {', '.join(STAGES)}")
            row["stage"] = given or computed
        problems.extend(bad)
        row["_row"] = n
        out.append(row)
    frame = pd.DataFrame(out)
    return frame, problems


def parse_test_rows(rows: Sequence[Sequence[Any]], table: LimitTable, *, synthetic: bool = False,
                    stations: Collection[str] | None = None) -> tuple[pd.DataFrame, list[str]]:  # fmt: skip
    """im_tests frame (contract columns, ``passed`` computed) and the problems; with
    ``stations``, a test at any other station is a problem too."""
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, rec in _records(rows, TEST_ALIASES, TEST_REQUIRED, problems):
        row: dict[str, Any] = {"synthetic": synthetic, "_row": n}
        bad = []
        for f in ("method", "kind"):
            try:
                row[f] = _code(f, rec.get(f))
            except ValueError as exc:
                bad.append(f"row {n}: {f}: {exc}")
        row["test_id"] = cell_text(rec.get("test_id"))
        if not row["test_id"]:
            bad.append(f"row {n}: test_id: missing")
        elif row["test_id"] in seen:
            bad.append(f"row {n}: test_id: {row['test_id']} already on row {seen[row['test_id']]}")
        seen.setdefault(row["test_id"], n)
        row["vin"] = cell_text(rec.get("vin")).upper()
        row["plate"] = cell_text(rec.get("plate")).upper().replace("·", "").replace(" ", "")
        if msg := vin_problem(row["vin"] or None):
            bad.append(f"row {n}: vin: {msg}")
        if msg := plate_problem(row["plate"] or None):
            bad.append(f"row {n}: plate: {msg}")
        row["station_code"] = cell_text(rec.get("station_code"))
        if not row["station_code"]:
            bad.append(f"row {n}: station_code: missing")
        elif stations is not None and row["station_code"] not in stations:
            bad.append(f"row {n}: station_code: {row['station_code']} is not a registered "
                       "station of your region")  # fmt: skip
        try:
            line = parse_number(rec.get("line_no"))
            if not line.is_integer() or line < 1:
                raise ValueError(
                    f"{cell_text(rec.get('line_no'))!r} is not a line number (1, 2, …)"
                )
            row["line_no"] = int(line)
        except ValueError as exc:
            bad.append(f"row {n}: line_no: {exc}")
        for f in ("started_at", "ended_at"):
            try:
                row[f] = parse_time(rec.get(f))
            except ValueError as exc:
                bad.append(f"row {n}: {f}: {exc}")
        if "started_at" in row and "ended_at" in row and row["ended_at"] < row["started_at"]:
            bad.append(f"row {n}: ended_at: before started_at")
        read_ranged(rec, INSTRUMENT_RANGES, n, row, bad, range_name="the instrument's range")
        if "method" in row:
            for col in REQUIRED_COLUMNS[row["method"]]:
                if np.isnan(row.get(col, np.nan)) and not any(
                    p.startswith(f"row {n}: {col}:") for p in bad
                ):
                    bad.append(f"row {n}: {col}: missing — a {row['method']} test needs it")
        row["curve_digest"] = cell_text(rec.get("curve_digest"))
        problems.extend(bad)
        if not bad:
            out.append(row)
    frame = pd.DataFrame(out)
    if len(frame):
        for col in INSTRUMENT_RANGES:
            if col not in frame:
                frame[col] = np.nan
        frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
        frame["ended_at"] = pd.to_datetime(frame["ended_at"], utc=True)
        frame, more = judge_frame(frame, table)
        problems.extend(more)
    return frame, problems


def judge_frame(frame: pd.DataFrame, table: LimitTable) -> tuple[pd.DataFrame, list[str]]:
    """Add ``passed``, ``limit_set``, ``limit_ref``; a (method, limit set) without its limits is a
    problem on each of its rows (``_row``)."""
    problems: list[str] = []
    lset = limit_sets_for(frame["started_at"], table)
    for (m, ls), idx in frame.groupby([frame["method"], lset]).indices.items():
        try:
            for col in REQUIRED_COLUMNS[m] + OPTIONAL_COLUMNS[m]:
                if col in REQUIRED_COLUMNS[m] or frame[col].iloc[idx].notna().any():
                    table.cell(m, ls, col)
        except LimitMissing as exc:
            problems.extend(f"row {r}: limit: {exc}" for r in frame["_row"].iloc[idx])
    if problems:
        return frame, problems
    judged = judge_tests(frame, table)
    return frame.assign(**{c: judged[c] for c in judged}), problems
