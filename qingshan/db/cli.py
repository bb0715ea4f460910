"""``qingshan db``: the relational store."""

from __future__ import annotations

import typer
from rich.console import Console

from qingshan.db.engine import get_engine
from qingshan.db.migrate import current_revision, head_revision
from qingshan.db.migrate import upgrade as run_upgrade

app = typer.Typer(help="关系库 The relational store (migrations).", no_args_is_help=True)
console = Console(soft_wrap=True)  # a revision line is one line, whatever the terminal's width


@app.command()
def upgrade(revision: str = typer.Argument("head", help="target revision")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""

    engine = get_engine()
    run_upgrade(engine, revision)
    console.print(f"database at revision [bold]{current_revision(engine)}[/]")


@app.command()
def current() -> None:
    """Print the database's current revision and whether it is up to date."""

    engine = get_engine()
    cur, head = current_revision(engine), head_revision()
    console.print(f"current {cur}, head {head}: {'up to date' if cur == head else 'needs upgrade'}")
