"""``qingshan devices …``: the HJ 212 device registry (data loggers, MN + password).

``qingshan listen`` and ``qingshan loggers`` run the intake: :mod:`qingshan.ingest.cli`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from qingshan.audit import acting_as
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.errors import UnreadableText, read_file_bytes
from qingshan.hj212.errors import DeviceImportError
from qingshan.hj212.registry import add_device, import_devices_csv, status_rows

console = Console()
devices_app = typer.Typer(
    help="数采仪注册 HJ 212 device registry (MN + password).", no_args_is_help=True
)


def _engine() -> Engine:
    return get_engine(get_settings().db_url)


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
    with acting_as("cli"), session_scope(_engine()) as session:
        d = add_device(
            session, mn, password, site=site, crc=crc, protocol_version=version, name=name
        )
        console.print(
            f"registered MN={d.mn} (site {d.site_id}, crc {d.crc.value})", highlight=False
        )


@devices_app.command("list")
def devices_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List devices with their status 设备列表."""
    with session_scope(_engine()) as session:
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
                      str(r["packets"]), _rejected(r))  # fmt: skip
    console.print(table)


def _rejected(row: dict[str, Any]) -> str:
    """Rejected frames, and how many of them were not recorded (the reject queue was full)."""
    dropped = (row.get("errors") or {}).get("rejects_dropped", 0)
    return f"{row['rejected']} ({dropped} 未记录 not recorded)" if dropped else str(row["rejected"])


@devices_app.command("import")
def devices_import(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import devices from CSV (mn,password[,site,crc,protocol_version,name,enabled]); all or
    nothing, every bad row reported; a file above QINGSHAN_MAX_FILE_BYTES is refused."""
    try:
        data = read_file_bytes(file, get_settings().max_file_bytes)
    except (UnreadableText, OSError) as exc:  # too large, unreadable
        raise DeviceImportError(f"{file}: cannot read: {exc}", rows=[]) from exc
    engine = _engine()
    try:
        with acting_as("cli"), session_scope(engine) as session:
            added = import_devices_csv(session, data)
    except DeviceImportError as exc:
        for line, message in exc.rows:
            console.print(f"[red]line {line}[/]: {message}", highlight=False)
        raise DeviceImportError(f"{file}: {exc.message}", rows=exc.rows) from exc
    console.print(f"imported {len(added)} devices")


def register(app: typer.Typer) -> None:
    app.add_typer(devices_app, name="devices")
