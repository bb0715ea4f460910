"""Reading long-form CSV / Excel exports for ``qingshan qc check`` (I/O at the edge)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from qingshan.config import get_settings
from qingshan.errors import describe_read_error, read_file_bytes, read_table_text
from qingshan.qc.errors import EmptySeries, InputFileError, MixedUnits
from qingshan.standards.errors import UnknownPollutantCode
from qingshan.standards.pollutant_codes import normalise_code

__all__ = ["read_long_form", "write_results"]

REQUIRED = ("time", "site", "parameter", "value")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def _parse_times(col: pd.Series, path: str) -> pd.Series:
    """ISO 8601 strings or Excel datetimes → UTC; no offset means China Standard Time (UTC+8)."""
    if pd.api.types.is_datetime64_any_dtype(col):
        t = col
        return (t.dt.tz_localize("Asia/Shanghai") if t.dt.tz is None else t).dt.tz_convert("UTC")
    s = col.astype(str).str.strip()
    aware = s.str.contains(_OFFSET.pattern.replace("(Z|", "(?:Z|"), regex=True)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    try:
        if aware.any():
            out[aware] = pd.to_datetime(s[aware], utc=True, format="ISO8601")
        if (~aware).any():
            out[~aware] = (
                pd.to_datetime(s[~aware], format="ISO8601")
                .dt.tz_localize("Asia/Shanghai")
                .dt.tz_convert("UTC")
            )
    except (ValueError, TypeError) as exc:
        bad = next((i for i, v in s.items() if _bad_time(v)), None)
        row = None if bad is None else int(bad) + 2
        raise InputFileError(
            path, f"cannot read time {s[bad]!r} as ISO 8601" if bad is not None else str(exc), row
        ) from exc
    return out


def _bad_time(v: str) -> bool:
    try:
        pd.Timestamp(v)
        return False
    except (ValueError, TypeError):
        return True


def read_long_form(path: str | Path) -> pd.DataFrame:
    """Read a long-form export: columns ``time``, ``site``, ``parameter``, ``value``, optional
    ``flag`` (HJ 212 data flag) and ``unit`` (CSV in UTF-8 or GBK). Returns the input columns
    plus ``time_utc``, ``code`` (HJ 212-2017 code, or the name as given when it is not a known
    code) and a numeric ``value_num`` (NaN where not a number: checked as missing).

    Raises
    ------
    InputFileError — missing file or columns, unreadable time
    EmptySeries — no rows
    MixedUnits — one (site, parameter) with several units
    """

    p = Path(path)
    if not p.exists():
        raise InputFileError(str(p), "no such file")
    try:
        if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            data = io.BytesIO(read_file_bytes(p, get_settings().max_file_bytes))
            df = pd.read_excel(data, dtype={"site": str, "parameter": str, "flag": str})
        else:
            text = read_table_text(
                p, get_settings().max_file_bytes
            )  # UTF-8 or GBK, .gz etc. decompressed
            df = pd.read_csv(
                io.StringIO(text),
                dtype={"site": str, "parameter": str, "flag": str},
                keep_default_na=True,
            )
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        reason, _line = describe_read_error(exc)  # the reason names the line
        kind = "Excel" if p.suffix.lower() in (".xlsx", ".xlsm", ".xls") else "CSV"
        raise InputFileError(str(p), f"cannot read as {kind}: {reason}") from exc
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputFileError(
            str(p),
            f"missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED)} (flag, unit optional)",
        )
    if len(df) == 0:
        raise EmptySeries(f"file {p.name}")
    df["time_utc"] = _parse_times(df["time"], str(p))
    names = pd.unique(df["parameter"].astype(str))
    code_of = {}
    for n in names:
        try:
            code_of[n] = normalise_code(n)
        except UnknownPollutantCode:
            code_of[n] = n
    df["code"] = df["parameter"].astype(str).map(code_of)
    df["value_num"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    if "unit" in df.columns:
        u = df.dropna(subset=["unit"]).groupby(["site", "code"])["unit"].nunique()
        if (u > 1).any():
            site, code = u[u > 1].index[0]
            units = (
                df[(df["site"] == site) & (df["code"] == code)]["unit"].dropna().unique().tolist()
            )
            raise MixedUnits(f"{site}/{code}", [str(x) for x in units])
    return df


def write_results(out: pd.DataFrame, path: str | Path) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix.lower() == ".xlsx":
        out.to_excel(p, index=False)
    else:
        out.to_csv(p, index=False, float_format="%.6g")


_ = np
