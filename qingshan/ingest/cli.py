"""``qingshan import …``: files into the platform."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import track

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
    skipped. Bad rows are reported by line number; good rows are stored.
    """
    from qingshan.audit import acting_as
    from qingshan.config import get_settings
    from qingshan.db.engine import get_engine, session_scope
    from qingshan.ingest.cnemc_import import import_file, read_station_list
    from qingshan.timeseries.store import ObservationStore

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
        return
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
