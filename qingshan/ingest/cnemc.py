"""Reading the files CNEMC (中国环境监测总站) publishes, as they circulate.

- ``china_sites_YYYYMMDD.csv`` / ``china_cities_YYYYMMDD.csv``: header ``date,hour,type,<station
  code or city>…``; for each hour 15 ``type`` rows (AQI, PM2.5, PM2.5_24h, PM10, PM10_24h, SO2,
  SO2_24h, NO2, NO2_24h, O3, O3_24h, O3_8h, O3_8h_24h, CO, CO_24h); µg/m³, CO mg/m³; empty =
  missing; ``date``/``hour`` in China Standard Time. The files do not say whether the hour
  label marks the start or the end of the averaging hour; we store the label as the period's
  ``time`` unchanged (the demo's replay of the same files does the same), so imported and
  replayed data line up and a user can compare them with the published files hour by hour.
- The surface-water real-time table: ``省份,流域,断面名称,监测时间,水质类别,水温(℃),pH(无量纲),…``;
  ``--`` = missing; ``监测时间`` is ``MM-DD HH:MM`` (the year is not in the file).

Only measured 1-hour values become observations (the ``*_24h`` and ``O3_8h`` moving averages
and the published AQI are derived, and are recomputed by :mod:`qingshan.standards`). Parsing is
pure: these functions take a path or buffer and return a long DataFrame; they never touch a
store. Bad rows are returned beside the good ones with their line numbers.

Files are read as UTF-8 or, failing that, GBK (GB 18030), the encodings they circulate in. A
file that was cut off (a copy or download interrupted) shows as a last row without a line break
or with fewer fields than the header: such a row is refused, named by its line, and nothing of
it is stored (a value cut from 62 to 6 would otherwise replace the stored 62); the rest of the
file is read. A row of another field count anywhere is refused the same way.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.config import get_settings
from qingshan.errors import describe_read_error, read_table_text
from qingshan.ingest.errors import BadRow, UnknownFormat
from qingshan.timeutil import CST

#: CNEMC ``type`` → (HJ 212-2017 code, unit). Moving averages are derived, not imported.
AIR_TYPES = {
    "PM2.5": ("a34004", "µg/m³"),
    "PM10": ("a34002", "µg/m³"),
    "SO2": ("a21026", "µg/m³"),
    "NO2": ("a21004", "µg/m³"),
    "O3": ("a05024", "µg/m³"),
    "CO": ("a21005", "mg/m³"),
}
DERIVED_AIR_TYPES = frozenset(
    {"AQI", "PM2.5_24h", "PM10_24h", "SO2_24h", "NO2_24h", "O3_24h", "O3_8h", "O3_8h_24h", "CO_24h"}
)

#: surface-water column → (HJ 212-2017 code, unit)
WATER_COLUMNS = {
    "水温(℃)": ("w01010", "℃"),
    "pH(无量纲)": ("w01001", "无量纲"),
    "溶解氧(mg/L)": ("w01009", "mg/L"),
    "电导率(μS/cm)": ("w01014", "μS/cm"),
    "浊度(NTU)": ("w01003", "NTU"),
    "高锰酸盐指数(mg/L)": ("w01019", "mg/L"),
    "氨氮(mg/L)": ("w21003", "mg/L"),
    "总磷(mg/L)": ("w21011", "mg/L"),
    "总氮(mg/L)": ("w21001", "mg/L"),
}
WATER_KEY_COLUMNS = ("省份", "流域", "断面名称", "监测时间", "水质类别")


@dataclass
class Parsed:
    """A parsed file: long observations, bad rows, and what kind of file it was."""

    kind: str  # "sites" | "cities" | "water"
    rows: pd.DataFrame  # columns: site, parameter, unit, time (UTC), value (+ water: basin, province, published_class)
    bad: list[BadRow] = field(default_factory=list)


def sniff(path: Path) -> str:
    """The CNEMC format of ``path`` from its header: ``air`` or ``water``."""
    text = _read_text(path)
    header = text.splitlines()[0].strip() if text else ""
    if header.startswith("date,hour,type,"):
        return "air"
    if header.startswith(",".join(WATER_KEY_COLUMNS[:3])):
        return "water"
    raise UnknownFormat(
        f"{path.name}: header {header[:60]!r} is neither a CNEMC air file "
        "('date,hour,type,…') nor the surface-water table ('省份,流域,断面名称,…')",
        file=str(path),
    )


def _read_text(path: Path) -> str:
    try:
        return read_table_text(path, get_settings().max_file_bytes)
    except (ValueError, OSError) as exc:  # empty, binary, neither UTF-8 nor GBK
        raise _unreadable(path, exc) from exc


@dataclass
class Table:
    """A CSV file's sound rows as strings, the line of each, and the rows refused."""

    rows: pd.DataFrame
    lines: np.ndarray
    bad: list[BadRow]


