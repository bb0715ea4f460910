"""Reading heavy diesel trucks' remote-monitoring samples (重型柴油车远程排放监控数据) from CSV /
Excel rows into the contract's ``obd_stream`` frame, every problem named by row and field. Pure
(rows in, frame and problems out); the service checks the trucks and duplicates against the
store and writes the batch only when nothing is wrong.

The samples are what HJ 1239.1/.2/.3-2021's terminals send (reference §1 [MC]); their data item
names and ranges were not read [U], so the Chinese headers below are the usual platform labels
and :data:`OBD_RANGES` are platform plausibility bounds: a value outside them is refused with its
row and field. Naive times are China Standard Time.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pandas as pd

from qingshan.tablefile import cell_text, find_header, header_key, is_blank
from qingshan.vehicles.cells import parse_time, read_ranged
from qingshan.vehicles.identity import vin_problem

__all__ = ["OBD_RANGES", "OBD_ALIASES", "OBD_REQUIRED", "parse_obd_rows"]

#: what a terminal can report, per column [low, high] — platform plausibility bounds [U] (HJ
#: 1239's items not read): NOx as the analysers' 0–5000 × 10⁻⁶ of
#: :data:`qingshan.vehicles.importer.INSTRUMENT_RANGES`; SCR temperature −40–800 °C; urea level
#: 0–100 %; dosing 0–100 (the contract states no unit); speed 0–200 km/h; position inside
#: China's extent (lon 73–136 °E, lat 3–54 °N)
OBD_RANGES: Mapping[str, tuple[float, float]] = {
    "nox_ppm": (0.0, 5000.0),
    "scr_temp_c": (-40.0, 800.0),
    "urea_level_pct": (0.0, 100.0),
    "urea_dosing": (0.0, 100.0),
    "speed_kmh": (0.0, 200.0),
    "lon": (73.0, 136.0),
    "lat": (3.0, 54.0),
}
OBD_REQUIRED = ("vin", "at", "nox_ppm", "scr_temp_c", "urea_dosing", "speed_kmh")
OBD_ALIASES = {
    "vin": "vin", "VIN": "vin", "车辆识别代号": "vin",
    "at": "at", "采集时间": "at", "数据采集时间": "at",
    "nox_ppm": "nox_ppm", "NOx": "nox_ppm", "SCR下游NOx": "nox_ppm", "NOx传感器输出值": "nox_ppm",
    "scr_temp_c": "scr_temp_c", "SCR温度": "scr_temp_c", "SCR出口温度": "scr_temp_c",
    "urea_level_pct": "urea_level_pct", "反应剂余量": "urea_level_pct", "尿素液位": "urea_level_pct",
    "urea_dosing": "urea_dosing", "反应剂喷射量": "urea_dosing", "尿素喷射量": "urea_dosing",
    "speed_kmh": "speed_kmh", "车速": "speed_kmh",
    "lon": "lon", "经度": "lon", "lat": "lat", "纬度": "lat",
}  # fmt: skip


def parse_obd_rows(
    rows: Sequence[Sequence[Any]],
    *,
    synthetic: bool = False,
    vins: Collection[str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """obd_stream frame (contract columns plus ``_row``) and the problems, ``row <n>: <field>:
    <what>``; with ``vins`` (the importer's registered vehicles), a sample of any other VIN is a
    problem too. The same VIN and time twice in the file is a problem."""
    at = find_header(rows, "vin", OBD_ALIASES)
    if at is None:
        return pd.DataFrame(), [
            "file: no header row with a VIN / 车辆识别代号 column in the first 10 rows"
        ]
    keys = [header_key(c, OBD_ALIASES) for c in rows[at]]
    keys = [k if k in OBD_ALIASES.values() else "" for k in keys]
    missing = [k for k in OBD_REQUIRED if k not in keys]
    if missing:
        return pd.DataFrame(), [f"row {at + 1}: header: missing column(s) {', '.join(missing)}"]
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, pd.Timestamp], int] = {}
    for n, cells in enumerate(rows[at + 1 :], start=at + 2):
        if all(is_blank(c) for c in cells):
            continue
        rec = {k: (cells[j] if j < len(cells) else None) for j, k in enumerate(keys) if k}
        bad: list[str] = []
        row: dict[str, Any] = {"_row": n, "synthetic": synthetic}
        row["vin"] = cell_text(rec.get("vin")).upper()
        if msg := vin_problem(row["vin"] or None):
            bad.append(f"row {n}: vin: {msg}")
        elif vins is not None and row["vin"] not in vins:
            bad.append(f"row {n}: vin: {row['vin']} is not a registered vehicle of your region")
        try:
            row["at"] = parse_time(rec.get("at"))
        except ValueError as exc:
            bad.append(f"row {n}: at: {exc}")
        else:
            key = (row["vin"], row["at"])
            if key in seen:
                bad.append(f"row {n}: at: {row['vin']} at this time already on row {seen[key]}")
            seen.setdefault(key, n)
        read_ranged(rec, OBD_RANGES, n, row, bad, range_name="the range", required=OBD_REQUIRED)
        problems.extend(bad)
        if not bad:
            out.append(row)
    if not out and not problems:
        problems.append("file: no data rows under the header")
    frame = pd.DataFrame(out)
    if len(frame):
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        for col in OBD_RANGES:
            frame[col] = frame[col].astype(float)
    return frame, problems
