"""``qingshan aqi FILE`` and ``qingshan water-class FILE``: the standards on spreadsheets.

Input: CSV or Excel, one row per station and time (AQI) or per section and date (water),
columns named by indicator key (``PM2.5_24h``), by pollutant (``PM2.5``: 24-h/daily columns for
``--report daily``, 1-h columns otherwise; ``O3`` → ``O3_8h`` daily, ``O3_1h`` hourly) or, for
water, by the Chinese item name with or without its unit (``溶解氧(mg/L)``). Output: CSV, Excel
or JSON by the extension of ``--output``; a table or ``--json`` on stdout otherwise. Rows that
cannot be read are reported by row number (the spreadsheet's: header = row 1) and skipped; the
good rows are still computed. Exit status 1 when any row was bad.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from qingshan.config import get_settings
from qingshan.errors import describe_read_error, read_file_bytes, read_table_text
from qingshan.standards.aqi import INDICATORS as AQI_INDICATORS
from qingshan.standards.aqi import aqi_frame
from qingshan.standards.errors import StandardsError
from qingshan.standards.water_quality import INDICATORS as WATER_INDICATORS
from qingshan.standards.water_quality import classify_frame

err = Console(stderr=True)
CHUNK = 200_000

_ZH_WATER = {
    "pH": "pH", "溶解氧": "DO", "高锰酸盐指数": "CODMn", "化学需氧量": "COD", "五日生化需氧量": "BOD5",
    "氨氮": "NH3_N", "总磷": "TP", "总氮": "TN", "铜": "Cu", "锌": "Zn", "氟化物": "F", "硒": "Se",
    "砷": "As", "汞": "Hg", "镉": "Cd", "六价铬": "Cr6", "铅": "Pb", "氰化物": "CN",
    "挥发酚": "VolatilePhenol", "石油类": "Petroleum", "阴离子表面活性剂": "LAS", "硫化物": "Sulfide",
    "粪大肠菌群": "FecalColiform",
}  # fmt: skip


def read_table(path: Path) -> pd.DataFrame:
    """Read CSV or Excel (.xlsx/.xls) as strings, so bad cells can be reported.

    CSV may be UTF-8 or GBK; no file larger than ``QINGSHAN_MAX_FILE_BYTES`` is read. A file that is not a table (empty, binary, neither UTF-8 nor GBK,
    ragged rows, not a workbook) raises
    :class:`StandardsError` naming the file, what is wrong and the line where known.
    """
    if not path.exists():
        raise StandardsError(f"file not found: {path}", path=str(path))
    excel = path.suffix.lower() in (".xlsx", ".xlsm", ".xls")
    limit = get_settings().max_file_bytes
    try:
        if excel:
            return pd.read_excel(io.BytesIO(read_file_bytes(path, limit)), dtype=str)
        text = read_table_text(path, limit)  # UTF-8 or GBK, .gz etc. decompressed
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        reason, line = describe_read_error(exc)
        raise StandardsError(
            f"{path}: cannot read as {'Excel' if excel else 'CSV'}: {reason}",
            path=str(path),
            line=line,
        ) from exc


def _aqi_columns(columns: list[str], report: str) -> dict[str, str]:
    suffix = "_24h" if report == "daily" else "_1h"
    out = {}
    for col in columns:
        key = col.strip()
        if key in AQI_INDICATORS:
            out[col] = key
            continue
        base = key.upper().replace("PM25", "PM2.5")
        if base == "O3":
            out[col] = "O3_8h" if report == "daily" else "O3_1h"
        elif base in ("SO2", "NO2", "CO", "PM10", "PM2.5"):
            out[col] = base + suffix
    return out


def _water_columns(columns: list[str]) -> dict[str, str]:
    out = {}
    for col in columns:
        key = re.sub(r"[（(].*?[)）]", "", col).strip()
        if key in WATER_INDICATORS:
            out[col] = key
        elif key in _ZH_WATER:
            out[col] = _ZH_WATER[key]
    return out


def _numeric(frame: pd.DataFrame, mapping: dict[str, str]) -> tuple[pd.DataFrame, dict[int, str]]:
    """Numbers per indicator, and {row index: reason} for cells that are not numbers ≥ 0."""
    bad: dict[int, str] = {}
    out = pd.DataFrame(index=frame.index)
    for col, key in mapping.items():
        raw = frame[col].astype("string").str.strip()
        blank = raw.isna() | raw.isin(["", "--", "—", "NA", "nan", "NaN"])
        num = pd.to_numeric(raw.where(~blank), errors="coerce")
        for i in frame.index[(num.isna() & ~blank) | (num < 0)]:
            bad.setdefault(i, f"{col}: {raw[i]!r} is not a concentration ≥ 0")
        out[key] = num.astype(float)
    return out, bad


def _emit(
    result: pd.DataFrame,
    errors: list[dict[str, object]],
    output: Path | None,
    as_json: bool,
    title: str,
    show: list[str],
) -> None:
    records = json.loads(result.to_json(orient="records", force_ascii=False))
    if output is not None:
        ext = output.suffix.lower()
        if ext in (".xlsx", ".xlsm"):
            result.to_excel(output, index=False)
        elif ext == ".json":
            output.write_text(
                json.dumps({"results": records, "errors": errors}, ensure_ascii=False, indent=1)
            )
        else:
            result.to_csv(output, index=False)
        err.print(f"{len(result)} row(s) written to {output}")
    if as_json:
        sys.stdout.write(
            json.dumps({"results": records, "errors": errors}, ensure_ascii=False) + "\n"
        )
    elif output is None:
        shown = result[[c for c in show if c in result.columns]]
        table = Table(*map(str, shown.columns), title=title)
        for row in shown.head(200).itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in row))
        Console().print(table)
        if len(result) > 200:
            err.print(f"… {len(result) - 200} more row(s); use --output or --json")
    for e in errors:
        err.print(f"[yellow]row {e['row']}:[/] {e['error']}")


def _chunks(n: int, label: str) -> Iterator[slice]:
    with Progress(console=err, transient=True, disable=n < CHUNK) as progress:
        task = progress.add_task(label, total=n)
        for start in range(0, n, CHUNK):
            yield slice(start, min(n, start + CHUNK))
            progress.advance(task, min(CHUNK, n - start))


def aqi_command(
    file: Annotated[Path, typer.Argument(help="CSV or Excel, one row per station and time")],
    report: Annotated[
        str, typer.Option(help="daily 日报 | hourly 实时报 | realtime (CNEMC published)")
    ] = "daily",
    edition: Annotated[
        str | None, typer.Option(help="HJ 633-2012 | HJ 633-2026 (default: by date)")
    ] = None,
    date_column: Annotated[
        str, typer.Option(help="column with the date/time (chooses the edition)")
    ] = "date",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=".csv, .xlsx or .json")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
) -> None:
    """空气质量指数 AQI (HJ 633-2012 / HJ 633-2026) for every row of FILE."""

    frame = read_table(file)
    mapping = _aqi_columns(list(frame.columns), report)
    if not mapping:
        raise StandardsError(
            f"{file}: no pollutant columns (e.g. PM2.5_24h, SO2_1h, PM2.5)", path=str(file)
        )
    values, bad = _numeric(frame, mapping)
    date = None
    if edition is None:
        if date_column not in frame.columns:
            raise StandardsError(
                f"{file}: no column {date_column!r}; give --edition or --date-column",
                path=str(file),
            )
        parsed = pd.to_datetime(frame[date_column].astype(str), errors="coerce", format="mixed")
        for i in frame.index[parsed.isna()]:
            bad.setdefault(i, f"{date_column}: {frame[date_column][i]!r} is not a date")
        date = parsed
    good = frame.index.difference(list(bad))
    parts = []
    for sl in _chunks(len(good), "AQI"):
        idx = good[sl]
        parts.append(aqi_frame(values.loc[idx], report=report, edition=edition,
                               date=None if date is None else date.loc[idx]))  # fmt: skip
    result = pd.concat(parts) if parts else pd.DataFrame()
    keep = [c for c in frame.columns if c not in mapping]
    result = pd.concat([frame.loc[good, keep], values.loc[good], result], axis=1)
    result.insert(0, "row", good + 2)
    errors = [{"row": int(i) + 2, "error": bad[i]} for i in sorted(bad)]
    show = ["row", *keep, "aqi", "category", "primary_pollutants", "edition"]
    _emit(result, errors, output, as_json, "空气质量指数 AQI", show)
    if errors:
        raise typer.Exit(1)


def water_class_command(
    file: Annotated[Path, typer.Argument(help="CSV or Excel, one row per section and date")],
    water_body: Annotated[
        str, typer.Option(help="river | lake, or the name of a column holding it")
    ] = "river",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=".csv, .xlsx or .json")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
) -> None:
    """地表水水质类别 Surface-water class (GB 3838-2002, 环办〔2011〕22号) for every row of FILE."""

    frame = read_table(file)
    mapping = _water_columns(list(frame.columns))
    if not mapping:
        raise StandardsError(
            f"{file}: no water-quality columns (e.g. NH3_N, 氨氮(mg/L))", path=str(file)
        )
    values, bad = _numeric(frame, mapping)
    if water_body in frame.columns:
        wb = frame[water_body].str.strip()
        for i in frame.index[~wb.isin(["river", "lake"])]:
            bad.setdefault(i, f"{water_body}: {wb[i]!r} is not river or lake")
        values["_water_body"] = wb
        wb_arg = "_water_body"
    else:
        wb_arg = water_body
    good = frame.index.difference(list(bad))
    parts = [
        classify_frame(values.loc[good[sl]], water_body=wb_arg)
        for sl in _chunks(len(good), "class")
    ]
    result = pd.concat(parts) if parts else pd.DataFrame()
    keep = [c for c in frame.columns if c not in mapping]
    result = pd.concat([frame.loc[good, keep], result], axis=1)
    result.insert(0, "row", good + 2)
    errors = [{"row": int(i) + 2, "error": bad[i]} for i in sorted(bad)]
    show = ["row", *keep[:4], "section_class", "status", "main_pollutants"]
    _emit(result, errors, output, as_json, "地表水水质类别", show)
    if errors:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``aqi`` and ``water-class`` to the ``qingshan`` command line."""
    app.command("aqi")(aqi_command)
    app.command("water-class")(water_class_command)