def _read_csv(path: Path) -> Table:
    """The rows of ``path`` with as many fields as the header; the others — and a last row
    without its line break (a truncated file) — are refused as :class:`BadRow` naming the
    line (the first line of the row)."""
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
        if len(set(header)) != len(header):
            dupes = sorted({h for h in header if header.count(h) > 1})
            raise UnknownFormat(
                f"{path.name}: cannot read as CSV: the header repeats {dupes}", file=str(path)
            )
        records: list[list[str]] = []
        lines: list[int] = []
        bad: list[BadRow] = []
        start = reader.line_num + 1
        last_start = last_len = 0
        for rec in reader:
            if rec:  # a blank line is no row
                last_start, last_len = start, len(rec)
                if len(rec) == len(header):
                    records.append(rec)
                    lines.append(start)
                else:
                    bad.append(
                        BadRow(
                            f"{len(rec)} fields, the header {len(header)} (a row cut off or "
                            "broken): row refused, nothing of it stored",
                            line=start,
                            file=path.name,
                        )
                    )
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _unreadable(path, exc) from exc
    if last_start and not text.endswith(("\n", "\r")):
        if lines and lines[-1] == last_start:
            records.pop()
            lines.pop()
        else:
            bad.pop()
        fields = "" if last_len == len(header) else f", {last_len} fields of {len(header)}"
        bad.append(
            BadRow(
                f"the file ends inside this row (no line break{fields}): a truncated file; "
                "row refused, nothing of it stored",
                line=last_start,
                file=path.name,
            )
        )
    rows = pd.DataFrame(records, columns=header, dtype=str)
    return Table(rows=rows, lines=np.asarray(lines, dtype=np.int64), bad=bad)


def _unreadable(path: Path, exc: Exception) -> UnknownFormat:
    """The error of a file that is not CSV text: the file, what is wrong, the line if known."""
    reason, line = describe_read_error(exc)
    return UnknownFormat(f"{path.name}: cannot read as CSV: {reason}", file=str(path), line=line)


def parse_air(path: Path) -> Parsed:
    """Parse a ``china_sites_*`` or ``china_cities_*`` file into long 1-hour observations."""
    table = _read_csv(path)
    raw = table.rows
    columns = list(raw.columns[3:])
    kind = "sites" if all(_is_station_code(c) for c in columns) else "cities"
    bad: list[BadRow] = list(table.bad)
    line = table.lines
    known = raw["type"].isin(AIR_TYPES.keys() | DERIVED_AIR_TYPES)
    for ln, t in zip(line[~known], raw["type"][~known], strict=True):
        bad.append(
            BadRow(
                f"unknown type {t!r}; CNEMC types are {sorted(AIR_TYPES)} and their averages",
                line=int(ln),
            )
        )
    keep = raw["type"].isin(AIR_TYPES.keys())
    date = pd.to_datetime(raw["date"], format="%Y%m%d", errors="coerce")
    hour = pd.to_numeric(raw["hour"], errors="coerce")
    ok_time = date.notna() & hour.between(0, 23)
    for i in np.flatnonzero((keep & ~ok_time).to_numpy()):
        r = raw.iloc[i]
        bad.append(
            BadRow(
                f"bad date/hour {r['date']!r}/{r['hour']!r} (want YYYYMMDD and 0–23)",
                line=int(line[i]),
            )
        )
    good = raw[keep & ok_time]
    start = (date[keep & ok_time] + pd.to_timedelta(hour[keep & ok_time], unit="h")).dt.tz_localize(
        CST
    )
    long = good.assign(time=start.dt.tz_convert("UTC"), line=line[keep & ok_time]).melt(
        id_vars=["time", "type", "line"], value_vars=columns, var_name="site", value_name="text"
    )
    long = long[long["text"] != ""]
    value = pd.to_numeric(long["text"], errors="coerce")
    negative_or_bad = value.isna() | (value < 0)
    for ln, site, text in long.loc[negative_or_bad, ["line", "site", "text"]].itertuples(
        index=False
    ):
        bad.append(
            BadRow(f"station {site}: value {text!r} is not a non-negative number", line=int(ln))
        )
    long = long[~negative_or_bad].assign(value=value[~negative_or_bad])
    mapped = long["type"].map(AIR_TYPES)
    rows = pd.DataFrame(
        {
            "site": long["site"].to_numpy(),
            "parameter": [m[0] for m in mapped],
            "unit": [m[1] for m in mapped],
            "time": long["time"].to_numpy(),
            "value": long["value"].to_numpy(dtype=float),
        }
    )
    rows["time"] = pd.to_datetime(rows["time"], utc=True)
    return Parsed(
        kind=kind, rows=rows.sort_values(["site", "parameter", "time"], ignore_index=True), bad=bad
    )


def parse_water(path: Path, *, year: int) -> Parsed:
    """Parse the surface-water real-time table; ``year`` completes ``监测时间`` (MM-DD HH:MM)."""
    table = _read_csv(path)
    raw = table.rows
    missing = [c for c in WATER_KEY_COLUMNS if c not in raw.columns]
    if missing:
        raise UnknownFormat(f"{path.name}: missing columns {missing}", file=str(path))
    bad: list[BadRow] = list(table.bad)
    out = []
    for i, r in zip(table.lines.tolist(), raw.itertuples(index=False), strict=True):
        rec = dict(zip(raw.columns, r, strict=True))
        try:
            local = pd.Timestamp(f"{year}-{rec['监测时间']}").tz_localize(CST)
        except ValueError:
            bad.append(BadRow(f"bad 监测时间 {rec['监测时间']!r} (want MM-DD HH:MM)", line=i))
            continue
        for col, (code, unit) in WATER_COLUMNS.items():
            text = rec.get(col, "--")
            if text in ("--", ""):
                continue
            try:
                value = float(text)
            except ValueError:
                bad.append(BadRow(f"{col}: {text!r} is not a number", line=i))
                continue
            out.append(
                dict(
                    site=rec["断面名称"],
                    province=rec["省份"],
                    basin=rec["流域"],
                    published_class=rec["水质类别"],
                    parameter=code,
                    unit=unit,
                    time=local.tz_convert("UTC"),
                    value=value,
                )
            )
    rows = pd.DataFrame(out)
    if not rows.empty:
        rows["time"] = pd.to_datetime(rows["time"], utc=True)
    return Parsed(kind="water", rows=rows, bad=bad)


def _is_station_code(name: str) -> bool:
    return len(name) == 5 and name[:4].isdigit() and name[4].isalpha()
