"""``qingshan qc``: QC on files (``check``). ``qingshan qc score`` (the score against the demo's
injected faults) is :func:`qingshan.sim.cli.score`, mounted here by the command-line registry."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.console import Console

from qingshan.qc.errors import InputFileError
from qingshan.qc.io import read_long_form, write_results
from qingshan.qc.longform import check_long_frame
from qingshan.qc.rules import load_rulepack
from qingshan.standards.pollutant_codes import normalise_code
from qingshan.timeutil import utcnow

app = typer.Typer(
    name="qc",
    help="数据质控 Monitoring-data QC: checks, validity, exceedance.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)


@app.callback()
def qc() -> None:
    """数据质控 Monitoring-data QC: checks, validity, exceedance."""
    # a callback keeps ``qc`` a group of commands even where only ``check`` is mounted (the
    # registry adds ``score`` from sim): ``qingshan qc check FILE`` in every case


def _limits(items: list[str]) -> dict[str, float]:
    res = {}
    for it in items:
        if "=" not in it:
            raise InputFileError("--limit", f"{it!r} is not CODE=VALUE (e.g. SO2=35)")
        k, v = it.split("=", 1)
        res[normalise_code(k.strip())] = float(v)
    return res


@app.command("check")
def check(
    file: Path = typer.Argument(
        ..., help="long-form CSV or Excel: time, site, parameter, value[, flag, unit]"
    ),
    industry: str = typer.Option(
        "generic", help="rule pack: thermal_power | cement | paper | generic"
    ),
    out_path: Path = typer.Option(
        ..., "--out", help="FLAGS.csv (or .xlsx): one row per input row, input order"
    ),
    limit: list[str] = typer.Option(
        [], "--limit", help="permit limit CODE=VALUE (repeatable), e.g. SO2=35"
    ),
    source_type: str = typer.Option(
        None, help="source type for national limits / reference O2 (default: the pack's)"
    ),
) -> None:
    """质控检查 Run a rule pack on a long-form export and write every check's flag per row."""
    df = read_long_form(file)
    pack = load_rulepack(industry)
    frame = pd.DataFrame(
        {
            "time": df["time_utc"],
            "site": df["site"].astype(str),
            "parameter": df["code"],
            "value": df["value_num"],
        }
    )
    if "flag" in df.columns:
        frame["flag"] = df["flag"]
    res = check_long_frame(
        frame, pack, permit_limits=_limits(limit), source_type=source_type, now=utcnow()
    )
    input_cols = [c for c in df.columns if c not in ("time_utc", "code", "value_num")]
    result = pd.concat(
        [
            df[input_cols],
            res.drop(columns=["time", "site", "parameter", "value", "flag"], errors="ignore"),
        ],
        axis=1,
    )
    write_results(result, out_path)
    counts = result["aggregate_flag"].value_counts().to_dict()
    err.print(
        f"{len(result)} rows, rule pack {pack.version}: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        + f" → {out_path}"
    )
