"""Top-level commands: ``demo``, ``serve``, ``jobs``, ``users``, ``archive``."""

from __future__ import annotations

import json
import os
from datetime import datetime

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qingshan.accounts.models import Role
from qingshan.accounts.oidc import identity_from_claims, link_account
from qingshan.accounts.service import create_user
from qingshan.archive.cli import app as archive_app
from qingshan.audit import acting_as
from qingshan.config import get_settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.db.migrate import is_up_to_date
from qingshan.errors import ConfigurationError, QingshanError
from qingshan.hj212.errors import JournalLocked
from qingshan.hj212.journal import journal_lock_state
from qingshan.hj212.service import journal_dir
from qingshan.jobs.errors import JobFailed, SchedulerRunning
from qingshan.jobs.job import JobContext
from qingshan.jobs.lock import lock_path, lock_state
from qingshan.jobs.runner import run_job
from qingshan.jobs.schemas import JobsOverviewPublic
from qingshan.jobs.service import HISTORY, JobsOverview, RunView, jobs_overview
from qingshan.platform.jobs import JOBS
from qingshan.timeutil import as_cst, utcnow

console = Console()
jobs_app = typer.Typer(help="周期任务 Periodic jobs.", no_args_is_help=True)
users_app = typer.Typer(help="用户 Accounts.", no_args_is_help=True)


def serve(
    host: str | None = typer.Option(None, help="HTTP address (default QINGSHAN_HTTP_HOST)"),
    port: int | None = typer.Option(None, help="HTTP port (default QINGSHAN_HTTP_PORT)"),
) -> None:
    """Serve the platform: dashboard, API, HJ 212 listener and the job scheduler."""
    import uvicorn  # the web server, only when serving

    settings = get_settings()
    settings.signing_key  # noqa: B018  (refuse to start without a secret outside demo mode)
    if not is_up_to_date(get_engine(settings.db_url)):
        raise ConfigurationError("the database is not up to date: run `qingshan db upgrade`")
    if settings.scheduler:
        running, pid = lock_state(lock_path(settings.data_dir))
        if running:
            raise SchedulerRunning(
                f"another `qingshan serve` (pid {pid or '?'}) already runs on "
                f"{settings.data_dir}: one server per data directory",
                pid=pid,
            )
    if settings.hj212_listener:  # the listener's journal lock is the authority for the journal
        directory = journal_dir(settings)
        owned, pid = journal_lock_state(directory)
        if owned:
            raise JournalLocked(
                f"another `qingshan serve` or `qingshan listen` (pid {pid or '?'}) owns the "
                f"HJ 212 journal {directory}: one listener per journal",
                path=str(directory),
                pid=pid,
            )
    host, port = host or settings.http_host, port or settings.http_port
    console.print(
        f"青山 Qingshan serving on [bold]http://{host}:{port}/[/]  (API docs /api/v1/docs)"
    )
    from qingshan.platform.app import create_app  # the whole app: paid by `serve` only

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def demo(
    scale: str = typer.Option("full", help="size of the demo province: small | full"),
    port: int | None = typer.Option(None, help="HTTP port"),
    build_only: bool = typer.Option(False, help="build the demo province and exit"),
) -> None:
    """Build the demo province if absent (with demo accounts), then serve it."""
    os.environ.setdefault("QINGSHAN_DEMO", "1")
    os.environ.setdefault("QINGSHAN_SIM_LOGGERS", "60")
    get_settings.cache_clear()
    from qingshan.platform.demo_links import DEMO_LINKS
    from qingshan.sim.demo import ensure_demo  # the simulator and its models: `demo` only

    ensure_demo(get_settings(), links=DEMO_LINKS, scale=scale, console=console)
    if not build_only:
        serve(host=None, port=port)


