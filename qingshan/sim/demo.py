"""The demo: migrate, build the demo province if absent (:mod:`.loader`), create the demo
accounts and the simulated loggers' devices."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select

from qingshan.accounts.models import Role, User
from qingshan.accounts.service import create_user
from qingshan.audit import acting_as
from qingshan.config import Settings
from qingshan.db.engine import get_engine, session_scope
from qingshan.db.migrate import upgrade
from qingshan.hj212.service import register_sim_devices
from qingshan.sim.loader import DemoSummary, build_demo
from qingshan.timeseries.store import ObservationStore
from qingshan.timeutil import utcnow

#: demo accounts: username → (role, region, password). Demo mode only; printed at start.
DEMO_ACCOUNTS = {
    "province": (Role.PROVINCE, "330000", "qingshan-demo"),
    "hangzhou": (Role.CITY, "330100", "qingshan-demo"),
    "ningbo": (Role.CITY, "330200", "qingshan-demo"),
    "xihu": (Role.COUNTY, "330106", "qingshan-demo"),
}


def build_with_progress(
    settings: Settings,
    *,
    scale: str,
    now: datetime | None = None,
    seed: int = 2021,
    console: Console | None = None,
    quiet: bool = False,
    actor: str = "demo",
) -> DemoSummary:
    """Migrate ``settings``' database and build the demo province into its stores (if absent)
    under a Rich progress bar; returns the :class:`~.loader.DemoSummary`."""
    engine = get_engine(settings.db_url)
    upgrade(engine)
    store = ObservationStore(settings.observations_dir)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console or Console(),
        disable=quiet,
    ) as progress:
        task = progress.add_task("构建演示省份 building the demo province", total=1.0)

        def report(fraction: float, what: str = "") -> None:
            progress.update(task, completed=fraction, description=f"构建演示省份 {what}".strip())

        with acting_as(actor):
            summary = build_demo(
                engine, store, scale=scale, now=now or utcnow(), seed=seed, progress=report
            )
        progress.update(task, completed=1.0)
    return summary


def ensure_demo(settings: Settings, *, scale: str = "full", console: Console | None = None) -> None:
    """Make ``settings``' stores hold the demo province (built once), the demo accounts and, when
    ``settings.sim_loggers`` is set, the simulated loggers' devices."""
    console = console or Console()
    summary = build_with_progress(settings, scale=scale, console=console)
    engine = get_engine(settings.db_url)
    console.print(f"demo province: {summary}")
    with acting_as("demo"), session_scope(engine) as session:
        for username, (role, region, password) in DEMO_ACCOUNTS.items():
            if session.scalar(select(User.id).where(User.username == username)) is None:
                create_user(session, username, password, role, region)
    if settings.sim_loggers:
        added = register_sim_devices(engine, settings.sim_loggers)
        console.print(
            f"HJ 212: {settings.sim_loggers} simulated data loggers on the outlets "
            f"({added} devices newly registered, password 123456) → port {settings.hj212_port}"
        )
    console.print(
        "demo accounts (password qingshan-demo): "
        + ", ".join(f"{u} ({r.value} {c})" for u, (r, c, _) in DEMO_ACCOUNTS.items())
    )
