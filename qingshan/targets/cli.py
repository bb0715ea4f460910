"""``qingshan targets …``: load a plan file (目标任务), send deadline reminders."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from qingshan.audit import acting_as
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.targets import service
from qingshan.targets.plan_file import DEFAULT_PLAN, plan_for_year, read_plan_file
from qingshan.targets.reminders import send_reminders

console = Console()
app = typer.Typer(help="目标任务分解与考核 the plan's targets.", no_args_is_help=True)


@app.command("load")
def load(
    file: Path = typer.Argument(DEFAULT_PLAN, help="a plan file (format qingshan-targets/1)"),
    year: int | None = typer.Option(None, "--year", help="move the plan's dates to this year"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Check a plan file row by row and store its targets, responsible units and city shares
    (every problem is listed by row and field; nothing is stored then)."""
    spec = read_plan_file(file)
    if year is not None:
        spec = plan_for_year(spec, year)
    with acting_as("cli"), session_scope(get_engine(get_settings().db_url)) as session:
        result = service.load_plan(session, spec)
    if as_json:
        print(json.dumps({"plan": result.plan_code, "targets": result.targets,
                          "shares": result.shares, "units_added": result.units_added},
                         ensure_ascii=False))  # fmt: skip
    else:
        console.print(str(result))


@app.command("remind")
def remind() -> None:
    """Record the deadline reminders due now (as the scheduler's job does)."""
    with acting_as("cli"), session_scope(get_engine(get_settings().db_url)) as session:
        n = send_reminders(session)
    console.print(f"{n} reminder(s) sent")
