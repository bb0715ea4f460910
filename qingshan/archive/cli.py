"""``qingshan archive …``: import and export the pollution-source archive (一企一档) in its
exchange layout (:mod:`.import_layout`). Without ``--as`` a command acts for the province as
``cli``; with ``--as USER`` (a province or city account) within that account's region."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from qingshan.accounts.models import Role, User
from qingshan.accounts.scope import Scope
from qingshan.accounts.service import scope_of
from qingshan.archive.errors import BadArchiveInput
from qingshan.archive.export import archive_tables, export_csv, export_csv_zip, export_xlsx
from qingshan.archive.import_archive import ArchiveImportRejected, import_archive
from qingshan.archive.import_layout import SHEETS, template_csv, template_xlsx
from qingshan.archive.import_schemas import problems_public, result_public
from qingshan.audit import acting_as
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.errors import UnreadableText, read_file_bytes
from qingshan.tablefile import RowProblem

console = Console()
app = typer.Typer(
    help="污染源档案 the pollution-source archive: import and export.", no_args_is_help=True
)

AS_USER = typer.Option(
    None, "--as", help="act as this province or city account (default: the province)"
)
IMPORTERS = (Role.PROVINCE, Role.CITY)


def _scope(session, username: str | None) -> Scope:
    if username is None:
        return Scope(region_code="330000", role=Role.PROVINCE, username="cli")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise BadArchiveInput(f"no account {username!r}", field="as")
    if user.role not in IMPORTERS:
        raise BadArchiveInput(f"{username} ({user.role.value}) may not import or export the archive: "
                              "province and city accounts do", field="as")  # fmt: skip
    return scope_of(user)


@app.command("import")
def import_files(
    files: list[Path] = typer.Argument(
        ..., help="a workbook (.xlsx), CSV files (one per sheet) or a .zip of them"
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="check and say what would change; store nothing"
    ),
    as_json: bool = typer.Option(
        False, "--json", help="print the result (or the problems) as JSON"
    ),
    as_user: str = AS_USER,
) -> None:
    """Import enterprises, outlets, permits (with versions), limits and caps 导入污染源档案:
    every row checked through the archive's rules; nothing stored when any row is bad."""
    settings = get_settings()
    err = Console(stderr=True)
    names = ", ".join(f.name for f in files)
    try:
        data = []
        for f in files:
            try:
                data.append((f.name, read_file_bytes(f, settings.max_file_bytes)))
            except (UnreadableText, OSError) as exc:  # too large, missing, unreadable
                raise ArchiveImportRejected([RowProblem(f.name, 0, "", "", str(exc))]) from exc
        with acting_as(as_user or "cli"), session_scope(get_engine(settings.db_url)) as session:
            scope = _scope(session, as_user)
            with console.status("reading and checking …") as status:
                result = import_archive(
                    session, data, actor=as_user or "cli", max_bytes=settings.max_file_bytes,
                    scope=scope, dry_run=dry_run, progress=lambda m: status.update(m),
                )  # fmt: skip
    except ArchiveImportRejected as exc:
        if as_json:
            print(
                json.dumps(
                    {"files": names, "problems": problems_public(exc.problems)},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for p in exc.problems:
                err.print(str(p), highlight=False, soft_wrap=True)
            err.print(
                f"[bold red]error:[/] {names}: {len(exc.problems)} problem(s), nothing imported",
                highlight=False,
            )
        raise typer.Exit(1) from exc
    public = result_public(result)
    if as_json:
        print(public.model_dump_json(indent=2))
        return
    table = Table("表 sheet", "行 row", "对象 key", "名称 name", "结果 action", "变化 fields")
    for c in public.changes:
        fields = "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in c.fields.items())
        table.add_row(c.sheet, str(c.row), c.key, c.name, c.action, fields[:200])
    if public.changes:
        console.print(table)
    console.print(result.summary(), highlight=False, soft_wrap=True)
    console.print(f"{result.rows} rows in {result.seconds:.2f} s", highlight=False)


@app.command("export")
def export(
    file: Path = typer.Argument(
        ..., help="FILE.xlsx (a workbook), FILE.zip (CSV files) or a directory (CSV files)"
    ),
    region: str = typer.Option(
        None, "--region", help="only this city or county (code, e.g. 330100)"
    ),
    encoding: str = typer.Option("utf-8", help="CSV files: utf-8 (with BOM) or gbk"),
    as_user: str = AS_USER,
) -> None:
    """Export the archive in the import's layout 导出污染源档案 (importing it back changes nothing)."""
    if encoding.lower() not in ("utf-8", "utf8", "gbk"):
        raise BadArchiveInput(f"encoding {encoding!r}: utf-8 or gbk", field="encoding")
    with session_scope(get_engine(get_settings().db_url)) as session:
        tables = archive_tables(session, _scope(session, as_user), region)
    if file.suffix.lower() == ".xlsx":
        file.write_bytes(export_xlsx(tables))
    elif file.suffix.lower() == ".zip":
        file.write_bytes(export_csv_zip(tables, encoding))
    elif file.is_dir() or not file.suffix:
        file.mkdir(parents=True, exist_ok=True)
        for s in SHEETS:
            (file / f"{s.name}.csv").write_bytes(export_csv(tables, s.name, encoding))
    else:
        raise BadArchiveInput(f"{file.name}: write a .xlsx, a .zip or a directory", field="file")
    counts = ", ".join(f"{s.name} {tables.count(s.name)}" for s in SHEETS)
    console.print(f"written: {file} ({counts})", highlight=False, soft_wrap=True)


@app.command("template")
def template(
    file: Path = typer.Argument(
        ..., help="FILE.xlsx (the workbook) or a directory (one CSV per sheet)"
    ),
    encoding: str = typer.Option("utf-8", help="CSV files: utf-8 (with BOM) or gbk"),
) -> None:
    """Write the blank exchange file 导入模板 (headers with notes, one example row per sheet)."""
    if file.suffix.lower() == ".xlsx":
        file.write_bytes(template_xlsx())
    else:
        file.mkdir(parents=True, exist_ok=True)
        for s in SHEETS:
            (file / f"{s.name}.csv").write_bytes(template_csv(s, encoding))
    console.print(f"written: {file}", highlight=False)
