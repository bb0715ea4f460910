"""``qingshan devices …``: the HJ 212 device registry (data loggers, MN + password, SM4 key)
and the platform → logger commands (``devices command``, ``devices commands``).

``qingshan listen`` and ``qingshan loggers`` run the intake: :mod:`qingshan.ingest.cli`.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from qingshan.audit import acting_as
from qingshan.audit.log import cli_actor
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.errors import UnreadableText, read_file_bytes
from qingshan.hj212 import command_service
from qingshan.hj212.commands import FINAL, CommandKind, CommandState
from qingshan.hj212.errors import DeviceImportError
from qingshan.hj212.registry import add_device, import_devices_csv, status_rows, update_device
from qingshan.hj212.schemas import CommandPublic
from qingshan.timeutil import as_cst, as_utc

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
    sm4_key: str = typer.Option(None, "--sm4-key", help="SM4 key, 32 hex digits (HJ 212-2025)"),
) -> None:
    """Register a data logger 注册数采仪."""
    with acting_as("cli"), session_scope(_engine()) as session:
        d = add_device(
            session, mn, password, site=site, crc=crc, protocol_version=version, name=name,
            sm4_key=sm4_key,
        )  # fmt: skip
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


@devices_app.command("update")
def devices_update(
    mn: str,
    sm4_key: str = typer.Option(None, "--sm4-key", help="SM4 key, 32 hex digits (HJ 212-2025)"),
    no_sm4_key: bool = typer.Option(False, "--no-sm4-key", help="remove the SM4 key"),
    overtime: int = typer.Option(None, "--overtime", help="request timeout 超时时间 [s], 1–99"),
    recount: int = typer.Option(None, "--recount", help="resends 重发次数, 0–99"),
    version: int = typer.Option(None, "--version", help="0 = 2005, 1 = 2017, 2 = 2025"),
    enabled: bool = typer.Option(None, "--enabled/--disabled"),
) -> None:
    """Change a data logger 修改数采仪: SM4 key (never shown back; audited, redacted),
    request timeout and resends, edition, enabled."""
    key = "" if no_sm4_key else sm4_key
    with acting_as("cli"), session_scope(_engine()) as session:
        d = update_device(session, mn, sm4_key=key, overtime=overtime, recount=recount,
                          protocol_version=version, enabled=enabled)  # fmt: skip
        console.print(
            f"MN={d.mn}: SM4 {'on' if d.sm4_key else 'off'}, timeout {d.overtime} s, "
            f"{d.recount} resends, edition {d.protocol_version}, "
            f"{'enabled' if d.enabled else 'disabled'}",
            highlight=False,
        )


_STATE_ZH = {"queued": "待发送", "sent": "已发送", "answered": "执行中", "succeeded": "成功",
             "failed": "失败", "refused": "拒绝", "timed_out": "超时", "undelivered": "未送达",
             "cancelled": "已取消"}  # fmt: skip


def _when(t: datetime | None) -> str:
    return as_cst(t).strftime("%m-%d %H:%M:%S") if t is not None else ""


def _command_rows(rows: list[CommandPublic], as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps([r.model_dump(mode="json") for r in rows]))
        return
    table = Table("ID", "MN", "命令 kind", "CN", "状态 state", "次数 sends", "结果 result",
                  "创建 created (CST)", "完成 finished (CST)")  # fmt: skip
    for r in rows:
        result = r.error or ", ".join(f"{k}={v}" for k, v in r.result.items())
        table.add_row(str(r.id), r.mn, r.kind.value, r.cn,
                      f"{_STATE_ZH[r.state.value]} {r.state.value}", str(r.attempts),
                      result[:60], _when(r.created_at), _when(r.finished_at))  # fmt: skip
    console.print(table)


@devices_app.command("command")
def devices_command(
    mn: str,
    kind: CommandKind = typer.Argument(
        ..., help="time-get | time-set | backfill | rtd-start | rtd-stop | timeouts"
    ),
    begin: datetime = typer.Option(None, "--from", help="backfill: first period (CST)"),
    end: datetime = typer.Option(None, "--to", help="backfill: last period's start (CST)"),
    cn: str = typer.Option("2061", "--cn", help="backfill: 2051 minute | 2061 hour | 2031 day"),
    system_time: datetime = typer.Option(None, "--time", help="time-set: CST (default: now)"),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="wait for the outcome"),
    timeout: float = typer.Option(300.0, "--timeout", help="how long to wait [s]"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Send a command to a logger 下发命令 (HJ 212-2017 Appendix C). The listener holding the
    logger's connection sends it; without --no-wait, waits until it is done."""
    engine = _engine()
    with acting_as("cli"), session_scope(engine) as session:
        row = command_service.create_command(
            session, mn, kind, actor=cli_actor(), origin="cli",
            cn=cn if kind is CommandKind.BACKFILL else None,
            begin=None if begin is None else as_utc(begin),
            end=None if end is None else as_utc(end),
            system_time=None if system_time is None else as_utc(system_time),
        )  # fmt: skip
        command_id = row.id
        shown = CommandPublic.of(row)
    if not as_json:
        console.print(f"command {command_id} queued for MN={mn}", highlight=False)
    deadline = time.monotonic() + timeout
    while wait and shown.state not in FINAL and time.monotonic() < deadline:
        time.sleep(0.5)
        with session_scope(engine) as session:
            shown = CommandPublic.of(command_service.get_command(session, None, command_id))
    _command_rows([shown], as_json)
    if shown.state in FINAL and shown.state is not CommandState.SUCCEEDED:
        raise typer.Exit(1)


@devices_app.command("commands")
def devices_commands(
    mn: str = typer.Option(None, "--mn"),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the commands and their states 命令记录 (newest first)."""
    with session_scope(_engine()) as session:
        rows = [
            CommandPublic.of(c) for c in command_service.list_commands(session, None, mn, limit)
        ]
    _command_rows(rows, as_json)


@devices_app.command("cancel")
def devices_cancel(command_id: int) -> None:
    """Withdraw a command not sent yet 取消命令."""
    with acting_as("cli"), session_scope(_engine()) as session:
        row = command_service.cancel_command(session, None, command_id)
        console.print(f"command {row.id}: {row.state}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(devices_app, name="devices")
