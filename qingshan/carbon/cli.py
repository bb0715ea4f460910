"""``qingshan carbon …``: import an activity workbook, recompute after a factor correction,
list the factor library, write the import template."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.audit import acting_as
from qingshan.carbon import imports, service
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope

console = Console()
app = typer.Typer(help="碳账户 the carbon accounts (issue #17).", no_args_is_help=True)


def _scope(region: str) -> Scope:
    return Scope(region, Role.PROVINCE if region == "330000" else Role.CITY, username="cli")


@app.command("import")
def import_file(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="an activity workbook (.xlsx)"
    ),
    region: str = typer.Option("330000", "--region", help="import within this region only"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Import monthly activity data: good rows are stored, bad rows listed (row, column, what is
    wrong) and not stored. Exit status 1 when any row was refused."""
    settings = get_settings()
    with acting_as("cli"), session_scope(get_engine(settings.db_url)) as session:
        report = service.import_activity_excel(
            session, _scope(region), file.read_bytes(), actor="cli",
            library=service.library_of(settings.data_dir), max_bytes=settings.max_file_bytes,
        )  # fmt: skip
    if as_json:
        print(json.dumps({"rows": report.rows, "stored": report.stored, "rejected": report.rejected,
                          "problems": [str(p) for p in report.problems]}, ensure_ascii=False))  # fmt: skip
    else:
        console.print(f"{report.rows} row(s) read, {report.stored} stored, "
                      f"{report.rejected} refused")  # fmt: skip
        for p in report.problems:
            console.print(f"  [red]{p}[/red]", highlight=False)
    if report.problems:
        raise typer.Exit(1)


@app.command("recompute")
def recompute(
    reason: str = typer.Option(..., "--reason", help="why (recorded on every new version)"),
    enterprise: list[int] = typer.Option(None, "--enterprise", help="only these enterprise ids"),
) -> None:
    """Recompute the current results with the factor library in force (the package's plus
    ``$QINGSHAN_DATA_DIR/carbon/factors/``): a new version wherever a figure or a factor changed;
    the old versions are kept."""
    settings = get_settings()
    library = service.library_of(settings.data_dir)
    with acting_as("cli"), session_scope(get_engine(settings.db_url)) as session:
        n = service.recompute(session, library, reason=reason, enterprise_ids=enterprise or None)
    console.print(f"{n} new version(s) with library {library.version}")


@app.command("factors")
def factors(
    kind: str | None = typer.Option(None, "--kind", help="fuel, grid, heat or process"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the emission-factor library in force: id, value, unit, validity, tag, source."""
    library = service.library_of(get_settings().data_dir)
    rows = [f for f in library.all() if kind is None or f.kind == kind]
    if as_json:
        print(json.dumps([f.to_json() for f in rows], ensure_ascii=False))
        return
    table = Table(title=f"factor library {library.version} ({len(rows)} factors)")
    for col in ("id", "value", "unit", "valid", "tag", "source"):
        table.add_column(col, overflow="fold")
    for f in rows:
        valid = f"{f.valid_from}…{f.valid_to or ''}"
        value = "" if f.value is None else f"{f.value:.6g}"
        table.add_row(f.id, value, f.unit, valid, f.tag, f.source[:80])
    console.print(table)


@app.command("template")
def template(out: Path = typer.Argument(Path("碳排放活动数据导入模板.xlsx"))) -> None:
    """Write the import template (.xlsx)."""
    out.write_bytes(imports.template())
    console.print(f"wrote {out}")
