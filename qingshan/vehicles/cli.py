"""``qingshan vehicles …`` (issue #21): import a file of vehicles, I/M tests, remote-sensing
readings or OBD samples into ``$QINGSHAN_DATA_DIR/vehicles`` (all rows or none; every refused row listed, exit
status 1), write an import template. ``screen`` and ``score`` are mounted into this group from
:mod:`qingshan.platform.vehicles_cli` (they need the cases' sink and the demo's truth tables)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from qingshan.accounts.models import Role
from qingshan.accounts.scope import Scope
from qingshan.audit import acting_as
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.errors import read_file_bytes
from qingshan.tablefile import write_csv, write_workbook
from qingshan.vehicles.errors import ImportRejected
from qingshan.vehicles.import_service import (
    KINDS,
    Kind,
    import_file,
    split_problems,
    template_headers,
)
from qingshan.vehicles.service import get_store

console = Console()
err = Console(stderr=True)
app = typer.Typer(help="机动车排气 vehicle exhaust (issue #21).", no_args_is_help=True)

_REGION = typer.Option(
    "330000", "--region", help="import as an officer of this region (GB/T 2260 code)"
)
_JSON = typer.Option(False, "--json", help="print JSON")


def _scope(region: str) -> Scope:
    return Scope(region, Role.PROVINCE if region.endswith("0000") else Role.CITY, username="cli")


def _import(kind: Kind, file: Path, region: str, as_json: bool) -> None:
    settings = get_settings()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as progress:  # fmt: skip
        task = progress.add_task(f"reading {file.name}", total=3)
        data = read_file_bytes(file, settings.max_file_bytes)
        progress.update(task, advance=1, description=f"checking every row of {file.name}")
        try:
            with acting_as("cli"), session_scope(get_engine(settings.db_url)) as session:
                result = import_file(get_store(settings.data_dir), session, _scope(region), kind,
                                     data, max_bytes=settings.max_file_bytes)  # fmt: skip
        except ImportRejected as exc:
            problems = split_problems(exc.problems)
            progress.stop()
            if as_json:
                print(
                    json.dumps(
                        {"kind": kind, "stored": 0, "problems": exc.problems}, ensure_ascii=False
                    )
                )
            else:
                table = Table(title=f"{file.name}: {len(problems)} problem(s), nothing imported")
                for col in ("行 row", "字段 field", "问题 problem"):
                    table.add_column(col, overflow="fold")
                for p in problems:
                    table.add_row("" if p.row is None else str(p.row), p.field, p.what)
                err.print(table)
            raise typer.Exit(1) from None
        progress.update(task, advance=2)
    if as_json:
        print(json.dumps({"kind": kind, "stored": result.rows, "batch": result.batch,
                          "counts": dict(result.counts)}, ensure_ascii=False))  # fmt: skip
        return
    counts = ", ".join(f"{k} {n}" for k, n in result.counts.items())
    console.print(f"{result.rows} row(s) stored as batch {result.batch} ({counts})")


@app.command("import-vehicles")
def import_vehicles(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or .xlsx of vehicles"),
    region: str = _REGION,
    as_json: bool = _JSON,
) -> None:
    """Import vehicles (VIN, plate, fuel, category, registration date, region …): every row
    checked, all stored or none. Exit status 1 when the file is refused."""
    _import("vehicles", file, region, as_json)


@app.command("import-tests")
def import_tests(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or .xlsx of I/M tests"),
    region: str = _REGION,
    as_json: bool = _JSON,
) -> None:
    """Import I/M tests at the region's registered stations, judged against the limits of the
    vehicle's stage (pass/fail computed): all stored or none. Exit status 1 when refused."""
    _import("tests", file, region, as_json)


@app.command("import-rs")
def import_rs(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or .xlsx of readings"),
    region: str = _REGION,
    as_json: bool = _JSON,
) -> None:
    """Import roadside remote-sensing readings at the region's registered sites (values outside
    the measuring range refused by row; validity computed): all stored or none. Exit status 1
    when refused."""
    _import("rs", file, region, as_json)


@app.command("import-obd")
def import_obd(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV or .xlsx of OBD samples"
    ),
    region: str = _REGION,
    as_json: bool = _JSON,
) -> None:
    """Import heavy diesel trucks' OBD samples (VIN, time, NOx, SCR temperature, urea dosing,
    speed …) of trucks registered in the region, values outside their range refused by row:
    all stored or none. Exit status 1 when refused."""
    _import("obd", file, region, as_json)


@app.command("template")
def template(
    kind: str = typer.Argument(..., help="vehicles, tests, rs or obd"),
    out: Path = typer.Argument(..., dir_okay=False, help="the file to write (.xlsx or .csv)"),
) -> None:
    """Write the blank import file of KIND with the headers the reader knows."""
    if kind not in KINDS:
        raise typer.BadParameter(f"{kind!r}: {', '.join(KINDS)}", param_hint="'KIND'")
    heads = template_headers(kind)
    if out.suffix.lower() == ".csv":
        out.write_bytes(write_csv(heads, []))
    else:
        out.write_bytes(write_workbook({kind: (heads, [])}))
    console.print(f"wrote {out}")
