"""``qingshan import …`` (files into the platform), ``qingshan listen`` and ``qingshan loggers``
(the HJ 212 intake: listener + ingest, simulated loggers).

The observation store (DuckDB, PyArrow), the CNEMC parsers and the intake runtime are imported
when a command runs, so that ``qingshan --help`` stays quick.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import track

from qingshan.audit import acting_as
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.hj212.service import register_sim_devices
from qingshan.ingest.cnemc_import import import_file, read_station_list
from qingshan.ingest.errors import IngestError
from qingshan.ingest.multi import run_listeners
from qingshan.ingest.runtime import run_listener, run_simulated_loggers
from qingshan.timeseries.store import ObservationStore

if TYPE_CHECKING:
    from qingshan.hj212.listener import Listener

app = typer.Typer(help="导入 Import files (CNEMC published data).", no_args_is_help=True)
console = Console()


@app.command("cnemc")
def import_cnemc(
    files: list[Path] = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="china_sites_*.csv, china_cities_*.csv or the surface-water table",
    ),
    stations: Path = typer.Option(
        None,
        exists=True,
        dir_okay=False,
        help="CNEMC StationList-*.csv to register unknown stations",
    ),
    year: int = typer.Option(None, help="year of the surface-water table's MM-DD times"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Import CNEMC air (stations, cities) and surface-water files into the observation store.

    Only Zhejiang's stations, cities and sections are imported; other rows are counted as
    skipped. Bad rows (a value that is not a number, a row cut off by a truncated file) are
    refused and reported by line number, and the command exits 1; good rows are stored.
    Files may be UTF-8 or GBK.
    """

    settings = get_settings()
    store = ObservationStore(settings.observations_dir)
    station_list = read_station_list(stations) if stations else None
    reports = []
    for path in track(files, description="导入 importing", console=console, disable=as_json):
        with acting_as("cli"), session_scope(get_engine(settings.db_url)) as session:
            reports.append(import_file(session, store, path, stations=station_list, year=year))
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "file": r.file,
                        "kind": r.kind,
                        "rows_stored": r.rows_stored,
                        "sites_created": r.sites_created,
                        "skipped": dict(r.skipped),
                        "bad_rows": [{"line": b.line, "error": str(b)} for b in r.bad],
                    }
                    for r in reports
                ],
                ensure_ascii=False,
            )
        )
    else:
        for r in reports:
            console.print(
                f"[bold]{r.file}[/] ({r.kind}): {r.rows_stored:,} values stored, "
                f"{r.sites_created} sites registered"
            )
            for reason, n in r.skipped.items():
                console.print(f"  skipped {n:,} values: {reason}")
            for b in r.bad[:20]:
                console.print(f"  [red]bad row[/] {b}")
            if len(r.bad) > 20:
                console.print(f"  … and {len(r.bad) - 20} more bad rows")
    refused = [r for r in reports if r.bad]
    if refused:
        raise IngestError(
            "; ".join(
                f"{r.file}: {len(r.bad)} bad row(s) refused, the rest stored "
                f"(first: {min(r.bad, key=lambda b: b.line)})"
                for r in refused
            )
        )


# ---------------------------------------------------------------------------- HJ 212 intake


def _run_until_signal(make: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
    """Run ``make(stop)`` on an event loop (uvloop if installed) until SIGINT or SIGTERM."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await make(stop)

    try:
        import uvloop  # optional: a faster event loop for the listener
    except ImportError:  # pragma: no cover
        asyncio.run(main())
    else:
        uvloop.run(main())


def listen(
    host: str = typer.Option(None, "--host", help="bind address (default QINGSHAN_HJ212_HOST)"),
    port: int = typer.Option(None, "--port", help="TCP port (default QINGSHAN_HJ212_PORT)"),
    processes: int = typer.Option(
        None,
        "--processes",
        min=1,
        max=64,
        help="listener processes sharing the port, a journal each (QINGSHAN_HJ212_PROCESSES)",
    ),  # fmt: skip
) -> None:
    """Run the HJ 212-2017 listener alone 启动数据接收 (journal → store)."""

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    engine = get_engine(settings.db_url)
    store = ObservationStore(settings.observations_dir)
    processes = settings.hj212_processes if processes is None else processes
    if processes > 1:

        def all_ready(bound: int) -> None:
            console.print(f"listening on {host or settings.hj212_host}:{bound} "
                          f"({processes} processes)", highlight=False)  # fmt: skip

        _run_until_signal(
            lambda stop: run_listeners(settings, engine, store, stop, processes=processes,
                                       host=host, port=port, ready=all_ready)
        )  # fmt: skip
        return

    def ready(listener: Listener) -> None:
        console.print(
            f"listening on {host or settings.hj212_host}:{listener.port}", highlight=False
        )

    _run_until_signal(
        lambda stop: run_listener(settings, engine, store, stop, host=host, port=port, ready=ready)
    )


def loggers(
    count: int = typer.Option(10, "--count", help="number of simulated loggers"),
    rtd_interval: float = typer.Option(30.0, "--interval", help="real-time data interval [s]"),
    faults: float = typer.Option(0.0, "--faults", help="share of frames sent corrupted"),
    register: bool = typer.Option(
        False, "--register", help="register SIM* devices on sites first (demo)"
    ),
) -> None:
    """Run simulated data loggers 模拟数采仪 against the listener."""

    settings = get_settings()
    engine = get_engine(settings.db_url)
    if register:
        console.print(f"registered {register_sim_devices(engine, count)} devices")
    _run_until_signal(
        lambda stop: run_simulated_loggers(
            settings, engine, stop, count=count, rtd_interval=rtd_interval, faults=faults
        )
    )


def register(root: typer.Typer) -> None:
    """Add ``listen`` and ``loggers`` to the root command."""
    root.command()(listen)
    root.command()(loggers)
