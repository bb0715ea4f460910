"""``qingshan listen``, ``qingshan loggers`` and ``qingshan devices …`` (the HJ 212 intake)."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console()
devices_app = typer.Typer(
    help="数采仪注册 HJ 212 device registry (MN + password).", no_args_is_help=True
)


def _settings_engine():
    from qingshan.config import get_settings
    from qingshan.db.engine import get_engine

    settings = get_settings()
    return settings, get_engine(settings.db_url)


def _run_until_signal(make) -> None:
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await make(stop)

    try:
        import uvloop

        uvloop.run(main())
    except ImportError:  # pragma: no cover
        asyncio.run(main())


def listen(
    host: str = typer.Option(None, "--host", help="bind address (default QINGSHAN_HJ212_HOST)"),
    port: int = typer.Option(None, "--port", help="TCP port (default QINGSHAN_HJ212_PORT)"),
) -> None:
    """Run the HJ 212-2017 listener alone 启动数据接收 (journal → store)."""
    import logging

    from qingshan.hj212.service import run_listener
    from qingshan.timeseries.store import ObservationStore

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings, engine = _settings_engine()
    store = ObservationStore(settings.observations_dir)

    def ready(listener) -> None:
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
    from qingshan.hj212.service import run_simulated_loggers

    settings, engine = _settings_engine()
    if register:
        from qingshan.hj212.service import register_sim_devices

        console.print(f"registered {register_sim_devices(engine, count)} devices")
    _run_until_signal(
        lambda stop: run_simulated_loggers(
            settings, engine, stop, count=count, rtd_interval=rtd_interval, faults=faults
        )
    )


@devices_app.command("add")
def devices_add(
    mn: str,
    password: str = typer.Option(..., "--password", help="PW"),
    site: str = typer.Option(None, "--site", help="site code or id"),
    crc: str = typer.Option("hj212", "--crc", help="hj212 | modbus | modbus-swapped"),
    version: int = typer.Option(1, "--version", help="0 = 2005, 1 = 2017, 2 = 2025"),
    name: str = typer.Option(None, "--name"),
) -> None:
    """Register a data logger 注册数采仪."""
    from qingshan.audit import acting_as
    from qingshan.db.engine import session_scope
    from qingshan.hj212.registry import add_device

    _, engine = _settings_engine()
    with acting_as("cli"), session_scope(engine) as session:
        d = add_device(
            session, mn, password, site=site, crc=crc, protocol_version=version, name=name
        )
        console.print(
            f"registered MN={d.mn} (site {d.site_id}, crc {d.crc.value})", highlight=False
        )


@devices_app.command("list")
def devices_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List devices with their status 设备列表."""
    from datetime import UTC, datetime

    from qingshan.db.engine import session_scope
    from qingshan.hj212.registry import status_rows

    _, engine = _settings_engine()
    with session_scope(engine) as session:
        rows = status_rows(session, datetime.now(UTC))
    if as_json:
        console.print_json(json.dumps(rows, default=str))
        return
    table = Table("MN", "名称 name", "点位 site", "在线 online", "最近 last seen", "包 packets",
                  "拒收 rejected")  # fmt: skip
    for r in rows:
        table.add_row(r["mn"], r["name"] or "", str(r["site_id"] or ""),
                      "是 yes" if r["online"] else "否 no",
                      r["last_seen"].isoformat(timespec="seconds") if r["last_seen"] else "",
                      str(r["packets"]), str(r["rejected"]))  # fmt: skip
    console.print(table)


@devices_app.command("import")
def devices_import(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import devices from CSV (mn,password[,site,crc,protocol_version,name,enabled]); all or
    nothing, every bad row reported."""
    from qingshan.audit import acting_as
    from qingshan.db.engine import session_scope
    from qingshan.hj212.errors import DeviceImportError
    from qingshan.hj212.registry import import_devices_csv

    _, engine = _settings_engine()
    try:
        with acting_as("cli"), session_scope(engine) as session:
            added = import_devices_csv(session, file.read_text(encoding="utf-8-sig"))
    except DeviceImportError as exc:
        for line, message in exc.context.get("rows", []):
            console.print(f"[red]line {line}[/]: {message}", highlight=False)
        raise
    console.print(f"imported {len(added)} devices")


def register(app: typer.Typer) -> None:
    app.command()(listen)
    app.command()(loggers)
    app.add_typer(devices_app, name="devices")
