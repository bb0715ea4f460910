"""Top-level commands: ``demo``, ``serve``, ``jobs``, ``users``."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

console = Console()
jobs_app = typer.Typer(help="周期任务 Periodic jobs.", no_args_is_help=True)
users_app = typer.Typer(help="用户 Accounts.", no_args_is_help=True)


def serve(
    host: str = typer.Option(None, help="HTTP address (default QINGSHAN_HTTP_HOST)"),
    port: int = typer.Option(None, help="HTTP port (default QINGSHAN_HTTP_PORT)"),
) -> None:
    """Serve the platform: dashboard, API, HJ 212 listener and the job scheduler."""
    import uvicorn

    from qingshan.config import get_settings
    from qingshan.db.engine import get_engine
    from qingshan.db.migrate import is_up_to_date
    from qingshan.errors import ConfigurationError
    from qingshan.platform.app import create_app

    settings = get_settings()
    settings.signing_key  # noqa: B018  (refuse to start without a secret outside demo mode)
    if not is_up_to_date(get_engine(settings.db_url)):
        raise ConfigurationError("the database is not up to date: run `qingshan db upgrade`")
    host, port = host or settings.http_host, port or settings.http_port
    console.print(
        f"青山 Qingshan serving on [bold]http://{host}:{port}/[/]  (API docs /api/v1/docs)"
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def demo(
    scale: str = typer.Option("full", help="size of the demo province: small | full"),
    port: int = typer.Option(None, help="HTTP port"),
    build_only: bool = typer.Option(False, help="build the demo province and exit"),
) -> None:
    """Build the demo province if absent (with demo accounts), then serve it."""
    import os

    os.environ.setdefault("QINGSHAN_DEMO", "1")
    os.environ.setdefault("QINGSHAN_SIM_LOGGERS", "60")
    from qingshan.config import get_settings
    from qingshan.sim.demo import ensure_demo

    get_settings.cache_clear()
    ensure_demo(get_settings(), scale=scale, console=console)
    if not build_only:
        serve(host=None, port=port)


@jobs_app.command("list")
def jobs_list() -> None:
    """List the periodic jobs and their intervals."""
    from qingshan.jobs.registry import JOBS

    table = Table("job", "every", "what")
    for job in JOBS.values():
        table.add_row(job.name, str(job.every), job.description)
    console.print(table)


@jobs_app.command("run")
def jobs_run(name: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Run one job now and print its result."""
    from qingshan.config import get_settings
    from qingshan.db.engine import get_engine
    from qingshan.jobs.registry import JobContext
    from qingshan.jobs.runner import run_job

    settings = get_settings()
    with console.status(f"running {name} …"):
        run = run_job(name, JobContext(settings=settings, engine=get_engine(settings.db_url)))
    if as_json:
        print(json.dumps({"job": name, "status": run.status, "message": run.message}))
    else:
        console.print(f"[green]{name}[/] {run.status}: {run.message}")


@users_app.command("add")
def users_add(
    username: str,
    role: str = typer.Option(..., help="province | city | county | enterprise | public"),
    region: str = typer.Option(..., help="region code, e.g. 330000, 330100, 330102"),
    enterprise_id: int = typer.Option(None, help="enterprise id (enterprise users only)"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create a user account."""
    from qingshan.accounts.models import Role
    from qingshan.accounts.service import create_user
    from qingshan.audit import acting_as
    from qingshan.db.engine import get_engine, session_scope

    try:
        role_ = Role(role)
    except ValueError:
        raise typer.BadParameter(
            f"role must be one of {', '.join(r.value for r in Role)}"
        ) from None
    with acting_as("cli"), session_scope(get_engine()) as session:
        user = create_user(session, username, password, role_, region, enterprise_id=enterprise_id)
        console.print(
            f"created user [bold]{user.username}[/] ({user.role.value}, {user.region_code})"
        )


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(demo)
    app.add_typer(jobs_app, name="jobs")
    app.add_typer(users_app, name="users")
