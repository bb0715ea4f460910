"""``qingshan batch``: QC, roll-ups and indices over a range of history on Dask
(:func:`qingshan.scale.batch.run_batch`)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from qingshan.config import get_settings
from qingshan.scale.errors import BatchArgumentError

if TYPE_CHECKING:  # Dask (~0.7 s of imports) loads when a batch runs, not for every command
    from qingshan.scale.batch import BatchReport

app = typer.Typer(
    name="batch",
    help="批量重算 Batch: QC, roll-ups and indices over history, on a Dask cluster.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)


def _day(text: str, option: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise BatchArgumentError(
            f"bad {option} {text!r}: give a date as YYYY-MM-DD (a China-Standard-Time day)"
        ) from None


def _run(
    kind: str,
    start: str,
    end: str,
    sites: str | None,
    scheduler: str | None,
    workers: int | None,
    timeout: float,
    as_json: bool,
) -> None:
    from qingshan.scale.batch import run_batch

    report = run_batch(
        get_settings(),
        [kind],
        _day(start, "--from"),
        _day(end, "--to"),
        sites=None if sites is None else sites.split(","),
        scheduler=scheduler,
        workers=workers,
        progress=not as_json,
        connect_timeout=timeout,
        console=err,
    )
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
    else:
        _print(report)


def _print(report: BatchReport) -> None:
    table = Table(title=f"batch {report.run_key}: {report.start} … {report.end} (CST days)")
    cols = ("kind", "partitions", "done", "skipped", "rows read", "rows written", "s")
    for col in (*cols, "peak MiB per worker"):
        table.add_column(col, justify="left" if col == "kind" else "right")
    for k in report.kinds.values():
        table.add_row(
            k.kind,
            str(k.partitions),
            str(k.done),
            str(k.skipped),
            f"{k.rows_read:,}",
            f"{k.rows_written:,}",
            f"{k.seconds:.1f}",
            " / ".join(f"{v / 2**20:.0f}" for v in k.peak_rss.values()) or "?",
        )
    out.print(table)
    peak = ", ".join(f"{v / 2**20:.0f} MiB" for v in report.peak_rss.values())
    where = report.scheduler or "a local cluster"
    out.print(f"{report.workers} worker(s) on {where}; peak memory per worker: {peak or '?'}")
    out.print(f"total {report.seconds:.1f} s")


FROM = typer.Option(..., "--from", help="first CST day, YYYY-MM-DD")
TO = typer.Option(..., "--to", help="last CST day (included), YYYY-MM-DD")
SITES = typer.Option(None, "--sites", help="site codes separated by commas (default: all)")
SCHEDULER = typer.Option(
    None, "--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786"
)
WORKERS = typer.Option(
    None,
    "--workers",
    help="local worker processes (default one per core); with --scheduler: "
    "wait for that many workers",
)
TIMEOUT = typer.Option(10.0, "--timeout", help="seconds to wait for the scheduler and workers")
JSON = typer.Option(False, "--json", help="print the report as JSON")


def _command(kind: str, doc: str) -> None:
    def command(
        start: str = FROM,
        end: str = TO,
        sites: str | None = SITES,
        scheduler: str | None = SCHEDULER,
        workers: int | None = WORKERS,
        timeout: float = TIMEOUT,
        as_json: bool = JSON,
    ) -> None:
        _run(kind, start, end, sites, scheduler, workers, timeout, as_json)

    command.__doc__ = doc
    app.command(kind)(command)


_command(
    "qc", "质控重判 QC verdicts of every outlet, per CST day, stored as the qc job stores them."
)
_command(
    "rollups", "日均/月均 Daily and monthly means with coverage, written as the rollups job writes."
)
_command("indices", "指数 AQI, water class and CWQI as derived series, as the indices job writes.")
_command("all", "qc, rollups and indices, in that order.")
