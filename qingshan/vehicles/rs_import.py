"""Reading roadside remote-sensing readings (遥感监测数据) from CSV / Excel rows into the
contract's ``rs_readings`` frame, with every problem named by row and field. Pure (rows in,
frame and problems out); the service checks the sites and duplicates against the store and
writes the batch only when nothing is wrong.

Two kinds of "out of range" are told apart:

- a value outside what a remote-sensing instrument can report (:data:`RS_RANGES`: a negative
  concentration, CO above 14 %, a speed of 400 km/h …) is a bad row: the import is refused,
  the row and field named;
- a value inside that range but outside the validity window of
  :mod:`qingshan.vehicles.remote_sensing` (speed, acceleration, VSP, wind; a value left blank
  included) is a real measurement taken in conditions that do not count: it is stored with
  ``valid`` false (computed on write, never read from the file) and counted in the summary.

Naive times are China Standard Time. A ``valid`` / 是否有效 column in the file is ignored.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qingshan.tablefile import cell_text, find_header, header_key, is_blank
from qingshan.vehicles.cells import parse_time, read_ranged
from qingshan.vehicles.identity import plate_problem

__all__ = ["RS_RANGES", "RS_ALIASES", "RS_REQUIRED", "RS_VALUES", "parse_rs_rows"]

#: what a roadside remote-sensing system can report, per column [low, high] — platform
#: plausibility bounds (HJ 845-2017's instrument requirements were not read) [U]: CO and HC as
#: the exhaust analysers' ranges of :data:`qingshan.vehicles.importer.INSTRUMENT_RANGES`
#: (HJ/T 289-2006, not read) [U], opacity 0–100 % by definition, speed, acceleration, VSP and
#: wind as physical limits of a vehicle passing a roadside site
RS_RANGES: Mapping[str, tuple[float, float]] = {
    "speed_kmh": (0.0, 200.0),
    "accel_ms2": (-10.0, 10.0),
    "vsp_kwt": (-100.0, 100.0),
    "co_pct": (0.0, 14.0),
    "hc_ppm": (0.0, 10000.0),
    "no_ppm": (0.0, 5000.0),
    "opacity_pct": (0.0, 100.0),
    "wind_ms": (0.0, 60.0),
}
RS_VALUES = tuple(RS_RANGES)
_POLLUTANTS = ("co_pct", "hc_ppm", "no_ppm", "opacity_pct")

RS_ALIASES = {
    "reading_id": "reading_id", "检测编号": "reading_id", "遥感检测编号": "reading_id",
    "site_code": "site_code", "站点编号": "site_code", "遥感站点编号": "site_code",
    "plate": "plate", "号牌号码": "plate", "车牌号": "plate",
    "at": "at", "检测时间": "at",
    "speed_kmh": "speed_kmh", "速度": "speed_kmh",
    "accel_ms2": "accel_ms2", "加速度": "accel_ms2",
    "vsp_kwt": "vsp_kwt", "VSP": "vsp_kwt", "比功率": "vsp_kwt",
    "co_pct": "co_pct", "CO": "co_pct",
    "hc_ppm": "hc_ppm", "HC": "hc_ppm",
    "no_ppm": "no_ppm", "NO": "no_ppm",
    "opacity_pct": "opacity_pct", "不透光度": "opacity_pct",
    "wind_ms": "wind_ms", "风速": "wind_ms",
}  # fmt: skip
RS_REQUIRED = ("reading_id", "site_code", "plate", "at")


def parse_rs_rows(
    rows: Sequence[Sequence[Any]],
    *,
    synthetic: bool = False,
    sites: Collection[str] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """rs_readings frame (contract columns but ``valid``, plus ``_row``) and the problems,
    ``row <n>: <field>: <what>`` (rows counted as the spreadsheet shows them); with ``sites``,
    a reading at any other site is a problem too."""
    problems: list[str] = []
    at = find_header(rows, "plate", RS_ALIASES)
    if at is None:
        return pd.DataFrame(), [
            "file: no header row with a plate / 号牌号码 column in the first 10 rows"
        ]
    keys = [header_key(c, RS_ALIASES) for c in rows[at]]
    keys = [k if k in RS_ALIASES.values() else "" for k in keys]
    missing = [k for k in RS_REQUIRED if k not in keys]
    if missing:
        return pd.DataFrame(), [f"row {at + 1}: header: missing column(s) {', '.join(missing)}"]
    if not any(p in keys for p in _POLLUTANTS):
        return pd.DataFrame(), [
            f"row {at + 1}: header: no pollutant column ({', '.join(_POLLUTANTS)})"
        ]
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, cells in enumerate(rows[at + 1 :], start=at + 2):
        if all(is_blank(c) for c in cells):
            continue
        rec = {k: (cells[j] if j < len(cells) else None) for j, k in enumerate(keys) if k}
        bad: list[str] = []
        row: dict[str, Any] = {"_row": n, "synthetic": synthetic}
        rid = cell_text(rec.get("reading_id"))
        if not rid:
            bad.append(f"row {n}: reading_id: missing")
        elif rid in seen:
            bad.append(f"row {n}: reading_id: {rid} already on row {seen[rid]}")
        seen.setdefault(rid, n)
        row["reading_id"] = rid
        row["site_code"] = cell_text(rec.get("site_code"))
        if not row["site_code"]:
            bad.append(f"row {n}: site_code: missing")
        elif sites is not None and row["site_code"] not in sites:
            bad.append(f"row {n}: site_code: {row['site_code']} is not a registered "
                       "remote-sensing site of your region")  # fmt: skip
        row["plate"] = cell_text(rec.get("plate")).upper().replace("·", "").replace(" ", "")
        if msg := plate_problem(row["plate"] or None):
            bad.append(f"row {n}: plate: {msg}")
        try:
            row["at"] = parse_time(rec.get("at"))
        except ValueError as exc:
            bad.append(f"row {n}: at: {exc}")
        read_ranged(rec, RS_RANGES, n, row, bad, range_name="the measuring range")
        if not bad and all(np.isnan(row[c]) for c in _POLLUTANTS):
            bad.append(f"row {n}: pollutants: none measured ({', '.join(_POLLUTANTS)})")
        problems.extend(bad)
        if not bad:
            out.append(row)
    if not out and not problems:
        problems.append("file: no data rows under the header")
    frame = pd.DataFrame(out)
    if len(frame):
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        for col in RS_VALUES:
            frame[col] = frame[col].astype(float)
    return frame, problems