@jobs_app.command("list")
def jobs_list(
    as_json: bool = typer.Option(False, "--json", help="the shape of GET /api/v1/admin/jobs"),
    runs: int = typer.Option(HISTORY, min=1, max=1000, help="recent runs per job (--json)"),
) -> None:
    """List the periodic jobs: schedule, next run and last run (times in CST)."""
    settings = get_settings()
    with session_scope(get_engine(settings.db_url)) as session:
        overview = jobs_overview(
            session, JOBS, now=utcnow(), lock=lock_path(settings.data_dir), history=runs
        )
    if as_json:
        print(JobsOverviewPublic.model_validate(overview).model_dump_json(indent=2))
    else:
        _print_jobs(overview)


def _print_jobs(overview: JobsOverview) -> None:
    s = overview.scheduler
    if s.running:
        console.print(f"scheduler: [green]running[/] (pid {s.pid or '?'}, lock {s.lock})")
    else:
        console.print(
            "scheduler: [yellow]not running[/]: it runs inside `qingshan serve` "
            f"(no lock on {s.lock}); until then no job runs by itself"
        )
    table = Table("job", "schedule", "next run (CST)", "last run (CST)")
    for column in table.columns[:3]:
        column.no_wrap = True
    for job in overview.jobs:
        run = job.last_run
        if run is None:
            last = "[dim]never[/]"
        else:
            took = "running" if run.duration_seconds is None else f"{run.duration_seconds:.1f} s"
            last = f"{_status(run)} {_cst(run.started_at)} · {took}"
            if run.message:
                last += f"\n[dim]{escape(run.message)}[/]"
        next_run = _cst(job.next_run) if job.next_run else "[dim]—[/]"
        table.add_row(f"[bold]{job.name}[/]", job.schedule.text, next_run, last)
    console.print(table)
    for job in overview.jobs:
        console.print(f"[bold]{job.name}[/]: {escape(job.description)}", style="dim")


def _cst(value: datetime) -> str:
    return as_cst(value).strftime("%Y-%m-%d %H:%M")


def _status(run: RunView) -> str:
    color = {"ok": "green", "failed": "red", "running": "blue"}.get(run.status, "yellow")
    return f"[{color}]{run.status}[/]"


@jobs_app.command("run")
def jobs_run(name: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Run one job now and print its result."""
    job = JOBS.get_job(name)
    settings = get_settings()
    with console.status(f"running {name} …"):
        try:
            run = run_job(job, JobContext(settings=settings, engine=get_engine(settings.db_url)))
        except QingshanError:
            raise
        except Exception as exc:  # recorded in job_run as failed; one line here
            raise JobFailed(f"job {name} failed: {type(exc).__name__}: {exc}", job=name) from exc
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


@users_app.command("link-oidc")
def users_link_oidc(
    subject: str = typer.Argument(..., help="the subject (sub) the identity provider gives"),
    role: str = typer.Option(..., help="province | city | county | public"),
    region: str = typer.Option(..., help="region code, e.g. 330000, 330100, 330102"),
    name: str = typer.Option("", help="display name (default: the subject)"),
) -> None:
    """Create the account a single sign-on subject signs in to, before its first sign-in
    (needed when QINGSHAN_OIDC_PROVISION_USERS=0); at sign-in the claims still decide role and
    region."""
    settings = get_settings()
    if not settings.oidc_issuer:
        raise ConfigurationError("single sign-on is not configured (set QINGSHAN_OIDC_ISSUER)")
    claims = {"sub": subject, "role": role, "region": region, "name": name}
    identity = identity_from_claims(claims, role_claim="role", region_claim="region")
    with session_scope(get_engine()) as session:
        user = link_account(session, identity, issuer=settings.oidc_issuer)
        console.print(
            f"linked [bold]{escape(user.username)}[/] ({user.role.value}, {user.region_code}) "
            f"to {escape(settings.oidc_issuer)}"
        )


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(demo)
    app.add_typer(jobs_app, name="jobs")
    app.add_typer(users_app, name="users")
    app.add_typer(archive_app, name="archive")
